/**
 * Transactions end to end through mysql2: bank transfers under SELECT … FOR UPDATE from many
 * connections (the total never changes, no balance goes negative, every committed transfer is in
 * the ledger), concurrent increments that lose nothing, and SIGKILL in the middle of many
 * concurrent transactions (every acknowledged commit survives, no other one is partly there).
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
  const dir = mkdtempSync(join(tmpdir(), 'borealis-txn-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function inProcess(): Promise<RunningServer> {
  const log = createRootLogger({ logLevel: 'silent' });
  const server = await startServer(
    { ...DEFAULT_CONFIG, ...TEST_THREADS, port: 0, dataDir: tempDir(), logLevel: 'silent' },
    log,
  );
  cleanups.push(() => server.close());
  return server;
}

async function connect(port: number, database?: string): Promise<Connection> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    ...(database === undefined ? {} : { database }),
  });
  cleanups.push(() => conn.destroy());
  return conn;
}

/** mysql2's error number, or undefined for other failures. */
function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown }).errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ACCOUNTS = 20;
const OPENING = 1_000;

/** One transfer in a transaction; false when it rolled back (deadlock, or not enough money). */
async function transfer(
  conn: Connection,
  id: number,
  from: number,
  to: number,
  amount: number,
): Promise<boolean> {
  await conn.query('BEGIN');
  try {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT id, balance FROM accounts WHERE id IN (?, ?) FOR UPDATE',
      [from, to],
    );
    const source = rows.find((r) => r.id === from);
    if (source === undefined || Number(source.balance) < amount) {
      await conn.query('ROLLBACK');
      return false;
    }
    await conn.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await conn.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
    await conn.query('INSERT INTO ledger VALUES (?, ?, ?, ?)', [id, from, to, amount]);
    await conn.query('COMMIT');
    return true;
  } catch (error) {
    if (errnoOf(error) !== 1213 && errnoOf(error) !== 1205) throw error;
    await conn.query('ROLLBACK'); // after 1213 the transaction is gone already: harmless
    return false;
  }
}

describe('transactions over the wire', () => {
  it('keeps the bank balanced under concurrent transfers with FOR UPDATE', async () => {
    const server = await inProcess();
    const admin = await connect(server.port);
    await admin.query('CREATE DATABASE bank');
    await admin.query('USE bank');
    await admin.query('CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)');
    await admin.query(
      'CREATE TABLE ledger (id BIGINT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL, ' +
        'amount INT NOT NULL)',
    );
    const opening = Array.from({ length: ACCOUNTS }, (_, i) => [i + 1, OPENING]);
    await admin.query('INSERT INTO accounts VALUES ?', [opening]);
    const deadline = Date.now() + 5_000;
    const committed: number[] = [];
    const workers = Array.from({ length: 16 }, async (_, w) => {
      const conn = await connect(server.port, 'bank');
      const random = prng(w + 1);
      for (let n = 0; Date.now() < deadline; n++) {
        const from = 1 + Math.floor(random() * ACCOUNTS);
        const to = 1 + ((from + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS);
        const id = w * 1_000_000 + n;
        if (await transfer(conn, id, from, to, 1 + Math.floor(random() * 300))) committed.push(id);
      }
    });
    await Promise.all(workers);
    const [accounts] = await admin.query<RowDataPacket[]>('SELECT id, balance FROM accounts');
    const balances = new Map(accounts.map((r) => [Number(r.id), Number(r.balance)]));
    expect([...balances.values()].reduce((a, b) => a + b, 0)).toBe(ACCOUNTS * OPENING);
    expect([...balances.values()].every((b) => b >= 0)).toBe(true);
    const [ledger] = await admin.query<RowDataPacket[]>('SELECT id, src, dst, amount FROM ledger');
    expect(ledger.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(
      [...committed].sort((a, b) => a - b),
    );
    const replayed = new Map(opening.map(([id]) => [id as number, OPENING]));
    for (const r of ledger) {
      replayed.set(r.src, (replayed.get(r.src) ?? 0) - r.amount);
      replayed.set(r.dst, (replayed.get(r.dst) ?? 0) + r.amount);
    }
    expect(replayed).toEqual(balances);
    expect(committed.length).toBeGreaterThan(100);
  }, 60_000);

  it('loses no increment from 16 connections', async () => {
    const server = await inProcess();
    const admin = await connect(server.port);
    await admin.query('CREATE DATABASE c');
    await admin.query('CREATE TABLE c.counter (id INT PRIMARY KEY, n BIGINT NOT NULL)');
    await admin.query('INSERT INTO c.counter VALUES (1, 0)');
    const each = 200;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const conn = await connect(server.port, 'c');
        for (let i = 0; i < each; i++) {
          await conn.query('UPDATE counter SET n = n + 1 WHERE id = 1');
        }
      }),
    );
    const [rows] = await admin.query<RowDataPacket[]>('SELECT n FROM c.counter');
    expect(Number(rows[0]?.n)).toBe(16 * each);
  }, 60_000);
});

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

describe('SIGKILL in the middle of concurrent transactions', () => {
  it('keeps every acknowledged commit whole and no other transaction partly', async () => {
    const dataDir = tempDir();
    let server = await spawnServer(dataDir);
    const admin = await connect(server.port);
    await admin.query('CREATE DATABASE k');
    await admin.query(
      'CREATE TABLE k.parts (txn BIGINT NOT NULL, part INT NOT NULL, v INT, ' +
        'PRIMARY KEY (txn, part))',
    );
    await admin.query('CREATE TABLE k.totals (id INT PRIMARY KEY, n BIGINT NOT NULL)');
    await admin.query('INSERT INTO k.totals VALUES (1, 0)');
    const PARTS = 5;
    const acknowledged = new Set<number>();
    const attempted = new Set<number>();
    let stop = false;
    const workers = Array.from({ length: 12 }, async (_, w) => {
      const conn = await connect(server.port, 'k');
      for (let n = 0; !stop; n++) {
        const txn = w * 1_000_000 + n;
        const rows = Array.from({ length: PARTS }, (_, p) => [txn, p, n]);
        try {
          await conn.query('BEGIN');
          attempted.add(txn);
          await conn.query('INSERT INTO parts VALUES ?', [rows]);
          await conn.query('UPDATE totals SET n = n + ? WHERE id = 1', [PARTS]);
          await conn.query('COMMIT');
          acknowledged.add(txn);
        } catch {
          return; // the server is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGKILL');
    stop = true;
    await exited;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThan(20);

    server = await spawnServer(dataDir);
    const after = await connect(server.port, 'k');
    const [parts] = await after.query<RowDataPacket[]>('SELECT txn, part FROM parts');
    const byTxn = new Map<number, number>();
    for (const r of parts) byTxn.set(Number(r.txn), (byTxn.get(Number(r.txn)) ?? 0) + 1);
    for (const txn of acknowledged) expect(byTxn.get(txn)).toBe(PARTS);
    for (const [txn, count] of byTxn) {
      expect(attempted.has(txn)).toBe(true);
      expect(count).toBe(PARTS); // all or nothing
    }
    const [totals] = await after.query<RowDataPacket[]>('SELECT n FROM totals');
    expect(Number(totals[0]?.n)).toBe(byTxn.size * PARTS);
    server.child.kill('SIGKILL');
  }, 120_000);
});
