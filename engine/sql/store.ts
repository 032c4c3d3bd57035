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
 *
 * Without strict mode (sql_mode has neither STRICT_TRANS_TABLES nor STRICT_ALL_TABLES) the value
 * errors above become warnings with the same code and message, and MySQL's adjusted value is
 * stored: a number out of range is clipped to the column's range, a string that is no number
 * stores its numeric prefix (0 when none), a long string is cut to the column's length. NULL into
 * NOT NULL and bad DATETIME text stay errors (MySQL would store an implicit default or a zero
 * date, which we do not have).
 */
import type { ColumnDef, ColumnType } from '../catalog/definitions.js';
import { SqlError, sqlErrorWithMessage } from '../errors.js';
import { unreachable } from '../unreachable.js';
import { roundToFsp } from './datetime.js';
import { charLength } from './text-length.js';
import { storeZeroPart, temporalFromValue } from './store-types.js';
import { Decimal, pow10 } from './decimal.js';
import {
  type SqlType,
  type Value,
  type Warnings,
  intRange,
  temporalDigits,
  toDecimal,
  toText,
} from './values.js';
import { bytesToText, hasRawBytes, invalidBytesText, textToBytes } from './bytes.js';
import {
  storeBit,
  storeDateOrTimestamp,
  storeDouble,
  storeJson,
  storeMember,
  storeTime,
  storeYear,
} from './store-types.js';

export interface StoreTarget {
  readonly column: ColumnDef;
  /** 1-based row number for messages. */
  readonly row: number;
  readonly warnings: Warnings;
  /** sql_mode's strict mode (default true): bad values are errors rather than warnings. */
  readonly strict?: boolean;
  /** sql_mode's NO_ZERO_DATE / NO_ZERO_IN_DATE (store-types.ts); absent: set (MySQL 8). */
  readonly noZeroDate?: boolean;
  readonly noZeroInDate?: boolean;
  /** The session's time_zone: TIMESTAMP columns store UTC (temporal.ts); absent: UTC. */
  readonly timeZone?: string;
  /** The table name, for messages that name `table`.`column` (JSON). */
  readonly table?: string;
}

/** A code unit of a raw byte (bytes.ts B1): hasRawBytes then checks it is not half a pair. */
const RAW_BYTE_UNIT = /[\udc80-\udcff]/;

/** StoreTarget's zero-date members from a statement's sql_mode (absent: MySQL 8's default). */
export function zeroDateModes(
  mode: { readonly noZeroDate?: boolean; readonly noZeroInDate?: boolean } | undefined,
): { noZeroDate?: boolean; noZeroInDate?: boolean } {
  if (mode === undefined) return {};
  return {
    ...(mode.noZeroDate === undefined ? {} : { noZeroDate: mode.noZeroDate }),
    ...(mode.noZeroInDate === undefined ? {} : { noZeroInDate: mode.noZeroInDate }),
  };
}

/** Strict: throws `error`. Otherwise: warns with its code and message and returns `adjusted`. */
export function lenient<T>(target: StoreTarget, error: SqlError, adjusted: T): T {
  if (target.strict !== false) throw error;
  target.warnings.warn('Warning', error.errno, error.message);
  return adjusted;
}

function clip(v: bigint, min: bigint, max: bigint): bigint {
  return v < min ? min : v > max ? max : v;
}

export function outOfRange(target: StoreTarget): SqlError {
  return new SqlError('ER_WARN_DATA_OUT_OF_RANGE', [target.column.name, target.row]);
}

export function truncated(target: StoreTarget): SqlError {
  return new SqlError('ER_WARN_DATA_TRUNCATED', [target.column.name, target.row]);
}

export function incorrect(kind: string, text: string, target: StoreTarget): SqlError {
  return new SqlError('ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', [
    kind,
    text,
    target.column.name,
    target.row,
  ]);
}

/** A string read as an exact number for storing; errors for no number or trailing garbage. */
export function parseNumber(text: string, kind: string, target: StoreTarget): Decimal {
  const trimmed = text.trim();
  const match = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(trimmed);
  if (match === null) return lenient(target, incorrect(kind, text, target), Decimal.fromBigInt(0n));
  if (match[0].length !== trimmed.length) lenient(target, truncated(target), undefined);
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
  if (typeof value === 'string') {
    // Hexadecimal literals, ENUM and SET are numbers in numeric context (issue 6b).
    const exact =
      type.kind === 'string' &&
      (type.hex === true || type.variant === 'enum' || type.variant === 'set');
    if (exact) return toDecimal(type, value, target.warnings) as Decimal;
    return parseNumber(value, kind, target);
  }
  if (type.kind === 'datetime' || type.kind === 'time') {
    return Decimal.parse(temporalDigits(type, value)) as Decimal;
  }
  return Decimal.fromBigInt(value);
}

function storeInt(
  type: ColumnType & { kind: 'int' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  const range = intRange(type.bytes, type.unsigned);
  let v: bigint;
  if (typeof value === 'bigint' && source.kind !== 'datetime' && source.kind !== 'time') v = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return lenient(target, outOfRange(target), value > 0 ? range.max : range.min);
    }
    v = BigInt(Math.round(value));
  } else v = asDecimal(source, value, 'integer', target).toBigInt();
  if (v < range.min || v > range.max) {
    return lenient(target, outOfRange(target), clip(v, range.min, range.max));
  }
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
  const max = limit - 1n;
  const min = type.unsigned ? 0n : -max;
  if (rounded.unscaled > max || rounded.unscaled < min) {
    const clipped = clip(rounded.unscaled, min, max);
    return lenient(target, outOfRange(target), new Decimal(clipped, type.scale));
  }
  return rounded;
}

function storeString(
  type: ColumnType & { kind: 'string' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): string {
  let text = toText(source, value) as string;
  const binarySource = source.kind === 'string' && source.collation === 'binary';
  if (type.collation === 'binary') {
    return storeBytes(type, binarySource ? text : textToBytes(text), target);
  }
  if (binarySource) text = bytesToText(text);
  // Issue 8 (cost): a regex scans for raw-byte code units natively before the exact check.
  if (RAW_BYTE_UNIT.test(text) && hasRawBytes(text)) {
    const error = incorrect('string', invalidBytesText(text), target);
    text = lenient(target, error, text.replace(/[\udc80-\udcff]/g, '?'));
  }
  if (type.variant === 'char' && text.endsWith(' ')) text = text.replace(/ +$/, '');
  if (type.variant === 'text') {
    const limit = type.chars;
    if (Buffer.byteLength(text, 'utf8') > limit) {
      const cut = Buffer.from(text, 'utf8').subarray(0, limit).toString('utf8');
      return lenient(target, dataTooLong(target), cut.replace(/\uFFFD$/, ''));
    }
    return text;
  }
  // Issue 8 (cost): counted without an array of characters (text-length.ts), the common case.
  if (text.length <= type.chars || charLength(text) <= type.chars) return text;
  const chars = Array.from(text);
  if (chars.slice(type.chars).every((c) => c === ' ')) {
    target.warnings.warn(
      'Note',
      1265,
      `Data truncated for column '${target.column.name}' at row ${target.row}`,
    );
    return chars.slice(0, type.chars).join('');
  }
  return lenient(target, dataTooLong(target), chars.slice(0, type.chars).join(''));
}

/**
 * A byte string into BINARY(n) / VARBINARY(n) / BLOB: longer than the column → 1406 (strict) or
 * cut with 1265; BINARY(n) pads with 0x00 bytes, as MySQL does.
 */
function storeBytes(
  type: ColumnType & { kind: 'string' },
  bytes: string,
  target: StoreTarget,
): string {
  let stored = bytes;
  if (stored.length > type.chars) {
    stored = lenient(target, dataTooLong(target), stored.slice(0, type.chars));
  }
  if (type.variant === 'char' && stored.length < type.chars) {
    stored = stored.padEnd(type.chars, '\u0000');
  }
  return stored;
}

/** Strict: ER_DATA_TOO_LONG (1406); otherwise MySQL warns 1265 "Data truncated". */
export function dataTooLong(target: StoreTarget): SqlError {
  return target.strict === false
    ? truncated(target)
    : new SqlError('ER_DATA_TOO_LONG', [target.column.name, target.row]);
}

function storeDateTime(
  type: ColumnType & { kind: 'datetime' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  const parsed =
    source.kind === 'datetime' && typeof value === 'bigint'
      ? roundToFsp(value, type.fsp)
      : temporalFromValue(source, value, type.fsp);
  if (parsed === undefined || parsed < 0n) {
    const text = toText(source, value) as string;
    const { name } = target.column;
    const message = `Incorrect datetime value: '${text}' for column '${name}' at row ${target.row}`;
    const error = sqlErrorWithMessage('ER_TRUNCATED_WRONG_VALUE', message);
    // A zero-part date (datetime.ts DT1): as sql_mode allows (store-types.ts).
    if (parsed !== undefined) return storeZeroPart(type, parsed, error, target);
    throw error;
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
      if (type.year === true) return storeYear(source, value, target);
      if (type.bits !== undefined) return storeBit(type.bits, source, value, target);
      return storeInt(type, source, value, target);
    case 'decimal':
      return storeDecimal(type, source, value, target);
    case 'double':
      return storeDouble(type, source, value, target);
    case 'string':
      if (type.variant === 'enum' || type.variant === 'set') {
        return storeMember(type, source, value, target);
      }
      if (type.variant === 'json') return storeJson(source, value, target);
      return storeString(type, source, value, target);
    case 'datetime':
      if (type.variant !== undefined) return storeDateOrTimestamp(type, source, value, target);
      return storeDateTime(type, source, value, target);
    case 'time':
      return storeTime(type, source, value, target);
    default:
      return unreachable(type);
  }
}
