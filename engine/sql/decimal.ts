/**
 * Exact decimal numbers for DECIMAL columns and exact arithmetic: a bigint of unscaled digits and
 * a scale, value = unscaled / 10^scale. Immutable.
 *
 * Rounding is MySQL's for DECIMAL: half away from zero. Division gives the dividend's scale plus
 * div_precision_increment (4) digits, capped at 30 (MySQL's DECIMAL_MAX_SCALE).
 */
import assert from 'node:assert/strict';

export const DIV_PRECISION_INCREMENT = 4;
export const DECIMAL_RESULT_SCALE_MAX = 30;

const POW10: bigint[] = [1n];
export function pow10(n: number): bigint {
  assert(n >= 0 && Number.isInteger(n), 'pow10 takes a natural number');
  while (POW10.length <= n) POW10.push((POW10.at(-1) as bigint) * 10n);
  return POW10[n] as bigint;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Integer division rounding half away from zero. */
function divRound(n: bigint, d: bigint): bigint {
  assert(d !== 0n, 'divRound by zero');
  const q = n / d;
  const r = n % d;
  if (2n * abs(r) >= abs(d)) return n < 0n !== d < 0n ? q - 1n : q + 1n;
  return q;
}

export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {
    assert(Number.isInteger(scale) && scale >= 0, 'decimal scale is a natural number');
  }

  static fromBigInt(value: bigint): Decimal {
    return new Decimal(value, 0);
  }

  /** '[-+]digits[.digits]' or '[-+].digits'; undefined for anything else. */
  static parse(text: string): Decimal | undefined {
    const match = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (match === null) return undefined;
    const [, sign = '', whole = '', fraction = ''] = match;
    if (whole === '' && fraction === '') return undefined;
    const digits = BigInt((whole === '' ? '0' : whole) + fraction);
    return new Decimal(sign === '-' ? -digits : digits, fraction.length);
  }

  /** The exact value of a finite double, rounded to `scale` digits. */
  static fromNumber(value: number, scale: number): Decimal {
    assert(Number.isFinite(value), 'a finite double');
    // toFixed switches to exponent notation from 1e21; doubles that large are integers.
    if (Math.abs(value) >= 1e21) return new Decimal(BigInt(value) * pow10(scale), scale);
    const text = value.toFixed(Math.min(scale, 100));
    return (Decimal.parse(text) as Decimal).rescale(scale);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  /** Digits before the decimal point (at least 1, as MySQL counts '0.5'). */
  integerDigits(): number {
    const whole = abs(this.unscaled) / pow10(this.scale);
    return whole === 0n ? 1 : whole.toString().length;
  }

  /** Same value at another scale, rounding half away from zero when digits are dropped. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    return new Decimal(divRound(this.unscaled, pow10(this.scale - scale)), scale);
  }

  /** Drops digits beyond `scale` toward zero. */
  truncate(scale: number): Decimal {
    if (scale >= this.scale) return this.rescale(scale);
    return new Decimal(this.unscaled / pow10(this.scale - scale), scale);
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(scale).unscaled + other.rescale(scale).unscaled, scale);
  }

  sub(other: Decimal): Decimal {
    return this.add(other.negate());
  }

  mul(other: Decimal): Decimal {
    return new Decimal(this.unscaled * other.unscaled, this.scale + other.scale);
  }

  /** this / other at this.scale + 4 digits (capped at 30); undefined when other is zero. */
  div(other: Decimal): Decimal | undefined {
    if (other.isZero()) return undefined;
    const scale = Math.min(this.scale + DIV_PRECISION_INCREMENT, DECIMAL_RESULT_SCALE_MAX);
    const numerator = this.unscaled * pow10(other.scale + scale);
    const denominator = other.unscaled * pow10(this.scale);
    return new Decimal(divRound(numerator, denominator), scale);
  }

  /** MySQL's MOD: the sign of the dividend; undefined when other is zero. */
  mod(other: Decimal): Decimal | undefined {
    if (other.isZero()) return undefined;
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescale(scale).unscaled;
    const b = other.rescale(scale).unscaled;
    return new Decimal(a % b, scale);
  }

  compare(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescale(scale).unscaled;
    const b = other.rescale(scale).unscaled;
    return a === b ? 0 : a < b ? -1 : 1;
  }

  /** Rounded half away from zero to an integer. */
  toBigInt(): bigint {
    return this.rescale(0).unscaled;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Exactly `scale` fractional digits: '12.50', '-0.05', '7'. */
  toString(): string {
    const digits = abs(this.unscaled).toString();
    const sign = this.unscaled < 0n ? '-' : '';
    if (this.scale === 0) return sign + digits;
    const padded = digits.padStart(this.scale + 1, '0');
    const cut = padded.length - this.scale;
    return `${sign}${padded.slice(0, cut)}.${padded.slice(cut)}`;
  }
}
