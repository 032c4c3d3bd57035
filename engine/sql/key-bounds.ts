/**
 * Turning a constant from a WHERE clause into a value of a key column, for point lookups and
 * range bounds. A constant need not be of the column's type (id = 2.5, id < 1e30, tiny = 1000),
 * so each conversion says what the comparison means for the column's own values:
 *
 *   empty       no value of the column satisfies it (id = 2.5, tiny > 1000, id = NULL);
 *   unbounded   every value satisfies this side (tiny < 1000);
 *   value       the comparison holds exactly for column values on this side of `value`
 *               (id > 2.5 ≡ id >= 3), with `inclusive` saying whether `value` itself counts.
 *
 * So a consumed conjunct (planner.ts) never needs re-checking, and an out-of-range constant never
 * widens a scan to the whole table.
 *
 * An INT or DECIMAL column compared with a DOUBLE (a DOUBLE constant or parameter, as mysql2
 * sends every JS number; a text or mixed constant, which index-access.ts wraps in a conversion to
 * DOUBLE) compares as a double: MySQL converts the column's value too. So the bound comes from the
 * double (id = 5e0 ≡ id = 5, id < 5.5e0 ≡ id <= 5), and:
 *
 *   (KB1) when every column value converts to a distinct double (doubleExact: INT of at most 4
 *         bytes, DECIMAL of at most 15 digits, DBL_DIG; a BIGINT against a double under 2^53),
 *         comparing the double equals comparing exact values, so the bound is exact;
 *   (KB2) otherwise several column values may convert to the same double (BIGINT 2^63-1 and
 *         2^63-2 both give 2^63): a range bound is widened by one double on each side; a BIGINT
 *         equality is every value that converts to the double ('values', at most a few
 *         thousand); a DECIMAL equality is never asked for (doublePoints: index-access.ts makes
 *         it a range). The comparison stays in the residual to decide the rows exactly.
 */
import type { ColumnType } from '../catalog/definitions.js';
import { textToBytes } from './bytes.js';
import { unreachable } from '../unreachable.js';
import { parseDateTime, timeOfDay } from './datetime.js';
import { Decimal, pow10 } from './decimal.js';
import {
  type SqlType,
  type Value,
  type Warnings,
  intRange,
  toDecimal,
  toDouble,
  toText,
} from './values.js';

export type Side = 'eq' | 'lower' | 'upper';

export type BoundValue =
  | { readonly kind: 'empty' }
  | { readonly kind: 'unbounded' }
  | { readonly kind: 'value'; readonly value: Value; readonly inclusive: boolean }
  /** 'eq' only: each of these key values, ascending (KB2). */
  | { readonly kind: 'values'; readonly values: readonly Value[] };

const EMPTY: BoundValue = { kind: 'empty' };
const UNBOUNDED: BoundValue = { kind: 'unbounded' };

/** Rounds toward −∞ (floor) or +∞ (ceil) at `scale` digits. */
function roundAt(d: Decimal, scale: number, up: boolean): Decimal {
  if (d.scale <= scale) return d.rescale(scale);
  const truncated = d.truncate(scale);
  if (truncated.rescale(d.scale).compare(d) === 0) return truncated;
  const step = new Decimal(1n, scale);
  if (up && d.sign() > 0) return truncated.add(step);
  if (!up && d.sign() < 0) return truncated.sub(step);
  return truncated;
}

/** Clamps an exact candidate into [min, max] for the side, or says empty/unbounded. */
function clamp(
  side: Side,
  candidate: Decimal,
  exact: boolean,
  inclusive: boolean,
  min: Decimal,
  max: Decimal,
):
  | { kind: 'empty' }
  | { kind: 'unbounded' }
  | { kind: 'value'; value: Decimal; inclusive: boolean } {
  if (side === 'eq') {
    if (!exact || candidate.compare(min) < 0 || candidate.compare(max) > 0)
      return { kind: 'empty' };
    return { kind: 'value', value: candidate, inclusive: true };
  }
  const incl = exact ? inclusive : true;
  if (side === 'lower') {
    if (candidate.compare(max) > 0) return { kind: 'empty' };
    if (candidate.compare(min) < 0) return { kind: 'unbounded' };
  } else {
    if (candidate.compare(min) < 0) return { kind: 'empty' };
    if (candidate.compare(max) > 0) return { kind: 'unbounded' };
  }
  return { kind: 'value', value: candidate, inclusive: incl };
}

function numericBound(
  column: ColumnType & { kind: 'int' | 'decimal' },
  d: Decimal,
  side: Side,
  inclusive: boolean,
): BoundValue {
  const scale = column.kind === 'int' ? 0 : column.scale;
  const candidate = roundAt(d, scale, side === 'lower');
  const exact = candidate.compare(d) === 0;
  let min: Decimal;
  let max: Decimal;
  if (column.kind === 'int') {
    const range = intRange(column.bytes, column.unsigned);
    min = Decimal.fromBigInt(range.min);
    max = Decimal.fromBigInt(range.max);
  } else {
    const limit = pow10(column.precision) - 1n;
    max = new Decimal(limit, scale);
    min = column.unsigned ? new Decimal(0n, scale) : new Decimal(-limit, scale);
  }
  const bound = clamp(side, candidate, exact, inclusive, min, max);
  if (bound.kind !== 'value') return bound;
  const value = column.kind === 'int' ? bound.value.toBigInt() : bound.value;
  return { kind: 'value', value, inclusive: bound.inclusive };
}

function dateTimeBound(
  column: ColumnType & { kind: 'datetime' },
  source: SqlType,
  value: Exclude<Value, null>,
  side: Side,
  inclusive: boolean,
): BoundValue {
  let micros: bigint | undefined;
  if (source.kind === 'datetime' && typeof value === 'bigint') micros = value;
  else micros = parseDateTime(toText(source, value) ?? '', 6);
  if (micros === undefined) return side === 'eq' ? EMPTY : UNBOUNDED;
  const unit = 10n ** BigInt(6 - column.fsp);
  // The time of day, not micros itself: a zero-part date is negative (datetime.ts DT1).
  const down = micros - (timeOfDay(micros) % unit);
  const exact = down === micros;
  if (side === 'eq') return exact ? { kind: 'value', value: micros, inclusive: true } : EMPTY;
  const candidate = side === 'lower' && !exact ? down + unit : down;
  return { kind: 'value', value: candidate, inclusive: exact ? inclusive : true };
}

/** KB1: whether every value of an INT/DECIMAL column converts to a distinct double. */
export function doubleExact(column: ColumnType): boolean {
  if (column.kind === 'int') return column.bytes <= 4;
  return column.kind === 'decimal' && column.precision <= 15;
}

/** KB2: whether an equality compared as a double is a set of key values (else a range). */
export function doublePoints(column: ColumnType): boolean {
  return column.kind === 'int' || doubleExact(column);
}

const TWO_53 = 2 ** 53;

/** The double next to `d` towards +∞ (up) or −∞, for a finite `d`. */
function nextDouble(d: number, up: boolean): number {
  if (d === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  // Away from zero is one more in the magnitude's bits, towards zero one less.
  view.setBigUint64(0, up === d > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** An INT/DECIMAL column compared as a double with `d` (the file comment, KB1, KB2). */
function doubleBound(
  column: ColumnType & { kind: 'int' | 'decimal' },
  d: number,
  side: Side,
  inclusive: boolean,
): BoundValue {
  if (Number.isNaN(d)) return EMPTY;
  if (!Number.isFinite(d)) {
    // Past every value: = and the far side hold for none, the near side for all.
    if (side === 'eq') return EMPTY;
    return (side === 'lower') === d > 0 ? EMPTY : UNBOUNDED;
  }
  const exact = doubleExact(column) || (column.kind === 'int' && Math.abs(d) < TWO_53);
  if (exact) return numericBound(column, Decimal.fromDouble(d), side, inclusive);
  if (side === 'eq') {
    if (column.kind !== 'int') throw new Error('key-bounds KB2: no DECIMAL point for a double');
    return sharedValues(column, d);
  }
  const wide = nextDouble(d, side === 'upper');
  if (!Number.isFinite(wide)) return UNBOUNDED;
  return numericBound(column, Decimal.fromDouble(wide), side, true);
}

/** KB2: the BIGINT values that convert to the double `d` (|d| ≥ 2^53, an integer). */
function sharedValues(column: ColumnType & { kind: 'int' }, d: number): BoundValue {
  const range = intRange(column.bytes, column.unsigned);
  const at = BigInt(d);
  // Values rounding to d lie between the midpoints to its neighbours (at most one ulp apart).
  const up = nextDouble(d, true);
  const below = (BigInt(nextDouble(d, false)) + at) / 2n - 1n;
  const above = Number.isFinite(up) ? (BigInt(up) + at) / 2n + 1n : at;
  const values: bigint[] = [];
  const last = above < range.max ? above : range.max;
  for (let v = below > range.min ? below : range.min; v <= last; v++) {
    if (Number(v) === d) values.push(v);
  }
  if (values.length === 0) return EMPTY;
  if (values.length === 1) return { kind: 'value', value: values[0] as bigint, inclusive: true };
  return { kind: 'values', values };
}

/** The key-column value for `value` (of static type `source`) on `side`; see the file comment. */
export function boundFor(
  column: ColumnType,
  source: SqlType,
  value: Value,
  side: Side,
  inclusive: boolean,
  warnings: Warnings,
): BoundValue {
  if (value === null) return EMPTY;
  switch (column.kind) {
    case 'int':
    case 'decimal': {
      if (source.kind === 'double') {
        return doubleBound(column, toDouble(source, value, warnings) as number, side, inclusive);
      }
      const d = toDecimal(source, value, warnings);
      return d === null ? EMPTY : numericBound(column, d, side, inclusive);
    }
    case 'string': {
      const text = toText(source, value) as string;
      // A binary key column compares bytes: text becomes its UTF-8 bytes (bytes.ts).
      const bytes =
        column.collation === 'binary' &&
        !(source.kind === 'string' && source.collation === 'binary');
      return {
        kind: 'value',
        value: bytes ? textToBytes(text) : text,
        inclusive: side === 'eq' || inclusive,
      };
    }
    case 'datetime':
      return dateTimeBound(column, source, value, side, inclusive);
    // Issue 6b: DOUBLE keys take the double itself (FLOAT: float32-rounded); TIME keys are
    // never bounded (index-access.ts).
    case 'double': {
      const d = toDouble(source, value, warnings);
      if (d === null) return EMPTY;
      const v = column.float === true ? Math.fround(d) : d;
      if (side === 'eq') return v === d ? { kind: 'value', value: v, inclusive: true } : EMPTY;
      return { kind: 'value', value: v, inclusive: v === d ? inclusive : true };
    }
    case 'time':
      return side === 'eq' ? EMPTY : UNBOUNDED;
    default:
      return unreachable(column);
  }
}
