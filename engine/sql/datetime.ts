/**
 * DATETIME values: a bigint count of microseconds since 0000-01-01 00:00:00 in the proleptic
 * Gregorian calendar. The count is order-preserving (keys.ts stores it big-endian) and makes
 * rounding a fraction into the seconds, minutes and days simple.
 *
 * Accepted text (MySQL's common forms): 'YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss[.f…]' with 'T' or
 * spaces between date and time, and the delimiter-free 'YYYYMMDD' and 'YYYYMMDDhhmmss[.f…]'.
 * The zero date and invalid dates (month 13, 30 February) are rejected, as in MySQL 8's default
 * sql_mode (NO_ZERO_DATE, NO_ZERO_IN_DATE, strict).
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

export function fromFields(f: DateTimeFields): bigint {
  assert(validFields(f), 'valid DATETIME fields');
  const days = BigInt(daysFromCivil(f.year, f.month, f.day));
  const seconds = BigInt(f.hour * 3600 + f.minute * 60 + f.second);
  return days * MICROS_PER_DAY + seconds * MICROS_PER_SECOND + BigInt(f.micro);
}

export function toFields(value: bigint): DateTimeFields {
  assert(value >= 0n, 'DATETIME micros are non-negative');
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
  return ((value + unit / 2n) / unit) * unit;
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

/** MySQL's two-digit years: 00-69 → 2000-2069, 70-99 → 1970-1999. */
export function fullYear(text: string): number {
  const year = Number(text);
  if (text.length > 2) return year;
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
    year: fullYear(match[1] as string),
    month: num(2),
    day: num(3),
    hour: num(4),
    minute: num(5),
    second: num(6),
    micro: Number(fraction.slice(0, 6)),
  };
  if (!validFields(fields)) return undefined;
  // Digits past the sixth round the microseconds first, as MySQL does.
  let value = fromFields(fields);
  if (Number(fraction[6]) >= 5) value += 1n;
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
    year: fullYear(year),
    month: Number(rest.slice(0, 2)),
    day: Number(rest.slice(2, 4)),
    hour: Number(rest.slice(4, 6) || '0'),
    minute: Number(rest.slice(6, 8) || '0'),
    second: Number(rest.slice(8, 10) || '0'),
    micro: Number((fraction ?? '').padEnd(6, '0').slice(0, 6)),
  };
  if (!validFields(fields)) return undefined;
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
