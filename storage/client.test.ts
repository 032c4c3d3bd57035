import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientLimits, QuorumStorageClient } from './client.js';
import { systemClock } from './clock.js';
import { StorageError } from './errors.js';
import type { GroupSummary } from './messages.js';
import { StorageNode } from './node.js';
import { LmdbNodeStore } from './segment/lmdb-store.js';
import { type Change, TestWriter, cellInsert, leafInit, pageOf } from './testing/records.js';
import { InProcessTransport } from './transport.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

/** Six LMDB nodes over one data directory, built from the parts, so tests can look inside. */
class Cluster {
  readonly nodes: StorageNode[];
  readonly transport: InProcessTransport;
  readonly clients: QuorumStorageClient[] = [];

  /** `gossipIntervalMs`: how often segments fill their holes from peers (the node's default). */
  constructor(dir: string, gossipIntervalMs?: number) {
    this.nodes = Array.from({ length: 6 }, (_, i) => {
      const path = join(dir, 'storage', `node-${i + 1}`);
      return new StorageNode({
        id: i + 1,
        log,
        openStore: () => Promise.resolve(new LmdbNodeStore(path)),
        ...(gossipIntervalMs === undefined ? {} : { gossipIntervalMs }),
      });
    });
    this.transport = new InProcessTransport(this.nodes, systemClock);
  }

  async start(indexes = [0, 1, 2, 3, 4, 5]): Promise<void> {
    for (const i of indexes) await this.nodes[i]?.start();
  }

  async stop(indexes = [0, 1, 2, 3, 4, 5]): Promise<void> {
    for (const i of indexes) await this.nodes[i]?.stop();
  }

  client(limits: Partial<ClientLimits> = {}): QuorumStorageClient {
    const c = new QuorumStorageClient({ log, transport: this.transport, limits });
    this.clients.push(c);
    return c;
  }

  /** What node `i` knows of group `group` (its SCL and epochs), without sealing anything. */
  async summary(i: number, group = 0): Promise<GroupSummary | undefined> {
    const reply = await this.transport.send(i, { kind: 'ListGroupsRequest' });
    if (reply.kind !== 'ListGroupsReply') throw new Error(reply.kind);
    return reply.groups.find((g) => g.group === group);
  }

  async close(): Promise<void> {
    for (const c of this.clients) await c.close();
    await this.stop();
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('QuorumStorageClient over six LMDB nodes', () => {
  let dir: string;
  let cluster: Cluster;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'borealis-client-'));
    cluster = new Cluster(dir);
    await cluster.start();
  });
  afterEach(async () => {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('forgets records that reached only two segments, and truncates them there later', async () => {
    const first = cluster.client();
    const writer = new TestWriter(await first.open());
    const page = pageOf(0, 1);
    first.ship(writer.mtr([[page, leafInit()], [page, cellInsert(0, 'durable')]]));
    await first.waitDurable(writer.lastLsn);
    const vdl = writer.lastLsn;
    const expected = writer.page(page);
    await cluster.stop([2, 3, 4, 5]);
    first.ship(writer.mtr([[page, cellInsert(1, 'on two only')]]));
    await until(async () => (await cluster.summary(0))?.scl === writer.lastLsn);
    await until(async () => (await cluster.summary(1))?.scl === writer.lastLsn);
    await first.close();

    // The two nodes that hold the extra record are down during recovery.
    await cluster.stop([0, 1]);
    await cluster.start([2, 3, 4, 5]);
    const second = cluster.client();
    const state = await second.open();
    expect(state.vdl).toBe(vdl);
    expect(state.epoch).toBe(2);

    // When they come back, the new writer's first append truncates them before anything else.
    await cluster.start([0, 1]);
    const next = new TestWriter(state);
    next.pages.set(page, Buffer.from(expected));
    second.ship(next.mtr([[page, cellInsert(1, 'new timeline')]]));
    await second.waitDurable(next.lastLsn);
    await until(async () => (await cluster.summary(0))?.appliedEpoch === 2);
    await cluster.stop([2, 3, 4, 5]); // reads can only go to nodes 1 and 2 now
    await until(async () => (await cluster.summary(0))?.scl === next.lastLsn);
    const read = await second.readPage(page, next.lastLsn);
    expect(read.equals(next.page(page))).toBe(true);
  });

  it('keeps records that reached three segments and re-replicates them in recovery', async () => {
    const first = cluster.client({ commitTimeoutMs: 200 });
    const writer = new TestWriter(await first.open());
    const page = pageOf(0, 1);
    first.ship(writer.mtr([[page, leafInit()]]));
    await first.waitDurable(writer.lastLsn);
    await cluster.stop([3, 4, 5]);
    first.ship(writer.mtr([[page, cellInsert(0, 'on three')]]));
    const error = await first.waitDurable(writer.lastLsn).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'quorum-timeout' });
    await first.close();

    await cluster.start([3, 4, 5]);
    const second = cluster.client();
    const state = await second.open();
    // The outcome was unknown; recovery found the record on a read quorum and kept it.
    expect(state.vdl).toBe(writer.lastLsn);
    expect((await second.readPage(page, state.vdl)).equals(writer.page(page))).toBe(true);
    const summaries = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => cluster.summary(i)));
    const scls = summaries.map((s) => s?.scl);
    expect(scls.filter((scl) => scl === writer.lastLsn).length).toBeGreaterThanOrEqual(4);
  });

  it('ignores the void records of segments that missed a recovery (E2)', async () => {
    // Writer 1: two records of group 0 everywhere, then three more on nodes 1 and 2 only.
    const w1 = cluster.client();
    const writer1 = new TestWriter(await w1.open());
    const page0 = pageOf(0, 1);
    w1.ship(writer1.mtr([[page0, leafInit()], [page0, cellInsert(0, 'kept')]]));
    await w1.waitDurable(writer1.lastLsn);
    const page0At2 = writer1.page(page0);
    await cluster.stop([2, 3, 4, 5]);
    const changes = ['v1', 'v2', 'v3'].map((v, i) => [page0, cellInsert(i + 1, v)] as const);
    w1.ship(writer1.mtr(changes));
    await until(async () => (await cluster.summary(0))?.scl === 5);
    await until(async () => (await cluster.summary(1))?.scl === 5);
    await w1.close();

    // Writer 2 recovers without nodes 1 and 2 (VDL 2) and reuses LSNs 3..6 for group 1.
    await cluster.stop([0, 1]);
    await cluster.start([2, 3, 4, 5]);
    const w2 = cluster.client();
    const writer2 = new TestWriter(await w2.open());
    expect(writer2.lastLsn).toBe(2);
    const page1 = pageOf(1, 1);
    const group1 = [0, 1, 2, 3].map(
      (i): Change => [page1, i === 0 ? leafInit() : cellInsert(0, `${i}`)],
    );
    w2.ship(writer2.mtr(group1)); // one batch, so the segments' VDL hint stays 2
    await w2.waitDurable(writer2.lastLsn);
    await w2.close();

    // Writer 3 hears nodes 1 and 2 again: their records 3..5 of group 0 are void.
    await cluster.stop([5]);
    await cluster.start([0, 1]);
    const w3 = cluster.client();
    const state = await w3.open();
    expect(state.epoch).toBe(3);
    expect(state.vdl).toBe(6);
    expect(state.groupTails).toEqual(new Map([[0, 2], [1, 6]]));
    expect((await w3.readPage(page0, state.vdl)).equals(page0At2)).toBe(true);
    expect((await w3.readPage(page1, state.vdl)).equals(writer2.page(page1))).toBe(true);
    expect((await cluster.summary(0, 0))?.scl).toBe(2);
    expect((await cluster.summary(1, 0))?.scl).toBe(2);
  });

  it('is fenced once a newer writer has sealed the segments', async () => {
    const first = cluster.client();
    const writer = new TestWriter(await first.open());
    first.ship(writer.mtr([[pageOf(0, 1), leafInit()]]));
    await first.waitDurable(writer.lastLsn);

    const second = cluster.client();
    const state = await second.open();
    expect(state.epoch).toBe(2);
    first.ship(writer.mtr([[pageOf(0, 1), cellInsert(0, 'zombie')]]));
    const error = await first.waitDurable(writer.lastLsn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kind).toBe('stale-epoch');
    expect(() => first.ship([])).toThrow(StorageError);
    expect((await cluster.summary(0))?.scl).toBe(state.vdl);
  });

  it('fences the old writer out of protection groups the new one has not seen (N3)', async () => {
    const first = cluster.client();
    const writer = new TestWriter(await first.open());
    expect(writer.epoch).toBe(1);
    const second = cluster.client();
    expect((await second.open()).epoch).toBe(2); // an empty volume still gets a new epoch
    first.ship(writer.mtr([[pageOf(2, 1), leafInit()]]));
    const error = await first.waitDurable(writer.lastLsn).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'stale-epoch' });
    expect(await cluster.summary(0, 2)).toBeUndefined();
  });

  it('does not read from a segment that lacks records the writer let go of', async () => {
    // No gossip: the returning segment must keep its hole while the test looks at it (a round
    // could fill it from a peer first under load, and then the read would rightly be served).
    await cluster.close();
    cluster = new Cluster(join(dir, 'no-gossip'), 3_600_000);
    await cluster.start();
    const client = cluster.client({ laggingBytesMax: 4_096 });
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 1);
    client.ship(writer.mtr([[page, leafInit()]]));
    await client.waitDurable(writer.lastLsn);
    await cluster.stop([5]);
    for (let i = 0; i < 100; i++) {
      const bytes = Buffer.alloc(200, i);
      client.ship(writer.mtr([[page, { kind: 'page-write', offset: 1000, bytes }]]));
    }
    await client.waitDurable(writer.lastLsn);
    await cluster.start([5]);
    // The returning segment gets what the writer still holds, above a hole it cannot fill.
    client.ship(writer.mtr([[page, cellInsert(0, 'after')]]));
    await client.waitDurable(writer.lastLsn);
    const lagging = await cluster.summary(5);
    expect(lagging?.scl).toBeLessThan(writer.lastLsn);
    await cluster.stop([0, 1, 2, 3, 4]);
    const error = await client.readPage(page, writer.lastLsn).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable' });
  });

  it('ships through a node restart in the middle of a stream', async () => {
    const client = cluster.client();
    const writer = new TestWriter(await client.open());
    const page = pageOf(0, 4);
    client.ship(writer.mtr([[page, leafInit()]]));
    const waits: Promise<void>[] = [];
    let stopping: Promise<void> | undefined;
    for (let i = 0; i < 50; i++) {
      if (i === 10) stopping = cluster.nodes[2]?.stop();
      if (i === 30) {
        await stopping;
        await cluster.nodes[2]?.start();
      }
      const bytes = Buffer.from(`v${i}`);
      client.ship(writer.mtr([[page, { kind: 'page-write', offset: 64, bytes }]]));
      waits.push(client.waitDurable(writer.lastLsn));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waits);
    await until(async () => (await cluster.summary(2))?.scl === writer.lastLsn);
    expect((await client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(true);
  });
});
