/**
 * The client suite: each runner against the reference, then against the target, every step a
 * check on each side, judged against conformance/expected-failures.
 *
 * Per step and side:   passed + not listed → pass        failed + listed → expected-fail
 *                      passed + listed     → unexpected-pass (the line is stale: remove it)
 *                      failed + not listed → fail
 * A step that passes on both sides with different observations fails on the target side.
 * Listed steps that the runner no longer has are stale too (ledger invariant L1).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { admin, type Endpoint } from '../harness/endpoint.js';
import { formatEntry, type Ledger } from '../ledger.js';
import type { CheckResult, CheckStatus, Reporter } from '../report.js';
import type { ClientRunner, RunOutput, StepResult } from './types.js';

const SUITE = 'clients';

export interface ClientSuiteOptions {
  readonly reference: Endpoint;
  readonly target: Endpoint;
  readonly runners: readonly ClientRunner[];
  /** Expected failures that apply to the flavors in this run. */
  readonly ledger: Ledger;
  readonly reporter: Reporter;
  readonly outputDir: string;
  readonly beforeEach: () => Promise<void>;
  /** Epoch ms after which no further runner starts (its steps fail as not run). */
  readonly deadline: number;
}

export async function runClientSuite(options: ClientSuiteOptions): Promise<void> {
  for (const runner of options.runners) {
    if (Date.now() > options.deadline) {
      options.reporter.add({ suite: SUITE, name: `${runner.name} (not run)`, status: 'fail',
        detail: 'the conformance time budget (CONFORMANCE_BUDGET_S) ran out before this runner' });
      continue;
    }
    await options.beforeEach();
    const refDir = path.join(options.outputDir, runner.name, 'reference');
    const reference = await runOn(runner, options.reference, refDir, refDir);
    await options.beforeEach();
    const tgtDir = path.join(options.outputDir, runner.name, 'target');
    const target = await runOn(runner, options.target, tgtDir, refDir);
    const refByStep = new Map(reference.results.map((r) => [r.step, r]));
    judgeSide(options, runner.name, options.reference, reference, undefined);
    judgeSide(options, runner.name, options.target, target, refByStep);
  }
}

async function runOn(
  runner: ClientRunner,
  endpoint: Endpoint,
  workDir: string,
  referenceWorkDir: string,
): Promise<RunOutput> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const database = `cl_${runner.name.replace(/[^a-z0-9]+/gi, '_')}`;
  try {
    await admin(endpoint, [`DROP DATABASE IF EXISTS ${database}`, `CREATE DATABASE ${database}`]);
  } catch (error) {
    return { plan: ['(setup)'], results: [{ step: '(setup)', ok: false,
      detail: `CREATE DATABASE ${database} failed: ${String(error)}` }] };
  }
  let output: RunOutput;
  try {
    output = await runner.run({ endpoint, database, workDir, referenceWorkDir });
  } catch (error) {
    output = { plan: ['(runner)'],
      results: [{ step: '(runner)', ok: false, detail: String(error) }] };
  }
  await admin(endpoint, [`DROP DATABASE IF EXISTS ${database}`]).catch(() => undefined);
  return output;
}

function judgeSide(
  options: ClientSuiteOptions,
  client: string,
  endpoint: Endpoint,
  output: RunOutput,
  referenceSteps: ReadonlyMap<string, StepResult> | undefined,
): void {
  const scope = `${endpoint.flavor}:${client}`;
  const side = endpoint.role === 'reference' || endpoint.flavor === 'borealis'
    ? `@${endpoint.flavor}` : `@${endpoint.flavor}(target)`;
  const plan = [...output.plan, ...output.results.map((r) => r.step)
    .filter((s) => !output.plan.includes(s))];
  for (const step of plan) {
    let result = output.results.find((r) => r.step === step) ??
      { step, ok: false, detail: 'not reached (the runner stopped before this step)' };
    const ref = referenceSteps?.get(step);
    if (result.ok && ref?.ok === true && ref.observed !== result.observed) {
      result = { step, ok: false, detail: `passed on both sides but observed differently:\n` +
        `reference: ${ref.observed ?? '(nothing)'}\ntarget:    ${result.observed ?? '(nothing)'}` };
    }
    options.reporter.add(judgeStep(options.ledger, `${scope}/${step}`, `${client}/${step} ${side}`,
      result));
  }
  options.ledger.markRan(scope);
  for (const entry of options.ledger.entriesInScope(scope)) {
    const step = entry.selector.slice(scope.length + 1);
    if (!plan.includes(step)) {
      options.reporter.add({ suite: SUITE, name: `expected-failures entry ${entry.selector}`,
        status: 'unexpected-pass',
        detail: `no such step; remove the line: ${formatEntry(entry)}` });
    }
  }
}

function judgeStep(
  ledger: Ledger,
  selector: string,
  name: string,
  result: StepResult,
): CheckResult {
  const entry = ledger.lookup(selector);
  let status: CheckStatus;
  let detail: string;
  if (result.ok) {
    status = entry === undefined ? 'pass' : 'unexpected-pass';
    detail = entry === undefined ? '' : `passes now; remove from conformance/expected-failures: ` +
      formatEntry(entry);
  } else if (entry !== undefined) {
    ledger.accept(selector);
    status = 'expected-fail';
    detail = `${entry.tag}: ${entry.reason}`;
  } else {
    status = 'fail';
    detail = `${result.detail}\nto accept: add "${selector}  issue-N  <reason>" to ` +
      `conformance/expected-failures`;
    return { suite: SUITE, name, status, detail, selector };
  }
  return { suite: SUITE, name, status, detail };
}
