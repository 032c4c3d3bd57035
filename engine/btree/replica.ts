/**
 * A read replica's page layer (ARCHITECTURE.md, "read replicas"): the Trees seam, read-only,
 * over a buffer pool of its own that the writer's redo stream keeps current. The writer's records
 * arrive as shipped (`receive`, from a RedoTap); when the writer's VDL moves (`advance`) the
 * records up to it are applied, with storage's `applyRedo`, to the pages the replica caches, and
 * dropped for the others, which a miss reads from the page source at the replica's VDL. The
 * B-tree reads, the buffer pool and the version cache are the writer's own (TreeReader,
 * BufferPool, VersionCache); what is here is only what differs on a replica.
 *
 * Invariants:
 *   (R1) every frame in the replica's pool is its page as of `vdl`: each record ≤ vdl for that
 *        page applied, none above. So every frame is at or below VDL, and evictable once unpinned
 *        (BP1); the pool bound holds as on the writer (BP3).
 *   (R2) records are received gap-free and in LSN order, continuing `start.vdl`, in whole
 *        mini-transactions (each batch ends on a CPL). Those above vdl are held, at most
 *        HELD_MAX of them (the writer runs at most LAL_RECORDS ahead of VDL, log-writer.ts L5).
 *   (R3) `advance(v)` takes held records ≤ v in LSN order; v must be within what was received
 *        and be a consistency point (its record a CPL). Each record is applied to its page's
 *        frame when the page is cached; otherwise it is dropped (the page source serves the page
 *        at any LSN ≤ VDL, storage C5), unless the page is loading (R4). Then vdl becomes v.
 *   (R4) a page whose load, read at VDL r, is in flight while `advance` passes records for it
 *        keeps those records, and when the read lands they are applied to it (those above r)
 *        before it becomes a frame (BufferPool BP5), so R1 holds for it too; two loads of one
 *        page share one read (BP2). Records kept for a load that failed are dropped by the next
 *        advance.
 *   (R5) before a record at L changes a cached page whose pageLsn is F, if a registered read
 *        point lies in [F, L) the page's image is kept as a version for [F, L) (VC1), as the
 *        writer keeps its before-images (log-writer.ts L6). A read point that neither a frame
 *        nor a version serves is read from the page source at that point (BP4).
 *   (R6) every read runs at a registered read point ≤ vdl: `snapshot()` and `latest()` at vdl,
 *        and a read without a snapshot registers vdl for as long as it runs, so advances while it
 *        awaits do not change what it reads (R5). `latestLsn()` is vdl.
 *   (R7) nothing on a replica makes a record: every write method throws SqlError
 *        ER_OPTION_PREVENTS_STATEMENT (1290, "--read-only").
 *   (R8) vdl never decreases; `waitDurable(lsn)` resolves once vdl ≥ lsn.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import {
  type Lsn,
  type PageId,
  type RedoHeader,
  type RedoRecord,
  applyRedo,
  decodeRedo,
  decodeRedoHeader,
  page as pageFormat,
} from '../../storage/index.js';
import { SqlError } from '../errors.js';
import type { Entry, KeyRange, Snapshot, Trees, ValueReader } from './api.js';
import { TreeReader } from './btree.js';
import { BufferPool } from './buffer-pool.js';
import { LAL_RECORDS } from './log-writer.js';
import { readChain } from './overflow.js';
import { BUFFER_POOL_PAGES_DEFAULT } from './trees.js';

export interface ReplicaPageSource {
  /**
   * The page as of `at` (≤ the VDL the replica was given); all-zero when never written. The
   * buffer becomes the replica's: it applies records to it.
   */
  readPage(id: PageId, at: Lsn): Promise<Buffer>;
}

export interface ReplicaOptions {
  readonly pages: ReplicaPageSource;
  /**
   * Where the redo stream starts: `receive`'s first record is vdl + 1 (R2), and the page source
   * serves pages at vdl. Take it as the writer's `latestLsn()` when attaching its tap with no
   * mini-transaction open and every commit durable (waitDurable(latestLsn()) first).
   */
  readonly start: { readonly vdl: Lsn; readonly catalogRoot: PageId };
  readonly bufferPoolPages?: number;
  readonly log: Logger;
}

export interface ReplicaTrees extends Trees {
  /** The writer's records as shipped (RedoTap.shipped): held until VDL covers them (R2). */
  receive(records: readonly Buffer[]): void;
  /**
   * The writer's VDL moved: records ≤ vdl are applied to cached pages, in LSN order, and the
   * replica's read point becomes vdl (R3).
   */
  advance(vdl: Lsn): void;
  /** The replica's read point: the last VDL it was advanced to. */
  readonly vdl: Lsn;
  readonly pool: BufferPool;
  close(): Promise<void>;
}

/** R2: records held above VDL: the writer's L5 limit, and as much again for the mtr past it. */
const HELD_MAX = 2 * LAL_RECORDS;

interface Held {
  readonly header: RedoHeader;
  readonly bytes: Buffer;
}

interface Waiter {
  readonly lsn: Lsn;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export function openReplicaTrees(options: ReplicaOptions): ReplicaTrees {
  return new Replica(options);
}

/** R7. */
function readOnly(): SqlError {
  return new SqlError('ER_OPTION_PREVENTS_STATEMENT', ['--read-only']);
}

class Replica implements ReplicaTrees {
  readonly catalogRoot: PageId;
  readonly pool: BufferPool;
  private readonly reader: TreeReader;
  private readonly log: Logger;
  private current: Lsn;
  private lastReceived: Lsn;
  /** R2: received records above vdl, from `heldHead` on. */
  private held: Held[] = [];
  private heldHead = 0;
  /** R4: records advance passed while their page was loading, for its landing. */
  private readonly landingRecords = new Map<PageId, RedoRecord[]>();
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(options: ReplicaOptions) {
    this.log = options.log.child({ component: 'replica' });
    this.catalogRoot = options.start.catalogRoot;
    this.current = options.start.vdl;
    this.lastReceived = options.start.vdl;
    const pages = options.pages;
    this.pool = new BufferPool(
      { readPage: (id, at) => pages.readPage(id, at), durableLsn: () => this.current },
      options.bufferPoolPages ?? BUFFER_POOL_PAGES_DEFAULT,
      (id, bytes, readAt) => this.landed(id, bytes, readAt),
    );
    this.reader = new TreeReader(this.pool);
    this.log.info({ vdl: this.current, catalogRoot: this.catalogRoot }, 'replica open');
  }

  get vdl(): Lsn {
    return this.current;
  }

  receive(records: readonly Buffer[]): void {
    if (this.closed || records.length === 0) return;
    let header: RedoHeader | undefined;
    for (const bytes of records) {
      header = decodeRedoHeader(bytes);
      assert.equal(header.lsn, this.lastReceived + 1, 'R2: records continue the stream, no gap');
      this.lastReceived = header.lsn;
      this.held.push({ header, bytes });
    }
    assert(header?.cpl === true, 'R2: a batch is whole mini-transactions');
    assert(this.held.length - this.heldHead <= HELD_MAX, 'R2: held records within HELD_MAX');
  }

  advance(vdl: Lsn): void {
    if (this.closed || vdl <= this.current) return; // R8
    assert(vdl <= this.lastReceived, 'R3: VDL within the records received');
    // Held records have consecutive LSNs (R2): the one at vdl is found by its distance.
    const first = this.held[this.heldHead] as Held;
    const end = this.heldHead + (vdl - first.header.lsn) + 1;
    const last = (this.held[end - 1] as Held).header;
    assert(last.lsn === vdl && last.cpl, 'R3: VDL is a consistency point');
    this.forgetFailedLoads();
    for (; this.heldHead < end; this.heldHead++) this.route(this.held[this.heldHead] as Held);
    this.compactHeld();
    this.current = vdl;
    this.wake();
    this.pool.evict();
  }

  /** R3, R4: a record to its page's frame, to its page's landing, or nowhere. */
  private route(held: Held): void {
    const id = held.header.pageId;
    const frame = this.pool.frameBytes(id);
    if (frame !== undefined) {
      this.apply(id, frame, decodeRedo(held.bytes));
      return;
    }
    if (!this.pool.isLoading(id)) return; // R3: the page source serves it
    const pending = this.landingRecords.get(id);
    if (pending === undefined) this.landingRecords.set(id, [decodeRedo(held.bytes)]);
    else pending.push(decodeRedo(held.bytes));
  }

  /** R5: applies `record` to `page`, keeping its image first if a read point may need it. */
  private apply(id: PageId, page: Buffer, record: RedoRecord): void {
    const from = pageFormat.pageLsn(page);
    if (this.pool.readPoints.anyIn(from, record.lsn)) {
      this.pool.versions.record(id, this.pool.copyPage(page), record.lsn, true);
    }
    applyRedo(page, record);
  }

  /** BP5, R4: a page read at `readAt` lands; the records advance passed meanwhile apply. */
  private landed(id: PageId, bytes: Buffer, readAt: Lsn): void {
    const pending = this.landingRecords.get(id);
    if (pending === undefined) return;
    this.landingRecords.delete(id);
    for (const record of pending) if (record.lsn > readAt) this.apply(id, bytes, record);
    assert(pageFormat.pageLsn(bytes) <= this.current, 'R1: a frame is at or below VDL');
  }

  /** R4: records kept for loads that ended without landing (a failed read). */
  private forgetFailedLoads(): void {
    for (const id of this.landingRecords.keys()) {
      if (!this.pool.isLoading(id)) this.landingRecords.delete(id);
    }
  }

  private compactHeld(): void {
    if (this.heldHead === this.held.length) {
      this.held = [];
      this.heldHead = 0;
    } else if (this.heldHead > 1024 && this.heldHead * 2 > this.held.length) {
      this.held = this.held.slice(this.heldHead);
      this.heldHead = 0;
    }
  }

  /** R8. */
  private wake(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.lsn <= this.current);
    this.waiters = this.waiters.filter((w) => w.lsn > this.current);
    for (const w of ready) w.resolve();
  }

  snapshot(): Snapshot {
    return this.register(this.current);
  }

  snapshotAt(lsn: Lsn): Snapshot {
    assert(lsn <= this.current, 'R6: a read point at or below vdl');
    return this.register(lsn);
  }

  latest(): Snapshot {
    return this.register(this.current);
  }

  latestLsn(): Lsn {
    return this.current;
  }

  waitDurable(lsn: Lsn): Promise<void> {
    if (lsn <= this.current) return Promise.resolve();
    if (this.closed) return Promise.reject(new SqlError('ER_SERVER_SHUTDOWN'));
    return new Promise((resolve, reject) => this.waiters.push({ lsn, resolve, reject }));
  }

  /** T7, R6: a read point held until release. */
  private register(at: Lsn): Snapshot {
    return this.pool.readPoints.hold(at);
  }

  /** R6: `read` at vdl, holding it as a read point until it is done. */
  private async atVdl<T>(read: (at: Lsn) => Promise<T>): Promise<T> {
    const point = this.register(this.current);
    try {
      return await read(point.lsn);
    } finally {
      point.release();
    }
  }

  /** R6: a scan at vdl, holding it as a read point from its first batch until it ends. */
  private async *scanAtVdl<T>(open: (at: Lsn) => AsyncGenerator<T>): AsyncGenerator<T> {
    const point = this.register(this.current);
    try {
      yield* open(point.lsn);
    } finally {
      point.release();
    }
  }

  get(root: PageId, key: Buffer, at?: Snapshot): Promise<Buffer | undefined> {
    if (at !== undefined) return this.reader.get(root, key, at.lsn);
    return this.atVdl((point) => this.reader.get(root, key, point));
  }

  getCached(root: PageId, key: Buffer, at: Snapshot): Buffer | null | undefined {
    return this.reader.getCached(root, key, at.lsn);
  }

  latestCached(root: PageId, key: Buffer): Buffer | null | undefined {
    return this.reader.getCached(root, key, this.current);
  }

  scan(root: PageId, range: KeyRange, at?: Snapshot): AsyncIterable<readonly Entry[]> {
    if (at !== undefined) return this.reader.scan(root, range, at.lsn);
    return this.scanAtVdl((point) => this.reader.scan(root, range, point));
  }

  scanValues<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot | undefined,
    read: ValueReader<T>,
  ): AsyncIterable<readonly T[]> {
    if (at !== undefined) return this.reader.scanValues(root, range, at.lsn, read);
    return this.scanAtVdl((point) => this.reader.scanValues(root, range, point, read));
  }

  scanValuesCached<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot,
    read: ValueReader<T>,
    leavesMax: number,
  ): T[] | undefined {
    return this.reader.scanValuesCached(root, range, at.lsn, read, leavesMax);
  }

  readOverflow(first: PageId, length: number, at?: Snapshot): Promise<Buffer> {
    if (at !== undefined) return readChain(this.pool, first, length, at.lsn);
    return this.atVdl((point) => readChain(this.pool, first, length, point));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new SqlError('ER_SERVER_SHUTDOWN'));
    this.log.info({ vdl: this.current }, 'replica closed');
  }

  // R7: the write half of Trees, refused.
  begin(): never {
    throw readOnly();
  }
  beginNow(): never {
    throw readOnly();
  }
  commit(): never {
    throw readOnly();
  }
  rollback(): never {
    throw readOnly();
  }
  commitStep(): never {
    throw readOnly();
  }
  rollbackStep(): never {
    throw readOnly();
  }
  createTree(): never {
    throw readOnly();
  }
  dropTree(): never {
    throw readOnly();
  }
  dropTreeInSteps(): never {
    throw readOnly();
  }
  bulkLoad(): never {
    throw readOnly();
  }
  insert(): never {
    throw readOnly();
  }
  update(): never {
    throw readOnly();
  }
  delete(): never {
    throw readOnly();
  }
  insertCached(): never {
    throw readOnly();
  }
  updateCached(): never {
    throw readOnly();
  }
  deleteCached(): never {
    throw readOnly();
  }
  writeOverflow(): never {
    throw readOnly();
  }
  freeOverflow(): never {
    throw readOnly();
  }
}
