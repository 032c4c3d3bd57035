/**
 * time_zone: which wall clock NOW(), CURRENT_TIMESTAMP and friends read. Values, as MySQL takes
 * them: 'SYSTEM' (the process's zone), an offset '+hh:mm' / '-hh:mm' between -13:59 and +14:00,
 * or a named zone ('UTC', 'Europe/Berlin') — MySQL needs its time zone tables loaded for names;
 * we read the zone database the runtime carries (Intl), so names work out of the box.
 */
import { fromFields } from '../sql/datetime.js';

const OFFSET = /^([+-])(\d{1,2}):(\d{2})$/;

/** The zone's offset from UTC in minutes at `at`, or undefined if MySQL would refuse the zone. */
export function timeZoneOffset(zone: string, at: Date): number | undefined {
  if (zone.toUpperCase() === 'SYSTEM') return -at.getTimezoneOffset();
  const m = OFFSET.exec(zone);
  if (m !== null) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    if (Number(m[3]) > 59) return undefined;
    const signed = m[1] === '-' ? -minutes : minutes;
    return signed < -(13 * 60 + 59) || signed > 14 * 60 ? undefined : signed;
  }
  return namedZoneOffset(zone, at);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(zone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  if (formatters.size < 1_000) formatters.set(zone, formatter);
  return formatter;
}

function namedZoneOffset(zone: string, at: Date): number | undefined {
  // Named zones only: Intl also reads 'GMT+1'-like and raw offsets, which MySQL does not.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) || /^(GMT|UTC)[+-]/i.test(zone)) return undefined;
  const formatter = formatterFor(zone);
  if (formatter === undefined) return undefined;
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const utc = Math.floor(at.getTime() / 1000) * 1000;
  return Math.round((wall - utc) / 60_000);
}

/**
 * The last whole second wallClock computed: every statement asks for NOW(), many in the same
 * second. Within a second the zone's offset holds (zone transitions fall on whole seconds), so a
 * time's wall clock is its second's plus its milliseconds.
 */
let lastZone = '';
let lastSecond = Number.NaN;
let lastWall = 0n;

/** The wall-clock time at `at` in `zone`, as a DATETIME value (µs, datetime.ts). */
export function wallClock(zone: string, at: Date): bigint {
  return wallClockAt(zone, at.getTime());
}

/** wallClock() of `ms` since the epoch; no Date made within the second last computed. */
export function wallClockAt(zone: string, ms: number): bigint {
  const whole = Math.trunc(ms); // a Date's time value (TimeClip)
  const second = Math.floor(whole / 1000);
  // A pure function of (zone, second) plus the milliseconds (issue 8).
  if (second !== lastSecond || zone !== lastZone) {
    lastWall = computeWallClock(zone, new Date(second * 1000));
    lastZone = zone;
    lastSecond = second;
  }
  return lastWall + BigInt((whole - second * 1000) * 1000);
}

/** wallClock() computed afresh, without the per-second cache (tests compare the two). */
export function computeWallClock(zone: string, at: Date): bigint {
  const offset = timeZoneOffset(zone, at) ?? -at.getTimezoneOffset();
  const shifted = new Date(at.getTime() + offset * 60_000);
  return fromFields({
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    micro: shifted.getUTCMilliseconds() * 1000,
  });
}

/** The process's zone name, as system_time_zone reports it. */
export function systemTimeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
