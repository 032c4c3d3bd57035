/**
 * The whole stack: config → storage cluster (embedded, LMDB in a temporary directory) → engine →
 * listener, in-process through startServer, and as the built `borealis` program when dist/ exists
 * (`npm test` builds it first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createConnection } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { startServer } from './main.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'borealis-server-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function selectOne(port: number): Promise<unknown> {
  const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', rowsAsArray: true });
  try {
    const [rows] = await conn.query('SELECT 1');
    return rows;
  } finally {
    await conn.end();
  }
}

describe('startServer', () => {
  it('serves queries through storage, engine and listener, and closes cleanly', async () => {
    const server = await startServer({
      ...DEFAULT_CONFIG,
      port: 0,
      dataDir: await tempDir(),
      logLevel: 'silent',
    });
    cleanups.push(() => server.close());
    expect(server.port).toBeGreaterThan(0);
    expect(await selectOne(server.port)).toEqual([[1]]);
    await server.close();
  });

  it('refuses options that are not built yet', async () => {
    const base = { ...DEFAULT_CONFIG, port: 0, logLevel: 'silent' as const };
    await expect(startServer({ ...base, replicaOf: { host: 'w', port: 1 } })).rejects.toThrow(
      /not built yet/,
    );
  });
});

const cli = join(process.cwd(), 'dist', 'server', 'cli.js');

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe.skipIf(!existsSync(cli))('the borealis program (dist/server/cli.js)', () => {
  it("logs only JSON, says 'ready' with its port, and exits 0 on SIGTERM", async () => {
    const child = run(['start', '--port', '0', '--data-dir', await tempDir()]);
    const lines: Record<string, unknown>[] = [];
    const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const ready = new Promise<number>((resolve, reject) => {
      stdout.on('line', (line) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          reject(new Error(`stdout line is not JSON: ${line}`));
          return;
        }
        lines.push(entry);
        if (entry['msg'] === 'ready') resolve(entry['port'] as number);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before ready`)));
    });
    const port = await ready;
    expect(await selectOne(port)).toEqual([[1]]);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(lines.some((l) => l['msg'] === 'stopped')).toBe(true);
  });

  it('shuts down cleanly on a SIGTERM that arrives while it starts', async () => {
    const child = run(['start', '--port', '0', '--data-dir', await tempDir()]);
    const messages: unknown[] = [];
    const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let signalled = false;
    stdout.on('line', (line) => {
      messages.push((JSON.parse(line) as Record<string, unknown>)['msg']);
      if (signalled) return;
      signalled = true; // its first line: storage is only starting, 'ready' is far off
      child.kill('SIGTERM');
    });
    expect(await exited(child)).toBe(0);
    expect(messages.indexOf('ready')).toBeGreaterThan(0);
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.indexOf('ready'));
  });

  it('prints help, and refuses what is not built yet', async () => {
    const help = run(['--help']);
    let out = '';
    help.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    expect(await exited(help)).toBe(0);
    expect(out).toMatch(/^Usage:/);

    const replica = run(['start', '--replica-of', 'w:3306']);
    let err = '';
    replica.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exited(replica)).toBe(1);
    expect(err).toMatch(/--replica-of .*not built yet/);
  });
});
