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
import { Decimal } from './decimal.js';

export type IntBytes = 1 | 2 | 3 | 4 | 8;

export type SqlType =
  | { readonly kind: 'null' }
  | { readonly kind: 'int'; readonly bytes: IntBytes; readonly unsigned: boolean }
  | {
      readonly kind: 'decimal';
      readonly precision: number;
      readonly scale: number;
      readonly unsigned: boolean;
    }
  | { readonly kind: 'double' }
  | {
      readonly kind: 'string';
      readonly variant: 'char' | 'varchar' | 'text';
      /** Maximum length in characters; TEXT says 65,535 and is limited in bytes (store.ts). */
      readonly chars: number;
      readonly collation: CollationName;
    }
  | { readonly kind: 'datetime'; readonly fsp: number };

export type Value = null | bigint | number | string | Decimal;

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

export function intRange(bytes: IntBytes, unsigned: boolean): { min: bigint; max: bigint } {
  const bits = BigInt(bytes * 8);
  if (unsigned) return { min: 0n, max: 2n ** bits - 1n };
  return { min: -(2n ** (bits - 1n)), max: 2n ** (bits - 1n) - 1n };
}

export function typeName(type: SqlType): string {
  switch (type.kind) {
    case 'null':
      return 'NULL';
    case 'int': {
      const names = { 1: 'tinyint', 2: 'smallint', 3: 'mediumint', 4: 'int', 8: 'bigint' };
      return names[type.bytes] + (type.unsigned ? ' unsigned' : '');
    }
    case 'decimal':
      return `decimal(${type.precision},${type.scale})` + (type.unsigned ? ' unsigned' : '');
    case 'double':
      return 'double';
    case 'string':
      if (type.collation === 'binary') {
        return type.variant === 'text' ? 'blob' : `${type.variant === 'char' ? 'binary' : 'varbinary'}(${type.chars})`;
      }
      return type.variant === 'text' ? 'text' : `${type.variant}(${type.chars})`;
    case 'datetime':
      return type.fsp === 0 ? 'datetime' : `datetime(${type.fsp})`;
    default:
      return unreachable(type);
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
      assert(typeof value === 'bigint', 'datetime values are bigint');
      return formatDateTime(value, type.fsp);
    default:
      return unreachable(type);
  }
}

/** The longest numeric prefix of a string, as MySQL reads a string in numeric context. */
export function numericPrefix(text: string): { text: string; complete: boolean } {
  const match = /^[ \t\n\r]*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)/.exec(text);
  if (match === null) return { text: '', complete: false };
  const rest = text.slice(match[0].length);
  return { text: match[1] as string, complete: rest.trim() === '' };
}

/** Sink for the warnings an expression raises (SHOW WARNINGS material). */
export interface Warnings {
  warn(level: 'Note' | 'Warning', code: number, message: string): void;
  /** Warnings raised so far in this statement (MySQL's warning_count). */
  count(): number;
}

export function stringToDouble(text: string, warnings: Warnings): number {
  const prefix = numericPrefix(text);
  if (!prefix.complete || prefix.text === '') {
    warnings.warn('Warning', 1292, `Truncated incorrect DOUBLE value: '${text}'`);
  }
  return prefix.text === '' ? 0 : Number(prefix.text);
}

export function stringToDecimal(text: string, warnings: Warnings): Decimal {
  const prefix = numericPrefix(text);
  if (!prefix.complete || prefix.text === '') {
    warnings.warn('Warning', 1292, `Truncated incorrect DECIMAL value: '${text}'`);
  }
  if (prefix.text === '') return Decimal.fromBigInt(0n);
  return Decimal.parse(prefix.text) ?? Decimal.fromNumber(Number(prefix.text), 6);
}

/** Any value as a double (MySQL's val_real). */
export function toDouble(type: SqlType, value: Value, warnings: Warnings): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (value instanceof Decimal) return value.toNumber();
  if (typeof value === 'string') return stringToDouble(value, warnings);
  if (type.kind === 'datetime') return Number(dateTimeDigits(value, type.fsp));
  return Number(value);
}

/** Any value as a Decimal (MySQL's val_decimal). */
export function toDecimal(type: SqlType, value: Value, warnings: Warnings): Decimal | null {
  if (value === null) return null;
  if (value instanceof Decimal) return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Decimal.fromNumber(value, 15) : Decimal.fromBigInt(0n);
  }
  if (typeof value === 'string') return stringToDecimal(value, warnings);
  if (type.kind === 'datetime') return Decimal.parse(dateTimeDigits(value, type.fsp)) ?? null;
  return Decimal.fromBigInt(value);
}

/** Any value as a string (MySQL's val_str). */
export function toText(type: SqlType, value: Value): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Decimal) return value.toString();
  if (typeof value === 'number') return formatDouble(value);
  if (type.kind === 'datetime') return formatDateTime(value, type.fsp);
  return value.toString();
}

/** A double as MySQL prints it: shortest round-trip digits, exponent past 15 digits. */
export function formatDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toFixed(0);
  const text = String(value);
  return text.replace('e+', 'e');
}

/** Truth of a value in a condition: NULL stays NULL, otherwise non-zero is true. */
export function truth(type: SqlType, value: Value, warnings: Warnings): boolean | null {
  if (value === null) return null;
  if (typeof value === 'bigint') return type.kind === 'datetime' ? true : value !== 0n;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof Decimal) return !value.isZero();
  return stringToDouble(value, warnings) !== 0;
}
