/**
 * DATE, DATETIME, TIMESTAMP and TIME in the binary protocol (binary result rows and
 * COM_STMT_EXECUTE parameters), converted to and from the seam's text forms
 * ('YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss[.ffffff]', '[-]hh:mm:ss[.ffffff]'). Pure.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html
 *
 * DATE / DATETIME / TIMESTAMP (MYSQL_TIME), after a length byte of 0, 4, 7 or 11:
 *   int<2> year  int<1> month  int<1> day  | int<1> hour  int<1> minute  int<1> second
 *   | int<4> microseconds
 * TIME, after a length byte of 0, 8 or 12:
 *   int<1> is_negative  int<4> days  int<1> hour  int<1> minute  int<1> second
 *   | int<4> microseconds
 *
 * Invariant (T1): encoders pick the shortest length that holds the value, as MySQL's
 * Protocol_binary::store_datetime and store_time do (0 for a zero value, no microseconds field
 * when they are 0), so golden bytes match MySQL's.
 */
import assert from 'node:assert/strict';
import { malformed } from './errors.js';
import type { PayloadReader } from './wire.js';

export interface DateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
}

export interface TimeParts {
  readonly negative: boolean;
  /** Whole hours, which may exceed 24 (TIME spans ±838:59:59). */
  readonly hours: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
}

const DATETIME_TEXT = new RegExp(
  '^(\\d{1,4})-(\\d{1,2})-(\\d{1,2})' +
    '(?:[ T](\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,6}))?)?$',
);
const TIME_TEXT = /^(-)?(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/;

function micros(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
}

/** Parses the seam's DATE/DATETIME/TIMESTAMP text. Asserts: the engine produced it. */
export function parseDateTimeText(text: string): DateTimeParts {
  const m = DATETIME_TEXT.exec(text);
  assert(m !== null, `a DATE/DATETIME value from the engine: '${text}'`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    microsecond: micros(m[7]),
  };
}

/** Parses the seam's TIME text. Asserts: the engine produced it. */
export function parseTimeText(text: string): TimeParts {
  const m = TIME_TEXT.exec(text);
  assert(m !== null, `a TIME value from the engine: '${text}'`);
  return {
    negative: m[1] === '-',
    hours: Number(m[2]),
    minute: Number(m[3]),
    second: Number(m[4]),
    microsecond: micros(m[5]),
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function fractionText(microsecond: number): string {
  return microsecond === 0 ? '' : `.${pad(microsecond, 6)}`;
}

export function formatDate(p: DateTimeParts): string {
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
}

export function formatDateTime(p: DateTimeParts): string {
  return `${formatDate(p)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}` +
    fractionText(p.microsecond);
}

export function formatTime(p: TimeParts): string {
  return `${p.negative ? '-' : ''}${pad(p.hours, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}` +
    fractionText(p.microsecond);
}

/** Bytes after the length byte (T1). */
export function dateTimeLength(p: DateTimeParts): 0 | 4 | 7 | 11 {
  if (p.microsecond !== 0) return 11;
  if (p.hour !== 0 || p.minute !== 0 || p.second !== 0) return 7;
  if (p.year !== 0 || p.month !== 0 || p.day !== 0) return 4;
  return 0;
}

/** Bytes after the length byte (T1). */
export function timeLength(p: TimeParts): 0 | 8 | 12 {
  if (p.microsecond !== 0) return 12;
  if (p.hours !== 0 || p.minute !== 0 || p.second !== 0) return 8;
  return 0;
}

/** Writes the length byte and the fields; returns the position after them. */
export function writeBinaryDateTime(buf: Buffer, pos: number, p: DateTimeParts): number {
  const length = dateTimeLength(p);
  assert(pos + 1 + length <= buf.length, 'W2: binary DATETIME fits');
  buf[pos] = length;
  if (length >= 4) {
    buf.writeUInt16LE(p.year, pos + 1);
    buf[pos + 3] = p.month;
    buf[pos + 4] = p.day;
  }
  if (length >= 7) {
    buf[pos + 5] = p.hour;
    buf[pos + 6] = p.minute;
    buf[pos + 7] = p.second;
  }
  if (length === 11) buf.writeUInt32LE(p.microsecond, pos + 8);
  return pos + 1 + length;
}

export function writeBinaryTime(buf: Buffer, pos: number, p: TimeParts): number {
  const length = timeLength(p);
  assert(pos + 1 + length <= buf.length, 'W2: binary TIME fits');
  buf[pos] = length;
  if (length >= 8) {
    buf[pos + 1] = p.negative ? 1 : 0;
    buf.writeUInt32LE(Math.floor(p.hours / 24), pos + 2);
    buf[pos + 6] = p.hours % 24;
    buf[pos + 7] = p.minute;
    buf[pos + 8] = p.second;
  }
  if (length === 12) buf.writeUInt32LE(p.microsecond, pos + 9);
  return pos + 1 + length;
}

/** Reads a length byte and the fields a client sent; a bad length is malformed (W1). */
export function readBinaryDateTime(r: PayloadReader): DateTimeParts {
  const length = r.int(1);
  if (length !== 0 && length !== 4 && length !== 7 && length !== 11) {
    throw malformed(`binary DATETIME of length ${length}`);
  }
  const year = length >= 4 ? r.int(2) : 0;
  const month = length >= 4 ? r.int(1) : 0;
  const day = length >= 4 ? r.int(1) : 0;
  const hour = length >= 7 ? r.int(1) : 0;
  const minute = length >= 7 ? r.int(1) : 0;
  const second = length >= 7 ? r.int(1) : 0;
  const microsecond = length === 11 ? r.int(4) : 0;
  return { year, month, day, hour, minute, second, microsecond };
}

export function readBinaryTime(r: PayloadReader): TimeParts {
  const length = r.int(1);
  if (length !== 0 && length !== 8 && length !== 12) {
    throw malformed(`binary TIME of length ${length}`);
  }
  if (length === 0) return { negative: false, hours: 0, minute: 0, second: 0, microsecond: 0 };
  const negative = r.int(1) !== 0;
  const days = r.int(4);
  const hour = r.int(1);
  const minute = r.int(1);
  const second = r.int(1);
  const microsecond = length === 12 ? r.int(4) : 0;
  return { negative, hours: days * 24 + hour, minute, second, microsecond };
}
