/**
 * Storing into the column types beyond integers, DECIMAL, strings and DATETIME (store.ts wires
 * them in), with MySQL's strict-mode errors and non-strict adjustments:
 *
 *   FLOAT / DOUBLE [(M,D)]  out of range (or negative into UNSIGNED) → 1264, clipped; FLOAT is
 *                           float32-rounded; (M,D) rounds to D decimals
 *   YEAR                    0, 1901…2155; 1–69 → 2001–2069, 70–99 → 1970–1999; '0'/'00' → 2000;
 *                           else 1264
 *   BIT(n)                  numbers below 2^n; strings as their bytes; too wide → 1406
 *   ENUM / SET              a member (compared by the column's collation, trailing spaces
 *                           ignored) or its index / bit mask; else 1265 (non-strict: '' for ENUM,
 *                           the known members for SET)
 *   JSON                    JSON text or a JSON value; else 3140 (always an error)
 *   DATE                    a date, or a datetime whose time is dropped (Note 1265 when not
 *                           midnight); bad text → 1292
 *   DATE / DATETIME /       the zero date '0000-00-00' and zero months or days (datetime.ts
 *   TIMESTAMP               DT1) unless sql_mode has NO_ZERO_DATE / NO_ZERO_IN_DATE: then
 *                           1292 (strict) or the zero date with warning 1264; TIMESTAMP keeps
 *                           no zero month or day: those become the zero date the same way
 *   TIMESTAMP               the session's wall-clock time → UTC (temporal.ts); outside
 *                           1970-01-01 00:00:01 … 2038-01-19 03:14:07 UTC → 1292
 *   TIME                    '[-][D ]hh:mm:ss', numbers hhmmss, a datetime's time; clipped to
 *                           ±838:59:59 with 1292
 */
import type { ColumnType } from '../catalog/definitions.js';
import { SqlError, sqlErrorWithMessage } from '../errors.js';
import { textToBytes } from './bytes.js';
import { collation } from './collation.js';
import {
  ZERO_DATETIME,
  dateTimeFromNumber,
  isZeroDate,
  isZeroPart,
  parseDateTime,
  roundToFsp,
  timeOfDay,
} from './datetime.js';
import { Decimal } from './decimal.js';
import { JsonSyntaxError, parseJson, serializeJson } from './json.js';
import {
  type StoreTarget,
  dataTooLong,
  lenient,
  outOfRange,
  parseNumber,
  truncated,
} from './store.js';
import {
  TIMESTAMP_MAX,
  TIMESTAMP_MIN,
  datePart,
  localToUtc,
  parseTime,
  roundTime,
} from './temporal.js';
import {
  type SqlType,
  type Value,
  bytesToUnsigned,
  temporalDigits,
  toDecimal,
  toText,
} from './values.js';

const FLOAT_MAX = 3.4028234663852886e38;
const NO_WARNINGS = { warn: (): void => undefined, count: (): number => 0 };

function asNumber(source: SqlType, value: Exclude<Value, null>, target: StoreTarget): number {
  if (typeof value === 'number') return value;
  if (value instanceof Decimal) return value.toNumber();
  if (typeof value === 'string') {
    if (source.kind === 'string' && source.hex === true) return Number(bytesToUnsigned(value));
    const d = parseNumber(value, 'double', target);
    const prefix = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)/.exec(value);
    return prefix === null ? d.toNumber() : Number(prefix[1]);
  }
  if (source.kind === 'datetime' || source.kind === 'time') {
    return Number(temporalDigits(source, value));
  }
  return Number(value);
}

export function storeDouble(
  type: ColumnType & { kind: 'double' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): number {
  let v = asNumber(source, value, target);
  const limit = type.float === true ? FLOAT_MAX : Number.MAX_VALUE;
  if (!Number.isFinite(v) || Math.abs(v) > limit) {
    v = lenient(target, outOfRange(target), v > 0 ? limit : -limit);
  }
  if (type.scale !== undefined) {
    const factor = 10 ** type.scale;
    v = Math.round(v * factor) / factor;
    const max = 10 ** ((type.precision ?? 0) - type.scale) - 1 / factor;
    if (Math.abs(v) > max) v = lenient(target, outOfRange(target), v > 0 ? max : -max);
  }
  if (type.unsigned === true && v < 0) v = lenient(target, outOfRange(target), 0);
  return type.float === true ? Math.fround(v) : v === 0 ? 0 : v;
}

export function storeYear(
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  if (source.kind === 'datetime' && typeof value === 'bigint') {
    return BigInt(temporalDigits({ kind: 'datetime', fsp: 0, variant: 'date' }, value).slice(0, 4));
  }
  let n: bigint;
  if (typeof value === 'string' && !(source.kind === 'string' && source.hex === true)) {
    const text = value.trim();
    const d = parseNumber(value, 'integer', target).toBigInt();
    if (/^0+$/.test(text) && text.length <= 2) return 2000n;
    n = d;
    if (n === 0n && text.length <= 2 && text !== '') return 2000n;
  } else {
    n = toDecimal(source, value, NO_WARNINGS)?.toBigInt() ?? 0n;
  }
  if (n === 0n) return 0n;
  if (n >= 1n && n <= 69n) return 2000n + n;
  if (n >= 70n && n <= 99n) return 1900n + n;
  if (n >= 1901n && n <= 2155n) return n;
  return lenient(target, outOfRange(target), 0n);
}

export function storeBit(
  bits: number,
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  let n: bigint;
  if (typeof value === 'string') {
    const binary = source.kind === 'string' && source.collation === 'binary';
    n = bytesToUnsigned(binary ? value : textToBytes(value));
  } else if (typeof value === 'bigint' && source.kind === 'int') {
    n = value;
  } else {
    n = toDecimal(source, value, NO_WARNINGS)?.toBigInt() ?? 0n;
  }
  const max = (1n << BigInt(bits)) - 1n;
  if (n < 0n || n > max) return lenient(target, dataTooLong(target), max);
  return n;
}

/** ENUM / SET: the stored member text (rows keep its index or mask, row.ts). */
export function storeMember(
  type: ColumnType & { kind: 'string' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): string {
  const members = type.members ?? [];
  const coll = collation(type.collation);
  const find = (text: string): string | undefined => {
    const wanted = text.replace(/ +$/, '');
    return members.find((m) => coll.compare(m, wanted) === 0);
  };
  const numeric = typeof value !== 'string' || (source.kind === 'string' && source.hex === true);
  if (numeric) {
    const n = toDecimal(source, value, NO_WARNINGS)?.toBigInt() ?? 0n;
    if (type.variant === 'enum') {
      const member = n >= 1n && n <= BigInt(members.length) ? members[Number(n) - 1] : undefined;
      return member ?? lenient(target, truncated(target), '');
    }
    if (n < 0n || n >= 1n << BigInt(members.length)) {
      return lenient(target, truncated(target), '');
    }
    return members.filter((_, i) => (n >> BigInt(i)) & 1n).join(',');
  }
  const text = toText(source, value) as string;
  if (type.variant === 'enum') return find(text) ?? lenient(target, truncated(target), '');
  if (text === '') return '';
  const present = new Set<string>();
  let bad = false;
  for (const item of text.split(',')) {
    const member = find(item);
    if (member === undefined) bad = true;
    else present.add(member);
  }
  const stored = members.filter((m) => present.has(m)).join(',');
  return bad ? lenient(target, truncated(target), stored) : stored;
}

export function storeJson(
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): string {
  const where = `${target.table ?? ''}.${target.column.name}`;
  if (source.kind === 'string' && source.variant === 'json') return value as string;
  if (typeof value !== 'string' || (source.kind === 'string' && source.collation === 'binary')) {
    throw new SqlError('ER_INVALID_JSON_TEXT', ['not a JSON text, may need CAST', 0, where]);
  }
  try {
    return serializeJson(parseJson(value));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new SqlError('ER_INVALID_JSON_TEXT', [e.message, e.position, where]);
  }
}

function badTemporal(kind: string, text: string, target: StoreTarget): SqlError {
  const { name } = target.column;
  return sqlErrorWithMessage(
    'ER_TRUNCATED_WRONG_VALUE',
    `Incorrect ${kind} value: '${text}' for column '${name}' at row ${target.row}`,
  );
}

/** A value of any type as DATETIME µs (for DATE, DATETIME, TIMESTAMP), or undefined. */
export function temporalFromValue(
  source: SqlType,
  value: Exclude<Value, null>,
  fsp: number,
): bigint | undefined {
  if (source.kind === 'datetime' && typeof value === 'bigint') return roundToFsp(value, fsp);
  if (source.kind === 'time' && typeof value === 'bigint') return undefined;
  if (typeof value === 'string') return parseDateTime(value, fsp);
  const digits = typeof value === 'bigint' ? value.toString() : (toText(source, value) ?? '');
  return dateTimeFromNumber(digits, fsp);
}

export function storeDateOrTimestamp(
  type: ColumnType & { kind: 'datetime' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  const kind = type.variant === 'date' ? 'date' : 'datetime';
  const parsed = temporalFromValue(source, value, type.fsp);
  if (parsed === undefined) throw badTemporal(kind, toText(source, value) ?? '', target);
  if (isZeroPart(parsed)) {
    const bad = badTemporal(kind, toText(source, value) ?? '', target);
    return storeZeroPart(type, parsed, bad, target);
  }
  if (type.variant === 'date') {
    const day = datePart(parsed);
    if (day !== parsed) {
      target.warnings.warn(
        'Note',
        1265,
        `Data truncated for column '${target.column.name}' at row ${target.row}`,
      );
    }
    return day;
  }
  // A stored TIMESTAMP (a DEFAULT, a row value) is UTC already; everything else is wall clock.
  const stored =
    source.kind === 'datetime' && source.variant === 'timestamp' && source.local !== true;
  const utc = stored ? parsed : localToUtc(parsed, target.timeZone ?? '+00:00');
  if (utc < TIMESTAMP_MIN || utc > TIMESTAMP_MAX) {
    throw badTemporal(kind, toText(source, value) ?? '', target);
  }
  return utc;
}

/**
 * A zero-part date (datetime.ts DT1) into DATE, DATETIME or TIMESTAMP: kept unless sql_mode's
 * NO_ZERO_DATE / NO_ZERO_IN_DATE refuse it (a TIMESTAMP has no zero month or day, only the zero
 * date); refused: `bad` in strict mode, else the zero date with warning 1264.
 */
export function storeZeroPart(
  type: ColumnType & { kind: 'datetime' },
  value: bigint,
  bad: SqlError,
  target: StoreTarget,
): bigint {
  const timestamp = type.variant === 'timestamp';
  const refused = isZeroDate(value)
    ? target.noZeroDate !== false
    : target.noZeroInDate !== false || timestamp;
  if (refused) {
    if (target.strict !== false) throw bad;
    const { name } = target.column;
    const message = `Out of range value for column '${name}' at row ${target.row}`;
    target.warnings.warn('Warning', 1264, message);
    return ZERO_DATETIME;
  }
  if (type.variant === 'date') return dateOfZeroPart(value, target);
  return timestamp ? ZERO_DATETIME : value;
}

/** A zero-part DATETIME stored in a DATE: its date, Note 1265 when a time is dropped. */
function dateOfZeroPart(value: bigint, target: StoreTarget): bigint {
  const day = datePart(value);
  if (day !== value) {
    target.warnings.warn(
      'Note',
      1265,
      `Data truncated for column '${target.column.name}' at row ${target.row}`,
    );
  }
  return day;
}

export function storeTime(
  type: ColumnType & { kind: 'time' },
  source: SqlType,
  value: Exclude<Value, null>,
  target: StoreTarget,
): bigint {
  if (source.kind === 'time' && typeof value === 'bigint') return roundTime(value, type.fsp);
  if (source.kind === 'datetime' && typeof value === 'bigint') {
    return roundTime(timeOfDay(value), type.fsp);
  }
  const text = typeof value === 'string' ? value : (toText(source, value) ?? '');
  const parsed = parseTime(text, type.fsp);
  if (parsed === undefined) throw badTemporal('time', text, target);
  if (parsed.clipped) return lenient(target, badTemporal('time', text, target), parsed.value);
  return parsed.value;
}
