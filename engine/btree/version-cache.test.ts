/**
 * Reads at a read point (BP4, VC1–VC5): a snapshot keeps seeing the trees as of its LSN while
 * later mini-transactions split and rewrite its pages — from the version cache, and from storage
 * once the pool has evicted everything — and a rolled-back mini-transaction leaves readers
 * nothing of itself. Also the ReadPoints multiset, and VC5: the buffer of a dropped before-image
 * is reused only when no read point could be reading it.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from './api.js';
import { MemoryStorage, MemoryStorageClient } from './testing.js';
import { type OpenTrees, openTrees } from './trees.js';
import { ReadPoints, VersionCache } from './version-cache.js';
import type { PageId, Lsn } from '../../storage/index.js';

const log = pino({ level: 'silent' });
const key = (n: number): Buffer => Buffer.from(n.toString().padStart(6, '0'));
const value = (n: number, tag: string): Buffer => Buffer.from(`${tag}:${n}:`.padEnd(200, '.'));

async function keysAt(trees: OpenTrees, root: PageId, at?: Snapshot): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of trees.scan(root, {}, at)) {
    for (const e of batch) out.push(`${e.key.toString()}=${e.value.toString().split(':')[0]}`);
  }
  return out;
}

async function fill(trees: OpenTrees, root: PageId, from: number, to: number, tag: string) {
  const mtr = await trees.begin();
  for (let n = from; n < to; n++) {
    if (!(await trees.update(mtr, root, key(n), value(n, tag)))) {
      await trees.insert(mtr, root, key(n), value(n, tag));
    }
  }
  await trees.commit(mtr);
}

describe('reads at a read point', () => {
  it('see the trees as of their LSN through splits, rewrites and evictions', async () => {
    const trees = await openTrees({
      storage: new MemoryStorageClient(new MemoryStorage()),
      log,
      bufferPoolPages: 16,
    });
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.commit(mtr);
    await fill(trees, root, 0, 1000, 'a');
    const before = await keysAt(trees, root);
    const snapshot = trees.snapshot();
    await fill(trees, root, 500, 2000, 'b'); // rewrites half, splits the rest in
    expect(await keysAt(trees, root, snapshot)).toEqual(before);
    expect((await keysAt(trees, root)).length).toBe(2000);
    await fill(trees, root, 0, 3000, 'c'); // 40 pages: the pool (16) cannot hold the past
    expect(await keysAt(trees, root, snapshot)).toEqual(before);
    expect(trees.pool.stats().snapshotReads).toBeGreaterThan(0);
    snapshot.release();
    await fill(trees, root, 0, 1, 'd');
    expect(trees.pool.stats().versions).toBeLessThanOrEqual(16);
  });

  it('are served from the version cache while the pool has room', async () => {
    const trees = await openTrees({
      storage: new MemoryStorageClient(new MemoryStorage()),
      log,
      bufferPoolPages: 1024,
    });
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.commit(mtr);
    await fill(trees, root, 0, 1000, 'a');
    const before = await keysAt(trees, root);
    const snapshot = trees.snapshot();
    await fill(trees, root, 0, 2000, 'b');
    expect(trees.pool.stats().versions).toBeGreaterThan(10);
    expect(await keysAt(trees, root, snapshot)).toEqual(before);
    expect(trees.pool.stats().snapshotReads).toBe(0);
    snapshot.release();
    await fill(trees, root, 0, 1, 'c'); // the next commit prunes what no snapshot needs
    expect(trees.pool.stats().versions).toBeLessThan(5);
  });

  it('never see a rolled-back mini-transaction, before or after the rollback', async () => {
    const trees = await openTrees({
      storage: new MemoryStorageClient(new MemoryStorage()),
      log,
      bufferPoolPages: 64,
    });
    const first = await trees.begin();
    const root = await trees.createTree(first);
    await trees.commit(first);
    await fill(trees, root, 0, 50, 'a');
    const expected = await keysAt(trees, root);
    const mtr = await trees.begin();
    for (let n = 0; n < 200; n++) await trees.insert(mtr, root, key(1000 + n), value(n, 'x'));
    const during = trees.latest(); // the last committed state, not the half-applied one
    expect(await keysAt(trees, root, during)).toEqual(expected);
    trees.rollback(mtr);
    expect(await keysAt(trees, root, during)).toEqual(expected);
    during.release();
    expect(await keysAt(trees, root)).toEqual(expected);
  });
});

describe('ReadPoints', () => {
  it('counts equal points and answers interval questions', () => {
    const points = new ReadPoints();
    const l = (n: number): Lsn => n as Lsn;
    points.add(l(10));
    points.add(l(10));
    points.add(l(30));
    expect(points.lowest()).toBe(10);
    expect(points.anyIn(l(11), l(30))).toBe(false);
    expect(points.anyIn(l(11), l(31))).toBe(true);
    points.remove(l(10));
    expect(points.anyIn(l(5), l(11))).toBe(true);
    points.remove(l(10));
    expect(points.anyIn(l(5), l(11))).toBe(false);
    expect(points.lowest()).toBe(30);
    expect(() => points.remove(l(10))).toThrow();
  });

  it('keeps points in order whatever order they come in, and counts each', () => {
    const points = new ReadPoints();
    const l = (n: number): Lsn => n as Lsn;
    for (const n of [50, 20, 40, 20, 60, 40, 10]) points.add(l(n));
    expect(points.size).toBe(5);
    expect(points.lowest()).toBe(10);
    const before = points.generation;
    points.remove(l(40)); // one of two holds: the point stays
    expect(points.generation).toBe(before);
    expect(points.anyIn(l(31), l(41))).toBe(true);
    points.remove(l(40));
    expect(points.generation).toBe(before + 1);
    expect(points.anyIn(l(31), l(50))).toBe(false);
    points.remove(l(10));
    expect(points.lowest()).toBe(20);
    points.remove(l(20));
    points.remove(l(20));
    expect(points.lowest()).toBe(50);
    expect(points.size).toBe(2);
    points.remove(l(60)); // the newest goes
    expect(points.anyIn(l(51), l(100))).toBe(false);
    points.add(l(70));
    expect(points.anyIn(l(51), l(100))).toBe(true);
    expect(points.size).toBe(2);
  });
});

describe("storage's read floor", () => {
  it("is the oldest of the writer's snapshots and its readers' (setReaderFloor)", async () => {
    const floors: (Lsn | undefined)[] = [];
    class Watched extends MemoryStorageClient {
      setReadFloor(floor: Lsn | undefined): void {
        floors.push(floor);
      }
    }
    const trees = await openTrees({ storage: new Watched(new MemoryStorage()), log });
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.commit(mtr);
    const first = trees.snapshot();
    await fill(trees, root, 0, 10, 'a');
    const second = trees.snapshot();
    expect(second.lsn).toBeGreaterThan(first.lsn);
    expect(floors.at(-1)).toBe(first.lsn);
    trees.setReaderFloor((first.lsn - 1) as Lsn);
    expect(floors.at(-1)).toBe(first.lsn - 1);
    first.release();
    expect(floors.at(-1)).toBe(first.lsn - 1); // the reader's is older than `second`
    trees.setReaderFloor(undefined);
    expect(floors.at(-1)).toBe(second.lsn);
    trees.setReaderFloor((second.lsn + 1) as Lsn);
    expect(floors.at(-1)).toBe(second.lsn);
    second.release();
    expect(floors.at(-1)).toBe(second.lsn + 1);
    trees.setReaderFloor(undefined);
    expect(floors.at(-1)).toBeUndefined();
    await trees.close();
  });
});

describe('VersionCache reuse (VC5)', () => {
  const l = (n: number): Lsn => n as Lsn;
  const image = (pageLsn: number): Buffer => {
    const bytes = Buffer.alloc(16_384);
    bytes.writeUInt32BE(pageLsn, 4); // pageLsn, u64 BE at offset 0
    return bytes;
  };

  it('hands back a reusable version dropped with no read point in its range', () => {
    const reused: Buffer[] = [];
    const cache = new VersionCache(new ReadPoints(), (bytes) => reused.push(bytes));
    const bytes = image(5);
    cache.record(1 as PageId, bytes, l(9), true);
    cache.prune(l(8), 100); // not durable yet (VC3): kept
    expect(reused).toEqual([]);
    cache.prune(l(9), 100);
    expect(reused).toEqual([bytes]);
    expect(cache.size).toBe(0);
  });

  it('never hands back one a read point may be reading, nor one not marked reusable', () => {
    const points = new ReadPoints();
    const reused: Buffer[] = [];
    const cache = new VersionCache(points, (bytes) => reused.push(bytes));
    points.add(l(6));
    cache.record(1 as PageId, image(5), l(9), true);
    cache.record(2 as PageId, image(5), l(9), false);
    cache.prune(l(20), 0); // over budget: the needed version goes too, but is not reused
    expect(cache.size).toBe(0);
    expect(reused).toEqual([]);
    cache.record(3 as PageId, image(5), l(9), true);
    cache.prune(l(20), 100); // retained for the read point
    expect(cache.find(3 as PageId, l(6))).toBeDefined();
    points.remove(l(6));
    cache.prune(l(20), 100); // released: dropped, and now nobody can read it
    expect(reused.length).toBe(1);
  });

  it('keeps snapshots right while commits reuse before-images (a small pool)', async () => {
    const trees = await openTrees({
      storage: new MemoryStorageClient(new MemoryStorage()),
      log,
      bufferPoolPages: 32,
    });
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.commit(mtr);
    await fill(trees, root, 0, 300, 'a');
    for (let round = 0; round < 20; round++) {
      const snapshot = trees.snapshot();
      const seen = await keysAt(trees, root, snapshot);
      await fill(trees, root, round * 10, round * 10 + 40, `r${round}`);
      expect(await keysAt(trees, root, snapshot)).toEqual(seen);
      snapshot.release();
    }
  });
});
