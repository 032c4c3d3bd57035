/**
 * The storage tier in one process, on memory stores and the in-process network, with the real
 * clock: gossip filling holes the writer can no longer fill, a dead node replaced by an empty one
 * rebuilt while writes go on, the membership found again by the next writer, status rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientLimits, QuorumStorageClient } from './client.js';
import { systemClock } from './clock.js';
import type { Lsn } from './lsn.js';
import { StorageNode } from './node.js';
import { LmdbNodeStore } from './segment/lmdb-store.js';
import { MemoryDisk, MemoryNodeStore } from './segment/memory-store.js';
import type { NodeStore } from './segment/store.js';
import { TestWriter, cellInsert, leafInit, pageOf } from './testing/records.js';
import type { StorageReply, StorageRequest } from './messages.js';
import { InProcessNetwork, type Network, SlotTransport } from './transport.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

interface Timing {
  readonly retentionMs?: number;
  readonly gcIntervalMs?: number;
  /** Nodes that gossip this rarely (ms), not every 15 ms. */
  readonly slowGossip?: { readonly nodes: readonly string[]; readonly intervalMs: number };
}

class Cluster {
  readonly network = new InProcessNetwork(systemClock);
  readonly nodes = new Map<string, StorageNode>();
  readonly disks = new Map<string, MemoryDisk>();
  readonly stores = new Map<string, NodeStore>();
  readonly clients: QuorumStorageClient[] = [];
  private readonly dir: string | undefined;

  constructor(
    private readonly timing: Timing = {},
    readonly kind: 'memory' | 'lmdb' = 'memory',
  ) {
    this.dir = kind === 'lmdb' ? mkdtempSync(join(tmpdir(), 'borealis-cluster-')) : undefined;
  }

  private open(address: string): NodeStore {
    const store =
      this.dir === undefined
        ? new MemoryNodeStore(this.disks.get(address) ?? new MemoryDisk(), systemClock)
        : new LmdbNodeStore(join(this.dir, address));
    this.stores.set(address, store);
    return store;
  }

  node(address: string): StorageNode {
    let node = this.nodes.get(address);
    if (node === undefined) {
      this.disks.set(address, new MemoryDisk());
      const { slowGossip, ...timing } = this.timing;
      const slow = slowGossip?.nodes.includes(address) === true;
      node = new StorageNode({
        id: this.nodes.size + 1,
        log,
        openStore: () => Promise.resolve(this.open(address)),
        network: this.network,
        gossipIntervalMs: slow ? slowGossip.intervalMs : 15,
        scrubIntervalMs: 3_600_000,
        ...timing,
      });
      this.network.register(address, node);
      this.nodes.set(address, node);
    }
    return node;
  }

  async start(addresses: readonly string[]): Promise<void> {
    for (const a of addresses) await this.node(a).start();
  }

  client(
    seeds: readonly string[],
    limits: Partial<ClientLimits> = {},
    network: Network = this.network,
  ): QuorumStorageClient {
    const transport = new SlotTransport(network, seeds);
    const all = { requestTimeoutMs: 200, ...limits };
    const c = new QuorumStorageClient({ log, transport, limits: all });
    this.clients.push(c);
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.clients) await c.close();
    for (const n of this.nodes.values()) await n.stop();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 5_000) {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`${what}: not reached in ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const SIX = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('storage cluster: gossip and membership', () => {
  let cluster: Cluster;
  afterEach(async () => {
    await cluster.close();
  });

  it('fills, by gossip, the records a returning node missed and the writer let go', async () => {
    cluster = new Cluster();
    await cluster.start(SIX);
    const client = cluster.client(SIX, { laggingBytesMax: 2_000 });
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 1);
    client.ship(writer.mtr([[page, leafInit()]]));
    await client.waitDurable(writer.lastLsn);
    await cluster.node('f').stop();
    for (let i = 0; i < 60; i++) client.ship(writer.mtr([[page, cellInsert(i, `row ${i}`)]]));
    await client.waitDurable(writer.lastLsn);
    await cluster.node('f').start();
    client.ship(writer.mtr([[page, cellInsert(0, 'after')]]));
    await client.waitDurable(writer.lastLsn);
    const tail = writer.lastLsn;
    await until('node f complete', async () => {
      const row = (await client.segmentStatus()).find((r) => r.address === 'f');
      return row?.scl === tail && row.lagLsn === 0 && row.pendingRecords === 0;
    });
    // Only f is up besides one other: the page comes from a complete segment.
    for (const a of ['a', 'b', 'c', 'd']) await cluster.node(a).stop();
    expect((await client.readPage(page, tail)).equals(writer.page(page))).toBe(true);
  });

  it('sees segments it could not catch up filled by gossip (recovery waits on them)', async () => {
    // e and f gossip only every 400 ms, so the new writer's repair reaches them still behind:
    // it cannot send what they lack (no writer holds it), only gossip can. The writer must ask
    // them again to see them complete; before, recovery then waited forever on a quorum that
    // was already there (conformance "a zone lost": no progress in 30000 ms).
    cluster = new Cluster({ slowGossip: { nodes: ['e', 'f'], intervalMs: 400 } });
    await cluster.start(SIX);
    const first = cluster.client(SIX, { commitTimeoutMs: 200 });
    const writer = new TestWriter(await first.open());
    const page = pageOf(0, 1);
    first.ship(writer.mtr([[page, leafInit()]]));
    await first.waitDurable(writer.lastLsn);
    await cluster.node('e').stop();
    await cluster.node('f').stop();
    for (let i = 0; i < 30; i++) first.ship(writer.mtr([[page, cellInsert(i, `row ${i}`)]]));
    await first.waitDurable(writer.lastLsn); // on a, b, c, d
    await cluster.node('d').stop();
    first.ship(writer.mtr([[page, cellInsert(0, 'on three')]])); // a, b, c: outcome unknown
    const error = await first.waitDurable(writer.lastLsn).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'quorum-timeout' });
    await first.close();

    await cluster.node('a').stop();
    await cluster.start(['d', 'e', 'f']);
    const second = cluster.client(SIX, { commitTimeoutMs: 3_000 });
    const state = await second.open();
    expect(state.epoch).toBe(2);
    expect((await second.readPage(page, state.vdl)).equals(writer.page(page))).toBe(true);
    const rows = (await second.segmentStatus()).filter((r) => r.group === 0 && r.reachable);
    expect(rows.filter((r) => r.scl === state.vdl).length).toBeGreaterThanOrEqual(4);
    expect(second.stats.probeRequests).toBeGreaterThan(0);
  });

  it('rebuilds an empty node that replaces a dead one while writes go on', async () => {
    cluster = new Cluster();
    await cluster.start([...SIX, 'spare']);
    const client = cluster.client(SIX);
    const writer = new TestWriter(await client.open());
    const pages = [pageOf(0, 1), pageOf(1, 1), pageOf(2, 7)];
    client.ship(writer.mtr(pages.map((p) => [p, leafInit()])));
    for (let i = 0; i < 30; i++) {
      client.ship(writer.mtr([[pages[i % 3] ?? pages[0] ?? pageOf(0, 1), cellInsert(0, `v${i}`)]]));
    }
    await client.waitDurable(writer.lastLsn);
    await cluster.node('c').stop(); // c is lost for good
    const m = await client.replaceNode(2, 'spare');
    expect(m).toMatchObject({ version: 2, joining: [2] });
    expect(m.nodes[2]).toMatchObject({ address: 'spare' });
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      client.ship(writer.mtr([[pages[i % 3] ?? pageOf(0, 1), cellInsert(1, `w${i}`)]]));
      waits.push(client.waitDurable(writer.lastLsn));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(waits);
    await until('slot 2 rebuilt', () => client.membership?.joining.length === 0);
    const rows = (await client.segmentStatus()).filter((r) => r.slot === 2);
    expect(rows.length).toBe(3);
    for (const row of rows) expect(row).toMatchObject({ address: 'spare', lagLsn: 0 });
    await client.close();

    // The next writer is given the old seed list: it finds the new membership on the nodes,
    // and every page is still there, readable from the rebuilt node alone with two others.
    const next = cluster.client(SIX);
    const state = await next.open();
    expect(state.vdl).toBe(writer.lastLsn);
    expect(next.membership).toMatchObject({ version: 3, joining: [] });
    for (const a of ['a', 'b', 'd']) await cluster.node(a).stop();
    for (const p of pages) {
      expect((await next.readPage(p, state.vdl)).equals(writer.page(p))).toBe(true);
    }
  });

  it('rebuilds a node wiped and restarted at its address under a running writer', async () => {
    cluster = new Cluster();
    await cluster.start(SIX);
    const client = cluster.client(SIX, { identityCheckMs: 30 });
    const writer = new TestWriter(await client.open());
    const tail = shipKept(client, writer);
    await client.waitDurable(tail);
    await cluster.node('b').stop();
    cluster.nodes.delete('b');
    await cluster.start(['b']); // an empty node, a new identity, the same address
    await until('b joining', () => client.membership?.joining.includes(1) === true);
    await until('b rebuilt', () => client.membership?.joining.length === 0);
    const row = (await client.segmentStatus()).find((r) => r.slot === 1 && r.group === 0);
    expect(row).toMatchObject({ scl: tail, lagLsn: 0 });
  });

  it('finds all the slots of the membership from fewer seeds', async () => {
    cluster = new Cluster();
    const eight = [...SIX, 'g', 'h'];
    await cluster.start(eight);
    const first = cluster.client(eight);
    const writer = new TestWriter(await first.open());
    for (let g = 0; g < 8; g++) first.ship(writer.mtr([[pageOf(g, 1), leafInit()]]));
    await first.waitDurable(writer.lastLsn);
    await first.close();
    const second = cluster.client(['h', 'g', 'a', 'b', 'c', 'd']);
    const state = await second.open();
    expect(state.vdl).toBe(writer.lastLsn);
    expect(second.membership?.nodes.map((n) => n.address)).toEqual(eight);
    for (let g = 0; g < 8; g++) {
      const page = await second.readPage(pageOf(g, 1), state.vdl);
      expect(page.equals(writer.page(pageOf(g, 1)))).toBe(true);
    }
  });

  it('counts a node that came back empty under its old address as joining (M1)', async () => {
    cluster = new Cluster();
    await cluster.start(SIX);
    const first = cluster.client(SIX);
    const writer = new TestWriter(await first.open());
    shipKept(first, writer);
    await first.waitDurable(writer.lastLsn);
    await first.close();
    // Node e loses its disk and starts afresh at the same address, with a new identity.
    await cluster.node('e').stop();
    cluster.nodes.delete('e');
    await cluster.start(['e']);
    const second = cluster.client(SIX);
    const state = await second.open();
    expect(state.vdl).toBe(writer.lastLsn);
    expect(second.membership?.joining).toEqual([4]);
    await until('e rebuilt', () => second.membership?.joining.length === 0);
  });
});

function shipKept(c: QuorumStorageClient, writer: TestWriter): Lsn {
  const page = pageOf(0, 3);
  c.ship(writer.mtr([[page, leafInit()], [page, cellInsert(0, 'kept')]]));
  return writer.lastLsn;
}

describe.each(['memory', 'lmdb'] as const)('storage cluster on %s: GC and scrub', (kind) => {
  let cluster: Cluster;
  afterEach(async () => {
    await cluster.close();
  });

  it('folds records older than the retention window into page images', async () => {
    cluster = new Cluster({ retentionMs: 40, gcIntervalMs: 20 }, kind);
    await cluster.start(SIX);
    const client = cluster.client(SIX);
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 1);
    client.ship(writer.mtr([[page, leafInit()]]));
    for (let i = 0; i < 40; i++) client.ship(writer.mtr([[page, cellInsert(i, `old ${i}`)]]));
    await client.waitDurable(writer.lastLsn);
    const old = writer.lastLsn;
    const pageAtOld = writer.page(page);
    await new Promise((resolve) => setTimeout(resolve, 60)); // older than the window now
    await cluster.node('f').stop(); // f misses the collection, and later records
    for (let i = 0; i < 5; i++) client.ship(writer.mtr([[page, cellInsert(0, `new ${i}`)]]));
    await client.waitDurable(writer.lastLsn);
    await until('collected', async () => {
      const rows = (await client.segmentStatus()).filter((r) => r.reachable);
      return rows.every((r) => (r.gcLsn ?? 0) >= old);
    });
    const rows = (await client.segmentStatus()).filter((r) => r.reachable);
    for (const row of rows) expect(row.records).toBeLessThan(10);
    expect((await client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(true);
    // Below the GC point that version of the page is gone everywhere: no wrong page, an error.
    await expect(client.readPage(page, (old - 10) as Lsn)).rejects.toMatchObject({
      kind: 'unavailable',
    });
    // f comes back below its peers' GC point: it takes their page images and catches up.
    await cluster.node('f').start();
    await until('f caught up', async () => {
      const row = (await client.segmentStatus()).find((r) => r.address === 'f');
      return row?.lagLsn === 0 && (row.gcLsn ?? 0) >= old;
    });
    for (const a of ['a', 'b', 'c', 'd']) await cluster.node(a).stop();
    expect((await client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(true);
    expect(pageAtOld.equals(writer.page(page))).toBe(false);
  });

  it('keeps what the writer may still read: nothing below its read floor goes', async () => {
    cluster = new Cluster({ retentionMs: 1, gcIntervalMs: 10 }, kind);
    await cluster.start(SIX);
    const client = cluster.client(SIX);
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 1);
    client.ship(writer.mtr([[page, leafInit()]]));
    await client.waitDurable(writer.lastLsn);
    const floor = writer.lastLsn;
    const pageAtFloor = writer.page(page);
    client.setReadFloor(floor);
    for (let i = 0; i < 20; i++) client.ship(writer.mtr([[page, cellInsert(i, `r${i}`)]]));
    await client.waitDurable(writer.lastLsn);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const rows = await client.segmentStatus();
    for (const row of rows) expect(row.gcLsn ?? 0).toBeLessThanOrEqual(floor);
    expect((await client.readPage(page, floor)).equals(pageAtFloor)).toBe(true);
  });

  it('scrubs every record, and repairs a flipped byte from a peer', async () => {
    cluster = new Cluster({}, kind);
    await cluster.start(SIX);
    const client = cluster.client(SIX);
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 2);
    client.ship(writer.mtr([[page, leafInit()], [page, cellInsert(0, 'precious')]]));
    await client.waitDurable(writer.lastLsn);
    const key = { pageId: page, lsn: writer.lastLsn };
    // Durable is four of six: c may be one of the two still writing it.
    await until('c holds the record', () =>
      cluster.stores.get('c')?.segment(0).record(page, writer.lastLsn) !== undefined);
    const good = cluster.stores.get('c')?.segment(0).record(page, writer.lastLsn);
    expect(good).toBeDefined();
    const bad = Buffer.from(good ?? Buffer.alloc(0));
    bad[40] = (bad[40] ?? 0) ^ 0xff;
    await cluster.stores.get('c')?.segment(0).putRecord(key, bad); // a bad sector, as it were
    const reply = await cluster.network.send('c', { kind: 'ScrubRequest' });
    expect(reply).toMatchObject({ kind: 'ScrubReply', corrupt: 1, repaired: 1 });
    const again = await cluster.network.send('c', { kind: 'ScrubRequest' });
    expect(again).toMatchObject({ kind: 'ScrubReply', corrupt: 0 });
    const row = (await client.segmentStatus()).find((r) => r.address === 'c');
    expect(row).toMatchObject({ corruptFound: 1, repairs: 1 });
    expect(row?.lastScrubMs).toBeGreaterThan(0);
    for (const a of ['a', 'b', 'd', 'e']) await cluster.node(a).stop();
    expect((await client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(true);
  });
});

/** The cluster's network, with page reads from some addresses held back (a slow segment). */
class SlowReads implements Network {
  readonly slow = new Map<string, number>();
  constructor(private readonly inner: Network) {}

  async send(address: string, request: StorageRequest): Promise<StorageReply> {
    const reply = await this.inner.send(address, request);
    const delayMs = request.kind === 'ReadPageRequest' ? this.slow.get(address) : undefined;
    if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return reply;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('storage cluster: reads', () => {
  let cluster: Cluster;
  afterEach(async () => {
    await cluster.close();
  });

  it('hedges a slow read to a second segment and then prefers the fast ones (K7)', async () => {
    cluster = new Cluster();
    await cluster.start(SIX);
    const network = new SlowReads(cluster.network);
    const client = cluster.client(SIX, { hedgeDelayMinMs: 10, readTimeoutMs: 2_000 }, network);
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 1);
    client.ship(writer.mtr([[page, leafInit()], [page, cellInsert(0, 'hedged')]]));
    await client.waitDurable(writer.lastLsn);
    network.slow.set('a', 400);
    const started = performance.now();
    expect((await client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(true);
    expect(performance.now() - started).toBeLessThan(300);
    expect(client.stats.hedgedReads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 450)); // a's late answer is measured
    for (let i = 0; i < 5; i++) await client.readPage(page, writer.lastLsn);
    expect(client.stats.hedgedReads).toBe(1);
  });

  it('moves on at once when a segment refuses or fails a read', async () => {
    cluster = new Cluster();
    await cluster.start(SIX);
    const client = cluster.client(SIX);
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 1);
    client.ship(writer.mtr([[page, leafInit()]]));
    await client.waitDurable(writer.lastLsn);
    await cluster.node('a').stop();
    expect((await client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(true);
    expect(client.stats.readRetries).toBeGreaterThanOrEqual(1);
    expect(client.stats.hedgedReads).toBe(0);
  });
});
