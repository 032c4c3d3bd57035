/**
 * FLOAT/DOUBLE text formatting against what MySQL 8 prints (my_gcvt / my_fcvt rules).
 */
import { describe, expect, it } from 'vitest';
import { exactDigits, formatDouble, formatFixed, formatFloat } from './real-format.js';

describe('DOUBLE as MySQL 8 prints it', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'],
    [Math.PI, '3.141592653589793'],
    [100, '100'],
    [123456789012345, '123456789012345'],
    [1e15, '1e15'],
    [1e20, '1e20'],
    [1.5e300, '1.5e300'],
    [12345678901234567890, '1.2345678901234567e19'],
    [1000000000000000.5, '1000000000000000.5'],
    [1e-5, '0.00001'],
    [1.5e-10, '0.00000000015'],
    [1e-15, '0.000000000000001'],
    [1e-16, '1e-16'],
    [-1.5e-20, '-1.5e-20'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e308'],
  ])('%d → %s', (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });

  it('refuses Infinity and NaN (R1)', () => {
    expect(() => formatDouble(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => formatDouble(Number.NaN)).toThrow();
  });
});

describe('FLOAT: six significant digits, ties to even', () => {
  it.each([
    [Math.fround(0.1), '0.1'],
    [Math.fround(3.14159), '3.14159'],
    [Math.fround(1234567), '1234570'],
    [1234565, '1234560'],
    [1234575, '1234580'],
    [Math.fround(-1.5), '-1.5'],
    [Math.fround(1e20), '1e20'],
    [Math.fround(1.2345678e-7), '0.000000123457'],
    [Math.fround(1.2345678e-17), '1.23457e-17'],
    [0, '0'],
  ])('%d → %s', (value, text) => {
    expect(formatFloat(value)).toBe(text);
  });
});

describe('fixed decimals (%.*f, ties to even)', () => {
  it.each([
    [1.5, 2, '1.50'],
    [1.005, 2, '1.00'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [-1.5, 0, '-2'],
    [0.001, 2, '0.00'],
    [0.009, 2, '0.01'],
    [9.999, 2, '10.00'],
    [1e21, 2, '1000000000000000000000.00'],
    [123.456, 1, '123.5'],
    [0, 3, '0.000'],
  ])('%d with %d decimals → %s', (value, decimals, text) => {
    expect(formatFixed(value, decimals)).toBe(text);
  });
});

describe('exactDigits', () => {
  it('expands a double exactly', () => {
    expect(exactDigits(0.5)).toEqual({ digits: '5', decpt: 0 });
    expect(exactDigits(0.1).digits).toBe('1000000000000000055511151231257827021181583404541015625');
    expect(exactDigits(1024)).toEqual({ digits: '1024', decpt: 4 });
    expect(exactDigits(0)).toEqual({ digits: '0', decpt: 1 });
  });
});
