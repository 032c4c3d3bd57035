/**
 * Numeric functions. Result types follow MySQL: ABS, ROUND, TRUNCATE, CEIL and FLOOR keep an
 * integer or exact DECIMAL argument exact (CEIL/FLOOR of a DECIMAL with few integer digits is a
 * BIGINT); the transcendental functions are DOUBLE. A domain error (LN(0), SQRT(-1)) is NULL, with
 * warning 3020 for the logarithms as MySQL 8 raises it.
 *
 * RAND(seed) reproduces MySQL's generator (my_rnd, two 30-bit LCG seeds), so a seeded sequence
 * is MySQL's own.
 */
import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { SqlError } from '../../errors.js';
import { textToBytes } from '../bytes.js';
import { constantValue, decimalInfo, doubleInfo, intInfo, stringInfo } from '../bind.js';
import { Decimal, pow10 } from '../decimal.js';
import type { EvalContext } from '../expr.js';
import type { CallArgument, ExprInfo, PlanExpr } from '../plan.js';
import { type SqlType, type Value, toBigInt, toDecimal, toDouble, toText } from '../values.js';
import { register, strict } from './registry.js';

type NonNull = Exclude<Value, null>;

function cls(t: SqlType): 'int' | 'decimal' | 'double' {
  if (t.kind === 'int' || t.kind === 'null') return 'int';
  if (t.kind === 'decimal') return 'decimal';
  if (t.kind === 'string' && (t.variant === 'enum' || t.variant === 'set' || t.hex === true))
    return 'int';
  if ((t.kind === 'datetime' || t.kind === 'time') && t.fsp === 0) return 'int';
  if (t.kind === 'datetime' || t.kind === 'time') return 'decimal';
  return 'double';
}

function dbl(
  a: readonly CallArgument[],
  v: readonly NonNull[],
  i: number,
  ctx: EvalContext,
): number {
  return toDouble((a[i] as CallArgument).info.type, v[i] as NonNull, ctx.warnings) as number;
}

function dec(
  a: readonly CallArgument[],
  v: readonly NonNull[],
  i: number,
  ctx: EvalContext,
): Decimal {
  return toDecimal((a[i] as CallArgument).info.type, v[i] as NonNull, ctx.warnings) as Decimal;
}

function int(
  a: readonly CallArgument[],
  v: readonly NonNull[],
  i: number,
  ctx: EvalContext,
): bigint {
  return toBigInt((a[i] as CallArgument).info.type, v[i] as NonNull, ctx.warnings) ?? 0n;
}

const nullableOf = (args: readonly PlanExpr[]): boolean => args.some((a) => a.info.nullable);

/** A DOUBLE function; `fn` returning NaN or ±Infinity makes NULL (MySQL's domain errors). */
function doubleFunction(
  names: string | readonly string[],
  args: readonly [number, number],
  fn: (x: readonly number[], ctx: EvalContext) => number | null,
  alwaysNullable = false,
): void {
  register(names, {
    args,
    bind: (bound) => ({
      info: doubleInfo(alwaysNullable || nullableOf(bound)),
      compile: strict((v, ctx, a) => {
        const x = v.map((_, i) => dbl(a, v, i, ctx));
        const r = fn(x, ctx);
        if (r === null || Number.isNaN(r)) return null;
        if (!Number.isFinite(r)) {
          // POW(10, 400), EXP(1000): MySQL's 1690, naming the call.
          const call = `${typeof names === 'string' ? names : names[0]}(${x.join(',')})`;
          throw new SqlError('ER_DATA_OUT_OF_RANGE', ['DOUBLE', call]);
        }
        return r;
      }),
    }),
  });
}

doubleFunction('sqrt', [1, 1], ([x]) => ((x as number) < 0 ? null : Math.sqrt(x as number)), true);
doubleFunction('exp', [1, 1], ([x]) => Math.exp(x as number));
doubleFunction(['pow', 'power'], [2, 2], ([x, y]) => (x as number) ** (y as number));
function logarithm(x: number, base: number, ctx: EvalContext): number | null {
  if (x <= 0) {
    ctx.warnings.warn('Warning', 3020, 'Invalid argument for logarithm');
    return null;
  }
  return Math.log(x) / base;
}
doubleFunction('ln', [1, 1], ([x], ctx) => logarithm(x as number, 1, ctx), true);
doubleFunction('log2', [1, 1], ([x], ctx) => logarithm(x as number, Math.LN2, ctx), true);
doubleFunction('log10', [1, 1], ([x], ctx) => logarithm(x as number, Math.LN10, ctx), true);
doubleFunction(
  'log',
  [1, 2],
  (x, ctx) => {
    if (x.length === 1) return logarithm(x[0] as number, 1, ctx);
    const [b, y] = x as [number, number];
    if (b <= 0 || b === 1 || y <= 0) {
      ctx.warnings.warn('Warning', 3020, 'Invalid argument for logarithm');
      return null;
    }
    return Math.log(y) / Math.log(b);
  },
  true,
);
doubleFunction('sin', [1, 1], ([x]) => Math.sin(x as number));
doubleFunction('cos', [1, 1], ([x]) => Math.cos(x as number));
doubleFunction('tan', [1, 1], ([x]) => Math.tan(x as number));
doubleFunction('cot', [1, 1], ([x]) => 1 / Math.tan(x as number));
doubleFunction('asin', [1, 1], ([x]) => Math.asin(x as number), true);
doubleFunction('acos', [1, 1], ([x]) => Math.acos(x as number), true);
doubleFunction('atan', [1, 2], (x) =>
  x.length === 2 ? Math.atan2(x[0] as number, x[1] as number) : Math.atan(x[0] as number),
);
doubleFunction('atan2', [2, 2], ([y, x]) => Math.atan2(y as number, x as number));
doubleFunction('degrees', [1, 1], ([x]) => ((x as number) * 180) / Math.PI);
doubleFunction('radians', [1, 1], ([x]) => ((x as number) * Math.PI) / 180);

register('pi', {
  args: [0, 0],
  bind: () => ({
    info: { ...doubleInfo(false), decimals: 6, length: 8 },
    compile: () => () => Math.PI,
  }),
});

register('sign', {
  args: [1, 1],
  bind: (bound) => ({
    info: intInfo(2, nullableOf(bound)),
    compile: strict((v, ctx, a) => {
      const t = (a[0] as CallArgument).info.type;
      if (cls(t) === 'double') return BigInt(Math.sign(dbl(a, v, 0, ctx)));
      return BigInt(dec(a, v, 0, ctx).sign());
    }),
  }),
});

register('abs', {
  args: [1, 1],
  bind: (bound) => {
    const arg = bound[0] as PlanExpr;
    const c = cls(arg.info.type);
    const info: ExprInfo =
      c === 'int'
        ? intInfo(
            arg.info.length,
            arg.info.nullable,
            arg.info.type.kind === 'int' && arg.info.type.unsigned,
          )
        : c === 'decimal'
          ? {
              ...arg.info,
              type: {
                kind: 'decimal',
                precision: Math.max(
                  1,
                  arg.info.type.kind === 'decimal' ? arg.info.type.precision : 20,
                ),
                scale: arg.info.decimals,
                unsigned: false,
              },
            }
          : doubleInfo(arg.info.nullable);
    return {
      info,
      compile: strict((v, ctx, a) => {
        if (c === 'int') {
          const n = int(a, v, 0, ctx);
          return n < 0n ? -n : n;
        }
        if (c === 'decimal') {
          const d = dec(a, v, 0, ctx);
          return d.sign() < 0 ? d.negate() : d;
        }
        return Math.abs(dbl(a, v, 0, ctx));
      }),
    };
  },
});

/** CEIL / FLOOR: integers unchanged; DECIMAL → BIGINT when it fits 18 digits, else DECIMAL(p,0). */
function ceilFloor(names: readonly string[], up: boolean): void {
  register(names, {
    args: [1, 1],
    bind: (bound) => {
      const arg = bound[0] as PlanExpr;
      const t = arg.info.type;
      const c = cls(t);
      const whole = t.kind === 'decimal' ? t.precision - t.scale : 20;
      const asInt = c === 'int' || (c === 'decimal' && whole < 18);
      const info = asInt
        ? intInfo(
            Math.max(arg.info.length - (t.kind === 'decimal' && t.scale > 0 ? t.scale + 1 : 0), 1),
            arg.info.nullable,
          )
        : c === 'decimal'
          ? decimalInfo(whole + 1, 0, arg.info.nullable)
          : doubleInfo(arg.info.nullable);
      return {
        info,
        compile: strict((v, ctx, a) => {
          if (c === 'double') {
            const x = dbl(a, v, 0, ctx);
            return up ? Math.ceil(x) : Math.floor(x);
          }
          if (c === 'int' && typeof v[0] === 'bigint' && t.kind === 'int') return v[0];
          const d = dec(a, v, 0, ctx);
          const truncated = d.truncate(0);
          let n = truncated.unscaled;
          if (truncated.compare(d) !== 0)
            n += up ? (d.sign() > 0 ? 1n : 0n) : d.sign() < 0 ? -1n : 0n;
          return asInt ? n : new Decimal(n, 0);
        }),
      };
    },
  });
}
ceilFloor(['ceil', 'ceiling'], true);
ceilFloor(['floor'], false);

/** ROUND / TRUNCATE(x, d): exact for integers and DECIMAL; DOUBLE rounds half away from zero. */
function roundLike(name: string, truncate: boolean): void {
  register(name, {
    args: truncate ? [2, 2] : [1, 2],
    bind: (bound, host) => {
      const arg = bound[0] as PlanExpr;
      const dArg = bound[1];
      const constant = dArg === undefined ? 0n : constantValue(dArg, host.params);
      const places = typeof constant === 'bigint' ? Number(constant) : undefined;
      const c = cls(arg.info.type);
      let info: ExprInfo;
      if (c === 'int')
        info = intInfo(
          arg.info.length,
          nullableOf(bound),
          arg.info.type.kind === 'int' && arg.info.type.unsigned,
        );
      else if (c === 'decimal') {
        const t = arg.info.type;
        const scale =
          places === undefined
            ? t.kind === 'decimal'
              ? t.scale
              : 0
            : Math.max(0, Math.min(places, 30));
        const whole = t.kind === 'decimal' ? t.precision - t.scale : 20;
        info = decimalInfo(whole + scale + (truncate ? 0 : 1), scale, nullableOf(bound));
      } else info = doubleInfo(nullableOf(bound));
      const resultScale = info.type.kind === 'decimal' ? info.type.scale : 0;
      return {
        info,
        compile: strict((v, ctx, a) => {
          const d = v.length > 1 ? Number(BigInt.asIntN(32, int(a, v, 1, ctx))) : 0;
          if (c === 'double') {
            const x = dbl(a, v, 0, ctx);
            const factor = 10 ** Math.abs(d);
            const scaled = d >= 0 ? x * factor : x / factor;
            const r = truncate
              ? Math.trunc(scaled)
              : Math.sign(scaled) * Math.round(Math.abs(scaled));
            const out = d >= 0 ? r / factor : r * factor;
            return Number.isFinite(out) ? out : x;
          }
          const exact = dec(a, v, 0, ctx);
          let rounded: Decimal;
          if (d >= 0)
            rounded = truncate ? exact.truncate(Math.min(d, 30)) : exact.rescale(Math.min(d, 30));
          else {
            const unit = pow10(Math.min(-d, 80));
            const denominator = pow10(exact.scale) * unit;
            let q = exact.unscaled / denominator;
            const r = exact.unscaled % denominator;
            if (!truncate && 2n * (r < 0n ? -r : r) >= denominator)
              q += exact.unscaled < 0n ? -1n : 1n;
            rounded = new Decimal(q * unit, 0);
          }
          if (c === 'int') return rounded.toBigInt();
          return rounded.rescale(resultScale);
        }),
      };
    },
  });
}
roundLike('round', false);
roundLike('truncate', true);

register('mod', {
  args: [2, 2],
  bindRaw: (raw, host) => {
    const args = raw.map((e) => host.bind(e));
    const e = host.binary('mod', args[0] as PlanExpr, args[1] as PlanExpr);
    return { info: e.info, args: [e], compile: ([x]) => (x as CallArgument).eval };
  },
});

// MySQL's my_rnd: two seeds modulo 0x3FFFFFFF.
const RAND_MAX = 0x3fffffff;
class MysqlRandom {
  constructor(
    private seed1: number,
    private seed2: number,
  ) {}
  static seeded(seed: bigint): MysqlRandom {
    const s = BigInt.asUintN(32, seed);
    const s1 = Number((s * 0x10001n + 55555555n) % BigInt(RAND_MAX));
    const s2 = Number((s * 0x10000001n) % BigInt(RAND_MAX));
    return new MysqlRandom(s1, s2);
  }
  next(): number {
    this.seed1 = (this.seed1 * 3 + this.seed2) % RAND_MAX;
    this.seed2 = (this.seed1 + this.seed2 + 33) % RAND_MAX;
    return this.seed1 / RAND_MAX;
  }
}

register('rand', {
  args: [0, 1],
  bind: (bound) => ({
    info: doubleInfo(false),
    deterministic: false,
    compile: (args) => {
      const seedArg = args[0];
      if (seedArg === undefined) return () => randomInt(0, 2 ** 47) / 2 ** 47;
      // A constant seed starts one sequence for the statement; a varying one reseeds per row.
      const constant = bound[0]?.kind === 'const';
      let generator: MysqlRandom | null = null;
      return (row, ctx) => {
        if (!constant || generator === null) {
          const v = seedArg.eval(row, ctx);
          generator = MysqlRandom.seeded(
            v === null ? 0n : (toBigInt(seedArg.info.type, v, ctx.warnings) ?? 0n),
          );
        }
        return generator.next();
      };
    },
  }),
});

function convDigits(n: bigint, base: number): string {
  return n.toString(base).toUpperCase();
}

register('conv', {
  args: [3, 3],
  bind: () => ({
    info: stringInfo(64, true),
    compile: strict((v, ctx, a) => {
      const from = Number(int(a, v, 1, ctx));
      const to = Number(int(a, v, 2, ctx));
      if (Math.abs(from) < 2 || Math.abs(from) > 36 || Math.abs(to) < 2 || Math.abs(to) > 36)
        return null;
      const t = (a[0] as CallArgument).info.type;
      const text =
        t.kind === 'string' && t.hex !== true
          ? (toText(t, v[0] as NonNull) as string)
          : int(a, v, 0, ctx).toString();
      const m = /^\s*(-?)([0-9a-zA-Z]*)/.exec(text);
      let n = 0n;
      const base = BigInt(Math.abs(from));
      for (const c of m?.[2] ?? '') {
        const digit = parseInt(c, 36);
        if (Number.isNaN(digit) || digit >= Math.abs(from)) break;
        n = n * base + BigInt(digit);
      }
      if (m?.[1] === '-') n = -n;
      if (to < 0) return convDigits(BigInt.asIntN(64, n), -to);
      return convDigits(BigInt.asUintN(64, n), to);
    }),
  }),
});

function radix(name: string, base: number): void {
  register(name, {
    args: [1, 1],
    bind: (bound) => ({
      info: stringInfo(64, nullableOf(bound)),
      compile: strict((v, ctx, a) => convDigits(BigInt.asUintN(64, int(a, v, 0, ctx)), base)),
    }),
  });
}
radix('bin', 2);
radix('oct', 8);

register('crc32', {
  args: [1, 1],
  bind: (bound) => ({
    info: intInfo(10, nullableOf(bound), true),
    compile: strict((v, _ctx, a) => {
      const t = (a[0] as CallArgument).info.type;
      const text = toText(t, v[0] as NonNull) as string;
      const bytes = t.kind === 'string' && t.collation === 'binary' ? text : textToBytes(text);
      return BigInt(crc32(Buffer.from(bytes, 'latin1')));
    }),
  }),
});
