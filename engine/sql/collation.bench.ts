/**
 * utf8mb4_0900_ai_ci on sysbench-like CHAR(120) values: compare (ORDER BY c), weights (DISTINCT
 * c, GROUP BY keys) and sort keys (index entries).
 */
import { bench, describe } from 'vitest';
import { Prng } from '../testing/prng.js';
import { collation } from './collation.js';

const random = new Prng(120);
const values = Array.from({ length: 1_000 }, () =>
  Array.from({ length: 10 }, () => String(random.int(100_000_000_000)).padStart(11, '0')).join('-'),
);
const ai = collation('utf8mb4_0900_ai_ci');

describe('utf8mb4_0900_ai_ci over CHAR(120)', () => {
  bench('sort 1,000 values', () => {
    [...values].sort((a, b) => ai.compare(a, b));
  });
  bench('weights of 1,000 values', () => {
    for (const v of values) ai.weights(v);
  });
  bench('sort keys of 1,000 values', () => {
    for (const v of values) ai.sortKey(v);
  });
});
