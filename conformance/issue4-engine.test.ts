/**
 * Issue 4's engine side through the wire with mysql2 against an in-process server (startServer,
 * six LMDB storage nodes in a temporary directory): prepared statements with mysql2's parameter
 * types (every number a DOUBLE, LIMIT ? too), SET / @@ / user variables, multi-statements,
 * accounts and grants enforced for a login, and KILL QUERY from a second connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../server/config.js';
import { type RunningServer, createRootLogger, startServer } from '../server/main.js';

let server: RunningServer;
let dir: string;
const connections: Connection[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'borealis-issue4-'));
  server = await startServer(
    { ...DEFAULT_CONFIG, port: 0, dataDir: dir, logLevel: 'silent' },
    createRootLogger({ logLevel: 'silent' }),
  );
}, 60_000);

afterAll(async () => {
  for (const c of connections) c.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(options: mysql.ConnectionOptions = {}): Promise<Connection> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    ...options,
  });
  connections.push(conn);
  return conn;
}

async function errno(work: Promise<unknown>): Promise<number | undefined> {
  try {
    await work;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
  return undefined;
}

describe('issue 4 engine through mysql2', () => {
  it('runs prepared statements with mysql2 parameter types, LIMIT ? included', async () => {
    const conn = await connect();
    await conn.query('CREATE DATABASE p');
    await conn.query('CREATE TABLE p.t (id BIGINT PRIMARY KEY, name VARCHAR(20), data BLOB)');
    for (let i = 1; i <= 5; i++) {
      await conn.execute('INSERT INTO p.t VALUES (?, ?, ?)', [i, `n${i}`, Buffer.from([i, 0xff])]);
    }
    const [rows] = await conn.execute<RowDataPacket[]>(
      'SELECT id, name, data FROM p.t WHERE id >= ? ORDER BY id LIMIT ?',
      [2, 2],
    );
    expect(rows.map((r) => [r.id, r.name, r.data])).toEqual([
      [2, 'n2', Buffer.from([2, 0xff])],
      [3, 'n3', Buffer.from([3, 0xff])],
    ]);
    const [none] = await conn.execute<RowDataPacket[]>('SELECT id FROM p.t WHERE name = ?', [null]);
    expect(none).toEqual([]);
  });

  it('SETs variables at connect, reads them back, runs multi-statements', async () => {
    const conn = await connect({ multipleStatements: true });
    await conn.query("SET time_zone = '+00:00'");
    const [vars] = await conn.query<RowDataPacket[]>(
      'SELECT @@time_zone AS tz, @@session.autocommit AS ac, @@version_comment AS vc',
    );
    expect(vars[0]).toEqual({ tz: '+00:00', ac: 1, vc: 'Borealis' });
    const [results] = await conn.query<RowDataPacket[][]>('SET @a = 41; SELECT @a + 1 AS b;');
    expect(results[1]?.[0]).toEqual({ b: 42 });
    const [shown] = await conn.query<RowDataPacket[]>("SHOW VARIABLES LIKE 'sql_mode'");
    expect(String(shown[0]?.Value)).toContain('STRICT_TRANS_TABLES');
  });

  it('enforces grants for a user who logs in', async () => {
    const root = await connect();
    await root.query('CREATE DATABASE g');
    await root.query('CREATE TABLE g.t (id INT PRIMARY KEY)');
    await root.query('INSERT INTO g.t VALUES (1)');
    await root.query("CREATE USER 'it'@'%' IDENTIFIED WITH mysql_native_password BY 'pw'");
    await root.query("GRANT SELECT ON g.* TO 'it'@'%'");
    const it2 = await connect({ user: 'it', password: 'pw', database: 'g' });
    const [rows] = await it2.query<RowDataPacket[]>('SELECT id FROM t');
    expect(rows).toEqual([{ id: 1 }]);
    expect(await errno(it2.query('INSERT INTO t VALUES (2)'))).toBe(1142);
    const [grants] = await it2.query<RowDataPacket[]>('SHOW GRANTS');
    expect(grants.map((g) => Object.values(g)[0])).toEqual([
      'GRANT USAGE ON *.* TO `it`@`%`',
      'GRANT SELECT ON `g`.* TO `it`@`%`',
    ]);
    expect(await errno(connect({ user: 'it', password: 'wrong' }))).toBe(1045);
  });

  it('KILL QUERY from a second connection interrupts a running statement', async () => {
    const conn = await connect();
    const killer = await connect();
    await conn.query('CREATE DATABASE k');
    await conn.query('CREATE TABLE k.t (id INT PRIMARY KEY, n INT)');
    for (let i = 0; i < 20; i++) {
      const values = Array.from({ length: 1000 }, (_, j) => `(${i * 1000 + j}, 0)`).join(',');
      await conn.query(`INSERT INTO k.t VALUES ${values}`);
    }
    const running = errno(conn.query('UPDATE k.t SET n = n + 1'));
    await killer.query(`KILL QUERY ${conn.threadId}`);
    expect(await running).toBe(1317);
    const [rows] = await conn.query<RowDataPacket[]>('SELECT n FROM k.t WHERE id = 5');
    expect(rows).toEqual([{ n: 0 }]);
  }, 60_000);
});
