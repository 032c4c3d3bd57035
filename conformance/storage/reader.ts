/**
 * The reader thread under real clients, a server process with embedded storage each time:
 *   - the reader endpoint (`borealis start --reader-port`): the mysql CLI writing at the
 *     writer's port and reading at the reader's, a write refused there with ERROR 1290, and
 *     sysbench's read-only transactions run there without an error;
 *   - write forwarding (`--read-thread on`): at the one port, mysql CLI sessions on either
 *     thread read their own writes, and sysbench's read-write transactions run without an error
 *     and leave the table whole.
 * Throws on the first thing that is wrong.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CLI, kill } from '../../storage/testing/processes.js';
import { exec } from '../clients/exec.js';

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly readerPort: number | null;
}

/** Starts the server on free ports with `options`; resolves with its ports once 'ready'. */
function startServer(dataDir: string, options: readonly string[]): Promise<Started> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--port', '0', ...options, '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    lines.on('line', (line) => {
      let entry: { msg?: unknown; port?: unknown; readerPort?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg !== 'ready') return;
      if (typeof entry.port !== 'number') {
        reject(new Error(`'ready' without a port: ${line}`));
        return;
      }
      const readerPort = typeof entry.readerPort === 'number' ? entry.readerPort : null;
      resolve({ child, port: entry.port, readerPort });
    });
  });
}

interface Answer {
  readonly code: string;
  readonly out: string;
  readonly err: string;
}

async function mysql(port: number, sql: string): Promise<Answer> {
  const r = await exec('mysql', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', '-N', '-B',
    '-e', sql]);
  return { code: r.code, out: r.stdout.trim(), err: r.stderr.trim() };
}

async function reads(port: number, sql: string, expected: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    const r = await mysql(port, sql);
    last = `${r.code} ${r.out} ${r.err}`;
    if (r.code === '0' && r.out === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the reader answered ${JSON.stringify(last)} to ${sql}, not ${expected}`);
}

export async function readerEndpoint(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'borealis-reader-'));
  let server: Started | undefined;
  try {
    server = await startServer(path.join(root, 'data'), ['--reader-port', '0']);
    const { port } = server;
    const readerPort = server.readerPort ?? 0;
    const setup = await mysql(port, 'CREATE DATABASE sbtest; CREATE DATABASE shop; ' +
      'CREATE TABLE shop.t (id INT PRIMARY ' +
      "KEY, name VARCHAR(10)); INSERT INTO shop.t VALUES (1, 'apple'), (2, 'pear')");
    assert.equal(setup.code, '0', setup.err);
    await reads(readerPort, 'SELECT GROUP_CONCAT(name ORDER BY id) FROM shop.t', 'apple,pear');
    const write = await mysql(readerPort, "INSERT INTO shop.t VALUES (3, 'plum')");
    assert.equal(write.code, '1');
    assert.equal(write.err.split('\n').at(-1),
      'ERROR 1290 (HY000) at line 1: The MySQL server is running with the ' +
      '--read-only option so it cannot execute this statement');
    const prepare = await exec('sysbench', [...sysbenchArgs(port), 'oltp_read_only', 'prepare']);
    assert.equal(prepare.code, '0', prepare.stderr);
    await reads(readerPort, 'SELECT COUNT(*) FROM sbtest.sbtest1', '1000');
    const run = await exec('sysbench', [...sysbenchArgs(readerPort), '--threads=2', '--time=3',
      'oltp_read_only', 'run']);
    assert.equal(run.code, '0', run.stderr);
    const done = /transactions:\s+(\d+)/.exec(run.stdout)?.[1];
    const errors = /ignored errors:\s+(\d+)/.exec(run.stdout)?.[1];
    assert(done !== undefined && Number(done) > 0, `no transactions:\n${run.stdout}`);
    assert.equal(errors, '0', run.stdout);
  } finally {
    await kill(server?.child);
    rmSync(root, { recursive: true, force: true });
  }
}

/** The connection ids of sessions the read thread serves start here (server/main.ts). */
const ROUTED_FIRST_CONNECTION_ID = 2_000_000_001;

export async function readThread(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'borealis-read-thread-'));
  let server: Started | undefined;
  try {
    server = await startServer(path.join(root, 'data'), ['--read-thread', 'on']);
    const { port } = server;
    const setup = await mysql(port, 'CREATE DATABASE sbtest; CREATE DATABASE shop; ' +
      'CREATE TABLE shop.t (id INT PRIMARY KEY, n INT)');
    assert.equal(setup.code, '0', setup.err);
    let routed = 0;
    for (let i = 1; i <= 30; i++) {
      const r = await mysql(port, `INSERT INTO shop.t VALUES (${i}, ${i * 10}); ` +
        `SELECT CONNECTION_ID() >= ${ROUTED_FIRST_CONNECTION_ID}, n FROM shop.t WHERE id = ${i}`);
      assert.equal(r.code, '0', r.err);
      const [onReadThread, n] = r.out.split('\t');
      assert.equal(n, String(i * 10), `session ${i} did not read its own write: ${r.out}`);
      if (onReadThread === '1') routed++;
    }
    assert(routed > 0 && routed < 30, `${routed} of 30 sessions on the read thread`);
    const prepare = await exec('sysbench', [...sysbenchArgs(port), 'oltp_read_write', 'prepare']);
    assert.equal(prepare.code, '0', prepare.stderr);
    const run = await exec('sysbench', [...sysbenchArgs(port), '--threads=4', '--time=3',
      'oltp_read_write', 'run']);
    assert.equal(run.code, '0', run.stderr);
    // sysbench ignores only deadlocks and lock wait timeouts (1213, 1205, 1020), which four
    // threads on 1000 rows meet here as on MariaDB; any other error ends the run non-zero.
    const done = /transactions:\s+(\d+)/.exec(run.stdout)?.[1];
    assert(done !== undefined && Number(done) > 0, `no transactions:\n${run.stdout}`);
    const rows = await mysql(port, 'SELECT COUNT(*) FROM sbtest.sbtest1');
    assert.equal(rows.out, '1000', rows.err); // each transaction deletes and re-inserts one row
  } finally {
    await kill(server?.child);
    rmSync(root, { recursive: true, force: true });
  }
}

function sysbenchArgs(port: number): string[] {
  return ['--db-driver=mysql', '--mysql-host=127.0.0.1', `--mysql-port=${port}`,
    '--mysql-user=root', '--mysql-db=sbtest', '--tables=1', '--table-size=1000'];
}
