/**
 * Calendar arithmetic for the date and time functions (datetime.ts holds the µs representation):
 * INTERVAL values and units, month arithmetic that clamps the day (2020-01-31 + 1 MONTH =
 * 2020-02-29), MySQL's week numbering (calc_week, the eight WEEK() modes), and DATE_FORMAT /
 * STR_TO_DATE's format language.
 */
import {
  daysInMonth,
  fromFields,
  toFields,
  validFields,
  zeroPartFields,
  type DateTimeFields,
} from '../datetime.js';
import { MICROS_PER_DAY, MICROS_PER_SECOND } from '../temporal.js';

export type IntervalUnit =
  | 'MICROSECOND'
  | 'SECOND'
  | 'MINUTE'
  | 'HOUR'
  | 'DAY'
  | 'WEEK'
  | 'MONTH'
  | 'QUARTER'
  | 'YEAR'
  | 'SECOND_MICROSECOND'
  | 'MINUTE_MICROSECOND'
  | 'MINUTE_SECOND'
  | 'HOUR_MICROSECOND'
  | 'HOUR_SECOND'
  | 'HOUR_MINUTE'
  | 'DAY_MICROSECOND'
  | 'DAY_SECOND'
  | 'DAY_MINUTE'
  | 'DAY_HOUR'
  | 'YEAR_MONTH';

/** The fields a compound unit's text fills, most significant first. */
const UNIT_FIELDS: Readonly<
  Record<IntervalUnit, readonly ('y' | 'mo' | 'd' | 'h' | 'mi' | 's' | 'us')[]>
> = {
  MICROSECOND: ['us'],
  SECOND: ['s'],
  MINUTE: ['mi'],
  HOUR: ['h'],
  DAY: ['d'],
  WEEK: ['d'],
  MONTH: ['mo'],
  QUARTER: ['mo'],
  YEAR: ['y'],
  SECOND_MICROSECOND: ['s', 'us'],
  MINUTE_MICROSECOND: ['mi', 's', 'us'],
  MINUTE_SECOND: ['mi', 's'],
  HOUR_MICROSECOND: ['h', 'mi', 's', 'us'],
  HOUR_SECOND: ['h', 'mi', 's'],
  HOUR_MINUTE: ['h', 'mi'],
  DAY_MICROSECOND: ['d', 'h', 'mi', 's', 'us'],
  DAY_SECOND: ['d', 'h', 'mi', 's'],
  DAY_MINUTE: ['d', 'h', 'mi'],
  DAY_HOUR: ['d', 'h'],
  YEAR_MONTH: ['y', 'mo'],
};

export function intervalUnit(text: string): IntervalUnit | undefined {
  const upper = text.toUpperCase();
  return Object.hasOwn(UNIT_FIELDS, upper) ? (upper as IntervalUnit) : undefined;
}

/** True when the unit moves only whole days or more (a DATE stays a DATE). */
export function isDateUnit(unit: IntervalUnit): boolean {
  return ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'YEAR_MONTH'].includes(unit);
}

export interface Interval {
  /** Months to add (signed). */
  readonly months: bigint;
  /** Microseconds to add (signed). */
  readonly micros: bigint;
}

/**
 * An interval from its value as text ('1:30' for HOUR_MINUTE, '-5', '1.5' for SECOND) and unit;
 * undefined when the text has no number.
 */
export function parseInterval(text: string, unit: IntervalUnit): Interval | undefined {
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const fields = UNIT_FIELDS[unit];
  let parts = (negative ? trimmed.slice(1) : trimmed).split(/[^0-9]+/).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  if (fields.length === 1 && unit !== 'SECOND') parts = [parts[0] as string];
  let values: Record<string, bigint> = {};
  if (unit === 'SECOND') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(negative ? trimmed.slice(1) : trimmed);
    values = {
      s: BigInt(m?.[1] || '0'),
      us: BigInt(((m?.[2] ?? '') + '000000').slice(0, 6)),
    };
  } else {
    if (parts.length > fields.length) return undefined;
    // Missing leading fields: '1:30' DAY_MINUTE means 1 hour 30 minutes, as MySQL reads it.
    const offset = fields.length - parts.length;
    parts.forEach((p, i) => {
      const field = fields[offset + i] as string;
      // In a compound unit the microseconds are a fraction ('1.5' = 1 s 500000 µs).
      const fraction = field === 'us' && unit !== 'MICROSECOND';
      values[field] = fraction ? BigInt(p.padEnd(6, '0').slice(0, 6)) : BigInt(p);
    });
  }
  const get = (f: string): bigint => values[f] ?? 0n;
  let months = get('y') * 12n + get('mo');
  if (unit === 'QUARTER') months *= 3n;
  let days = get('d');
  if (unit === 'WEEK') days *= 7n;
  let micros =
    ((days * 24n + get('h')) * 60n + get('mi')) * 60n * MICROS_PER_SECOND +
    get('s') * MICROS_PER_SECOND +
    get('us');
  if (negative) {
    months = -months;
    micros = -micros;
  }
  return { months, micros };
}

/** A DATETIME plus an interval; undefined when the result leaves 0001-01-01 … 9999-12-31. */
export function addInterval(value: bigint, interval: Interval): bigint | undefined {
  let v = value;
  if (interval.months !== 0n) {
    const f = toFields(v);
    const total = BigInt(f.year) * 12n + BigInt(f.month - 1) + interval.months;
    const year = Number(total / 12n);
    const month = Number(total % 12n) + 1;
    if (total < 0n || year < 1 || year > 9999) return undefined;
    const day = Math.min(f.day, daysInMonth(year, month));
    v = fromFields({ ...f, year, month, day });
  }
  v += interval.micros;
  const min = fromFields({ year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0 });
  const max = fromFields({
    year: 9999,
    month: 12,
    day: 31,
    hour: 23,
    minute: 59,
    second: 59,
    micro: 999_999,
  });
  if (v < min || v > max) return undefined;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Weeks (MySQL's calc_week)

/** 0 = Monday … 6 = Sunday. */
export function weekday(value: bigint): number {
  const days = Number(value / MICROS_PER_DAY);
  // 0000-01-01 was a Saturday (proleptic Gregorian): day 0 → 5.
  return (((days + 5) % 7) + 7) % 7;
}

function dayNumber(year: number, month: number, day: number): number {
  return Number(
    fromFields({ year, month, day, hour: 0, minute: 0, second: 0, micro: 0 }) / MICROS_PER_DAY,
  );
}

function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

/** MySQL's calc_week: the week number and the year it belongs to, for WEEK's mode flags. */
export function calcWeek(value: bigint, mode: number): { week: number; year: number } {
  const mondayFirst = (mode & 1) !== 0;
  let weekYear = (mode & 2) !== 0;
  const firstWeekday = (mode & 4) !== 0;
  const f = toFields(value);
  let year = f.year;
  const dayNr = dayNumber(f.year, f.month, f.day);
  let firstDaynr = dayNumber(year, 1, 1);
  // weekday(first day), 0 = Monday when mondayFirst, else 0 = Sunday.
  const wd = (d: number): number =>
    mondayFirst
      ? weekday(BigInt(d) * MICROS_PER_DAY)
      : (weekday(BigInt(d) * MICROS_PER_DAY) + 1) % 7;
  let weekdayFirst = wd(firstDaynr);
  if (f.month === 1 && f.day <= 7 - weekdayFirst) {
    if (
      !weekYear &&
      ((firstWeekday && weekdayFirst !== 0) || (!firstWeekday && weekdayFirst >= 4))
    ) {
      return { week: 0, year };
    }
    weekYear = true;
    year--;
    const days = daysInYear(year);
    firstDaynr -= days;
    weekdayFirst = (weekdayFirst + 53 * 7 - days) % 7;
  }
  let days: number;
  if ((firstWeekday && weekdayFirst !== 0) || (!firstWeekday && weekdayFirst >= 4)) {
    days = dayNr - (firstDaynr + (7 - weekdayFirst));
  } else {
    days = dayNr - (firstDaynr - weekdayFirst);
  }
  if (weekYear && days >= 52 * 7) {
    weekdayFirst = (weekdayFirst + daysInYear(year)) % 7;
    if ((!firstWeekday && weekdayFirst < 4) || (firstWeekday && weekdayFirst === 0)) {
      return { week: 1, year: year + 1 };
    }
  }
  return { week: Math.floor(days / 7) + 1, year };
}

/** WEEK(date, mode)'s mode → calc_week flags (MySQL's week_mode). */
export function weekMode(mode: number): number {
  let flags = mode & 7;
  if ((flags & 1) === 0) flags ^= 4;
  return flags;
}

// ---------------------------------------------------------------------------------------------
// DATE_FORMAT

export const DAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/**
 * DATE_FORMAT / TIME_FORMAT. `hours` gives hours beyond 23 for TIME_FORMAT. The week specifiers
 * pass calc_week's flags directly, as MySQL does: %U 4, %u 1, %V/%X 6, %v/%x 3.
 */
export function formatDate(value: bigint, format: string, hours?: number): string {
  const f: DateTimeFields = toFields(value);
  const hour = hours ?? f.hour;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    const spec = format[++i] as string;
    const h12 = hour % 12 === 0 ? 12 : hour % 12;
    switch (spec) {
      case 'a':
        out += DAY_NAMES[weekday(value)]?.slice(0, 3);
        break;
      case 'b':
        out += MONTH_NAMES[f.month - 1]?.slice(0, 3) ?? '';
        break;
      case 'c':
        out += String(f.month);
        break;
      case 'D':
        out += ordinal(f.day);
        break;
      case 'd':
        out += pad(f.day, 2);
        break;
      case 'e':
        out += String(f.day);
        break;
      case 'f':
        out += pad(f.micro, 6);
        break;
      case 'H':
        out += pad(hour, 2);
        break;
      case 'h':
      case 'I':
        out += pad(h12, 2);
        break;
      case 'i':
        out += pad(f.minute, 2);
        break;
      case 'j':
        out += pad(dayNumber(f.year, f.month, f.day) - dayNumber(f.year, 1, 1) + 1, 3);
        break;
      case 'k':
        out += String(hour);
        break;
      case 'l':
        out += String(h12);
        break;
      case 'M':
        out += MONTH_NAMES[f.month - 1] ?? '';
        break;
      case 'm':
        out += pad(f.month, 2);
        break;
      case 'p':
        out += hour % 24 < 12 ? 'AM' : 'PM';
        break;
      case 'r':
        out += `${pad(h12, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)} `;
        out += hour % 24 < 12 ? 'AM' : 'PM';
        break;
      case 'S':
      case 's':
        out += pad(f.second, 2);
        break;
      case 'T':
        out += `${pad(hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}`;
        break;
      case 'U':
        out += pad(calcWeek(value, 4).week, 2);
        break;
      case 'u':
        out += pad(calcWeek(value, 1).week, 2);
        break;
      case 'V':
        out += pad(calcWeek(value, 6).week, 2);
        break;
      case 'v':
        out += pad(calcWeek(value, 3).week, 2);
        break;
      case 'W':
        out += DAY_NAMES[weekday(value)] ?? '';
        break;
      case 'w':
        out += String((weekday(value) + 1) % 7);
        break;
      case 'X':
        out += pad(calcWeek(value, 6).year, 4);
        break;
      case 'x':
        out += pad(calcWeek(value, 3).year, 4);
        break;
      case 'Y':
        out += pad(f.year, 4);
        break;
      case 'y':
        out += pad(f.year % 100, 2);
        break;
      default:
        out += spec;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// STR_TO_DATE

export interface ParsedDate {
  readonly value: bigint;
  readonly hasDate: boolean;
  readonly hasTime: boolean;
  /** Text left after the format ended (MySQL ignores it with a warning). */
  readonly rest: string;
}

/** STR_TO_DATE(text, format); undefined when the text does not match (→ NULL, warning 1411). */
export function parseWithFormat(text: string, format: string): ParsedDate | undefined {
  const f = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 };
  let pm: boolean | null = null;
  let hasDate = false;
  let hasTime = false;
  let t = 0;
  const num = (maxDigits: number): number | undefined => {
    while (t < text.length && /\s/.test(text[t] as string)) t++;
    const m = new RegExp(`^\\d{1,${maxDigits}}`).exec(text.slice(t));
    if (m === null) return undefined;
    t += m[0].length;
    return Number(m[0]);
  };
  const word = (names: readonly string[], abbreviated: boolean): number | undefined => {
    const rest = text.slice(t).toLowerCase();
    for (let i = 0; i < names.length; i++) {
      const name = (
        abbreviated ? (names[i] as string).slice(0, 3) : (names[i] as string)
      ).toLowerCase();
      if (rest.startsWith(name)) {
        t += name.length;
        return i;
      }
    }
    return undefined;
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== '%') {
      if (/\s/.test(c)) {
        while (t < text.length && /\s/.test(text[t] as string)) t++;
      } else if (text[t] === c) t++;
      else return undefined;
      continue;
    }
    const spec = format[++i];
    let v: number | undefined;
    switch (spec) {
      case 'Y':
        v = num(4);
        if (v !== undefined) {
          f.year = v;
          hasDate = true;
        }
        break;
      case 'y':
        v = num(2);
        if (v !== undefined) {
          f.year = v < 70 ? 2000 + v : 1900 + v;
          hasDate = true;
        }
        break;
      case 'm':
      case 'c':
        v = num(2);
        if (v !== undefined) {
          f.month = v;
          hasDate = true;
        }
        break;
      case 'd':
      case 'e':
        v = num(2);
        if (v !== undefined) {
          f.day = v;
          hasDate = true;
        }
        break;
      case 'D':
        v = num(2);
        if (v !== undefined) {
          f.day = v;
          t += 2;
          hasDate = true;
        }
        break;
      case 'M':
        v = word(MONTH_NAMES, false);
        if (v !== undefined) {
          f.month = v + 1;
          hasDate = true;
        }
        break;
      case 'b':
        v = word(MONTH_NAMES, true);
        if (v !== undefined) {
          f.month = v + 1;
          hasDate = true;
        }
        break;
      case 'W':
        v = word(DAY_NAMES, false);
        break;
      case 'a':
        v = word(DAY_NAMES, true);
        break;
      case 'H':
      case 'k':
      case 'h':
      case 'I':
      case 'l':
        v = num(2);
        if (v !== undefined) {
          f.hour = v;
          hasTime = true;
        }
        break;
      case 'i':
        v = num(2);
        if (v !== undefined) {
          f.minute = v;
          hasTime = true;
        }
        break;
      case 's':
      case 'S':
        v = num(2);
        if (v !== undefined) {
          f.second = v;
          hasTime = true;
        }
        break;
      case 'f': {
        const m = /^\d{1,6}/.exec(text.slice(t));
        if (m === null) return undefined;
        t += m[0].length;
        f.micro = Number(m[0].padEnd(6, '0'));
        v = 0;
        hasTime = true;
        break;
      }
      case 'p': {
        const m = /^(AM|PM)/i.exec(text.slice(t));
        if (m === null) return undefined;
        t += 2;
        pm = (m[1] as string).toUpperCase() === 'PM';
        v = 0;
        break;
      }
      case 'T': {
        const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})/.exec(text.slice(t));
        if (m === null) return undefined;
        t += m[0].length;
        [f.hour, f.minute, f.second] = [Number(m[1]), Number(m[2]), Number(m[3])];
        v = 0;
        hasTime = true;
        break;
      }
      case 'r': {
        const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})\s*(AM|PM)/i.exec(text.slice(t));
        if (m === null) return undefined;
        t += m[0].length;
        [f.hour, f.minute, f.second] = [Number(m[1]), Number(m[2]), Number(m[3])];
        pm = (m[4] as string).toUpperCase() === 'PM';
        v = 0;
        hasTime = true;
        break;
      }
      case '%':
        v = text[t] === '%' ? (t++, 0) : undefined;
        break;
      default:
        v = undefined;
    }
    if (v === undefined) return undefined;
  }
  if (pm !== null) {
    if (f.hour > 12 || f.hour === 0) return undefined;
    f.hour = (f.hour % 12) + (pm ? 12 : 0);
  }
  if (hasDate) {
    const fields = { ...f, year: f.year === 0 && !hasDate ? 1 : f.year };
    // Zero dates and zero parts parse; str_to_date refuses them by sql_mode (datetime.ts DT1).
    if (!validFields(fields) && !zeroPartFields(fields)) return undefined;
    return { value: fromFields(fields), hasDate, hasTime, rest: text.slice(t) };
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  const micros =
    BigInt((f.hour * 60 + f.minute) * 60 + f.second) * MICROS_PER_SECOND + BigInt(f.micro);
  return { value: micros, hasDate, hasTime, rest: text.slice(t) };
}
