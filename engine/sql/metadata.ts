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
      const signed = { 1: 4, 2: 6, 3: 9, 4: 11, 8: 20 };
      const unsigned = { 1: 3, 2: 5, 3: 8, 4: 10, 8: 20 };
      return (type.unsigned ? unsigned : signed)[type.bytes];
    }
    case 'decimal':
      return type.precision + (type.scale > 0 ? 1 : 0) + (type.unsigned ? 0 : 1);
    case 'string':
      // Binary strings count bytes; utf8mb4 characters are up to 4 bytes.
      return type.collation === 'binary' ? type.chars : type.chars * 4;
    case 'datetime':
      return 19 + (type.fsp > 0 ? type.fsp + 1 : 0);
    case 'double':
      return 22;
    case 'null':
      return 0;
    default:
      return unreachable(type);
  }
}

function wireType(type: SqlType, isExpression: boolean): WireType {
  switch (type.kind) {
    case 'int': {
      if (isExpression) return 'LONGLONG';
      const names = { 1: 'TINY', 2: 'SHORT', 3: 'INT24', 4: 'LONG', 8: 'LONGLONG' } as const;
      return names[type.bytes];
    }
    case 'decimal':
      return 'NEWDECIMAL';
    case 'double':
      return 'DOUBLE';
    case 'string':
      if (isExpression) return 'VAR_STRING';
      return type.variant === 'char'
        ? 'STRING'
        : type.variant === 'varchar'
          ? 'VAR_STRING'
          : 'BLOB';
    case 'datetime':
      return 'DATETIME';
    case 'null':
      return 'NULL';
    default:
      return unreachable(type);
  }
}

export interface ColumnNames {
  readonly name: string;
  readonly table: string;
}

/** Metadata of a table column selected as itself. */
export function tableColumnInfo(table: TableDef, index: number, names: ColumnNames): ColumnInfo {
  const column = table.columns[index] as ColumnDef;
  const type = column.type;
  let flags = 0;
  if (!column.nullable) flags |= COLUMN_FLAG.NOT_NULL;
  if (table.primaryKey.includes(index)) flags |= COLUMN_FLAG.PRI_KEY | PART_KEY_FLAG;
  if (type.kind === 'int' && type.unsigned) flags |= COLUMN_FLAG.UNSIGNED;
  if (type.kind === 'decimal' && type.unsigned) flags |= COLUMN_FLAG.UNSIGNED;
  if (type.kind === 'datetime') flags |= COLUMN_FLAG.BINARY;
  if (type.kind === 'string' && collation(type.collation).binary) flags |= COLUMN_FLAG.BINARY;
  if (type.kind === 'string' && type.variant === 'text') flags |= COLUMN_FLAG.BLOB;
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
    decimals: type.kind === 'decimal' ? type.scale : type.kind === 'datetime' ? type.fsp : 0,
    flags,
    collation: type.kind === 'string' ? collation(type.collation).id : BINARY_ID,
  };
}

/** Metadata of an expression. */
export function expressionInfo(name: string, info: ExprInfo): ColumnInfo {
  const type = info.type;
  let flags = 0;
  if (!info.nullable) flags |= COLUMN_FLAG.NOT_NULL;
  if (type.kind !== 'string' || type.collation === 'binary') flags |= COLUMN_FLAG.BINARY;
  if ((type.kind === 'int' || type.kind === 'decimal') && type.unsigned)
    flags |= COLUMN_FLAG.UNSIGNED;
  return {
    name,
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type: wireType(type, true),
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
