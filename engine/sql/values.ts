/**
 * The value model and SQL types of the SQL layer.
 *
 * Every expression and column has a static SqlType; a runtime Value is interpreted through it:
 *
 *   SqlType kind   runtime Value            at the seam (api.ts)
 *   'null'         null                     null
 *   'int'          bigint                   bigint
 *   'decimal'      Decimal                  string, exact ('12.50')
 *   'double'       number                   number
 *   'string'       string                   string
 *   'datetime'     bigint (µs, datetime.ts) string 'YYYY-MM-DD hh:mm:ss[.f]'
 *     variant 'date'       bigint µs, midnight  string 'YYYY-MM-DD'
 *     variant 'timestamp'  UTC µs in rows; local µs in expressions (temporal.ts)
 *   'time'         bigint µs, signed        string '[-]hh:mm:ss[.f]'
 *   'int' year     bigint (0, 1901…2155)    bigint (metadata YEAR)
 *   'int' bits     bigint (BIT(n))          bigint (metadata BIT: the server sends bytes)
 *   'double' float number (float32-rounded) number (metadata FLOAT)
 *   'string' enum  member text ('' = the error value)        string
 *   'string' set   members joined by ',' in definition order  string
 *   'string' json  canonical JSON text (json.ts)              string
 *
 * and SQL NULL is null under every type. Conversions here are the *implicit* ones MySQL applies
 * in expressions (string → number takes the longest numeric prefix, with a warning); conversions
 * for storing into a column, with their strict-mode errors, live in store.ts.
 */
import assert from 'node:assert/strict';
import type { SqlValue } from '../api.js';
import { unreachable } from '../unreachable.js';
import { type CollationName } from './collation.js';
import { dateTimeDigits, formatDateTime } from './datetime.js';
import { dateDigits, formatDate, formatTime, timeDigits } from './temporal.js';
import { Decimal } from './decimal.js';

export type IntBytes = 1 | 2 | 3 | 4 | 8;

export type StringVariant = 'char' | 'varchar' | 'text' | 'enum' | 'set' | 'json';

export type SqlType =
  | { readonly kind: 'null' }
  | {
      readonly kind: 'int';
      readonly bytes: IntBytes;
      readonly unsigned: boolean;
      /** YEAR: values 0 and 1901…2155 (bytes 2, unsigned). */
      readonly year?: true;
      /** BIT(n): n bits (bytes 8, unsigned). */
      readonly bits?: number;
    }
  | {
      readonly kind: 'decimal';
      readonly precision: number;
      readonly scale: number;
      readonly unsigned: boolean;
    }
  | {
      readonly kind: 'double';
      /** FLOAT: values are float32-rounded; shown with 6 significant digits. */
      readonly float?: true;
      /** FLOAT(M,D) / DOUBLE(M,D): display precision and fixed decimals. */
      readonly precision?: number;
      readonly scale?: number;
      readonly unsigned?: boolean;
    }
  | {
      readonly kind: 'string';
      readonly variant: StringVariant;
      /**
       * Maximum length in characters; the TEXT family says its byte limit (TINYTEXT 255 … LONGTEXT
       * 4,294,967,295), checked in bytes by store.ts.
       */
      readonly chars: number;
      readonly collation: CollationName;
      /** ENUM / SET members, in definition order. */
      readonly members?: readonly string[];
      /** A hexadecimal or bit literal: in numeric context its bytes are an unsigned integer. */
      readonly hex?: true;
      /** Binary only because NULL is (QUOTE(NULL)): yields to any other argument's charset. */
      readonly ignorable?: true;
    }
  | {
      readonly kind: 'datetime';
      readonly fsp: number;
      readonly variant?: 'date' | 'timestamp';
      /**
       * A TIMESTAMP read through bind.ts (the session's wall clock); without it a TIMESTAMP value
       * is the stored UTC (a column's DEFAULT, a row value).
       */
      readonly local?: true;
    }
  | { readonly kind: 'time'; readonly fsp: number };

export type Value = null | bigint | number | string | Decimal;

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

export interface IntRange {
  readonly min: bigint;
  readonly max: bigint;
}

/** intRange's answers, made once: signed at 2 × bytes, unsigned at 2 × bytes + 1. */
const INT_RANGES: readonly IntRange[] = (() => {
  const ranges: IntRange[] = [];
  for (const bytes of [1, 2, 3, 4, 8]) {
    const bits = BigInt(bytes * 8);
    ranges[2 * bytes] = Object.freeze({ min: -(2n ** (bits - 1n)), max: 2n ** (bits - 1n) - 1n });
    ranges[2 * bytes + 1] = Object.freeze({ min: 0n, max: 2n ** bits - 1n });
  }
  return ranges;
})();

/**
 * An integer column's range (issue 8: a shared object, not BigInt powers per call: a point
 * select's key bound and every stored integer asked for one).
 */
export function intRange(bytes: IntBytes, unsigned: boolean): IntRange {
  return INT_RANGES[2 * bytes + (unsigned ? 1 : 0)] as IntRange;
}

export function typeName(type: SqlType): string {
  switch (type.kind) {
    case 'null':
      return 'NULL';
    case 'int': {
      if (type.year === true) return 'year';
      if (type.bits !== undefined) return `bit(${type.bits})`;
      const names = { 1: 'tinyint', 2: 'smallint', 3: 'mediumint', 4: 'int', 8: 'bigint' };
      return names[type.bytes] + (type.unsigned ? ' unsigned' : '');
    }
    case 'decimal':
      return `decimal(${type.precision},${type.scale})` + (type.unsigned ? ' unsigned' : '');
    case 'double': {
      const base = type.float === true ? 'float' : 'double';
      const ms = type.scale === undefined ? '' : `(${type.precision ?? 0},${type.scale})`;
      return base + ms + (type.unsigned === true ? ' unsigned' : '');
    }
    case 'string':
      return stringTypeName(type);
    case 'datetime':
      if (type.variant === 'date') return 'date';
      return (type.variant ?? 'datetime') + (type.fsp === 0 ? '' : `(${type.fsp})`);
    case 'time':
      return type.fsp === 0 ? 'time' : `time(${type.fsp})`;
    default:
      return unreachable(type);
  }
}

function stringTypeName(type: SqlType & { kind: 'string' }): string {
  const quoted = (type.members ?? []).map((m) => `'${m.replace(/'/g, "''")}'`).join(',');
  switch (type.variant) {
    case 'enum':
      return `enum(${quoted})`;
    case 'set':
      return `set(${quoted})`;
    case 'json':
      return 'json';
    case 'text': {
      const binary = type.collation === 'binary';
      const size =
        type.chars <= 255
          ? 'tiny'
          : type.chars <= 65_535
            ? ''
            : type.chars <= 16_777_215
              ? 'medium'
              : 'long';
      return size + (binary ? 'blob' : 'text');
    }
    case 'char':
      return `${type.collation === 'binary' ? 'binary' : 'char'}(${type.chars})`;
    case 'varchar':
      return `${type.collation === 'binary' ? 'varbinary' : 'varchar'}(${type.chars})`;
    default:
      return unreachable(type.variant);
  }
}

/** A value crossing the seam to the server (api.ts VALUE REPRESENTATION). */
export function toSeamValue(type: SqlType, value: Value): SqlValue {
  if (value === null) return null;
  switch (type.kind) {
    case 'null':
      return null;
    case 'int':
      assert(typeof value === 'bigint', 'int values are bigint');
      return value;
    case 'decimal':
      assert(value instanceof Decimal, 'decimal values are Decimal');
      return value.rescale(type.scale).toString();
    case 'double':
      assert(typeof value === 'number', 'double values are number');
      return value;
    case 'string':
      assert(typeof value === 'string', 'string values are string');
      // Binary strings are byte strings (bytes.ts): the seam carries them as Buffers.
      return type.collation === 'binary' ? Buffer.from(value, 'latin1') : value;
    case 'datetime':
    case 'time':
      assert(typeof value === 'bigint', 'temporal values are bigint');
      return temporalText(type, value);
    default:
      return unreachable(type);
  }
}

/** A DATE, DATETIME, TIMESTAMP or TIME value as MySQL prints it. */
export function temporalText(type: SqlType & { kind: 'datetime' | 'time' }, value: bigint): string {
  if (type.kind === 'time') return formatTime(value, type.fsp);
  if (type.variant === 'date') return formatDate(value);
  return formatDateTime(value, type.fsp);
}

/** A temporal value as the number MySQL reads it as: YYYYMMDD[hhmmss[.f]] or hhmmss[.f]. */
export function temporalDigits(
  type: SqlType & { kind: 'datetime' | 'time' },
  value: bigint,
): string {
  if (type.kind === 'time') return timeDigits(value, type.fsp);
  if (type.variant === 'date') return dateDigits(value);
  return dateTimeDigits(value, type.fsp);
}

/** The longest numeric prefix of a string, as MySQL reads a string in numeric context. */
export function numericPrefix(text: string): {
  text: string;
  complete: boolean;
  /** Only spaces follow the number: MySQL notes (1292, level Note) rather than warns. */
  trailingSpaces: boolean;
} {
  const match = /^[ \t\n\r]*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)/.exec(text);
  if (match === null) return { text: '', complete: false, trailingSpaces: false };
  const rest = text.slice(match[0].length);
  return {
    text: match[1] as string,
    complete: rest === '',
    trailingSpaces: rest !== '' && rest.trim() === '',
  };
}

function truncatedNumber(
  kind: string,
  text: string,
  prefix: { trailingSpaces: boolean },
  warnings: Warnings,
): void {
  warnings.warn(
    prefix.trailingSpaces ? 'Note' : 'Warning',
    1292,
    `Truncated incorrect ${kind} value: '${text}'`,
  );
}

/** Sink for the warnings an expression raises (SHOW WARNINGS material). */
export interface Warnings {
  warn(level: 'Note' | 'Warning', code: number, message: string): void;
  /** Warnings raised so far in this statement (MySQL's warning_count). */
  count(): number;
}

export function stringToDouble(text: string, warnings: Warnings): number {
  const prefix = numericPrefix(text);
  if (!prefix.complete || prefix.text === '') truncatedNumber('DOUBLE', text, prefix, warnings);
  if (prefix.text === '') return 0;
  const n = Number(prefix.text);
  return Number.isFinite(n) ? n : n > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

export function stringToDecimal(text: string, warnings: Warnings): Decimal {
  const prefix = numericPrefix(text);
  if (!prefix.complete || prefix.text === '') truncatedNumber('DECIMAL', text, prefix, warnings);
  if (prefix.text === '') return Decimal.fromBigInt(0n);
  return Decimal.parse(prefix.text) ?? Decimal.fromScientific(prefix.text);
}

/** A byte string's bytes as a big-endian unsigned integer (hex and bit literals, BIT). */
export function bytesToUnsigned(bytes: string): bigint {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes.charCodeAt(i) & 0xff);
  return v;
}

/** An unsigned integer as a byte string of `size` bytes (at least enough for the value). */
export function unsignedToBytes(value: bigint, size: number): string {
  let out = '';
  let v = value;
  while (v > 0n || out.length < size) {
    out = String.fromCharCode(Number(v & 0xffn)) + out;
    v >>= 8n;
  }
  return out;
}

/** ENUM: the 1-based index of a member (0 for the error value ''); SET: the bit mask. */
export function memberNumber(type: SqlType & { kind: 'string' }, value: string): bigint {
  const members = type.members ?? [];
  if (type.variant === 'enum') return BigInt(members.indexOf(value) + 1);
  let mask = 0n;
  if (value === '') return 0n;
  for (const item of value.split(',')) {
    const at = members.indexOf(item);
    if (at >= 0) mask |= 1n << BigInt(at);
  }
  return mask;
}

/** A string value's number when its type gives it one without parsing (ENUM, SET, hex). */
function exactStringNumber(type: SqlType, value: string): bigint | undefined {
  if (type.kind !== 'string') return undefined;
  if (type.variant === 'enum' || type.variant === 'set') return memberNumber(type, value);
  if (type.hex === true) return bytesToUnsigned(value);
  return undefined;
}

/** Any value as a double (MySQL's val_real). */
export function toDouble(type: SqlType, value: Value, warnings: Warnings): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (value instanceof Decimal) return value.toNumber();
  if (typeof value === 'string') {
    const exact = exactStringNumber(type, value);
    if (exact !== undefined) return Number(exact);
    if (type.kind === 'string' && type.variant === 'json') return jsonNumber(value, warnings);
    return stringToDouble(value, warnings);
  }
  if (type.kind === 'datetime' || type.kind === 'time') {
    return Number(temporalDigits(type, value));
  }
  return Number(value);
}

/** Any value as a Decimal (MySQL's val_decimal). */
export function toDecimal(type: SqlType, value: Value, warnings: Warnings): Decimal | null {
  if (value === null) return null;
  if (value instanceof Decimal) return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Decimal.fromDouble(value) : Decimal.fromBigInt(0n);
  }
  if (typeof value === 'string') {
    const exact = exactStringNumber(type, value);
    if (exact !== undefined) return Decimal.fromBigInt(exact);
    if (type.kind === 'string' && type.variant === 'json') {
      return Decimal.fromDouble(jsonNumber(value, warnings));
    }
    return stringToDecimal(value, warnings);
  }
  if (type.kind === 'datetime' || type.kind === 'time') {
    return Decimal.parse(temporalDigits(type, value)) ?? null;
  }
  return Decimal.fromBigInt(value);
}

/** Any value as a BIGINT (MySQL's val_int): rounds half away from zero, clips with 1292. */
export function toBigInt(type: SqlType, value: Value, warnings: Warnings): bigint | null {
  if (value === null) return null;
  if (typeof value === 'bigint' && type.kind !== 'datetime' && type.kind !== 'time') return value;
  if (typeof value === 'string') {
    const exact = exactStringNumber(type, value);
    if (exact !== undefined) return exact;
  }
  const d = toDecimal(type, value, warnings);
  if (d === null) return null;
  const n = d.toBigInt();
  if (n > UINT64_MAX) return INT64_MAX;
  if (n < INT64_MIN) return INT64_MIN;
  return n;
}

/** JSON text in numeric context: a number scalar's value, else 0 with a warning. */
function jsonNumber(text: string, warnings: Warnings): number {
  const t = text.trim();
  if (/^-?\d/.test(t)) return Number(t);
  if (t === 'true') return 1;
  if (t === 'false' || t === 'null') return 0;
  warnings.warn(
    'Warning',
    3156,
    `Invalid JSON value for CAST to DOUBLE from column json_extract at row 1`,
  );
  return 0;
}

/** Any value as a string (MySQL's val_str). */
export function toText(type: SqlType, value: Value): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Decimal) {
    // A quotient carries more digits inside than its type shows (decimal.ts): round them off.
    const trimmed = type.kind === 'decimal' && value.scale > type.scale;
    return (trimmed ? value.rescale(type.scale) : value).toString();
  }
  if (typeof value === 'number') {
    return type.kind === 'double' && type.float === true ? formatFloat(value) : formatDouble(value);
  }
  if (type.kind === 'datetime' || type.kind === 'time') return temporalText(type, value);
  if (type.kind === 'int') {
    if (type.year === true) return value.toString().padStart(4, '0');
    if (type.bits !== undefined) return unsignedToBytes(value, Math.ceil(type.bits / 8));
  }
  return value.toString();
}

/** Shortest round-trip digits of |x| (no trailing zeros) and dtoa's decimal-point position. */
function shortestDigits(x: number): { digits: string; decpt: number } {
  if (x === 0) return { digits: '0', decpt: 1 };
  const [mantissa = '0', exponent = '0'] = Math.abs(x).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), decpt: Number(exponent) + 1 };
}

/** my_gcvt's layout: fixed notation for 1e-15 ≤ |x| < 1e15, exponent notation otherwise. */
function layoutDigits(negative: boolean, digits: string, decpt: number): string {
  const sign = negative ? '-' : '';
  const len = digits.length;
  if (digits === '0') return '0';
  if (decpt > -15 && decpt <= 15) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt < len) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
    return sign + digits + '0'.repeat(decpt - len);
  }
  const mantissa = len === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}e${decpt - 1}`;
}

/** A double as MySQL prints it: shortest round-trip digits, exponent outside 1e-15…1e15. */
export function formatDouble(value: number): string {
  const { digits, decpt } = shortestDigits(value);
  return layoutDigits(value < 0, digits, decpt);
}

/** A FLOAT as MySQL prints it: at most 6 significant digits (FLT_DIG). */
export function formatFloat(value: number): string {
  if (value === 0) return '0';
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential(5).split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return layoutDigits(value < 0, digits === '' ? '0' : digits, Number(exponent) + 1);
}

/** Truth of a value in a condition: NULL stays NULL, otherwise non-zero is true. */
export function truth(type: SqlType, value: Value, warnings: Warnings): boolean | null {
  if (value === null) return null;
  if (typeof value === 'bigint') {
    if (type.kind === 'datetime') return true;
    return value !== 0n;
  }
  if (typeof value === 'number') return value !== 0;
  if (value instanceof Decimal) return !value.isZero();
  const exact = exactStringNumber(type, value);
  if (exact !== undefined) return exact !== 0n;
  return toDouble(type, value, warnings) !== 0;
}
