/**
 * The isolation suite: every script of conformance/isolation/scripts on the reference, then on
 * the target, each in a fresh database per side, step by step with the same interleaving; one
 * check per script. A step that has not answered after BLOCKED_AFTER_MS is "blocked" (waiting for
 * a lock) and stays pending on its connection until a `wait` step collects it.
 *
 * Differences the target is allowed are listed in conformance/isolation/known-differences (same
 * format as conformance/known-differences, selectors `<script>[:<line>]`); a listed difference
 * that no longer differs is stale and fails the script.
 *
 * Invariant: (I1) every connection a script opened is closed, and every blocked statement is
 * collected, before the script's databases are dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { admin, type Endpoint } from '../harness/endpoint.js';
import { CONFORMANCE_DIR } from '../harness/paths.js';
import { caseScope, formatEntry, type Entry, type Ledger } from '../ledger.js';
import type { CheckResult, Reporter } from '../report.js';
import { compareOutcomes } from '../sql/compare.js';
import { openRunner, type StatementRunner } from '../sql/execute.js';
import { formatOutcome, type Outcome } from '../sql/outcome.js';
import { parseScript, type Script, type Step } from './script.js';

const SUITE = 'isolation';
/** How long a step may take before it counts as blocked on a lock. */
export const BLOCKED_AFTER_MS = 500;
/** How long a `wait` step waits for a blocked statement (past any lock wait timeout used). */
const WAIT_MS = 20_000;

export type StepOutcome = Outcome | { readonly kind: 'blocked' };

export interface IsolationOptions {
  readonly reference: Endpoint;
  readonly target: Endpoint;
  readonly scriptsDir: string;
  readonly filter: string | undefined;
  readonly ledger: Ledger;
  readonly reporter: Reporter;
  readonly beforeEach: () => Promise<void>;
}

export async function runIsolation(options: IsolationOptions): Promise<void> {
  const files = readdirSync(options.scriptsDir)
    .filter((f) => f.endsWith('.sql'))
    .filter((f) => options.filter === undefined || f.includes(options.filter))
    .sort();
  for (const file of files) {
    await options.beforeEach();
    options.reporter.add(await runScriptFile(options, file));
  }
}

async function runScriptFile(options: IsolationOptions, file: string): Promise<CheckResult> {
  let script: Script;
  try {
    script = parseScript(file, readFileSync(path.join(options.scriptsDir, file), 'utf8'));
  } catch (error) {
    return { suite: SUITE, name: file, status: 'fail', detail: String(error) };
  }
  const db = `iso_${file.replace(/\.sql$/, '').replace(/[^a-z0-9]+/gi, '_').slice(0, 50)}`;
  const reference = await runScript(options.reference, db, script);
  const target = await runScript(options.target, db, script);
  if (typeof reference === 'string') {
    return { suite: SUITE, name: file, status: 'fail', detail: `reference: ${reference}` };
  }
  const mismatches: string[] = [];
  const accepted: Entry[] = [];
  script.steps.forEach((step, i) => {
    const r = reference[i] as StepOutcome;
    const t = typeof target === 'string' ? undefined : target[i];
    const differs = t === undefined ? `target: ${String(target)}` : difference(r, t);
    if (differs === null) return;
    const entry = options.ledger.accept(`${file}:${step.line}`, file);
    if (entry !== undefined) accepted.push(entry);
    else mismatches.push(`${file}:${step.line}: ${describe(step)}\n${indent(differs)}`);
  });
  options.ledger.markRan(file);
  return judge(file, mismatches, accepted, options.ledger.stale(file));
}

function judge(
  file: string,
  mismatches: readonly string[],
  accepted: readonly Entry[],
  stale: readonly Entry[],
): CheckResult {
  const parts = [...mismatches];
  if (stale.length > 0) {
    parts.push('stale known-differences (no longer differ; remove them):\n' +
      stale.map((e) => `  ${formatEntry(e)}`).join('\n'));
  }
  if (parts.length > 0) {
    return {
      suite: SUITE, name: file, status: mismatches.length > 0 ? 'fail' : 'unexpected-pass',
      detail: parts.join('\n'), ...(mismatches.length > 0 ? { selector: file } : {}),
    };
  }
  if (accepted.length === 0) return { suite: SUITE, name: file, status: 'pass', detail: '' };
  const reasons = [...new Set(accepted.map((e) => `${e.tag}: ${e.reason}`))];
  return { suite: SUITE, name: file, status: 'expected-fail', detail: reasons.join('; ') };
}

function describe(step: Step): string {
  return `${step.connection}: ${step.sql ?? 'wait'}`;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

function show(o: StepOutcome): string {
  return o.kind === 'blocked' ? 'BLOCKED (waiting for a lock)' : formatOutcome(o);
}

/** Null when the two step outcomes agree; otherwise both, for the report. */
function difference(reference: StepOutcome, target: StepOutcome): string | null {
  if (reference.kind === 'blocked' || target.kind === 'blocked') {
    if (reference.kind === target.kind) return null;
  } else if (compareOutcomes(reference, target, { ordered: true }).length === 0) {
    return null;
  }
  return `reference: ${show(reference)}\ntarget:    ${show(target)}`;
}

/** Runs a script on one side: one outcome per step, or why it could not start. */
export async function runScript(
  endpoint: Endpoint,
  db: string,
  script: Script,
): Promise<StepOutcome[] | string> {
  try {
    await admin(endpoint, [`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db}`]);
  } catch (error) {
    return `fresh database: ${String(error)}`;
  }
  const connections = new Map<string, StatementRunner>();
  const pending = new Map<string, Promise<Outcome>>();
  const outcomes: StepOutcome[] = [];
  try {
    for (const step of script.steps) {
      outcomes.push(await runStep(endpoint, db, step, connections, pending));
    }
  } catch (error) {
    return `step failed to run: ${String(error)}`;
  } finally {
    for (const p of pending.values()) await p.catch(() => undefined); // (I1)
    for (const c of connections.values()) await c.close().catch(() => undefined);
    await admin(endpoint, [`DROP DATABASE IF EXISTS ${db}`]).catch(() => undefined);
  }
  return outcomes;
}

async function runStep(
  endpoint: Endpoint,
  db: string,
  step: Step,
  connections: Map<string, StatementRunner>,
  pending: Map<string, Promise<Outcome>>,
): Promise<StepOutcome> {
  const waiting = pending.get(step.connection);
  if (step.sql === null) {
    if (waiting === undefined) return { kind: 'failure', message: 'nothing to wait for' };
    pending.delete(step.connection);
    return within(waiting, WAIT_MS, { kind: 'failure', message: `no answer in ${WAIT_MS} ms` });
  }
  if (waiting !== undefined) return { kind: 'failure', message: 'the connection is blocked' };
  let conn = connections.get(step.connection);
  if (conn === undefined) {
    conn = await openRunner(endpoint, db, WAIT_MS);
    connections.set(step.connection, conn);
  }
  const running = conn.run(step.sql);
  const blocked = { kind: 'blocked' } as const;
  const outcome = await within(running, BLOCKED_AFTER_MS, blocked);
  if (outcome.kind === 'blocked') pending.set(step.connection, running);
  return outcome;
}

function within<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The isolation ledger's scope for a selector: the script file. */
export const isolationScope = caseScope;

export const ISOLATION_DIR = path.join(CONFORMANCE_DIR, 'isolation');
export const ISOLATION_SCRIPTS_DIR = path.join(ISOLATION_DIR, 'scripts');
export const ISOLATION_DIFFERENCES_FILE = path.join(ISOLATION_DIR, 'known-differences');
