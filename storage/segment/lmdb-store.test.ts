import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lsn, lsn } from '../lsn.js';
import { PAGE_SIZE } from '../page.js';
import { decodeRedoHeader } from '../redo.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import { LmdbNodeStore } from './lmdb-store.js';
import { Segment } from './segment.js';
import { META_DEFAULTS, type SegmentMeta, type StoredRecord } from './store.js';

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

describe('LmdbSegmentStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'borealis-lmdb-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps records, index, images and metadata across close and reopen', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const g0 = writer.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 1), cellInsert(0, 'a')]]);
    const g1 = writer.mtr([[pageOf(1, 7), leafInit()]]);
    const g0b = writer.mtr([[pageOf(0, 1), cellInsert(1, 'b')]]);
    let store = new LmdbNodeStore(dir);
    await Promise.all([
      store.segment(0).append([...g0, ...g0b].map(stored), meta(2, { vdlHint: L(2) })),
      store.segment(1).append(g1.map(stored), meta(3)),
    ]);
    const image = { lsn: L(2), bytes: Buffer.alloc(PAGE_SIZE, 7) };
    await store.segment(0).putPageImage(pageOf(0, 1), image);
    await store.close();

    store = new LmdbNodeStore(dir);
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

  it('truncates records, index entries and page images above an LSN, durably', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const records = writer.mtr([
      [pageOf(0, 1), leafInit()],
      [pageOf(0, 1), cellInsert(0, 'a')],
      [pageOf(0, 1), cellInsert(1, 'b')],
    ]);
    let store = new LmdbNodeStore(dir);
    const s = store.segment(0);
    await s.append(records.map(stored), meta(3));
    await s.putPageImage(pageOf(0, 1), { lsn: L(1), bytes: Buffer.alloc(PAGE_SIZE, 1) });
    await s.putPageImage(pageOf(0, 1), { lsn: L(3), bytes: Buffer.alloc(PAGE_SIZE, 3) });
    await s.truncate(L(1), meta(1, { sealedEpoch: 2, appliedEpoch: 2 }));
    await store.close();

    store = new LmdbNodeStore(dir);
    const t = store.segment(0);
    expect([...t.index(L(0), L(99))].map((e) => e.lsn)).toEqual([1]);
    expect([...t.pageRecords(pageOf(0, 1), L(0), L(99))].map((r) => r.bytes)).toEqual([
      records[0],
    ]);
    expect(t.pageImage(pageOf(0, 1), L(99))?.lsn).toBe(1);
    expect(t.meta()?.appliedEpoch).toBe(2);
    await store.close();
  });

  it('lets a segment recover its SCL and serve pages after a reopen', async () => {
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const records = writer.mtr([[pageOf(0, 3), leafInit()], [pageOf(0, 3), cellInsert(0, 'x')]]);
    let store = new LmdbNodeStore(dir);
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

    store = new LmdbNodeStore(dir);
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
    let store = new LmdbNodeStore(dir);
    let segment = new Segment(store.segment(0), log);
    await segment.processMessage({
      kind: 'AppendRequest', group: 0, epoch: 1, vdlHint: L(0), readFloor: L(0),
      records: writer.mtr([[pageOf(0, 3), leafInit()]]), history: [{ epoch: 1, startLsn: L(0) }],
    });
    segment.retire();
    await segment.drain();
    await store.close();
    store = new LmdbNodeStore(dir);
    segment = new Segment(store.segment(0), log); // a reopened segment recounts its usage (S9)
    await store.close(); // not retired first: the count's next step finds the store closed
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(segment.failed).toBe(true);
  });
});
