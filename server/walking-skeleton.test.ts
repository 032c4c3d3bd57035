/**
 * The walking skeleton end to end, through real sockets with mysql2: the server as a child
 * process killed with SIGKILL and restarted, storage nodes stopped under it, and errors that must
 * not disturb other connections.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { TEST_THREADS } from './testing/harness.js';
import { type RunningServer, createRootLogger, startServer } from './main.js';

const cli = resolve(import.meta.dirname, '../dist/server/cli.js');
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'borealis-skeleton-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `borealis start` as a child process on a free port; resolves once it logs 'ready'. */
async function spawnServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'ready' && typeof entry.port === 'number') resolvePort(entry.port);
    });
  });
  return { child, port };
}

async function connect(port: number, password = ''): Promise<Connection> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password });
  cleanups.push(() => conn.destroy());
  return conn;
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('walking skeleton', () => {
  it('serves the shop scenario, and 50,000 rows survive SIGKILL and restart', async () => {
    const dataDir = tempDir();
    let server = await spawnServer(dataDir);
    let conn = await connect(server.port);
    await conn.query('CREATE DATABASE shop');
    await conn.query(
      'CREATE TABLE shop.items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INT)',
    );
    await conn.query("INSERT INTO shop.items VALUES (1,'apple',3),(2,'pear',5)");
    await conn.query('UPDATE shop.items SET qty = qty + 1 WHERE id = 2');
    const [items] = await conn.query<RowDataPacket[]>('SELECT * FROM shop.items');
    expect(items).toEqual([
      { id: 1, name: 'apple', qty: 3 },
      { id: 2, name: 'pear', qty: 6 },
    ]);

    await conn.query(
      'CREATE TABLE shop.big (id BIGINT PRIMARY KEY, label VARCHAR(40) NOT NULL, n INT, ' +
        'price DECIMAL(10,2), at DATETIME)',
    );
    const expected = (i: number): unknown[] => [
      i, `row-${i}-${'x'.repeat(i % 17)}`, i % 2 === 0 ? null : (i * 7919) % 100_000 - 50_000,
      `${Math.floor(i / 3)}.${String(i % 100).padStart(2, '0')}`,
      `2026-${String((i % 12) + 1).padStart(2, '0')}-` +
        `${String((i % 28) + 1).padStart(2, '0')} 12:34:56`,
    ];
    for (let chunk = 0; chunk < 50; chunk++) {
      const rows: unknown[][] = [];
      for (let i = chunk * 1000; i < (chunk + 1) * 1000; i++) rows.push(expected(i));
      await conn.query('INSERT INTO shop.big VALUES ?', [rows]);
    }
    await killed(server.child);

    server = await spawnServer(dataDir);
    conn = await connect(server.port);
    const [after] = await conn.query<RowDataPacket[]>('SELECT * FROM shop.items ORDER BY id');
    expect(after).toEqual(items);
    const [big] = await conn.query({
      sql: 'SELECT id, label, n, price, at FROM shop.big ORDER BY id',
      rowsAsArray: true,
      dateStrings: true,
    });
    const rows = big as unknown[][];
    expect(rows.length).toBe(50_000);
    for (let i = 0; i < 50_000; i++) {
      const row = rows[i] as unknown[];
      expect(row).toEqual(expected(i));
    }
    await killed(server.child);
  }, 180_000);

  it('commits with two storage nodes down, reports an unknown outcome with three, recovers',
    async () => {
      const log = createRootLogger({ logLevel: 'silent' });
      const server: RunningServer = await startServer(
        {
          ...DEFAULT_CONFIG, ...TEST_THREADS,
          port: 0,
          dataDir: tempDir(),
          commitTimeoutMs: 1500,
          logLevel: 'silent',
        },
        log,
      );
      cleanups.push(() => server.close());
      const conn = await connect(server.port);
      await conn.query('CREATE DATABASE q');
      await conn.query('CREATE TABLE q.t (id INT PRIMARY KEY, v VARCHAR(10))');
      await conn.query("INSERT INTO q.t VALUES (1, 'a')");
      const [n1, n2, n3] = server.storageNodes;
      await n1?.stop();
      await n2?.stop();
      await conn.query("INSERT INTO q.t VALUES (2, 'b')");
      await n3?.stop();
      const started = Date.now();
      const error = await conn.query("INSERT INTO q.t VALUES (3, 'c')").catch((e: unknown) => e);
      expect(error).toMatchObject({ errno: 1180, sqlState: 'HY000' });
      expect(Date.now() - started).toBeLessThan(10_000);
      const [rows] = await conn.query<RowDataPacket[]>(
        'SELECT id FROM q.t WHERE id <= 2 ORDER BY id',
      );
      expect(rows.map((r) => r.id)).toEqual([1, 2]);
      await n1?.start();
      await n2?.start();
      await n3?.start();
      await conn.query("INSERT INTO q.t VALUES (4, 'd')");
      const [all] = await conn.query<RowDataPacket[]>('SELECT id FROM q.t ORDER BY id');
      // Row 3's outcome was unknown; with the quorum back it became durable, as reported.
      expect(all.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    }, 60_000);

  it('answers errors with MySQL codes and none of them disturbs another connection', async () => {
    const log = createRootLogger({ logLevel: 'silent' });
    const server = await startServer(
      { ...DEFAULT_CONFIG, ...TEST_THREADS, port: 0, dataDir: tempDir(), logLevel: 'silent' },
      log,
    );
    cleanups.push(() => server.close());
    const a = await connect(server.port);
    const b = await connect(server.port);
    await b.query('CREATE DATABASE e');
    await b.query('CREATE TABLE e.t (id INT PRIMARY KEY)');
    await b.query('INSERT INTO e.t VALUES (1)');
    const check = async (): Promise<void> => {
      const [rows] = await b.query<RowDataPacket[]>('SELECT id FROM e.t');
      expect(rows).toEqual([{ id: 1 }]);
    };
    await expect(connect(server.port, 'wrong')).rejects.toMatchObject({
      errno: 1045, sqlState: '28000', code: 'ER_ACCESS_DENIED_ERROR',
    });
    await check();
    await expect(a.query('SELECT * FROM e.nope')).rejects.toMatchObject({
      errno: 1146, sqlState: '42S02', code: 'ER_NO_SUCH_TABLE',
    });
    await check();
    await expect(a.query('INSERT INTO e.t VALUES (1)')).rejects.toMatchObject({
      errno: 1062, sqlState: '23000', code: 'ER_DUP_ENTRY',
    });
    await check();
    await expect(a.query('SELEKT garbage FROM')).rejects.toMatchObject({
      errno: 1064, sqlState: '42000', code: 'ER_PARSE_ERROR',
    });
    await check();
    const [still] = await a.query<RowDataPacket[]>('SELECT id FROM e.t');
    expect(still).toEqual([{ id: 1 }]);
  }, 60_000);
});
