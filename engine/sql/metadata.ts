/**
 * Result-set metadata (ColumnInfo) as MySQL 8 sends it: the column type, length, decimals, flags
 * and collation of a table column or of an expression.
 *
 *   table column                 type         length                      flags
 *   TINYINT…BIGINT [UNSIGNED]    TINY…LONGLONG display width (4,6,9,11,20; UNSIGNED
 *                                              unsigned 3,5,8,10,20)
 *   DECIMAL(p,s)                 NEWDECIMAL   p + (s>0) + (signed)
 *   VARCHAR(n) / CHAR(n)         VAR_STRING / n × 4 (utf8mb4)               BINARY for _bin
 *                                STRING
 *   TEXT                         BLOB         65,535 × 4                  BLOB
 *   DATETIME(fsp)                DATETIME     19 (+ fsp + 1)              BINARY
 *   TIMESTAMP(fsp)               TIMESTAMP    19 (+ fsp + 1)              BINARY UNSIGNED
 *   DATE / TIME(fsp) / YEAR      DATE / TIME  10 / 10 (+ fsp + 1) / 4     BINARY / … / UNSIGNED
 *                                / YEAR                                   ZEROFILL
 *   FLOAT / DOUBLE [(M,D)]       FLOAT/DOUBLE 12 / 22, or M               decimals 31, or D
 *   BIT(n)                       BIT          n                           UNSIGNED
 *   ENUM / SET                   STRING       longest member × 4          ENUM / SET
 *   JSON                         JSON         4,294,967,295               BLOB BINARY, coll. 63
 *
 * plus NOT_NULL, PRI_KEY and PART_KEY for key columns, NO_DEFAULT_VALUE for NOT NULL columns
 * without a DEFAULT. Expressions report LONGLONG for integers (MySQL's Item_int), NEWDECIMAL,
 * DOUBLE, VAR_STRING or DATETIME with BINARY for non-strings and NOT_NULL when they cannot be NULL.
 * NUM_FLAG is not sent: client libraries derive it from the type.
 */
import { COLUMN_FLAG, type ColumnInfo, type ColumnType as WireType } from '../api.js';
import type { ColumnDef, TableDef } from '../catalog/definitions.js';
import { unreachable } from '../unreachable.js';
import { collation } from './collation.js';
import type { ExprInfo } from './plan.js';
import type { SqlType } from './values.js';

/** MySQL's PART_KEY_FLAG: the column is part of some key. */
export const PART_KEY_FLAG = 16_384;

const BINARY_ID = 63;

/** MySQL's display length of a column type. */
export function columnLength(type: SqlType): number {
  switch (type.kind) {
    case 'int': {
      if (type.year === true) return 4;
      if (type.bits !== undefined) return type.bits;
      const signed = { 1: 4, 2: 6, 3: 9, 4: 11, 8: 20 };
      const unsigned = { 1: 3, 2: 5, 3: 8, 4: 10, 8: 20 };
      return (type.unsigned ? unsigned : signed)[type.bytes];
    }
    case 'decimal':
      return type.precision + (type.scale > 0 ? 1 : 0) + (type.unsigned ? 0 : 1);
    case 'string':
      return stringLength(type);
    case 'datetime':
      if (type.variant === 'date') return 10;
      return 19 + (type.fsp > 0 ? type.fsp + 1 : 0);
    case 'time':
      return 10 + (type.fsp > 0 ? type.fsp + 1 : 0);
    case 'double':
      if (type.precision !== undefined) return type.precision;
      return type.float === true ? 12 : 22;
    case 'null':
      return 0;
    default:
      return unreachable(type);
  }
}

function stringLength(type: SqlType & { kind: 'string' }): number {
  // Binary strings count bytes; utf8mb4 characters are up to 4 bytes.
  const perChar = type.collation === 'binary' ? 1 : 4;
  switch (type.variant) {
    case 'json':
      return 4_294_967_295;
    case 'text':
      return Math.min(type.chars * perChar, 4_294_967_295);
    case 'enum':
      return Math.max(0, ...(type.members ?? []).map((m) => Array.from(m).length)) * perChar;
    case 'set': {
      const members = type.members ?? [];
      const total = members.reduce((sum, m) => sum + Array.from(m).length, 0);
      return (total + Math.max(0, members.length - 1)) * perChar;
    }
    default:
      return type.chars * perChar;
  }
}

/** Decimals a column type reports: its scale or fsp; 31 (NOT_FIXED_DEC) for floating point. */
export function columnDecimals(type: SqlType): number {
  switch (type.kind) {
    case 'decimal':
      return type.scale;
    case 'datetime':
    case 'time':
      return type.fsp;
    case 'double':
      return type.scale ?? 31;
    default:
      return 0;
  }
}

function wireType(type: SqlType, isExpression: boolean): WireType {
  switch (type.kind) {
    case 'int': {
      if (type.year === true) return 'YEAR';
      if (type.bits !== undefined) return 'BIT';
      if (isExpression) return 'LONGLONG';
      const names = { 1: 'TINY', 2: 'SHORT', 3: 'INT24', 4: 'LONG', 8: 'LONGLONG' } as const;
      return names[type.bytes];
    }
    case 'decimal':
      return 'NEWDECIMAL';
    case 'double':
      return type.float === true ? 'FLOAT' : 'DOUBLE';
    case 'string':
      if (type.variant === 'json') return 'JSON';
      if (type.variant === 'text') return 'BLOB';
      if (type.variant === 'enum' || type.variant === 'set' || type.variant === 'char') {
        return isExpression && type.variant === 'char' ? 'VAR_STRING' : 'STRING';
      }
      return 'VAR_STRING';
    case 'datetime':
      return type.variant === 'date'
        ? 'DATE'
        : type.variant === 'timestamp'
          ? 'TIMESTAMP'
          : 'DATETIME';
    case 'time':
      return 'TIME';
    case 'null':
      return 'NULL';
    default:
      return unreachable(type);
  }
}

/** Flags that follow from a type alone (not from keys or nullability). */
function typeFlags(type: SqlType): number {
  let flags = 0;
  switch (type.kind) {
    case 'int':
      if (type.unsigned) flags |= COLUMN_FLAG.UNSIGNED;
      if (type.year === true) flags |= COLUMN_FLAG.ZEROFILL;
      break;
    case 'decimal':
      if (type.unsigned) flags |= COLUMN_FLAG.UNSIGNED;
      break;
    case 'double':
      if (type.unsigned === true) flags |= COLUMN_FLAG.UNSIGNED;
      break;
    case 'datetime':
      flags |= COLUMN_FLAG.BINARY;
      if (type.variant === 'timestamp') flags |= COLUMN_FLAG.UNSIGNED;
      break;
    case 'time':
      flags |= COLUMN_FLAG.BINARY;
      break;
    case 'string':
      if (collation(type.collation).binary || type.variant === 'json') flags |= COLUMN_FLAG.BINARY;
      if (type.variant === 'text' || type.variant === 'json') flags |= COLUMN_FLAG.BLOB;
      if (type.variant === 'enum') flags |= COLUMN_FLAG.ENUM;
      if (type.variant === 'set') flags |= COLUMN_FLAG.SET;
      break;
    default:
      break;
  }
  return flags;
}

/** The collation id a type reports: 63 for everything but character strings. */
export function typeCollationId(type: SqlType): number {
  if (type.kind !== 'string' || type.variant === 'json') return BINARY_ID;
  return collation(type.collation).id;
}

export interface ColumnNames {
  readonly name: string;
  readonly table: string;
}

/** Metadata of a table column selected as itself. */
export function tableColumnInfo(table: TableDef, index: number, names: ColumnNames): ColumnInfo {
  const column = table.columns[index] as ColumnDef;
  const type = column.type;
  let flags = typeFlags(type);
  if (!column.nullable) flags |= COLUMN_FLAG.NOT_NULL;
  if (table.primaryKey.includes(index)) flags |= COLUMN_FLAG.PRI_KEY | PART_KEY_FLAG;
  const auto = table.autoIncrement === index;
  if (auto) flags |= COLUMN_FLAG.AUTO_INCREMENT;
  else if (!column.nullable && column.defaultValue === null) flags |= COLUMN_FLAG.NO_DEFAULT_VALUE;
  for (const key of table.indexes) {
    const at = key.parts.findIndex((p) => p.column === index);
    if (at === -1) continue;
    flags |= PART_KEY_FLAG;
    if (key.unique) flags |= COLUMN_FLAG.UNIQUE_KEY;
    else if (at === 0) flags |= COLUMN_FLAG.MULTIPLE_KEY;
  }
  return {
    name: names.name,
    orgName: column.name,
    table: names.table,
    orgTable: table.name,
    db: table.database,
    type: wireType(type, false),
    length: columnLength(type),
    decimals: columnDecimals(type),
    flags,
    collation: typeCollationId(type),
  };
}

/** Metadata of an expression. */
export function expressionInfo(name: string, info: ExprInfo): ColumnInfo {
  const type = info.type;
  let flags = typeFlags(type) & ~(COLUMN_FLAG.ZEROFILL | COLUMN_FLAG.ENUM | COLUMN_FLAG.SET);
  if (!info.nullable) flags |= COLUMN_FLAG.NOT_NULL;
  if (type.kind !== 'string' || type.collation === 'binary') flags |= COLUMN_FLAG.BINARY;
  // A long string expression is a BLOB type by its length, as MySQL's string_field_type().
  let wire = wireType(type, true);
  if (wire === 'VAR_STRING' && info.length >= 16_777_216) wire = 'LONG_BLOB';
  else if (wire === 'VAR_STRING' && info.length >= 65_536) wire = 'MEDIUM_BLOB';
  return {
    name,
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type: wire,
    length: info.length,
    decimals: info.decimals,
    flags,
    collation: info.collationId,
  };
}

/** Metadata of a SHOW column (information_schema's view of it). */
export function showColumnInfo(
  name: string,
  orgName: string,
  orgTable: string,
  chars: number,
): ColumnInfo {
  return {
    name,
    orgName,
    table: orgTable,
    orgTable,
    db: 'information_schema',
    type: 'VAR_STRING',
    length: chars * 3,
    decimals: 0,
    flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.NO_DEFAULT_VALUE,
    collation: 33,
  };
}
