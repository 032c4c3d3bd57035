/**
 * Column_Definition41: one column of a text or binary result set, built from the engine's
 * ColumnInfo. The wire type is the column's *type*, not its real type (see WIRE_TYPE).
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
import { COLUMN_FLAG, type ColumnInfo } from '../../../engine/index.js';
import { WIRE_TYPE } from '../constants.js';
import { lenEncIntSize, PayloadReader, writeLenEncInt, writeLenEncString } from '../wire.js';

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

/** The wire form of an engine column: type per WIRE_TYPE, ENUM_FLAG/SET_FLAG as MySQL sets them. */
export function columnDefinitionOf(column: ColumnInfo): ColumnDefinition41 {
  let flags = column.flags;
  if (column.type === 'ENUM') flags |= COLUMN_FLAG.ENUM;
  if (column.type === 'SET') flags |= COLUMN_FLAG.SET;
  return {
    catalog: CATALOG,
    schema: column.db,
    table: column.table,
    orgTable: column.orgTable,
    name: column.name,
    orgName: column.orgName,
    characterSet: column.collation,
    columnLength: column.length,
    type: WIRE_TYPE[column.type],
    flags,
    decimals: column.decimals,
  };
}

export function encodeColumnDefinition(column: ColumnInfo): Buffer {
  return encodeColumnDefinition41(columnDefinitionOf(column));
}

export function encodeColumnDefinition41(def: ColumnDefinition41): Buffer {
  assert(Number.isInteger(def.columnLength) && def.columnLength >= 0, 'column_length ≥ 0');
  assert(def.columnLength <= 0xffff_ffff, 'column_length is int<4>');
  const strings = [def.catalog, def.schema, def.table, def.orgTable, def.name, def.orgName];
  const lengths = strings.map((s) => Buffer.byteLength(s, 'utf8'));
  let size = 1 + 12;
  for (const n of lengths) size += lenEncIntSize(n) + n;
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < strings.length; i++) {
    pos = writeLenEncString(buf, pos, strings[i] as string, lengths[i] as number);
  }
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
