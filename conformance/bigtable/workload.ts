/**
 * The big-table workload: a table many times the buffer pool, loaded over the wire, then read
 * back by point lookups, primary-key range scans, secondary-index lookups, ranges and ordered
 * index scans, and a full streamed scan — every answer checked against what was inserted — after
 * some updates that move rows in the index. It proves that pages evicted from the pool are read
 * back from storage correctly (BP1–BP4).
 *
 * Rows: id 1..N, k = (id × 7919) mod (N / 4 + 1), c = 'row-<id>-' padded to 40 characters.
 */
import mysql from 'mysql2';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { connect, type Endpoint } from '../harness/endpoint.js';

export interface BigTableOptions {
  readonly rows: number;
  /** Connections loading in parallel. */
  readonly loaders: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface BigTableResult {
  readonly failures: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
}

const BATCH = 1_000;

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

const cOf = (id: number): string => `row-${id}-`.padEnd(40, 'x');

export async function runBigTable(
  endpoint: Endpoint,
  database: string,
  options: BigTableOptions,
): Promise<BigTableResult> {
  const n = options.rows;
  const kMod = Math.floor(n / 4) + 1;
  const kOf = (id: number): number => (id * 7919) % kMod;
  const failures: string[] = [];
  const timings: Record<string, number> = {};
  const check = (ok: boolean, what: string): void => {
    if (!ok && failures.length < 20) failures.push(what);
  };
  const timed = async (name: string, work: () => Promise<void>): Promise<void> => {
    const started = Date.now();
    await work();
    timings[name] = Date.now() - started;
    options.log?.(`${name}: ${timings[name]} ms`);
  };
  const conn = await connect(endpoint, database);
  try {
    await conn.query(
      'CREATE TABLE big (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(40) NOT NULL, KEY k_1 (k))',
    );
    await timed('load', () => load(endpoint, database, options, kOf));
    const k = new Map<number, number>();
    for (let id = 1; id <= n; id++) k.set(id, kOf(id));
    const random = prng(options.seed);
    const pick = (): number => 1 + Math.floor(random() * n);
    await timed('updates', async () => {
      for (let i = 0; i < 100; i++) {
        const id = pick();
        const v = Math.floor(random() * kMod);
        await conn.query('UPDATE big SET k = ? WHERE id = ?', [v, id]);
        k.set(id, v);
      }
    });
    await timed('point lookups', () => pointLookups(conn, n, pick, check));
    await timed('range scans', () => rangeScans(conn, n, pick, check));
    await timed('index lookups', () => indexLookups(conn, k, kMod, random, check));
    await timed('full scan', () => fullScan(endpoint, database, n, check));
    await timed('explain', () => explains(conn, check));
  } finally {
    await conn.end().catch(() => undefined);
  }
  return { failures, timings };
}

async function load(
  endpoint: Endpoint,
  database: string,
  options: BigTableOptions,
  kOf: (id: number) => number,
): Promise<void> {
  let next = 1;
  const loaders = Array.from({ length: options.loaders }, async () => {
    const conn = await connect(endpoint, database);
    try {
      while (next <= options.rows) {
        const first = next;
        next += BATCH;
        const rows: unknown[][] = [];
        for (let id = first; id < first + BATCH && id <= options.rows; id++) {
          rows.push([id, kOf(id), cOf(id)]);
        }
        await conn.query('INSERT INTO big VALUES ?', [rows]);
      }
    } finally {
      await conn.end().catch(() => undefined);
    }
  });
  await Promise.all(loaders);
}

type Check = (ok: boolean, what: string) => void;

async function pointLookups(conn: Connection, n: number, pick: () => number, check: Check) {
  for (let i = 0; i < 300; i++) {
    const id = pick();
    const [rows] = await conn.query<RowDataPacket[]>('SELECT id, c FROM big WHERE id = ?', [id]);
    check(rows.length === 1 && rows[0]?.c === cOf(id), `point lookup of id ${id}`);
  }
  const [none] = await conn.query<RowDataPacket[]>('SELECT id FROM big WHERE id = ?', [n + 1]);
  check(none.length === 0, 'point lookup past the end');
}

async function rangeScans(conn: Connection, n: number, pick: () => number, check: Check) {
  for (let i = 0; i < 20; i++) {
    const from = pick();
    const to = Math.min(n, from + 499);
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT id, c FROM big WHERE id BETWEEN ? AND ? ORDER BY id DESC',
      [from, to],
    );
    const ok =
      rows.length === to - from + 1 &&
      rows.every((r, j) => r.id === to - j && r.c === cOf(to - j));
    check(ok, `range scan ${from}..${to}`);
  }
}

async function indexLookups(
  conn: Connection,
  k: ReadonlyMap<number, number>,
  kMod: number,
  random: () => number,
  check: Check,
) {
  const byK = new Map<number, number[]>();
  for (const [id, v] of k) {
    const list = byK.get(v);
    if (list === undefined) byK.set(v, [id]);
    else list.push(id);
  }
  for (let i = 0; i < 200; i++) {
    const v = Math.floor(random() * kMod);
    const [rows] = await conn.query<RowDataPacket[]>('SELECT id FROM big WHERE k = ?', [v]);
    const got = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    const want = byK.get(v) ?? [];
    check(JSON.stringify(got) === JSON.stringify(want), `index lookup k = ${v}`);
  }
  for (let i = 0; i < 10; i++) {
    const lo = Math.floor(random() * kMod);
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT id, k FROM big WHERE k BETWEEN ? AND ?',
      [lo, lo + 5],
    );
    const want: string[] = [];
    for (let v = lo; v <= lo + 5; v++) for (const id of byK.get(v) ?? []) want.push(`${v}:${id}`);
    const got = rows.map((r) => `${r.k}:${r.id}`);
    check(JSON.stringify(got) === JSON.stringify(want), `index range k ${lo}..${lo + 5}`);
  }
  const [first] = await conn.query<RowDataPacket[]>('SELECT k FROM big ORDER BY k LIMIT 50');
  const smallest = [...k.values()].sort((a, b) => a - b).slice(0, 50);
  check(JSON.stringify(first.map((r) => Number(r.k))) === JSON.stringify(smallest), 'index order');
}

/** A streamed full scan through mysql2's callback API (rows arrive as the server sends them). */
async function fullScan(endpoint: Endpoint, database: string, n: number, check: Check) {
  const conn = mysql.createConnection({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    database,
  });
  try {
    const stream = conn.query('SELECT id FROM big').stream();
    let expected = 1;
    let ordered = true;
    for await (const row of stream as AsyncIterable<{ id: number }>) {
      if (row.id !== expected) ordered = false;
      expected++;
    }
    check(ordered && expected === n + 1, `full scan of ${n} rows in order (got ${expected - 1})`);
  } finally {
    conn.destroy();
  }
}

async function explains(conn: Connection, check: Check) {
  const shapes: [string, string, string][] = [
    ['SELECT c FROM big WHERE id = 5', 'const', 'PRIMARY'],
    ['SELECT c FROM big WHERE id BETWEEN 5 AND 50', 'range', 'PRIMARY'],
    ['SELECT id FROM big WHERE k = 5', 'ref', 'k_1'],
    ['SELECT id FROM big WHERE k BETWEEN 5 AND 9', 'range', 'k_1'],
  ];
  for (const [sql, type, key] of shapes) {
    const [rows] = await conn.query<RowDataPacket[]>(`EXPLAIN ${sql}`);
    const [row] = rows;
    check(row?.type === type && row?.key === key, `EXPLAIN ${sql}: ${row?.type} ${row?.key}`);
  }
}
