/**
 * DML without promises (issue 8, soon.ts): a prepared INSERT, UPDATE or DELETE by primary key
 * whose locks are granted and pages cached answers at once, making no promise, as BEGIN does;
 * one that has to wait (a row lock, a UNIQUE check, a trigger) goes on as a promise from where it
 * waited and gives the same answer; a failure at once is still a rejection at the seam, and the
 * statement's writes are undone.
 */
import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import type { PreparedStatement, Result, Session, SqlValue } from '../api.js';
import { memoryEngine, ok, openSession, query } from '../testing/sessions.js';

async function setup(): Promise<{ a: Session; b: Session }> {
  const engine = await memoryEngine();
  const a = openSession(engine);
  const b = openSession(engine);
  await ok(a, 'CREATE DATABASE d');
  for (const s of [a, b]) await ok(s, 'USE d');
  await ok(a, 'CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(20), KEY k (k))');
  await ok(a, "INSERT INTO t VALUES (1, 10, 'one'), (2, 20, 'two'), (3, 30, 'three')");
  return { a, b };
}

/** execute(), counting the promises it makes before it returns. */
function executeCounted(
  statement: PreparedStatement,
  params: readonly SqlValue[],
): { answer: Result | Promise<Result>; made: number } {
  let made = 0;
  const hook = createHook({
    init: (_id, type) => {
      if (type === 'PROMISE') made++;
    },
  }).enable();
  try {
    return { answer: statement.execute(params), made };
  } finally {
    hook.disable();
  }
}

function affected(result: Result): number {
  if (result.kind !== 'ok') throw new Error(`expected an OK, got ${result.kind}`);
  return result.affectedRows;
}

describe('DML on cached rows with every lock granted', () => {
  it('answers at once, making no promise, and writes what the promise path writes', async () => {
    const { a } = await setup();
    const begin = await a.prepare('BEGIN');
    const byIndex = await a.prepare('UPDATE t SET k = k + 1 WHERE id = ?');
    const byColumn = await a.prepare('UPDATE t SET c = ? WHERE id = ?');
    const remove = await a.prepare('DELETE FROM t WHERE id = ?');
    const insert = await a.prepare('INSERT INTO t (id, k, c) VALUES (?, ?, ?)');
    // A first round makes the plans and caches the pages.
    await begin.execute([]);
    await byIndex.execute([1n]);
    await byColumn.execute(['x', 2n]);
    await remove.execute([3n]);
    await insert.execute([3n, 33n, 'three']);
    await ok(a, 'COMMIT');
    const steps: [PreparedStatement, SqlValue[], number][] = [
      [begin, [], 0],
      [byIndex, [1n], 1],
      [byColumn, ['y', 2n], 1],
      [remove, [3n], 1],
      [insert, [4n, 40n, 'four'], 1],
      [byColumn, ['y', 2n], 0], // matched, unchanged
    ];
    for (const [statement, params, rows] of steps) {
      const { answer, made } = executeCounted(statement, params);
      expect(made).toBe(0);
      expect(answer instanceof Promise).toBe(false);
      expect(affected(await answer)).toBe(rows);
    }
    await ok(a, 'COMMIT');
    expect(await query(a, 'SELECT id, k, c FROM t ORDER BY id')).toEqual([
      [1n, 12n, 'one'],
      [2n, 20n, 'y'],
      [4n, 40n, 'four'],
    ]);
    // The secondary index agrees with the rows (R7).
    expect(await query(a, 'SELECT id, k FROM t FORCE INDEX (k) WHERE k > 0 ORDER BY k')).toEqual([
      [1n, 12n],
      [2n, 20n],
      [4n, 40n],
    ]);
  });

  it('rejects a duplicate key at once as a promise, undoing only that statement', async () => {
    const { a } = await setup();
    const insert = await a.prepare('INSERT INTO t (id, k, c) VALUES (?, ?, ?)');
    await ok(a, 'BEGIN');
    await insert.execute([5n, 50n, 'five']);
    const { answer } = executeCounted(insert, [1n, 11n, 'dup']);
    expect(answer instanceof Promise).toBe(true);
    await expect(answer).rejects.toMatchObject({ errno: 1062 });
    await ok(a, 'COMMIT');
    expect(await query(a, 'SELECT id, k FROM t WHERE k IN (10, 11, 50) ORDER BY id')).toEqual([
      [1n, 10n],
      [5n, 50n],
    ]);
  });
});

describe('DML that has to wait', () => {
  it('goes on from a row lock wait as a promise, with the same answer', async () => {
    const { a, b } = await setup();
    const byIndex = await b.prepare('UPDATE t SET k = k + 1 WHERE id = ?');
    await b.execute('BEGIN');
    await byIndex.execute([2n]); // plans made, pages cached
    await ok(b, 'ROLLBACK');
    await ok(a, 'BEGIN');
    await ok(a, 'UPDATE t SET k = 100 WHERE id = 2');
    await ok(b, 'BEGIN');
    const { answer } = executeCounted(byIndex, [2n]);
    expect(answer instanceof Promise).toBe(true);
    let settled = false;
    void Promise.resolve(answer).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false); // waiting for a's lock
    await ok(a, 'COMMIT');
    expect(affected(await answer)).toBe(1);
    await ok(b, 'COMMIT');
    expect(await query(a, 'SELECT k FROM t WHERE id = 2')).toEqual([[101n]]);
    expect(await query(a, 'SELECT id FROM t FORCE INDEX (k) WHERE k = 101')).toEqual([[2n]]);
  });

  it('checks a UNIQUE index and fires triggers on the promise path', async () => {
    const { a } = await setup();
    await ok(a, 'CREATE TABLE u (id INT PRIMARY KEY, e CHAR(10), UNIQUE KEY e (e))');
    await ok(a, 'CREATE TABLE log (n INT)');
    await ok(a, 'CREATE TRIGGER tu AFTER UPDATE ON t FOR EACH ROW INSERT INTO log VALUES (NEW.k)');
    const insert = await a.prepare('INSERT INTO u VALUES (?, ?)');
    await insert.execute([1n, 'a']);
    await insert.execute([2n, 'b']);
    await expect(Promise.resolve(insert.execute([3n, 'a']))).rejects.toMatchObject({
      errno: 1062,
    });
    const update = await a.prepare('UPDATE t SET k = ? WHERE id = ?');
    expect(affected(await update.execute([70n, 1n]))).toBe(1);
    expect(affected(await update.execute([70n, 1n]))).toBe(0);
    expect(await query(a, 'SELECT id, e FROM u ORDER BY id')).toEqual([
      [1n, 'a'],
      [2n, 'b'],
    ]);
    expect(await query(a, 'SELECT n FROM log')).toEqual([[70n], [70n]]);
  });
});
