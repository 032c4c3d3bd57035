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

  /** '[-+]d[.d][e[-+]n]' exactly (scientific notation allowed); zero for anything else. */
  static fromScientific(text: string): Decimal {
    const match = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
    if (match === null) return new Decimal(0n, 0);
    const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
    const digits = BigInt((whole === '' ? '0' : whole) + fraction || '0');
    let scale = fraction.length - Number(exponent);
    let unscaled = sign === '-' ? -digits : digits;
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
    if (scale > 200) return new Decimal(0n, 0);
    return new Decimal(unscaled, scale);
  }

  /** A double as MySQL converts it to DECIMAL: its shortest round-trip digits, exactly. */
  static fromDouble(value: number): Decimal {
    assert(Number.isFinite(value), 'a finite double');
    // Issue 8: an integral double (a client's numeric parameter) needs no digit string.
    if (Number.isSafeInteger(value)) return new Decimal(BigInt(value), 0);
    return Decimal.fromScientific(String(value)).normalized();
  }

  /** The same value without trailing fractional zeros. */
  normalized(): Decimal {
    let { unscaled, scale } = this;
    while (scale > 0 && unscaled % 10n === 0n) {
      unscaled /= 10n;
      scale--;
    }
    return scale === this.scale ? this : new Decimal(unscaled, scale);
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

  /**
   * this / other; undefined when other is zero. The result's displayed scale is this.scale + 4
   * (bind.ts), but like MySQL's decimal_div it is computed to whole 9-digit words beyond that
   * (capped at 30 digits), so 1/3*3 is 1.0000, not 0.9999.
   */
  div(other: Decimal): Decimal | undefined {
    if (other.isZero()) return undefined;
    const wanted = this.scale + DIV_PRECISION_INCREMENT;
    const scale = Math.min(Math.ceil(wanted / 9) * 9, DECIMAL_RESULT_SCALE_MAX);
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
