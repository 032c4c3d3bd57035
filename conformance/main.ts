/**
 * `npm run conformance` (via conformance/run): brings up the reference and the target, runs the
 * differential SQL cases and the real-client runners against both, prints every check and a
 * summary, writes the summary as JSON for .ci/run, and exits non-zero if any check failed.
 *
 *   node dist/conformance/main.js [--suite sql|clients|isolation|storage] [--filter TEXT]
 *                                 [--clients a,b]
 *                                 [--summary FILE]
 *
 * Sides come from the environment (harness/sides.ts): MYSQL_URL, BOREALIS_URL, BOREALIS,
 * BOREALIS_ARGS, STAND_IN_ARGS.
 *
 * Invariant: (R1) servers the run started are stopped on every exit path: success, failure,
 * exception, SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_RUNNERS } from './clients/index.js';
import { runClientSuite } from './clients/suite.js';
import type { Endpoint } from './harness/endpoint.js';
import {
  CASES_DIR, EXPECTED_FAILURES_FILE, KNOWN_DIFFERENCES_FILE, OUTPUT_DIR,
} from './harness/paths.js';
import { startSides, type Sides } from './harness/sides.js';
import {
  caseScope, clientScope, differenceApplies, failureSide, Ledger, parseLedger, type RunFlavors,
} from './ledger.js';
import { formatSummary, Reporter, writeSummary } from './report.js';
import { runCases } from './sql/run-cases.js';
import { runStorageSuite } from './storage/suite.js';
import {
  ISOLATION_DIFFERENCES_FILE, ISOLATION_SCRIPTS_DIR, isolationScope, runIsolation,
} from './isolation/run-isolation.js';
import { runWorkloads } from './isolation/workloads.js';

interface Options {
  readonly suites: ReadonlySet<string>;
  readonly filter: string | undefined;
  readonly clients: readonly string[] | undefined;
  readonly summaryFile: string;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      suite: { type: 'string', multiple: true },
      filter: { type: 'string' },
      clients: { type: 'string' },
      summary: { type: 'string' },
    },
  });
  return {
    suites: new Set(values.suite ?? ['sql', 'isolation', 'clients', 'storage']),
    filter: values.filter,
    clients: values.clients?.split(',').filter((c) => c !== ''),
    summaryFile: values.summary ?? path.join(OUTPUT_DIR, 'summary.json'),
  };
}

function loadLedgers(run: RunFlavors): { differences: Ledger; failures: Ledger } {
  const differences = parseLedger('known-differences', readFileSync(KNOWN_DIFFERENCES_FILE, 'utf8'))
    .filter((e) => differenceApplies(e, run));
  const present = new Set([run.reference, run.target]);
  const failures = parseLedger('expected-failures', readFileSync(EXPECTED_FAILURES_FILE, 'utf8'))
    .filter((e) => {
      const side = failureSide(e);
      return side !== undefined && present.has(side);
    });
  return {
    differences: new Ledger(differences, caseScope),
    failures: new Ledger(failures, clientScope),
  };
}

/** Wall-clock budget for the whole run, so CI stays bounded when a server hangs. */
const budgetS = Number(process.env['CONFORMANCE_BUDGET_S'] ?? 1200);

async function runSuites(
  options: Options,
  sides: Sides,
  reporter: Reporter,
  started: number,
): Promise<void> {
  const run = { reference: sides.reference.flavor, target: sides.target.flavor };
  const ledgers = loadLedgers(run);
  const beforeEach = async (): Promise<void> => {
    await sides.target.ensureRunning();
    for (const crash of sides.takeCrashes()) {
      reporter.add({ suite: 'server', name: 'borealis crashed (restarted)', status: 'fail',
        detail: crash });
    }
  };
  if (options.suites.has('sql')) {
    await runCases({
      reference: sides.reference, target: sides.target, casesDir: CASES_DIR,
      filter: options.filter, ledger: ledgers.differences, reporter, beforeEach,
    });
  }
  if (options.suites.has('isolation')) {
    const entries = parseLedger('isolation/known-differences',
      readFileSync(ISOLATION_DIFFERENCES_FILE, 'utf8')).filter((e) => differenceApplies(e, run));
    await runIsolation({
      reference: sides.reference, target: sides.target, scriptsDir: ISOLATION_SCRIPTS_DIR,
      filter: options.filter, ledger: new Ledger(entries, isolationScope), reporter, beforeEach,
    });
    await runWorkloads([sides.reference, sides.target], reporter, options.filter, beforeEach);
  }
  if (options.suites.has('clients')) {
    const runners = CLIENT_RUNNERS.filter((r) => options.clients === undefined ||
      options.clients.includes(r.name));
    await runClientSuite({
      reference: sides.reference, target: sides.target, runners, ledger: ledgers.failures,
      reporter, outputDir: path.join(OUTPUT_DIR, 'clients'), beforeEach,
      deadline: started + budgetS * 1000,
    });
  }
  if (options.suites.has('storage')) await runStorageSuite({ reporter }); // needs no sides
  await beforeEach();
}

function describeSides(reference: Endpoint, target: Endpoint): string {
  const standIn = target.flavor !== 'borealis'
    ? '\n  NOTE: the target is not Borealis (dist/server/cli.js missing or BOREALIS=stand-in):' +
      '\n        known-differences and borealis expected-failures do not apply to this run.'
    : '';
  return `reference: ${reference.label}\ntarget:    ${target.label}${standIn}`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const reporter = new Reporter();
  const started = Date.now();
  let sides: Sides | undefined;
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    reporter.note(`\n${signal}: stopping servers`);
    void (sides?.stop() ?? Promise.resolve()).finally(() => process.exit(130)); // (R1)
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const logDir = path.join(OUTPUT_DIR, 'logs');
    sides = await startSides({ logDir, durable: false, env: process.env });
    reporter.note(describeSides(sides.reference, sides.target));
    await runSuites(options, sides, reporter, started);
  } catch (error) {
    reporter.add({ suite: 'harness', name: 'run', status: 'fail',
      detail: error instanceof Error ? error.stack ?? error.message : String(error) });
  } finally {
    await sides?.stop(); // (R1)
  }
  const summary = reporter.summary({
    reference: sides?.reference.label ?? '(not started)',
    target: sides?.target.label ?? '(not started)',
  });
  writeSummary(options.summaryFile, summary);
  reporter.note(`\n${formatSummary(summary)}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  reporter.note(`(${seconds} s; logs and outputs in ${OUTPUT_DIR})`);
  return summary.failed === 0 && summary.passed > 0 ? 0 : 1;
}

process.exitCode = await main();
