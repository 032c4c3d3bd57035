/**
 * Result types for functions: the ExprInfo builders bind.ts lacks (DATE, TIME, JSON), MySQL's
 * type aggregation for functions that return one of their arguments (IF, IFNULL, COALESCE, CASE,
 * GREATEST, LEAST), and the run-time conversion of a value into the aggregated type.
 */
import { SqlError } from '../../errors.js';
import { binaryInfo, decimalInfo, doubleInfo, datetimeInfo, intInfo, stringInfo } from '../bind.js';
import { type Collation, DEFAULT_COLLATION, collation } from '../collation.js';
import { dateOnly, roundToFsp } from '../datetime.js';
import type { ExprInfo } from '../plan.js';
import { parseTime } from '../temporal.js';
import {
  type SqlType,
  type Value,
  type Warnings,
  toBigInt,
  toDecimal,
  toDouble,
  toText,
} from '../values.js';
import { temporalFromValue } from '../store-types.js';

/** bind.ts's values, repeated: this module may load before bind.ts finishes (an import cycle). */
const BINARY_COLLATION_ID = 63;
const NOT_FIXED_DEC = 31;

export function dateInfo(nullable: boolean): ExprInfo {
  return {
    type: { kind: 'datetime', fsp: 0, variant: 'date' },
    nullable,
    length: 10,
    decimals: 0,
    collationId: BINARY_COLLATION_ID,
  };
}

export function timeInfo(fsp: number, nullable: boolean): ExprInfo {
  return {
    type: { kind: 'time', fsp },
    nullable,
    length: 10 + (fsp > 0 ? fsp + 1 : 0),
    decimals: fsp,
    collationId: BINARY_COLLATION_ID,
  };
}

export function jsonInfo(nullable: boolean): ExprInfo {
  return {
    type: { kind: 'string', variant: 'json', chars: 4_294_967_295, collation: 'utf8mb4_bin' },
    nullable,
    length: 4_294_967_295,
    decimals: NOT_FIXED_DEC,
    collationId: BINARY_COLLATION_ID,
  };
}

/** A string result of `chars` characters in the collation of the first string argument. */
export function textResult(chars: number, nullable: boolean, from: readonly ExprInfo[]): ExprInfo {
  const binary = from.some(
    (i) => i.type.kind === 'string' && i.type.collation === 'binary' && i.type.ignorable !== true,
  );
  if (binary) return binaryInfo(Math.min(chars, 4_294_967_295), nullable);
  return stringInfo(Math.min(chars, 1_073_741_823), nullable, { collation: collationOf(from) });
}

export function collationOf(from: readonly ExprInfo[]): Collation {
  for (const info of from) {
    const t = info.type;
    if (t.kind === 'string' && t.variant !== 'json') return collation(t.collation);
  }
  return collation(DEFAULT_COLLATION);
}

export function charsOf(info: ExprInfo): number {
  const t = info.type;
  if (t.kind === 'string')
    return t.variant === 'text' || t.variant === 'json' ? info.length : t.chars;
  return info.length;
}

type Class =
  | 'null'
  | 'int'
  | 'decimal'
  | 'double'
  | 'string'
  | 'datetime'
  | 'date'
  | 'time'
  | 'json';

function classOf(t: SqlType): Class {
  switch (t.kind) {
    case 'null':
      return 'null';
    case 'int':
      return 'int';
    case 'decimal':
      return 'decimal';
    case 'double':
      return 'double';
    case 'string':
      return t.variant === 'json' ? 'json' : 'string';
    case 'datetime':
      return t.variant === 'date' ? 'date' : 'datetime';
    case 'time':
      return 'time';
    default:
      return 'string';
  }
}

/** MySQL's aggregation of result types (Item_func::aggregate_type, simplified). */
export function aggregateInfo(infos: readonly ExprInfo[], nullable: boolean): ExprInfo {
  const known = infos.filter((i) => i.type.kind !== 'null');
  if (known.length === 0)
    return { ...(infos[0] ?? intInfo(0, true)), nullable: true, type: { kind: 'null' } };
  const classes = new Set(known.map((i) => classOf(i.type)));
  const only = classes.size === 1 ? [...classes][0] : undefined;
  if (only === 'int') {
    const unsigned = known.every((i) => i.type.kind === 'int' && i.type.unsigned);
    return intInfo(Math.max(...known.map((i) => i.length)), nullable, unsigned);
  }
  if (only === 'json') return jsonInfo(nullable);
  if (only === 'date') return dateInfo(nullable);
  if (only === 'time') return timeInfo(Math.max(...known.map((i) => i.decimals)), nullable);
  if (
    only === 'datetime' ||
    (classes.size === 2 && classes.has('date') && classes.has('datetime'))
  ) {
    return datetimeInfo(Math.max(...known.map((i) => i.decimals)), nullable);
  }
  if ([...classes].every((c) => c === 'int' || c === 'decimal')) {
    const scale = Math.max(...known.map((i) => (i.type.kind === 'decimal' ? i.type.scale : 0)));
    const whole = Math.max(
      ...known.map((i) =>
        i.type.kind === 'decimal' ? i.type.precision - i.type.scale : Math.max(1, i.length - 1),
      ),
    );
    return decimalInfo(whole + scale, scale, nullable);
  }
  if ([...classes].every((c) => c === 'int' || c === 'decimal' || c === 'double')) {
    return doubleInfo(nullable);
  }
  const chars = Math.max(...known.map((i) => (i.type.kind === 'string' ? charsOf(i) : i.length)));
  return textResult(chars, nullable, known);
}

/** Converts `value` of type `source` into the aggregated type `target`. */
export function convertValue(
  target: SqlType,
  source: SqlType,
  value: Value,
  warnings: Warnings,
): Value {
  if (value === null) return null;
  switch (target.kind) {
    case 'null':
      return value;
    case 'int':
      return toBigInt(source, value, warnings);
    case 'decimal':
      return toDecimal(source, value, warnings)?.rescale(target.scale) ?? null;
    case 'double':
      return toDouble(source, value, warnings);
    case 'string':
      if (target.variant === 'json' && source.kind === 'string' && source.variant === 'json') {
        return value;
      }
      return toText(source, value);
    case 'datetime': {
      const v = temporalFromValue(source, value, target.fsp);
      if (v === undefined) return null;
      return target.variant === 'date' ? dateOnly(v) : roundToFsp(v, target.fsp);
    }
    case 'time':
      if (source.kind === 'time') return value;
      return parseTime(toText(source, value) ?? '', target.fsp)?.value ?? null;
    default:
      return value;
  }
}

/** A constant argument's value at bind time (see bind.ts constantValue), or a 1064-like error. */
export function requireConstant(value: Value | undefined, what: string): Value {
  if (value === undefined) throw new SqlError('ER_WRONG_ARGUMENTS', [what]);
  return value;
}

