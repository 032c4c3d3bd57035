/**
 * ERR_Packet: a command failed. Carries MySQL's errno, SQLSTATE and message and nothing else; the
 * '#' marker before the SQLSTATE is what makes the mysql CLI print "ERROR 1045 (28000): …".
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html
 *
 *   int<1>       header            0xFF
 *   int<2>       error_code
 *   string[1]    sql_state_marker  '#'   (CLIENT_PROTOCOL_41)
 *   string[5]    sql_state                (CLIENT_PROTOCOL_41)
 *   string<EOF>  error_message
 */
import assert from 'node:assert/strict';
import { PayloadReader } from '../wire.js';

export const ERR_HEADER = 0xff;
const SQL_STATE_MARKER = 0x23; // '#'

export interface ErrPacket {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

export function encodeErr(err: ErrPacket): Buffer {
  assert(/^[0-9A-Z]{5}$/.test(err.sqlState), 'SQLSTATE is 5 characters');
  assert(Number.isInteger(err.errno) && err.errno > 0 && err.errno <= 0xffff, 'errno is int<2>');
  const messageBytes = Buffer.byteLength(err.message, 'utf8');
  const buf = Buffer.allocUnsafe(9 + messageBytes);
  buf[0] = ERR_HEADER;
  buf.writeUInt16LE(err.errno, 1);
  buf[3] = SQL_STATE_MARKER;
  buf.write(err.sqlState, 4, 5, 'latin1');
  buf.write(err.message, 9, messageBytes, 'utf8');
  return buf;
}

export function decodeErr(payload: Buffer): ErrPacket {
  const r = new PayloadReader(payload);
  assert(r.int(1) === ERR_HEADER, 'not an ERR packet');
  const errno = r.int(2);
  let sqlState = 'HY000';
  if (payload[r.pos] === SQL_STATE_MARKER) {
    r.skip(1);
    sqlState = r.bytes(5).toString('latin1');
  }
  return { errno, sqlState, message: r.rest().toString('utf8') };
}
