/**
 * Runs a command-line client (mysql, mysqldump, sysbench, tmux) to completion with a time limit,
 * capturing its output. A command past its limit is killed by its own pid.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface ExecResult {
  /** Exit code, or the signal name if it was killed. */
  readonly code: string;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly timeoutMs?: number;
  /** Text written to stdin. */
  readonly input?: string;
  /** A file given as stdin (for big dumps). */
  readonly inputFile?: string;
  /** stdout goes to this file, byte for byte (dumps hold raw binary strings), not to `stdout`. */
  readonly outputFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function exec(
  command: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const stdinFd = options.inputFile === undefined ? undefined : openSync(options.inputFile, 'r');
  const stdoutFd = options.outputFile === undefined ? undefined : openSync(options.outputFile, 'w');
  try {
    const stdin = stdinFd ?? (options.input === undefined ? 'ignore' : 'pipe');
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: [stdin, stdoutFd ?? 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.stdin?.on('error', () => undefined); // EPIPE if it exits without reading
    child.stdin?.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    const code = await new Promise<string>((resolve) => {
      child.on('error', (e) => resolve(`spawn error: ${e.message}`));
      child.on('close', (c, signal) => resolve(c === null ? String(signal) : String(c)));
    });
    clearTimeout(timer);
    return {
      code,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
  } finally {
    if (stdinFd !== undefined) closeSync(stdinFd);
    if (stdoutFd !== undefined) closeSync(stdoutFd);
  }
}

/** Runs a step body; an exception becomes a failed step with its message. */
export async function step(
  name: string,
  body: () => Promise<string | undefined>,
): Promise<{ step: string; ok: boolean; detail: string; observed?: string }> {
  try {
    const observed = await body();
    return { step: name, ok: true, detail: '', ...(observed === undefined ? {} : { observed }) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { step: name, ok: false, detail };
  }
}

/** Throws with the command's output unless it exited 0. */
export function expectSuccess(what: string, r: ExecResult): ExecResult {
  if (r.code !== '0') {
    throw new Error(`${what} exited ${r.code}\nstderr: ${r.stderr.slice(0, 1500)}` +
      `\nstdout: ${r.stdout.slice(-500)}`);
  }
  return r;
}
