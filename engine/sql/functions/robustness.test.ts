/**
 * Every registered function with awkward arguments (NULL, zero, negatives, huge numbers,
 * fractions, empty and non-numeric text, dates, JSON text): each call answers a value or a
 * SqlError, never another exception (which would cost the connection).
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../errors.js';
import { Prng } from '../../testing/prng.js';
import { evaluate } from './testing.js';
import { registeredFunctions } from './registry.js';

const ARGS = [
  'NULL', '0', '-1', '1', '2.5', '-0.5', '18446744073709551615', '-9223372036854775808', '1e300',
  "''", "'abc'", "'12abc'", "'2020-02-29 10:11:12.5'", "'10:11:12'", "'[1, {\"a\": 2}]'", "'$.a'",
  "'%Y-%m-%d'", "X'FF00'", "DATE '2024-01-31'", "'😀é'", '65', "'DAY'",
];
/** Internal forms built by parse-expr.ts, not callable with arbitrary arguments. */
const SKIP = new Set([
  'case',
  'cast',
  'collate',
  'convert_using',
  'temporal_literal',
  'sleep',
  'benchmark',
]);

describe('the function library never throws anything but SqlError', () => {
  const random = new Prng(66);
  for (const [name, [min, max]] of registeredFunctions()) {
    if (SKIP.has(name) || !/^[a-z_0-9]+$/.test(name)) continue;
    it(name, () => {
      const counts = [...new Set([min, Math.min(max, min + 1), Math.min(max, 3)])].filter(
        (n) => n <= max,
      );
      for (const n of counts) {
        for (let trial = 0; trial < 60; trial++) {
          const args = Array.from({ length: n }, () => random.pick(ARGS)).join(', ');
          const text = `${name}(${args})`;
          try {
            evaluate(text);
          } catch (e) {
            if (e instanceof SqlError) continue;
            expect.fail(`${text} threw ${String(e)}`);
          }
        }
      }
    });
  }
});
