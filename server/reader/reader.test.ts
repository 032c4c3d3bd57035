/**
 * The reader endpoint (--reader-port) over real sockets: a read engine on a thread of its own,
 * fed by the writer's redo, serving mysql2 connections on a port of its own. What the writer
 * commits is read there once durable; statements that write get 1290; the catalog follows DDL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config.js';
import { type RunningServer, createRootLogger, startServer } from '../main.js';

let server: RunningServer;
let writer: Connection;
let reader: Connection;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'borealis-reader-'));
  server = await startServer(
    { ...DEFAULT_CONFIG, port: 0, readerPort: 0, dataDir, logLevel: 'silent' },
    createRootLogger({ logLevel: 'silent' }),
  );
  writer = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' });
  await writer.query('CREATE DATABASE shop');
  await writer.query('CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT)');
  await writer.query("INSERT INTO shop.items VALUES (1, 'apple', 5), (2, 'pear', 7)");
  reader = await mysql.createConnection({
    host: '127.0.0.1',
    port: server.readerPort ?? 0,
    user: 'root',
  });
});

afterAll(async () => {
  await reader?.end();
  await writer?.end();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The reader's answer once it equals `expected` (the feed is asynchronous), or its last one. */
async function eventually(sql: string, expected: unknown): Promise<unknown> {
  let rows: unknown;
  for (let i = 0; i < 200; i++) {
    [rows] = await reader.query<RowDataPacket[]>(sql);
    if (JSON.stringify(rows) === JSON.stringify(expected)) return rows;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return rows;
}

describe('the reader endpoint', () => {
  it('listens on a port of its own, with connection ids apart from the writer', async () => {
    expect(server.readerPort).not.toBe(server.port);
    const [rows] = await reader.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    expect(Number(rows[0]?.id)).toBeGreaterThan(1_000_000_000);
  });

  it("serves the writer's commits, in order, plain and prepared", async () => {
    expect(await eventually('SELECT id, qty FROM shop.items ORDER BY id', [
      { id: 1, qty: 5 },
      { id: 2, qty: 7 },
    ])).toEqual([{ id: 1, qty: 5 }, { id: 2, qty: 7 }]);
    for (let i = 3; i <= 50; i++) {
      await writer.query('INSERT INTO shop.items VALUES (?, ?, ?)', [i, `item${i}`, i]);
    }
    await writer.query('UPDATE shop.items SET qty = qty + 100 WHERE id <= 2');
    const sum = 105 + 107 + ((3 + 50) * 48) / 2;
    expect(await eventually('SELECT SUM(qty) AS s FROM shop.items', [{ s: String(sum) }]))
      .toEqual([{ s: String(sum) }]);
    const [rows] = await reader.execute<RowDataPacket[]>(
      'SELECT name FROM shop.items WHERE id = ?',
      [42],
    );
    expect(rows).toEqual([{ name: 'item42' }]);
  });

  it('reports its replica lag in ms (RE4), which the writer does not have', async () => {
    await writer.query("UPDATE shop.items SET name = 'lagged' WHERE id = 1");
    expect(await eventually('SELECT name FROM shop.items WHERE id = 1', [{ name: 'lagged' }]))
      .toEqual([{ name: 'lagged' }]);
    const [rows] = await reader.query<RowDataPacket[]>(
      "SHOW GLOBAL STATUS LIKE 'Borealis_replica_lag_ms'",
    );
    const lag = Number(rows[0]?.Value);
    expect(rows).toHaveLength(1);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(10_000);
    const [none] = await writer.query<RowDataPacket[]>(
      "SHOW GLOBAL STATUS LIKE 'Borealis_replica_lag_ms'",
    );
    expect(none).toEqual([]);
  });

  it('reads every commit acknowledged before the statement started (read-your-writes)', async () => {
    await writer.query('CREATE TABLE shop.log (id INT PRIMARY KEY)');
    for (let i = 1; i <= 100; i++) {
      await writer.query('INSERT INTO shop.log VALUES (?)', [i]);
      const [rows] = await reader.query<RowDataPacket[]>('SELECT MAX(id) AS m FROM shop.log');
      expect(rows).toEqual([{ m: i }]);
    }
  });

  it('never shows a transfer half done while the writer commits them', async () => {
    // 300 rows of ~270 bytes: the table spans several leaf pages, so a scan crosses pages
    // that commits change between its steps.
    await writer.query(
      'CREATE TABLE shop.accounts (id INT PRIMARY KEY, balance INT NOT NULL, pad CHAR(255))',
    );
    const ids = Array.from({ length: 300 }, (_, i) => i + 1);
    await writer.query(
      `INSERT INTO shop.accounts VALUES ${ids.map((i) => `(${i}, 100, 'p${i}')`).join()}`,
    );
    expect(await eventually('SELECT COUNT(*) AS n FROM shop.accounts', [{ n: 300 }]))
      .toEqual([{ n: 300 }]);
    const movers = await Promise.all(
      [0, 1, 2, 3].map(() =>
        mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' }),
      ),
    );
    let moving = true;
    const transfers = movers.map(async (conn, k) => {
      let n = 0;
      while (moving) {
        const from = ((n * 7 + k * 13) % 300) + 1;
        const to = ((n * 11 + k * 5 + 1) % 300) + 1;
        n++;
        if (from === to) continue;
        await conn.query('BEGIN');
        await conn.query('UPDATE shop.accounts SET balance = balance - 3 WHERE id = ?', [from]);
        await conn.query('UPDATE shop.accounts SET balance = balance + 3 WHERE id = ?', [to]);
        await conn.query('COMMIT');
      }
      return n;
    });
    const sums = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const [rows] = await reader.query<RowDataPacket[]>(
        'SELECT SUM(balance) AS s, COUNT(*) AS n FROM shop.accounts',
      );
      sums.add(`${rows[0]?.s}/${rows[0]?.n}`);
      if (i % 10 === 0) {
        await reader.query('START TRANSACTION');
        const [a] = await reader.query<RowDataPacket[]>('SELECT balance FROM shop.accounts');
        await new Promise((resolve) => setTimeout(resolve, 5));
        const [b] = await reader.query<RowDataPacket[]>('SELECT balance FROM shop.accounts');
        await reader.query('COMMIT');
        expect(b).toEqual(a); // one snapshot for the whole transaction
      }
    }
    moving = false;
    const done = await Promise.all(transfers);
    await Promise.all(movers.map((conn) => conn.end()));
    expect(done.reduce((x, y) => x + y, 0)).toBeGreaterThan(20);
    expect([...sums]).toEqual(['30000/300']);
  });

  it('refuses writes with 1290 and follows DDL', async () => {
    await expect(reader.query('INSERT INTO shop.items VALUES (99, "x", 1)')).rejects.toMatchObject({
      errno: 1290,
      sqlState: 'HY000',
    });
    await writer.query('CREATE TABLE shop.tags (id INT PRIMARY KEY, tag VARCHAR(10))');
    await writer.query("INSERT INTO shop.tags VALUES (1, 'red')");
    expect(await eventually('SELECT tag FROM shop.tags', [{ tag: 'red' }]))
      .toEqual([{ tag: 'red' }]);
  });
});
