/**
 * Concurrency workloads of the isolation suite, run on each side in turn; each is one check per
 * side that passes when its invariants hold there:
 *
 *   bank        16 connections transfer money for BANK_SECONDS in transactions that lock both
 *               accounts with SELECT … FOR UPDATE (deadlocks retried): the total never changes,
 *               no balance goes negative, every committed transfer is in the ledger and the
 *               ledger replays to the balances.
 *   counter     16 connections × 1,000 `UPDATE counter SET n = n + 1`: exactly 16,000.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { admin, connect, type Endpoint } from '../harness/endpoint.js';
import type { CheckResult, Reporter } from '../report.js';

const SUITE = 'isolation';
const CONNECTIONS = 16;
const BANK_SECONDS = Number(process.env['ISOLATION_BANK_SECONDS'] ?? 30);
const INCREMENTS = 1_000;
const ACCOUNTS = 20;
const OPENING = 1_000;

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown }).errno;
  return typeof errno === 'number' ? errno : undefined;
}

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

async function transfer(
  conn: Connection,
  id: number,
  route: { from: number; to: number; amount: number },
): Promise<boolean> {
  await conn.query('BEGIN');
  try {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT id, balance FROM accounts WHERE id IN (?, ?) FOR UPDATE',
      [route.from, route.to],
    );
    const source = rows.find((r) => Number(r.id) === route.from);
    if (source === undefined || Number(source.balance) < route.amount) {
      await conn.query('ROLLBACK');
      return false;
    }
    await conn.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', [
      route.amount,
      route.from,
    ]);
    await conn.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [
      route.amount,
      route.to,
    ]);
    await conn.query('INSERT INTO ledger VALUES (?, ?, ?, ?)', [
      id,
      route.from,
      route.to,
      route.amount,
    ]);
    await conn.query('COMMIT');
    return true;
  } catch (error) {
    if (errnoOf(error) !== 1213 && errnoOf(error) !== 1205) throw error;
    await conn.query('ROLLBACK');
    return false;
  }
}

async function bank(endpoint: Endpoint, db: string): Promise<string> {
  const setup = await connect(endpoint, db);
  const conns: Connection[] = [setup];
  try {
    await setup.query('CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)');
    await setup.query(
      'CREATE TABLE ledger (id BIGINT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL, ' +
        'amount INT NOT NULL)',
    );
    const opening = Array.from({ length: ACCOUNTS }, (_, i) => [i + 1, OPENING]);
    await setup.query('INSERT INTO accounts VALUES ?', [opening]);
    const deadline = Date.now() + BANK_SECONDS * 1000;
    const committed: number[] = [];
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, w) => {
        const conn = await connect(endpoint, db);
        conns.push(conn);
        const random = prng(w + 1);
        for (let n = 0; Date.now() < deadline; n++) {
          const from = 1 + Math.floor(random() * ACCOUNTS);
          const to = 1 + ((from + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS);
          const route = { from, to, amount: 1 + Math.floor(random() * 300) };
          if (await transfer(conn, w * 1_000_000 + n, route)) committed.push(w * 1_000_000 + n);
        }
      }),
    );
    const [accounts] = await setup.query<RowDataPacket[]>('SELECT id, balance FROM accounts');
    const balances = new Map(accounts.map((r) => [Number(r.id), Number(r.balance)]));
    const total = [...balances.values()].reduce((a, b) => a + b, 0);
    if (total !== ACCOUNTS * OPENING) return `total ${total}, expected ${ACCOUNTS * OPENING}`;
    if ([...balances.values()].some((b) => b < 0)) return 'a balance went negative';
    const [ledger] = await setup.query<RowDataPacket[]>('SELECT id, src, dst, amount FROM ledger');
    const ids = new Set(ledger.map((r) => Number(r.id)));
    const missing = committed.filter((id) => !ids.has(id));
    if (missing.length > 0 || ids.size !== committed.length) {
      return `ledger has ${ids.size} transfers, ${committed.length} committed, ` +
        `${missing.length} missing`;
    }
    const replayed = new Map(opening.map(([id]) => [id as number, OPENING]));
    for (const r of ledger) {
      replayed.set(Number(r.src), (replayed.get(Number(r.src)) ?? 0) - Number(r.amount));
      replayed.set(Number(r.dst), (replayed.get(Number(r.dst)) ?? 0) + Number(r.amount));
    }
    for (const [id, balance] of balances) {
      if (replayed.get(id) !== balance) return `account ${id}: ledger says ${replayed.get(id)}`;
    }
    return `ok: ${committed.length} transfers in ${BANK_SECONDS} s`;
  } finally {
    for (const c of conns) await c.end().catch(() => undefined);
  }
}

async function counter(endpoint: Endpoint, db: string): Promise<string> {
  const setup = await connect(endpoint, db);
  const conns: Connection[] = [setup];
  try {
    await setup.query('CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)');
    await setup.query('INSERT INTO counter VALUES (1, 0)');
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const conn = await connect(endpoint, db);
        conns.push(conn);
        for (let i = 0; i < INCREMENTS; i++) {
          await conn.query('UPDATE counter SET n = n + 1 WHERE id = 1');
        }
      }),
    );
    const [rows] = await setup.query<RowDataPacket[]>('SELECT n FROM counter');
    const n = Number(rows[0]?.n);
    const expected = CONNECTIONS * INCREMENTS;
    if (n !== expected) return `counter is ${n}, expected ${expected}`;
    return `ok: ${expected} increments in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  } finally {
    for (const c of conns) await c.end().catch(() => undefined);
  }
}

const WORKLOADS = { bank, counter } as const;

export async function runWorkloads(
  sides: readonly Endpoint[],
  reporter: Reporter,
  filter: string | undefined,
  beforeEach: () => Promise<void>,
): Promise<void> {
  for (const [name, workload] of Object.entries(WORKLOADS)) {
    if (filter !== undefined && !name.includes(filter)) continue;
    for (const side of sides) {
      await beforeEach();
      const db = `iso_workload_${name}`;
      let result: CheckResult;
      try {
        await admin(side, [`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db}`]);
        const outcome = await workload(side, db);
        const ok = outcome.startsWith('ok');
        result = {
          suite: SUITE, name: `${name} workload (${side.role})`, status: ok ? 'pass' : 'fail',
          detail: outcome,
        };
      } catch (error) {
        result = {
          suite: SUITE, name: `${name} workload (${side.role})`, status: 'fail',
          detail: String(error),
        };
      }
      await admin(side, [`DROP DATABASE IF EXISTS ${db}`]).catch(() => undefined);
      reporter.add(result);
      reporter.note(`      ${result.detail}`);
    }
  }
}
