/**
 * Large writes and slow nodes: what a bulk load or an index build does to the storage tier.
 * A commit many windows large streams to each segment (G6) and is not cut off while the quorum
 * keeps persisting it (K4); a read that every segment answers slowly still succeeds (K7); a page
 * the writer never reads back gets images in the background, so materialising it stays cheap
 * (S8). Memory stores and the in-process network, with the real clock; each test takes well
 * under a second.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientLimits, QuorumStorageClient } from './client.js';
import { systemClock } from './clock.js';
import { COALESCE_BACKGROUND_RECORDS, USAGE_SCAN_BATCH } from './config.js';
import { type Lsn, lsn } from './lsn.js';
import type { StorageReply, StorageRequest } from './messages.js';
import { StorageNode } from './node.js';
import { chainRunsOf } from './testing/chain-runs.js';
import { MemoryDisk, MemoryNodeStore } from './segment/memory-store.js';
import { Segment } from './segment/segment.js';
import type { NodeStore, SegmentStore } from './segment/store.js';
import { TestWriter, leafInit, pageOf } from './testing/records.js';
import { InProcessNetwork, type Network, SlotTransport } from './transport.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
const SIX = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Wraps the network: counts append bytes in flight per node, can slow appends and reads. */
class Instrumented implements Network {
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  /** Per node: appends answered one at a time, each this long after the previous. */
  appendDelayMs = 0;
  readDelayMs = 0;
  reads = 0;
  /** Chain requests of either kind (ChainRequest, ChainRunsRequest), and what they listed. */
  chainRequests = 0;
  chainListed = 0;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly inner: Network) {}

  async send(address: string, request: StorageRequest): Promise<StorageReply> {
    if (request.kind === 'ReadPageRequest') {
      this.reads++;
      const reply = await this.inner.send(address, request);
      await sleep(this.readDelayMs);
      return reply;
    }
    if (request.kind === 'ChainRequest' || request.kind === 'ChainRunsRequest') {
      this.chainRequests++;
      const reply = await this.inner.send(address, request);
      if (reply.kind === 'ChainReply') this.chainListed += reply.entries.length;
      if (reply.kind === 'ChainRunsReply') this.chainListed += reply.runs.length;
      return reply;
    }
    if (request.kind !== 'AppendRequest') return this.inner.send(address, request);
    let bytes = 0;
    for (const r of request.records) bytes += r.length;
    const now = (this.inFlight.get(address) ?? 0) + bytes;
    this.inFlight.set(address, now);
    this.maxInFlight.set(address, Math.max(now, this.maxInFlight.get(address) ?? 0));
    const before = this.queues.get(address) ?? Promise.resolve();
    const turn = before.then(() => sleep(this.appendDelayMs));
    this.queues.set(address, turn);
    try {
      await turn;
      return await this.inner.send(address, request);
    } finally {
      this.inFlight.set(address, (this.inFlight.get(address) ?? 0) - bytes);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Cluster {
  readonly network = new InProcessNetwork(systemClock);
  readonly wire = new Instrumented(this.network);
  readonly nodes: StorageNode[] = [];
  readonly disks: MemoryDisk[] = [];
  private client: QuorumStorageClient | undefined;

  async open(limits: Partial<ClientLimits>): Promise<{ c: QuorumStorageClient; w: TestWriter }> {
    for (const [i, address] of SIX.entries()) {
      const disk = new MemoryDisk();
      this.disks.push(disk);
      const node = new StorageNode({
        id: i + 1,
        log,
        openStore: () => Promise.resolve(new MemoryNodeStore(disk, systemClock)),
        network: this.network,
        scrubIntervalMs: 3_600_000,
      });
      this.network.register(address, node);
      this.nodes.push(node);
      await node.start();
    }
    return this.reopen(limits);
  }

  /** A new writer on the same nodes: it recovers the volume first. */
  async reopen(limits: Partial<ClientLimits>): Promise<{ c: QuorumStorageClient; w: TestWriter }> {
    await this.client?.close();
    const transport = new SlotTransport(this.wire, SIX);
    this.client = new QuorumStorageClient({ log, transport, limits });
    return { c: this.client, w: new TestWriter(await this.client.open()) };
  }

  async close(): Promise<void> {
    await this.client?.close();
    for (const n of this.nodes) await n.stop();
  }
}

/** `count` records of about `bytes` each, spread over 50 pages of group 0; the last is a CPL. */
function bulk(w: TestWriter, count: number, bytes: number): Buffer[] {
  const payload = Buffer.alloc(bytes, 0x5a);
  const records: Buffer[] = [];
  for (let p = 1; p <= 50; p++) records.push(...w.mtr([[pageOf(0, p), leafInit()]]));
  for (let i = 0; i < count; i++) {
    const change = { kind: 'page-write', offset: 4096, bytes: payload } as const;
    records.push(w.record(pageOf(0, 1 + (i % 50)), change, i % 10 === 9 || i === count - 1));
  }
  return records;
}

describe('large writes', () => {
  let cluster: Cluster;
  afterEach(async () => {
    await cluster.close();
  });

  it('streams a commit of many windows: never more than a window unanswered (G6)', async () => {
    cluster = new Cluster();
    const window = 64 * 1024;
    const chunk = 16 * 1024;
    const { c, w } = await cluster.open({ appendBatchBytesMax: chunk, appendWindowBytes: window });
    const records = bulk(w, 3_000, 600); // ~1.9 MB: 30 windows
    c.ship(records);
    await c.waitDurable(w.lastLsn);
    expect(c.durableLsn()).toBe(w.lastLsn);
    for (const address of SIX) {
      // A chunk may start while the window is just short of full.
      expect(cluster.wire.maxInFlight.get(address)).toBeLessThanOrEqual(window + chunk);
    }
    const page = pageOf(0, 7);
    expect((await c.readPage(page, w.lastLsn)).equals(w.page(page))).toBe(true);
  });

  it('waits for a commit the quorum persists steadily, however long it takes (K4)', async () => {
    cluster = new Cluster();
    const { c, w } = await cluster.open({
      appendBatchBytesMax: 16 * 1024,
      appendWindowBytes: 32 * 1024,
      commitTimeoutMs: 250,
      requestTimeoutMs: 1_000,
    });
    cluster.wire.appendDelayMs = 25; // each node persists one chunk per 25 ms
    const started = performance.now();
    c.ship(bulk(w, 600, 600)); // ~380 KB: 24 chunks, about 600 ms per node
    await c.waitDurable(w.lastLsn);
    expect(performance.now() - started).toBeGreaterThan(250);

    // No progress at all (three of six down): the same timeout ends the wait.
    for (const n of cluster.nodes.slice(0, 3)) await n.stop();
    cluster.wire.appendDelayMs = 0;
    c.ship(bulk(w, 10, 100));
    const stalled = performance.now();
    const error = await c.waitDurable(w.lastLsn).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'quorum-timeout' });
    expect(performance.now() - stalled).toBeLessThan(1_000);
  });

  it('recovers from a crash mid-commit in one group with one run, one request (R3)', async () => {
    cluster = new Cluster();
    // A writer that stops right after its commit, before it tells the segments the new VDL (K9).
    const first = await cluster.open({ hintIdleMs: 0 });
    const records = bulk(first.w, 2_950, 40); // one commit of 3,000 records, all in group 0
    first.c.ship(records);
    await first.c.waitDurable(first.w.lastLsn);
    const last = first.w.lastLsn;
    const page = pageOf(0, 7);
    const expected = first.w.page(page);
    cluster.wire.chainRequests = 0;
    cluster.wire.chainListed = 0;
    // 3,000 records above the hint, 64 a reply: a listing of them took 47 requests.
    const { c } = await cluster.reopen({ chainRunsMax: 64 });
    expect(c.stats.recoveryChainEntries).toBe(3_000);
    expect(c.stats.recoveryChainRuns).toBe(1);
    expect(cluster.wire.chainRequests).toBe(1);
    expect(cluster.wire.chainListed).toBe(1);
    expect(c.durableLsn()).toBe(last);
    expect((await c.readPage(page, last)).equals(expected)).toBe(true);
  });

  it('reads runs a reply at a time when groups written in turn cut the chains (R3)', async () => {
    cluster = new Cluster();
    const first = await cluster.open({ hintIdleMs: 0 });
    const { w } = first;
    const records = [...w.mtr([[pageOf(0, 1), leafInit()], [pageOf(1, 1), leafInit()]])];
    const payload = Buffer.alloc(40, 0x5a);
    for (let i = 0; i < 600; i++) {
      const change = { kind: 'page-write', offset: 4096, bytes: payload } as const;
      // Two records of group 0, then one of group 1: both chains are cut into 200 runs.
      records.push(w.record(pageOf(i % 3 === 2 ? 1 : 0, 1), change, i % 10 === 9));
    }
    first.c.ship(records);
    await first.c.waitDurable(w.lastLsn);
    const last = w.lastLsn;
    // The segment's runs are its listing's, folded (the same index entries, S10, E2 alike).
    const ask = { group: 0, epoch: 1, afterLsn: lsn(0), upToLsn: last } as const;
    const node = cluster.nodes[2];
    const listed = await node?.handle({ kind: 'ChainRequest', ...ask, entriesMax: 1e6 });
    const runs = await node?.handle({ kind: 'ChainRunsRequest', ...ask, runsMax: 1e6 });
    expect(listed?.kind === 'ChainReply' && runs?.kind === 'ChainRunsReply').toBe(true);
    if (listed?.kind !== 'ChainReply' || runs?.kind !== 'ChainRunsReply') return;
    expect(runs.runs).toEqual(chainRunsOf(listed.entries));
    expect(runs.runs).toHaveLength(201);

    cluster.wire.chainRequests = 0;
    const { c } = await cluster.reopen({ chainRunsMax: 16 });
    expect(c.stats.recoveryChainEntries).toBe(602);
    expect(c.stats.recoveryChainRuns).toBe(402);
    expect(cluster.wire.chainRequests).toBe(13 + 13); // 201 runs a group, 16 a reply
    expect(c.durableLsn()).toBe(last);
    for (const page of [pageOf(0, 1), pageOf(1, 1)]) {
      expect((await c.readPage(page, last)).equals(w.page(page))).toBe(true);
    }
  });

  it('sends the VDL hint alone once idle: a restart reads no chain of it (K9)', async () => {
    cluster = new Cluster();
    const idleMs = 40;
    const first = await cluster.open({ hintIdleMs: idleMs });
    first.c.ship(bulk(first.w, 700, 40)); // one commit of 750 records, all in group 0
    await first.c.waitDurable(first.w.lastLsn);
    const last = first.w.lastLsn;
    const hints = (): (Lsn | undefined)[] =>
      cluster.disks.map((d) => d.groups.get(0)?.meta?.vdlHint);
    // The commit's appends carried the VDL from before it; nothing else is written after it.
    expect(hints().filter((h) => h === last)).toHaveLength(0);
    const idleFrom = performance.now();
    await until(() => hints().every((h) => h === last));
    const learntMs = performance.now() - idleFrom;
    expect(learntMs).toBeGreaterThanOrEqual(idleMs - 5);
    expect(learntMs).toBeLessThan(idleMs + 1_000); // the idle time and one synced write
    expect(first.c.stats.hintRequests).toBe(6);
    // Nothing more while nothing changes.
    const requests = first.c.stats.appendRequests;
    await sleep(idleMs * 5);
    expect(first.c.stats.appendRequests).toBe(requests);

    const page = pageOf(0, 7);
    const expected = first.w.page(page);
    cluster.wire.chainRequests = 0;
    const { c } = await cluster.reopen({ chainRunsMax: 64 });
    expect(c.stats.recoveryChainEntries).toBe(0); // nothing above the hint: the hint is VDL
    expect(cluster.wire.chainRequests).toBe(1); // one group, one request
    expect(c.durableLsn()).toBe(last);
    expect((await c.readPage(page, last)).equals(expected)).toBe(true);
  });

  it('sends no hint of its own while appends go out (K9)', async () => {
    cluster = new Cluster();
    const idleMs = 40;
    const { c, w } = await cluster.open({ hintIdleMs: idleMs });
    const started = performance.now();
    while (performance.now() - started < idleMs * 6) {
      c.ship(w.mtr([[pageOf(0, 1 + (w.lastLsn % 20)), leafInit()]]));
      await c.waitDurable(w.lastLsn);
      await sleep(idleMs / 4);
    }
    expect(c.stats.hintRequests).toBe(0);
    await until(() => c.stats.hintRequests === 6);
  });

  it('takes a page from a segment that answers after the read timeout (K7)', async () => {
    cluster = new Cluster();
    const { c, w } = await cluster.open({ readTimeoutMs: 40, hedgeDelayMinMs: 10 });
    const page = pageOf(0, 3);
    c.ship(w.mtr([[page, leafInit()]]));
    await c.waitDurable(w.lastLsn);
    cluster.wire.readDelayMs = 150; // every segment: slow, not down
    expect((await c.readPage(page, w.lastLsn)).equals(w.page(page))).toBe(true);
    // One hedge at once, then one more per read timeout: not all six at once.
    expect(cluster.wire.reads).toBeLessThanOrEqual(5);
  });
});

describe('background coalescing (S8)', () => {
  it('keeps the records above a page image bounded for a page never read', async () => {
    const store = new MemoryNodeStore(new MemoryDisk(), systemClock);
    const segment = new Segment(store.segment(0), log);
    const w = new TestWriter({ epoch: 1, vdl: lsn(0), groupTails: new Map() });
    const page = pageOf(0, 0);
    const total = 4 * COALESCE_BACKGROUND_RECORDS;
    let records = w.mtr([[page, leafInit()]]);
    for (let i = 0; i < total; i++) {
      const change = { kind: 'page-write', offset: 100, bytes: Buffer.from(`v${i}`) } as const;
      records.push(w.record(page, change, true));
      if (records.length < 64) continue;
      const reply = await segment.processMessage(append(records));
      expect(reply.kind).toBe('AppendReply');
      records = [];
    }
    await segment.processMessage(append(records));
    await sleep(20); // the background turns run, their image writes settle
    await segment.drain();
    const image = store.segment(0).pageImage(page, w.lastLsn);
    expect(image?.lsn).toBeGreaterThan(total - 2 * COALESCE_BACKGROUND_RECORDS);
    const built = segment.materialise(page, w.lastLsn);
    expect(built.kind === 'page' && built.applied).toBeLessThan(COALESCE_BACKGROUND_RECORDS);
    expect(built.kind === 'page' && built.page.equals(w.page(page))).toBe(true);
  });
});

describe('usage count (S9)', () => {
  it('counts a large segment in bounded steps, never in one scan, and gets it right', async () => {
    const store = new MemoryNodeStore(new MemoryDisk(), systemClock);
    const first = new Segment(store.segment(0), log);
    const w = new TestWriter({ epoch: 1, vdl: lsn(0), groupTails: new Map() });
    const total = 3 * USAGE_SCAN_BATCH;
    let bytes = 0;
    for (let i = 0; i < total; i += 1_000) {
      const records = bulk(w, 1_000, 40);
      for (const r of records) bytes += r.length;
      expect((await first.processMessage(append(records))).kind).toBe('AppendReply');
    }
    first.retire();
    // A restarted node: the same store, counted again, with whole scans forbidden.
    const inner = store.segment(0);
    let largestStep = 0;
    const watched = Object.assign(Object.create(inner) as typeof inner, {
      usage: (): never => {
        throw new Error('a full scan in one turn');
      },
      scanRecords: (from: Parameters<typeof inner.scanRecords>[0], limit: number) => {
        largestStep = Math.max(largestStep, limit);
        return inner.scanRecords(from, limit);
      },
    });
    const segment = new Segment(watched, log);
    segment.status();
    await until(() => segment.status().records > 0);
    expect(segment.status()).toMatchObject({ records: w.lastLsn, recordBytes: bytes });
    expect(largestStep).toBeLessThanOrEqual(USAGE_SCAN_BATCH);
  });

  it('is not counted again when its node stops cleanly and starts (U4, U5)', async () => {
    const disk = new MemoryDisk();
    let watched = false;
    const openStore = (): Promise<NodeStore> => {
      const inner = new MemoryNodeStore(disk, systemClock);
      const fail = (): never => {
        throw new Error('a full usage count ran');
      };
      const segment = (group: number): SegmentStore => {
        const store = inner.segment(group);
        if (!watched) return store;
        return Object.assign(Object.create(store) as SegmentStore, {
          usage: fail, scanRecords: fail, scanImages: fail,
        });
      };
      return Promise.resolve({
        groups: () => inner.groups(),
        segment,
        nodeValue: (key: string) => inner.nodeValue(key),
        putNodeValue: (key: string, value: Buffer) => inner.putNodeValue(key, value),
        close: () => inner.close(),
      });
    };
    const node = new StorageNode({ id: 1, log, openStore, background: false });
    await node.start();
    const w = new TestWriter({ epoch: 1, vdl: lsn(0), groupTails: new Map() });
    expect((await node.handle(append(bulk(w, 2_000, 40)))).kind).toBe('AppendReply');
    const read = { kind: 'ReadPageRequest', group: 0, epoch: 1, pageId: pageOf(0, 9) } as const;
    expect((await node.handle({ ...read, readPoint: w.lastLsn })).kind).toBe('ReadPageReply');
    await node.stop();

    watched = true;
    await node.start();
    const reply = await node.handle({ kind: 'StatusRequest' });
    await sleep(20); // a full count's first step would have run by now
    const counted = new MemoryNodeStore(disk, systemClock).segment(0).usage();
    expect(counted.images).toBe(1);
    expect(reply.kind === 'StatusReply' && reply.segments[0]).toMatchObject({
      records: counted.records,
      recordBytes: counted.recordBytes,
      bytes: counted.recordBytes + counted.imageBytes,
      failed: false,
    });
    const again = await node.handle({ kind: 'StatusRequest' });
    expect(again.kind === 'StatusReply' && again.segments[0]?.failed).toBe(false);
    await node.stop();
  });

  it('runs one full count at a time per thread, pausing after each step', async () => {
    const stores: MemoryNodeStore[] = [];
    for (let n = 0; n < 2; n++) {
      const store = new MemoryNodeStore(new MemoryDisk(), systemClock);
      const s = new Segment(store.segment(0), log);
      const w = new TestWriter({ epoch: 1, vdl: lsn(0), groupTails: new Map() });
      for (let i = 0; i < 3 * USAGE_SCAN_BATCH; i += 1_000) {
        expect((await s.processMessage(append(bulk(w, 1_000, 40)))).kind).toBe('AppendReply');
      }
      s.retire();
      stores.push(store);
    }
    const steps: { store: number; at: number }[] = [];
    const segments = stores.map((store, n) => {
      const inner = store.segment(0);
      const watched = Object.assign(Object.create(inner) as typeof inner, {
        scanRecords: (from: Parameters<typeof inner.scanRecords>[0], limit: number) => {
          steps.push({ store: n, at: performance.now() });
          return inner.scanRecords(from, limit);
        },
      });
      return new Segment(watched, log);
    });
    await until(() => segments.every((s) => s.status().records > 0));
    // U1: one count at a time: every step of the first count comes before the second's.
    const order = steps.map((s) => s.store);
    expect(order.length).toBeGreaterThan(6);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('not reached in 5 s');
    await sleep(5);
  }
}

function append(records: Buffer[]): StorageRequest & { kind: 'AppendRequest' } {
  return {
    kind: 'AppendRequest',
    group: 0,
    epoch: 1,
    vdlHint: lsn(0) as Lsn,
    readFloor: lsn(0),
    records,
    history: [{ epoch: 1, startLsn: lsn(0) }],
  };
}
