/**
 * Date and time functions. Arguments convert as MySQL converts them: a DATE/DATETIME/TIMESTAMP
 * value as is, text and numbers parsed (an invalid one is NULL with warning 1292 "Incorrect
 * datetime value"), a TIME as today's date at that time where a datetime is wanted. The
 * statement's NOW() (EvalContext.now) is the session's wall clock in time_zone; UTC_* and
 * UNIX_TIMESTAMP convert through time_zone (temporal.ts).
 *
 * Zero dates ('0000-00-00', '2024-00-15': datetime.ts DT1) reach only the functions that read
 * fields (YEAR, MONTH, DAYOFMONTH, QUARTER, EXTRACT, DATE, DATE_FORMAT, the time parts,
 * UNIX_TIMESTAMP → 0); every other function answers NULL with warning 1292, as MySQL does.
 */
import { SqlError } from '../../errors.js';
import { timeZoneOffset } from '../../variables/time-zone.js';
import { constantValue, datetimeInfo, decimalInfo, intInfo, stringInfo } from '../bind.js';
import {
  dateOnly,
  fromFields,
  isZeroDate,
  isZeroPart,
  roundToFsp,
  timeOfDay,
  toFields,
} from '../datetime.js';
import { Decimal } from '../decimal.js';
import type { EvalContext } from '../expr.js';
import type { CallArgument, ExprInfo, PlanExpr } from '../plan.js';
import {
  EPOCH,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  clipTime,
  formatDate as formatDateOnly,
  parseTime,
} from '../temporal.js';
import { temporalFromValue } from '../store-types.js';
import {
  type SqlType,
  type Value,
  temporalText,
  toBigInt,
  toDecimal,
  toText,
} from '../values.js';
import {
  DAY_NAMES,
  MONTH_NAMES,
  addInterval,
  calcWeek,
  formatDate,
  intervalUnit,
  isDateUnit,
  parseInterval,
  parseWithFormat,
  weekMode,
  weekday,
} from './calendar.js';
import { callFunction, register, sessionToUtc, strict, utcToSession } from './registry.js';
import type { Expr } from '../ast.js';
import { dateInfo, timeInfo } from './types.js';

type NonNull = Exclude<Value, null>;

function incorrect(kind: string, type: SqlType, v: NonNull, ctx: EvalContext): null {
  ctx.warnings.warn('Warning', 1292, `Incorrect ${kind} value: '${toText(type, v) ?? ''}'`);
  return null;
}

/**
 * Argument i as DATETIME µs; a TIME is today at that time; invalid → NULL with 1292. A zero-part
 * date (DT1) only with `zero` 'ok'; else NULL, with 1292 for text (and for values with 'warn').
 */
function asDateTime(
  a: readonly CallArgument[],
  v: readonly NonNull[],
  i: number,
  ctx: EvalContext,
  zero: 'ok' | 'null' | 'warn' = 'null',
): bigint | null {
  const type = (a[i] as CallArgument).info.type;
  const value = v[i] as NonNull;
  if (type.kind === 'time' && typeof value === 'bigint')
    return ctx.now - (ctx.now % MICROS_PER_DAY) + value;
  const parsed = temporalFromValue(type, value, 6);
  if (parsed !== undefined && zero !== 'ok' && isZeroPart(parsed)) {
    // A stored zero date is NULL quietly ('warn': DATE_ADD warns); text naming one warns.
    const quiet = type.kind === 'datetime' && zero === 'null';
    return quiet ? null : incorrect('datetime', type, value, ctx);
  }
  return parsed ?? incorrect('datetime', type, value, ctx);
}

/** Argument i as TIME µs (a DATETIME's time of day); invalid → NULL with 1292. */
function asTime(
  a: readonly CallArgument[],
  v: readonly NonNull[],
  i: number,
  ctx: EvalContext,
): bigint | null {
  const type = (a[i] as CallArgument).info.type;
  const value = v[i] as NonNull;
  if (type.kind === 'time' && typeof value === 'bigint') return value;
  if (type.kind === 'datetime' && typeof value === 'bigint') return timeOfDay(value);
  const text =
    typeof value === 'bigint' || typeof value === 'number' || value instanceof Decimal
      ? (toText(type, value) ?? '')
      : value;
  return parseTime(text, 6)?.value ?? incorrect('time', type, value, ctx);
}

/**
 * The fractional digits a temporal argument brings: its fsp; a constant string's own fraction
 * ('10:00:00.12' → 2); 6 for other strings (MySQL cannot know them before it runs).
 */
function fspOf(info: ExprInfo, e?: PlanExpr): number {
  const t = info.type;
  if (t.kind === 'datetime' || t.kind === 'time') return t.fsp;
  if (t.kind === 'decimal') return Math.min(t.scale, 6);
  if (t.kind === 'string') {
    if (e !== undefined && e.kind === 'const' && typeof e.value === 'string') {
      return Math.min(/[.](\d+)\s*$/.exec(e.value)?.[1]?.length ?? 0, 6);
    }
    return 6;
  }
  return 0;
}

const fspOfArg = (e: PlanExpr): number => fspOf(e.info, e);

/** A function of one date/datetime argument returning an integer. */
function datePart(
  names: string | readonly string[],
  length: number,
  fn: (value: bigint) => number,
  input: 'datetime' | 'time' | 'fields' = 'datetime',
): void {
  register(names, {
    args: [1, 1],
    bind: () => ({
      info: intInfo(length, true),
      compile: strict((v, ctx, a) => {
        const zero = input === 'fields' ? 'ok' : 'null';
        const value = input === 'time' ? asTime(a, v, 0, ctx) : asDateTime(a, v, 0, ctx, zero);
        return value === null ? null : BigInt(fn(value));
      }),
    }),
  });
}

datePart('year', 4, (d) => toFields(d).year, 'fields');
datePart('month', 2, (d) => toFields(d).month, 'fields');
datePart('quarter', 1, (d) => Math.ceil(toFields(d).month / 3), 'fields');
datePart(['day', 'dayofmonth'], 2, (d) => toFields(d).day, 'fields');
datePart('dayofweek', 1, (d) => ((weekday(d) + 1) % 7) + 1);
datePart('weekday', 1, (d) => weekday(d));
datePart('dayofyear', 3, (d) => {
  const f = toFields(d);
  const start = fromFields({
    year: f.year,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    micro: 0,
  });
  return Number((d - (d % MICROS_PER_DAY) - start) / MICROS_PER_DAY) + 1;
});
datePart('weekofyear', 2, (d) => calcWeek(d, 3).week);
datePart('to_days', 7, (d) => Number(d / MICROS_PER_DAY));
datePart('to_seconds', 11, (d) => Number(d / MICROS_PER_SECOND));
const timeField =
  (fn: (abs: bigint) => bigint) =>
  (t: number | bigint): number =>
    Number(fn(BigInt(t) < 0n ? -BigInt(t) : BigInt(t)));
datePart(
  'hour',
  3,
  timeField((t) => t / (3600n * MICROS_PER_SECOND)),
  'time',
);
datePart(
  'minute',
  2,
  timeField((t) => (t / (60n * MICROS_PER_SECOND)) % 60n),
  'time',
);
datePart(
  'second',
  2,
  timeField((t) => (t / MICROS_PER_SECOND) % 60n),
  'time',
);
datePart(
  'microsecond',
  6,
  timeField((t) => t % MICROS_PER_SECOND),
  'time',
);

function nameFunction(name: string, names: readonly string[], pick: (d: bigint) => number): void {
  register(name, {
    args: [1, 1],
    bind: () => ({
      info: stringInfo(9, true),
      compile: strict((v, ctx, a) => {
        const d = asDateTime(a, v, 0, ctx);
        return d === null ? null : (names[pick(d)] ?? null);
      }),
    }),
  });
}
nameFunction('dayname', DAY_NAMES, weekday);
nameFunction('monthname', MONTH_NAMES, (d) => toFields(d).month - 1);

/** WEEK / YEARWEEK's optional mode argument (0 without one). */
function weekArgument(v: readonly NonNull[], ctx: EvalContext, a: readonly CallArgument[]): number {
  if (v.length < 2) return 0;
  return Number(toBigInt((a[1] as CallArgument).info.type, v[1] as NonNull, ctx.warnings));
}

register('week', {
  args: [1, 2],
  bind: () => ({
    info: intInfo(2, true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx);
      if (d === null) return null;
      const mode = weekArgument(v, ctx, a);
      return BigInt(calcWeek(d, weekMode(mode)).week);
    }),
  }),
});

register('yearweek', {
  args: [1, 2],
  bind: () => ({
    info: intInfo(6, true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx);
      if (d === null) return null;
      const mode = weekArgument(v, ctx, a);
      const w = calcWeek(d, weekMode(mode) | 2);
      return BigInt(w.year * 100 + w.week);
    }),
  }),
});

register('last_day', {
  args: [1, 1],
  bind: () => ({
    info: dateInfo(true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx);
      if (d === null) return null;
      const f = toFields(d);
      const last = new Date(Date.UTC(2000, f.month, 0)).getUTCDate();
      const day =
        f.month === 2
          ? (f.year % 4 === 0 && f.year % 100 !== 0) || f.year % 400 === 0
            ? 29
            : 28
          : last;
      return fromFields({
        year: f.year,
        month: f.month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        micro: 0,
      });
    }),
  }),
});

register('from_days', {
  args: [1, 1],
  bind: () => ({
    info: dateInfo(true),
    compile: strict((v, ctx, a) => {
      const n = toBigInt((a[0] as CallArgument).info.type, v[0] as NonNull, ctx.warnings) ?? 0n;
      if (n < 366n || n > 3_652_424n) return null;
      return n * MICROS_PER_DAY;
    }),
  }),
});

register('makedate', {
  args: [2, 2],
  bind: () => ({
    info: dateInfo(true),
    compile: strict((v, ctx, a) => {
      const year = Number(
        toBigInt((a[0] as CallArgument).info.type, v[0] as NonNull, ctx.warnings),
      );
      const day = toBigInt((a[1] as CallArgument).info.type, v[1] as NonNull, ctx.warnings) ?? 0n;
      if (day <= 0n || year < 0 || year > 9999) return null;
      const y = year < 70 ? year + 2000 : year < 100 ? year + 1900 : year;
      const start = fromFields({
        year: y,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        micro: 0,
      });
      const out = start + (day - 1n) * MICROS_PER_DAY;
      return toFields(out).year > 9999 ? null : out;
    }),
  }),
});

register('maketime', {
  args: [3, 3],
  bind: () => ({
    info: timeInfo(0, true),
    compile: strict((v, ctx, a) => {
      const [h, m, s] = [0, 1, 2].map(
        (i) => toBigInt((a[i] as CallArgument).info.type, v[i] as NonNull, ctx.warnings) ?? 0n,
      ) as [bigint, bigint, bigint];
      if (m < 0n || m > 59n || s < 0n || s >= 60n) return null;
      const abs = ((h < 0n ? -h : h) * 3600n + m * 60n + s) * MICROS_PER_SECOND;
      return clipTime(h < 0n ? -abs : abs).value;
    }),
  }),
});

register('sec_to_time', {
  args: [1, 1],
  bind: (args) => ({
    info: timeInfo(Math.min(fspOfArg(args[0] as PlanExpr), 6), true),
    compile: strict((v, ctx, a) => {
      const d = toDecimal(
        (a[0] as CallArgument).info.type,
        v[0] as NonNull,
        ctx.warnings,
      ) as Decimal;
      const micros = d.rescale(6).unscaled;
      return clipTime(micros).value;
    }),
  }),
});

register('time_to_sec', {
  args: [1, 1],
  bind: () => ({
    info: intInfo(10, true),
    compile: strict((v, ctx, a) => {
      const t = asTime(a, v, 0, ctx);
      return t === null ? null : t / MICROS_PER_SECOND;
    }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Now

function nowFsp(
  args: readonly PlanExpr[],
  host: { params: import('../params.js').PlanParams | undefined },
  name: string,
): number {
  const arg = args[0];
  if (arg === undefined) return 0;
  const v = constantValue(arg, host.params);
  const fsp = typeof v === 'bigint' ? Number(v) : v === undefined ? 0 : -1;
  if (fsp < 0 || fsp > 6) throw new SqlError('ER_TOO_BIG_PRECISION', [fsp, name, 6]);
  return fsp;
}

const truncateTo = (value: bigint, fsp: number): bigint => {
  const unit = 10n ** BigInt(6 - fsp);
  return value - (((value % unit) + unit) % unit);
};

register(['curdate', 'current_date'], {
  args: [0, 0],
  bind: () => ({
    info: dateInfo(false),
    compile: () => (_row, ctx) => ctx.now - (ctx.now % MICROS_PER_DAY),
  }),
});
register('utc_date', {
  args: [0, 0],
  bind: () => ({
    info: dateInfo(false),
    compile: () => (_row, ctx) => {
      const utc = sessionToUtc(ctx.now, ctx);
      return utc - (utc % MICROS_PER_DAY);
    },
  }),
});
register(['curtime', 'current_time'], {
  args: [0, 1],
  bind: (args, host) => {
    const fsp = nowFsp(args, host, 'curtime');
    return {
      info: timeInfo(fsp, false),
      compile: () => (_row, ctx) => truncateTo(ctx.now % MICROS_PER_DAY, fsp),
    };
  },
});
register('utc_time', {
  args: [0, 1],
  bind: (args, host) => {
    const fsp = nowFsp(args, host, 'utc_time');
    return {
      info: timeInfo(fsp, false),
      compile: () => (_row, ctx) => truncateTo(sessionToUtc(ctx.now, ctx) % MICROS_PER_DAY, fsp),
    };
  },
});
register('utc_timestamp', {
  args: [0, 1],
  bind: (args, host) => {
    const fsp = nowFsp(args, host, 'utc_timestamp');
    return {
      info: datetimeInfo(fsp, false),
      compile: () => (_row, ctx) => truncateTo(sessionToUtc(ctx.now, ctx), fsp),
    };
  },
});

register('unix_timestamp', {
  args: [0, 1],
  bind: (args) => {
    const arg = args[0];
    if (arg === undefined) {
      return {
        info: intInfo(11, false, true),
        compile: () => (_row, ctx) => (sessionToUtc(ctx.now, ctx) - EPOCH) / MICROS_PER_SECOND,
      };
    }
    const fsp = fspOfArg(arg);
    const info = fsp > 0 ? decimalInfo(17, fsp, true) : intInfo(11, true, true);
    return {
      info,
      compile: strict((v, ctx, a) => {
        const d = asDateTime(a, v, 0, ctx, 'ok');
        if (d === null) return null;
        if (isZeroPart(d)) return fsp > 0 ? new Decimal(0n, fsp) : 0n;
        const micros = sessionToUtc(d, ctx) - EPOCH;
        if (micros < 0n) return fsp > 0 ? new Decimal(0n, fsp) : 0n;
        if (fsp === 0) return micros / MICROS_PER_SECOND;
        return new Decimal(micros, 6).rescale(fsp);
      }),
    };
  },
});

register('from_unixtime', {
  args: [1, 2],
  bind: (args) => {
    const fsp = Math.min(fspOfArg(args[0] as PlanExpr), 6);
    const info = args.length === 2 ? stringInfo(64, true) : datetimeInfo(fsp, true);
    return {
      info,
      compile: strict((v, ctx, a) => {
        const d = toDecimal(
          (a[0] as CallArgument).info.type,
          v[0] as NonNull,
          ctx.warnings,
        ) as Decimal;
        if (d.sign() < 0) return null;
        const micros = d.rescale(6).unscaled;
        const local = utcToSession(EPOCH + micros, ctx);
        if (v.length === 2)
          return formatDate(
            local,
            toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string,
          );
        return roundToFsp(local, fsp);
      }),
    };
  },
});

register('convert_tz', {
  args: [3, 3],
  bind: (args) => ({
    info: datetimeInfo(fspOfArg(args[0] as PlanExpr), true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx);
      if (d === null) return null;
      const from = toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string;
      const to = toText((a[2] as CallArgument).info.type, v[2] as NonNull) as string;
      const fromCtx = { ...ctx, timeZone: from };
      const toCtx = { ...ctx, timeZone: to };
      if (!validZone(from) || !validZone(to)) return null;
      return utcToSession(sessionToUtc(d, fromCtx), toCtx);
    }),
  }),
});

function validZone(zone: string): boolean {
  return timeZoneOffset(zone, new Date(0)) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// DATE(), TIME(), TIMESTAMP()

register('date', {
  args: [1, 1],
  bind: () => ({
    info: dateInfo(true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx, 'ok');
      return d === null ? null : dateOnly(d);
    }),
  }),
});

register('time', {
  args: [1, 1],
  bind: (args) => ({
    info: timeInfo(fspOfArg(args[0] as PlanExpr), true),
    compile: strict((v, ctx, a) => asTime(a, v, 0, ctx)),
  }),
});

register('timestamp', {
  args: [1, 2],
  bind: (args) => ({
    info: datetimeInfo(Math.max(...args.map(fspOfArg)), true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx, v.length === 1 ? 'ok' : 'null');
      if (d === null) return null;
      if (v.length === 1) return d;
      const t = asTime(a, v, 1, ctx);
      return t === null ? null : d + t;
    }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Interval arithmetic

function unitOf(e: PlanExpr | undefined): ReturnType<typeof intervalUnit> {
  if (e === undefined || e.kind !== 'const' || typeof e.value !== 'string') return undefined;
  return intervalUnit(e.value.trim());
}

/** DATE_ADD / DATE_SUB(date, value, 'UNIT'); ADDDATE / SUBDATE(date, days). */
function dateArith(name: string, sign: 1n | -1n): void {
  register(name, {
    args: [2, 3],
    bind: (args) => {
      const [date, amount, unitArg] = args as [PlanExpr, PlanExpr, PlanExpr | undefined];
      const unit = unitArg === undefined ? 'DAY' : unitOf(unitArg);
      if (unit === undefined) throw new SqlError('ER_PARSE_ERROR', ['', 1]);
      const t = date.info.type;
      const fractional =
        unit.includes('MICRO') || (amount.info.type.kind === 'decimal' && unit === 'SECOND');
      const fsp = Math.max(fspOfArg(date), fractional ? 6 : 0);
      let info: ExprInfo;
      let kind: 'date' | 'datetime' | 'time' | 'text';
      if (t.kind === 'datetime' && t.variant === 'date')
        kind = isDateUnit(unit) ? 'date' : 'datetime';
      else if (t.kind === 'datetime') kind = 'datetime';
      else if (t.kind === 'time') kind = 'time';
      else kind = 'text';
      if (kind === 'date') info = dateInfo(true);
      else if (kind === 'datetime') info = datetimeInfo(fsp, true);
      else if (kind === 'time') info = timeInfo(fsp, true);
      else info = stringInfo(29, true);
      return {
        info,
        compile: strict((v, ctx, a) => {
          const amountText = toText((a[1] as CallArgument).info.type, v[1] as NonNull) ?? '';
          const parsed = parseInterval(amountText, unit);
          if (parsed === undefined) return null;
          const interval = { months: sign * parsed.months, micros: sign * parsed.micros };
          if (kind === 'time') {
            const tv = asTime(a, v, 0, ctx);
            if (tv === null || interval.months !== 0n) return null;
            return clipTime(tv + interval.micros).value;
          }
          const d = asDateTime(a, v, 0, ctx, 'warn');
          if (d === null) return null;
          const out = addInterval(d, interval);
          if (out === undefined) {
            ctx.warnings.warn('Warning', 1441, 'Datetime function: datetime field overflow');
            return null;
          }
          if (kind !== 'text') return out;
          const source = toText((a[0] as CallArgument).info.type, v[0] as NonNull) ?? '';
          const hasTime = /\d[ T]+\d{1,2}:/.test(source) || /^\d{12,}/.test(source.trim());
          if (isDateUnit(unit) && !hasTime) return formatDateOnly(out);
          return temporalText(
            { kind: 'datetime', fsp: out % MICROS_PER_SECOND === 0n ? 0 : 6 },
            out,
          );
        }),
      };
    },
  });
}
dateArith('date_add', 1n);
dateArith('date_sub', -1n);
dateArith('adddate', 1n);
dateArith('subdate', -1n);

/** ADDTIME / SUBTIME: a DATETIME or TIME by its first argument's type; text when that is text. */
function timeArith(name: string, sign: 1n | -1n): void {
  register(name, {
    args: [2, 2],
    bind: (args) => {
      const first = (args[0] as PlanExpr).info.type;
      const fsp = Math.max(fspOfArg(args[0] as PlanExpr), fspOfArg(args[1] as PlanExpr));
      const kind = first.kind === 'datetime' ? 'datetime' : first.kind === 'time' ? 'time' : 'text';
      const info =
        kind === 'datetime'
          ? datetimeInfo(fsp, true)
          : kind === 'time'
            ? timeInfo(fsp, true)
            : stringInfo(26, true);
      return {
        info,
        compile: strict((v, ctx, a) => {
          const delta = asTime(a, v, 1, ctx);
          if (delta === null) return null;
          const source =
            kind === 'text'
              ? (toText((a[0] as CallArgument).info.type, v[0] as NonNull) ?? '')
              : '';
          const asDate = kind === 'datetime' || (kind === 'text' && /\d-\d/.test(source));
          let out: bigint | null;
          if (asDate) {
            const d = asDateTime(a, v, 0, ctx);
            out = d === null ? null : d + sign * delta;
          } else {
            const t = asTime(a, v, 0, ctx);
            out = t === null ? null : clipTime(t + sign * delta).value;
          }
          if (out === null || kind !== 'text') return out;
          const shownFsp = out % MICROS_PER_SECOND === 0n ? 0 : 6;
          return asDate
            ? temporalText({ kind: 'datetime', fsp: shownFsp }, out)
            : temporalText({ kind: 'time', fsp: shownFsp }, out);
        }),
      };
    },
  });
}
timeArith('addtime', 1n);
timeArith('subtime', -1n);

register('datediff', {
  args: [2, 2],
  bind: () => ({
    info: intInfo(7, true),
    compile: strict((v, ctx, a) => {
      const x = asDateTime(a, v, 0, ctx);
      const y = asDateTime(a, v, 1, ctx);
      if (x === null || y === null) return null;
      return x / MICROS_PER_DAY - y / MICROS_PER_DAY;
    }),
  }),
});

register('timediff', {
  args: [2, 2],
  bind: (args) => ({
    info: timeInfo(Math.max(...args.map(fspOfArg)), true),
    compile: strict((v, ctx, a) => {
      const t0 = (a[0] as CallArgument).info.type;
      const t1 = (a[1] as CallArgument).info.type;
      const timeLike = (t: SqlType, value: NonNull): boolean =>
        t.kind === 'time' ||
        (t.kind !== 'datetime' &&
          typeof value === 'string' &&
          parseTime(value, 6) !== undefined &&
          !/\d-\d/.test(value));
      const bothTimes = timeLike(t0, v[0] as NonNull) && timeLike(t1, v[1] as NonNull);
      const x = bothTimes ? asTime(a, v, 0, ctx) : asDateTime(a, v, 0, ctx);
      const y = bothTimes ? asTime(a, v, 1, ctx) : asDateTime(a, v, 1, ctx);
      if (x === null || y === null) return null;
      const diff = clipTime(x - y);
      if (diff.clipped)
        ctx.warnings.warn(
          'Warning',
          1292,
          `Truncated incorrect time value: '${(x - y) / MICROS_PER_SECOND}'`,
        );
      return diff.value;
    }),
  }),
});

function monthsBetween(a: bigint, b: bigint): bigint {
  const fa = toFields(a);
  const fb = toFields(b);
  let months = BigInt((fb.year - fa.year) * 12 + (fb.month - fa.month));
  const restA = a - fromFields({ ...fa, day: 1, hour: 0, minute: 0, second: 0, micro: 0 });
  const restB = b - fromFields({ ...fb, day: 1, hour: 0, minute: 0, second: 0, micro: 0 });
  if (months > 0n && restB < restA) months -= 1n;
  if (months < 0n && restB > restA) months += 1n;
  return months;
}

register('timestampdiff', {
  args: [3, 3],
  bind: (args) => {
    const unit = unitOf(args[0]);
    if (unit === undefined || unit.includes('_')) throw new SqlError('ER_PARSE_ERROR', ['', 1]);
    return {
      info: intInfo(21, true),
      compile: strict((v, ctx, a) => {
        const x = asDateTime(a, v, 1, ctx);
        const y = asDateTime(a, v, 2, ctx);
        if (x === null || y === null) return null;
        const micros = y - x;
        const per: Partial<Record<string, bigint>> = {
          MICROSECOND: 1n,
          SECOND: MICROS_PER_SECOND,
          MINUTE: 60n * MICROS_PER_SECOND,
          HOUR: 3600n * MICROS_PER_SECOND,
          DAY: MICROS_PER_DAY,
          WEEK: 7n * MICROS_PER_DAY,
        };
        const divisor = per[unit];
        if (divisor !== undefined) return micros / divisor;
        const months = monthsBetween(x, y);
        return unit === 'MONTH' ? months : unit === 'QUARTER' ? months / 3n : months / 12n;
      }),
    };
  },
});

/** TIMESTAMPADD(unit, n, date) is DATE_ADD(date, INTERVAL n unit), typed the same way. */
register('timestampadd', {
  args: [3, 3],
  bindRaw: (raw, host) => {
    const [unit, amount, date] = raw as [Expr, Expr, Expr];
    const call = callFunction('date_add', [date, amount, unit], host);
    if (call === undefined || call.kind !== 'call') throw new Error('date_add is registered');
    const u = call.args[2];
    const unitText =
      u !== undefined && u.kind === 'const' && typeof u.value === 'string' ? u.value : '';
    if (unitText.includes('_')) throw new SqlError('ER_PARSE_ERROR', ['', 1]);
    return { info: call.info, args: call.args, compile: call.compile };
  },
});

register('extract', {
  args: [2, 2],
  bind: (args) => {
    const unit = unitOf(args[0]);
    if (unit === undefined) throw new SqlError('ER_PARSE_ERROR', ['', 1]);
    return {
      info: intInfo(unit === 'MICROSECOND' ? 6 : 21, true),
      compile: strict((v, ctx, a) => {
        const t = (a[1] as CallArgument).info.type;
        const isTime = t.kind === 'time';
        const zero = unit === 'WEEK' ? 'null' : 'ok';
        const value = isTime ? asTime(a, v, 1, ctx) : asDateTime(a, v, 1, ctx, zero);
        if (value === null) return null;
        return extractUnit(unit, value, isTime);
      }),
    };
  },
});

function extractUnit(unit: string, value: bigint, isTime: boolean): bigint {
  const negative = isTime && value < 0n;
  const abs = negative ? -value : value;
  const sign = negative ? -1n : 1n;
  const inDay = isTime ? abs : timeOfDay(abs);
  const h = inDay / (3600n * MICROS_PER_SECOND);
  const mi = (inDay / (60n * MICROS_PER_SECOND)) % 60n;
  const s = (inDay / MICROS_PER_SECOND) % 60n;
  const us = inDay % MICROS_PER_SECOND;
  const f = isTime ? { year: 0, month: 0, day: 0 } : toFields(value);
  const pieces: Record<string, bigint> = {
    YEAR: BigInt(f.year),
    QUARTER: BigInt(Math.ceil(f.month / 3)),
    MONTH: BigInt(f.month),
    WEEK: isTime || unit !== 'WEEK' ? 0n : BigInt(calcWeek(value, 0).week),
    DAY: BigInt(f.day),
    HOUR: h,
    MINUTE: mi,
    SECOND: s,
    MICROSECOND: us,
    YEAR_MONTH: BigInt(f.year * 100 + f.month),
    DAY_HOUR: BigInt(f.day) * 100n + h,
    DAY_MINUTE: (BigInt(f.day) * 100n + h) * 100n + mi,
    DAY_SECOND: ((BigInt(f.day) * 100n + h) * 100n + mi) * 100n + s,
    DAY_MICROSECOND: (((BigInt(f.day) * 100n + h) * 100n + mi) * 100n + s) * 1_000_000n + us,
    HOUR_MINUTE: h * 100n + mi,
    HOUR_SECOND: (h * 100n + mi) * 100n + s,
    HOUR_MICROSECOND: ((h * 100n + mi) * 100n + s) * 1_000_000n + us,
    MINUTE_SECOND: mi * 100n + s,
    MINUTE_MICROSECOND: (mi * 100n + s) * 1_000_000n + us,
    SECOND_MICROSECOND: s * 1_000_000n + us,
  };
  return sign * (pieces[unit] ?? 0n);
}

// ---------------------------------------------------------------------------------------------
// Formatting and parsing

register('date_format', {
  args: [2, 2],
  bind: () => ({
    info: stringInfo(64, true),
    compile: strict((v, ctx, a) => {
      const d = asDateTime(a, v, 0, ctx, 'ok');
      if (d === null) return null;
      const format = toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string;
      // Names, weekdays and week numbers need a real date (MySQL's make_date_time: NULL).
      if (isZeroPart(d) && /%[abMWjUuVvXxw]/.test(format)) return null;
      return formatDate(d, format);
    }),
  }),
});

register('time_format', {
  args: [2, 2],
  bind: () => ({
    info: stringInfo(64, true),
    compile: strict((v, ctx, a) => {
      const t = asTime(a, v, 0, ctx);
      if (t === null) return null;
      const abs = t < 0n ? -t : t;
      const text = formatDate(
        abs % MICROS_PER_DAY,
        toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string,
        Number(abs / (3600n * MICROS_PER_SECOND)),
      );
      return t < 0n ? `-${text}` : text;
    }),
  }),
});

/**
 * STR_TO_DATE's zero dates: allowed unless sql_mode's NO_ZERO_DATE / NO_ZERO_IN_DATE say no
 * (then NULL with a warning, as MySQL documents).
 */
function zeroPartAllowed(value: bigint, ctx: EvalContext): boolean {
  if (!isZeroPart(value)) return true;
  const mode = ctx.sqlMode;
  return isZeroDate(value) ? mode?.noZeroDate === false : mode?.noZeroInDate === false;
}

register('str_to_date', {
  args: [2, 2],
  bind: (args, host) => {
    const format = constantValue(args[1] as PlanExpr, host.params);
    const text = typeof format === 'string' ? format : null;
    const hasDate = text === null || /%[YyMmcdDebajUuVvXxWw]/.test(text);
    const hasTime = text === null || /%[HhIiklSsfTrp]/.test(text);
    const fraction = text !== null && text.includes('%f') ? 6 : 0;
    const info =
      hasDate && hasTime
        ? datetimeInfo(fraction, true)
        : hasDate
          ? dateInfo(true)
          : timeInfo(fraction, true);
    return {
      info,
      compile: strict((v, ctx, a) => {
        const s = toText((a[0] as CallArgument).info.type, v[0] as NonNull) as string;
        const f = toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string;
        const parsed = parseWithFormat(s, f);
        if (parsed === undefined || (parsed.hasDate && !zeroPartAllowed(parsed.value, ctx))) {
          ctx.warnings.warn(
            'Warning',
            1411,
            `Incorrect datetime value: '${s}' for function str_to_date`,
          );
          return null;
        }
        if (info.type.kind === 'datetime' && !parsed.hasDate) return null;
        if (parsed.rest.trim() !== '') {
          ctx.warnings.warn('Warning', 1292, `Truncated incorrect datetime value: '${s}'`);
        }
        return parsed.value;
      }),
    };
  },
});

const FORMATS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DATE: { USA: '%m.%d.%Y', JIS: '%Y-%m-%d', ISO: '%Y-%m-%d', EUR: '%d.%m.%Y', INTERNAL: '%Y%m%d' },
  DATETIME: {
    USA: '%Y-%m-%d %H.%i.%s',
    JIS: '%Y-%m-%d %H:%i:%s',
    ISO: '%Y-%m-%d %H:%i:%s',
    EUR: '%Y-%m-%d %H.%i.%s',
    INTERNAL: '%Y%m%d%H%i%s',
  },
  TIME: {
    USA: '%h:%i:%s %p',
    JIS: '%H:%i:%s',
    ISO: '%H:%i:%s',
    EUR: '%H.%i.%s',
    INTERNAL: '%H%i%s',
  },
};
register('get_format', {
  args: [2, 2],
  bind: () => ({
    info: stringInfo(17, true),
    compile: strict((v, _ctx, a) => {
      const kind = (
        toText((a[0] as CallArgument).info.type, v[0] as NonNull) as string
      ).toUpperCase();
      const style = (
        toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string
      ).toUpperCase();
      return FORMATS[kind === 'TIMESTAMP' ? 'DATETIME' : kind]?.[style] ?? null;
    }),
  }),
});

register('period_add', {
  args: [2, 2],
  bind: () => ({
    info: intInfo(6, true),
    compile: strict((v, ctx, a) => {
      const p = Number(toBigInt((a[0] as CallArgument).info.type, v[0] as NonNull, ctx.warnings));
      const n = Number(toBigInt((a[1] as CallArgument).info.type, v[1] as NonNull, ctx.warnings));
      if (p === 0) return 0n;
      let year = Math.floor(p / 100);
      if (year < 100) year += year < 70 ? 2000 : 1900;
      const total = year * 12 + ((p % 100) - 1) + n;
      return BigInt(Math.floor(total / 12) * 100 + (total % 12) + 1);
    }),
  }),
});
register('period_diff', {
  args: [2, 2],
  bind: () => ({
    info: intInfo(6, true),
    compile: strict((v, ctx, a) => {
      const months = (x: number): number => {
        let year = Math.floor(x / 100);
        if (year < 100) year += year < 70 ? 2000 : 1900;
        return year * 12 + (x % 100) - 1;
      };
      const p = Number(toBigInt((a[0] as CallArgument).info.type, v[0] as NonNull, ctx.warnings));
      const q = Number(toBigInt((a[1] as CallArgument).info.type, v[1] as NonNull, ctx.warnings));
      return BigInt(months(p) - months(q));
    }),
  }),
});

