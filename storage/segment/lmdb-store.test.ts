import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lsn, lsn } from '../lsn.js';
import { PAGE_SIZE } from '../page.js';
import { decodeRedoHeader } from '../redo.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import { systemClock } from '../clock.js';
import { LmdbNodeStore } from './lmdb-store.js';
import { MemoryDisk, MemoryNodeStore } from './memory-store.js';
import { Segment } from './segment.js';
import { noUsage } from './usage.js';
import {
  META_DEFAULTS,
  type NodeStore,
  type SegmentMeta,
  type SegmentStore,
  type StoredRecord,
  decodeApart,
  decodeMeta,
  encodeApart,
  encodeMeta,
} from './store.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
const L = (n: number): Lsn => lsn(n);

function stored(bytes: Buffer): StoredRecord {
  const h = decodeRedoHeader(bytes);
  return { entry: { lsn: h.lsn, prevLsn: h.prevLsn, pageId: h.pageId, cpl: h.cpl }, bytes };
}

function meta(scl: number, extra: Partial<SegmentMeta> = {}): SegmentMeta {
  return {
    ...META_DEFAULTS,
    scl: L(scl),
    vdlHint: L(0),
    sealedEpoch: 1,
    appliedEpoch: 1,
    history: [{ epoch: 1, startLsn: L(0) }],
    ...extra,
  };
}

/**
 * A segment's metadata as the previous format (version 2) wrote it, recorded from that encoder:
 * scl 7, vdlHint 5, epochs 2/2, history (1, 0) (2, 5), gcLsn 3, gcTail 2, a scrub at
 * 1,700,000,000,000 ms, one bad copy found and repaired, one time mark (that time, lsn 4).
 */
const META_V2 = Buffer.from(
  '02000000000000000700000000000000050000000200000002000000020000000100000000000000000000' +
    '00020000000000000005000000000000000300000000000000020000018bcfe56800000000010000000100' +
    '0000010000018bcfe568000000000000000004',
  'hex',
);

/** Version 5 of `meta` from its version-6 bytes: the history and marks in the value. */
function withApartInside(v6: Buffer, meta: SegmentMeta): Buffer {
  const apart = encodeApart(meta); // u32 n, the history, u32 m, the marks
  const marksAt = 4 + 12 * meta.history.length;
  const v5 = Buffer.concat([
    v6.subarray(0, 25),
    apart.subarray(0, marksAt), // n and the history, after the fixed fields
    v6.subarray(29, 29 + 32),
    apart.subarray(marksAt), // m and the marks, at the end of the tail fields
    v6.subarray(29 + 36),
  ]);
  v5[0] = 5;
  return v5;
}

/** The metadata database's id in a hot-log op (lmdb-store.ts DbId.Meta). */
const META_DB = 3;

/** Wraps a segment store so that a full usage count (or any whole scan) fails the test. */
function noFullCount(inner: SegmentStore): SegmentStore {
  const fail = (): never => {
    throw new Error('a full usage count ran');
  };
  return Object.assign(Object.create(inner) as SegmentStore, {
    usage: fail,
    scanRecords: fail,
    scanImages: fail,
  });
}

/** Appends `records` to a segment of group 0 in epoch 1. */
async function append(segment: Segment, records: Buffer[]): Promise<void> {
  const reply = await segment.processMessage({
    kind: 'AppendRequest', group: 0, epoch: 1, vdlHint: L(0), readFloor: L(0), records,
    history: [{ epoch: 1, startLsn: L(0) }],
  });
  expect(reply.kind).toBe('AppendReply');
}

/** Reads a page of group 0 at the writer's last LSN (coalescing it if it applies 16 or more). */
async function read(segment: Segment, writer: TestWriter, page: number): Promise<void> {
  const reply = await segment.processMessage({
    kind: 'ReadPageRequest', group: 0, epoch: 1, pageId: pageOf(0, page),
    readPoint: writer.lastLsn,
  });
  expect(reply).toEqual({ kind: 'ReadPageReply', page: writer.page(pageOf(0, page)) });
}

/** Twenty records on each of pages 1..n. */
function pages(writer: TestWriter, n: number): Buffer[] {
  const records: Buffer[] = [];
  for (let p = 1; p <= n; p++) records.push(...writer.mtr([[pageOf(0, p), leafInit()]]));
  for (let i = 0; i < 19; i++) {
    for (let p = 1; p <= n; p++) records.push(...writer.mtr([[pageOf(0, p), cellInsert(0, 'v')]]));
  }
  return records;
}

describe('segment usage counts in the metadata (usage.ts U4–U7)', () => {
  const dir = tempDir('borealis-usage-');

  it('reads the version-2 format, and writes version 6 with or without counts', () => {
    const old = decodeMeta(META_V2);
    expect(old).toMatchObject({ scl: 7, vdlHint: 5, gcLsn: 3, gcTail: 2, repairs: 1 });
    expect(old.marks).toEqual([{ wallMs: 1_700_000_000_000, lsn: 4 }]);
    expect(old.usage).toBeUndefined(); // U4: not known: a segment over it counts
    const usage = { records: 3, recordBytes: 300, images: 1, imageBytes: 16_388 };
    const voided = { after: L(7), upTo: L(90) };
    const tailRun = { start: L(3), cpl: L(6) };
    const metas = [old, { ...old, usage }, { ...old, usage, voided }, { ...old, voided, tailRun }];
    for (const meta of metas) {
      const bytes = encodeMeta(meta);
      expect(bytes[0]).toBe(6);
      expect(decodeMeta(bytes)).toEqual({ ...meta, history: [], marks: [] }); // apart (L3)
      const { history, marks } = meta;
      expect(decodeApart(encodeApart(meta))).toEqual({ history, marks });
      // Version 5 is version 6 with its history and marks in it.
      const v5 = withApartInside(bytes, meta);
      expect(decodeMeta(v5)).toEqual(meta);
      // Version 4 is version 5 without the tail run (not known: recovery reads the chain).
      const v4 = Buffer.concat([Buffer.from([4]), v5.subarray(1, v5.length - 17)]);
      expect(decodeMeta(v4)).toEqual({ ...meta, tailRun: undefined });
      // Version 3 is version 4 without the voided range: nothing voided.
      const v3 = Buffer.concat([Buffer.from([3]), v5.subarray(1, v5.length - 34)]);
      expect(decodeMeta(v3)).toEqual({ ...meta, voided: undefined, tailRun: undefined });
    }
    expect(() => encodeMeta({ ...old, voided: { after: L(9), upTo: L(9) } })).toThrow('V1');
    expect(() => encodeMeta({ ...old, usage: { ...usage, records: -1 } })).toThrow('U4');
  });

  it('needs no full count after a clean stop, and counts a version-2 store', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    let store = new LmdbNodeStore(dir());
    let segment = new Segment(store.segment(0), log);
    await append(segment, pages(writer, 5));
    await read(segment, writer, 2); // 20 records: an image is written back
    segment.retire(); // a clean stop, as node.ts does it
    await segment.drain();
    await segment.saveUsage();
    const counted = store.segment(0).usage();
    expect(counted.images).toBe(1);
    expect(store.segment(0).meta()?.usage).toEqual(counted);
    await store.close();

    store = new LmdbNodeStore(dir());
    segment = new Segment(noFullCount(store.segment(0)), log);
    expect(segment.usage.counting).toBe(false);
    expect(segment.status()).toMatchObject({
      records: counted.records,
      recordBytes: counted.recordBytes,
      bytes: counted.recordBytes + counted.imageBytes,
    });
    // The same store as the previous format left it: metadata of version 2, without counts.
    const meta = store.segment(0).meta();
    expect(meta).toBeDefined();
    const current = { ...(meta as SegmentMeta), usage: undefined };
    const v5 = withApartInside(encodeMeta(current), current);
    const v2 = Buffer.concat([Buffer.from([2]), v5.subarray(1, v5.length - 33 - 17 - 17)]);
    segment.retire();
    const key = Buffer.alloc(4); // group 0
    await store.write([{ db: META_DB, key, value: v2 }]);
    await store.close();

    store = new LmdbNodeStore(dir());
    expect(store.segment(0).meta()).toEqual({ ...meta, usage: undefined, tailRun: undefined });
    segment = new Segment(store.segment(0), log);
    expect(segment.usage.counting).toBe(true);
    await until(() => !segment.usage.counting);
    expect(segment.status()).toMatchObject({ records: counted.records, scl: writer.lastLsn });
    expect(segment.status().bytes).toBe(counted.recordBytes + counted.imageBytes);
    segment.retire();
    await segment.drain();
    await store.close();
  });

  it('keeps counts across a crash only where they cover every write before it (U6)', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    let store = new LmdbNodeStore(dir());
    let segment = new Segment(store.segment(0), log);
    await append(segment, pages(writer, 4));
    await segment.drain();
    await segment.saveUsage(); // the idle checkpoint
    segment.retire();
    await store.abandon(); // a crash: nothing after the checkpoint

    store = new LmdbNodeStore(dir());
    segment = new Segment(noFullCount(store.segment(0)), log);
    const counted = store.segment(0).usage();
    const status = segment.status();
    expect(status).toMatchObject({ records: counted.records, bytes: counted.recordBytes });
    // Only a page image after the checkpoint: a write without metadata (U6).
    await read(segment, writer, 3);
    await segment.drain();
    segment.retire();
    await store.abandon();

    store = new LmdbNodeStore(dir());
    expect(store.segment(0).meta()?.usage).toBeUndefined();
    const after = store.segment(0).usage();
    expect(after.images).toBe(1);
    segment = new Segment(store.segment(0), log);
    await until(() => !segment.usage.counting);
    expect(segment.status().bytes).toBe(after.recordBytes + after.imageBytes);
    segment.retire();
    await segment.drain();
    await store.close();
  });
});

describe('history and time marks apart from the metadata (lmdb-store.ts L3)', () => {
  const dir = tempDir('borealis-marks-');

  const marks = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ wallMs: 1_000 * (from + i), lsn: L(from + i + 1) }));

  it("writes an append's frame without them while they stay the same", async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const store = new LmdbNodeStore(dir());
    const frames: number[] = [];
    const writeFrame = store.writeFrame.bind(store);
    store.writeFrame = (frame: Buffer) => {
      frames.push(frame.length);
      return writeFrame(frame);
    };
    const segment = store.segment(0);
    const day = marks(32); // a day's marks at the default retention
    const one = () => writer.mtr([[pageOf(0, 1), cellInsert(0, 'v')]]).map(stored);
    await segment.append(writer.mtr([[pageOf(0, 1), leafInit()]]).map(stored), meta(1));
    await segment.append(one(), meta(2, { marks: day })); // the marks change: written
    await segment.append(one(), meta(3, { marks: day })); // the same array: left out
    await segment.append(one(), meta(4, { marks: [...day] })); // equal marks: left out
    await segment.append(one(), meta(5));
    const epochs = [{ epoch: 1, startLsn: L(0) }, { epoch: 2, startLsn: L(5) }];
    await segment.append(one(), meta(6, { history: epochs })); // a new epoch: written
    await segment.append(one(), meta(7, { history: [...epochs] })); // an equal history: left out
    const without = frames[2] as number;
    // The op's header and key, then the count and entries of the history and of the marks.
    const apartOp = (h: number, m: number): number => 8 + 5 + 4 + 12 * h + 4 + 16 * m;
    expect(frames[1]).toBe(without + apartOp(1, 32));
    expect(frames[3]).toBe(without);
    expect(frames[4]).toBe(without + apartOp(1, 0)); // an empty list now: written
    expect(frames[5]).toBe(without + apartOp(2, 0));
    expect(frames[6]).toBe(without);
    expect(segment.meta()).toEqual(meta(7, { history: epochs }));
    await segment.putMeta(meta(8, { marks: day }));
    expect(segment.meta()).toEqual(meta(8, { marks: day }));
    expect(store.groups()).toEqual([0]); // the marks key is no group of its own
    await store.close();
  });

  it('keeps the last marks written across a crash and a reopen', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    let store = new LmdbNodeStore(dir());
    const first = marks(3);
    const second = marks(4, 10);
    await store.segment(0).append(writer.mtr([[pageOf(0, 1), leafInit()]]).map(stored),
      meta(1, { marks: first }));
    await store.segment(0).putMeta(meta(1, { marks: first }));
    await store.abandon(); // a crash: the hot log's frames replay on open
    store = new LmdbNodeStore(dir());
    expect(store.segment(0).meta()).toEqual(meta(1, { marks: first }));
    // The first write since it opened writes the marks again; later ones only when they change.
    await store.segment(0).putMeta(meta(2, { marks: first }));
    await store.segment(0).putMeta(meta(3, { marks: second }));
    await store.segment(0).putMeta(meta(4, { marks: second }));
    await store.close();
    store = new LmdbNodeStore(dir());
    expect(store.segment(0).meta()).toEqual(meta(4, { marks: second }));
    await store.close();
  });

  it('reads a version-5 value, both inside, and keeps them once rewritten', async () => {
    const history = [{ epoch: 1, startLsn: L(0) }, { epoch: 3, startLsn: L(4) }];
    const old = meta(7, { marks: marks(2), history, sealedEpoch: 3, appliedEpoch: 3 });
    let store = new LmdbNodeStore(dir());
    const key = Buffer.alloc(4); // group 0
    await store.write([{ db: META_DB, key, value: withApartInside(encodeMeta(old), old) }]);
    await store.close();
    store = new LmdbNodeStore(dir());
    expect(store.segment(0).meta()).toEqual(old);
    await store.segment(0).putMeta({ ...old, scl: L(8) }); // version 6, marks apart
    await store.close();
    store = new LmdbNodeStore(dir());
    expect(store.segment(0).meta()).toEqual({ ...old, scl: L(8) });
    await store.close();
  });
});

/** A directory made before each test of the describe that calls this, and removed after it. */
function tempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('tempDir: read outside a test');
    return dir;
  };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('not reached in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('LmdbSegmentStore', () => {
  const dir = tempDir('borealis-lmdb-');

  it('keeps records, index, images and metadata across close and reopen', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const g0 = writer.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 1), cellInsert(0, 'a')]]);
    const g1 = writer.mtr([[pageOf(1, 7), leafInit()]]);
    const g0b = writer.mtr([[pageOf(0, 1), cellInsert(1, 'b')]]);
    let store = new LmdbNodeStore(dir());
    await Promise.all([
      store.segment(0).append([...g0, ...g0b].map(stored), meta(2, { vdlHint: L(2) })),
      store.segment(1).append(g1.map(stored), meta(3)),
    ]);
    const image = { lsn: L(2), bytes: Buffer.alloc(PAGE_SIZE, 7) };
    await store.segment(0).putPageImage(pageOf(0, 1), image);
    await store.close();

    store = new LmdbNodeStore(dir());
    expect(store.groups()).toEqual([0, 1]);
    const s0 = store.segment(0);
    expect(s0.meta()).toEqual(meta(2, { vdlHint: L(2) }));
    expect([...s0.index(L(0), L(99))].map((e) => [e.lsn, e.prevLsn, e.cpl])).toEqual([
      [1, 0, false],
      [2, 1, true],
      [4, 2, true],
    ]);
    expect(s0.indexFloor(L(3))?.lsn).toBe(2);
    expect(s0.indexFloor(L(0))).toBeUndefined();
    expect(s0.indexEntry(L(2))).toEqual(s0.indexFloor(L(3)));
    expect(s0.indexEntry(L(3))).toBeUndefined();
    expect(s0.pageImageAt(pageOf(0, 1), L(2))).toEqual(s0.pageImage(pageOf(0, 1), L(9)));
    expect(s0.pageImageAt(pageOf(0, 1), L(2))?.bytes).toEqual(image.bytes);
    expect(s0.pageImageAt(pageOf(0, 1), L(4))).toBeUndefined();
    expect([...s0.pageRecords(pageOf(0, 1), L(1), L(4))].map((r) => r.bytes)).toEqual([
      g0[1],
      g0b[0],
    ]);
    expect(s0.record(pageOf(0, 1), L(4))).toEqual(g0b[0]);
    expect(s0.pageImage(pageOf(0, 1), L(1))).toBeUndefined();
    expect(s0.pageImage(pageOf(0, 1), L(9))?.lsn).toBe(2);
    expect([...store.segment(1).index(L(0), L(99))].map((e) => e.lsn)).toEqual([3]);
    await store.close();
  });

  it('lets a segment recover its SCL and serve pages after a reopen', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const records = writer.mtr([[pageOf(0, 3), leafInit()], [pageOf(0, 3), cellInsert(0, 'x')]]);
    let store = new LmdbNodeStore(dir());
    let segment = new Segment(store.segment(0), log);
    const history = [{ epoch: 1, startLsn: L(0) }];
    const reply = await segment.processMessage({
      kind: 'AppendRequest',
      group: 0,
      epoch: 1,
      vdlHint: L(0),
      readFloor: L(0),
      records,
      history,
    });
    expect(reply).toEqual({ kind: 'AppendReply', scl: 2 });
    segment.retire(); // as a node does before it closes its store
    await segment.drain();
    await store.close();

    store = new LmdbNodeStore(dir());
    segment = new Segment(store.segment(0), log);
    expect(segment.scl).toBe(2);
    const page = await segment.processMessage({
      kind: 'ReadPageRequest',
      group: 0,
      epoch: 1,
      pageId: pageOf(0, 3),
      readPoint: L(2),
    });
    expect(page).toEqual({ kind: 'ReadPageReply', page: writer.page(pageOf(0, 3)) });
    segment.retire();
    await segment.drain();
    await store.close();
  });

  it('fails the segment, not the process, when its store closes under a count', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    let store = new LmdbNodeStore(dir());
    let segment = new Segment(store.segment(0), log);
    await segment.processMessage({
      kind: 'AppendRequest', group: 0, epoch: 1, vdlHint: L(0), readFloor: L(0),
      records: writer.mtr([[pageOf(0, 3), leafInit()]]), history: [{ epoch: 1, startLsn: L(0) }],
    });
    segment.retire();
    await segment.drain();
    await store.close();
    store = new LmdbNodeStore(dir());
    segment = new Segment(store.segment(0), log); // a reopened segment recounts its usage (S9)
    await store.close(); // not retired first: the count's next step finds the store closed
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(segment.failed).toBe(true);
  });
});

/** A node store of either kind, reopened over what survived (a directory, a memory disk). */
interface StoreKind {
  readonly name: string;
  open(): NodeStore;
}

function lmdbKind(dir: () => string): StoreKind {
  return { name: 'LmdbSegmentStore', open: () => new LmdbNodeStore(dir()) };
}

function memoryKind(): StoreKind {
  const disk = new MemoryDisk();
  return { name: 'MemorySegmentStore', open: () => new MemoryNodeStore(disk, systemClock) };
}

describe('purge, the same contract for both stores (store.ts, segment.ts V2, V4)', () => {
  const dir = tempDir('borealis-purge-');

  const kinds = [(): StoreKind => lmdbKind(dir), memoryKind];
  it.each(kinds)('removes the records, index entries and images at their keys, durably', async (
    kind,
  ) => {
    const k = kind();
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const records = writer.mtr([
      [pageOf(0, 1), leafInit()],
      [pageOf(0, 1), cellInsert(0, 'a')],
      [pageOf(0, 2), leafInit()],
      [pageOf(0, 1), cellInsert(1, 'b')],
    ]);
    let store = k.open();
    const s = store.segment(0);
    await s.append(records.map(stored), meta(4));
    await store.segment(1).append(records.map(stored), meta(4)); // another group: untouched
    const image = (n: number) => ({ lsn: L(n), bytes: Buffer.alloc(PAGE_SIZE, n) });
    await s.putPageImage(pageOf(0, 1), image(2));
    await s.putPageImage(pageOf(0, 1), image(4)); // at record 4's key: goes with it (V4)
    await s.putPageImage(pageOf(0, 2), image(4)); // at no record's key: stays
    const before = s.usage();
    const entries = [...s.index(L(2), L(99))];
    const voided = { after: L(3), upTo: L(4) };
    const removed = await s.purge(entries, meta(2, { appliedEpoch: 2, voided }));
    expect(removed).toEqual({
      records: 2,
      recordBytes: (records[2]?.length ?? 0) + (records[3]?.length ?? 0),
      images: 1,
      imageBytes: PAGE_SIZE + 4,
    });
    const after = s.usage();
    expect(after.records).toBe(before.records - removed.records);
    expect(after.imageBytes).toBe(before.imageBytes - removed.imageBytes);
    await store.close();

    store = k.open();
    const t = store.segment(0);
    expect([...t.index(L(0), L(99))].map((e) => e.lsn)).toEqual([1, 2]);
    expect([...t.pageRecords(pageOf(0, 1), L(0), L(99))].map((r) => r.bytes)).toEqual([
      records[0],
      records[1],
    ]);
    expect(t.record(pageOf(0, 2), L(3))).toBeUndefined();
    expect(t.pageImage(pageOf(0, 1), L(99))?.lsn).toBe(2);
    expect(t.pageImage(pageOf(0, 2), L(99))?.lsn).toBe(4);
    expect(t.meta()).toMatchObject({ appliedEpoch: 2, voided });
    expect([...store.segment(1).index(L(0), L(99))].map((e) => e.lsn)).toEqual([1, 2, 3, 4]);
    // An empty purge writes the metadata alone.
    expect(await t.purge([], meta(2, { appliedEpoch: 3 }))).toEqual(noUsage());
    expect(t.meta()).toMatchObject({ appliedEpoch: 3, voided: undefined });
    await store.close();
  });
});
