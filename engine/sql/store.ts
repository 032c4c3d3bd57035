/**
 * Storing a value into a column: the conversion MySQL applies in INSERT and UPDATE SET, with
 * strict mode's errors (MySQL 8's default sql_mode has STRICT_TRANS_TABLES):
 *
 *   NULL into NOT NULL                      ER_BAD_NULL_ERROR (1048)
 *   number out of the column's range        ER_WARN_DATA_OUT_OF_RANGE (1264)
 *   string that is no number                ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (1366)
 *   number with trailing garbage ('12ab')   ER_WARN_DATA_TRUNCATED (1265)
 *   string longer than the column           ER_DATA_TOO_LONG (1406); trailing spaces past the
 *                                           length are cut with Note 1265 instead
 *   text that is no DATETIME                ER_TRUNCATED_WRONG_VALUE (1292)
 *
 * Rounding a DECIMAL to the column's scale is a Note 1265, as in MySQL; integers round half
 * away from zero. CHAR values lose trailing spaces (PAD_CHAR_TO_FULL_LENGTH is off).
 */
import type { ColumnDef, ColumnType } from '../catalog/definitions.js';
import { TEXT_BYTES_MAX } from '../config.js';
import { SqlError, sqlErrorWithMessage } from '../errors.js';
import { unreachable } from '../unreachable.js';
import { dateTimeDigits, parseDateTime, roundToFsp } from './datetime.js';
import { Decimal, pow10 } from './decimal.js';
import { type SqlType, type Value, type Warnings, intRange, toText } from './values.js';

export interface StoreTarget {
  readonly column: ColumnDef;
  /** 1-based row number for messages. */
  readonly row: number;
  readonly warnings: Warnings;
}

function outOfRange(target: StoreTarget): SqlError {
  return new SqlError('ER_WARN_DATA_OUT_OF_RANGE', [target.column.name, target.row]);
}

function truncated(target: StoreTarget): SqlError {
  return new SqlError('ER_WARN_DATA_TRUNCATED', [target.column.name, target.row]);
}

function incorrect(kind: string, text: string, target: StoreTarget): SqlError {
  return new SqlError('ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', [
    kind,
    text,
    target.column.name,
    target.row,
  ]);
}

/** A string read as an exact number for storing; errors for no number or trailing garbage. */
function parseNumber(text: string, kind: string, target: StoreTarget): Decimal {
  const trimmed = text.trim();
  const match = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(trimmed);
  if (match === null) throw incorrect(kind, text, target);
  if (match[0].length !== trimmed.length) throw truncated(target);
  const exact = Decimal.parse(match[0]);
  if (exact !== undefined) return exact;
  const double = Number(match[0]);
  if (!Number.isFinite(double)) throw outOfRange(target);
  return Decimal.fromNumber(double, 30);
}

/** Any non-NULL value as an exact number (datetimes as YYYYMMDDhhmmss[.f]). */
function asDecimal(
  type: SqlType,
  value: Exclude<Value, null>,
  kind: string,
  target: StoreTarget,
): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw outOfRange(target);
    return Decimal.fromNumber(value, 30);
  }
  if (typeof value === 'string') return parseNumber(value, kind, target);
  if (type.kind === 'datetime') return Decimal.parse(dateTimeDigits(value, type.fsp)) as Decimal;
  return Decimal.fromBigInt(value);
}

function storeInt(
  type: ColumnType & { kind: 'int' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  let v: bigint;
  if (typeof value === 'bigint' && source.kind !== 'datetime') v = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw outOfRange(target);
    v = BigInt(Math.round(value));
  } else v = asDecimal(source, value, 'integer', target).toBigInt();
  const range = intRange(type.bytes, type.unsigned);
  if (v < range.min || v > range.max) throw outOfRange(target);
  return v;
}

function storeDecimal(
  type: ColumnType & { kind: 'decimal' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): Decimal {
  const exact = asDecimal(source, value, 'decimal', target);
  const rounded = exact.rescale(type.scale);
  if (rounded.compare(exact) !== 0) {
    target.warnings.warn(
      'Note',
      1265,
      `Data truncated for column '${target.column.name}' at row ${target.row}`,
    );
  }
  const limit = pow10(type.precision);
  if (rounded.unscaled >= limit || rounded.unscaled <= -limit) throw outOfRange(target);
  if (type.unsigned && rounded.sign() < 0) throw outOfRange(target);
  return rounded;
}

function storeString(
  type: ColumnType & { kind: 'string' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): string {
  let text = toText(source, value) as string;
  if (type.variant === 'char') text = text.replace(/ +$/, '');
  if (type.variant === 'text') {
    if (Buffer.byteLength(text, 'utf8') > TEXT_BYTES_MAX) {
      throw new SqlError('ER_DATA_TOO_LONG', [target.column.name, target.row]);
    }
    return text;
  }
  const chars = Array.from(text);
  if (chars.length <= type.chars) return text;
  if (chars.slice(type.chars).every((c) => c === ' ')) {
    target.warnings.warn(
      'Note',
      1265,
      `Data truncated for column '${target.column.name}' at row ${target.row}`,
    );
    return chars.slice(0, type.chars).join('');
  }
  throw new SqlError('ER_DATA_TOO_LONG', [target.column.name, target.row]);
}

function storeDateTime(
  type: ColumnType & { kind: 'datetime' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  if (source.kind === 'datetime' && typeof value === 'bigint') return roundToFsp(value, type.fsp);
  const text = toText(source, value) as string;
  const parsed = parseDateTime(text, type.fsp);
  if (parsed === undefined) {
    const { name } = target.column;
    const message = `Incorrect datetime value: '${text}' for column '${name}' at row ${target.row}`;
    throw sqlErrorWithMessage('ER_TRUNCATED_WRONG_VALUE', message);
  }
  return parsed;
}

/** Converts `value` (of static type `source`) for storing into `target.column`. */
export function storeValue(source: SqlType, value: Value, target: StoreTarget): Value {
  const type = target.column.type;
  if (value === null) {
    if (!target.column.nullable) throw new SqlError('ER_BAD_NULL_ERROR', [target.column.name]);
    return null;
  }
  switch (type.kind) {
    case 'int':
      return storeInt(type, source, value, target);
    case 'decimal':
      return storeDecimal(type, source, value, target);
    case 'string':
      return storeString(type, source, value, target);
    case 'datetime':
      return storeDateTime(type, source, value, target);
    default:
      return unreachable(type);
  }
}
