/**
 * read-columns.ts: which plans get a column mask and which columns it holds (RC1, RC2), and
 * that a masked read answers exactly as an unmasked one — the same statement FOR SHARE (a
 * locking read, which always decodes whole rows) gives the reference answer.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Session } from '../api.js';
import { Catalog } from '../catalog/catalog.js';
import { createEngine } from '../engine.js';
import type { StorageClient } from '../../storage/index.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { ok, query } from '../testing/sessions.js';
import { parse } from './parse.js';
import type { QueryNode, ScanNode } from './plan-query.js';
import { planStatement } from './planner.js';
import { neededColumns } from './read-columns.js';

const log = pino({ level: 'silent' });

async function setup(): Promise<{ s: Session; mask: (sql: string) => Promise<unknown> }> {
  const trees = new MemoryTrees();
  const engine = await createEngine({ storage: {} as StorageClient, log, trees });
  const s = engine.openSession({ connectionId: 1, user: 'root', host: 'localhost' });
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(20), pad CHAR(10))');
  await ok(
    s,
    "INSERT INTO t VALUES (1, 30, 'b', 'p1'), (2, 20, 'a', NULL), (3, 30, 'b', 'p3'), " +
      "(4, 10, NULL, 'p4'), (5, 20, 'c', 'p5')",
  );
  /** The mask of the plan's first scan, as a list of column names; 'all' without a mask. */
  const mask = async (sql: string): Promise<unknown> => {
    const catalog = await Catalog.load(trees);
    const plan = planStatement(parse(sql), { catalog, database: 'd' });
    if (plan.kind !== 'select') throw new Error('a SELECT');
    const scan = firstScan(plan.query.root);
    if (scan === null) return 'no scan';
    const needed = neededColumns(plan.query, scan);
    if (needed === undefined) return 'all';
    return ['id', 'k', 'c', 'pad'].filter((_, i) => needed[i] === true);
  };
  return { s, mask };
}

function firstScan(node: QueryNode): ScanNode | null {
  if (node.kind === 'scan') return node;
  for (const value of Object.values(node)) {
    if (value !== null && typeof value === 'object' && 'kind' in value) {
      const found = firstScan(value as QueryNode);
      if (found !== null) return found;
    }
  }
  return null;
}

const SYSBENCH = [
  'SELECT c FROM t WHERE id = 2',
  'SELECT c FROM t WHERE id BETWEEN 1 AND 4',
  'SELECT SUM(k) FROM t WHERE id BETWEEN 1 AND 5',
  'SELECT c FROM t WHERE id BETWEEN 1 AND 5 ORDER BY c',
  'SELECT DISTINCT c FROM t WHERE id BETWEEN 1 AND 5 ORDER BY c',
];

describe('column masks', () => {
  it('name exactly the columns sysbench’s reads use', async () => {
    const { mask } = await setup();
    expect(await mask(SYSBENCH[0] as string)).toEqual(['c']);
    expect(await mask(SYSBENCH[1] as string)).toEqual(['c']);
    expect(await mask(SYSBENCH[2] as string)).toEqual(['k']);
    expect(await mask(SYSBENCH[3] as string)).toEqual(['c']);
    // DISTINCT … ORDER BY: c, and at most the key besides; never the 60-character pad.
    const distinct = await mask(SYSBENCH[4] as string);
    expect(distinct).toEqual(expect.arrayContaining(['c']));
    expect(distinct).not.toContain('pad');
    expect(await mask('SELECT c FROM t WHERE id < 4 AND pad IS NULL')).toEqual(['c', 'pad']);
    expect(await mask('SELECT k, COUNT(*) FROM t GROUP BY k HAVING MAX(c) > 0')).toEqual([
      'k',
      'c',
    ]);
  });

  it('are not made where something reads whole rows (RC2)', async () => {
    const { mask } = await setup();
    expect(await mask('SELECT * FROM t WHERE id = 1')).toBe('all');
    expect(await mask('SELECT c FROM t WHERE k IN (SELECT 20)')).toBe('all');
    expect(await mask('SELECT a.c FROM t AS a JOIN t AS b USING (id)')).toBe('all');
    expect(await mask('SELECT c FROM (SELECT c, k FROM t) AS x')).toBe('all');
    expect(await mask('SELECT c, ROW_NUMBER() OVER (ORDER BY k) FROM t')).toBe('all');
  });

  it('give the rows an unmasked read gives', async () => {
    const { s } = await setup();
    for (const sql of [
      ...SYSBENCH,
      'SELECT c, k FROM t WHERE id IN (5, 1, 4)',
      'SELECT c FROM t WHERE id < 4 AND pad IS NULL',
      'SELECT k, COUNT(*), MAX(c) FROM t GROUP BY k ORDER BY k',
      'SELECT pad FROM t ORDER BY k DESC, id LIMIT 3',
      'SELECT DISTINCT k FROM t',
    ]) {
      const masked = (await query(s, sql)) as unknown[][];
      const whole = (await query(s, `${sql} FOR SHARE`)) as unknown[][];
      expect(masked, sql).toEqual(whole);
      expect(masked.length, sql).toBeGreaterThan(0);
    }
    expect(await query(s, SYSBENCH[3] as string)).toEqual([[null], ['a'], ['b'], ['b'], ['c']]);
    expect(await query(s, SYSBENCH[2] as string)).toEqual([['110']]);
  });
});
