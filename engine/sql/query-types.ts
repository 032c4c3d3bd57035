/**
 * The type of a column that several queries feed: UNION / INTERSECT / EXCEPT results and recursive
 * CTEs (MySQL's type aggregation, Item_type_holder), and the conversion of each side's values to
 * it.
 *
 *   sides                               result
 *   all NULL                            NULL
 *   integers                            integer (widest; signed and unsigned BIGINT → DECIMAL(20))
 *   integers and decimals               DECIMAL (most integer digits + largest scale)
 *   any DOUBLE among numbers            DOUBLE
 *   datetimes (DATE, DATETIME, …)       DATETIME (largest fsp); all of one variant keep it
 *   TIME and TIME                       TIME
 *   strings, or mixed classes           VARCHAR of the longest display width (TEXT if any TEXT)
 *
 * (T1) coerceValue(t, s, v) is a value of type t for any value v of type s (NULL stays NULL).
 */
import { COLUMN_FLAG, type ColumnInfo } from '../api.js';
import { unreachable } from '../unreachable.js';
import { textToBytes } from './bytes.js';
import { DEFAULT_COLLATION } from './collation.js';
import { parseDateTime } from './datetime.js';
import { Decimal } from './decimal.js';
import { columnDecimals, columnLength, expressionInfo, typeCollationId } from './metadata.js';
import type { ExprInfo } from './plan.js';
import type { QueryColumn } from './plan-query.js';
import {
  type IntBytes,
  type SqlType,
  type Value,
  type Warnings,
  toDecimal,
  toDouble,
  toText,
} from './values.js';

/** Display width in characters of a type, as a string would show it. */
function displayChars(info: ExprInfo): number {
  const t = info.type;
  if (t.kind === 'string') return t.chars;
  return Math.max(info.length, 1);
}

function mergeTwo(a: ExprInfo, b: ExprInfo): SqlType {
  const x = a.type;
  const y = b.type;
  if (x.kind === 'null') return y;
  if (y.kind === 'null') return x;
  if (x.kind === 'int' && y.kind === 'int') {
    const bytes = Math.max(x.bytes, y.bytes) as IntBytes;
    if (x.unsigned !== y.unsigned && bytes === 8) {
      return { kind: 'decimal', precision: 20, scale: 0, unsigned: false };
    }
    return { kind: 'int', bytes, unsigned: x.unsigned && y.unsigned };
  }
  const numeric = (t: SqlType): boolean => t.kind === 'int' || t.kind === 'decimal';
  if (numeric(x) && numeric(y)) {
    const digits = (t: SqlType, info: ExprInfo): { whole: number; scale: number } =>
      t.kind === 'decimal'
        ? { whole: t.precision - t.scale, scale: t.scale }
        : { whole: Math.max(1, info.length - (t.kind === 'int' && !t.unsigned ? 1 : 0)), scale: 0 };
    const p = digits(x, a);
    const q = digits(y, b);
    const scale = Math.max(p.scale, q.scale);
    const precision = Math.min(65, Math.max(p.whole, q.whole) + scale);
    return { kind: 'decimal', precision, scale, unsigned: false };
  }
  if ((numeric(x) || x.kind === 'double') && (numeric(y) || y.kind === 'double')) {
    return x.kind === 'double' && y.kind === 'double' && x.float === true && y.float === true
      ? { kind: 'double', float: true }
      : { kind: 'double' };
  }
  if (x.kind === 'datetime' && y.kind === 'datetime') {
    const fsp = Math.max(x.fsp, y.fsp);
    return x.variant === y.variant && x.variant !== undefined
      ? { kind: 'datetime', fsp, variant: x.variant }
      : { kind: 'datetime', fsp };
  }
  if (x.kind === 'time' && y.kind === 'time') return { kind: 'time', fsp: Math.max(x.fsp, y.fsp) };
  return stringOf(a, b);
}

function stringOf(a: ExprInfo, b: ExprInfo): SqlType {
  const x = a.type;
  const y = b.type;
  const binary =
    (x.kind === 'string' && x.collation === 'binary') ||
    (y.kind === 'string' && y.collation === 'binary');
  const coll = binary
    ? 'binary'
    : x.kind === 'string'
      ? x.collation
      : y.kind === 'string'
        ? y.collation
        : DEFAULT_COLLATION;
  const text =
    (x.kind === 'string' && (x.variant === 'text' || x.variant === 'json')) ||
    (y.kind === 'string' && (y.variant === 'text' || y.variant === 'json'));
  const chars = Math.max(displayChars(a), displayChars(b));
  if (text)
    return { kind: 'string', variant: 'text', chars: Math.max(chars, 65_535), collation: coll };
  const bothChar =
    x.kind === 'string' && y.kind === 'string' && x.variant === 'char' && y.variant === 'char';
  return { kind: 'string', variant: bothChar ? 'char' : 'varchar', chars, collation: coll };
}

/** The type facts of a column fed by `sides`. */
export function mergedInfo(sides: readonly ExprInfo[]): ExprInfo {
  let acc = sides[0] as ExprInfo;
  for (const side of sides.slice(1)) {
    const type = mergeTwo(acc, side);
    acc = infoOf(type, acc.nullable || side.nullable, Math.max(acc.length, side.length));
  }
  return acc;
}

function infoOf(type: SqlType, nullable: boolean, length: number): ExprInfo {
  const declared = type.kind === 'string' || type.kind === 'decimal' ? columnLength(type) : length;
  return {
    type,
    nullable,
    length: type.kind === 'int' ? Math.max(length, 1) : declared,
    decimals:
      type.kind === 'string' || (type.kind === 'double' && type.scale === undefined)
        ? 31
        : columnDecimals(type),
    collationId: typeCollationId(type),
  };
}

/** The column of a set operation or recursive CTE fed by `sides` (names from the first). */
export function mergedColumn(sides: readonly QueryColumn[]): QueryColumn {
  const first = sides[0] as QueryColumn;
  const info = mergedInfo(sides.map((s) => s.info));
  const sameWire = sides.every((s) => s.meta.type === first.meta.type);
  const nullable = info.nullable;
  let meta: ColumnInfo;
  if (sameWire && sides.every((s) => sameType(s.info.type, info.type))) {
    const flags = nullable ? first.meta.flags & ~COLUMN_FLAG.NOT_NULL : first.meta.flags;
    const length = Math.max(...sides.map((s) => s.meta.length));
    meta = {
      ...first.meta,
      name: first.name,
      orgName: '',
      table: '',
      orgTable: '',
      db: '',
      flags:
        flags &
        ~(
          COLUMN_FLAG.PRI_KEY |
          COLUMN_FLAG.AUTO_INCREMENT |
          COLUMN_FLAG.UNIQUE_KEY |
          COLUMN_FLAG.MULTIPLE_KEY |
          COLUMN_FLAG.NO_DEFAULT_VALUE |
          16_384
        ),
      length,
    };
  } else {
    meta = expressionInfo(first.name, info);
  }
  return { name: first.name, info, meta };
}

function sameType(a: SqlType, b: SqlType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `value` of type `from` as a value of type `to` (T1). */
export function coerceValue(to: SqlType, from: SqlType, value: Value, warnings: Warnings): Value {
  if (value === null) return null;
  switch (to.kind) {
    case 'null':
      return null;
    case 'int':
      if (typeof value === 'bigint' && from.kind !== 'datetime' && from.kind !== 'time')
        return value;
      return toDecimal(from, value, warnings)?.rescale(0).toBigInt() ?? null;
    case 'decimal':
      return value instanceof Decimal ? value : toDecimal(from, value, warnings);
    case 'double':
      return toDouble(from, value, warnings);
    case 'string': {
      const text = toText(from, value);
      if (text === null) return null;
      const fromBinary = from.kind === 'string' && from.collation === 'binary';
      return to.collation === 'binary' && !fromBinary ? textToBytes(text) : text;
    }
    case 'datetime':
      if (from.kind === 'datetime' && typeof value === 'bigint') return value;
      return parseDateTime(toText(from, value) ?? '', to.fsp) ?? null;
    case 'time':
      return typeof value === 'bigint' ? value : null;
    default:
      return unreachable(to);
  }
}
