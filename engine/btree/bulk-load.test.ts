/**
 * Bulk load (T10, BL1–BL3), mini-transaction steps (T9, L8) and dropping a tree in steps: the
 * tree is a B-tree holding exactly what was appended after every flush, also after a restart;
 * a rolled-back step leaves the last step's tree; a drop interrupted by a crash finishes when
 * run again, without freeing a page twice.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type PageId, PAGE_TYPE, decodeRedo, page as pg } from '../../storage/index.js';
import { Prng } from '../testing/prng.js';
import { ENTRY_SIZE_MAX } from './api.js';
import { FILL_BYTES } from './bulk-load.js';
import { MemoryStorage, MemoryStorageClient } from './testing.js';
import { openTrees, type OpenTrees } from './trees.js';

const log = pino({ level: 'silent' });

async function open(
  storage: MemoryStorage,
  client = new MemoryStorageClient(storage),
  poolPages = 64,
): Promise<OpenTrees> {
  return openTrees({ storage: client, log, bufferPoolPages: poolPages });
}

/** Mini-transactions committed so far: records that are a consistency point. */
function commits(storage: MemoryStorage): number {
  return storage.records.filter((r) => decodeRedo(r).cpl).length;
}

function keyOf(n: number): Buffer {
  const key = Buffer.alloc(6);
  key.writeUIntBE(n, 0, 6);
  return key;
}

async function scanAll(trees: OpenTrees, root: PageId): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of trees.scan(root, {})) {
    for (const e of batch) out.push(`${e.key.toString('hex')}=${e.value.length}`);
  }
  return out;
}

/** Pages in use: allocated and not on the free list. */
async function inUse(trees: OpenTrees): Promise<number> {
  const h = await trees.header();
  return h.nextPageId - h.freePages;
}

/** The free list's pages, asserting that none appears twice and its length is the header's. */
async function freeList(trees: OpenTrees): Promise<Set<number>> {
  const h = await trees.header();
  const seen = new Set<number>();
  for (let id = h.freeListHead as number; id !== 0; ) {
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    const page = await trees.pool.get(id as PageId);
    expect(pg.pageType(page)).toBe(PAGE_TYPE.free);
    id = pg.link(page, 0);
  }
  expect(seen.size).toBe(h.freePages);
  return seen;
}

/** A bulk-loaded tree of `n` entries (values of random sizes), committed. */
async function loaded(trees: OpenTrees, n: number, prng: Prng): Promise<PageId> {
  const mtr = await trees.begin();
  const root = await trees.createTree(mtr);
  const load = trees.bulkLoad(mtr, root);
  for (let i = 0; i < n; i++) {
    await load.append(keyOf(i * 3), Buffer.alloc(Math.floor(prng.next() * 300), i));
  }
  await load.flush();
  await trees.commit(mtr);
  return root;
}

describe('bulk load', () => {
  it('leaves a whole B-tree after every flush, steps committed, and after a restart', async () => {
    const prng = new Prng(7);
    const storage = new MemoryStorage();
    let trees = await open(storage, undefined, 512);
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    const load = trees.bulkLoad(mtr, root);
    const expected: string[] = [];
    let key = 0;
    for (let round = 0; round < 12; round++) {
      const n = Math.floor(prng.next() * 700);
      for (let i = 0; i < n; i++) {
        key += 1 + Math.floor(prng.next() * 5);
        const big = prng.next() < 0.02;
        const size = big ? ENTRY_SIZE_MAX - 6 - 700 : Math.floor(prng.next() * 200);
        // Long keys now and then: internal pages of few cells, so the tree grows a third level.
        const long = Buffer.concat([keyOf(key), Buffer.alloc(prng.next() < 0.5 ? 700 : 0, 1)]);
        await load.append(long, Buffer.alloc(size, key));
        expected.push(`${long.toString('hex')}=${size}`);
      }
      await load.flush();
      const shape = await trees.check(root);
      expect(shape.entries).toBe(expected.length);
      expect(await scanAll(trees, root)).toEqual(expected);
      await trees.commitStep(mtr);
    }
    await trees.commit(mtr);
    const shape = await trees.check(root);
    expect(shape.height).toBeGreaterThanOrEqual(3);
    // BL3: leaves are filled close to FILL_BYTES (the last of each level may be short).
    const cell = (e: string): number => 4 + e.indexOf('=') / 2 + Number(e.split('=')[1]);
    const bytes = expected.reduce((s, e) => s + cell(e), 0);
    expect(shape.leaves).toBeLessThan(Math.ceil(bytes / FILL_BYTES) * 1.3 + 2);
    trees = await open(storage);
    expect(await scanAll(trees, root)).toEqual(expected);
    // The loaded tree takes ordinary changes afterwards.
    const more = await trees.begin();
    for (let i = 0; i < 400; i++) {
      const k = keyOf(Math.floor(prng.next() * key));
      if (prng.next() < 0.7) await trees.insert(more, root, k, Buffer.alloc(50));
      else await trees.delete(more, root, k);
    }
    await trees.commit(more);
    await trees.check(root);
  });

  it('rejects keys out of order', async () => {
    const trees = await open(new MemoryStorage());
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    const load = trees.bulkLoad(mtr, root);
    await load.append(keyOf(5), Buffer.alloc(0));
    await expect(load.append(keyOf(5), Buffer.alloc(0))).rejects.toThrow(/BL1/);
    trees.rollback(mtr);
  });

  it('rolls a step back to the tree of the last step', async () => {
    const storage = new MemoryStorage();
    const trees = await open(storage);
    const before = await inUse(trees);
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    const load = trees.bulkLoad(mtr, root);
    for (let i = 0; i < 3000; i++) await load.append(keyOf(i), Buffer.alloc(20));
    await load.flush();
    await trees.commitStep(mtr);
    const used = await inUse(trees);
    for (let i = 3000; i < 6000; i++) await load.append(keyOf(i), Buffer.alloc(20));
    await load.flush();
    trees.rollbackStep(mtr);
    expect(await inUse(trees)).toBe(used);
    expect((await trees.check(root)).entries).toBe(3000);
    await trees.dropTree(mtr, root);
    await trees.commit(mtr);
    expect(await inUse(trees)).toBe(before);
  });
});

describe('dropping a tree in steps', () => {
  it('frees every page, in several steps', async () => {
    const storage = new MemoryStorage();
    const trees = await open(storage);
    const before = await inUse(trees);
    const root = await loaded(trees, 8_000, new Prng(3));
    const pages = (await inUse(trees)) - before;
    expect(pages).toBeGreaterThan(60);
    const committed = commits(storage);
    const mtr = await trees.begin();
    await trees.dropTreeInSteps(mtr, root, 16);
    await trees.commit(mtr);
    expect(await inUse(trees)).toBe(before);
    expect((await freeList(trees)).size).toBeGreaterThanOrEqual(pages);
    expect(commits(storage) - committed).toBe(Math.ceil(pages / 16));
  });

  it('completes a drop that a crash interrupted, freeing no page twice', async () => {
    const storage = new MemoryStorage();
    let trees = await open(storage);
    const before = await inUse(trees);
    const root = await loaded(trees, 8_000, new Prng(4));
    const client = new MemoryStorageClient(storage);
    trees = await open(storage, client);
    // Three steps become durable, then storage stops answering: the process "dies".
    let steps = 0;
    const ship = client.ship.bind(client);
    client.ship = (records) => {
      if (++steps === 4) client.hold = true;
      ship(records);
    };
    const mtr = await trees.begin();
    await expect(trees.dropTreeInSteps(mtr, root, 16)).rejects.toThrow();
    trees = await open(storage);
    const partly = await inUse(trees);
    expect(partly).toBeGreaterThan(before);
    const again = await trees.begin();
    await trees.dropTreeInSteps(again, root, 16);
    await trees.commit(again);
    expect(await inUse(trees)).toBe(before);
    await freeList(trees);
  });
});
