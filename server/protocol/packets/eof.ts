/**
 * EOF_Packet: ends the column definitions and the rows of a result set, for clients without
 * CLIENT_DEPRECATE_EOF (libmariadb, mysql2: every traced client but the mariadb connector).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html
 *
 *   int<1>  header        0xFE
 *   int<2>  warnings      (CLIENT_PROTOCOL_41)
 *   int<2>  status_flags  (CLIENT_PROTOCOL_41)
 */
import assert from 'node:assert/strict';
import { PayloadReader } from '../wire.js';

export const EOF_HEADER = 0xfe;

export interface EofPacket {
  readonly warnings: number;
  readonly statusFlags: number;
}

export function encodeEof(eof: EofPacket): Buffer {
  const buf = Buffer.allocUnsafe(5);
  buf[0] = EOF_HEADER;
  buf.writeUInt16LE(Math.min(eof.warnings, 0xffff), 1);
  buf.writeUInt16LE(eof.statusFlags, 3);
  return buf;
}

export function decodeEof(payload: Buffer): EofPacket {
  const r = new PayloadReader(payload);
  assert(r.int(1) === EOF_HEADER && payload.length < 9, 'not an EOF packet');
  return { warnings: r.int(2), statusFlags: r.int(2) };
}
