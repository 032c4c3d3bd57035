/**
 * sysbench 1.0 `oltp_read_write`: prepare, a short run with `--db-ps-mode=auto` (prepared
 * statements) and one with `disable` (the same SQL as text), cleanup. Adapted from the
 * client-traces `sysbench/sysbench.sh`. A run passes when sysbench exits 0 and completed
 * transactions; errors sysbench ignores by design (deadlocks, 1213) are allowed.
 *
 * The same cycle runs a second time in a narrower shape (steps ending in `-narrow`): explicit
 * ids instead of AUTO_INCREMENT, no secondary index, no range selects (SUM, ORDER BY,
 * DISTINCT). It keeps libmariadb's prepared-statement traffic (types sent on the first execute
 * only, BEGIN/COMMIT prepared, point selects, updates, deletes, inserts) checked while the
 * full shape waits for engine features.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  parseSysbenchReport, sysbenchConnection, sysbenchFatal,
} from '../bench/sysbench-output.js';
import { exec, step } from './exec.js';
import type { ClientRunner, RunContext, RunOutput, StepResult } from './types.js';

const TABLE_SIZE = 1000;
const RUN_SECONDS = Number(process.env['SYSBENCH_TIME'] ?? 5);

async function sysbench(ctx: RunContext, phase: string, extra: readonly string[]): Promise<string> {
  const args = ['oltp_read_write', ...sysbenchConnection(ctx.endpoint, ctx.database),
    '--tables=1', `--table-size=${TABLE_SIZE}`, ...extra, phase];
  const r = await exec('sysbench', args, { timeoutMs: (RUN_SECONDS + 40) * 1000 });
  writeFileSync(path.join(ctx.workDir, `${phase}${extra.join('')}.log`.replace(/[^\w.-]+/g, '_')),
    `${r.stdout}\n${r.stderr}`);
  const fatal = sysbenchFatal(r.code, `${r.stdout}\n${r.stderr}`);
  if (fatal !== undefined) {
    throw new Error(`sysbench ${phase}: ${fatal}\n${r.stderr.slice(0, 1000)}`);
  }
  return r.stdout;
}

const NARROW = ['--auto_inc=off', '--create_secondary=off', '--range_selects=off'];

async function runPhase(
  ctx: RunContext,
  psMode: string,
  extra: readonly string[] = [],
): Promise<undefined> {
  const out = await sysbench(ctx, 'run',
    ['--threads=2', `--time=${RUN_SECONDS}`, `--db-ps-mode=${psMode}`, ...extra]);
  const report = parseSysbenchReport(out);
  if (report === undefined) throw new Error(`no sysbench report in:\n${out.slice(-1500)}`);
  if (report.transactions <= 0) throw new Error(`no transaction completed:\n${out.slice(-1500)}`);
  return undefined;
}

async function run(ctx: RunContext): Promise<RunOutput> {
  const results: StepResult[] = [
    await step('prepare', async () => {
      await sysbench(ctx, 'prepare', ['--threads=2']);
      return undefined;
    }),
    await step('run-ps-mode-auto', () => runPhase(ctx, 'auto')),
    await step('run-ps-mode-disable', () => runPhase(ctx, 'disable')),
    await step('cleanup', async () => {
      await sysbench(ctx, 'cleanup', []);
      return undefined;
    }),
    await step('prepare-narrow', async () => {
      await sysbench(ctx, 'prepare', ['--threads=2', ...NARROW]);
      return undefined;
    }),
    await step('run-ps-mode-auto-narrow', () => runPhase(ctx, 'auto', NARROW)),
    await step('run-ps-mode-disable-narrow', () => runPhase(ctx, 'disable', NARROW)),
    await step('cleanup-narrow', async () => {
      await sysbench(ctx, 'cleanup', NARROW);
      return undefined;
    }),
  ];
  return { plan: results.map((r) => r.step), results };
}

export const sysbenchRunner: ClientRunner = { name: 'sysbench', run };
