/**
 * DATETIME text ↔ microseconds: MySQL's accepted forms, invalid dates refused, fractions rounded
 * with carry, and the count order-preserving.
 */
import { describe, expect, it } from 'vitest';
import {
  ZERO_DATETIME,
  compareDateTime,
  dateOnly,
  dateTimeFromNumber,
  formatDateTime,
  fromOrderKey,
  isZeroDate,
  isZeroPart,
  orderKey,
  parseDateTime,
  roundToFsp,
  timeOfDay,
  toFields,
} from './datetime.js';

describe('datetime', () => {
  it('parses and formats MySQL forms', () => {
    const cases: [string, number, string][] = [
      ['2024-01-02 03:04:05', 0, '2024-01-02 03:04:05'],
      ['2024-1-2', 0, '2024-01-02 00:00:00'],
      ['2024-01-02T03:04:05.123456', 6, '2024-01-02 03:04:05.123456'],
      ['20240102030405', 0, '2024-01-02 03:04:05'],
      ['2024-02-29 23:59:59.9', 0, '2024-03-01 00:00:00'],
      ['9999-12-31 23:59:59.4', 0, '9999-12-31 23:59:59'],
      ['0001-01-01 00:00:00.0000005', 6, '0001-01-01 00:00:00.000001'],
    ];
    for (const [text, fsp, formatted] of cases) {
      const value = parseDateTime(text, fsp);
      expect([text, value === undefined ? undefined : formatDateTime(value, fsp)]).toEqual([
        text,
        formatted,
      ]);
    }
  });

  it('refuses what is not a date', () => {
    for (const text of [
      '2023-02-29',
      '2024-13-01',
      '2024-02-30',
      '2024-00-32',
      'x',
      '2024-01-01 24:00:00',
    ]) {
      expect([text, parseDateTime(text, 0)]).toEqual([text, undefined]);
    }
  });

  it('keeps order', () => {
    const a = parseDateTime('1999-12-31 23:59:59.999999', 6) as bigint;
    const b = parseDateTime('2000-01-01 00:00:00', 6) as bigint;
    expect(a < b).toBe(true);
    expect(b - a).toBe(1n);
  });

  it('has zero dates and zero parts (DT1), printed as MySQL prints them', () => {
    const cases: [string, number, string][] = [
      ['0000-00-00', 0, '0000-00-00 00:00:00'],
      ['00-00-00', 0, '0000-00-00 00:00:00'],
      ['00000000000000', 0, '0000-00-00 00:00:00'],
      ['2024-00-15', 0, '2024-00-15 00:00:00'],
      ['2024-02-00 12:30:00.55', 1, '2024-02-00 12:30:00.6'],
      ['0000-00-00 23:59:59.9999999', 6, '0000-00-00 23:59:59.999999'],
      ['2024-00-00 23:59:59.9', 0, '2024-00-00 23:59:59'],
    ];
    for (const [text, fsp, formatted] of cases) {
      const value = parseDateTime(text, fsp);
      expect([text, value !== undefined && isZeroPart(value)]).toEqual([text, true]);
      expect([text, formatDateTime(value as bigint, fsp)]).toEqual([text, formatted]);
    }
    expect(parseDateTime('0000-00-00', 0)).toBe(ZERO_DATETIME);
    expect(dateTimeFromNumber('0', 0)).toBe(ZERO_DATETIME);
    expect(isZeroDate(ZERO_DATETIME)).toBe(true);
    expect(isZeroDate(parseDateTime('2024-00-15', 0) as bigint)).toBe(false);
    expect(isZeroPart(parseDateTime('2024-01-15', 0) as bigint)).toBe(false);
    const z = parseDateTime('2024-02-00 10:11:12.5', 6) as bigint;
    expect(toFields(dateOnly(z))).toMatchObject({ year: 2024, month: 2, day: 0, hour: 0 });
    expect(timeOfDay(z)).toBe(((10n * 60n + 11n) * 60n + 12n) * 1_000_000n + 500_000n);
    expect(roundToFsp(z, 0)).toBe(parseDateTime('2024-02-00 10:11:13', 0));
  });

  it('orders zero parts among real dates as MySQL does (DT2)', () => {
    const texts = [
      '0000-00-00 00:00:00',
      '0000-00-00 10:00:00',
      '0001-01-01',
      '2023-12-31 23:59:59.999999',
      '2024-00-00',
      '2024-00-15',
      '2024-01-01',
      '2024-02-00',
      '2024-02-01',
    ];
    const values = texts.map((t) => parseDateTime(t, 6) as bigint);
    for (let i = 0; i + 1 < values.length; i++) {
      const [a, b] = [values[i] as bigint, values[i + 1] as bigint];
      expect([texts[i], compareDateTime(a, b)]).toEqual([texts[i], -1]);
      expect([texts[i], compareDateTime(b, a)]).toEqual([texts[i], 1]);
      expect([texts[i], orderKey(a) < orderKey(b)]).toEqual([texts[i], true]);
      expect(fromOrderKey(orderKey(a))).toBe(a);
    }
    expect(compareDateTime(values[5] as bigint, values[5] as bigint)).toBe(0);
  });
});
