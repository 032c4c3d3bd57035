/**
 * Runs a Node client script from conformance/clients/node/ as a child process and reads its
 * step lines. The scripts are plain ESM JavaScript because they import the ORMs installed under
 * conformance/node_modules by conformance/setup, which the root TypeScript build must not need.
 *
 * Line protocol on the script's stdout (anything else is kept for the log):
 *   ##plan ["step", …]
 *   ##step {"step": "…", "ok": true|false, "detail": "…", "observed": "…"?}
 *
 * Invariant: (N1) a script that outlives its timeout is killed (its own pid only) and its
 * unreported steps fail as "not reached".
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { CONFORMANCE_DIR } from '../harness/paths.js';
import type { ClientRunner, RunContext, RunOutput, StepResult } from './types.js';

export const NODE_CLIENTS_DIR = path.join(CONFORMANCE_DIR, 'clients', 'node');

export function nodeClientsInstalled(): boolean {
  return existsSync(path.join(CONFORMANCE_DIR, 'node_modules', 'sequelize', 'package.json'));
}

export function nodeScriptRunner(name: string, script: string, timeoutMs = 150_000): ClientRunner {
  return {
    name,
    run: (context) => runScript(path.join(NODE_CLIENTS_DIR, script), context, timeoutMs),
  };
}

export function parsePlanLine(line: string): string[] | undefined {
  if (!line.startsWith('##plan ')) return undefined;
  const parsed: unknown = JSON.parse(line.slice('##plan '.length));
  return Array.isArray(parsed) && parsed.every((s) => typeof s === 'string') ? parsed : undefined;
}

export function parseStepLine(line: string): StepResult | undefined {
  if (!line.startsWith('##step ')) return undefined;
  const parsed: unknown = JSON.parse(line.slice('##step '.length));
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  if (typeof o['step'] !== 'string' || typeof o['ok'] !== 'boolean') return undefined;
  return {
    step: o['step'],
    ok: o['ok'],
    detail: typeof o['detail'] === 'string' ? o['detail'] : '',
    ...(typeof o['observed'] === 'string' ? { observed: o['observed'] } : {}),
  };
}

async function runScript(
  script: string,
  context: RunContext,
  timeoutMs: number,
): Promise<RunOutput> {
  if (!nodeClientsInstalled()) {
    throw new Error('client libraries missing: run `bash conformance/setup`');
  }
  const log = createWriteStream(path.join(context.workDir, 'output.log'));
  const child = spawn(process.execPath, [script], {
    cwd: path.dirname(script),
    env: {
      ...process.env,
      HOST: context.endpoint.host,
      PORT: String(context.endpoint.port),
      DBUSER: context.endpoint.user,
      PASSWORD: context.endpoint.password,
      DB: context.database,
      WORKDIR: context.workDir,
      DRIZZLE_KIT: path.join(CONFORMANCE_DIR, 'node_modules', '.bin', 'drizzle-kit'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const results: StepResult[] = [];
  let plan: string[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    log.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const step = parseStepLine(line);
      if (step !== undefined) results.push(step);
      plan = parsePlanLine(line) ?? plan;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs); // (N1)
  const code = await new Promise<string>((resolve) => {
    child.on('exit', (c, signal) => resolve(c === null ? String(signal) : String(c)));
  });
  clearTimeout(timer);
  log.end();
  if (code !== '0') {
    plan.push('(script)');
    results.push({ step: '(script)', ok: false,
      detail: `exited ${code}; see ${String(log.path)}` });
  }
  return { plan, results };
}
