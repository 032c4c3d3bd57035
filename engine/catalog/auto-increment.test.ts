/**
 * AUTO_INCREMENT through Session.execute: generated and explicit values, LAST_INSERT_ID() and
 * the OK packet's id, auto_increment_increment/_offset, gaps after ROLLBACK, the counter kept
 * across a restart (InnoDB 8) and a crash (a reserve ahead, never a value reused), AUTO_INCREMENT
 * = n, a secondary-index-led column, what an INSERT ships, and MySQL's definition errors.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Engine, Result, Row, Session } from '../api.js';
import { MemoryStorage, MemoryStorageClient } from '../btree/testing.js';
import { createEngine } from '../engine.js';
import { SqlError } from '../errors.js';
import { COUNTER_RESERVE } from './auto-increment.js';

const log = pino({ level: 'silent' });

async function query(s: Session, sql: string): Promise<Row[]> {
  const result: Result = await s.execute(sql);
  if (result.kind !== 'rows') throw new Error('rows expected');
  const rows: Row[] = [];
  for await (const batch of result.rows) rows.push(...batch);
  return rows;
}

async function insertId(s: Session, sql: string): Promise<bigint> {
  const result = await s.execute(sql);
  if (result.kind !== 'ok') throw new Error('ok expected');
  return result.lastInsertId;
}

async function errno(s: Session, sql: string): Promise<number> {
  try {
    await s.execute(sql);
  } catch (e) {
    if (e instanceof SqlError) return e.errno;
    throw e;
  }
  throw new Error(`expected an error from ${sql}`);
}

async function volume(): Promise<{
  engine: Engine;
  restart: () => Promise<Engine>;
  storage: MemoryStorage;
}> {
  const storage = new MemoryStorage();
  const start = (): Promise<Engine> =>
    createEngine({ storage: new MemoryStorageClient(storage), log, bufferPoolPages: 64 });
  return { engine: await start(), restart: start, storage };
}

let connections = 0;
async function session(engine: Engine): Promise<Session> {
  const s = engine.openSession({ connectionId: ++connections, user: 'root', host: 'localhost' });
  await s.execute('CREATE DATABASE IF NOT EXISTS a');
  await s.useDatabase('a');
  return s;
}

describe('AUTO_INCREMENT', () => {
  it('generates, follows explicit values, and reports the first generated id', async () => {
    const { engine } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5))');
    expect(await insertId(s, "INSERT INTO t (v) VALUES ('a')")).toBe(1n);
    expect(await insertId(s, "INSERT INTO t (v) VALUES ('b'), ('c')")).toBe(2n);
    expect(await query(s, 'SELECT LAST_INSERT_ID()')).toEqual([[2n]]);
    expect(await insertId(s, "INSERT INTO t VALUES (10, 'd')")).toBe(10n);
    expect(await query(s, 'SELECT LAST_INSERT_ID()')).toEqual([[2n]]);
    expect(await insertId(s, "INSERT INTO t VALUES (NULL, 'e'), (0, 'f')")).toBe(11n);
    await s.execute('BEGIN');
    await s.execute("INSERT INTO t (v) VALUES ('x')");
    await s.execute('ROLLBACK');
    expect(await insertId(s, "INSERT INTO t (v) VALUES ('g')")).toBe(14n); // 13 is a gap
    expect(await query(s, 'SELECT id FROM t')).toEqual(
      [1n, 2n, 3n, 10n, 11n, 12n, 14n].map((n) => [n]),
    );
    expect(await query(s, 'SELECT LAST_INSERT_ID(42), LAST_INSERT_ID()')).toEqual([[42n, 42n]]);
    await engine.close();
  });

  it('reports only ids of rows inserted after a duplicate is updated or ignored', async () => {
    const { engine } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE u (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, ' +
      'code CHAR(3) NOT NULL, n INT, UNIQUE KEY (code))');
    const lii = async (): Promise<Row[]> => query(s, 'SELECT LAST_INSERT_ID()');
    const upsert = (rows: string): string =>
      `INSERT INTO u (code, n) VALUES ${rows} ON DUPLICATE KEY UPDATE n = VALUES(n)`;
    expect(await insertId(s, "INSERT INTO u (code, n) VALUES ('abc', 1), ('def', 2)")).toBe(1n);
    // An update by ON DUPLICATE KEY UPDATE: the updated row's id when it changed, else 0;
    // LAST_INSERT_ID() unchanged either way (MariaDB 10.11's answers to these statements).
    expect(await insertId(s, upsert("('def', 9)"))).toBe(2n);
    expect(await lii()).toEqual([[1n]]);
    expect(await insertId(s, upsert("('def', 9)"))).toBe(0n);
    expect(await lii()).toEqual([[1n]]);
    // A single row's duplicate keeps the id it consumed (3 and 4 are gaps); in a statement of
    // several rows the next row takes it back (MySQL's restore_auto_increment).
    expect(await insertId(s, upsert("('abc', 5), ('jkl', 6)"))).toBe(5n);
    expect(await query(s, "SELECT id FROM u WHERE code = 'jkl'")).toEqual([[5n]]);
    expect(await lii()).toEqual([[5n]]);
    expect(await insertId(s, "INSERT IGNORE INTO u (code, n) VALUES ('abc', 5)")).toBe(0n);
    expect(await lii()).toEqual([[5n]]);
    const ignored = "INSERT IGNORE INTO u (code, n) VALUES ('abc', 1), ('mno', 2), ('def', 3), " +
      "('pqr', 4)";
    expect(await insertId(s, ignored)).toBe(8n); // 7 went to the single-row IGNORE above
    expect(await query(s, "SELECT id FROM u WHERE code IN ('mno', 'pqr') ORDER BY id")).toEqual(
      [[8n], [9n]],
    );
    // The upsert idiom: id = LAST_INSERT_ID(id) names the row updated.
    const idiom = "INSERT INTO u (code, n) VALUES ('def', 10) " +
      'ON DUPLICATE KEY UPDATE n = VALUES(n), id = LAST_INSERT_ID(id)';
    expect(await insertId(s, idiom)).toBe(2n);
    expect(await lii()).toEqual([[2n]]);
    await engine.close();
  });

  it('steps by auto_increment_increment from auto_increment_offset', async () => {
    const { engine } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    await s.execute('SET auto_increment_increment = 10, auto_increment_offset = 3');
    await s.execute('INSERT INTO t (v) VALUES (1), (2)');
    await s.execute('INSERT INTO t VALUES (25, 3)');
    await s.execute('INSERT INTO t (v) VALUES (4)');
    expect(await query(s, 'SELECT id FROM t')).toEqual([[3n], [13n], [25n], [33n]]);
    await engine.close();
  });

  it('keeps the counter across a restart and past deleted rows; AUTO_INCREMENT = n', async () => {
    const { engine, restart } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    await s.execute('CREATE TABLE u (k INT AUTO_INCREMENT, v INT, KEY (k)) AUTO_INCREMENT = 100');
    await s.execute('INSERT INTO t (v) VALUES (1), (2), (3)');
    await s.execute('DELETE FROM t WHERE id = 3');
    await s.execute('INSERT INTO u (v) VALUES (1)');
    await engine.close();
    const again = await session(await restart());
    expect(await insertId(again, 'INSERT INTO t (v) VALUES (4)')).toBe(4n);
    expect(await insertId(again, 'INSERT INTO u (v) VALUES (2)')).toBe(101n);
    expect(await query(again, 'SELECT k FROM u')).toEqual([[100n], [101n]]);
  });

  it('after a crash resumes past every committed value, at most the reserve ahead', async () => {
    const { engine, restart } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    const n = Number(COUNTER_RESERVE) + 50; // the counter passes its first reserve
    for (let i = 1; i <= n; i++) {
      expect(await insertId(s, `INSERT INTO t (v) VALUES (${i})`)).toBe(BigInt(i));
    }
    await s.execute(`DELETE FROM t WHERE id > ${Number(COUNTER_RESERVE)}`); // the largest rows
    // No close: the volume is left as a crash leaves it, its counter as the commits wrote it.
    const again = await session(await restart());
    const id = await insertId(again, 'INSERT INTO t (v) VALUES (0)');
    expect(id).toBeGreaterThan(BigInt(n)); // no committed row's value handed out again
    expect(id).toBeLessThanOrEqual(BigInt(n) + COUNTER_RESERVE);
    await engine.close();
  });

  it('ships two records per single-row INSERT, not a counter record each (issue 8)', async () => {
    const { engine, storage } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, k INT, KEY (k))');
    await s.execute('INSERT INTO t (k) VALUES (0)');
    const before = storage.records.length;
    const inserts = 300;
    for (let i = 1; i <= inserts; i++) await s.execute(`INSERT INTO t (k) VALUES (${i % 7})`);
    // A cell in the primary key's leaf and one in k's per row; a counter record per reserve,
    // and a few for leaves that split. A counter written per commit would make it three.
    expect((storage.records.length - before) / inserts).toBeLessThan(2.2);
    await engine.close();
  });

  it('hands consecutive values to each of many concurrent inserts', async () => {
    const { engine } = await volume();
    const s = await session(engine);
    await s.execute('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, w INT)');
    const sessions = await Promise.all(Array.from({ length: 6 }, () => session(engine)));
    const firsts = await Promise.all(
      sessions.map((c, w) => insertId(c, `INSERT INTO t (w) VALUES (${w}), (${w}), (${w})`)),
    );
    const rows = await query(s, 'SELECT id, w FROM t');
    expect(rows.length).toBe(18);
    for (const [w, first] of firsts.entries()) {
      const mine = rows.filter((r) => r[1] === BigInt(w)).map((r) => r[0]);
      expect(mine).toEqual([first, first + 1n, first + 2n]);
    }
    await engine.close();
  });

  it('refuses bad AUTO_INCREMENT definitions as MySQL does', async () => {
    const { engine } = await volume();
    const s = await session(engine);
    expect(await errno(s, 'CREATE TABLE b (id INT AUTO_INCREMENT, v INT)')).toBe(1075);
    expect(await errno(s, 'CREATE TABLE b (id DECIMAL(5) AUTO_INCREMENT PRIMARY KEY)')).toBe(1063);
    expect(
      await errno(
        s,
        'CREATE TABLE b (a INT AUTO_INCREMENT PRIMARY KEY, b INT AUTO_INCREMENT, KEY (b))',
      ),
    ).toBe(1075);
    const defaulted = 'CREATE TABLE b (id INT AUTO_INCREMENT DEFAULT 5 PRIMARY KEY)';
    expect(await errno(s, defaulted)).toBe(1067);
    await s.execute('CREATE TABLE tiny (id TINYINT AUTO_INCREMENT PRIMARY KEY)');
    await s.execute('INSERT INTO tiny VALUES (127)');
    expect(await errno(s, 'INSERT INTO tiny VALUES (NULL)')).toBe(1062);
    await engine.close();
  });
});
