/**
 * `node dist/conformance/bench/big-commit.js`: one commit of tens of megabytes through the
 * embedded storage cluster (six LMDB nodes, in the storage worker thread and in the writer's
 * thread), with the default limits: a 10 s commit timeout, 2 s request timeout. It must become
 * durable, however long the six copies take to persist, as long as the quorum keeps making
 * progress (storage/client.ts K4, storage/replication.ts G6); then a page is read back and its
 * bytes compared, and the cluster is reopened cold (recovery) and the page read again.
 *
 *   node dist/conformance/bench/big-commit.js [--mb 40] [--record 150] [--thread worker|main|both]
 *
 * Exits 1 when a commit is not confirmed or a page differs. Prints the times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createEmbeddedCluster } from '../../storage/index.js';
import { TestWriter, leafInit, pageOf } from '../../storage/testing/records.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'warn' });

async function once(mb: number, recordBytes: number, thread: 'worker' | 'main'): Promise<boolean> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'borealis-big-commit-'));
  try {
    let cluster = await createEmbeddedCluster({ dataDir, log, thread });
    const writer = new TestWriter(await cluster.client.open());
    const pages = 2_000;
    const records: Buffer[] = [];
    for (let p = 1; p <= pages; p++) records.push(...writer.mtr([[pageOf(0, p), leafInit()]]));
    const payload = Buffer.alloc(Math.max(1, recordBytes - 40), 0x61);
    let bytes = 0;
    for (let i = 0; bytes < mb * 2 ** 20; i++) {
      const change = { kind: 'page-write', offset: 4096, bytes: payload } as const;
      const r = writer.record(pageOf(0, 1 + (i % pages)), change, i % 20 === 19);
      records.push(r);
      bytes += r.length;
    }
    const last = { kind: 'page-write', offset: 64, bytes: payload } as const;
    records.push(...writer.mtr([[pageOf(0, 1), last]]));
    const started = performance.now();
    cluster.client.ship(records);
    try {
      await cluster.client.waitDurable(writer.lastLsn);
    } catch (error) {
      const s = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${thread}: ${mb} MiB commit FAILED after ${s} s: ${String(error)}\n`);
      await cluster.close();
      return false;
    }
    const durableS = (performance.now() - started) / 1000;
    const page = pageOf(0, 1);
    const same = (await cluster.client.readPage(page, writer.lastLsn)).equals(writer.page(page));
    await cluster.close();
    const reopened = performance.now();
    cluster = await createEmbeddedCluster({ dataDir, log, thread });
    const state = await cluster.client.open();
    const again = (await cluster.client.readPage(page, state.vdl)).equals(writer.page(page));
    const reopenS = (performance.now() - reopened) / 1000;
    await cluster.close();
    process.stdout.write(`${thread}: ${records.length.toLocaleString('en-US')} records, ` +
      `${(bytes / 2 ** 20).toFixed(1)} MiB in one commit: durable (4/6) in ` +
      `${durableS.toFixed(1)} s (${(bytes / 2 ** 20 / durableS).toFixed(1)} MiB/s); reopen + ` +
      `first read ${reopenS.toFixed(2)} s; pages equal: ${same && again}\n`);
    return same && again;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '40' },
      record: { type: 'string', default: '150' },
      thread: { type: 'string', default: 'both' },
    },
  });
  const t = values.thread;
  const threads: ('worker' | 'main')[] =
    t === 'both' ? ['worker', 'main'] : t === 'main' ? ['main'] : ['worker'];
  let ok = true;
  for (const thread of threads) {
    ok = (await once(Number(values.mb), Number(values.record), thread)) && ok;
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
