/**
 * How MySQL 8 describes a column in text — the same facts in SHOW CREATE TABLE, SHOW COLUMNS /
 * DESCRIBE and information_schema.COLUMNS:
 *
 *   COLUMN_TYPE   'int', 'int unsigned', 'tinyint(1)', 'varchar(255)', 'decimal(12,2)',
 *                 "enum('a','b')", 'datetime(3)' (values.ts typeName; display widths are
 *                 shown for TINYINT(1) only, as MySQL 8.0.19+ does)
 *   DATA_TYPE     the type name alone: 'int', 'varchar', 'enum', 'json'
 *   COLUMN_DEFAULT NULL when there is none (or it is NULL), else the value as text,
 *                 'CURRENT_TIMESTAMP(3)', or the expression of DEFAULT (expr)
 *   EXTRA         'auto_increment', 'DEFAULT_GENERATED', 'on update CURRENT_TIMESTAMP(6)',
 *                 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP', 'VIRTUAL GENERATED',
 *                 'STORED GENERATED'
 *   COLUMN_KEY    'PRI', 'UNI', 'MUL' or '' (MySQL's PRI_KEY / UNIQUE_KEY / MULTIPLE_KEY flags)
 */
import type { ColumnDef, ColumnType, IndexDef, TableDef } from '../catalog/definitions.js';
import { charsetOf } from './plan-columns.js';
import { toSeamValue, toText, typeName } from './values.js';

/** COLUMN_TYPE: the type as SHOW CREATE TABLE and information_schema write it. */
export function columnTypeText(column: ColumnDef): string {
  const type = column.type;
  if (
    type.kind === 'int' &&
    type.bytes === 1 &&
    column.displayWidth === 1 &&
    type.bits === undefined
  ) {
    return `tinyint(1)${type.unsigned ? ' unsigned' : ''}`;
  }
  return typeName(type);
}

/** DATA_TYPE: the type's name alone. */
export function dataTypeText(column: ColumnDef): string {
  return typeName(column.type).replace(/\(.*$/s, '').replace(/ (unsigned|zerofill)/g, '');
}

/** True for the types that have a character set (strings other than binary ones). */
export function hasCharset(type: ColumnType): boolean {
  return type.kind === 'string' && type.collation !== 'binary' && type.variant !== 'json';
}

/** A string column's collation name, else null. */
export function columnCollation(column: ColumnDef): string | null {
  return hasCharset(column.type) && column.type.kind === 'string' ? column.type.collation : null;
}

/** A string column's character set, else null. */
export function columnCharset(column: ColumnDef): string | null {
  const name = columnCollation(column);
  return name === null ? null : charsetOf(name);
}

/** TEXT, BLOB, JSON (and geometry): types without a literal DEFAULT. */
export function isBlobLike(type: ColumnType): boolean {
  return type.kind === 'string' && (type.variant === 'text' || type.variant === 'json');
}

/** `CURRENT_TIMESTAMP` or `CURRENT_TIMESTAMP(n)`. */
export function nowText(fsp: number): string {
  return fsp === 0 ? 'CURRENT_TIMESTAMP' : `CURRENT_TIMESTAMP(${fsp})`;
}

/** The literal DEFAULT's value as text (binary strings as their bytes), or null for NULL. */
export function literalDefaultText(column: ColumnDef): string | null {
  const value = column.defaultValue?.value ?? null;
  if (value === null) return null;
  const seam = toSeamValue(column.type, value);
  if (Buffer.isBuffer(seam)) return seam.toString('latin1');
  return seam === null ? null : typeof seam === 'string' ? seam : toText(column.type, value);
}

/** COLUMN_DEFAULT / SHOW COLUMNS' Default. */
export function defaultText(column: ColumnDef): string | null {
  if (column.generated !== undefined) return null;
  if (column.defaultNow !== undefined) return nowText(column.defaultNow);
  if (column.defaultExpression !== undefined) return column.defaultExpression;
  return literalDefaultText(column);
}

/** EXTRA / SHOW COLUMNS' Extra. */
export function extraText(table: TableDef, index: number): string {
  const column = table.columns[index] as ColumnDef;
  if (table.autoIncrement === index) return 'auto_increment';
  if (column.generated !== undefined) {
    return column.generated.stored ? 'STORED GENERATED' : 'VIRTUAL GENERATED';
  }
  const parts: string[] = [];
  if (column.defaultNow !== undefined || column.defaultExpression !== undefined) {
    parts.push('DEFAULT_GENERATED');
  }
  if (column.onUpdateNow !== undefined) parts.push(`on update ${nowText(column.onUpdateNow)}`);
  return parts.join(' ');
}

/** The indexes of a table as MySQL orders them: unique ones first (NOT NULL before nullable). */
export function sortedIndexes(table: TableDef): IndexDef[] {
  const rank = (index: IndexDef): number => {
    if (!index.unique) return 3;
    const nullable = index.parts.some((p) => table.columns[p.column]?.nullable === true);
    const partial = index.parts.some((p) => p.prefixChars !== null);
    return nullable ? 2 : partial ? 1 : 0;
  };
  return table.indexes
    .map((index, order) => ({ index, order, rank: rank(index) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map((x) => x.index);
}

/**
 * The key InnoDB clusters by when the table has no PRIMARY KEY: its first UNIQUE index whose
 * columns are all NOT NULL (whole columns); DESCRIBE and information_schema call it PRI.
 */
export function implicitPrimaryKey(table: TableDef): IndexDef | null {
  if (table.primaryKey.length > 0) return null;
  for (const index of sortedIndexes(table)) {
    const whole = index.parts.every((p) => p.prefixChars === null);
    const notNull = index.parts.every((p) => table.columns[p.column]?.nullable === false);
    if (index.unique && whole && notNull) return index;
  }
  return null;
}

/** COLUMN_KEY: PRI, UNI, MUL or ''. */
export function columnKey(table: TableDef, index: number): string {
  const implicit = implicitPrimaryKey(table);
  if (table.primaryKey.includes(index)) return 'PRI';
  if (implicit?.parts.some((p) => p.column === index) === true) return 'PRI';
  let unique = false;
  let multiple = false;
  for (const key of table.indexes) {
    if (key === implicit || key.parts[0]?.column !== index) continue;
    if (key.unique && key.parts.length === 1) unique = true;
    else multiple = true;
  }
  if ((table.fulltext ?? []).some((f) => f.columns[0] === index)) multiple = true;
  return unique ? 'UNI' : multiple ? 'MUL' : '';
}
