/**
 * COM_FIELD_LIST: the columns of a table (the mysql CLI's auto-rehash, for tab completion).
 * Deprecated in MySQL 8 and still served. Answered by one column definition per column, each
 * followed by the column's default value, then EOF (or an OK with header 0xFE under
 * CLIENT_DEPRECATE_EOF); there is no column count.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_field_list.html
 *
 *   request:   int<1>       command   0x04
 *              string<NUL>  table
 *              string<EOF>  wildcard  a LIKE pattern for column names ('' for all)
 *   response:  Column_Definition41, then
 *              string<lenenc> default value, or 0xFB when the column has none
 */
import { COM } from '../constants.js';
import { LENENC_NULL, lenEncBytesSize, PayloadReader, writeLenEncBytes } from '../wire.js';

export interface FieldListRequest {
  /** Raw bytes, decoded by the caller in character_set_client. */
  readonly table: Buffer;
  readonly wildcard: Buffer;
}

export function decodeFieldList(payload: Buffer): FieldListRequest {
  const r = new PayloadReader(payload, 1);
  const table = Buffer.from(r.nulBytes());
  return { table, wildcard: Buffer.from(r.rest()) };
}

export function encodeFieldList(request: FieldListRequest): Buffer {
  return Buffer.concat([Buffer.from([COM.COM_FIELD_LIST]), request.table, Buffer.from([0]),
    request.wildcard]);
}

/** A column definition payload with its default value appended. */
export function appendDefaultValue(definition: Buffer, defaultValue: Buffer | null): Buffer {
  if (defaultValue === null) return Buffer.concat([definition, Buffer.from([LENENC_NULL])]);
  const tail = Buffer.allocUnsafe(lenEncBytesSize(defaultValue.length));
  writeLenEncBytes(tail, 0, defaultValue);
  return Buffer.concat([definition, tail]);
}
