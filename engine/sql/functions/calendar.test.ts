/** Calendar arithmetic edge cases: month ends, leap years, overflow, week numbering. */
import { describe, expect, it } from 'vitest';
import { formatDateTime, fromFields, parseDateTime } from '../datetime.js';
import { addInterval, calcWeek, parseInterval, weekMode } from './calendar.js';

const dt = (text: string): bigint => parseDateTime(text, 6) as bigint;
const show = (v: bigint | undefined): string | undefined =>
  v === undefined ? undefined : formatDateTime(v, 0);

describe('INTERVAL arithmetic', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['2020-01-31', '1', 'MONTH', '2020-02-29 00:00:00'],
    ['2021-01-31', '1', 'MONTH', '2021-02-28 00:00:00'],
    ['2020-02-29', '1', 'YEAR', '2021-02-28 00:00:00'],
    ['2020-02-29', '4', 'YEAR', '2024-02-29 00:00:00'],
    ['2020-03-31', '-1', 'MONTH', '2020-02-29 00:00:00'],
    ['2020-12-31 23:59:59', '1', 'SECOND', '2021-01-01 00:00:00'],
    ['2020-01-01', '1-6', 'YEAR_MONTH', '2021-07-01 00:00:00'],
    ['2020-01-01', '-1 12', 'DAY_HOUR', '2019-12-30 12:00:00'],
    ['2020-01-01', '1', 'QUARTER', '2020-04-01 00:00:00'],
    ['2020-01-01', '2', 'WEEK', '2020-01-15 00:00:00'],
    ['9999-12-31', '1', 'DAY', undefined],
    ['0001-01-01', '-1', 'DAY', undefined],
    ['9999-12-01', '1', 'MONTH', undefined],
  ];
  for (const [start, amount, unit, expected] of cases) {
    it(`${start} + INTERVAL ${amount} ${unit}`, () => {
      const interval = parseInterval(amount, unit as Parameters<typeof parseInterval>[1]);
      expect(interval).toBeDefined();
      expect(show(addInterval(dt(start), interval as NonNullable<typeof interval>))).toBe(expected);
    });
  }
});

describe('WEEK modes', () => {
  // WEEK(date, m) for m = 0 … 7, as MySQL's calc_week answers (MariaDB's is the same code).
  const expected: Record<string, number[]> = {
    '2008-12-31': [52, 53, 52, 1, 53, 52, 53, 52],
    '2000-01-01': [0, 0, 52, 52, 0, 0, 52, 52],
    '2023-01-01': [1, 0, 1, 52, 1, 0, 1, 52],
    '2021-01-03': [1, 0, 1, 53, 1, 0, 1, 52],
    '2024-12-30': [52, 53, 52, 1, 53, 53, 1, 53],
  };
  for (const [date, weeks] of Object.entries(expected)) {
    it(date, () => {
      const d = fromFields({ ...parseFields(date), hour: 0, minute: 0, second: 0, micro: 0 });
      expect(weeks.map((_, mode) => calcWeek(d, weekMode(mode)).week)).toEqual(weeks);
    });
  }
});

function parseFields(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}
