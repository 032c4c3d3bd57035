/**
 * The big-table workload (workload.ts) as a conformance check (the storage suite): 200,000 rows
 * (about 20 MiB with its index) through a Borealis started with --buffer-pool-size 4M. The
 * 2,000,000-row / 32M run is `node dist/conformance/bigtable/run.js` (README). It took ~30 s of
 * npm test's five minutes, so it runs with the conformance suites.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { admin } from '../harness/endpoint.js';
import { type Borealis, startBorealis } from '../harness/borealis.js';
import { runBigTable } from './workload.js';

/** Lookups, ranges and index scans over 200,000 rows with a 4 MiB pool; throws what failed. */
export async function bigTable(): Promise<void> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'borealis-bigtable-'));
  let server: Borealis | undefined;
  try {
    server = await startBorealis({
      role: 'target',
      logDir,
      name: 'bigtable',
      extraArgs: ['--buffer-pool-size', '4M'],
    });
    await admin(server, ['CREATE DATABASE big']);
    const result = await runBigTable(server, 'big', { rows: 200_000, loaders: 4, seed: 7 });
    assert.deepEqual(result.failures, []);
  } finally {
    await server?.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}
