/**
 * The first packet of a text result set: the number of columns, as int<lenenc>. (Without
 * CLIENT_OPTIONAL_RESULTSET_METADATA, which is never negotiated, there is no metadata_follows.)
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html
 */
import assert from 'node:assert/strict';
import { lenEncIntSize, readLenEncLength, writeLenEncInt } from '../wire.js';

export function encodeColumnCount(count: number): Buffer {
  assert(Number.isInteger(count) && count > 0, 'a result set has at least one column');
  const buf = Buffer.allocUnsafe(lenEncIntSize(count));
  writeLenEncInt(buf, 0, count);
  return buf;
}

export function decodeColumnCount(payload: Buffer): number {
  const { value, pos } = readLenEncLength(payload, 0);
  assert(pos === payload.length, 'column count packet has nothing else');
  return value;
}
