/**
 * `npm run bench`: MariaDB (durable: innodb_flush_log_at_trx_commit=1) and Borealis (embedded
 * six-node quorum, durable; its defaults) side by side on this machine, the same sysbench
 * workloads against each, one after the other for every cell, then a table of TPS, QPS, p95
 * latency and the Borealis/MariaDB TPS ratio, printed and appended to BENCHMARKS.md with the
 * date and the machine.
 *
 *   npm run bench -- [--tables 4] [--rows 100000] [--time 30] [--threads 1,8,32]
 *                    [--tests oltp_point_select,…] [--repeat 1] [--buffer-pool MiB] [--no-append]
 *   quick: npm run bench -- --tables 1 --rows 1000 --time 5 --threads 1
 *
 * --repeat N measures every cell N times, alternating which server goes first, and reports each
 * side's medians and the range of the per-run ratios. --buffer-pool gives both servers the same
 * page cache (innodb_buffer_pool_size, --buffer-pool-size), e.g. smaller than the data for the
 * scale runs; without it MariaDB gets 1 GiB and Borealis its default. --borealis-prepared, with
 * BOREALIS_URL, measures a Borealis whose sbtest database already holds the tables (a 10-million
 * row load takes most of an hour), so only MariaDB is prepared.
 *
 * --reader starts Borealis with a reader endpoint (--reader-port): oltp_point_select and
 * oltp_read_only then run half their threads (rounded up) at the writer's port and half at the
 * reader's, two sysbench processes at once, and a cell is their summed TPS and QPS and the higher
 * p95 — a client that sends its reads to the reader endpoint, as Aurora's users do.
 *
 * BOREALIS_URL benchmarks a Borealis that is already running; BOREALIS_ARGS adds server options.
 * What fails on Borealis (start, prepare, a run) is recorded as failed with its reason.
 *
 * Invariant: (H1) both servers are stopped on every exit path.
 */
import { appendFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBorealis, type Borealis } from '../harness/borealis.js';
import { admin, parseMysqlUrl, type Endpoint } from '../harness/endpoint.js';
import { startMariaDb, type MariaDb } from '../harness/mariadb.js';
import { freePort } from '../harness/process.js';
import { OUTPUT_DIR, REPO_ROOT } from '../harness/paths.js';
import { exec } from '../clients/exec.js';
import { parseSysbenchReport, sysbenchConnection, sysbenchFatal } from './sysbench-output.js';
import { formatTable, median, runRatios, type Cell, type Row } from './table.js';

const ALL_TESTS = ['oltp_point_select', 'oltp_read_only', 'oltp_read_write', 'oltp_write_only',
  'oltp_insert'];
const DATABASE = 'sbtest';
/** MariaDB's page cache when --buffer-pool is not given: the data of the default size fits. */
const MARIADB_BUFFER_POOL_MB = 1024;

interface Options {
  readonly tables: number;
  readonly rows: number;
  readonly timeS: number;
  readonly threads: readonly number[];
  readonly tests: readonly string[];
  readonly repeat: number;
  /** MiB of page cache for both servers; null: MariaDB 1 GiB, Borealis its default. */
  readonly bufferPoolMb: number | null;
  /** Borealis (BOREALIS_URL) already holds the data: it is not prepared again. */
  readonly borealisPrepared: boolean;
  readonly append: boolean;
  /**
   * Borealis runs a reader endpoint (--reader-port) and the read-only tests split their threads
   * between the writer's port and the reader's (the second core serves reads).
   */
  readonly reader: boolean;
}

const USAGE = `usage: npm run bench -- [--tables 4] [--rows 100000] [--time 30] [--threads 1,8,32]
                      [--tests ${ALL_TESTS.join(',')}]
                      [--repeat 1] [--buffer-pool MiB] [--borealis-prepared] [--no-append]
                      [--reader]
environment: BOREALIS_URL (benchmark a running Borealis), BOREALIS_ARGS (extra server options)`;

/** The options, or null when --help asked for the usage only. */
function parseOptions(argv: readonly string[]): Options | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tables: { type: 'string', default: '4' },
      rows: { type: 'string', default: '100000' },
      time: { type: 'string', default: '30' },
      threads: { type: 'string', default: '1,8,32' },
      tests: { type: 'string', default: ALL_TESTS.join(',') },
      repeat: { type: 'string', default: '1' },
      'buffer-pool': { type: 'string' },
      'borealis-prepared': { type: 'boolean', default: false },
      'no-append': { type: 'boolean', default: false },
      reader: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const positive = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const tests = values.tests.split(',').filter((t) => t !== '');
  for (const t of tests) if (!ALL_TESTS.includes(t)) throw new Error(`unknown test ${t}`);
  if (values.reader && (process.env['BOREALIS_URL'] ?? '') !== '') {
    throw new Error('--reader starts Borealis with a reader endpoint: unset BOREALIS_URL');
  }
  if (values['borealis-prepared'] && (process.env['BOREALIS_URL'] ?? '') === '') {
    throw new Error('--borealis-prepared measures the Borealis at BOREALIS_URL: set it');
  }
  return {
    tables: positive('tables', values.tables),
    rows: positive('rows', values.rows),
    timeS: positive('time', values.time),
    threads: values.threads.split(',').map((t) => positive('threads', t)),
    tests,
    repeat: positive('repeat', values.repeat),
    bufferPoolMb: values['buffer-pool'] === undefined
      ? null
      : positive('buffer-pool', values['buffer-pool']),
    borealisPrepared: values['borealis-prepared'],
    append: !values['no-append'],
    reader: values.reader,
  };
}

/** A side of the benchmark: an endpoint, or why there is none. */
type Side = { readonly kind: 'up'; readonly endpoint: Endpoint } |
  { readonly kind: 'down'; readonly reason: string };

async function sysbench(e: Endpoint, o: Options, test: string, phase: string,
  extra: readonly string[], timeoutS: number): Promise<{ ok: boolean; out: string }> {
  const args = [test, ...sysbenchConnection(e, DATABASE), `--tables=${o.tables}`,
    `--table-size=${o.rows}`, ...extra, phase];
  const r = await exec('sysbench', args, { timeoutMs: timeoutS * 1000 });
  const out = `${r.stdout}\n${r.stderr}`;
  const fatal = sysbenchFatal(r.code, out);
  return { ok: fatal === undefined, out: fatal ?? out };
}

async function prepare(side: Side, o: Options, log: (s: string) => void): Promise<Side> {
  if (side.kind === 'down') return side;
  try {
    await admin(side.endpoint,
      [`DROP DATABASE IF EXISTS ${DATABASE}`, `CREATE DATABASE ${DATABASE}`]);
  } catch (error) {
    return { kind: 'down', reason: `CREATE DATABASE failed: ${String(error)}` };
  }
  const started = Date.now();
  const r = await sysbench(side.endpoint, o, 'oltp_read_write', 'prepare',
    [`--threads=${Math.min(o.tables, 4)}`], 3600);
  log(`  prepare ${side.endpoint.label}: ${r.ok ? 'ok' : 'FAILED'} ` +
    `(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (r.ok) return side;
  return { kind: 'down', reason: relative(`sysbench prepare failed: ${lastLines(r.out)}`) };
}

/** A short reason: the FATAL line without the query it quotes, or the output's last lines. */
function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  const fatal = lines.find((l) => l.startsWith('FATAL:'));
  if (fatal !== undefined) return fatal.replace(/ for query '.*$/, '');
  return lines.slice(-3).join(' / ');
}

async function measure(side: Side, o: Options, test: string, threads: number): Promise<Cell> {
  if (side.kind === 'down') return { kind: 'failed', reason: side.reason };
  try {
    await side.endpoint.ensureRunning();
  } catch (error) {
    return { kind: 'failed', reason: `server not running: ${String(error)}` };
  }
  const r = await sysbench(side.endpoint, o, test, 'run',
    [`--threads=${threads}`, `--time=${o.timeS}`, '--report-interval=0'], o.timeS + 120);
  const report = parseSysbenchReport(r.out);
  if (!r.ok || report === undefined || report.transactions === 0) {
    return { kind: 'failed', reason: relative(`${test}: ${lastLines(r.out)}`) };
  }
  return { kind: 'ok', tps: report.tps, qps: report.qps, p95Ms: report.p95Ms };
}

/** What --reader splits between the writer's port and the reader's. */
const READ_ONLY_TESTS = new Set(['oltp_point_select', 'oltp_read_only']);

/** measure() with the threads split between the writer's port and the reader's (--reader). */
async function measureSplit(side: Side, readerPort: number | null, o: Options, test: string,
  threads: number): Promise<Cell> {
  if (side.kind === 'down' || readerPort === null || threads < 2 || !READ_ONLY_TESTS.has(test)) {
    return measure(side, o, test, threads);
  }
  const reader: Side = { kind: 'up', endpoint: { ...side.endpoint, port: readerPort,
    label: `${side.endpoint.label} (reader endpoint)` } };
  const half = Math.floor(threads / 2);
  const [w, r] = await Promise.all([measure(side, o, test, threads - half),
    measure(reader, o, test, half)]);
  if (w.kind !== 'ok') return w;
  if (r.kind !== 'ok') return r;
  return { kind: 'ok', tps: w.tps + r.tps, qps: w.qps + r.qps, p95Ms: Math.max(w.p95Ms, r.p95Ms) };
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus.length} cores (${model}), ${memGiB} GiB memory, ${os.type()} ${os.release()}, ` +
    `Node ${process.version}`;
}

function commit(): string {
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: REPO_ROOT }).toString().trim();
    const sha = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain']);
    return `${sha}${dirty === '' ? '' : ' + uncommitted changes'}`;
  } catch {
    return 'unknown';
  }
}

/** The first line of a start failure and the first error line of the server's log tail. */
function startFailure(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  const cause = lines.slice(1).find((l) => /error/i.test(l)) ?? lines[1] ?? '';
  return relative(`${lines[0] ?? ''} ${cause}`.trim());
}

/** Reasons end up in BENCHMARKS.md: no machine paths. */
function relative(text: string): string {
  return text.split(`${REPO_ROOT}${path.sep}`).join('');
}

async function startSides(logDir: string, o: Options): Promise<{ mariadb: MariaDb;
  borealis: Side; readerPort: number | null; stop: () => Promise<void> }> {
  const mariadb = await startMariaDb({
    role: 'reference', durable: true, logDir, name: 'bench-mariadb',
    bufferPoolMb: o.bufferPoolMb ?? MARIADB_BUFFER_POOL_MB,
  });
  let b: Borealis | undefined;
  let borealis: Side;
  let readerPort: number | null = null;
  const url = process.env['BOREALIS_URL'];
  try {
    if (url !== undefined && url !== '') {
      borealis = { kind: 'up', endpoint: {
        ...parseMysqlUrl(url), role: 'target', flavor: 'borealis', label: `Borealis at ${url}`,
        ensureRunning: async () => undefined, diagnostics: () => '',
      } };
    } else {
      const pool = o.bufferPoolMb === null ? [] : ['--buffer-pool-size', `${o.bufferPoolMb}M`];
      readerPort = o.reader ? await freePort() : null;
      const reader = readerPort === null ? [] : ['--reader-port', String(readerPort)];
      b = await startBorealis({ role: 'target', logDir, name: 'bench-borealis', extraArgs: [
        ...pool, ...reader,
        ...(process.env['BOREALIS_ARGS'] ?? '').split(/\s+/).filter((a) => a !== '')] });
      borealis = { kind: 'up', endpoint: b };
    }
  } catch (error) {
    borealis = { kind: 'down', reason: `Borealis did not start: ${startFailure(error)}` };
  }
  return { mariadb, borealis, readerPort, stop: async () => {
    await b?.stop();
    await mariadb.stop();
  } };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = (s: string): void => { process.stdout.write(`${s}\n`); };
  const logDir = path.join(OUTPUT_DIR, 'bench');
  mkdirSync(logDir, { recursive: true });
  const started = new Date();
  log(`bench: ${o.tests.join(', ')} at ${o.threads.join('/')} threads; ${o.tables} tables × ` +
    `${o.rows} rows; ${o.timeS} s per run`);
  const sides = await startSides(logDir, o);
  const stop = (): void => { void sides.stop().finally(() => process.exit(130)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const rows: Row[] = [];
  try {
    const mariadb = await prepare({ kind: 'up', endpoint: sides.mariadb }, o, log);
    const borealis = o.borealisPrepared ? sides.borealis : await prepare(sides.borealis, o, log);
    for (const test of o.tests) {
      for (const threads of o.threads) {
        const m: Cell[] = [];
        const b: Cell[] = [];
        for (let run = 0; run < o.repeat; run++) {
          // Alternate which server goes first, so neither always runs on a warmer machine.
          if (run % 2 === 0) m.push(await measure(mariadb, o, test, threads));
          b.push(await measureSplit(borealis, sides.readerPort, o, test, threads));
          if (run % 2 === 1) m.push(await measure(mariadb, o, test, threads));
          const show = (c: Cell | undefined): string =>
            c?.kind === 'ok' ? `${c.tps.toFixed(1)} tps` : 'failed';
          log(`  ${test} ${threads}${o.repeat > 1 ? ` run ${run + 1}` : ''}: ` +
            `MariaDB ${show(m[run])}, Borealis ${show(b[run])}`);
        }
        rows.push({ test, threads, mariadb: median(m), borealis: median(b),
          ...(o.repeat > 1 ? { runRatios: runRatios(b, m) } : {}) });
      }
    }
  } finally {
    await sides.stop(); // (H1)
  }
  const table = formatTable(rows);
  const heading = `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — ` +
    `${o.tables} table(s) × ${o.rows.toLocaleString('en-US')} rows, ${o.timeS} s per run`;
  const serverArgs = (process.env['BOREALIS_ARGS'] ?? '').trim();
  const borealisLabel = sides.borealis.kind !== 'up' ? sides.borealis.reason
    : serverArgs === '' ? 'embedded six-node quorum (its defaults)'
      : `embedded six-node quorum, \`${serverArgs}\``;
  const mariadbPool = o.bufferPoolMb ?? MARIADB_BUFFER_POOL_MB;
  const entry = [
    heading, '',
    `- machine: ${machine()}`,
    `- MariaDB: ${sides.mariadb.label.replace(/ \(private.*$/, '')}, ` +
      `innodb_flush_log_at_trx_commit=1, buffer pool ${mariadbPool} MiB`,
    `- Borealis: ${borealisLabel}` +
      `${o.bufferPoolMb === null ? '' : `, buffer pool ${o.bufferPoolMb} MiB`}; commit ${commit()}`,
    ...(sides.readerPort === null ? [] : [`- Borealis with a reader endpoint (--reader-port): ` +
      `${[...READ_ONLY_TESTS].join(' and ')} at 2 or more threads ran half their threads at the ` +
      `writer's port and half at the reader's, the cell their sum`]),
    `- sysbench 1.0, \`--db-ps-mode=auto\`, ${o.threads.join('/')} threads` +
      (o.repeat > 1 ? `; each cell the median of ${o.repeat} runs, servers alternating` : ''),
    '', table, '',
  ].join('\n');
  log(`\n${entry}`);
  if (o.append) {
    const file = path.join(REPO_ROOT, 'BENCHMARKS.md');
    if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\n');
    appendFileSync(file, `\n${entry}`);
    log(`appended to ${file}`);
  }
}

await main();
