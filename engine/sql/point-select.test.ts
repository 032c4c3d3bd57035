/**
 * The point-select path (point-select.ts): which plans take it, and that its rows, warnings and
 * counts are those of the general query path (PS1) — the same statement with FOR SHARE (PS2:
 * locking reads take the general path) or through a derived table gives the reference answer.
 */
import { createHook } from 'node:async_hooks';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Engine, Session } from '../api.js';
import { Catalog } from '../catalog/catalog.js';
import { createEngine } from '../engine.js';
import type { StorageClient } from '../../storage/index.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { ok, query, rowsOf, scalar } from '../testing/sessions.js';
import { parse } from './parse.js';
import { planStatement } from './planner.js';
import { pointSelectOf } from './point-select.js';

const log = pino({ level: 'silent' });

interface Setup {
  readonly engine: Engine;
  readonly s: Session;
  /** True when `sql`'s plan takes the point-select path. */
  readonly fast: (sql: string) => Promise<boolean>;
}

async function setup(): Promise<Setup> {
  const trees = new MemoryTrees();
  const engine = await createEngine({ storage: {} as StorageClient, log, trees });
  const s = engine.openSession({ connectionId: 1, user: 'root', host: 'localhost' });
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(20), pad TEXT)');
  await ok(s, "INSERT INTO t VALUES (1, 10, 'one', 'a'), (2, 20, 'two', NULL), (3, 30, 'x', 'c')");
  const fast = async (sql: string): Promise<boolean> => {
    const catalog = await Catalog.load(trees);
    const plan = planStatement(parse(sql), { catalog, database: 'd' });
    return plan.kind === 'select' && pointSelectOf(plan.query) !== null;
  };
  return { engine, s, fast };
}

/** The statement's rows, and the same statement's rows through the general path. */
async function both(s: Session, sql: string): Promise<[unknown[][], unknown[][]]> {
  const fast = (await query(s, sql)) as unknown[][];
  const general = (await query(s, `${sql} FOR SHARE`)) as unknown[][];
  return [fast, general];
}

describe('point selects', () => {
  it('take the path only for a projection over a primary-key lookup', async () => {
    const { fast } = await setup();
    expect(await fast('SELECT c FROM t WHERE id = 2')).toBe(true);
    expect(await fast('SELECT c, k + 1 FROM t WHERE id IN (3, 1) AND k > 5')).toBe(true);
    expect(await fast('SELECT c FROM t WHERE id BETWEEN 1 AND 2')).toBe(false);
    expect(await fast('SELECT SUM(k) FROM t WHERE id = 2')).toBe(false);
    expect(await fast('SELECT c FROM t WHERE id = 2 AND k IN (SELECT 20)')).toBe(false);
  });

  it('answer as the general path does: values, misses, lists, residual filters', async () => {
    const { s } = await setup();
    for (const sql of [
      'SELECT c FROM t WHERE id = 2',
      'SELECT c FROM t WHERE id = 9',
      'SELECT id, c, pad, k * 2 FROM t WHERE id IN (3, 1, 3)',
      'SELECT c FROM t WHERE id IN (1, 2, 3) AND k >= 20',
      'SELECT * FROM t WHERE id = 1',
    ]) {
      const [fast, general] = await both(s, sql);
      expect(fast, sql).toEqual(general);
    }
    expect(await query(s, 'SELECT c FROM t WHERE id = 2')).toEqual([['two']]);
  });

  it('see the transaction’s own writes and its snapshot, not others’ later commits', async () => {
    const { s } = await setup();
    await ok(s, 'BEGIN');
    expect(await query(s, 'SELECT c FROM t WHERE id = 1')).toEqual([['one']]);
    await ok(s, "UPDATE t SET c = 'uno' WHERE id = 1");
    await ok(s, 'DELETE FROM t WHERE id = 2');
    await ok(s, "INSERT INTO t VALUES (4, 40, 'four', NULL)");
    expect(await query(s, 'SELECT c FROM t WHERE id = 1')).toEqual([['uno']]);
    expect(await query(s, 'SELECT c FROM t WHERE id = 2')).toEqual([]);
    expect(await query(s, 'SELECT c FROM t WHERE id IN (4, 3)')).toEqual([['x'], ['four']]);
    await ok(s, 'ROLLBACK');
    expect(await query(s, 'SELECT c FROM t WHERE id = 1')).toEqual([['one']]);
  });

  it('keep repeatable reads across commits of another session', async () => {
    const { engine } = await setup();
    const a = engine.openSession({ connectionId: 2, user: 'root', host: 'localhost' });
    const b = engine.openSession({ connectionId: 3, user: 'root', host: 'localhost' });
    await ok(a, 'USE d');
    await ok(b, 'USE d');
    await ok(a, "UPDATE t SET c = 'old' WHERE id = 1");
    await ok(a, 'START TRANSACTION WITH CONSISTENT SNAPSHOT');
    await ok(b, "UPDATE t SET c = 'new' WHERE id = 1");
    expect(await query(a, 'SELECT c FROM t WHERE id = 1')).toEqual([['old']]);
    expect(await query(a, 'SELECT c FROM t WHERE id = 1 FOR SHARE')).toEqual([['new']]);
    await ok(a, 'COMMIT');
    expect(await query(a, 'SELECT c FROM t WHERE id = 1')).toEqual([['new']]);
  });

  it('answer a cached row at once, with no promise at all (issue 8: no async step)', async () => {
    const { s } = await setup();
    const point = await s.prepare('SELECT c FROM t WHERE id = ?');
    expect(await rowsOf(await point.execute([1n]))).toEqual([['one']]); // plans made, pages cached
    let made = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'PROMISE') made++;
      },
    }).enable();
    let answer;
    try {
      answer = point.execute([2n]);
    } finally {
      hook.disable();
    }
    expect(made).toBe(0);
    expect(answer instanceof Promise).toBe(false);
    expect(await rowsOf(await answer)).toEqual([['two']]);
  });

  it('read values stored apart by the promise path, as the general path does', async () => {
    const { s } = await setup();
    const long = 'p'.repeat(40_000); // past a page: stored apart from its row
    await ok(s, `INSERT INTO t VALUES (5, 50, 'five', '${long}')`);
    const [fast, general] = await both(s, 'SELECT id, pad FROM t WHERE id IN (5, 1)');
    expect(fast).toEqual(general);
    expect(fast).toEqual([
      [1n, 'a'],
      [5n, long],
    ]);
  });

  it('give the same warnings and FOUND_ROWS as the general path', async () => {
    const { s } = await setup();
    expect(await query(s, "SELECT c FROM t WHERE id = '2x'")).toEqual([['two']]);
    const fastWarnings = await query(s, 'SHOW WARNINGS');
    await query(s, "SELECT c FROM t WHERE id = '2x' FOR SHARE");
    expect(await query(s, 'SHOW WARNINGS')).toEqual(fastWarnings);
    expect(fastWarnings.length).toBeGreaterThan(0);
    await query(s, 'SELECT c FROM t WHERE id IN (1, 3)');
    expect(await scalar(s, 'SELECT FOUND_ROWS()')).toBe(2n);
  });
});
