/**
 * INSERT forms (IGNORE, ON DUPLICATE KEY UPDATE with VALUES() and the row alias, REPLACE,
 * INSERT … SELECT, SET, DEFAULT) with MySQL's affected-row counts, info strings and warnings.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

async function fixture(): Promise<Session> {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(
    s,
    'CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(50) UNIQUE, n INT NOT NULL DEFAULT 0)',
  );
  return s;
}

describe('INSERT forms', () => {
  it('IGNORE skips duplicates with warnings', async () => {
    const s = await fixture();
    await ok(s, "INSERT INTO t VALUES (1, 'a', 1)");
    const r = await ok(s, "INSERT  IGNORE INTO t VALUES (1, 'x', 2), (2, 'a', 3), (3, 'c', 4)");
    expect([r.affectedRows, r.info]).toEqual([1, 'Records: 3  Duplicates: 2  Warnings: 2']);
    expect(await query(s, 'SHOW WARNINGS')).toEqual([
      ['Warning', 1062n, "Duplicate entry '1' for key 't.PRIMARY'"],
      ['Warning', 1062n, "Duplicate entry 'a' for key 't.email'"],
    ]);
    expect(await query(s, 'SELECT id FROM t ORDER BY id')).toEqual([[1n], [3n]]);
  });

  it('ON DUPLICATE KEY UPDATE counts 1, 2 and 0', async () => {
    const s = await fixture();
    let r = await ok(s, "INSERT INTO t VALUES (1, 'a', 1) ON DUPLICATE KEY UPDATE n = n + 1");
    expect(r.affectedRows).toBe(1);
    r = await ok(s, "INSERT INTO t VALUES (1, 'a', 1) ON DUPLICATE KEY UPDATE n = n + VALUES(n)");
    expect([r.affectedRows, r.matchedRows]).toEqual([2, 2]);
    r = await ok(
      s,
      "INSERT INTO t VALUES (1, 'a', 5) AS new ON DUPLICATE KEY UPDATE n = new.n - 3",
    );
    expect([r.affectedRows, r.matchedRows]).toEqual([0, 1]);
    expect(await query(s, 'SELECT * FROM t')).toEqual([[1n, 'a', 2n]]);
    r = await ok(
      s,
      "INSERT INTO t (id, email, n) VALUES (2, 'a', 9) AS x(i, e, m) ON DUPLICATE KEY UPDATE n = m",
    );
    expect(r.affectedRows).toBe(2);
    expect(await query(s, 'SELECT * FROM t')).toEqual([[1n, 'a', 9n]]);
  });

  it('REPLACE deletes the old rows', async () => {
    const s = await fixture();
    await ok(s, "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)");
    const r = await ok(s, "REPLACE INTO t VALUES (1, 'b', 3)");
    expect(r.affectedRows).toBe(3);
    expect(await query(s, 'SELECT * FROM t')).toEqual([[1n, 'b', 3n]]);
  });

  it('INSERT … SELECT, SET and DEFAULT', async () => {
    const s = await fixture();
    await ok(s, "INSERT INTO t SET id = 1, email = 'a'");
    await ok(s, "INSERT INTO t VALUES (2, 'b', DEFAULT), (3, DEFAULT, DEFAULT(n))");
    await ok(s, 'CREATE TABLE u (id INT PRIMARY KEY, n INT)');
    const r = await ok(s, 'INSERT INTO u SELECT id, n FROM t WHERE id > 1');
    expect([r.affectedRows, r.info]).toEqual([2, 'Records: 2  Duplicates: 0  Warnings: 0']);
    expect(await query(s, 'SELECT * FROM u ORDER BY id')).toEqual([[2n, 0n], [3n, 0n]]);
    expect((await failure(s, 'INSERT INTO t (id) VALUES (4, 5)')).errno).toBe(1136);
    expect((await failure(s, "INSERT INTO t (id, n) VALUES (5, NULL)")).errno).toBe(1048);
    await ok(s, 'INSERT IGNORE INTO t (id, n) VALUES (5, NULL)');
    expect(await query(s, 'SELECT n FROM t WHERE id = 5')).toEqual([[0n]]);
  });
});

describe('multi-table UPDATE and DELETE', () => {
  it('updates and deletes through joins, each row once', async () => {
    const s = await fixture();
    await ok(s, "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
    await ok(s, 'CREATE TABLE u (tid INT, bonus INT)');
    await ok(s, 'INSERT INTO u VALUES (1, 10), (1, 20), (2, 5)');
    const r = await ok(
      s,
      'UPDATE t JOIN u ON u.tid = t.id SET t.n = t.n + u.bonus WHERE u.bonus > 1',
    );
    expect([r.affectedRows, r.info]).toEqual([2, 'Rows matched: 2  Changed: 2  Warnings: 0']);
    expect(await query(s, 'SELECT id, n FROM t ORDER BY id')).toEqual([
      [1n, 11n],
      [2n, 7n],
      [3n, 3n],
    ]);
    await ok(s, 'UPDATE t, u SET n = 0 WHERE t.id = u.tid AND u.bonus = 5');
    expect(await query(s, 'SELECT n FROM t WHERE id = 2')).toEqual([[0n]]);
    const d = await ok(s, 'DELETE t FROM t JOIN u ON u.tid = t.id WHERE u.bonus >= 10');
    expect(d.affectedRows).toBe(1);
    await ok(s, 'DELETE FROM t USING t LEFT JOIN u ON u.tid = t.id WHERE u.tid IS NULL');
    expect(await query(s, 'SELECT id FROM t ORDER BY id')).toEqual([[2n]]);
    expect((await failure(s, 'DELETE x FROM t JOIN u ON u.tid = t.id')).errno).toBe(1109);
  });
});
