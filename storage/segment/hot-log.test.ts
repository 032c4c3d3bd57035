/**
 * The hot log's tests: acknowledgement only after the sync (H1), group commit, sticky failures
 * (H6), replay across flushes, generations and torn tails (H4, H5), no resurrection of purged
 * or collected records, reads that merge the overlay over LMDB (ST3), agreement with the memory
 * store through random calls and crashes, and SIGKILL of a writing process (hot-log-child.ts,
 * from dist/; `npx tsc -p .` first, as `npm test` does).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { type Lsn, type PageId } from '../lsn.js';
import { packageRoot } from '../testing/processes.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import { HotLog, type LogFs, nodeLogFs, readGeneration, readHotLog } from './hot-log.js';
import {
  TRUNCATE_CUT,
  TRUNCATE_RECORDS,
  epochOne,
  imageBytes,
  metaAt,
  pageFor,
  purgeAbove,
  recordBytes,
  storedRecord,
} from './hot-log-child.js';
import { LmdbNodeStore } from './lmdb-store.js';
import { MemoryDisk, MemoryNodeStore } from './memory-store.js';
import { Segment } from './segment.js';
import type { NodeStore } from './store.js';

const NEVER = 1e9; // a flush interval no test waits for: frames stay in the log only
const CHILD = resolve(packageRoot(), 'dist', 'storage', 'segment', 'hot-log-child.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'borealis-hot-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type SyncMode = 'datasync' | 'dsync' | 'shared';

/**
 * A LogFs whose syncs wait until the test releases them: its fdatasyncs; with 'dsync' (files
 * opened O_DSYNC) its writes, which are then the syncs; with 'shared' (a device's shared flush,
 * device-sync.ts) its durable writes, each a write and an fdatasync once released.
 */
class GatedFs implements LogFs {
  syncs = 0;
  private gates: (() => void)[] = [];
  fail: Error | undefined;
  readonly dsync: boolean;
  readonly writeDurable?: (fd: number, buf: Buffer, position: number) => Promise<void>;
  /** In 'shared' mode, the fdatasyncs the log asked for itself (preallocation). */
  metadataSyncs = 0;

  constructor(readonly mode: SyncMode = 'datasync') {
    this.dsync = mode === 'dsync';
    if (mode === 'shared') {
      this.writeDurable = async (fd, buf, position) => {
        await this.gate();
        await nodeLogFs.write(fd, buf, position);
        await nodeLogFs.datasync(fd);
      };
    }
  }

  async write(fd: number, buf: Buffer, position: number): Promise<number> {
    if (this.dsync) await this.gate();
    return nodeLogFs.write(fd, buf, position);
  }

  async datasync(fd: number): Promise<void> {
    if (this.mode === 'shared') this.metadataSyncs++;
    else await this.gate();
    await nodeLogFs.datasync(fd);
  }

  private async gate(): Promise<void> {
    this.syncs++;
    await new Promise<void>((go) => this.gates.push(go));
    if (this.fail !== undefined) throw this.fail;
  }

  get waiting(): number {
    return this.gates.length;
  }

  release(): void {
    const gates = this.gates;
    this.gates = [];
    for (const go of gates) go();
  }
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function lsns(store: LmdbNodeStore, group: number): number[] {
  return [...store.segment(group).index(0 as Lsn, 1e12 as Lsn)].map((e) => e.lsn);
}

async function appendAll(store: LmdbNodeStore, group: number, from: number, to: number) {
  for (let lsn = from; lsn <= to; lsn++) {
    await store.segment(group).append([storedRecord(group, lsn)], metaAt(lsn));
  }
}

describe('hot log', () => {
  it('acknowledges an append only once synced, and shows it only then (H1)', async () => {
    for (const mode of ['datasync', 'dsync', 'shared'] as const) {
      const fs = new GatedFs(mode);
      const store = new LmdbNodeStore(join(dir, mode), { fs, flushIntervalMs: NEVER });
      let acked = false;
      const append = store.segment(0).append([storedRecord(0, 1)], metaAt(1));
      void append.then(() => (acked = true));
      while (!acked) {
        await until(() => fs.waiting > 0 || acked);
        if (acked) break;
        await new Promise((r) => setTimeout(r, 10));
        expect(acked).toBe(false);
        expect(store.segment(0).record(pageFor(1), 1 as Lsn)).toBeUndefined();
        expect(store.segment(0).meta()).toBeUndefined();
        fs.release();
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(store.segment(0).record(pageFor(1), 1 as Lsn)).toEqual(recordBytes(0, 1));
      expect(store.segment(0).meta()).toEqual(metaAt(1));
      await store.close();
    }
  });

  it('with a shared flush, syncs a file\'s new space before a frame is written there', async () => {
    const fs = new GatedFs('shared');
    const store = new LmdbNodeStore(dir, { fs, flushIntervalMs: NEVER });
    const append = store.segment(0).append([storedRecord(0, 1)], metaAt(1));
    await until(() => fs.waiting === 1);
    expect(store.syncMode).toBe('shared-flush');
    // The shared flush writes no metadata: file 0's first megabyte was synced on its own.
    expect(fs.metadataSyncs).toBe(1);
    fs.release();
    await append;
    expect(fs.metadataSyncs).toBe(1);
    await store.close();
  });

  it('puts what arrives during a sync, from every segment, in the next one', async () => {
    const fs = new GatedFs();
    const store = new LmdbNodeStore(dir, { fs, flushIntervalMs: NEVER });
    const first = store.segment(0).append([storedRecord(0, 1)], metaAt(1));
    await until(() => fs.waiting === 1);
    const more = [1, 2, 3].flatMap((g) =>
      [2, 3, 4].map((lsn) => store.segment(g).append([storedRecord(g, lsn)], metaAt(lsn))),
    );
    fs.release();
    await first;
    await until(() => fs.waiting === 1);
    expect(fs.syncs).toBe(2);
    fs.release();
    await Promise.all(more);
    expect(fs.syncs).toBe(2);
    expect(lsns(store, 2)).toEqual([2, 3, 4]);
    await store.close();
  });

  it('refuses the failed frame and every later one after a failed sync (H6)', async () => {
    const fs = new GatedFs();
    const store = new LmdbNodeStore(dir, { fs, flushIntervalMs: NEVER });
    fs.fail = new Error('EIO');
    const first = store.segment(0).append([storedRecord(0, 1)], metaAt(1));
    await until(() => fs.waiting === 1);
    const second = store.segment(0).append([storedRecord(0, 2)], metaAt(2));
    fs.release();
    await expect(first).rejects.toThrow('EIO');
    await expect(second).rejects.toThrow('EIO');
    await expect(store.segment(0).putMeta(metaAt(3))).rejects.toThrow('EIO');
    expect(lsns(store, 0)).toEqual([]);
    await store.close();
  });

  it('replays every acknowledged frame after crashes, across flushes (H4, H5)', async () => {
    let next = 1;
    for (let cycle = 0; cycle < 6; cycle++) {
      const store = new LmdbNodeStore(dir, { flushIntervalMs: NEVER });
      expect(lsns(store, 0)).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
      await appendAll(store, 0, next, next + 4);
      if (cycle % 2 === 1) await store.flush();
      await appendAll(store, 0, next + 5, next + 9);
      if (cycle % 3 === 2) await store.flush();
      await store.putNodeValue('cycle', Buffer.from(String(cycle)));
      next += 10;
      await store.abandon();
    }
    const store = new LmdbNodeStore(dir);
    expect(lsns(store, 0)).toHaveLength(next - 1);
    expect(store.segment(0).meta()).toEqual(metaAt(next - 1));
    expect(store.nodeValue('cycle')?.toString()).toBe('5');
    for (let lsn = 1; lsn < next; lsn++) {
      expect(store.segment(0).record(pageFor(lsn), lsn as Lsn)).toEqual(recordBytes(0, lsn));
    }
    await store.close();
  });

  it('replays both generations, in order, after a crash during a flush (H4, H5)', async () => {
    const persisting: (() => void)[] = [];
    const persist = () => new Promise<void>((done) => persisting.push(done));
    const log = new HotLog(dir, 5, 1, persist, { flushIntervalMs: NEVER });
    const op = (n: number) => ({ db: 0, key: Buffer.from([n]), value: Buffer.from([n, n]) });
    await log.write([op(1)]);
    const flush = log.flush(); // new frames go to generation 6; LMDB's commit does not come
    await until(() => persisting.length === 1);
    await log.write([op(2)]);
    await log.write([op(3)]);
    expect(persisting).toHaveLength(1);
    expect(log.overlay.get(0, Buffer.from([2]))).toEqual(Buffer.from([2, 2]));
    await log.abandon();
    const replay = readHotLog(dir, 5).map((ops) => ops.map((o) => o.key[0]));
    expect(replay).toEqual([[1], [2], [3]]);
    expect(readHotLog(dir, 6).map((ops) => ops.map((o) => o.key[0]))).toEqual([[2], [3]]);
    persisting[0]?.();
    await flush;
  });

  it('writes whole blocks, the last partial one again as it was, when direct (H7)', async () => {
    const align = 512;
    const images = new Map<number, Buffer>(); // what each file holds, as the writes left it
    const calls: { position: number; length: number }[] = [];
    const fs: LogFs = {
      dsync: false,
      write: nodeLogFs.write,
      datasync: nodeLogFs.datasync,
      align,
      // The descriptor is O_DIRECT (its writes need aligned memory): write through a buffered
      // one to the same file, after checking the blocks against what the file held.
      writeDurable: async (fd, buf, position) => {
        calls.push({ position, length: buf.length });
        const path = readlinkSync(`/proc/self/fd/${fd}`);
        const image = images.get(fd) ?? Buffer.alloc(0);
        // Frames end with a value of non-zero bytes: what follows the last one is padding.
        let written = image.length;
        while (written > 0 && image[written - 1] === 0) written--;
        const kept = image.subarray(position, Math.max(position, written));
        expect(buf.subarray(0, kept.length).equals(kept)).toBe(true);
        const next = Buffer.alloc(Math.max(image.length, position + buf.length));
        image.copy(next);
        buf.copy(next, position);
        images.set(fd, next);
        const buffered = openSync(path, 'r+');
        try {
          writeSync(buffered, buf, 0, buf.length, position);
        } finally {
          closeSync(buffered);
        }
      },
    };
    const persist = async (): Promise<void> => undefined;
    const log = new HotLog(dir, 8, 1, persist, { fs, flushIntervalMs: NEVER });
    expect(log.syncMode).toBe('shared-direct');
    const op = (n: number, size: number) => ({
      db: 0,
      key: Buffer.from([n]),
      value: Buffer.alloc(size, n + 1),
    });
    // Frames of many sizes: some end inside a block, some on a boundary, some span blocks.
    const sizes = [3, 100, 400, 1, 700, 2000, 5, 471, 30];
    for (const [i, size] of sizes.entries()) await log.write([op(i, size)]);
    await Promise.all([log.write([op(20, 50)]), log.write([op(21, 60)])]); // one batch of two
    await log.flush(); // generation 9: file 1 from offset 0, with a tail of its own
    for (const [i, size] of sizes.slice(0, 4).entries()) await log.write([op(30 + i, size)]);
    await log.abandon();
    for (const { position, length } of calls) {
      expect(position % align).toBe(0);
      expect(length % align).toBe(0);
    }
    const keys = (gen: number) => readGeneration(dir, gen).map((ops) => ops.map((o) => o.key[0]));
    expect(keys(8)).toEqual([...sizes.map((_, i) => [i]), [20], [21]]);
    expect(keys(9)).toEqual([[30], [31], [32], [33]]);
    expect(readGeneration(dir, 8)[4]![0]!.value).toEqual(Buffer.alloc(700, 5));
  });

  it('flushes in the background, and a failed flush refuses later writes (H6)', async () => {
    let fail = false;
    const persisted: number[] = [];
    const persist = async (layer: { readonly size: number }, gen: number) => {
      if (fail) throw new Error('MDB_PANIC');
      persisted.push(layer.size, gen);
    };
    const log = new HotLog(dir, 1, 1, persist, { flushIntervalMs: 1 });
    await log.write([{ db: 0, key: Buffer.from([1]), value: Buffer.from([1]) }]);
    await until(() => log.overlay.size === 0);
    expect(persisted).toEqual([1, 2]);
    fail = true;
    await log.write([{ db: 0, key: Buffer.from([2]), value: Buffer.from([2]) }]);
    await until(() => log.failure !== undefined);
    expect(log.overlay.get(0, Buffer.from([2]))).toEqual(Buffer.from([2]));
    await expect(log.write([{ db: 0, key: Buffer.from([3]), value: undefined }])).rejects.toThrow(
      'MDB_PANIC',
    );
    await log.close();
  });

  it('ignores a torn last frame, whether its bytes are garbled or missing (H5)', async () => {
    for (const tear of ['garble', 'cut'] as const) {
      const store = new LmdbNodeStore(dir, { flushIntervalMs: NEVER });
      await appendAll(store, 7, 1, 3);
      await store.abandon();
      const file = logFileHolding(recordBytes(7, 3));
      const bytes = readFileSync(file);
      const at = bytes.indexOf(recordBytes(7, 3));
      if (tear === 'garble') {
        bytes[at + 10] = (bytes[at + 10] ?? 0) ^ 0xff;
        writeFileSync(file, bytes);
      } else {
        truncateSync(file, at + 10);
      }
      const reopened = new LmdbNodeStore(dir);
      expect(lsns(reopened, 7)).toEqual([1, 2]);
      expect(reopened.segment(7).meta()).toEqual(metaAt(2));
      await reopened.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not resurrect purged or collected records after a crash', async () => {
    for (const flushMs of [NEVER, 1]) {
      const store = new LmdbNodeStore(dir, { flushIntervalMs: flushMs });
      await appendAll(store, 0, 1, 20);
      const s = store.segment(0);
      await s.putPageImage(pageFor(15), { lsn: 15 as Lsn, bytes: imageBytes(15) });
      await purgeAbove(s, 10, metaAt(10));
      await s.collect(0 as Lsn, 4 as Lsn, [], { ...metaAt(10), gcLsn: 4 as Lsn });
      await store.abandon();
      const reopened = new LmdbNodeStore(dir);
      expect(lsns(reopened, 0)).toEqual([5, 6, 7, 8, 9, 10]);
      expect(reopened.segment(0).record(pageFor(12), 12 as Lsn)).toBeUndefined();
      expect(reopened.segment(0).pageImage(pageFor(15), 99 as Lsn)).toBeUndefined();
      expect(reopened.segment(0).meta()?.gcLsn).toBe(4);
      await reopened.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('merges the overlay over LMDB in LSN order for every read (ST3)', async () => {
    const store = new LmdbNodeStore(dir, { flushIntervalMs: NEVER });
    const s = store.segment(3);
    const same = (lsn: number) => {
      const r = storedRecord(3, lsn);
      return { ...r, entry: { ...r.entry, pageId: 2 as PageId } };
    };
    for (const lsn of [1, 3, 5]) await s.append([same(lsn)], metaAt(lsn));
    await store.flush(); // 1, 3, 5 in LMDB; 2, 4, 6 only in the overlay
    for (const lsn of [2, 4, 6]) await s.append([same(lsn)], metaAt(lsn));
    expect(lsns(store, 3)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...s.index(2 as Lsn, 5 as Lsn)].map((e) => e.lsn)).toEqual([3, 4, 5]);
    const records = [...s.pageRecords(2 as PageId, 1 as Lsn, 6 as Lsn)];
    expect(records.map((r) => r.lsn)).toEqual([2, 3, 4, 5, 6]);
    expect(records[0]?.bytes).toEqual(recordBytes(3, 2));
    expect(s.indexFloor(99 as Lsn)?.lsn).toBe(6);
    expect(s.indexFloor(5 as Lsn)?.lsn).toBe(5);
    expect(s.scanRecords(undefined, 4).map((r) => r.lsn)).toEqual([1, 2, 3, 4]);
    const after4 = s.scanRecords({ pageId: 2 as PageId, lsn: 4 as Lsn }, 9);
    expect(after4.map((r) => r.lsn)).toEqual([5, 6]);
    expect(s.usage().records).toBe(6);
    expect(store.groups()).toEqual([3]);
    await s.putPageImage(2 as PageId, { lsn: 4 as Lsn, bytes: imageBytes(4) });
    expect(s.pageImage(2 as PageId, 5 as Lsn)?.lsn).toBe(4);
    expect(s.latestImages(0, 9 as Lsn, 1 << 20).images.map((i) => i.lsn)).toEqual([4]);
    await purgeAbove(s, 3, metaAt(3)); // tombstones over LMDB's 5, the overlay's 4 and 6
    expect(lsns(store, 3)).toEqual([1, 2, 3]);
    expect(s.indexFloor(99 as Lsn)?.lsn).toBe(3);
    expect(s.pageImage(2 as PageId, 9 as Lsn)).toBeUndefined();
    await store.flush();
    expect(lsns(store, 3)).toEqual([1, 2, 3]);
    await store.close();
  });
});

/** Everything a node store shows of groups 0..2, for comparing two stores. */
function dump(store: NodeStore): unknown {
  const hex = (b: Buffer) => b.toString('hex').slice(0, 24) + b.length;
  return [0, 1, 2].map((group) => {
    const s = store.segment(group);
    return {
      meta: s.meta(),
      index: [...s.index(0 as Lsn, 1e12 as Lsn)],
      records: s.scanRecords(undefined, 1e9).map((r) => `${r.pageId}/${r.lsn} ${hex(r.bytes)}`),
      images: s.scanImages(undefined, 1e9).map((i) => `${i.pageId}/${i.lsn} ${hex(i.bytes)}`),
      floor: s.indexFloor(37 as Lsn)?.lsn,
      usage: s.usage(),
    };
  });
}

/** One random store call, made on both stores (the same arguments). */
async function randomCall(stores: readonly NodeStore[], rnd: () => number, next: number[]) {
  const group = Math.floor(rnd() * 3);
  const pick = rnd();
  const n = next[group] ?? 1;
  const each = async (call: (s: NodeStore) => Promise<void>) => {
    for (const store of stores) await call(store);
  };
  if (pick < 0.6) {
    const count = 1 + Math.floor(rnd() * 4);
    next[group] = n + count;
    const records = Array.from({ length: count }, (_, i) => storedRecord(group, n + i));
    await each((st) => st.segment(group).append(records, metaAt(n + count - 1)));
  } else if (pick < 0.7) {
    const image = { lsn: Math.floor(rnd() * n) as Lsn, bytes: imageBytes(n) };
    await each((st) => st.segment(group).putPageImage(pageFor(n), image));
  } else if (pick < 0.8) {
    const cut = Math.floor(rnd() * n);
    next[group] = cut + 1;
    await each((st) => purgeAbove(st.segment(group), cut, metaAt(cut)));
  } else if (pick < 0.9) {
    const upTo = Math.floor(rnd() * n) as Lsn;
    const images = [{ pageId: pageFor(upTo), lsn: upTo, bytes: imageBytes(upTo + 1) }];
    await each((st) => st.segment(group).collect(0 as Lsn, upTo, images, metaAt(n - 1)));
  } else {
    await each((st) => st.segment(group).putMeta({ ...metaAt(n - 1), sealedEpoch: n }));
  }
}

describe('hot log against the memory store', () => {
  it.each([7, 11, 23])('agrees through random calls, flushes and crashes (seed %i)', async (s) => {
    let seed = s;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const memory = new MemoryNodeStore(new MemoryDisk(), systemClock);
    const next = [1, 1, 1];
    for (let life = 0; life < 8; life++) {
      const flushIntervalMs = life % 2 === 0 ? 1 : NEVER;
      const store = new LmdbNodeStore(dir, { flushIntervalMs });
      expect(dump(store)).toEqual(dump(memory));
      for (let i = 0; i < 40; i++) {
        await randomCall([store, memory], rnd, next);
        if (rnd() < 0.1) await store.flush();
        if (rnd() < 0.1) await new Promise((r) => setTimeout(r, 2));
      }
      expect(dump(store)).toEqual(dump(memory));
      await store.abandon(); // a crash: whatever the log holds must come back
    }
    const store = new LmdbNodeStore(dir);
    expect(dump(store)).toEqual(dump(memory));
    await store.close();
  });
});

describe.skipIf(!existsSync(CHILD))('hot log under SIGKILL (dist/storage/segment)', () => {
  it('keeps every acknowledged append and image of a process killed mid-stream', async () => {
    for (const flushMs of ['2', '1000000']) {
      const acks = await runAndKill('append', flushMs, (lines) => lines.length >= 300);
      const store = new LmdbNodeStore(dir);
      let images = 0;
      for (const line of acks) {
        const [what, g, n] = line.split(' ');
        const group = Number(g);
        const lsn = Number(n) as Lsn;
        const s = store.segment(group);
        if (what === 'ack') {
          expect(s.record(pageFor(lsn), lsn)).toEqual(recordBytes(group, lsn));
          expect(s.indexFloor(lsn)?.lsn).toBe(lsn);
        } else if (what === 'image') {
          images++;
          expect(s.pageImage(1 as PageId, lsn)?.bytes).toEqual(imageBytes(lsn));
        }
      }
      expect(images).toBeGreaterThan(0);
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not resurrect purged or collected records of a killed process', async () => {
    for (const flushMs of ['1', '1000000']) {
      const enough = (lines: string[]) => lines.filter((l) => l.startsWith('ack')).length >= 30;
      await runAndKill('rewrite', flushMs, enough);
      const store = new LmdbNodeStore(dir);
      expect(lsns(store, 0)).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
      expect(store.segment(0).pageImage(pageFor(150), 999 as Lsn)).toBeUndefined();
      expect(store.segment(0).meta()?.gcLsn).toBe(50);
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(CHILD))('lazy truncation under SIGKILL (segment.ts V1–V4)', () => {
  it('resumes a purge killed midway; the new epoch never meets a void key', async () => {
    const lines = await runAndKill('truncate', '20', (l) => l.some((x) => x.startsWith('purged')));
    const [, after0, upTo] = (lines[0] ?? '').split(' ').map(Number);
    expect(after0).toBe(TRUNCATE_CUT);
    expect(upTo).toBe(TRUNCATE_RECORDS);
    const acked = Number(lines.at(-1)?.split(' ')[1]); // a purge write known to be durable
    const store = new LmdbNodeStore(dir);
    const s = store.segment(0);
    const voided = s.meta()?.voided;
    expect(voided?.upTo).toBe(TRUNCATE_RECORDS);
    expect(voided?.after).toBeGreaterThanOrEqual(acked); // V2: what was acknowledged stays
    expect(voided?.after).toBeLessThan(TRUNCATE_RECORDS); // killed midway
    const after = voided?.after ?? 0;
    const cut = TRUNCATE_CUT;
    // V2: below the cut the old timeline, from the cut to `after` nothing, above it void keys.
    const index = [...s.index(0 as Lsn, 1e9 as Lsn)].map((e) => e.lsn);
    expect(index.length).toBe(cut + TRUNCATE_RECORDS - after);
    expect(index.filter((l) => l > cut && l <= after)).toEqual([]);
    expect(s.scanImages(undefined, 1e9).some((i) => i.lsn > after)).toBe(true); // void, for V4

    const segment = new Segment(s, pino({ level: 'silent' }));
    expect(segment.summary()).toMatchObject({ scl: cut, appliedEpoch: 2 });
    expect(segment.status().pendingRecords).toBe(0); // V1: no void record is in the chain
    const old = new TestWriter({ epoch: 1, vdl: 0 as Lsn, groupTails: new Map() });
    epochOne(old, cut); // the pages as of the cut
    const tails = new Map([[0, cut as Lsn]]);
    const next = new TestWriter({ epoch: 2, vdl: cut as Lsn, groupTails: tails });
    for (let p = 1; p <= 8; p++) next.pages.set(pageOf(0, p), old.page(pageOf(0, p)));
    const records = next.mtr([[pageOf(0, 30), leafInit()], [pageOf(0, 2), cellInsert(0, 'e2')]]);
    records.push(...next.mtr([[pageOf(0, 30), cellInsert(0, 'e2')]]));
    const history = [{ epoch: 1, startLsn: 0 as Lsn }, { epoch: 2, startLsn: cut as Lsn }];
    const append = await segment.processMessage({
      kind: 'AppendRequest', group: 0, epoch: 2, vdlHint: cut as Lsn, readFloor: 0 as Lsn,
      records, history,
    });
    expect(append).toMatchObject({ kind: 'AppendReply', scl: next.lastLsn });
    for (let i = 0; segment.voidedRange !== undefined; i++) {
      if (i > 5_000) throw new Error('the purge did not finish');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await segment.drain();
    const newLsns = records.map((_, i) => cut + 1 + i);
    expect([...s.index(cut as Lsn, 1e9 as Lsn)].map((e) => e.lsn)).toEqual(newLsns);
    expect(s.scanRecords(undefined, 1e9).filter((r) => r.lsn > cut).length).toBe(newLsns.length);
    expect(s.scanImages(undefined, 1e9).filter((i) => i.lsn > cut)).toEqual([]); // V4
    for (const p of [1, 2, 30]) {
      const reply = await segment.processMessage({
        kind: 'ReadPageRequest', group: 0, epoch: 2, pageId: pageOf(0, p), readPoint: next.lastLsn,
      });
      expect(reply).toEqual({ kind: 'ReadPageReply', page: next.page(pageOf(0, p)) });
    }
    segment.retire();
    await store.close();
  });
});

/** Spawns the child on `dir`, kills it with SIGKILL once `enough`, returns the lines it printed. */
function runAndKill(mode: string, flushMs: string, enough: (lines: string[]) => boolean) {
  const child = spawn(process.execPath, [CHILD, mode, dir, flushMs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<string[]>((done, fail) => {
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') done(lines);
      else fail(new Error(`child exited with ${code}: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') return;
      lines.push(line);
      if (enough(lines)) child.kill('SIGKILL');
    });
  });
}

function logFileHolding(bytes: Buffer): string {
  for (const name of ['hot-log-0', 'hot-log-1']) {
    if (readFileSync(join(dir, name)).includes(bytes)) return join(dir, name);
  }
  throw new Error('no log file holds the record');
}
