/**
 * DATETIME text ↔ microseconds: MySQL's accepted forms, invalid dates refused, fractions rounded
 * with carry, and the count order-preserving.
 */
import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime } from './datetime.js';

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
      '0000-00-00 00:00:00',
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
});
