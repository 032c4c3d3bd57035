/**
 * DATETIME values: a bigint count of microseconds since 0000-01-01 00:00:00 in the proleptic
 * Gregorian calendar. The count is order-preserving (keys.ts stores it big-endian) and makes
 * rounding a fraction into the seconds, minutes and days simple.
 *
 * Accepted text (MySQL's common forms): 'YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss[.f…]' with 'T' or
 * spaces between date and time, and the delimiter-free 'YYYYMMDD' and 'YYYYMMDDhhmmss[.f…]'.
 * Invalid dates (month 13, 30 February) are rejected.
 *
 * Zero dates: MySQL also has the zero date '0000-00-00' and dates with a zero month or day
 * ('2024-00-15', '2024-02-00'), which sql_mode's NO_ZERO_DATE / NO_ZERO_IN_DATE refuse only when
 * storing (store-types.ts). They have no place on the microsecond line, so they are negative:
 *
 *   (DT1) a value v < 0 is a zero-part date: v = ZERO_BASE + packed(fields), where packed is
 *         MySQL's order ((year·13 + month)·32 + day) days of 86,400 s, then µs. Every v ≥ 0 is a
 *         valid date on the microsecond line.
 *   (DT2) values order as MySQL orders them (by year, month, day, time): compareDateTime and
 *         orderKey; a plain bigint comparison is right only when neither side is negative
 *         (so the zero date '0000-00-00 00:00:00', the smallest value, sorts first either way).
 *
 * Date arithmetic (DATE_ADD, DATEDIFF, weekdays) is defined only for v ≥ 0; functions refuse
 * zero-part dates with NULL and warning 1292, as MySQL does.
 */
import assert from 'node:assert/strict';

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;

export interface DateTimeFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micro: number;
}

/** Days since 0000-01-01 (H. Hinnant's days_from_civil, whose era starts on 1 March). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe + 60;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days - 60;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const leapDays = Math.floor(doe / 1460) - Math.floor(doe / 36_524) + Math.floor(doe / 146_096);
  const yoe = Math.floor((doe - leapDays) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function validFields(f: DateTimeFields): boolean {
  return (
    f.year >= 1 &&
    f.year <= 9999 &&
    f.month >= 1 &&
    f.month <= 12 &&
    f.day >= 1 &&
    f.day <= daysInMonth(f.year, f.month) &&
    f.hour <= 23 &&
    f.minute <= 59 &&
    f.second <= 59
  );
}

/** A zero date or a date with a zero month or day (DT1), with an otherwise valid time. */
export function zeroPartFields(f: DateTimeFields): boolean {
  return (
    (f.month === 0 || f.day === 0) &&
    f.year >= 0 &&
    f.year <= 9999 &&
    f.month <= 12 &&
    f.day <= (f.month === 0 ? 31 : daysInMonth(f.year, f.month)) &&
    f.hour <= 23 &&
    f.minute <= 59 &&
    f.second <= 59
  );
}

/** DT1: the base of zero-part dates; packed fields stay below 2^62. */
const ZERO_BASE = -(2n ** 62n);

function packed(f: DateTimeFields): bigint {
  const days = BigInt((f.year * 13 + f.month) * 32 + f.day);
  const seconds = BigInt(f.hour * 3600 + f.minute * 60 + f.second);
  return days * MICROS_PER_DAY + seconds * MICROS_PER_SECOND + BigInt(f.micro);
}

function unpacked(p: bigint): DateTimeFields {
  const days = Number(p / MICROS_PER_DAY);
  const inDay = p % MICROS_PER_DAY;
  const seconds = Number(inDay / MICROS_PER_SECOND);
  return {
    year: Math.floor(days / (13 * 32)),
    month: Math.floor(days / 32) % 13,
    day: days % 32,
    hour: Math.floor(seconds / 3600),
    minute: Math.floor((seconds % 3600) / 60),
    second: seconds % 60,
    micro: Number(inDay % MICROS_PER_SECOND),
  };
}

/** The zero date, '0000-00-00 00:00:00' (DT1): the smallest DATETIME value. */
export const ZERO_DATETIME = ZERO_BASE;

/** DT1: a zero date or a date with a zero month or day. */
export function isZeroPart(value: bigint): boolean {
  return value < 0n;
}

/** The zero date itself (year, month and day all 0), at any time of day. */
export function isZeroDate(value: bigint): boolean {
  if (value >= 0n) return false;
  const f = unpacked(value - ZERO_BASE);
  return f.year === 0 && f.month === 0 && f.day === 0;
}

/** DT2: a non-negative bigint that orders every DATETIME value as MySQL does. */
export function orderKey(value: bigint): bigint {
  return value < 0n ? value - ZERO_BASE : packed(toFields(value));
}

/** The value of an orderKey (keys.ts decodes index keys with it). */
export function fromOrderKey(key: bigint): bigint {
  return fromFields(unpacked(key));
}

/** DT2: MySQL's order of two DATETIME values. */
export function compareDateTime(a: bigint, b: bigint): number {
  if (a >= 0n && b >= 0n) return a === b ? 0 : a < b ? -1 : 1;
  const x = orderKey(a);
  const y = orderKey(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The date part (midnight) of a DATETIME value, zero-part dates included (DT1). */
export function dateOnly(value: bigint): bigint {
  if (value >= 0n) return value - (value % MICROS_PER_DAY);
  const f = toFields(value);
  return fromFields({ ...f, hour: 0, minute: 0, second: 0, micro: 0 });
}

/** The time of day of a DATETIME value, in µs (zero-part dates have one too). */
export function timeOfDay(value: bigint): bigint {
  return value >= 0n ? value % MICROS_PER_DAY : (value - ZERO_BASE) % MICROS_PER_DAY;
}

export function fromFields(f: DateTimeFields): bigint {
  if (f.month === 0 || f.day === 0) {
    assert(zeroPartFields(f), 'DT1: zero-part DATETIME fields');
    return ZERO_BASE + packed(f);
  }
  assert(validFields(f), 'valid DATETIME fields');
  const days = BigInt(daysFromCivil(f.year, f.month, f.day));
  const seconds = BigInt(f.hour * 3600 + f.minute * 60 + f.second);
  return days * MICROS_PER_DAY + seconds * MICROS_PER_SECOND + BigInt(f.micro);
}

export function toFields(value: bigint): DateTimeFields {
  if (value < 0n) return unpacked(value - ZERO_BASE);
  const days = Number(value / MICROS_PER_DAY);
  const inDay = value % MICROS_PER_DAY;
  const seconds = Number(inDay / MICROS_PER_SECOND);
  const micro = Number(inDay % MICROS_PER_SECOND);
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(seconds / 3600);
  const minute = Math.floor((seconds % 3600) / 60);
  return { year, month, day, hour, minute, second: seconds % 60, micro };
}

/** Rounds to `fsp` fractional digits (MySQL 8 rounds, carrying into the seconds). */
export function roundToFsp(value: bigint, fsp: number): bigint {
  assert(fsp >= 0 && fsp <= 6, 'fsp 0..6');
  const unit = 10n ** BigInt(6 - fsp);
  if (value < 0n) return roundZeroPart(value, unit);
  return ((value + unit / 2n) / unit) * unit;
}

/** Rounding a zero-part date's time (DT1): a carry past 23:59:59 keeps the day, clipped. */
function roundZeroPart(value: bigint, unit: bigint): bigint {
  const p = value - ZERO_BASE;
  const day = p - (p % MICROS_PER_DAY);
  const rounded = (((p % MICROS_PER_DAY) + unit / 2n) / unit) * unit;
  const inDay = rounded >= MICROS_PER_DAY ? MICROS_PER_DAY - unit : rounded;
  return ZERO_BASE + day + inDay;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** 'YYYY-MM-DD hh:mm:ss' plus '.' and `fsp` digits when fsp > 0. */
export function formatDateTime(value: bigint, fsp: number): string {
  const f = toFields(value);
  const base =
    `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)} ` +
    `${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}`;
  return fsp === 0 ? base : `${base}.${pad(f.micro, 6).slice(0, fsp)}`;
}

/** The value as the number YYYYMMDDhhmmss (numeric context), as a decimal digit string. */
export function dateTimeDigits(value: bigint, fsp: number): string {
  const f = toFields(value);
  const base =
    pad(f.year, 4) +
    pad(f.month, 2) +
    pad(f.day, 2) +
    pad(f.hour, 2) +
    pad(f.minute, 2) +
    pad(f.second, 2);
  return fsp === 0 ? base : `${base}.${pad(f.micro, 6).slice(0, fsp)}`;
}

const DELIMITED =
  /^(\d{2,4})[-/.:_^@#$%&*!~]+(\d{1,2})[-/.:_^@#$%&*!~]+(\d{1,2})(?:(?:[T ]+)(\d{1,2})(?:[:.](\d{1,2})(?:[:.](\d{1,2})(?:\.(\d*))?)?)?)?$/;
const COMPACT = /^(\d{4}|\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d*))?)?$/;

/**
 * MySQL's two-digit years: 00-69 → 2000-2069, 70-99 → 1970-1999; `zeroDate` (month and day 0
 * too): the zero date keeps year 0.
 */
export function fullYear(text: string, zeroDate = false): number {
  const year = Number(text);
  if (text.length > 2 || (zeroDate && year === 0)) return year;
  return year < 70 ? 2000 + year : 1900 + year;
}

/**
 * Parses DATETIME text, rounding the fraction to `fsp` digits; undefined when the text is not a
 * valid DATETIME. Accepts any punctuation as the date delimiter, two-digit years, and a time
 * part of hh, hh:mm or hh:mm:ss[.f].
 */
export function parseDateTime(text: string, fsp: number): bigint | undefined {
  const trimmed = text.trim();
  const match = DELIMITED.exec(trimmed) ?? COMPACT.exec(trimmed);
  if (match === null) return undefined;
  if ((match[1] as string).length === 3) return undefined;
  const num = (i: number): number => Number(match[i] ?? '0');
  const fraction = (match[7] ?? '').padEnd(7, '0');
  const fields: DateTimeFields = {
    year: fullYear(match[1] as string, num(2) === 0 && num(3) === 0),
    month: num(2),
    day: num(3),
    hour: num(4),
    minute: num(5),
    second: num(6),
    micro: Number(fraction.slice(0, 6)),
  };
  if (!validFields(fields) && !zeroPartFields(fields)) return undefined;
  // Digits past the sixth round the microseconds first, as MySQL does.
  let value = fromFields(fields);
  if (Number(fraction[6]) >= 5 && (value >= 0n || timeOfDay(value) < MICROS_PER_DAY - 1n)) {
    value += 1n;
  }
  return roundToFsp(value, fsp);
}

/**
 * A number as a DATETIME, MySQL's way: YYYYMMDD, YYMMDD, YYYYMMDDhhmmss, YYMMDDhhmmss (with a
 * fraction). Undefined when it is none.
 */
export function dateTimeFromNumber(digits: string, fsp: number): bigint | undefined {
  const [whole = '', fraction] = digits.split('.');
  if (!/^\d+$/.test(whole)) return undefined;
  let text: string;
  if (whole.length <= 6) text = whole.padStart(6, '0');
  else if (whole.length <= 8) text = whole.padStart(8, '0');
  else if (whole.length <= 12) text = whole.padStart(12, '0');
  else text = whole.padStart(14, '0');
  const year = text.length === 6 || text.length === 12 ? text.slice(0, 2) : text.slice(0, 4);
  const rest = text.slice(year.length);
  const fields: DateTimeFields = {
    year: fullYear(year, Number(rest.slice(0, 4)) === 0),
    month: Number(rest.slice(0, 2)),
    day: Number(rest.slice(2, 4)),
    hour: Number(rest.slice(4, 6) || '0'),
    minute: Number(rest.slice(6, 8) || '0'),
    second: Number(rest.slice(8, 10) || '0'),
    micro: Number((fraction ?? '').padEnd(6, '0').slice(0, 6)),
  };
  if (!validFields(fields) && !zeroPartFields(fields)) return undefined;
  return roundToFsp(fromFields(fields), fsp);
}

/** The local wall-clock time now, as NOW() sees it (time_zone = SYSTEM). */
export function localNow(date: Date): bigint {
  return fromFields({
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    second: date.getSeconds(),
    micro: date.getMilliseconds() * 1000,
  });
}
