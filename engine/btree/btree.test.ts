import { crc32 } from 'node:zlib';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Prng } from '../testing/prng.js';
import { type PageId, page as pg } from '../../storage/index.js';
import { ENTRY_SIZE_MAX } from './api.js';
import { chooseSplit } from './btree.js';
import { MemoryStorage, MemoryStorageClient } from './testing.js';
import { openTrees, type OpenTrees } from './trees.js';

const log = pino({ level: 'silent' });


function keyOf(n: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeUInt32BE(n);
  return key;
}

async function scanAll(trees: OpenTrees, root: PageId, reverse = false): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of trees.scan(root, { reverse })) {
    for (const e of batch) out.push(`${e.key.toString('hex')}=${e.value.toString('hex')}`);
  }
  return out;
}

function oracleList(oracle: Map<string, Buffer>): string[] {
  return [...oracle.keys()].sort().map((k) => `${k}=${(oracle.get(k) as Buffer).toString('hex')}`);
}

async function open(storage: MemoryStorage, poolPages = 256): Promise<OpenTrees> {
  return openTrees({ storage: new MemoryStorageClient(storage), log, bufferPoolPages: poolPages });
}

/** A tree created and committed over fresh memory storage, with room for every page cached. */
async function emptyTree() {
  const storage = new MemoryStorage();
  const client = new MemoryStorageClient(storage);
  const trees = await openTrees({ storage: client, log, bufferPoolPages: 1024 });
  const mtr = await trees.begin();
  const root = await trees.createTree(mtr);
  await trees.commit(mtr);
  return { storage, client, trees, root };
}

/** Every cached page equals the page storage builds at its LSN; resolves to how many. */
async function expectPagesStored(trees: OpenTrees, client: MemoryStorageClient): Promise<number> {
  let pages = 0;
  for (const [id, bytes] of trees.pool.cached()) {
    const stored = await client.readPage(id, pg.pageLsn(bytes));
    expect(crc32(stored), `page ${id}`).toBe(crc32(bytes));
    pages++;
  }
  return pages;
}

describe('B-tree', () => {
  it('matches a map oracle under a random workload, with splits, deletes and restarts',
    async () => {
      const seed = Number(process.env.SEED ?? 1);
      const prng = new Prng(seed);
      const random = (): number => prng.next();
      const storage = new MemoryStorage();
      let trees = await open(storage, 64);
      let mtr = await trees.begin();
      const root = await trees.createTree(mtr);
      await trees.commit(mtr);
      const oracle = new Map<string, Buffer>();
      for (let round = 0; round < 40; round++) {
        mtr = await trees.begin();
        for (let i = 0; i < 150; i++) {
          const k = keyOf(Math.floor(random() * 3000));
          const hex = k.toString('hex');
          const big = random() < 0.05;
          const value = Buffer.alloc(big ? ENTRY_SIZE_MAX - 4 : Math.floor(random() * 200), round);
          const op = random();
          if (op < 0.6) {
            expect(await trees.insert(mtr, root, k, value)).toBe(!oracle.has(hex));
            if (!oracle.has(hex)) oracle.set(hex, value);
          } else if (op < 0.8) {
            expect(await trees.update(mtr, root, k, value)).toBe(oracle.has(hex));
            if (oracle.has(hex)) oracle.set(hex, value);
          } else {
            expect(await trees.delete(mtr, root, k)).toBe(oracle.delete(hex));
          }
        }
        await trees.commit(mtr);
        if (round % 10 === 9) {
          await trees.close();
          trees = await open(storage, 64); // restart: everything comes back from storage
        }
        const shape = await trees.check(root);
        expect(shape.entries).toBe(oracle.size);
      }
      expect(await scanAll(trees, root)).toEqual(oracleList(oracle));
      expect(await scanAll(trees, root, true)).toEqual(oracleList(oracle).reverse());
      expect((await trees.check(root)).height).toBeGreaterThan(1);
      expect(trees.pool.stats().evictions).toBeGreaterThan(0);
    });

  it('answers range scans in both directions with inclusive and exclusive bounds', async () => {
    const trees = await open(new MemoryStorage());
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    for (let n = 0; n < 2000; n += 2) {
      await trees.insert(mtr, root, keyOf(n), Buffer.alloc(40 + (n % 23), n % 251));
    }
    await trees.commit(mtr);
    const prng = new Prng(7);
    const random = (): number => prng.next();
    let withinOne = 0;
    let bounded = 0;
    for (let i = 0; i < 200; i++) {
      const a = Math.floor(random() * 2100) - 50;
      const b = a + Math.floor(random() * 300);
      const li = random() < 0.5;
      const ui = random() < 0.5;
      const reverse = random() < 0.5;
      const expected: number[] = [];
      for (let n = 0; n < 2000; n += 2) {
        if ((li ? n >= a : n > a) && (ui ? n <= b : n < b)) expected.push(n);
      }
      if (reverse) expected.reverse();
      const got: number[] = [];
      const range = {
        lower: { key: keyOf(Math.max(a, 0)), inclusive: a < 0 ? true : li },
        upper: { key: keyOf(Math.max(b, 0)), inclusive: ui },
        reverse,
      };
      if (b < 0) continue;
      const values: string[] = [];
      for await (const batch of trees.scan(root, range)) {
        for (const e of batch) {
          got.push(e.key.readUInt32BE(0));
          values.push(e.value.toString('hex'));
        }
      }
      expect(got, `range ${a}..${b} ${li} ${ui} ${reverse}`).toEqual(expected);
      // scanValues: the same values in the same order, read in place from the page.
      const inPlace: string[] = [];
      const read = (page: Buffer, start: number, end: number): string =>
        page.toString('hex', start, end);
      for await (const batch of trees.scanValues(root, range, undefined, read)) {
        inPlace.push(...batch);
      }
      expect(inPlace, `scanValues ${a}..${b} ${li} ${ui} ${reverse}`).toEqual(values);
      // scanValuesCached (every page is cached here): the same values at once, for an ascending
      // range within its leaf bound; undefined for a descending one or past the bound.
      const at = trees.latest();
      try {
        const all = trees.scanValuesCached(root, range, at, read, 1000);
        expect(all, `scanValuesCached ${a}..${b}`).toEqual(reverse ? undefined : values);
        const one = trees.scanValuesCached(root, range, at, read, 1);
        if (one === undefined) bounded++;
        else {
          expect(reverse).toBe(false);
          expect(one, `scanValuesCached ${a}..${b} in one leaf`).toEqual(values);
          withinOne++;
        }
      } finally {
        at.release();
      }
    }
    expect(withinOne).toBeGreaterThan(10); // both sides of the leaf bound were exercised
    expect(bounded).toBeGreaterThan(10);
  });

  it('scans at once only over cached leaves (scanValuesCached)', async () => {
    const storage = new MemoryStorage();
    let trees = await open(storage);
    let mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    for (let n = 0; n < 3000; n++) await trees.insert(mtr, root, keyOf(n), Buffer.alloc(300, 1));
    await trees.commit(mtr);
    trees = await open(storage, 16); // a fresh pool, smaller than the tree
    const range = { lower: { key: keyOf(0), inclusive: true } };
    const read = (page: Buffer, start: number): number => page[start] as number;
    const at = trees.latest();
    try {
      expect(trees.scanValuesCached(root, range, at, read, 10_000)).toBeUndefined();
      let count = 0;
      for await (const batch of trees.scanValues(root, range, at, read)) count += batch.length;
      expect(count).toBe(3000);
      // Once a scan has brought its path and leaf back, a range over them is read at once.
      const tail = { lower: { key: keyOf(2990), inclusive: true } };
      for await (const batch of trees.scanValues(root, tail, at, read)) void batch;
      expect(trees.scanValuesCached(root, tail, at, read, 4)).toHaveLength(10);
    } finally {
      at.release();
    }
  });

  it('rolls a mini-transaction back byte for byte, splits included', async () => {
    const storage = new MemoryStorage();
    const trees = await open(storage);
    let mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    for (let n = 0; n < 300; n++)
      await trees.insert(mtr, root, keyOf(n * 10), Buffer.alloc(100, 1));
    await trees.commit(mtr);
    const before = new Map([...trees.pool.cached()].map(([id, b]) => [id, crc32(b)]));
    mtr = await trees.begin();
    for (let n = 0; n < 500; n++)
      await trees.insert(mtr, root, keyOf(n * 10 + 5), Buffer.alloc(90, 2));
    await trees.delete(mtr, root, keyOf(10));
    trees.rollback(mtr);
    const after = new Map([...trees.pool.cached()].map(([id, b]) => [id, crc32(b)]));
    expect(after).toEqual(before);
    // The LSNs given back are reused: the next commit continues the sequence without a gap.
    mtr = await trees.begin();
    await trees.insert(mtr, root, keyOf(1), Buffer.alloc(10));
    await trees.commit(mtr);
    expect((await trees.check(root)).entries).toBe(301);
  });

  it('leaves every cached page equal to what storage materialises at its LSN', async () => {
    const storage = new MemoryStorage();
    const client = new MemoryStorageClient(storage);
    const trees = await openTrees({ storage: client, log, bufferPoolPages: 1024 });
    const prng = new Prng(3);
    const random = (): number => prng.next();
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    for (let i = 0; i < 3000; i++) {
      const k = keyOf(Math.floor(random() * 100_000));
      if (random() < 0.8)
        await trees.insert(mtr, root, k, Buffer.alloc(Math.floor(random() * 300)));
      else await trees.delete(mtr, root, k);
    }
    await trees.commit(mtr);
    expect(await expectPagesStored(trees, client)).toBeGreaterThan(10);
  });

  it("joins a mini-transaction's consecutive cell edits of a page into one record (L10)",
    async () => {
      const { storage, client, trees, root } = await emptyTree();
      const shipped = storage.records.length;
      let mtr = await trees.begin();
      let edits = 0;
      for (let n = 0; n < 400; n++, edits++) {
        await trees.insert(mtr, root, keyOf(n), Buffer.alloc(40, n));
      }
      for (let n = 0; n < 400; n += 3, edits++) {
        await trees.update(mtr, root, keyOf(n), Buffer.alloc(n % 2 === 0 ? 20 : 60, 7));
      }
      for (let n = 1; n < 400; n += 5, edits++) await trees.delete(mtr, root, keyOf(n));
      await trees.commit(mtr);
      // Runs of edits in one leaf each ship as one record; only the splits' records add to them.
      expect(storage.records.length - shipped).toBeLessThan(edits / 10);
      await expectPagesStored(trees, client);
      expect((await trees.check(root)).entries).toBe(400 - 80);
    });

  it('ships a same-length update of a few bytes as a cell-patch of those bytes (L11)',
    async () => {
      const { storage, client, trees, root } = await emptyTree();
      let mtr = await trees.begin();
      const row = (k: number): Buffer => {
        const value = Buffer.alloc(180, 'c');
        value.writeUInt32BE(k, 8);
        return value;
      };
      for (let n = 0; n < 2000; n++) await trees.insert(mtr, root, keyOf(n), row(n));
      await trees.commit(mtr);
      const shipped = storage.records.length;
      const bytes = (): number =>
        storage.records.slice(shipped).reduce((sum, record) => sum + record.length, 0);
      for (let n = 0; n < 2000; n += 7) {
        mtr = await trees.begin();
        await trees.update(mtr, root, keyOf(n), row(n + 1)); // UPDATE … SET k = k + 1
        await trees.commit(mtr);
      }
      const updates = Math.ceil(2000 / 7);
      // One record each, a patch of a byte or so: the whole row would be about 230 bytes.
      expect(storage.records.length - shipped).toBe(updates);
      expect(bytes() / updates).toBeLessThan(50);
      await expectPagesStored(trees, client);
      for (let n = 0; n < 2000; n += 7) {
        expect((await trees.get(root, keyOf(n)))?.readUInt32BE(8)).toBe(n + 1);
      }
    });

  it('frees a dropped tree and reuses its pages', async () => {
    const trees = await open(new MemoryStorage());
    let mtr = await trees.begin();
    const a = await trees.createTree(mtr);
    for (let n = 0; n < 1000; n++) await trees.insert(mtr, a, keyOf(n), Buffer.alloc(200));
    await trees.commit(mtr);
    const used = [...trees.pool.cached()].length;
    mtr = await trees.begin();
    await trees.dropTree(mtr, a);
    const b = await trees.createTree(mtr);
    for (let n = 0; n < 1000; n++) await trees.insert(mtr, b, keyOf(n), Buffer.alloc(200));
    await trees.commit(mtr);
    expect([...trees.pool.cached()].length).toBe(used);
    expect((await trees.check(b)).entries).toBe(1000);
  });

  it('keeps the left page full when keys arrive in ascending order', async () => {
    const trees = await open(new MemoryStorage());
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    for (let n = 0; n < 20_000; n++) await trees.insert(mtr, root, keyOf(n), Buffer.alloc(60));
    await trees.commit(mtr);
    const shape = await trees.check(root);
    // 20,000 cells of 70 bytes at ~230 per page: a half-splitting tree would need ~175 leaves.
    expect(shape.leaves).toBeLessThan(95);
  });
});

describe('changes without waiting (insertCached, updateCached, deleteCached)', () => {
  it('match the waiting ones, and change nothing when they answer undefined', async () => {
    const prng = new Prng(Number(process.env.SEED ?? 3));
    const random = (): number => prng.next();
    const storage = new MemoryStorage();
    let trees = await open(storage, 64);
    let mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.commit(mtr);
    const oracle = new Map<string, Buffer>();
    let deferred = 0;
    for (let round = 0; round < 15; round++) {
      mtr = await trees.begin();
      for (let i = 0; i < 80; i++) {
        const k = keyOf(Math.floor(random() * 1500));
        const hex = k.toString('hex');
        const value = Buffer.alloc(Math.floor(random() * 300), round);
        const op = random();
        const before = await scanAll(trees, root);
        const now =
          op < 0.5
            ? trees.insertCached(mtr, root, k, value)
            : op < 0.8
              ? trees.updateCached(mtr, root, k, value)
              : trees.deleteCached(mtr, root, k);
        if (now === undefined) {
          deferred++;
          expect(await scanAll(trees, root)).toEqual(before); // nothing changed
        }
        if (op < 0.5) {
          const inserted = now ?? (await trees.insert(mtr, root, k, value));
          expect(inserted).toBe(!oracle.has(hex));
          if (!oracle.has(hex)) oracle.set(hex, value);
        } else if (op < 0.8) {
          const updated = now ?? (await trees.update(mtr, root, k, value));
          expect(updated).toBe(oracle.has(hex));
          if (oracle.has(hex)) oracle.set(hex, value);
        } else {
          expect(now ?? (await trees.delete(mtr, root, k))).toBe(oracle.delete(hex));
        }
      }
      await trees.commit(mtr);
      if (round % 5 === 4) {
        await trees.close();
        trees = await open(storage, 64); // restart: pages come back from storage, uncached
      }
      expect((await trees.check(root)).entries).toBe(oracle.size);
    }
    expect(await scanAll(trees, root)).toEqual(oracleList(oracle));
    expect(deferred).toBeGreaterThan(0); // splits and uncached pages went the waiting way
  });

  it('read the latest committed state without a snapshot (latestCached)', async () => {
    const trees = await open(new MemoryStorage());
    let mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.insert(mtr, root, keyOf(1), Buffer.from('one'));
    await trees.commit(mtr);
    expect(trees.latestCached(root, keyOf(1))?.toString()).toBe('one');
    expect(trees.latestCached(root, keyOf(2))).toBeNull();
    mtr = await trees.begin();
    await trees.update(mtr, root, keyOf(1), Buffer.from('uno'));
    // The open mini-transaction's change is not committed: T6's latest() does not see it.
    expect(trees.latestCached(root, keyOf(1))?.toString()).toBe('one');
    await trees.commit(mtr);
    expect(trees.latestCached(root, keyOf(1))?.toString()).toBe('uno');
  });
});

/** chooseSplit's rule, computed the slow way: the first most balanced valid split point. */
function referenceSplit(cells: readonly Buffer[], isLeaf: boolean, appending: boolean): number {
  const capacity = 16_384 - pg.HEADER_SIZE;
  const sizes = cells.map((c) => pg.cellFootprint(c.length));
  const sum = (a: number, b: number): number => sizes.slice(a, b).reduce((x, y) => x + y, 0);
  const n = cells.length;
  const valid = (s: number): boolean =>
    isLeaf
      ? s >= 1 && s <= n - 1 && sum(0, s) <= capacity && sum(s, n) <= capacity
      : sum(0, s) <= capacity && sum(s + 1, n) <= capacity;
  if (appending && valid(n - 1)) return n - 1;
  let best = -1;
  let bestImbalance = Infinity;
  for (let s = 0; s < n; s++) {
    const imbalance = Math.abs(sum(0, s) - (sum(s, n) - (isLeaf ? 0 : sizes[s] ?? 0)));
    if (valid(s) && imbalance < bestImbalance) {
      best = s;
      bestImbalance = imbalance;
    }
  }
  return best;
}

describe('chooseSplit', () => {
  it('picks what the slow reference picks, for leaves and internal nodes', () => {
    const prng = new Prng(11);
    for (let trial = 0; trial < 300; trial++) {
      const cells: Buffer[] = [];
      let bytes = 0;
      while (bytes < 16_400) {
        const cell = Buffer.alloc(4 + Math.floor(prng.next() * (prng.next() < 0.1 ? 4000 : 200)));
        cells.push(cell);
        bytes += cell.length + 4;
      }
      const isLeaf = prng.next() < 0.5;
      const appending = prng.next() < 0.3;
      expect(chooseSplit(cells, isLeaf, appending)).toBe(referenceSplit(cells, isLeaf, appending));
    }
  });

  it('balances by bytes and never leaves a side too big', () => {
    const cells = [Buffer.alloc(5000), Buffer.alloc(10), Buffer.alloc(5000), Buffer.alloc(5000),
      Buffer.alloc(5000)];
    const s = chooseSplit(cells, true, false);
    expect(s).toBeGreaterThanOrEqual(1);
    expect(s).toBeLessThanOrEqual(4);
    const left = cells.slice(0, s).reduce((a, c) => a + c.length + 4, 0);
    const right = cells.slice(s).reduce((a, c) => a + c.length + 4, 0);
    expect(left).toBeLessThanOrEqual(16_352);
    expect(right).toBeLessThanOrEqual(16_352);
  });
});
