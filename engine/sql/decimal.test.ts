/**
 * Exact DECIMAL arithmetic against a bigint oracle (seeded random operands up to 65 digits):
 * + - * agree exactly, rescale rounds half away from zero, division keeps whole 9-digit words of
 * extra precision and MOD takes the dividend's sign; parsing scientific text is exact.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../testing/prng.js';
import { Decimal, pow10 } from './decimal.js';

function randomDecimal(random: Prng): Decimal {
  const digits = 1 + random.int(40);
  let unscaled = 0n;
  for (let i = 0; i < digits; i++) unscaled = unscaled * 10n + BigInt(random.int(10));
  if (random.int(2) === 0) unscaled = -unscaled;
  return new Decimal(unscaled, random.int(Math.min(digits, 30) + 1));
}

/** a·10^-sa as a fraction over 10^s. */
const at = (d: Decimal, scale: number): bigint => d.unscaled * pow10(scale - d.scale);

describe('Decimal.fromDouble', () => {
  it('gives an integral double its integer, as the digits path does', () => {
    for (const d of [0, -0, 1, -1, 42, 1e15, -(2 ** 53 - 1), 2 ** 53 - 1]) {
      const viaDigits = Decimal.fromScientific(String(d)).normalized();
      const got = Decimal.fromDouble(d);
      expect([d, got.toString(), got.compare(viaDigits)]).toEqual([d, viaDigits.toString(), 0]);
    }
    expect(Decimal.fromDouble(2 ** 53).toString()).toBe('9007199254740992');
    expect(Decimal.fromDouble(1e21).toString()).toBe('1000000000000000000000');
    expect(Decimal.fromDouble(0.1).toString()).toBe('0.1');
    expect(Decimal.fromDouble(-2.5).toString()).toBe('-2.5');
  });
});

describe('Decimal against a bigint oracle', () => {
  const random = new Prng(6_000);
  it('adds, subtracts and multiplies exactly', () => {
    for (let i = 0; i < 2_000; i++) {
      const a = randomDecimal(random);
      const b = randomDecimal(random);
      const s = Math.max(a.scale, b.scale);
      expect(at(a.add(b), s)).toBe(at(a, s) + at(b, s));
      expect(at(a.sub(b), s)).toBe(at(a, s) - at(b, s));
      const p = a.mul(b);
      expect(p.unscaled).toBe(a.unscaled * b.unscaled);
      expect(p.scale).toBe(a.scale + b.scale);
      expect(a.compare(b)).toBe(Math.sign(Number(at(a, s) - at(b, s))));
    }
  });

  it('rounds half away from zero when rescaling', () => {
    expect(Decimal.parse('2.5')?.rescale(0).toString()).toBe('3');
    expect(Decimal.parse('-2.5')?.rescale(0).toString()).toBe('-3');
    expect(Decimal.parse('2.449')?.rescale(1).toString()).toBe('2.4');
    expect(Decimal.parse('-0.05')?.rescale(1).toString()).toBe('-0.1');
    for (let i = 0; i < 1_000; i++) {
      const a = randomDecimal(random);
      const to = random.int(a.scale + 1);
      const r = a.rescale(to);
      // |a - r| ≤ half a unit of the new scale, and ties go away from zero.
      const diff = at(a, a.scale) - at(r, a.scale);
      const half = pow10(a.scale - to) / 2n;
      const abs = diff < 0n ? -diff : diff;
      expect(abs <= half || (a.scale === to && diff === 0n)).toBe(true);
    }
  });

  it('divides with extra 9-digit words and MySQL display scale', () => {
    const third = (Decimal.parse('1') as Decimal).div(Decimal.parse('3') as Decimal) as Decimal;
    expect(third.toString()).toBe('0.333333333');
    expect(third.mul(Decimal.fromBigInt(3n)).rescale(4).toString()).toBe('1.0000');
    for (let i = 0; i < 1_000; i++) {
      const a = randomDecimal(random);
      const b = randomDecimal(random);
      if (b.isZero()) continue;
      const q = a.div(b) as Decimal;
      // q = round(a / b) at q.scale: |q·b - a| ≤ |b| / 2 units of q.scale.
      const s = q.scale;
      const lhs = q.unscaled * b.unscaled * pow10(a.scale);
      const rhs = a.unscaled * pow10(s) * pow10(b.scale);
      const err = lhs - rhs;
      const bound = (b.unscaled < 0n ? -b.unscaled : b.unscaled) * pow10(a.scale);
      expect((err < 0n ? -err : err) * 2n <= bound).toBe(true);
    }
    expect(Decimal.fromBigInt(1n).div(Decimal.fromBigInt(0n))).toBeUndefined();
  });

  it('takes MOD with the sign of the dividend', () => {
    expect(Decimal.fromBigInt(-7n).mod(Decimal.fromBigInt(3n))?.toString()).toBe('-1');
    expect((Decimal.parse('7.5') as Decimal).mod(Decimal.fromBigInt(-2n))?.toString()).toBe('1.5');
  });

  it('reads scientific text and doubles exactly', () => {
    expect(Decimal.fromScientific('1.5e3').toString()).toBe('1500');
    expect(Decimal.fromScientific('-2.5e-3').toString()).toBe('-0.0025');
    expect(Decimal.fromDouble(0.1).toString()).toBe('0.1');
    expect(Decimal.fromDouble(1e20).toString()).toBe('100000000000000000000');
  });
});
