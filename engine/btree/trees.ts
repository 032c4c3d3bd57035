/**
 * openTrees: the page layer behind the Trees seam (api.ts). It recovers the volume from storage
 * (which replays nothing: the storage client computes VDL from a read quorum), formats a new volume
 * when storage is empty, and serves B-tree operations in mini-transactions.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { Lsn, PageId, StorageClient } from '../../storage/index.js';
import type {
  BulkLoad, Entry, KeyRange, Mtr, RedoTap, Snapshot, Trees, ValueReader,
} from './api.js';
import { BTree } from './btree.js';
import { BufferPool } from './buffer-pool.js';
import { BulkLoader } from './bulk-load.js';
import { checkTree, type TreeShape } from './check.js';
import { LogWriter, MtrImpl } from './log-writer.js';
import { Overflow } from './overflow.js';
import { Volume, type VolumeHeader } from './volume.js';

/** 8,192 pages of 16 KiB: 128 MiB, InnoDB's default buffer pool size. */
export const BUFFER_POOL_PAGES_DEFAULT = 8_192;

export interface TreesOptions {
  readonly storage: StorageClient;
  readonly log: Logger;
  readonly bufferPoolPages?: number;
}

export interface OpenTrees extends Trees {
  /** Walks a tree asserting its invariants: for tests. */
  check(root: PageId): Promise<TreeShape>;
  /** The volume header (page allocation): for tests. */
  header(): Promise<VolumeHeader>;
  readonly pool: BufferPool;
  /**
   * Taps the redo stream (api.ts RedoTap, log-writer.ts L9): every batch shipped from now on,
   * and VDL as commits become durable. Returns the detach. What a read replica is fed from.
   */
  tapRedo(tap: RedoTap): () => void;
  /**
   * The oldest read point of the read engines fed from this writer (undefined: none): storage's
   * read floor is the oldest of theirs and the writer's own, so segments keep what they read.
   */
  setReaderFloor(lowest: Lsn | undefined): void;
  close(): Promise<void>;
}

export async function openTrees(options: TreesOptions): Promise<OpenTrees> {
  const log = options.log.child({ component: 'trees' });
  const state = await options.storage.open();
  const pool = new BufferPool(
    options.storage,
    options.bufferPoolPages ?? BUFFER_POOL_PAGES_DEFAULT,
  );
  const writer = new LogWriter(options.storage, pool, state, log);
  const volume = new Volume(pool, writer);
  const btree = new BTree(pool, writer, volume);
  if (state.vdl === 0) {
    const mtr = await writer.begin();
    volume.format(mtr);
    volume.setCatalogRoot(mtr, await btree.create(mtr));
    await writer.commit(mtr);
    log.info('new volume formatted');
  }
  await volume.pinHeader();
  const header = await volume.header();
  log.info({ vdl: state.vdl, epoch: state.epoch, pages: header.nextPageId }, 'volume open');
  const overflow = new Overflow(pool, writer, volume);
  return new PagedTrees(
    header.catalogRoot, pool, writer, btree, options.storage, overflow, volume,
  );
}

class PagedTrees implements OpenTrees {
  constructor(
    readonly catalogRoot: PageId,
    readonly pool: BufferPool,
    private readonly writer: LogWriter,
    private readonly btree: BTree,
    private readonly storage: StorageClient,
    private readonly overflow: Overflow,
    private readonly volume: Volume,
  ) {}

  begin(): Promise<Mtr> {
    return this.writer.begin();
  }

  beginNow(): Mtr | undefined {
    return this.writer.beginNow();
  }

  commit(mtr: Mtr): Promise<void> {
    return this.writer.commit(asMtr(mtr));
  }

  rollback(mtr: Mtr): void {
    this.writer.rollback(asMtr(mtr));
  }

  commitStep(mtr: Mtr): Promise<void> {
    return this.writer.commitStep(asMtr(mtr));
  }

  rollbackStep(mtr: Mtr): void {
    this.writer.rollbackStep(asMtr(mtr));
  }

  createTree(mtr: Mtr): Promise<PageId> {
    return this.btree.create(asMtr(mtr));
  }

  dropTree(mtr: Mtr, root: PageId): Promise<void> {
    return this.btree.drop(asMtr(mtr), root);
  }

  dropTreeInSteps(mtr: Mtr, root: PageId, stepPages: number): Promise<void> {
    return this.btree.dropInSteps(asMtr(mtr), root, stepPages);
  }

  bulkLoad(mtr: Mtr, root: PageId): BulkLoad {
    return new BulkLoader(this.pool, this.writer, this.volume, asMtr(mtr), root);
  }

  snapshot(): Snapshot {
    return this.register(this.storage.durableLsn());
  }

  snapshotAt(lsn: Lsn): Snapshot {
    assert(lsn <= this.storage.durableLsn(), 'T6: a read point at or below VDL');
    return this.register(lsn);
  }

  latest(): Snapshot {
    return this.register(this.writer.appliedLsn);
  }

  latestLsn(): Lsn {
    return this.writer.appliedLsn;
  }

  waitDurable(lsn: Lsn): Promise<void> {
    return this.writer.waitDurable(lsn);
  }

  /** T7: a read point held until release; storage learns the oldest (its read floor). */
  private register(at: Lsn): Snapshot {
    return this.pool.readPoints.hold(at, this.ownFloor);
  }

  /** The oldest of this writer's read points (undefined: none). */
  private ownLowest: Lsn | undefined = undefined;
  /** The oldest read point of its read engines (setReaderFloor). */
  private readerLowest: Lsn | undefined = undefined;

  private readonly ownFloor = (lowest: Lsn | undefined): void => {
    this.ownLowest = lowest;
    this.storage.setReadFloor?.(this.floor());
  };

  setReaderFloor(lowest: Lsn | undefined): void {
    this.readerLowest = lowest;
    this.storage.setReadFloor?.(this.floor());
  }

  private floor(): Lsn | undefined {
    const own = this.ownLowest;
    const reader = this.readerLowest;
    if (own === undefined) return reader;
    return reader === undefined || own < reader ? own : reader;
  }

  get(root: PageId, key: Buffer, at?: Snapshot): Promise<Buffer | undefined> {
    return this.btree.get(root, key, at?.lsn);
  }

  getCached(root: PageId, key: Buffer, at: Snapshot): Buffer | null | undefined {
    return this.btree.getCached(root, key, at.lsn);
  }

  latestCached(root: PageId, key: Buffer): Buffer | null | undefined {
    return this.btree.getCached(root, key, this.writer.appliedLsn);
  }

  scan(root: PageId, range: KeyRange, at?: Snapshot): AsyncIterable<readonly Entry[]> {
    return this.btree.scan(root, range, at?.lsn);
  }

  scanValues<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot | undefined,
    read: ValueReader<T>,
  ): AsyncIterable<readonly T[]> {
    return this.btree.scanValues(root, range, at?.lsn, read);
  }

  scanValuesCached<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot,
    read: ValueReader<T>,
    leavesMax: number,
  ): T[] | undefined {
    return this.btree.scanValuesCached(root, range, at.lsn, read, leavesMax);
  }

  insert(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    return this.btree.insert(asMtr(mtr), root, key, value);
  }

  update(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    return this.btree.update(asMtr(mtr), root, key, value);
  }

  delete(mtr: Mtr, root: PageId, key: Buffer): Promise<boolean> {
    return this.btree.delete(asMtr(mtr), root, key);
  }

  insertCached(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): boolean | undefined {
    return this.btree.insertCached(asMtr(mtr), root, key, value);
  }

  updateCached(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): boolean | undefined {
    return this.btree.updateCached(asMtr(mtr), root, key, value);
  }

  deleteCached(mtr: Mtr, root: PageId, key: Buffer): boolean | undefined {
    return this.btree.deleteCached(asMtr(mtr), root, key);
  }

  writeOverflow(mtr: Mtr, bytes: Buffer): Promise<PageId> {
    return this.overflow.write(asMtr(mtr), bytes);
  }

  readOverflow(first: PageId, length: number, at?: Snapshot): Promise<Buffer> {
    return this.overflow.read(first, length, at?.lsn);
  }

  freeOverflow(mtr: Mtr, first: PageId): Promise<void> {
    return this.overflow.free(asMtr(mtr), first);
  }

  tapRedo(tap: RedoTap): () => void {
    return this.writer.tapRedo(tap);
  }

  check(root: PageId): Promise<TreeShape> {
    return checkTree(this.pool, root);
  }

  header(): Promise<VolumeHeader> {
    return this.volume.header();
  }

  async close(): Promise<void> {
    assert(this.writer.openMtr === undefined, 'close: no mini-transaction open');
  }
}

function asMtr(mtr: Mtr): MtrImpl {
  assert(mtr instanceof MtrImpl, 'an Mtr from this Trees');
  return mtr;
}
