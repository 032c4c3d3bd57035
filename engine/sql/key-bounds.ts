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
 */
import type { ColumnType } from '../catalog/definitions.js';
import { textToBytes } from './bytes.js';
import { unreachable } from '../unreachable.js';
import { parseDateTime } from './datetime.js';
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
  | { readonly kind: 'value'; readonly value: Value; readonly inclusive: boolean };

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
  const down = micros - (micros % unit);
  const exact = down === micros;
  if (side === 'eq') return exact ? { kind: 'value', value: micros, inclusive: true } : EMPTY;
  const candidate = side === 'lower' && !exact ? down + unit : down;
  return { kind: 'value', value: candidate, inclusive: exact ? inclusive : true };
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
      const d = toDecimal(source, value, warnings);
      return d === null ? EMPTY : numericBound(column, d, side, inclusive);
    }
    case 'string': {
      const text = toText(source, value) as string;
      // A binary key column compares bytes: text becomes its UTF-8 bytes (bytes.ts).
      const bytes =
        column.collation === 'binary' && !(source.kind === 'string' && source.collation === 'binary');
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
