/**
 * The big-table workload (workload.ts) in npm test: 200,000 rows (about 20 MiB with its index)
 * through a Borealis started with --buffer-pool-size 4M. The 2,000,000-row / 32M run is
 * `node dist/conformance/bigtable/run.js` (README).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { admin } from '../harness/endpoint.js';
import { type Borealis, startBorealis } from '../harness/borealis.js';
import { runBigTable } from './workload.js';

const logDir = mkdtempSync(path.join(os.tmpdir(), 'borealis-bigtable-'));
let server: Borealis | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

describe('a table many times the buffer pool', () => {
  it('answers lookups, ranges and index scans over 200,000 rows with a 4 MiB pool', async () => {
    server = await startBorealis({
      role: 'target',
      logDir,
      name: 'bigtable',
      extraArgs: ['--buffer-pool-size', '4M'],
    });
    await admin(server, ['CREATE DATABASE big']);
    const result = await runBigTable(server, 'big', { rows: 200_000, loaders: 4, seed: 7 });
    expect(result.failures).toEqual([]);
  }, 240_000);
});
