/**
 * The storage tier's conformance suite: hundreds of simulation seeds, the long process-level
 * scenarios, the big-table workload (a table many times the buffer pool), and the partition
 * test in network namespaces (skipped, with the reason printed, where it cannot run). Run by
 * `npm run conformance` (suite "storage") and, alone and without MariaDB, by
 * `npm run conformance:storage`.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimFailure, runSimulation } from '../../storage/testing/sim.js';
import { bigTable } from '../bigtable/check.js';
import type { CheckResult } from '../report.js';
import { partition, partitionSkipReason } from './partition.js';
import { readThread, readerEndpoint } from './reader.js';
import { replacement, zoneLoss } from './scenarios.js';

export interface StorageSuiteOptions {
  readonly reporter: { add(check: CheckResult): void; note(text: string): void };
  /** Simulation seeds (default 300, env SIM_SEEDS), from `firstSeed` (env SIM_FIRST). */
  readonly seeds?: number;
  readonly firstSeed?: number;
}

const SUITE = 'storage';

export async function runStorageSuite(options: StorageSuiteOptions): Promise<void> {
  const { reporter } = options;
  const seeds = options.seeds ?? Number(process.env['SIM_SEEDS'] ?? 300);
  const first = options.firstSeed ?? Number(process.env['SIM_FIRST'] ?? 1);
  let passed = 0;
  for (let seed = first; seed < first + seeds; seed++) {
    try {
      await runSimulation({ seed });
      passed++;
    } catch (error) {
      reporter.add({ suite: SUITE, name: `simulation seed ${seed}`, status: 'fail',
        detail: describe(error) });
    }
  }
  reporter.add({
    suite: SUITE,
    name: `simulation: ${passed} of ${seeds} seeds (${first}..${first + seeds - 1}) keep I1–I5`,
    status: passed === seeds ? 'pass' : 'fail',
    detail: passed === seeds ? '' : `${seeds - passed} seeds failed (listed above)`,
  });
  await check(reporter, 'processes: nine nodes in three zones, a zone lost, writer recovers',
    zoneLoss);
  await check(reporter, 'processes: an empty node replacing a lost one is rebuilt', replacement);
  await check(reporter, 'reader endpoint: the mysql CLI and sysbench read there, writes get 1290',
    readerEndpoint);
  await check(reporter, 'read thread: at one port, mysql CLI sessions on either thread read ' +
    'their writes and sysbench read_write runs clean', readThread);
  await check(reporter, 'a table many times the buffer pool: lookups, ranges and index scans ' +
    'over 200,000 rows with a 4 MiB pool', bigTable);
  const skip = partitionSkipReason();
  if (skip !== undefined) {
    reporter.note(`skip  ${SUITE} partition with real addresses: ${skip}`);
  } else {
    await check(reporter, 'partition: six nodes in network namespaces, links cut and mended',
      partition);
  }
}

async function check(
  reporter: StorageSuiteOptions['reporter'],
  name: string,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
    reporter.add({ suite: SUITE, name, status: 'pass', detail: '' });
  } catch (error) {
    reporter.add({ suite: SUITE, name, status: 'fail', detail: describe(error) });
  }
}

function describe(error: unknown): string {
  if (error instanceof SimFailure) {
    const file = path.join(os.tmpdir(), `borealis-sim-${error.seed}.log`);
    writeFileSync(file, error.log.join(''));
    return `${error.message}\nlog: ${file}`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
