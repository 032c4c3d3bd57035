/**
 * Sessions as the server sees them: KILL QUERY / KILL CONNECTION interrupting a running
 * statement, SHOW PROCESSLIST, COM_STATISTICS, COM_FIELD_LIST, COM_RESET_CONNECTION and
 * COM_CHANGE_USER.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from './api.js';
import type { EngineClock } from './clock.js';
import { SqlError } from './errors.js';
import {
  errorOf,
  failure,
  memoryEngine,
  ok,
  openSession,
  query,
  scalar,
} from './testing/sessions.js';

async function withRows(s: Session, n: number): Promise<void> {
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) DEFAULT 'x', n INT)");
  for (let i = 1; i <= n; i += 500) {
    const values = [];
    for (let j = i; j < Math.min(i + 500, n + 1); j++) values.push(`(${j}, 'v${j}', ${j})`);
    await ok(s, `INSERT INTO t VALUES ${values.join(',')}`);
  }
}

describe('KILL', () => {
  it('KILL QUERY interrupts a running statement with 1317; the session goes on', async () => {
    const engine = await memoryEngine();
    const a = openSession(engine, { connectionId: 101 });
    const b = openSession(engine, { connectionId: 102 });
    await withRows(a, 3000);
    const result = await a.execute('SELECT * FROM t');
    if (result.kind !== 'rows') throw new Error('rows');
    const reader = result.rows[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(first.done).toBe(false);
    await ok(b, 'KILL QUERY 101');
    const e = await errorOf(
      (async () => {
        for (;;) if ((await reader.next()).done === true) return;
      })(),
    );
    expect([e.errno, e.sqlState, e.message]).toEqual([
      1317,
      '70100',
      'Query execution was interrupted',
    ]);
    expect(await query(a, 'SELECT id FROM t WHERE id = 5')).toEqual([[5n]]);
  });

  it('KILL QUERY interrupts a long UPDATE and changes nothing', async () => {
    const engine = await memoryEngine();
    const a = openSession(engine, { connectionId: 111 });
    const b = openSession(engine, { connectionId: 112 });
    await withRows(a, 3000);
    const running = a.execute('UPDATE t SET n = n + 1');
    await ok(b, 'KILL QUERY 111');
    const e = await errorOf(running);
    expect(e.errno).toBe(1317);
    expect(await query(a, 'SELECT n FROM t WHERE id = 7')).toEqual([[7n]]);
  });

  it('KILL CONNECTION calls onKill and fails every later statement', async () => {
    const engine = await memoryEngine();
    let killed = 0;
    const a = openSession(engine, { connectionId: 121, onKill: () => killed++ });
    const b = openSession(engine, { connectionId: 122 });
    await ok(b, 'KILL 121');
    expect(killed).toBe(1);
    expect((await failure(a, 'SELECT 1')).errno).toBe(1317);
    const self = openSession(engine, { connectionId: 123, onKill: () => killed++ });
    expect((await failure(self, 'KILL CONNECTION 123')).errno).toBe(1317);
    expect(killed).toBe(2);
  });

  it('answers an unknown thread with 1094', async () => {
    const s = openSession(await memoryEngine());
    const e = await failure(s, 'KILL QUERY 99999');
    expect([e.errno, e.message]).toEqual([1094, 'Unknown thread id: 99999']);
  });
});

describe('SHOW PROCESSLIST and COM_STATISTICS', () => {
  it('lists sessions with what they are doing', async () => {
    let now = 0;
    const clock: EngineClock = { now: () => now, wallNow: () => 0 };
    const engine = await memoryEngine({ clock });
    const a = openSession(engine, { connectionId: 201, user: 'root', host: 'localhost' });
    const b = openSession(engine, { connectionId: 202, user: 'root', host: '10.0.0.2:5000' });
    await ok(a, 'CREATE DATABASE d');
    await ok(a, 'USE d');
    now += 5_000;
    const result = await b.execute('SHOW PROCESSLIST');
    if (result.kind !== 'rows') throw new Error('rows');
    expect(result.columns.map((c) => c.name)).toEqual([
      'Id',
      'User',
      'Host',
      'db',
      'Command',
      'Time',
      'State',
      'Info',
    ]);
    expect(await query(b, 'SHOW FULL PROCESSLIST')).toEqual([
      [201n, 'root', 'localhost', 'd', 'Sleep', 5n, '', null],
      [202n, 'root', '10.0.0.2:5000', null, 'Query', 0n, 'executing', 'SHOW FULL PROCESSLIST'],
    ]);
    expect(engine.statistics()).toMatch(/^Uptime: 5 {2}Threads: 2 {2}Questions: 4 {2}/);
    await a.close();
    expect((await query(b, 'SHOW PROCESSLIST')).map((r) => r[0])).toEqual([202n]);
  });
});

describe('COM_FIELD_LIST', () => {
  it('gives the columns matching a wildcard, with defaults', async () => {
    const s = openSession(await memoryEngine());
    await withRows(s, 1);
    const fields = await s.fieldList('t', '');
    expect(
      fields.map((f) => [f.column.name, f.column.orgTable, f.column.type, f.defaultValue]),
    ).toEqual([
      ['id', 't', 'LONG', null],
      ['v', 't', 'VAR_STRING', 'x'],
      ['n', 't', 'LONG', null],
    ]);
    expect((await s.fieldList('t', 'V%')).map((f) => f.column.name)).toEqual(['v']);
    expect((await errorOf(s.fieldList('nope', ''))).errno).toBe(1146);
    const other = openSession(await memoryEngine());
    expect((await errorOf(other.fieldList('t', ''))).errno).toBe(1046);
  });
});

describe('COM_RESET_CONNECTION and COM_CHANGE_USER', () => {
  it('reset drops variables and prepared statements, keeps user and database', async () => {
    const s = openSession(await memoryEngine(), { user: 'root' });
    await withRows(s, 3);
    await ok(s, "SET @a = 1, sql_mode = '', wait_timeout = 5");
    const stmt = await s.prepare('SELECT 1');
    await s.reset();
    expect(await query(s, 'SELECT @a, @@wait_timeout, DATABASE()')).toEqual([[null, 28_800n, 'd']]);
    expect(await scalar(s, 'SELECT @@sql_mode')).toContain('STRICT_TRANS_TABLES');
    expect((await errorOf(stmt.execute([]))).errno).toBe(1243);
    expect(s.status.warningCount).toBe(0);
  });

  it('change user resets and switches identity and database', async () => {
    const engine = await memoryEngine();
    const s = openSession(engine, { user: 'root', host: 'localhost' });
    await withRows(s, 1);
    await ok(s, 'CREATE DATABASE e');
    await ok(s, "CREATE USER bob IDENTIFIED BY 'pw'");
    await ok(s, 'GRANT SELECT ON e.* TO bob');
    await ok(s, 'SET @a = 1');
    await s.changeUser('bob', '10.1.2.3', 'e');
    expect(await query(s, 'SELECT USER(), CURRENT_USER(), DATABASE(), @a')).toEqual([
      ['bob@10.1.2.3', 'bob@%', 'e', null],
    ]);
    expect((await failure(s, 'SELECT * FROM d.t')).errno).toBe(1142);
    const e = await errorOf(s.changeUser('root', 'localhost', 'nope'));
    expect(e).toBeInstanceOf(SqlError);
    expect(e.errno).toBe(1049);
  });
});
