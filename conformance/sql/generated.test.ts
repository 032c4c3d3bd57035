/**
 * The random query generator (generated.ts) is deterministic per seed (G1), gives different
 * queries for different seeds, and covers the query shapes it promises.
 */
import { describe, expect, it } from 'vitest';
import { GENERATED_SEEDS, QUERIES_PER_SEED, generatedCase, generatedSeeds } from './generated.js';

describe('generated cases', () => {
  it('gives the same statements for the same seed (G1) and others for another', () => {
    const a = generatedCase(7);
    expect(generatedCase(7)).toEqual(a);
    expect(generatedCase(8).statements.map((s) => s.sql)).not.toEqual(
      a.statements.map((s) => s.sql),
    );
    expect(a.path).toBe('generated/seed-7.sql');
    expect(a.statements.length).toBe(6 + QUERIES_PER_SEED);
    expect(a.statements.map((s) => s.line)).toEqual(a.statements.map((_, i) => i + 1));
  });

  it('covers joins, grouping, subqueries, set operations and CTEs over the default seeds', () => {
    const all = GENERATED_SEEDS.flatMap((seed) => generatedCase(seed).statements.map((s) => s.sql));
    expect(all.length).toBeGreaterThanOrEqual(600);
    for (const shape of [
      / LEFT JOIN /,
      / RIGHT JOIN /,
      / CROSS JOIN /,
      / GROUP BY /,
      / HAVING /,
      /WITH ROLLUP/,
      /SELECT DISTINCT /,
      / EXISTS \(/,
      / IN \(SELECT /,
      / ANY \(| ALL \(/,
      / UNION /,
      / INTERSECT | EXCEPT /,
      /WITH RECURSIVE /,
      /GROUP_CONCAT\(/,
      / LIMIT /,
      /FROM \(SELECT /,
    ]) {
      expect([shape.source, all.some((sql) => shape.test(sql))]).toEqual([shape.source, true]);
    }
  });

  it('replays one seed or a range from SEED', () => {
    expect(generatedSeeds({ SEED: '42' })).toEqual([42]);
    expect(generatedSeeds({ SEED: '3-5' })).toEqual([3, 4, 5]);
    expect(generatedSeeds({})).toEqual(GENERATED_SEEDS);
  });
});
