/**
 * Starts the Borealis server built in dist/ on a free port with a temporary data directory:
 * `node dist/server/cli.js start --port P --host 127.0.0.1 --data-dir DIR`. The server prints
 * pino JSON lines on stdout; it is up when a line has `msg: "ready"` and a client can log in as
 * root with an empty password.
 *
 * If the server dies during a run, `ensureRunning()` reports the crash once (the caller turns it
 * into a failed check) and starts a fresh server on the same port, so one crash does not hide
 * every later result.
 *
 * Invariants: (B1) one server process at a time per endpoint; (B2) `stop()` removes the data
 * directories after the process has exited; logs stay in the output directory.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { canQuery, type Endpoint, type Role } from './endpoint.js';
import { freePort, spawnGuarded, tail, waitUntil, type GuardedProcess } from './process.js';
import { SERVER_CLI, REPO_ROOT } from './paths.js';

export interface BorealisOptions {
  readonly role: Role;
  readonly logDir: string;
  readonly name: string;
  /** Extra arguments after `start …` (BOREALIS_ARGS). */
  readonly extraArgs?: readonly string[];
}

export interface Borealis extends Endpoint {
  /** Crashes seen since the last call, each with its log tail. */
  takeCrashes(): string[];
  stop(): Promise<void>;
}

export function borealisBuilt(): boolean {
  return existsSync(SERVER_CLI);
}

export async function startBorealis(options: BorealisOptions): Promise<Borealis> {
  if (!borealisBuilt()) throw new Error(`${SERVER_CLI} not found: run \`npx tsc -p .\``);
  const port = await freePort();
  const dirs: string[] = [];
  const crashes: string[] = [];
  let generation = 0;
  let current: GuardedProcess | undefined;
  let logFile = '';
  const endpoint = { host: '127.0.0.1', port, user: 'root', password: '' };

  const launch = async (): Promise<void> => {
    assert.ok(current === undefined || current.exitStatus() !== undefined, 'B1');
    generation += 1;
    const dir = mkdtempSync(path.join(os.tmpdir(), `borealis-${options.name}-`));
    dirs.push(dir);
    logFile = path.join(options.logDir, `${options.name}.${generation}.log`);
    const args = [
      SERVER_CLI, 'start', '--port', String(port), '--host', '127.0.0.1',
      '--data-dir', path.join(dir, 'data'), ...(options.extraArgs ?? []),
    ];
    const proc = spawnGuarded(process.execPath, args, { logFile, cwd: REPO_ROOT, cleanupDir: dir });
    current = proc;
    let ready = false;
    let pending = '';
    proc.onStdout((chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.some(isReadyLine)) ready = true;
    });
    await waitUntil(async () => ready && (await canQuery(endpoint)), {
      timeoutMs: 60_000,
      what: `Borealis start (${logFile})`,
      abort: () => {
        const status = proc.exitStatus();
        return status === undefined ? undefined : `exited ${status}\n${tail(logFile)}`;
      },
    });
  };

  const stop = async (): Promise<void> => {
    await current?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); // (B2)
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...endpoint,
    role: options.role,
    flavor: 'borealis',
    label: `Borealis (dist/server/cli.js, port ${port})`,
    async ensureRunning(): Promise<void> {
      const status = current?.exitStatus();
      if (status === undefined) return;
      crashes.push(`Borealis exited ${status}; log ${logFile}:\n${tail(logFile)}`);
      await launch();
    },
    takeCrashes: () => crashes.splice(0),
    diagnostics: () => `Borealis log (${logFile}):\n${tail(logFile, 10)}`,
    stop,
  };
}

function isReadyLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && 'msg' in parsed &&
      parsed.msg === 'ready';
  } catch {
    return false;
  }
}
