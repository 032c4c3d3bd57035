/**
 * CAST / CONVERT, COLLATE, CONVERT(… USING …), DATE/TIME/TIMESTAMP literals and the bit
 * operators (| & ^ << >> ~), as MySQL 8 evaluates them:
 *
 *   AS SIGNED / UNSIGNED      64-bit two's complement (CAST(-1 AS UNSIGNED) = 2^64-1); text
 *                             takes its numeric prefix with warning 1292
 *   AS DECIMAL(p,s)           default (10,0); rounded; out of range → clipped, warning 1264
 *   AS CHAR[(n)] / BINARY(n)  text / bytes, cut to n with warning 1292; BINARY(n) pads with 0x00
 *   AS DATE / DATETIME / TIME NULL with warning 1292 when the value is none
 *   AS DOUBLE / FLOAT / REAL  the double (FLOAT: float32-rounded)
 *   AS JSON                   text parsed (3141 when invalid); numbers as JSON numbers
 */
import { SqlError } from '../../errors.js';
import { textToBytes } from '../bytes.js';
import { binaryInfo, decimalInfo, doubleInfo, datetimeInfo, intInfo, stringInfo } from '../bind.js';
import { type CollationName, findCollation } from '../collation.js';
import { charsetOfCollation, collationByName } from '../../variables/charsets.js';
import { dateOnly, isZeroDate, isZeroPart, roundToFsp, timeOfDay } from '../datetime.js';
import { Decimal, pow10 } from '../decimal.js';
import type { EvalContext } from '../expr.js';
import { JsonSyntaxError, parseJson, serializeJson } from '../json.js';
import { toJson } from '../json-values.js';
import type { CallArgument, ExprInfo, PlanExpr } from '../plan.js';
import { TIME_MAX, parseTime } from '../temporal.js';
import { temporalFromValue } from '../store-types.js';
import {
  type SqlType,
  type Value,
  toBigInt,
  toDecimal,
  toDouble,
  toText,
} from '../values.js';
import { type FunctionBindHost, register, strict } from './registry.js';
import { charsOf, dateInfo, jsonInfo, timeInfo } from './types.js';

interface CastTarget {
  readonly info: ExprInfo;
  convert(value: Exclude<Value, null>, source: SqlType, ctx: EvalContext): Value;
}

function literalText(e: PlanExpr): string {
  if (e.kind !== 'const' || typeof e.value !== 'string')
    throw new SqlError('ER_PARSE_ERROR', ['', 1]);
  return e.value;
}

function badTemporal(kind: string, text: string, ctx: EvalContext): null {
  ctx.warnings.warn('Warning', 1292, `Incorrect ${kind} value: '${text}'`);
  return null;
}

/** TIME's largest value (temporal.ts TIME_MAX) as the number hhhmmss. */
const TIME_MAX_NUMBER = 8_385_959n;
/** The largest number read as a datetime (YYYYMMDDhhmmss) when it is cast to TIME. */
const DATETIME_MAX_NUMBER = 99_991_231_235_959n;

/**
 * A number past TIME's range cast to TIME, as MySQL's number_to_time reads it: [-]h…hmmss,
 * where minutes or seconds past 59 make no time (null, "Incorrect time value") and more hours
 * than TIME holds clip to ±838:59:59 (MySQL 8's end of the range, with no fraction; MariaDB
 * fills the fraction with 9s), with "Truncated incorrect time value". Undefined for any other
 * value (text, a number within range, or one shaped like a datetime, 8 to 14 digits and not
 * negative): parseTime reads its text.
 */
function numberTime(v: unknown, text: string, ctx: EvalContext): bigint | null | undefined {
  let negative: boolean;
  let whole: bigint;
  if (typeof v === 'bigint') {
    negative = v < 0n;
    whole = negative ? -v : v;
  } else if (v instanceof Decimal) {
    negative = v.unscaled < 0n;
    whole = (negative ? -v.unscaled : v.unscaled) / pow10(v.scale);
  } else if (typeof v === 'number') {
    negative = v < 0;
    whole = BigInt(Math.trunc(Math.abs(v)));
  } else {
    return undefined;
  }
  if (whole <= TIME_MAX_NUMBER) return undefined;
  if (!negative && whole <= DATETIME_MAX_NUMBER && whole > 9_999_999n) return undefined;
  if ((whole / 100n) % 100n > 59n || whole % 100n > 59n) return badTemporal('time', text, ctx);
  ctx.warnings.warn('Warning', 1292, `Truncated incorrect time value: '${text}'`);
  return negative ? -TIME_MAX : TIME_MAX;
}

function integerTarget(unsigned: boolean, nullable: boolean): CastTarget {
  return {
    info: intInfo(unsigned ? 20 : 21, nullable, unsigned),
    convert: (v, source, ctx) => {
      let n: bigint;
      if (
        typeof v === 'string' &&
        !(
          source.kind === 'string' &&
          (source.hex === true || source.variant === 'enum' || source.variant === 'set')
        )
      ) {
        const m = /^\s*[-+]?\d+/.exec(v);
        const complete = m !== null && /^\s*[-+]?\d+$/.test(v);
        const spaces = m !== null && /^\s*[-+]?\d+\s+$/.test(v);
        if (!complete)
          ctx.warnings.warn(
            spaces ? 'Note' : 'Warning',
            1292,
            `Truncated incorrect INTEGER value: '${v}'`,
          );
        n = m === null ? 0n : BigInt(m[0].trim());
        if (n > 2n ** 64n - 1n) n = 2n ** 64n - 1n;
        if (n < -(2n ** 63n)) n = -(2n ** 63n);
      } else if (typeof v === 'number' || v instanceof Decimal) {
        const d =
          typeof v === 'number'
            ? Math.max(Math.min(v, 1.8446744073709552e19), -9.223372036854776e18)
            : v;
        const negative = typeof d === 'number' ? d < 0 : d.sign() < 0;
        const integral =
          typeof d === 'number' ? Number.isInteger(d) : d.truncate(0).compare(d) === 0;
        if (unsigned && negative && !integral) {
          // A negative fraction into UNSIGNED is 0, with a warning (no two's complement).
          ctx.warnings.warn(
            'Warning',
            1292,
            `Truncated incorrect INTEGER value: '${toText(source, v) ?? ''}'`,
          );
          return 0n;
        }
        n = typeof d === 'number' ? BigInt(Math.round(d)) : d.toBigInt();
      } else {
        n = toDecimal(source, v, ctx.warnings)?.toBigInt() ?? 0n;
      }
      if (unsigned && n < 0n) {
        ctx.warnings.warn(
          'Note',
          1105,
          "Cast to unsigned converted negative integer to it's positive complement",
        );
      }
      return unsigned ? BigInt.asUintN(64, n) : BigInt.asIntN(64, n);
    },
  };
}

function decimalTarget(precision: number, scale: number, nullable: boolean): CastTarget {
  if (precision > 65) throw new SqlError('ER_TOO_BIG_PRECISION', [precision, 'CAST', 65]);
  if (scale > 30) throw new SqlError('ER_TOO_BIG_SCALE', [scale, 'CAST', 30]);
  if (scale > precision) throw new SqlError('ER_M_BIGGER_THAN_D', ['']);
  return {
    info: decimalInfo(precision, scale, nullable),
    convert: (v, source, ctx) => {
      const d = (toDecimal(source, v, ctx.warnings) as Decimal).rescale(scale);
      const max = pow10(precision) - 1n;
      if (d.unscaled > max || d.unscaled < -max) {
        ctx.warnings.warn('Warning', 1264, "Out of range value for column 'cast' at row 1");
        return new Decimal(d.unscaled > 0n ? max : -max, scale);
      }
      return d;
    },
  };
}

function charTarget(
  length: number | null,
  binary: boolean,
  source: ExprInfo,
  nullable: boolean,
): CastTarget {
  const chars = length ?? charsOf(source);
  const info = binary ? binaryInfo(chars, nullable) : stringInfo(chars, nullable);
  const label = binary ? `BINARY(${length ?? ''})` : `CHAR(${length ?? ''})`;
  return {
    info,
    convert: (v, sourceType, ctx) => {
      let text = toText(sourceType, v) as string;
      if (binary && !(sourceType.kind === 'string' && sourceType.collation === 'binary')) {
        text = textToBytes(text);
      }
      if (length === null) return text;
      const units = binary ? text.split('') : Array.from(text);
      if (units.length > length) {
        ctx.warnings.warn('Warning', 1292, `Truncated incorrect ${label} value: '${text}'`);
        return units.slice(0, length).join('');
      }
      return binary ? text.padEnd(length, '\u0000') : text;
    },
  };
}

/**
 * CAST to DATE / DATETIME keeps a zero-part date (datetime.ts DT1) only when sql_mode has no
 * NO_ZERO_DATE / NO_ZERO_IN_DATE for it (MySQL's str_to_datetime_with_warn flags), or when it
 * is a temporal value already (a column's stored zero date).
 */
function zeroPartAllowed(value: bigint, source: SqlType, ctx: EvalContext): boolean {
  if (!isZeroPart(value) || source.kind === 'datetime') return true;
  const mode = ctx.sqlMode;
  return isZeroDate(value) ? mode?.noZeroDate === false : mode?.noZeroInDate === false;
}

function temporalTarget(kind: 'DATE' | 'DATETIME' | 'TIME', fsp: number): CastTarget {
  if (fsp > 6) throw new SqlError('ER_TOO_BIG_PRECISION', [fsp, 'CAST', 6]);
  if (kind === 'TIME') {
    return {
      info: timeInfo(fsp, true),
      convert: (v, source, ctx) => {
        if (source.kind === 'time' && typeof v === 'bigint') return v;
        if (source.kind === 'datetime' && typeof v === 'bigint')
          return roundToFsp(timeOfDay(v), fsp);
        const text = toText(source, v) ?? '';
        const clipped = numberTime(v, text, ctx);
        if (clipped !== undefined) return clipped;
        const parsed = parseTime(text, fsp);
        if (parsed !== undefined) return parsed.value;
        // Text with trailing garbage: its leading time, with a warning (MySQL's str_to_time).
        const prefix = /^\s*-?[\d:. ]*\d(?![eE]\d)/.exec(text)?.[0];
        const partial = prefix === undefined ? undefined : parseTime(prefix, fsp);
        if (partial === undefined) return badTemporal('time', text, ctx);
        ctx.warnings.warn('Warning', 1292, `Truncated incorrect time value: '${text}'`);
        return partial.value;
      },
    };
  }
  return {
    info: kind === 'DATE' ? dateInfo(true) : datetimeInfo(fsp, true),
    convert: (v, source, ctx) => {
      const parsed = temporalFromValue(source, v, kind === 'DATE' ? 0 : fsp);
      if (parsed === undefined || !zeroPartAllowed(parsed, source, ctx))
        return badTemporal(kind === 'DATE' ? 'date' : 'datetime', toText(source, v) ?? '', ctx);
      return kind === 'DATE' ? dateOnly(parsed) : parsed;
    },
  };
}

const jsonTarget = (): CastTarget => ({
  info: jsonInfo(true),
  convert: (v, source) => {
    if (source.kind === 'string' && source.variant === 'json') return v;
    if (typeof v === 'string' && source.kind === 'string') {
      try {
        return serializeJson(parseJson(v));
      } catch (e) {
        if (!(e instanceof JsonSyntaxError)) throw e;
        throw new SqlError('ER_INVALID_JSON_TEXT_IN_PARAM', [
          1,
          'cast_as_json',
          e.message,
          e.position,
        ]);
      }
    }
    return serializeJson(toJson(source, v));
  },
});

/** The target a CAST type text names (parse-expr.ts typeText). */
export function castTarget(text: string, source: ExprInfo): CastTarget {
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?(.*)$/.exec(text.trim());
  if (m === null) throw new SqlError('ER_PARSE_ERROR', [text, 1]);
  const name = (m[1] as string).toUpperCase();
  const length = m[2] === undefined ? null : Number(m[2]);
  const scale = m[3] === undefined ? null : Number(m[3]);
  switch (name) {
    case 'SIGNED':
      return integerTarget(false, source.nullable);
    case 'UNSIGNED':
      return integerTarget(true, source.nullable);
    case 'DECIMAL':
    case 'NUMERIC':
      return decimalTarget(length ?? 10, scale ?? 0, source.nullable);
    case 'CHAR':
    case 'NCHAR':
    case 'VARCHAR':
      return charTarget(
        length,
        /\bBINARY\b/.test(m[4] ?? '') || /CHARACTER SET BINARY/.test(m[4] ?? ''),
        source,
        source.nullable,
      );
    case 'BINARY':
      return charTarget(length, true, source, source.nullable);
    case 'DATE':
      return temporalTarget('DATE', 0);
    case 'DATETIME':
    case 'TIMESTAMP':
      return temporalTarget('DATETIME', length ?? 0);
    case 'TIME':
      return temporalTarget('TIME', length ?? 0);
    case 'DOUBLE':
    case 'REAL':
      return {
        info: doubleInfo(source.nullable),
        convert: (v, s, ctx) => toDouble(s, v, ctx.warnings),
      };
    case 'FLOAT': {
      const info = {
        ...doubleInfo(source.nullable),
        type: { kind: 'double' as const, float: true as const },
        length: 12,
      };
      return { info, convert: (v, s, ctx) => Math.fround(toDouble(s, v, ctx.warnings) as number) };
    }
    case 'JSON':
      return jsonTarget();
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`CAST AS ${name}`]);
  }
}

function bindCast(raw: readonly import('../ast.js').Expr[], host: FunctionBindHost) {
  const args = raw.map((e) => host.bind(e));
  const [value, typeArg] = args as [PlanExpr, PlanExpr];
  const target = castTarget(literalText(typeArg), value.info);
  return {
    info: target.info,
    args,
    compile: strict((values, ctx, compiled) =>
      target.convert(
        values[0] as Exclude<Value, null>,
        (compiled[0] as CallArgument).info.type,
        ctx,
      ),
    ),
  };
}

register('cast', { args: [2, 2], bindRaw: bindCast });

register('temporal_literal', {
  args: [2, 2],
  bindRaw: (raw, host) => {
    const args = raw.map((e) => host.bind(e));
    const text = literalText(args[0] as PlanExpr);
    const kind = literalText(args[1] as PlanExpr);
    const target = castTarget(kind, (args[0] as PlanExpr).info);
    const value = target.convert(
      text,
      { kind: 'string', variant: 'varchar', chars: text.length, collation: 'utf8mb4_0900_ai_ci' },
      {
        warnings: { warn: () => undefined, count: () => 0 },
      } as unknown as EvalContext,
    );
    if (value === null) throw new SqlError('ER_WRONG_VALUE', [kind.replace(/\(.*/, ''), text]);
    let info = { ...target.info, nullable: false };
    if (kind.startsWith('DATETIME')) {
      // TIMESTAMP '…' keeps the fraction it was written with.
      const fraction = /\.(\d+)/.exec(text)?.[1]?.length ?? 0;
      info = { ...datetimeInfo(Math.min(fraction, 6), false) };
    } else if (kind === 'TIME') {
      const fraction = /\.(\d+)/.exec(text)?.[1]?.length ?? 0;
      info = timeInfo(Math.min(fraction, 6), false);
    }
    return { info, args, compile: () => () => value };
  },
});

register('collate', {
  args: [2, 2],
  bindRaw: (raw, host) => {
    const args = raw.map((e) => host.bind(e));
    const [value, nameArg] = args as [PlanExpr, PlanExpr];
    const name = literalText(nameArg);
    const t = value.info.type;
    const known = collationByName(name);
    const found = findCollation(known);
    const charsetOf = t.kind === 'string' && t.collation !== 'binary' ? 'utf8mb4' : 'binary';
    if (found === undefined || charsetOfCollation(known) !== charsetOf) {
      throw new SqlError('ER_COLLATION_CHARSET_MISMATCH', [name, charsetOf]);
    }
    const charset =
      t.kind === 'string' && t.collation !== 'binary'
        ? 'utf8mb4'
        : t.kind === 'string'
          ? 'binary'
          : 'binary';
    if (charset === 'binary' ? found.name !== 'binary' : found.name === 'binary') {
      throw new SqlError('ER_COLLATION_CHARSET_MISMATCH', [name, charset]);
    }
    const type = t.kind === 'string' ? { ...t, collation: found.name as CollationName } : t;
    return {
      info: { ...value.info, type, collationId: found.id },
      args,
      compile: ([a]) => (a as CallArgument).eval,
    };
  },
});

register('convert_using', {
  args: [2, 2],
  bindRaw: (raw, host) => {
    const args = raw.map((e) => host.bind(e));
    const [value, csArg] = args as [PlanExpr, PlanExpr];
    const charset = literalText(csArg).trim().toLowerCase();
    const chars = charsOf(value.info);
    if (charset === 'binary') {
      return {
        info: binaryInfo(chars * 4, value.info.nullable),
        args,
        compile: strict((v, _c, a) =>
          textToBytes(toText((a[0] as CallArgument).info.type, v[0] as Value) as string),
        ),
      };
    }
    if (!['utf8mb4', 'utf8', 'utf8mb3', 'latin1', 'ascii'].includes(charset)) {
      throw new SqlError('ER_UNKNOWN_CHARACTER_SET', [charset]);
    }
    const narrow =
      charset === 'latin1'
        ? 0xff
        : charset === 'ascii'
          ? 0x7f
          : charset === 'utf8mb4'
            ? 0x10ffff
            : 0xffff;
    return {
      info: stringInfo(chars, value.info.nullable),
      args,
      compile: strict((v, _c, a) => {
        const text = toText((a[0] as CallArgument).info.type, v[0] as Value) as string;
        let out = '';
        for (const ch of text) out += (ch.codePointAt(0) as number) > narrow ? '?' : ch;
        return out;
      }),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Bit operators: 64-bit unsigned integers

function bits(v: Exclude<Value, null>, type: SqlType, ctx: EvalContext): bigint {
  return BigInt.asUintN(64, toBigInt(type, v, ctx.warnings) ?? 0n);
}

function bitOperator(name: string, op: (a: bigint, b: bigint) => bigint): void {
  register(name, {
    args: [2, 2],
    bind: (args) => ({
      info: intInfo(
        21,
        args.some((a) => a.info.nullable),
        true,
      ),
      compile: strict((v, ctx, a) =>
        BigInt.asUintN(
          64,
          op(
            bits(v[0] as Exclude<Value, null>, (a[0] as CallArgument).info.type, ctx),
            bits(v[1] as Exclude<Value, null>, (a[1] as CallArgument).info.type, ctx),
          ),
        ),
      ),
    }),
  });
}
bitOperator('|', (a, b) => a | b);
bitOperator('&', (a, b) => a & b);
bitOperator('^', (a, b) => a ^ b);
bitOperator('<<', (a, b) => (b >= 64n ? 0n : a << b));
bitOperator('>>', (a, b) => (b >= 64n ? 0n : a >> b));
register('~', {
  args: [1, 1],
  bind: (args) => ({
    info: intInfo(21, (args[0] as PlanExpr).info.nullable, true),
    compile: strict((v, ctx, a) =>
      BigInt.asUintN(
        64,
        ~bits(v[0] as Exclude<Value, null>, (a[0] as CallArgument).info.type, ctx),
      ),
    ),
  }),
});
register('bit_count', {
  args: [1, 1],
  bind: (args) => ({
    info: intInfo(2, (args[0] as PlanExpr).info.nullable),
    compile: strict((v, ctx, a) => {
      let n = bits(v[0] as Exclude<Value, null>, (a[0] as CallArgument).info.type, ctx);
      let count = 0n;
      while (n > 0n) {
        count += n & 1n;
        n >>= 1n;
      }
      return count;
    }),
  }),
});

