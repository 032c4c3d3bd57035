/**
 * The page layer over the real storage tier: six embedded LMDB nodes in a temporary directory.
 * Checks that the writer's pages equal what storage materialises (A1), that recovery brings the
 * trees back, and how commits behave as storage nodes stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../testing/prng.js';
import {
  type EmbeddedCluster,
  type PageId,
  createEmbeddedCluster,
  page as pg,
} from '../../storage/index.js';
import { SqlError } from '../errors.js';
import { openTrees, type OpenTrees } from './trees.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
const clusters: EmbeddedCluster[] = [];

afterEach(async () => {
  for (const c of clusters.splice(0)) await c.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(
  dataDir: string,
  commitTimeoutMs?: number,
): Promise<[EmbeddedCluster, OpenTrees]> {
  const cluster = await createEmbeddedCluster({
    dataDir, log, ...(commitTimeoutMs === undefined ? {} : { commitTimeoutMs }),
  });
  clusters.push(cluster);
  const trees = await openTrees({ storage: cluster.client, log, bufferPoolPages: 64 });
  return [cluster, trees];
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'borealis-trees-'));
  dirs.push(dir);
  return dir;
}

function keyOf(n: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeUInt32BE(n);
  return key;
}


async function count(trees: OpenTrees, root: PageId): Promise<number> {
  let n = 0;
  for await (const batch of trees.scan(root, {})) n += batch.length;
  return n;
}

describe('B-trees on the six-node storage tier', () => {
  it('every page the writer holds equals the page storage materialises at its LSN', async () => {
    const dir = tempDir();
    let [cluster, trees] = await start(dir);
    const prng = new Prng(42);
    const random = (): number => prng.next();
    let mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.commit(mtr);
    const oracle = new Map<number, number>();
    for (let round = 0; round < 30; round++) {
      mtr = await trees.begin();
      for (let i = 0; i < 100; i++) {
        const k = Math.floor(random() * 5000);
        const size = Math.floor(random() * 400);
        if (random() < 0.75) {
          if (await trees.insert(mtr, root, keyOf(k), Buffer.alloc(size, k))) oracle.set(k, size);
          else if (await trees.update(mtr, root, keyOf(k), Buffer.alloc(size, k)))
            oracle.set(k, size);
        } else if (await trees.delete(mtr, root, keyOf(k))) {
          oracle.delete(k);
        }
      }
      await trees.commit(mtr);
    }
    let compared = 0;
    for (const [id, bytes] of trees.pool.cached()) {
      const stored = await cluster.client.readPage(id, pg.pageLsn(bytes));
      expect(crc32(stored), `page ${id}`).toBe(crc32(bytes));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    // Restart over the same directory: recovery, then the same tree from storage.
    await trees.close();
    await cluster.close();
    [cluster, trees] = await start(dir);
    expect((await trees.check(root)).entries).toBe(oracle.size);
    for (const [k, size] of oracle) expect((await trees.get(root, keyOf(k)))?.length).toBe(size);
  });

  it('commits with two nodes down, reports an unknown outcome with three, resumes after',
    async () => {
      const [cluster, trees] = await start(tempDir(), 1500);
      let mtr = await trees.begin();
      const root = await trees.createTree(mtr);
      await trees.insert(mtr, root, keyOf(1), Buffer.from('one'));
      await trees.commit(mtr);
      const [n1, n2, n3] = cluster.nodes;
      await n1?.stop();
      await n2?.stop();
      mtr = await trees.begin();
      await trees.insert(mtr, root, keyOf(2), Buffer.from('two'));
      await trees.commit(mtr);
      await n3?.stop();
      mtr = await trees.begin();
      await trees.insert(mtr, root, keyOf(3), Buffer.from('three'));
      const started = Date.now();
      const error = await trees.commit(mtr).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlError);
      expect((error as SqlError).errno).toBe(1180);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await trees.get(root, keyOf(1)))?.toString()).toBe('one');
      await n1?.start();
      await n2?.start();
      await n3?.start();
      mtr = await trees.begin();
      await trees.insert(mtr, root, keyOf(4), Buffer.from('four'));
      await trees.commit(mtr);
      expect(await count(trees, root)).toBe(4);
    });
});
