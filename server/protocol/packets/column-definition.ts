/**
 * Column_Definition41: one column of a text or binary result set, built from the engine's
 * ColumnInfo. The wire type is the column's *type*, not its real type (see WIRE_TYPE).
 *
 * Character columns are described as converted to character_set_results, as MySQL's
 * Protocol_classic::send_field_metadata does: the charset is the results charset's (255 for
 * utf8mb4, 33 utf8mb3, 8 latin1) and the length is characters × its mbmaxlen. ColumnInfo.length
 * is given for utf8mb4 results (characters × 4; bytes × 4 for BLOB/TEXT). With results in
 * binary, nothing is converted: the column's own collation and utf8mb4 length are sent. Binary
 * columns (collation 63) are never converted. Names are sent in the results charset too.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html
 *
 *   string<lenenc>  catalog        always 'def'
 *   string<lenenc>  schema
 *   string<lenenc>  table          the alias as written
 *   string<lenenc>  org_table
 *   string<lenenc>  name           the alias the client sees
 *   string<lenenc>  org_name
 *   int<lenenc>     0x0C           length of the fixed fields that follow
 *   int<2>          character_set  collation id
 *   int<4>          column_length
 *   int<1>          type           MYSQL_TYPE_*
 *   int<2>          flags          *_FLAG
 *   int<1>          decimals
 *   int<2>          reserved       0
 */
import assert from 'node:assert/strict';
import { COLUMN_FLAG, type ColumnInfo, type WireCharset } from '../../../engine/index.js';
import { CHARSETS, type StringCodec, stringCodec } from '../charsets.js';
import { COLLATION, WIRE_TYPE } from '../constants.js';
import { lenEncIntSize, PayloadReader, writeLenEncBytes, writeLenEncInt } from '../wire.js';

const CATALOG = 'def';
const FIXED_FIELDS_LENGTH = 0x0c;

export interface ColumnDefinition41 {
  readonly catalog: string;
  readonly schema: string;
  readonly table: string;
  readonly orgTable: string;
  readonly name: string;
  readonly orgName: string;
  readonly characterSet: number;
  readonly columnLength: number;
  readonly type: number;
  readonly flags: number;
  readonly decimals: number;
}

/** The charset id and length a column is described with, for a results charset. */
function converted(column: ColumnInfo, results: WireCharset): [number, number] {
  if (column.collation === COLLATION.binary || results === 'binary') {
    return [column.collation, column.length];
  }
  const target = CHARSETS[results];
  const length = Math.min(Math.floor(column.length / 4) * target.mbmaxlen, 0xffff_ffff);
  return [target.collation, length];
}

/** The wire form of an engine column: type per WIRE_TYPE, ENUM_FLAG/SET_FLAG as MySQL sets them. */
export function columnDefinitionOf(
  column: ColumnInfo,
  results: WireCharset = 'utf8mb4',
): ColumnDefinition41 {
  let flags = column.flags;
  if (column.type === 'ENUM') flags |= COLUMN_FLAG.ENUM;
  if (column.type === 'SET') flags |= COLUMN_FLAG.SET;
  const [characterSet, columnLength] = converted(column, results);
  return {
    catalog: CATALOG,
    schema: column.db,
    table: column.table,
    orgTable: column.orgTable,
    name: column.name,
    orgName: column.orgName,
    characterSet,
    columnLength,
    type: WIRE_TYPE[column.type],
    flags,
    decimals: column.decimals,
  };
}

export function encodeColumnDefinition(column: ColumnInfo, results?: WireCharset): Buffer {
  const charset = results ?? 'utf8mb4';
  return encodeColumnDefinition41(columnDefinitionOf(column, charset), stringCodec(charset));
}

export function encodeColumnDefinition41(
  def: ColumnDefinition41,
  codec: StringCodec = stringCodec('utf8mb4'),
): Buffer {
  assert(Number.isInteger(def.columnLength) && def.columnLength >= 0, 'column_length ≥ 0');
  assert(def.columnLength <= 0xffff_ffff, 'column_length is int<4>');
  const strings = [def.catalog, def.schema, def.table, def.orgTable, def.name, def.orgName].map(
    (s) => codec.encode(s),
  );
  let size = 1 + 12;
  for (const s of strings) size += lenEncIntSize(s.length) + s.length;
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const s of strings) pos = writeLenEncBytes(buf, pos, s);
  pos = writeLenEncInt(buf, pos, FIXED_FIELDS_LENGTH);
  pos = buf.writeUInt16LE(def.characterSet, pos);
  pos = buf.writeUInt32LE(def.columnLength, pos);
  pos = buf.writeUInt8(def.type, pos);
  pos = buf.writeUInt16LE(def.flags, pos);
  pos = buf.writeUInt8(def.decimals, pos);
  pos = buf.writeUInt16LE(0, pos);
  assert(pos === size, 'column definition size');
  return buf;
}

export function decodeColumnDefinition41(payload: Buffer): ColumnDefinition41 {
  const r = new PayloadReader(payload);
  const text = (): string => r.lenEncBytes().toString('utf8');
  const catalog = text();
  const schema = text();
  const table = text();
  const orgTable = text();
  const name = text();
  const orgName = text();
  assert(r.lenEncLength() === FIXED_FIELDS_LENGTH, 'fixed fields length');
  const def = {
    catalog,
    schema,
    table,
    orgTable,
    name,
    orgName,
    characterSet: r.int(2),
    columnLength: r.int(4),
    type: r.int(1),
    flags: r.int(2),
    decimals: r.int(1),
  };
  r.skip(2);
  return def;
}
