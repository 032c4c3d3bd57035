/**
 * DATE, TIME and TIMESTAMP beside datetime.ts's DATETIME: text forms, numeric forms and time-zone
 * conversion.
 *
 *   type        runtime value                              text
 *   DATE        bigint µs since 0000-01-01, at midnight    'YYYY-MM-DD'
 *   DATETIME    bigint µs since 0000-01-01                 'YYYY-MM-DD hh:mm:ss[.f]'
 *   TIMESTAMP   in rows and keys: UTC µs; in expressions   as DATETIME
 *               the session's wall clock (bind.ts reads a
 *               TIMESTAMP column through utcToLocal)
 *   TIME        bigint µs, signed, |t| ≤ 838:59:59.999999  '[-]hh:mm:ss[.f]' (hours ≥ 2 digits)
 *
 * Invariants: (TM1) a TIME value lies within ±TIME_MAX; (TM2) a DATE value is a whole day;
 * (TM3) a TIMESTAMP stored lies within [TIMESTAMP_MIN, TIMESTAMP_MAX] (UTC) or is the zero date
 * (datetime.ts DT1), which no time zone shifts.
 */
import {
  dateOnly,
  fromFields,
  parseDateTime,
  roundToFsp,
  timeOfDay,
  toFields,
} from './datetime.js';
import { timeZoneOffset } from '../variables/time-zone.js';

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;
/** 838:59:59.000000: MySQL's TIME range is ±838:59:59 (fractions up to .999999 are clipped). */
export const TIME_MAX = (838n * 3600n + 59n * 60n + 59n) * MICROS_PER_SECOND;
/** 1970-01-01 00:00:01 UTC and 2038-01-19 03:14:07.999999 UTC. */
export const TIMESTAMP_MIN = fromFields({
  year: 1970,
  month: 1,
  day: 1,
  hour: 0,
  minute: 0,
  second: 1,
  micro: 0,
});
export const TIMESTAMP_MAX = fromFields({
  year: 2038,
  month: 1,
  day: 19,
  hour: 3,
  minute: 14,
  second: 7,
  micro: 999_999,
});
/** 1970-01-01 00:00:00 as µs since 0000-01-01: the Unix epoch. */
export const EPOCH = fromFields({
  year: 1970,
  month: 1,
  day: 1,
  hour: 0,
  minute: 0,
  second: 0,
  micro: 0,
});

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

export function formatDate(value: bigint): string {
  const f = toFields(value);
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}`;
}

/** The date part of a DATETIME (TM2), zero-part dates included (datetime.ts DT1). */
export function datePart(value: bigint): bigint {
  return dateOnly(value);
}

export function dateDigits(value: bigint): string {
  const f = toFields(value);
  return pad(f.year, 4) + pad(f.month, 2) + pad(f.day, 2);
}

function timeParts(value: bigint): { sign: string; h: bigint; m: bigint; s: bigint; us: bigint } {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const seconds = abs / MICROS_PER_SECOND;
  return {
    sign,
    h: seconds / 3600n,
    m: (seconds / 60n) % 60n,
    s: seconds % 60n,
    us: abs % MICROS_PER_SECOND,
  };
}

export function formatTime(value: bigint, fsp: number): string {
  const p = timeParts(value);
  const base = `${p.sign}${pad(p.h, 2)}:${pad(p.m, 2)}:${pad(p.s, 2)}`;
  return fsp === 0 ? base : `${base}.${pad(p.us, 6).slice(0, fsp)}`;
}

/** TIME in numeric context: [-]hhmmss[.f]. */
export function timeDigits(value: bigint, fsp: number): string {
  const p = timeParts(value);
  const base = `${p.sign}${String(p.h * 10000n + p.m * 100n + p.s)}`;
  return fsp === 0 ? base : `${base}.${pad(p.us, 6).slice(0, fsp)}`;
}

/** Rounds a TIME to `fsp` digits, away from zero at half (MySQL 8 rounds). */
export function roundTime(value: bigint, fsp: number): bigint {
  if (value >= 0n) return roundToFsp(value, fsp);
  return -roundToFsp(-value, fsp);
}

export function clipTime(value: bigint): { value: bigint; clipped: boolean } {
  if (value > TIME_MAX) return { value: TIME_MAX, clipped: true };
  if (value < -TIME_MAX) return { value: -TIME_MAX, clipped: true };
  return { value, clipped: false };
}

function hms(h: bigint, m: bigint, s: bigint, fraction: string): bigint {
  const digits = fraction.padEnd(7, '0');
  let micros = BigInt(digits.slice(0, 6));
  if (Number(digits[6]) >= 5) micros += 1n;
  return ((h * 60n + m) * 60n + s) * MICROS_PER_SECOND + micros;
}

const TIME_DELIMITED = /^(-)?(?:(\d+)\s+)?(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d*))?$/;
const TIME_COMPACT = /^(-)?(\d+)(?:\.(\d*))?$/;

/**
 * TIME text: '[-][D ]hh:mm[:ss][.f]', '[-]hhmmss[.f]', 'mmss', 'ss', or a DATETIME (its time
 * part). Undefined when not a time; values past ±838:59:59 come back clipped with `clipped`.
 */
export function parseTime(
  text: string,
  fsp: number,
): { value: bigint; clipped: boolean } | undefined {
  const t = text.trim();
  let micros: bigint | undefined;
  let m = TIME_DELIMITED.exec(t);
  if (m !== null) {
    const days = BigInt(m[2] ?? '0');
    const minutes = BigInt(m[4] as string);
    const seconds = BigInt(m[5] ?? '0');
    if (minutes > 59n || seconds > 59n) return undefined;
    micros = hms(days * 24n + BigInt(m[3] as string), minutes, seconds, m[6] ?? '');
    if (m[1] === '-') micros = -micros;
  } else if ((m = TIME_COMPACT.exec(t)) !== null) {
    const digits = m[2] as string;
    if (digits.length > 7) {
      const dt = parseDateTime(t, 6);
      if (dt === undefined) return undefined;
      micros = timeOfDay(dt);
    } else {
      const n = BigInt(digits);
      const s = n % 100n;
      const mi = (n / 100n) % 100n;
      if (s > 59n || mi > 59n) return undefined;
      micros = hms(n / 10000n, mi, s, m[3] ?? '');
      if (m[1] === '-') micros = -micros;
    }
  } else {
    const dt = parseDateTime(t, 6);
    if (dt === undefined) return undefined;
    micros = timeOfDay(dt);
  }
  const clipped = clipTime(roundTime(micros, fsp));
  return clipped;
}

// ---------------------------------------------------------------------------------------------
// Time zones

const MICROS_PER_MINUTE = 60n * MICROS_PER_SECOND;

function offsetAt(zone: string, utcMicros: bigint): bigint {
  const ms = Number((utcMicros - EPOCH) / 1000n);
  const minutes = timeZoneOffset(zone, new Date(ms)) ?? 0;
  return BigInt(minutes) * MICROS_PER_MINUTE;
}

/** A UTC instant as the wall clock of `zone` (a time_zone value). */
export function utcToLocal(utcMicros: bigint, zone: string): bigint {
  // The zero TIMESTAMP (datetime.ts DT1) is no instant: it reads as itself in every zone.
  if (utcMicros < 0n) return utcMicros;
  if (zone === '+00:00' || zone.toUpperCase() === 'UTC') return utcMicros;
  return utcMicros + offsetAt(zone, utcMicros);
}

/**
 * A wall-clock time of `zone` as a UTC instant. In a gap (spring forward) the later offset
 * applies; in an overlap (fall back), the first of the two instants, as MySQL resolves them.
 */
export function localToUtc(localMicros: bigint, zone: string): bigint {
  if (localMicros < 0n) return localMicros;
  if (zone === '+00:00' || zone.toUpperCase() === 'UTC') return localMicros;
  let guess = localMicros - offsetAt(zone, localMicros);
  for (let i = 0; i < 2; i++) {
    const next = localMicros - offsetAt(zone, guess);
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** Seconds since the Unix epoch of a UTC instant (may have a fraction). */
export function unixMicros(utcMicros: bigint): bigint {
  return utcMicros - EPOCH;
}
