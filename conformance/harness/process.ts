/**
 * Child processes the harness starts (MariaDB, Borealis), wrapped so they cannot outlive it.
 *
 * Each server runs under a small `sh` guard whose stdin is a pipe from this process. When the
 * pipe closes, because we called `stop()` or because this process died in any way (exception,
 * SIGKILL), the guard sends SIGTERM to the server. The guard is a process-group leader, so a
 * server that ignores SIGTERM is SIGKILLed as a group after a grace period. Given a
 * `cleanupDir`, the guard removes it once the server has exited, so even a harness killed with
 * SIGKILL leaves no data directory behind.
 *
 * Invariants:
 *   (P1) every process started here is stopped by its own pid/group, never by name;
 *   (P2) `stop()` resolves only once the guard has exited;
 *   (P3) output goes to a log file whose path the caller owns, so a failure can show its tail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * The guard: run "$@" in the background with our stdout/stderr; on EOF of our stdin, TERM it,
 * then KILL it if it is still there after the grace period; remove the cleanup directory once it
 * has exited. The guard's own stdout/stderr go to /dev/null: a status message written to a pipe
 * whose reader died would kill it (SIGPIPE) before the cleanup.
 */
const GUARD = [
  'exec 3<&0 4>&1 5>&2 1>/dev/null 2>/dev/null',
  '"$@" </dev/null >&4 2>&5 3<&- &',
  'child=$!',
  '( cat <&3; kill -TERM "$child"; sleep "$GUARD_GRACE_S"; kill -KILL "$child" ) 4>&- 5>&- &',
  'exec 3<&- 4>&- 5>&-',
  'wait "$child"',
  'code=$?',
  'if [ -n "$GUARD_CLEANUP_DIR" ]; then rm -rf "$GUARD_CLEANUP_DIR"; fi',
  'exit $code',
].join('\n');

/** How long a server may take to exit after SIGTERM before it is killed. */
const GRACE_S = 15;

export interface GuardedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the guard exits. */
  readonly exited: Promise<string>;
  /** undefined while running. */
  exitStatus(): string | undefined;
  /** Called for every chunk the process writes to stdout (after it is logged). */
  onStdout(listener: (chunk: string) => void): void;
  stop(graceMs?: number): Promise<void>;
}

export function spawnGuarded(
  command: string,
  args: readonly string[],
  options: {
    readonly logFile: string;
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
    /** Removed by the guard after the process exits, however the harness ended. */
    readonly cleanupDir?: string;
  },
): GuardedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn('sh', ['-c', GUARD, 'guard', command, ...args], {
    cwd: options.cwd,
    env: {
      ...(options.env ?? process.env),
      GUARD_CLEANUP_DIR: options.cleanupDir ?? '',
      GUARD_GRACE_S: String(GRACE_S),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const listeners: ((chunk: string) => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    for (const l of listeners) l(chunk.toString('utf8'));
  });
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  let status: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      status = code === null ? String(signal) : String(code);
      log.end();
      resolve(status);
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  return {
    pid,
    logFile: options.logFile,
    exited,
    exitStatus: () => status,
    onStdout: (listener) => listeners.push(listener),
    async stop(graceMs = (GRACE_S + 5) * 1000): Promise<void> {
      if (status !== undefined) return;
      child.stdin?.end(); // (P1) the guard TERMs its own child
      const timer = setTimeout(() => killGroup(pid), graceMs);
      await exited; // (P2)
      clearTimeout(timer);
    },
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Polls `probe` until it returns true, the deadline passes, or `abort` returns a reason. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: {
    readonly timeoutMs: number;
    readonly what: string;
    readonly abort?: () => string | undefined;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const reason = options.abort?.();
    if (reason !== undefined) throw new Error(`${options.what}: ${reason}`);
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`${options.what}: timed out`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log)';
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** Finds an executable on PATH or in the sbin directories that root's PATH has. */
export function findExecutable(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
