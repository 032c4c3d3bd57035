/**
 * `node dist/conformance/bigtable/run.js [--rows N] [--buffer-pool-size SIZE] [--loaders N]`:
 * starts Borealis from dist/ with that buffer pool (32M by default) and runs the big-table
 * workload (workload.ts) with N rows (2,000,000 by default), printing the timings and every
 * failed check; exits non-zero on a failure.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { admin } from '../harness/endpoint.js';
import { startBorealis } from '../harness/borealis.js';
import { runBigTable } from './workload.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    'buffer-pool-size': { type: 'string' },
    loaders: { type: 'string' },
  },
});
const rows = Number(values.rows ?? 2_000_000);
const pool = values['buffer-pool-size'] ?? '32M';
const logDir = mkdtempSync(path.join(os.tmpdir(), 'borealis-bigtable-'));
const server = await startBorealis({
  role: 'target',
  logDir,
  name: 'bigtable',
  extraArgs: ['--buffer-pool-size', pool],
});
let failed = true;
try {
  await admin(server, ['CREATE DATABASE big']);
  process.stdout.write(`${rows} rows, --buffer-pool-size ${pool} (logs in ${logDir})\n`);
  const result = await runBigTable(server, 'big', {
    rows,
    loaders: Number(values.loaders ?? 4),
    seed: 7,
    log: (line) => process.stdout.write(`  ${line}\n`),
  });
  for (const f of result.failures) process.stdout.write(`FAIL ${f}\n`);
  failed = result.failures.length > 0;
  process.stdout.write(failed ? 'big table: FAILED\n' : 'big table: all checks passed\n');
} finally {
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
