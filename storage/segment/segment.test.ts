import assert from 'node:assert/strict';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../clock.js';
import { type Lsn, type PageId, lsn } from '../lsn.js';
import type { ChainRun, EpochStart, SegmentReply, SegmentRequest } from '../messages.js';
import { PAGE_SIZE } from '../page.js';
import { chainRunsOf } from '../testing/chain-runs.js';
import { decodeRedoHeader } from '../redo.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import { ChainTracker } from './chain.js';
import { epochOne } from './hot-log-child.js';
import { MemoryDisk, MemoryNodeStore } from './memory-store.js';
import { type PeerSend, PURGE_BATCH_RECORDS, Segment } from './segment.js';
import type { SegmentStore } from './store.js';
import { prng } from '../testing/prng.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
const L = (n: number): Lsn => lsn(n);
const HISTORY_1: EpochStart[] = [{ epoch: 1, startLsn: L(0) }];

describe('ChainTracker', () => {
  it('follows backlinks in order, out of order, and ignores duplicates (CH1, CH2)', () => {
    const chain = new ChainTracker();
    expect(chain.add(L(1), L(0))).toBe(1);
    expect(chain.add(L(7), L(4))).toBe(1); // above a hole
    expect(chain.add(L(4), L(2))).toBe(1);
    expect(chain.lowestPending()).toBe(4);
    expect(chain.add(L(7), L(4))).toBe(1); // duplicate
    expect(chain.add(L(2), L(1))).toBe(7); // fills the hole: 2 → 4 → 7
    expect(chain.add(L(2), L(1))).toBe(7); // duplicate below the tail
    expect(chain.pendingCount).toBe(0);
  });

  it('knows the run that ends at its tail, whatever the order records come in (CH4)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      // LSNs 1..n, each of group 0 (ours) or of another group, in stretches; some CPLs.
      const n = 20 + Math.floor(random() * 80);
      const ours: number[] = [];
      const cpls = new Set<number>();
      let mine = true;
      for (let i = 1; i <= n; i++) {
        if (random() < 0.2) mine = !mine;
        if (mine) ours.push(i);
        if (random() < 0.3) cpls.add(i);
      }
      const prev = new Map(ours.map((x, i) => [x, ours[i - 1] ?? 0]));
      const chain = new ChainTracker();
      const check = (): void => {
        const run = chain.tailRun;
        if (run === undefined) return;
        let cpl = 0;
        for (let x = run.start; x <= chain.tail; x++) {
          expect(prev.has(x), `seed ${seed}: ${x} of the run is ours`).toBe(true);
          if (cpls.has(x)) cpl = x;
        }
        expect(run.cpl, `seed ${seed}`).toBe(cpl);
      };
      const order = [...ours].sort(() => random() - 0.5);
      let truncated = false;
      for (const x of order) {
        chain.add(L(x), L(prev.get(x) ?? 0), cpls.has(x));
        check();
        if (random() < 0.05 && chain.tail > 0) {
          const cut = Math.floor(random() * (chain.tail + 1));
          const tail = Math.max(0, ...ours.filter((y) => y <= cut && y <= chain.tail));
          chain.truncate(L(cut), L(tail), cpls.has(tail));
          truncated = true;
          check();
        }
      }
      for (const x of ours) chain.add(L(x), L(prev.get(x) ?? 0), cpls.has(x));
      check();
      expect(chain.tail).toBe(ours.at(-1) ?? 0);
      // Once every record has come, in order or not, the run is known and whole, unless a
      // truncation forgot it (then the next record linked starts it again).
      if (!truncated && ours.length > 0) {
        let start = chain.tail;
        while (prev.get(start) === start - 1) start--;
        expect(chain.tailRun?.start, `seed ${seed}`).toBe(start);
      }
    }
  });

  it('forgets its tail run when its tail jumps to a GC point (CH4)', () => {
    const chain = new ChainTracker();
    chain.add(L(1), L(0), true);
    chain.add(L(2), L(1));
    expect(chain.tailRun).toEqual({ start: 1, cpl: 1 });
    chain.add(L(9), L(8), true); // pending above a hole
    chain.advanceTo(L(8)); // images up to 8 from a peer: 9 links
    expect(chain.tail).toBe(9);
    expect(chain.tailRun).toEqual({ start: 9, cpl: 9 });
    chain.advanceTo(L(20));
    expect(chain.tailRun).toBeUndefined();
    chain.add(L(21), L(20));
    expect(chain.tailRun).toEqual({ start: 21, cpl: 0 });
  });

  it('truncates to a new tail and forgets records above the cut (CH3)', () => {
    const chain = new ChainTracker();
    chain.add(L(1), L(0));
    chain.add(L(3), L(1));
    chain.add(L(9), L(6));
    chain.truncate(L(5), L(3));
    expect(chain.tail).toBe(3);
    expect(chain.lowestPending()).toBeUndefined();
  });
});

/** A segment of protection group 0 over a memory store, and a writer producing its records. */
class Harness {
  disk = new MemoryDisk();
  store = new MemoryNodeStore(this.disk, systemClock);
  segment = new Segment(this.store.segment(0), log);
  writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });

  send(request: SegmentRequest): Promise<SegmentReply> {
    return this.segment.processMessage(request);
  }

  /** history null: the request carries none. */
  append(records: Buffer[], epoch = 1, history: EpochStart[] | null = HISTORY_1) {
    return this.send({
      kind: 'AppendRequest',
      group: 0,
      epoch,
      vdlHint: L(0),
      readFloor: L(0),
      records,
      ...(history === null ? {} : { history }),
    });
  }

  read(page: number, readPoint: number, epoch = 1): Promise<SegmentReply> {
    return this.send({
      kind: 'ReadPageRequest',
      group: 0,
      epoch,
      pageId: pageOf(0, page),
      readPoint: L(readPoint),
    });
  }

  /** Reopens the segment over the same disk, as a node restart does. */
  restart(): void {
    this.store = new MemoryNodeStore(this.disk, systemClock);
    this.segment = new Segment(this.store.segment(0), log);
  }
}

function sclOf(reply: SegmentReply): number {
  if (reply.kind === 'AppendReply' || reply.kind === 'TruncateReply') return reply.scl;
  throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
}

function pageOfReply(reply: SegmentReply): Buffer {
  if (reply.kind === 'ReadPageReply') return reply.page;
  throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
}

/** Every run of (afterLsn, upToLsn], `runsMax` a request, as recovery.ts reads them. */
async function readAllRuns(
  segment: Segment,
  ask: { group: number; epoch: number; afterLsn: Lsn; upToLsn: Lsn },
  runsMax: number,
): Promise<{ baseLsn: Lsn; runs: ChainRun[]; requests: number }> {
  const runs: ChainRun[] = [];
  let baseLsn: Lsn | undefined;
  for (let after = ask.afterLsn, requests = 1; ; requests++) {
    const reply = await segment.processMessage({
      kind: 'ChainRunsRequest', ...ask, afterLsn: after, runsMax,
    });
    assert(reply.kind === 'ChainRunsReply');
    baseLsn ??= reply.baseLsn;
    expect(reply.runs.length).toBeLessThanOrEqual(runsMax);
    runs.push(...reply.runs);
    const last = reply.runs.at(-1);
    if (!reply.more || last === undefined) return { baseLsn, runs, requests };
    after = last.last;
  }
}

describe('Segment over MemorySegmentStore', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('acknowledges in-order appends with its SCL', async () => {
    const records = h.writer.mtr([
      [pageOf(0, 1), leafInit()],
      [pageOf(0, 1), cellInsert(0, 'a')],
      [pageOf(0, 1), cellInsert(1, 'b')],
    ]);
    expect(sclOf(await h.append(records))).toBe(3);
    expect(h.segment.scl).toBe(3);
  });

  it('keeps records above a hole until it fills, and ignores duplicates', async () => {
    const first = h.writer.mtr([[pageOf(0, 1), leafInit()]]);
    const second = h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'x')]]);
    const third = h.writer.mtr([[pageOf(0, 1), cellInsert(1, 'y')]]);
    expect(sclOf(await h.append(third))).toBe(0);
    expect(sclOf(await h.append(first))).toBe(1);
    expect(sclOf(await h.append(third))).toBe(1); // duplicate above the hole
    expect(sclOf(await h.append(second))).toBe(3);
    expect(sclOf(await h.append([...first, ...second]))).toBe(3); // duplicates below
    expect([...h.store.segment(0).index(L(0), L(99))].map((e) => e.lsn)).toEqual([1, 2, 3]);
  });

  it('follows backlinks across LSNs of other protection groups', async () => {
    const a = h.writer.mtr([[pageOf(0, 1), leafInit()]]); // lsn 1, group 0
    h.writer.mtr([[pageOf(1, 1), leafInit()]]); // lsn 2, group 1: never sent here
    const b = h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'q')]]); // lsn 3, backlink 1
    expect(decodeRedoHeader(b[0] ?? Buffer.alloc(0)).prevLsn).toBe(1);
    expect(sclOf(await h.append(b))).toBe(0);
    expect(sclOf(await h.append(a))).toBe(3);
  });

  it('materialises pages at several read points exactly as applyRedo on the writer', async () => {
    const snapshots = new Map<number, Buffer>();
    const all: Buffer[] = [];
    all.push(...h.writer.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 2), leafInit()]]));
    snapshots.set(h.writer.lastLsn, h.writer.page(pageOf(0, 1)));
    for (let i = 0; i < 40; i++) {
      const target = i % 3 === 0 ? 2 : 1;
      all.push(...h.writer.mtr([[pageOf(0, target), cellInsert(0, `cell-${i}`)]]));
      if (i % 7 === 5) {
        all.push(...h.writer.mtr([[pageOf(0, 1), { kind: 'cell-delete', slot: 0 }]]));
      }
      snapshots.set(h.writer.lastLsn, h.writer.page(pageOf(0, 1)));
    }
    // Deliver in two halves, the second first, to exercise holes on the way.
    const half = Math.floor(all.length / 2);
    await h.append(all.slice(half));
    expect(sclOf(await h.append(all.slice(0, half)))).toBe(h.writer.lastLsn);
    for (const [at, expected] of snapshots) {
      expect(pageOfReply(await h.read(1, at)).equals(expected), `page 1 at ${at}`).toBe(true);
    }
    // The reads at the end wrote page images (coalescing); older read points are unaffected.
    await h.segment.drain();
    expect(h.store.segment(0).pageImage(pageOf(0, 1), L(h.writer.lastLsn))).toBeDefined();
    for (const [at, expected] of snapshots) {
      expect(pageOfReply(await h.read(1, at)).equals(expected), `again at ${at}`).toBe(true);
    }
    expect(pageOfReply(await h.read(2, h.writer.lastLsn))).toEqual(h.writer.page(pageOf(0, 2)));
    expect(pageOfReply(await h.read(9, h.writer.lastLsn))).toEqual(Buffer.alloc(PAGE_SIZE));
  });

  it('refuses a read point above a hole it knows of', async () => {
    const a = h.writer.mtr([[pageOf(0, 1), leafInit()]]);
    h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'lost')]]);
    const c = h.writer.mtr([[pageOf(0, 1), cellInsert(1, 'late')]]);
    await h.append([...a, ...c]);
    expect(await h.read(1, 3)).toMatchObject({ kind: 'Refused', reason: 'incomplete' });
    expect(pageOfReply(await h.read(1, 1)).equals(h.writer.page(pageOf(0, 1)))).toBe(false);
  });

  it('refuses requests from an older epoch once sealed (fencing)', async () => {
    await h.append(h.writer.mtr([[pageOf(0, 1), leafInit()]]));
    const sealed = await h.send({ kind: 'SclRequest', group: 0, epoch: 2 });
    expect(sealed).toMatchObject({ kind: 'SclReply', scl: 1, appliedEpoch: 1 });
    const late = h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'zombie')]]);
    expect(await h.append(late)).toMatchObject({ kind: 'Refused', reason: 'stale-epoch' });
    expect(await h.read(1, 1)).toMatchObject({ kind: 'Refused', reason: 'stale-epoch' });
    expect(await h.send({ kind: 'SclRequest', group: 0, epoch: 2 })).toMatchObject({
      kind: 'Refused',
      reason: 'stale-epoch',
      sealedEpoch: 2,
    });
  });

  it('truncates above the new epoch start and accepts the new timeline', async () => {
    const base = h.writer.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 1), cellInsert(0, 'kept')]]);
    const expected = h.writer.page(pageOf(0, 1));
    const doomed = h.writer.mtr([[pageOf(0, 1), cellInsert(1, 'doomed')]], { cpl: false });
    await h.append([...base, ...doomed]);
    await h.send({ kind: 'SclRequest', group: 0, epoch: 2 });
    const history = [...HISTORY_1, { epoch: 2, startLsn: L(2) }];
    const reply = await h.send({ kind: 'TruncateRequest', group: 0, epoch: 2, history });
    expect(sclOf(reply)).toBe(2);
    // V1: nothing is removed yet, LSN 3 is void; nothing is read above the cut (V3).
    expect(h.segment.voidedRange).toEqual({ after: 2, upTo: 3 });
    expect(h.store.segment(0).meta()?.voided).toEqual({ after: 2, upTo: 3 });
    expect(await h.read(1, 3, 2)).toMatchObject({ kind: 'Refused', reason: 'incomplete' });
    // A new writer (epoch 2) reuses LSN 3 for something else: the purge goes first (V3).
    const next = new TestWriter({ epoch: 2, vdl: L(2), groupTails: new Map([[0, L(2)]]) });
    next.pages.set(pageOf(0, 1), Buffer.from(pageOfReply(await h.read(1, 2, 2))));
    const fresh = next.mtr([[pageOf(0, 1), cellInsert(1, 'fresh')]]);
    expect(sclOf(await h.append(fresh, 2, null))).toBe(3);
    expect(h.segment.voidedRange).toBeUndefined();
    expect(h.store.segment(0).record(pageOf(0, 1), L(3))).toEqual(fresh[0]);
    expect(pageOfReply(await h.read(1, 3, 2))).toEqual(next.page(pageOf(0, 1)));
    expect(pageOfReply(await h.read(1, 2, 2))).toEqual(expected);
    // The truncation survives a restart.
    h.restart();
    expect(h.segment.summary()).toMatchObject({ scl: 3, sealedEpoch: 2, appliedEpoch: 2 });
  });

  it('asks for the history when an append comes from an epoch it has not applied', async () => {
    const records = h.writer.mtr([[pageOf(0, 1), leafInit()]]);
    expect(await h.append(records, 1, null)).toMatchObject({ reason: 'epoch-behind' });
    expect(sclOf(await h.append(records, 1, HISTORY_1))).toBe(1);
  });

  it('refuses a record whose crc fails and keeps nothing of the request', async () => {
    const records = h.writer.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 1), cellInsert(0, 'z')]]);
    const bad = Buffer.from(records[1] ?? Buffer.alloc(0));
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(await h.append([records[0] ?? Buffer.alloc(0), bad])).toMatchObject({
      reason: 'corrupt',
    });
    expect(h.segment.scl).toBe(0);
    expect(sclOf(await h.append(records))).toBe(2);
  });

  it('gives recovery an SCL below a record it holds a bad copy of (S10)', async () => {
    // Records 1..3; this segment's copy of 2 goes bad, and no peer has one (none is reachable):
    // a sole copy of a record the writer never got acknowledged. Recovery must not read past 1.
    const records = h.writer.mtr([[pageOf(0, 1), leafInit()]]);
    records.push(...h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'lost')]]));
    records.push(...h.writer.mtr([[pageOf(0, 2), leafInit()]]));
    expect(sclOf(await h.append(records))).toBe(3);
    const byte = (records[1]?.length ?? 0) - 1;
    expect(h.disk.corruptRecord(0, { pageId: pageOf(0, 1), lsn: L(2) }, byte)).toBe(true);
    const read = { kind: 'ReadRecordsRequest', group: 0, epoch: 1, bytesMax: 1 << 20 } as const;
    const found = await h.send({ ...read, afterLsn: L(1), upToLsn: L(3) });
    expect(found).toMatchObject({ kind: 'Refused', reason: 'corrupt' });
    expect(await h.send({ kind: 'SclRequest', group: 0, epoch: 2 })).toMatchObject({
      kind: 'SclReply',
      scl: 1,
    });
    const chain = { kind: 'ChainRequest', group: 0, epoch: 2, entriesMax: 100 } as const;
    const entries = await h.send({ ...chain, afterLsn: L(0), upToLsn: L(3) });
    expect(entries).toMatchObject({ kind: 'ChainReply', entries: [{ lsn: 1 }] });
    // Recovery cuts at 1: the bad copy goes with the truncation, and the SCL is the chain's again.
    const history = [...HISTORY_1, { epoch: 2, startLsn: L(1) }];
    expect(await h.send({ kind: 'TruncateRequest', group: 0, epoch: 2, history })).toMatchObject({
      kind: 'TruncateReply',
      scl: 1,
    });
    expect(h.segment.scl).toBe(1);
    expect(await h.send({ kind: 'SclRequest', group: 0, epoch: 3 })).toMatchObject({ scl: 1 });
  });

  it('folds exactly the listed chain into runs, reading none of its tail run (S12)', async () => {
    let unread = 0; // probes that left entries of the tail run unread
    for (let seed = 1; seed <= 30; seed++) {
      const random = prng(seed);
      h = new Harness();
      const payload = { kind: 'page-write', offset: 64, bytes: Buffer.from('x') } as const;
      const batches: Buffer[][] = [[]];
      let group = 0;
      for (let i = 0; i < 300; i++) {
        if (random() < 0.05) group = 1 - group;
        const record = h.writer.record(pageOf(group, 1), payload, random() < 0.2);
        if (group === 0) batches.at(-1)?.push(record);
        if (random() < 0.1) batches.push([]);
      }
      batches.sort(() => random() - 0.5); // holes, pending records, then the links
      for (const batch of batches) {
        if (batch.length > 0) expect((await h.append(batch)).kind).toBe('AppendReply');
        if (random() < 0.1) h.restart(); // the tail run comes back from the metadata
      }
      if (random() < 0.5) {
        const cut = L(Math.floor(random() * 300));
        const history = [...HISTORY_1, { epoch: 2, startLsn: cut }];
        expect((await h.send({ kind: 'TruncateRequest', group: 0, epoch: 2, history })).kind)
          .toBe('TruncateReply');
        if (random() < 0.5) h.restart();
      }
      let indexRead = 0;
      const inner = h.store.segment(0);
      const watched = Object.assign(Object.create(inner) as SegmentStore, {
        *index(after: Lsn, upTo: Lsn) {
          for (const e of inner.index(after, upTo)) {
            indexRead++;
            yield e;
          }
        },
      });
      const segment = new Segment(watched, log);
      const scl = segment.scl;
      for (let probe = 0; probe < 10; probe++) {
        const after = L(Math.floor(random() * (scl + 1)));
        const upTo = L(random() < 0.5 ? scl : after + Math.floor(random() * (scl - after + 1)));
        const ask = { group: 0, epoch: 2, afterLsn: after, upToLsn: upTo } as const;
        const list = { kind: 'ChainRequest', ...ask, entriesMax: 1e6 } as const;
        const listed = await segment.processMessage(list);
        assert(listed.kind === 'ChainReply');
        indexRead = 0;
        const runs = await readAllRuns(segment, ask, 1 + Math.floor(random() * 4));
        expect(runs.runs, `seed ${seed}`).toEqual(chainRunsOf(listed.entries));
        expect(runs.baseLsn, `seed ${seed}`).toBe(listed.baseLsn);
        const known = segment.chain.tailRun;
        if (known !== undefined && known.cpl <= upTo) {
          // Only entries below the known tail run are read (one more for each reply cut short,
          // read again by the next): none of the run itself.
          const below = listed.entries.filter((e) => e.lsn < known.start).length;
          expect(indexRead, `seed ${seed}`).toBeLessThanOrEqual(below + runs.requests - 1);
        }
        if (indexRead < listed.entries.length) unread++;
      }
    }
    expect(unread).toBeGreaterThan(50); // 100 of the 300 with these seeds
  });

  it('answers a chain that is one long run in one step, reading no index entry (S12)', async () => {
    const records: Buffer[] = [];
    for (let i = 0; i < 5_000; i++) {
      const change = { kind: 'page-write', offset: 64, bytes: Buffer.from('y') } as const;
      records.push(h.writer.record(pageOf(0, 1), change, i === 4_000));
    }
    expect(sclOf(await h.append(records))).toBe(5_000);
    h.restart();
    const inner = h.store.segment(0);
    let indexRead = 0;
    const watched = Object.assign(Object.create(inner) as SegmentStore, {
      *index(after: Lsn, upTo: Lsn) {
        for (const e of inner.index(after, upTo)) {
          indexRead++;
          yield e;
        }
      },
    });
    const segment = new Segment(watched, log);
    indexRead = 0;
    const ask = { group: 0, epoch: 1, afterLsn: L(100), upToLsn: L(5_000), runsMax: 1 } as const;
    const reply = await segment.processMessage({ kind: 'ChainRunsRequest', ...ask });
    const expected = {
      kind: 'ChainRunsReply',
      baseLsn: 100,
      runs: [{ first: 101, last: 5_000, cpl: 4_001 }],
      more: false,
    };
    expect(reply).toEqual(expected);
    expect(indexRead).toBe(0);

    // Metadata from before the tail run was kept (version 4): the same answer, read.
    const group = h.disk.groups.get(0);
    assert(group?.meta !== undefined);
    group.meta = { ...group.meta, scl: L(4_990), tailRun: undefined };
    const old = new Segment(watched, log);
    expect(old.chain.tailRun).toEqual({ start: 4_991, cpl: 0 }); // from the records it re-linked
    indexRead = 0;
    expect(await old.processMessage({ kind: 'ChainRunsRequest', ...ask })).toEqual(expected);
    expect(indexRead).toBe(4_990 - 100); // all of the chain below the run it re-linked
  });

  it('stops acknowledging after a store failure until restarted (sticky error)', async () => {
    await h.append(h.writer.mtr([[pageOf(0, 1), leafInit()]]));
    h.store.failWrites(1);
    const second = h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'x')]]);
    expect(await h.append(second)).toMatchObject({ reason: 'store-failed' });
    expect(h.segment.failed).toBe(true);
    expect(await h.append(second)).toMatchObject({ reason: 'store-failed' });
    expect(await h.read(1, 1)).toMatchObject({ reason: 'store-failed' });
    h.restart();
    expect(sclOf(await h.append(second))).toBe(2);
  });

  it('recovers SCL and holes after a restart; a crash loses unsynced writes', async () => {
    const a = h.writer.mtr([[pageOf(0, 1), leafInit()]]);
    const b = h.writer.mtr([[pageOf(0, 1), cellInsert(0, 'b')]]);
    const c = h.writer.mtr([[pageOf(0, 1), cellInsert(1, 'c')]]);
    await h.append([...a, ...c]);
    h.restart();
    expect(h.segment.scl).toBe(1);
    expect(sclOf(await h.append(b))).toBe(3);
    // A write that has not been synced when the store crashes is lost, and never acknowledged.
    const d = h.writer.mtr([[pageOf(0, 1), cellInsert(2, 'd')]]);
    const pending = h.append(d);
    await Promise.resolve();
    h.store.crash();
    expect(await pending).toMatchObject({ reason: 'store-failed' });
    h.restart();
    expect(h.segment.scl).toBe(3);
  });
});

describe('Segment usage count (S9)', () => {
  /** Two segments of group 0 that gossip with each other, with a wall clock the test moves. */
  function pair() {
    let wall = 1_000_000;
    const clock: Clock = { ...systemClock, wallNow: () => wall };
    const stores = [new MemoryNodeStore(new MemoryDisk(), systemClock),
      new MemoryNodeStore(new MemoryDisk(), systemClock)];
    const segments: Segment[] = [];
    const sendToPeer: PeerSend = (address, request) => {
      const peer = segments[address === 'a' ? 0 : 1] as Segment;
      if (request.kind !== 'GossipRequest') throw new Error(`unexpected ${request.kind}`);
      return peer.processMessage(request);
    };
    for (const [i, store] of stores.entries()) {
      segments.push(new Segment(store.segment(0), log, {
        clock, retentionMs: 10, peers: () => [i === 0 ? 'b' : 'a'], sendToPeer,
      }));
    }
    return {
      a: segments[0] as Segment,
      b: segments[1] as Segment,
      tick: (ms: number) => {
        wall += ms;
      },
    };
  }

  function append(segment: Segment, records: Buffer[], vdl: Lsn) {
    return segment.processMessage({
      kind: 'AppendRequest', group: 0, epoch: 1, vdlHint: vdl, readFloor: vdl, records,
      history: HISTORY_1,
    });
  }

  async function expectCounted(segment: Segment): Promise<void> {
    await segment.drain();
    const counted = segment.store.usage();
    expect(counted.records).toBeGreaterThan(0);
    expect(counted.images).toBeGreaterThan(0);
    expect(segment.status()).toMatchObject({
      records: counted.records,
      recordBytes: counted.recordBytes,
      bytes: counted.recordBytes + counted.imageBytes,
    });
    await segment.saveUsage(); // U4: what it would persist is what the store holds
    expect(segment.store.meta()?.usage).toEqual(counted);
  }

  it('follows collection and image installs without counting the segment again', async () => {
    const { a, b, tick } = pair();
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const pages = [1, 2, 3].map((n) => pageOf(0, n));
    const first = writer.mtr(pages.map((p) => [p, leafInit()]));
    await append(a, first, writer.lastLsn);
    await append(b, first, writer.lastLsn); // b holds only these, then misses the rest
    for (let round = 0; round < 12; round++) {
      for (const [i, page] of pages.entries()) {
        const records = writer.mtr([
          [page, cellInsert(0, `r${round}-${i}`.repeat(1 + (round % 4)))],
          [page, { kind: 'cell-replace', slot: 0, cell: Buffer.alloc(round * 3, round) }],
          [page, cellInsert(1, `s${round}`)],
        ]);
        await append(a, records, writer.lastLsn);
      }
      // Reads that apply 16 records or more leave page images behind (coalescing), some of
      // which collection then removes and some of which it overwrites.
      if (round % 3 === 2) for (const page of pages) await a.processMessage(readOf(page, writer));
      tick(5);
    }
    await expectCounted(a);
    tick(1_000);
    // Collection reaches the record before this one: pages 2 and 3 end there, and their images
    // from the last reads lie exactly at their last records (collection writes over them).
    await append(a, writer.mtr([[pageOf(0, 1), cellInsert(0, 'late')]]), writer.lastLsn);
    tick(20);
    const images = pages.map((p) => a.store.pageImage(p, L(writer.lastLsn - 1))?.lsn);
    await a.maintenance.collect();
    expect(a.gcLsn).toBe(writer.lastLsn - 1);
    expect(pages.map((p) => a.store.pageImage(p, a.gcLsn)?.lsn).slice(1)).toEqual(images.slice(1));
    expect(a.gcLsn).toBeGreaterThan(0);
    await expectCounted(a);
    expect(a.status().records).toBeLessThan(writer.lastLsn);
    // b is below a's GC point: it takes a's images, drops its own records, then gossips the rest.
    for (let i = 0; i < 20 && b.scl < a.scl; i++) await b.maintenance.gossipRound();
    expect(b.scl).toBe(a.scl);
    expect(b.gcLsn).toBe(a.gcLsn);
    await expectCounted(b);
  });
});

describe('Segment usage checkpoint (usage.ts U5)', () => {
  it('writes its counts once idle for USAGE_CHECKPOINT_IDLE_MS, not while writing', async () => {
    let now = 0;
    const timers: { at: number; fn: () => void; live: boolean }[] = [];
    const clock: Clock = {
      ...systemClock,
      now: () => now,
      setTimer: (fn, delayMs) => {
        const timer = { at: now + delayMs, fn, live: true };
        timers.push(timer);
        return { cancel: () => (timer.live = false) };
      },
    };
    const live = (): number => timers.filter((t) => t.live).length;
    const advance = async (ms: number): Promise<void> => {
      now += ms;
      for (const t of timers.filter((x) => x.live && x.at <= now)) {
        t.live = false;
        t.fn();
      }
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const store = new MemoryNodeStore(new MemoryDisk(), systemClock);
    const segment = new Segment(store.segment(0), log, { clock });
    const writer = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const append = (records: Buffer[]) => segment.processMessage({
      kind: 'AppendRequest', group: 0, epoch: 1, vdlHint: writer.lastLsn, readFloor: L(0),
      records, history: HISTORY_1,
    });
    await append(writer.mtr([[pageOf(0, 1), leafInit()]]));
    expect(store.segment(0).meta()?.usage).toBeUndefined(); // appends carry no counts
    await advance(600);
    await append(writer.mtr([[pageOf(0, 1), cellInsert(0, 'a')]]));
    await advance(500); // the first timer: only 500 ms since the last write
    expect(store.segment(0).meta()?.usage).toBeUndefined();
    await advance(500);
    expect(store.segment(0).meta()?.usage).toEqual(store.segment(0).usage());
    expect(store.segment(0).meta()?.usage?.records).toBe(2);
    expect(live()).toBe(0); // nothing more while nothing changes
    segment.retire();
  });
});

function readOf(page: PageId, writer: TestWriter): SegmentRequest {
  return { kind: 'ReadPageRequest', group: 0, epoch: 1, pageId: page, readPoint: writer.lastLsn };
}

describe('Segment: lazy truncation for a new epoch (V1–V4)', () => {
  /** Epoch 1: `kept` records, then `lost` more that never became durable, over pages 1..8. */
  async function epochOneAppended(h: Harness, kept: number, lost: number): Promise<void> {
    const all = epochOne(h.writer, kept + lost);
    for (let i = 0; i < all.length; i += 1000) {
      expect(sclOf(await h.append(all.slice(i, i + 1000)))).toBe(Math.min(i + 1000, all.length));
    }
    await h.segment.drain(); // background images (S8), some of them above the cut
  }

  /** Seals and truncates for `epoch` with VDL `cut`; the reply's SCL. */
  async function truncate(h: Harness, epoch: number, history: EpochStart[]): Promise<number> {
    await h.send({ kind: 'SclRequest', group: 0, epoch });
    return sclOf(await h.send({ kind: 'TruncateRequest', group: 0, epoch, history }));
  }

  /** Epoch `epoch`'s writer from VDL `cut`, with the pages as the segment serves them there. */
  async function writerAt(h: Harness, epoch: number, cut: number): Promise<TestWriter> {
    const next = new TestWriter({ epoch, vdl: L(cut), groupTails: new Map([[0, L(cut)]]) });
    for (let p = 1; p <= 8; p++) {
      next.pages.set(pageOf(0, p), Buffer.from(pageOfReply(await h.read(p, cut, epoch))));
    }
    return next;
  }

  /** New records on a page of the old timeline and on new pages, at LSNs the old one used. */
  function fresh(next: TestWriter): Buffer[] {
    const records = next.mtr([[pageOf(0, 30), leafInit()], [pageOf(0, 31), leafInit()]]);
    records.push(...next.mtr([[pageOf(0, 2), cellInsert(0, 'new epoch')]]));
    for (let i = 0; i < 5; i++) records.push(...next.mtr([[pageOf(0, 30), cellInsert(i, 'x')]]));
    return records;
  }

  async function purged(h: Harness): Promise<void> {
    for (let i = 0; h.segment.voidedRange !== undefined; i++) {
      if (i > 2_000) throw new Error('the purge did not finish');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await h.segment.drain();
  }

  /** The store `inner`, with `hook` called before each purge write it is given. */
  function onPurge(inner: SegmentStore, hook: (entries: number) => void): SegmentStore {
    const purge: SegmentStore['purge'] = (entries, meta) => {
      const write = inner.purge(entries, meta);
      hook(entries.length);
      return write;
    };
    return Object.assign(Object.create(inner) as SegmentStore, { purge });
  }

  /** The store holds exactly the old timeline up to `cut` and the new records above it. */
  async function expectOnly(h: Harness, cut: number, next: TestWriter, newLsns: number[]) {
    const s = h.store.segment(0);
    const above = [...s.index(L(cut), L(1e9))].map((e) => e.lsn);
    expect(above).toEqual(newLsns);
    const records = s.scanRecords(undefined, 1e9).filter((r) => r.lsn > cut);
    expect(records.map((r) => r.lsn).sort((a, b) => a - b)).toEqual(newLsns);
    expect(s.scanImages(undefined, 1e9).filter((i) => i.lsn > cut)).toEqual([]); // V4
    for (const p of [1, 2, 30, 31]) {
      const reply = await h.read(p, next.lastLsn, next.epoch);
      expect(pageOfReply(reply)).toEqual(next.page(pageOf(0, p)));
    }
    // U4: the counts (kept up to date by the purge, or counted again) are what the store holds.
    for (let i = 0; h.segment.usage.counting; i++) {
      if (i > 2_000) throw new Error('the usage count did not finish');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const usage = s.usage();
    expect(h.segment.status()).toMatchObject({
      records: usage.records,
      recordBytes: usage.recordBytes,
      bytes: usage.recordBytes + usage.imageBytes,
    });
  }

  it('writes only metadata, then purges in bounded writes as the new epoch appends', async () => {
    const h = new Harness();
    const cut = 1_000;
    await epochOneAppended(h, cut, 3 * PURGE_BATCH_RECORDS);
    const top = h.writer.lastLsn;
    const images = h.store.segment(0).scanImages(undefined, 1e9);
    expect(images.some((i) => i.lsn > cut)).toBe(true); // void images, for V4
    const batches: number[] = [];
    await h.segment.saveUsage(); // counts in the metadata: the purge must keep them exact
    h.segment.retire();
    h.segment = new Segment(onPurge(h.store.segment(0), (n) => batches.push(n)), log);
    expect(h.segment.usage.counting).toBe(false);
    const history = [...HISTORY_1, { epoch: 2, startLsn: L(cut) }];
    expect(await truncate(h, 2, history)).toBe(cut);
    expect(h.segment.voidedRange).toEqual({ after: cut, upTo: top });
    expect(h.store.segment(0).meta()?.voided).toEqual({ after: cut, upTo: top }); // durable
    expect(await h.read(1, cut + 1, 2)).toMatchObject({ reason: 'incomplete' }); // V3
    const next = await writerAt(h, 2, cut);
    const records = fresh(next);
    expect(sclOf(await h.append(records, 2, null))).toBe(next.lastLsn); // waits for the purge
    await purged(h);
    expect(batches.every((n) => n <= PURGE_BATCH_RECORDS)).toBe(true); // V2: bounded
    expect(batches.reduce((a, b) => a + b, 0)).toBe(top - cut);
    expect(h.segment.usage.counting).toBe(false); // U2: no full count was needed
    await expectOnly(h, cut, next, records.map((_, i) => cut + 1 + i));
    h.restart();
    expect(h.segment.summary()).toMatchObject({ scl: next.lastLsn, appliedEpoch: 2 });
    expect(h.segment.voidedRange).toBeUndefined();
  });

  it('resumes a purge a crash interrupted, and never takes a void key for a new one', async () => {
    const h = new Harness();
    const cut = 500;
    await epochOneAppended(h, cut, 3 * PURGE_BATCH_RECORDS);
    const top = h.writer.lastLsn;
    let calls = 0;
    const store = h.store;
    h.segment.retire();
    h.segment = new Segment(
      onPurge(store.segment(0), () => {
        if (++calls === 2) store.crash(); // the second purge write is never synced
      }),
      log,
    );
    const history = [...HISTORY_1, { epoch: 2, startLsn: L(cut) }];
    expect(await truncate(h, 2, history)).toBe(cut);
    for (let i = 0; !h.segment.failed; i++) {
      if (i > 2_000) throw new Error('the crash did not happen');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    h.restart();
    // The first purge write is durable, the second is not: the rest is still void (V2).
    const voided = h.segment.voidedRange;
    const firstLast = [...h.store.segment(0).index(L(cut), L(top))][0]?.lsn ?? 0;
    expect(voided).toEqual({ after: firstLast - 1, upTo: top });
    expect(firstLast - 1).toBe(cut + PURGE_BATCH_RECORDS);
    expect(h.segment.summary()).toMatchObject({ scl: cut, appliedEpoch: 2 });
    expect(h.segment.status().pendingRecords).toBe(0); // V1: no void record is in the chain
    const next = await writerAt(h, 2, cut);
    const records = fresh(next);
    expect(sclOf(await h.append(records, 2, null))).toBe(next.lastLsn);
    await purged(h);
    await expectOnly(h, cut, next, records.map((_, i) => cut + 1 + i));
  });

  it('merges a second truncation into the range still being purged', async () => {
    const h = new Harness();
    const cut = 300;
    await epochOneAppended(h, cut, 5 * PURGE_BATCH_RECORDS);
    const top = h.writer.lastLsn;
    expect(await truncate(h, 2, [...HISTORY_1, { epoch: 2, startLsn: L(cut) }])).toBe(cut);
    const next = await writerAt(h, 2, cut);
    const records = fresh(next); // 10 records: 301..310, kept up to 305 by epoch 3
    expect(sclOf(await h.append(records, 2, null))).toBe(next.lastLsn);
    expect(h.segment.voidedRange?.after).toBeGreaterThanOrEqual(next.lastLsn);
    const history = [...HISTORY_1, { epoch: 2, startLsn: L(cut) }, { epoch: 3, startLsn: L(305) }];
    expect(await truncate(h, 3, history)).toBe(305);
    expect(h.segment.voidedRange).toEqual({ after: 305, upTo: top }); // V1: merged
    await purged(h);
    const s = h.store.segment(0);
    expect([...s.index(L(cut), L(1e9))].map((e) => e.lsn)).toEqual([301, 302, 303, 304, 305]);
    expect(s.scanImages(undefined, 1e9).filter((i) => i.lsn > cut)).toEqual([]);
    const usage = s.usage();
    expect(h.segment.status()).toMatchObject({ records: usage.records });
  });
});
