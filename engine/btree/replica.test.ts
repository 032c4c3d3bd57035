/**
 * The read replica's page layer (replica.ts, R1–R8) against a writer it is tapped onto (L9):
 * after every advance the replica reads exactly the committed state at its VDL, and snapshots
 * held across advances read their own LSN's state, through splits, overflow chains, dropped and
 * created trees, and a 16-page pool that evicts all the time; its cached pages are byte for byte
 * storage's pages at its VDL; a page whose load is in flight while records for it pass is brought
 * forward when it lands; and every write method is refused with ER_OPTION_PREVENTS_STATEMENT.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  type Lsn,
  type PageId,
  StorageError,
  pageId,
} from '../../storage/index.js';
import { SqlError } from '../errors.js';
import { Prng } from '../testing/prng.js';
import type { KeyRange, Mtr, Snapshot } from './api.js';
import { type ReplicaPageSource, type ReplicaTrees, openReplicaTrees } from './replica.js';
import { MemoryStorage, MemoryStorageClient } from './testing.js';
import { type OpenTrees, openTrees } from './trees.js';

const log = pino({ level: 'silent' });

const key = (n: number): Buffer => Buffer.from(n.toString().padStart(6, '0'));

/** A stored value: 0x00 then the bytes, or 0x01, u32 first page, u32 length (overflow). */
function inline(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0]), bytes]);
}

function reference(first: PageId, length: number): Buffer {
  const ref = Buffer.alloc(9);
  ref[0] = 1;
  ref.writeUInt32BE(first, 1);
  ref.writeUInt32BE(length, 5);
  return ref;
}

/** What a tree holds per key (hex): the stored bytes and the logical value. */
interface Cell {
  readonly stored: Buffer;
  readonly value: Buffer;
}
type Model = Map<PageId, Map<string, Cell>>;

function copyModel(model: Model): Model {
  return new Map([...model].map(([root, cells]) => [root, new Map(cells)]));
}

/** The logical value of a stored one, following an overflow reference on the replica. */
async function logical(replica: ReplicaTrees, stored: Buffer, at?: Snapshot): Promise<Buffer> {
  if (stored[0] === 0) return stored.subarray(1);
  return replica.readOverflow(pageId(stored.readUInt32BE(1)), stored.readUInt32BE(5), at);
}

async function scanned(
  replica: ReplicaTrees,
  root: PageId,
  range: KeyRange,
  at?: Snapshot,
): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of replica.scan(root, range, at)) {
    for (const e of batch) {
      out.push(`${e.key.toString('hex')}=${(await logical(replica, e.value, at)).toString('hex')}`);
    }
  }
  return out;
}

function expected(cells: Map<string, Cell>, range: KeyRange): string[] {
  const inRange = (hex: string): boolean => {
    const { lower, upper } = range;
    const k = Buffer.from(hex, 'hex');
    if (lower !== undefined) {
      const c = Buffer.compare(k, lower.key);
      if (c < 0 || (c === 0 && !lower.inclusive)) return false;
    }
    if (upper !== undefined) {
      const c = Buffer.compare(k, upper.key);
      if (c > 0 || (c === 0 && !upper.inclusive)) return false;
    }
    return true;
  };
  const list = [...cells.keys()]
    .filter(inRange)
    .sort()
    .map((hex) => `${hex}=${(cells.get(hex) as Cell).value.toString('hex')}`);
  return range.reverse === true ? list.reverse() : list;
}

/** Every key of every tree of `model`, read on the replica (at `at`, or at its VDL). */
async function verify(
  replica: ReplicaTrees,
  model: Model,
  prng: Prng,
  at?: Snapshot,
): Promise<void> {
  for (const [root, cells] of model) {
    expect(await scanned(replica, root, {}, at)).toEqual(expected(cells, {}));
    expect(await scanned(replica, root, { reverse: true }, at)).toEqual(
      expected(cells, { reverse: true }),
    );
    for (let i = 0; i < 2; i++) {
      const a = key(prng.int(400));
      const b = key(prng.int(400));
      const [low, high] = Buffer.compare(a, b) <= 0 ? [a, b] : [b, a];
      const range: KeyRange = {
        lower: { key: low, inclusive: prng.next() < 0.5 },
        upper: { key: high, inclusive: prng.next() < 0.5 },
        reverse: i === 1,
      };
      expect(await scanned(replica, root, range, at)).toEqual(expected(cells, range));
    }
    for (const [hex, cell] of cells) {
      const k = Buffer.from(hex, 'hex');
      expect((await replica.get(root, k, at))?.equals(cell.stored)).toBe(true);
      // Without waiting: the same answer whenever the pages are in memory.
      const now = at === undefined ? replica.latestCached(root, k) : replica.getCached(root, k, at);
      if (now !== undefined) expect(now?.equals(cell.stored)).toBe(true);
    }
    expect(await replica.get(root, key(1000 + prng.int(100)), at)).toBeUndefined();
  }
}

/** R1 and applyRedo's A1: each cached replica page is storage's page at the replica's VDL. */
async function expectByteIdentity(replica: ReplicaTrees, client: MemoryStorageClient) {
  const frames = [...replica.pool.cached()].map(([id, bytes]) => [id, Buffer.from(bytes)] as const);
  expect(frames.length).toBeGreaterThan(0);
  for (const [id, bytes] of frames) {
    expect((await client.readPage(id, replica.vdl)).equals(bytes)).toBe(true);
  }
}

interface Rig {
  readonly client: MemoryStorageClient;
  readonly writer: OpenTrees;
  readonly replica: ReplicaTrees;
  /** Every VDL the tap reported. */
  readonly durable: Lsn[];
  readonly detach: () => void;
}

async function rig(pages?: (client: MemoryStorageClient) => ReplicaPageSource): Promise<Rig> {
  const client = new MemoryStorageClient(new MemoryStorage());
  const writer = await openTrees({ storage: client, log, bufferPoolPages: 64 });
  const replica = openReplicaTrees({
    pages: pages?.(client) ?? client,
    start: { vdl: writer.latestLsn(), catalogRoot: writer.catalogRoot },
    bufferPoolPages: 16,
    log,
  });
  const durable: Lsn[] = [];
  const detach = writer.tapRedo({
    shipped: (records) => replica.receive(records),
    durable: (vdl) => durable.push(vdl),
  });
  return { client, writer, replica, durable, detach };
}

/** One random commit on the writer, applied to `model` (the writer's committed state). */
async function randomCommit(writer: OpenTrees, model: Model, prng: Prng): Promise<void> {
  const mtr = await writer.begin();
  const roots = [...model.keys()];
  if (prng.next() < 0.06 && model.size < 4) {
    model.set(await writer.createTree(mtr), new Map());
  } else if (prng.next() < 0.04 && model.size > 1) {
    const root = prng.pick(roots);
    for (const cell of (model.get(root) as Map<string, Cell>).values()) {
      if (cell.stored[0] === 1) await writer.freeOverflow(mtr, pageId(cell.stored.readUInt32BE(1)));
    }
    await writer.dropTree(mtr, root);
    model.delete(root);
  }
  const live = [...model.keys()];
  for (let i = 0, n = 1 + prng.int(30); i < n; i++) {
    const root = prng.pick(live);
    const cells = model.get(root) as Map<string, Cell>;
    const k = key(prng.int(400));
    const hex = k.toString('hex');
    const old = cells.get(hex);
    const op = prng.next();
    if (op < 0.25 && old !== undefined) {
      expect(await writer.delete(mtr, root, k)).toBe(true);
      if (old.stored[0] === 1) await writer.freeOverflow(mtr, pageId(old.stored.readUInt32BE(1)));
      cells.delete(hex);
      continue;
    }
    const cell = await newCell(writer, mtr, prng);
    if (old === undefined) {
      expect(await writer.insert(mtr, root, k, cell.stored)).toBe(true);
    } else {
      expect(await writer.update(mtr, root, k, cell.stored)).toBe(true);
      if (old.stored[0] === 1) await writer.freeOverflow(mtr, pageId(old.stored.readUInt32BE(1)));
    }
    cells.set(hex, cell);
  }
  await writer.commit(mtr);
}

/** A value: mostly short, some long inline ones (splits), some in overflow chains. */
async function newCell(writer: OpenTrees, mtr: Mtr, prng: Prng): Promise<Cell> {
  const r = prng.next();
  const fill = prng.int(256);
  if (r < 0.08) {
    const value = Buffer.alloc(5_000 + prng.int(35_000), fill);
    value.writeUInt32BE(prng.int(0x1_0000_0000));
    const first = await writer.writeOverflow(mtr, value);
    return { stored: reference(first, value.length), value };
  }
  const value = Buffer.alloc(r < 0.2 ? 1_500 + prng.int(2_000) : prng.int(300), fill);
  if (value.length >= 4) value.writeUInt32BE(prng.int(0x1_0000_0000));
  return { stored: inline(value), value };
}

describe('read replica', () => {
  it('reads the committed state at its VDL after every advance, and snapshots theirs', async () => {
    const prng = Prng.fromEnv(9);
    const { client, writer, replica, durable } = await rig();
    const model: Model = new Map();
    {
      const mtr = await writer.begin();
      model.set(await writer.createTree(mtr), new Map());
      model.set(await writer.createTree(mtr), new Map());
      await writer.commit(mtr);
    }
    /** The committed state at each VDL the tap reported. */
    const states = new Map<Lsn, Model>();
    states.set(durable.at(-1) as Lsn, copyModel(model));
    const held: { snapshot: Snapshot; state: Model; until: number }[] = [];
    let versionsHeld = 0; // R5: before-images kept for the snapshots held
    for (let round = 0; round < 70; round++) {
      await randomCommit(writer, model, prng);
      states.set(durable.at(-1) as Lsn, copyModel(model));
      if (prng.next() < 0.4 && round < 69) continue; // let commits pile up
      const pending = durable.filter((v) => v > replica.vdl);
      const vdl = prng.next() < 0.3 ? prng.pick(pending) : (pending.at(-1) as Lsn);
      replica.advance(vdl);
      expect(replica.vdl).toBe(vdl);
      expect(replica.latestLsn()).toBe(vdl);
      const pool = replica.pool.stats();
      expect(pool.pages + pool.versions).toBeLessThanOrEqual(16); // BP3: nothing pinned
      versionsHeld = Math.max(versionsHeld, pool.versions);
      const state = states.get(vdl) as Model;
      await verify(replica, state, prng);
      const latest = replica.latest();
      await verify(replica, state, prng, latest);
      latest.release();
      await expectByteIdentity(replica, client);
      for (const h of held) await verify(replica, h.state, prng, h.snapshot);
      for (const h of held.filter((h) => h.until <= round)) {
        h.snapshot.release();
        held.splice(held.indexOf(h), 1);
      }
      if (held.length < 3 && prng.next() < 0.4) {
        held.push({ snapshot: replica.snapshot(), state, until: round + 3 + prng.int(8) });
      }
    }
    for (const h of held) h.snapshot.release();
    const stats = replica.pool.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.misses).toBeGreaterThan(0);
    expect(stats.snapshotReads).toBeGreaterThan(0);
    expect(versionsHeld).toBeGreaterThan(0);
    expect(replica.pool.readPoints.size).toBe(0);
    expect(model.size).toBeGreaterThan(0);
    await replica.close();
    await writer.close();
  }, 30_000);

  it('keeps a cached page\'s before-image for an open snapshot, and only then (R5)', async () => {
    const { writer, replica } = await rig();
    let mtr = await writer.begin();
    const root = await writer.createTree(mtr);
    await writer.insert(mtr, root, key(1), Buffer.from('old'));
    await writer.commit(mtr);
    replica.advance(writer.latestLsn());
    expect((await replica.get(root, key(1)))?.toString()).toBe('old'); // now cached
    const snapshot = replica.snapshot();
    await change(writer, root, 1, 'new');
    replica.advance(writer.latestLsn());
    expect(replica.pool.stats().versions).toBe(1);
    const reads = replica.pool.stats().snapshotReads;
    // Served from memory: getCached answers only from a frame or a version.
    expect(replica.getCached(root, key(1), snapshot)?.toString()).toBe('old');
    expect(replica.latestCached(root, key(1))?.toString()).toBe('new');
    expect(replica.pool.stats().snapshotReads).toBe(reads);
    snapshot.release();
    await change(writer, root, 1, 'newer');
    replica.advance(writer.latestLsn());
    expect(replica.pool.stats().versions).toBe(0); // no read point: no image kept, old pruned
    expect(replica.latestCached(root, key(1))?.toString()).toBe('newer');
    mtr = await writer.begin();
    await writer.dropTree(mtr, root);
    await writer.commit(mtr);
  });

  it('advances from the tap when a commit is durable, before the committer resumes', async () => {
    const client = new MemoryStorageClient(new MemoryStorage());
    const writer = await openTrees({ storage: client, log, bufferPoolPages: 64 });
    let mtr = await writer.begin();
    const root = await writer.createTree(mtr);
    await writer.commit(mtr);
    const replica = openReplicaTrees({
      pages: client,
      start: { vdl: writer.latestLsn(), catalogRoot: writer.catalogRoot },
      log,
    });
    let advances = 0;
    const detach = writer.tapRedo({
      shipped: (records) => replica.receive(records),
      durable: (vdl) => {
        advances++;
        replica.advance(vdl);
      },
    });
    const waited = replica.waitDurable((writer.latestLsn() + 1) as Lsn);
    for (let n = 0; n < 300; n++) {
      mtr = await writer.begin();
      await writer.insert(mtr, root, key(n), Buffer.alloc(100, n));
      await writer.commit(mtr);
      expect(replica.vdl).toBe(writer.latestLsn());
      expect(replica.latestCached(root, key(n)) ?? (await replica.get(root, key(n)))).toEqual(
        Buffer.alloc(100, n),
      );
    }
    await waited;
    expect(advances).toBe(300);
    detach();
    mtr = await writer.begin();
    await writer.insert(mtr, root, key(1000), Buffer.alloc(1));
    await writer.commit(mtr);
    expect(replica.vdl).toBeLessThan(writer.latestLsn()); // detached: nothing more arrives
    const never = replica.waitDurable(writer.latestLsn());
    await replica.close();
    await expect(never).rejects.toMatchObject({ errno: 1053 });
  });
});

/** A page source whose reads wait until the test lets them go. */
class HandReleasedSource implements ReplicaPageSource {
  hold = true;
  readonly waiting: { id: PageId; at: Lsn; release(): void; fail(): void }[] = [];
  constructor(private readonly client: MemoryStorageClient) {}

  readPage(id: PageId, at: Lsn): Promise<Buffer> {
    if (!this.hold) return this.client.readPage(id, at);
    return new Promise((resolve, reject) => {
      this.waiting.push({
        id,
        at,
        release: () => void this.client.readPage(id, at).then(resolve, reject),
        fail: () => reject(new StorageError('quorum-timeout', 'held by the test')),
      });
    });
  }
}

async function change(writer: OpenTrees, root: PageId, n: number, value: string): Promise<void> {
  const mtr = await writer.begin();
  if (!(await writer.update(mtr, root, key(n), Buffer.from(value)))) {
    await writer.insert(mtr, root, key(n), Buffer.from(value));
  }
  await writer.commit(mtr);
}

describe('a load in flight while records for its page pass (R4)', () => {
  async function raceRig() {
    let source: HandReleasedSource | undefined;
    const r = await rig((client) => (source = new HandReleasedSource(client)));
    const mtr = await r.writer.begin();
    const root = await r.writer.createTree(mtr);
    for (let n = 0; n < 10; n++) await r.writer.insert(mtr, root, key(n), Buffer.from(`v${n}`));
    await r.writer.commit(mtr);
    r.replica.advance(r.writer.latestLsn());
    return { ...r, root, source: source as HandReleasedSource };
  }

  it('applies them when the read lands; concurrent misses share the read', async () => {
    const { client, writer, replica, root, source } = await raceRig();
    const v1 = replica.vdl;
    const first = replica.get(root, key(3)); // reads at v1 (R6), its leaf's load in flight
    const second = replica.get(root, key(4));
    await Promise.resolve();
    expect(source.waiting.map((w) => [w.id, w.at])).toEqual([[root, v1]]); // BP2: one read
    await change(writer, root, 3, 'changed');
    replica.advance(writer.latestLsn());
    await change(writer, root, 11, 'added');
    replica.advance(writer.latestLsn());
    expect(replica.pool.isCached(root)).toBe(false);
    (source.waiting.shift() as HandReleasedSource['waiting'][number]).release();
    expect((await first)?.toString()).toBe('v3'); // as of v1, where the read began
    expect((await second)?.toString()).toBe('v4');
    // The frame landed with both commits applied (R1): the replica reads them without a read.
    expect(replica.pool.isCached(root)).toBe(true);
    expect(replica.latestCached(root, key(3))?.toString()).toBe('changed');
    expect(replica.latestCached(root, key(11))?.toString()).toBe('added');
    expect(source.waiting).toEqual([]);
    source.hold = false;
    await expectByteIdentity(replica, client);
  }, 5_000);

  it('drops them when the read fails, and the next miss reads the page afresh', async () => {
    const { client, writer, replica, root, source } = await raceRig();
    const failed = replica.get(root, key(3));
    await Promise.resolve();
    await change(writer, root, 3, 'changed');
    replica.advance(writer.latestLsn());
    (source.waiting.shift() as HandReleasedSource['waiting'][number]).fail();
    await expect(failed).rejects.toMatchObject({ errno: 1030 }); // ER_GET_ERRNO
    source.hold = false;
    await change(writer, root, 4, 'changed too');
    replica.advance(writer.latestLsn());
    expect((await replica.get(root, key(3)))?.toString()).toBe('changed');
    expect((await replica.get(root, key(4)))?.toString()).toBe('changed too');
    await expectByteIdentity(replica, client);
  }, 5_000);
});

describe('a replica refuses', () => {
  it('every write method with ER_OPTION_PREVENTS_STATEMENT (1290)', async () => {
    const { replica, writer } = await rig();
    const mtr: Mtr = { id: 1 };
    const root = writer.catalogRoot;
    const k = key(1);
    const writes: [string, () => unknown][] = [
      ['begin', () => replica.begin()],
      ['beginNow', () => replica.beginNow()],
      ['commit', () => replica.commit(mtr)],
      ['rollback', () => replica.rollback(mtr)],
      ['commitStep', () => replica.commitStep(mtr)],
      ['rollbackStep', () => replica.rollbackStep(mtr)],
      ['createTree', () => replica.createTree(mtr)],
      ['dropTree', () => replica.dropTree(mtr, root)],
      ['dropTreeInSteps', () => replica.dropTreeInSteps(mtr, root, 8)],
      ['bulkLoad', () => replica.bulkLoad(mtr, root)],
      ['insert', () => replica.insert(mtr, root, k, k)],
      ['update', () => replica.update(mtr, root, k, k)],
      ['delete', () => replica.delete(mtr, root, k)],
      ['insertCached', () => replica.insertCached(mtr, root, k, k)],
      ['updateCached', () => replica.updateCached(mtr, root, k, k)],
      ['deleteCached', () => replica.deleteCached(mtr, root, k)],
      ['writeOverflow', () => replica.writeOverflow(mtr, k)],
      ['freeOverflow', () => replica.freeOverflow(mtr, pageId(1))],
    ];
    for (const [name, write] of writes) {
      let error: unknown;
      try {
        write();
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(SqlError);
      expect((error as SqlError).errno, name).toBe(1290);
      expect((error as SqlError).message).toBe(
        'The MySQL server is running with the --read-only option so it cannot execute this ' +
          'statement',
      );
    }
  });

  it('a gap in the records, a batch cut inside a mini-transaction, a VDL not at a CPL',
    async () => {
      const client = new MemoryStorageClient(new MemoryStorage());
      const writer = await openTrees({ storage: client, log, bufferPoolPages: 64 });
      const start = { vdl: writer.latestLsn(), catalogRoot: writer.catalogRoot };
      const open = (): ReplicaTrees => openReplicaTrees({ pages: client, start, log });
      const batch: Buffer[] = [];
      writer.tapRedo({ shipped: (records) => batch.push(...records), durable: () => undefined });
      const mtr = await writer.begin();
      const root = await writer.createTree(mtr); // the header and the new page: two records
      await writer.insert(mtr, root, key(1), key(1));
      await writer.commit(mtr);
      expect(batch.length).toBeGreaterThan(2);
      expect(() => open().receive(batch.slice(1))).toThrow(/R2: records continue/);
      expect(() => open().receive(batch.slice(0, -1))).toThrow(/R2: a batch is whole/);
      const replica = open();
      replica.receive(batch);
      expect(() => replica.advance((writer.latestLsn() + 1) as Lsn)).toThrow(/R3/);
      expect(() => replica.advance((writer.latestLsn() - 1) as Lsn)).toThrow(/R3/);
      replica.advance(writer.latestLsn());
      expect((await replica.get(root, key(1)))?.equals(key(1))).toBe(true);
    });
});
