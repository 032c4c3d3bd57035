/**
 * `npm run bench:write-path`: the write path's own numbers for BENCHMARKS.md (issue 8's "also
 * measure and record"), against a Borealis started here from dist/ (embedded six-node quorum,
 * durable commits, its defaults):
 *
 *   1. a hot row: C connections each running N autocommitted `UPDATE counter SET n=n+1` on one
 *      row (early lock release, txn/manager.ts), and the final count checked;
 *   2. server RSS (Linux /proc) at rest, and its peak while sysbench oltp_write_only runs with
 *      32 threads on 4 × R rows;
 *   3. start-up and recovery at a data size: rows of about 1 KiB loaded with multi-row INSERTs
 *      until --mb MiB of row data, then a clean restart (SIGTERM) and a crash restart (SIGKILL
 *      while 8 connections commit), each timed from spawn to the first answered query; the
 *      rows acknowledged before the crash are all there after it. The same restarts are timed
 *      on an empty volume first, so the growth with size shows.
 *
 *   npm run bench:write-path -- [--mb 1024] [--hot 16x1000] [--rows 20000] [--time 10]
 *                               [--append]   (append the section to BENCHMARKS.md)
 *
 * Invariant: (WP1) every server started here is killed by its pid on every exit path, and its
 * temporary data directory removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { exec } from '../clients/exec.js';
import { freePort } from '../harness/process.js';
import { OUTPUT_DIR, REPO_ROOT, SERVER_CLI } from '../harness/paths.js';

/** The servers' output (warnings and errors), kept after the run. */
const LOG_FILE = path.join(OUTPUT_DIR, 'write-path-server.log');

interface Options {
  readonly mb: number;
  readonly hotConnections: number;
  readonly hotUpdates: number;
  readonly rows: number;
  readonly timeS: number;
  readonly append: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '1024' },
      hot: { type: 'string', default: '16x1000' },
      rows: { type: 'string', default: '20000' },
      time: { type: 'string', default: '10' },
      append: { type: 'boolean', default: false },
    },
  });
  const [c, n] = values.hot.split('x').map(Number);
  return {
    mb: Number(values.mb),
    hotConnections: c ?? 16,
    hotUpdates: n ?? 1000,
    rows: Number(values.rows),
    timeS: Number(values.time),
    append: values.append,
  };
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL'); // WP1
});

interface Server {
  readonly port: number;
  readonly proc: ChildProcess;
  /** Milliseconds from spawn to the first answered query. */
  readonly readyMs: number;
}

async function startServer(dataDir: string, port: number): Promise<Server> {
  const started = performance.now();
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const log = openSync(LOG_FILE, 'a');
  const proc = spawn(process.execPath, [SERVER_CLI, 'start', '--port', String(port),
    '--host', '127.0.0.1', '--data-dir', dataDir], {
    cwd: REPO_ROOT, stdio: ['ignore', log, log], env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  closeSync(log);
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  for (;;) {
    if (proc.exitCode !== null) {
      throw new Error(`the server exited with ${proc.exitCode}; its log: ${LOG_FILE}`);
    }
    try {
      const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      await c.query('SELECT 1');
      await c.end();
      return { port, proc, readyMs: performance.now() - started };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function stopServer(s: Server, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => s.proc.once('exit', resolve));
  s.proc.kill(signal);
  await exited;
}

/** Resident memory in MiB from /proc: all of it, or only the anonymous part (heap, stacks). */
function rssMiB(pid: number | undefined, field: 'VmRSS' | 'RssAnon' = 'VmRSS'): number {
  if (pid === undefined) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  return kb === undefined ? NaN : Number(kb) / 1024;
}

async function connect(port: number, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: 'root',
    ...(database === undefined ? {} : { database }) });
}

async function hotRow(port: number, o: Options): Promise<string> {
  const admin = await connect(port);
  await admin.query('CREATE DATABASE hot');
  await admin.query('CREATE TABLE hot.counter (id INT PRIMARY KEY, n INT)');
  await admin.query('INSERT INTO hot.counter VALUES (1, 0)');
  const cs = await Promise.all(
    Array.from({ length: o.hotConnections }, () => connect(port, 'hot')));
  const t = performance.now();
  await Promise.all(cs.map(async (c) => {
    for (let i = 0; i < o.hotUpdates; i++) await c.query('UPDATE counter SET n=n+1 WHERE id=1');
  }));
  const s = (performance.now() - t) / 1000;
  const [rows] = await admin.query('SELECT n FROM hot.counter');
  const n = Number((rows as { n: number }[])[0]?.n);
  for (const c of cs) await c.end();
  await admin.end();
  const total = o.hotConnections * o.hotUpdates;
  if (n !== total) throw new Error(`hot row: counter ${n}, expected ${total}`);
  return `${o.hotConnections} × ${o.hotUpdates} updates: ${s.toFixed(1)} s ` +
    `(${Math.round(total / s)} commits/s), final count ${n} (exact)`;
}

/** Runs sysbench oltp_write_only; returns the transactions it counted (run) or 0. */
async function sysbench(port: number, o: Options, phase: string, threads: number): Promise<number> {
  const r = await exec('sysbench', ['oltp_write_only', '--db-driver=mysql',
    '--mysql-host=127.0.0.1', `--mysql-port=${port}`, '--mysql-user=root', '--mysql-password=',
    '--mysql-db=sbtest',
    '--tables=4', `--table-size=${o.rows}`, `--threads=${threads}`, `--time=${o.timeS}`,
    '--report-interval=0', phase], { timeoutMs: 3_600_000 });
  if (r.code !== '0') throw new Error(`sysbench ${phase}: ${r.stderr.slice(-500)}`);
  return Number(/transactions:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
}

/** Slot 0's segment of protection group 0: its SCL and stored bytes. */
async function segment(port: number): Promise<{ scl: number; bytes: number }> {
  const c = await connect(port);
  const [rows] = await c.query('SELECT SCL AS scl, BYTES AS bytes FROM ' +
    'information_schema.BOREALIS_SEGMENTS WHERE PROTECTION_GROUP = 0 AND SLOT = 0');
  await c.end();
  const row = (rows as { scl: number | string; bytes: number | string }[])[0];
  return { scl: Number(row?.scl ?? NaN), bytes: Number(row?.bytes ?? NaN) };
}

async function memory(s: Server, o: Options, rest: number, restAnon: number): Promise<string> {
  const admin = await connect(s.port);
  await admin.query('CREATE DATABASE sbtest');
  await admin.end();
  await sysbench(s.port, o, 'prepare', 4);
  await sysbench(s.port, { ...o, timeS: 3 }, 'run', 8); // warm the buffer pool
  const before = await segment(s.port);
  let peak = 0;
  let peakAnon = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(s.proc.pid));
    peakAnon = Math.max(peakAnon, rssMiB(s.proc.pid, 'RssAnon'));
  }, 250);
  let txns: number;
  try {
    txns = await sysbench(s.port, o, 'run', 32);
  } finally {
    clearInterval(timer);
  }
  const after = await segment(s.port);
  const records = (after.scl - before.scl) / txns;
  const bytes = (after.bytes - before.bytes) / txns;
  redo = `redo per oltp_write_only transaction (${txns} transactions, warm buffer pool): ` +
    `${records.toFixed(1)} records, ${bytes.toFixed(0)} bytes per segment copy (growth of one ` +
    `segment's store: an upper bound, page images written meanwhile count too), ` +
    `${(6 * bytes).toFixed(0)} bytes shipped to the six segments`;
  return `RSS at rest (just started, empty volume) ${rest.toFixed(0)} MiB ` +
    `(anonymous ${restAnon.toFixed(0)} MiB); peak under oltp_write_only, 32 threads, ` +
    `4 × ${o.rows} rows, ${o.timeS} s: ${peak.toFixed(0)} MiB (anonymous ` +
    `${peakAnon.toFixed(0)} MiB; the rest is LMDB's memory-mapped files)`;
}

let redo = '';

const ROW_BYTES = 1000;
const ROWS_PER_INSERT = 200;

/** Loads rows of ~1 KiB until `mb` MiB of row data; returns rows and seconds. */
async function load(port: number, mb: number): Promise<{ rows: number; seconds: number }> {
  const c = await connect(port);
  await c.query('CREATE DATABASE big');
  await c.query('CREATE TABLE big.t (id INT PRIMARY KEY, v VARCHAR(1000) NOT NULL)');
  const target = Math.ceil((mb * 2 ** 20) / ROW_BYTES);
  const t = performance.now();
  const pad = 'x'.repeat(ROW_BYTES - 12);
  for (let id = 1; id <= target; id += ROWS_PER_INSERT) {
    const values: string[] = [];
    for (let i = id; i < Math.min(id + ROWS_PER_INSERT, target + 1); i++) {
      values.push(`(${i},'${String(i).padStart(12, '0')}${pad}')`);
    }
    await c.query(`INSERT INTO big.t VALUES ${values.join(',')}`);
  }
  await c.end();
  return { rows: target, seconds: (performance.now() - t) / 1000 };
}

/** Commits in 8 connections until killed; resolves with the ids acknowledged. */
function writeUntilKilled(port: number, from: number): { stop: () => Promise<number[]> } {
  let running = true;
  const acked: number[] = [];
  let next = from;
  const workers = Array.from({ length: 8 }, async () => {
    const c = await connect(port, 'big');
    try {
      while (running) {
        const id = next++;
        await c.query(`INSERT INTO t VALUES (${id}, 'after')`);
        acked.push(id);
      }
    } catch {
      // the server was killed under it
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return acked;
    },
  };
}

async function restarts(dataDir: string, port: number, label: string,
  crashAt: number | null): Promise<string> {
  let s = await startServer(dataDir, port);
  await stopServer(s, 'SIGTERM');
  s = await startServer(dataDir, port);
  const clean = s.readyMs;
  let lost = '';
  if (crashAt !== null) {
    const writer = writeUntilKilled(port, crashAt);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await stopServer(s, 'SIGKILL');
    const acked = await writer.stop();
    s = await startServer(dataDir, port);
    const c = await connect(port, 'big');
    const [rows] = await c.query(`SELECT COUNT(*) AS n FROM t WHERE id >= ${crashAt}`);
    await c.end();
    const found = Number((rows as { n: number }[])[0]?.n);
    if (found < acked.length) throw new Error(`${acked.length} acknowledged, ${found} recovered`);
    lost = `; ${acked.length} inserts acknowledged before the kill, all there after it`;
  } else {
    await stopServer(s, 'SIGKILL');
    s = await startServer(dataDir, port);
  }
  const crash = s.readyMs;
  await stopServer(s, 'SIGTERM');
  return `${label}: start-up after a clean stop ${(clean / 1000).toFixed(2)} s, after kill -9 ` +
    `${(crash / 1000).toFixed(2)} s${lost}`;
}

async function main(): Promise<void> {
  const o = options();
  const lines: string[] = [];
  const say = (s: string): void => {
    lines.push(`- ${s}`);
    process.stdout.write(`${s}\n`);
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-write-path-'));
  try {
    const port = await freePort();
    const small = path.join(dir, 'small');
    say(await restarts(small, port, 'empty volume', null));
    let s = await startServer(small, port);
    const rest = rssMiB(s.proc.pid);
    const restAnon = rssMiB(s.proc.pid, 'RssAnon');
    say(`hot row: ${await hotRow(port, o)}`);
    say(await memory(s, o, rest, restAnon));
    say(redo);
    await stopServer(s, 'SIGTERM');
    const bigDir = path.join(dir, 'big');
    s = await startServer(bigDir, port);
    const loaded = await load(port, o.mb);
    say(`load: ${loaded.rows.toLocaleString('en-US')} rows of ~1 KiB (${o.mb} MiB of rows) in ` +
      `${loaded.seconds.toFixed(0)} s (${Math.round(loaded.rows / loaded.seconds)} rows/s, ` +
      `INSERTs of ${ROWS_PER_INSERT} rows); RSS after ${rssMiB(s.proc.pid).toFixed(0)} MiB`);
    await stopServer(s, 'SIGTERM');
    say(await restarts(bigDir, port, `${o.mb} MiB of rows`, loaded.rows + 1));
  } finally {
    for (const p of live) p.kill('SIGKILL'); // WP1
    rmSync(dir, { recursive: true, force: true });
  }
  if (o.append) {
    const heading = `\n## Write path (issue 8) — ${new Date().toISOString().slice(0, 16)} UTC\n\n` +
      '`npm run bench:write-path` (conformance/bench/write-path.ts): embedded six-node quorum, ' +
      'durable.\n\n';
    appendFileSync(path.join(REPO_ROOT, 'BENCHMARKS.md'), `${heading}${lines.join('\n')}\n`);
  }
}

await main();
