/**
 * Prepared statements through Session.prepare and SQL-level PREPARE / EXECUTE / DEALLOCATE:
 * every parameter type of the seam, MySQL's coercions (LIMIT ? as DOUBLE), statements of every
 * kind, plan reuse by parameter types, max_prepared_stmt_count, and raw bytes into BLOBs.
 */
import { describe, expect, it } from 'vitest';
import type { Result, Session } from './api.js';
import {
  errorOf,
  failure,
  memoryEngine,
  ok,
  openSession,
  query,
  rowsOf,
  scalar,
} from './testing/sessions.js';

async function setup(): Promise<Session> {
  const s = openSession(await memoryEngine());
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(
    s,
    'CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8,2), ' +
      'at DATETIME, data BLOB)',
  );
  await ok(s, "INSERT INTO t VALUES (1, 'apple', 1.50, '2024-01-02 03:04:05', NULL)");
  await ok(s, "INSERT INTO t VALUES (2, 'pear', 2.25, '2024-02-03 04:05:06', NULL)");
  await ok(s, "INSERT INTO t VALUES (3, 'plum', 3.00, '2024-03-04 05:06:07', NULL)");
  return s;
}

async function rows(result: Result | Promise<Result>): Promise<unknown[][]> {
  return (await rowsOf(await result)) as unknown[][];
}

describe('Session.prepare', () => {
  it('reports parameters and result columns, then executes with each parameter type', async () => {
    const s = await setup();
    const stmt = await s.prepare('SELECT id, name FROM t WHERE id = ?');
    expect(stmt.paramCount).toBe(1);
    expect(stmt.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'LONGLONG'],
      ['name', 'VAR_STRING'],
    ]);
    expect(await rows(stmt.execute([2n]))).toEqual([[2n, 'pear']]);
    expect(await rows(stmt.execute([3]))).toEqual([[3n, 'plum']]);
    expect(await rows(stmt.execute(['1']))).toEqual([[1n, 'apple']]);
    expect(await rows(stmt.execute([null]))).toEqual([]);
    expect(await rows(stmt.execute([Buffer.from('2')]))).toEqual([[2n, 'pear']]);
    const byName = await s.prepare('SELECT id FROM t WHERE name = ? OR price = ? OR at = ?');
    expect(byName.paramCount).toBe(3);
    expect(await rows(byName.execute(['pear', '3.00', '2024-01-02 03:04:05']))).toEqual([
      [1n],
      [2n],
      [3n],
    ]);
    stmt.close();
    byName.close();
  });

  it('binds LIMIT ? and OFFSET from BIGINT, DOUBLE (as mysql2 sends) and strings', async () => {
    const s = await setup();
    const stmt = await s.prepare('SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?');
    expect(await rows(stmt.execute([2, 1]))).toEqual([[2n], [3n]]);
    expect(await rows(stmt.execute([1n, 0n]))).toEqual([[1n]]);
    expect(await rows(stmt.execute(['2', '0']))).toEqual([[1n], [2n]]);
    expect((await errorOf(stmt.execute([1.5, 0]))).errno).toBe(1210);
    expect((await errorOf(stmt.execute([-1, 0]))).errno).toBe(1210);
    const limited = await s.prepare('SELECT id FROM t LIMIT ?, ?');
    expect(await rows(limited.execute([1, 1]))).toEqual([[2n]]);
  });

  it('prepares every kind of statement: DML, DDL, SET, SHOW, transactions', async () => {
    const s = await setup();
    const insert = await s.prepare('INSERT INTO t (id, name, price) VALUES (?, ?, ?)');
    expect(insert.columns).toEqual([]);
    const inserted = await insert.execute([10n, 'kiwi', '4.75']);
    expect(inserted.kind === 'ok' && inserted.affectedRows).toBe(1);
    const update = await s.prepare('UPDATE t SET price = price + ? WHERE id = ?');
    await update.execute([1, 10n]);
    expect(await scalar(s, 'SELECT price FROM t WHERE id = 10')).toBe('5.75');
    const del = await s.prepare('DELETE FROM t WHERE id = ?');
    await del.execute([10n]);
    expect(await query(s, 'SELECT id FROM t WHERE id = 10')).toEqual([]);
    const ddl = await s.prepare('CREATE TABLE u (a INT PRIMARY KEY)');
    await ddl.execute([]);
    expect(await query(s, 'SHOW TABLES')).toEqual([['t'], ['u']]);
    const drop = await s.prepare('DROP TABLE u');
    await drop.execute([]);
    const set = await s.prepare('SET @x = ?');
    await set.execute(['hello']);
    expect(await scalar(s, 'SELECT @x')).toBe('hello');
    const show = await s.prepare("SHOW VARIABLES LIKE 'autocommit'");
    expect(await rows(show.execute([]))).toEqual([['autocommit', 'ON']]);
    const begin = await s.prepare('BEGIN');
    const commit = await s.prepare('COMMIT');
    await begin.execute([]);
    await commit.execute([]);
    expect((await errorOf(s.prepare('SELECT * FROM nope'))).errno).toBe(1146);
    expect((await errorOf(s.prepare('SELEKT 1'))).errno).toBe(1064);
    expect((await errorOf(s.prepare("PREPARE x FROM 'SELECT 1'"))).errno).toBe(1295);
  });

  it('checks the parameter count, refuses a closed statement, and a text ? is 1064', async () => {
    const s = await setup();
    const stmt = await s.prepare('SELECT ? + ?');
    expect((await errorOf(stmt.execute([1n]))).errno).toBe(1210);
    expect(await rows(stmt.execute([1n, 2n]))).toEqual([[3n]]);
    expect(await rows(stmt.execute([1.5, 2n]))).toEqual([[3.5]]);
    expect(await rows(stmt.execute(['1', '2']))).toEqual([[3]]);
    stmt.close();
    expect((await errorOf(stmt.execute([1n, 2n]))).errno).toBe(1243);
    expect((await failure(s, 'SELECT ?')).errno).toBe(1064);
  });

  it('re-plans when the catalog changes under a prepared statement', async () => {
    const s = await setup();
    const stmt = await s.prepare('SELECT * FROM t WHERE id = ?');
    expect((await rows(stmt.execute([1n])))[0]).toHaveLength(5);
    await ok(s, 'DROP TABLE t');
    await ok(s, 'CREATE TABLE t (id BIGINT PRIMARY KEY, x INT)');
    await ok(s, 'INSERT INTO t VALUES (1, 7)');
    expect(await rows(stmt.execute([1n]))).toEqual([[1n, 7n]]);
  });

  it('enforces max_prepared_stmt_count across sessions (1461) and frees on close', async () => {
    const engine = await memoryEngine();
    const a = openSession(engine);
    const b = openSession(engine);
    await ok(a, 'SET GLOBAL max_prepared_stmt_count = 2');
    const first = await a.prepare('SELECT 1');
    await b.prepare('SELECT 2');
    const e = await errorOf(b.prepare('SELECT 3'));
    expect([e.errno, e.message]).toEqual([
      1461,
      "Can't create more than max_prepared_stmt_count statements (current value: 2)",
    ]);
    expect(await query(a, "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")).toEqual([
      ['Prepared_stmt_count', '2'],
    ]);
    first.close();
    await b.prepare('SELECT 3');
    await b.close();
    expect(await query(a, "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")).toEqual([
      ['Prepared_stmt_count', '0'],
    ]);
    expect(await query(a, "SHOW STATUS LIKE 'Com_stmt_%'")).toEqual([
      ['Com_stmt_close', '1'],
      ['Com_stmt_execute', '0'],
      ['Com_stmt_prepare', '1'],
      ['Com_stmt_reset', '0'],
    ]);
  });
});

describe('SQL-level PREPARE / EXECUTE / DEALLOCATE', () => {
  it('runs with user variables as parameters', async () => {
    const s = await setup();
    const prepared = await ok(s, "PREPARE q FROM 'SELECT name FROM t WHERE id = ? OR id = ?'");
    expect(prepared.info).toBe('Statement prepared');
    await ok(s, 'SET @a = 1, @b = 3');
    expect(await query(s, 'EXECUTE q USING @a, @b')).toEqual([['apple'], ['plum']]);
    expect((await failure(s, 'EXECUTE q USING @a')).errno).toBe(1210);
    await ok(s, "SET @text = 'SELECT 40 + 2'");
    await ok(s, 'PREPARE q FROM @text');
    expect(await query(s, 'EXECUTE q')).toEqual([[42n]]);
    await ok(s, 'DEALLOCATE PREPARE q');
    const e = await failure(s, 'EXECUTE q');
    expect([e.errno, e.message]).toEqual([
      1243,
      'Unknown prepared statement handler (q) given to EXECUTE',
    ]);
    expect((await failure(s, 'DROP PREPARE q')).errno).toBe(1243);
  });
});

describe('raw bytes', () => {
  it('round-trips non-UTF-8 bytes in literals into a BLOB, byte for byte', async () => {
    const s = await setup();
    const raw = Buffer.from([0x00, 0xff, 0x10, 0xe9, 0x80, 0x27, 0x5c, 0xc3, 0xa9]);
    // The literal as mysqldump writes it: raw bytes, with \0, \' and \\ escaped.
    const escaped = Buffer.from([
      0x5c, 0x30, 0xff, 0x10, 0xe9, 0x80, 0x5c, 0x27, 0x5c, 0x5c, 0xc3, 0xa9,
    ]);
    const statement = Buffer.concat([
      Buffer.from("INSERT INTO t (id, data) VALUES (7, '"),
      escaped,
      Buffer.from("'), (8, _binary'"),
      escaped,
      Buffer.from("')"),
    ]);
    await ok(s, statement);
    const got = await query(s, 'SELECT data FROM t WHERE id IN (7, 8)');
    expect(got).toEqual([[raw], [raw]]);
    const result = await s.execute('SELECT data FROM t WHERE id = 7');
    if (result.kind !== 'rows') throw new Error('rows');
    expect([result.columns[0]?.type, result.columns[0]?.collation]).toEqual(['BLOB', 63]);
    const e = await failure(
      s,
      Buffer.concat([Buffer.from("UPDATE t SET name = '"), escaped, Buffer.from("' WHERE id = 7")]),
    );
    expect([e.errno, e.message]).toEqual([
      1366,
      "Incorrect string value: '\\xFF\\x10\\xE9\\x80'\\...' for column 'name' at row 1",
    ]);
  });

  it('stores text into binary columns as UTF-8 and compares binary strings bytewise', async () => {
    const s = openSession(await memoryEngine());
    await ok(s, 'CREATE DATABASE d');
    await ok(s, 'CREATE TABLE d.b (k VARBINARY(8) PRIMARY KEY, f BINARY(4))');
    await ok(s, "INSERT INTO d.b VALUES ('é', 'ab'), ('a', 'A')");
    expect(await query(s, 'SELECT k, f FROM d.b ORDER BY k')).toEqual([
      [Buffer.from('a'), Buffer.from('A\0\0\0')],
      [Buffer.from('é'), Buffer.from('ab\0\0')],
    ]);
    expect(await query(s, "SELECT k FROM d.b WHERE k = 'é'")).toEqual([[Buffer.from('é')]]);
    expect(await query(s, "SELECT k FROM d.b WHERE k = 'A'")).toEqual([]);
    expect((await failure(s, "INSERT INTO d.b VALUES ('123456789', '')")).errno).toBe(1406);
  });

  it('prepared statements carry Buffers as binary strings', async () => {
    const s = await setup();
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    const insert = await s.prepare('INSERT INTO t (id, data) VALUES (?, ?)');
    await insert.execute([9n, bytes]);
    const select = await s.prepare('SELECT data FROM t WHERE data = ?');
    expect(await rows(select.execute([bytes]))).toEqual([[bytes]]);
  });

  it('decodes statements per character_set_client', async () => {
    const s = await setup();
    await ok(s, 'SET NAMES latin1');
    await ok(
      s,
      Buffer.from([
        ...Buffer.from("UPDATE t SET name = 'caf"),
        0xe9,
        0x80,
        ...Buffer.from("' WHERE id = 1"),
      ]),
    );
    await ok(s, 'SET NAMES utf8mb4');
    expect(await scalar(s, 'SELECT name FROM t WHERE id = 1')).toBe('café€');
  });
});
