/**
 * OK_Packet: a command succeeded; with header 0xFE it also ends a result set when the client set
 * CLIENT_DEPRECATE_EOF (then it replaces the EOF packet).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html
 *
 *   int<1>        header          0x00 (OK) or 0xFE (OK as result-set terminator)
 *   int<lenenc>   affected_rows
 *   int<lenenc>   last_insert_id
 *   int<2>        status_flags    SERVER_STATUS_* (CLIENT_PROTOCOL_41)
 *   int<2>        warnings        (CLIENT_PROTOCOL_41)
 *   string<lenenc> info           human-readable, e.g. 'Rows matched: 1  Changed: 1  Warnings: 0';
 *                                 absent when empty
 *
 * The manual shows info as string<EOF> without CLIENT_SESSION_TRACK, but MySQL 8 writes it
 * length-encoded in both cases (net_send_ok calls net_store_data), and libmariadb reads it so:
 * a string<EOF> info made the mysql CLI fail with 2027 "malformed packet". Session state
 * (SERVER_SESSION_STATE_CHANGED) is never sent; see K2 in constants.ts.
 */
import assert from 'node:assert/strict';
import { lenEncIntSize, PayloadReader, writeLenEncInt, writeLenEncString } from '../wire.js';

export const OK_HEADER = 0x00;
export const OK_EOF_HEADER = 0xfe;

export interface OkPacket {
  readonly header: typeof OK_HEADER | typeof OK_EOF_HEADER;
  readonly affectedRows: number | bigint;
  readonly lastInsertId: number | bigint;
  readonly statusFlags: number;
  readonly warnings: number;
  readonly info: string;
}

export function encodeOk(ok: OkPacket): Buffer {
  const infoBytes = Buffer.byteLength(ok.info, 'utf8');
  const infoSize = infoBytes === 0 ? 0 : lenEncIntSize(infoBytes) + infoBytes;
  const size =
    1 + lenEncIntSize(ok.affectedRows) + lenEncIntSize(ok.lastInsertId) + 4 + infoSize;
  const buf = Buffer.allocUnsafe(size);
  buf[0] = ok.header;
  let pos = writeLenEncInt(buf, 1, ok.affectedRows);
  pos = writeLenEncInt(buf, pos, ok.lastInsertId);
  pos = buf.writeUInt16LE(ok.statusFlags, pos);
  pos = buf.writeUInt16LE(Math.min(ok.warnings, 0xffff), pos);
  if (infoBytes > 0) pos = writeLenEncString(buf, pos, ok.info, infoBytes);
  assert(pos === size, 'OK packet size');
  return buf;
}

export interface DecodedOk extends OkPacket {
  readonly affectedRows: bigint;
  readonly lastInsertId: bigint;
}

export function decodeOk(payload: Buffer): DecodedOk {
  const r = new PayloadReader(payload);
  const header = r.int(1);
  assert(header === OK_HEADER || header === OK_EOF_HEADER, 'not an OK packet');
  return {
    header,
    affectedRows: r.lenEncInt(),
    lastInsertId: r.lenEncInt(),
    statusFlags: r.int(2),
    warnings: r.int(2),
    info: r.atEnd() ? '' : r.lenEncBytes().toString('utf8'),
  };
}
