/**
 * Behaviours the SQL differential suite found missing, through a Session: <=>, DEFAULT(col) in
 * expressions and `SET c = DEFAULT`, single-table UPDATE / DELETE with subqueries (and 1093),
 * LOCK TABLES aliases, invalid views (1356) and MERGE refused (1354), ALTER's row counts and
 * generated columns computed for the rows an ALTER adds them to.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

async function fixture(): Promise<Session> {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  return s;
}

describe('expressions and DML', () => {
  it('reads <=> as null-safe equality, also beside <=', async () => {
    const s = await fixture();
    const rows = await query(
      s,
      'SELECT NULL <=> NULL, 1 <=> NULL, 2 <=> 2, 2 <= 3, (1 <=> 1) <= 0',
    );
    expect(rows[0]?.map(String)).toEqual(['1', '0', '1', '1', '0']);
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO t VALUES (1, NULL), (2, 2)');
    expect((await query(s, 'SELECT id FROM t WHERE v <=> NULL')).map((r) => String(r[0]))).toEqual([
      '1',
    ]);
  });

  it('takes DEFAULT(col) inside expressions and SET c = DEFAULT', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, a INT DEFAULT 5)');
    await ok(s, 'INSERT INTO t VALUES (1, DEFAULT(a) + 1)');
    await ok(s, 'INSERT INTO t VALUES (2, 100)');
    await ok(s, 'UPDATE t SET a = DEFAULT WHERE id = 2');
    await ok(s, 'UPDATE t SET a = DEFAULT(a) * 3 WHERE id = 1');
    expect((await query(s, 'SELECT a FROM t ORDER BY id')).map((r) => String(r[0]))).toEqual([
      '15',
      '5',
    ]);
  });

  it('runs single-table UPDATE / DELETE with subqueries; refuses one reading the target',
    async () => {
      const s = await fixture();
      await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v INT)');
      await ok(s, 'CREATE TABLE u (id INT PRIMARY KEY)');
      await ok(s, 'INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)');
      await ok(s, 'INSERT INTO u VALUES (2), (3)');
      await ok(s, 'UPDATE t SET v = v + 10 WHERE id IN (SELECT id FROM u)');
      await ok(s, 'DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id AND u.id = 3)');
      expect(
        (await query(s, 'SELECT id, v FROM t ORDER BY id')).map((r) => r.map(String)),
      ).toEqual([
        ['1', '1'], ['2', '12'],
      ]);
      expect((await failure(s, 'UPDATE t SET v = 0 WHERE id IN (SELECT id FROM t)')).errno).toBe(
        1093,
      );
    });
});

describe('schema', () => {
  it('matches LOCK TABLES by alias, as MySQL does', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE a (id INT PRIMARY KEY)');
    await ok(s, 'LOCK TABLES a AS x READ');
    expect(await query(s, 'SELECT * FROM a AS x')).toEqual([]);
    expect((await failure(s, 'SELECT * FROM a')).errno).toBe(1100);
    await ok(s, 'UNLOCK TABLES');
    await ok(s, 'LOCK TABLES a READ');
    expect((await failure(s, 'SELECT * FROM a AS y')).errno).toBe(1100);
    await ok(s, 'UNLOCK TABLES');
  });

  it('reports a view over a dropped table as invalid, and a refused MERGE', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE t (x INT)');
    await ok(s, 'CREATE ALGORITHM = MERGE VIEW g AS SELECT COUNT(*) AS n FROM t');
    expect((await query(s, 'SHOW WARNINGS')).map((r) => String(r[1]))).toEqual(['1354']);
    expect(String((await query(s, 'SHOW CREATE VIEW g'))[0]?.[1])).toContain('ALGORITHM=UNDEFINED');
    await ok(s, 'CREATE VIEW v AS SELECT x FROM t');
    await ok(s, 'DROP TABLE t');
    expect((await failure(s, 'SELECT * FROM v')).errno).toBe(1356);
  });

  it('computes generated columns for the rows an ALTER adds them to', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, w INT)');
    await ok(s, 'INSERT INTO t VALUES (1, 2), (2, 4)');
    await ok(s, 'ALTER TABLE t ADD COLUMN twice INT AS (w * 2)');
    await ok(s, 'ALTER TABLE t ADD COLUMN half INT AS (w / 2) STORED');
    expect(
      (await query(s, 'SELECT twice, half FROM t ORDER BY id')).map((r) => r.map(String)),
    ).toEqual([
      ['4', '1'], ['8', '2'],
    ]);
  });
});
