/**
 * The seam between the SQL layer (engine/sql, engine/catalog) and the page layer: ordered maps
 * from byte keys to byte values, each a B-tree named by its root page id, changed inside
 * mini-transactions.
 *
 * Keys compare as unsigned bytes (Buffer.compare); the SQL layer encodes its keys so that this
 * order is SQL order (engine/keys.ts). Values are opaque.
 *
 * Contract:
 *   (T1) A tree's root page id never changes while the tree exists, so the catalog can keep it.
 *   (T2) Every change happens inside an Mtr. `commit` ships the Mtr's redo records and resolves
 *        when they are durable (VDL ≥ its last LSN); `rollback` restores every page it touched and
 *        discards its records, so a statement that fails half-way leaves no trace.
 *   (T3) One Mtr is open at a time (the caller holds the engine's write latch across it).
 *   (T4) Entries handed out are copies: safe to keep after later changes.
 *   (T5) Keys may not exceed KEY_SIZE_MAX bytes, nor key plus value ENTRY_SIZE_MAX bytes; the
 *        SQL layer checks both before it asks for a change (a violation here is an assertion).
 *   (T6) A read through a Snapshot sees the trees exactly as of its LSN, however long it takes
 *        and whatever commits meanwhile. `snapshot()` reads at VDL, so it sees exactly the
 *        durable commits; `latest()` reads at the last committed mini-transaction (durable or
 *        not), never at a half-applied one. A read without a snapshot sees the pages as they are
 *        now, the open Mtr's changes included: only for the holder of the write latch (T3).
 *   (T7) A snapshot holds its read point until `release()` (older page versions are kept or
 *        re-read from storage for it); release exactly once.
 *   (T8) An overflow chain is written once and never changed; it is read at the read point its
 *        referencing entry was read at, and freed by the Mtr that drops the reference.
 *   (T9) `commitStep` commits an Mtr's changes so far as a mini-transaction of their own (as
 *        `commit` would) and keeps the Mtr open, empty, for more; `rollbackStep` undoes only the
 *        changes since the last step. A long DDL so runs in bounded steps under one latch: each
 *        step must leave the volume consistent on its own (a crash may stop after each one).
 *   (T10) A BulkLoad fills an empty tree from entries in strictly increasing key order, page by
 *        page; after `flush` the tree holds exactly the entries appended so far (B1–B4 hold),
 *        so a step may end there. Between flushes, pages written are not yet reachable.
 */
import type { Lsn, PageId } from '../../storage/index.js';

export interface Entry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/**
 * Reads one leaf value in place: bytes [start, end) of `page`, which are valid only during the
 * call (the reader copies or decodes what it keeps; Trees.scanValues).
 */
export type ValueReader<T> = (page: Buffer, start: number, end: number) => T;

export interface KeyBound {
  readonly key: Buffer;
  readonly inclusive: boolean;
}

export interface KeyRange {
  /** Absent: from the first key. */
  readonly lower?: KeyBound;
  /** Absent: to the last key. */
  readonly upper?: KeyBound;
  /** Descending order when true. */
  readonly reverse?: boolean;
}

/** A read point (T6, T7). */
export interface Snapshot {
  readonly lsn: Lsn;
  release(): void;
}

/** T10: appends entries, in strictly increasing key order, to an empty tree, bottom-up. */
export interface BulkLoad {
  append(key: Buffer, value: Buffer): Promise<void>;
  /** Writes the pages still held, so that the tree holds every entry appended (T10). */
  flush(): Promise<void>;
}

/**
 * Taps the writer's redo stream (OpenTrees.tapRedo): what feeds a read replica (replica.ts). A
 * tap sees every record shipped after it is attached; it must not throw, nor change the records.
 */
export interface RedoTap {
  /**
   * Records exactly as shipped to storage (StorageClient.ship's argument), in LSN order; each
   * call holds whole mini-transactions (ends on a CPL).
   */
  shipped(records: readonly Buffer[]): void;
  /** VDL reached `vdl` (called when a commit's durability wait resolves, with storage's VDL). */
  durable(vdl: Lsn): void;
}

/** A mini-transaction: the unit of atomic, durable change. Opaque to its users. */
export interface Mtr {
  readonly id: number;
}

export interface Trees {
  /** The catalog's tree, made when the volume was created. */
  readonly catalogRoot: PageId;
  /** Opens the one mini-transaction (T3); waits while the redo in flight is at its limit. */
  begin(): Promise<Mtr>;
  /** begin() without waiting (issue 8): undefined, nothing opened, when begin() would wait. */
  beginNow(): Mtr | undefined;
  /**
   * Ships the Mtr's records before it returns (so the caller may release its latch right away and
   * let later statements group with this one), then resolves when they are durable. Rejects with
   * SqlError ER_ERROR_DURING_COMMIT when durability is not confirmed in time: the outcome is then
   * unknown (the records stay queued and become durable if the quorum comes back).
   */
  commit(mtr: Mtr): Promise<void>;
  rollback(mtr: Mtr): void;
  /**
   * T9: commits the Mtr's changes so far (shipped before it returns; resolves when durable, or
   * rejects like `commit`) and keeps the Mtr open for the next step.
   */
  commitStep(mtr: Mtr): Promise<void>;
  /** T9: undoes the changes since the last step (or begin); the Mtr stays open. */
  rollbackStep(mtr: Mtr): void;

  createTree(mtr: Mtr): Promise<PageId>;
  /** Frees the tree's pages for reuse. */
  dropTree(mtr: Mtr, root: PageId): Promise<void>;
  /**
   * dropTree() for a tree of whatever size (T9): frees its pages `stepPages` at a time, children
   * before parents, ending each batch but the last with `commitStep` (at most one awaiting
   * durability); the last batch, the root's, stays in the open Mtr. A page already free is
   * skipped, so a drop that a crash interrupted is completed by running it again.
   */
  dropTreeInSteps(mtr: Mtr, root: PageId, stepPages: number): Promise<void>;
  /** T10: a bulk load of `root`, which must be an empty tree made by createTree. */
  bulkLoad(mtr: Mtr, root: PageId): BulkLoad;

  /** T6: at VDL; sees exactly the durable commits. */
  snapshot(): Snapshot;
  /**
   * T6: at `lsn` ≤ VDL, a durable point read elsewhere (a transaction that moved here from a read
   * engine): pages newer in the cache are read as of `lsn` (BP4).
   */
  snapshotAt(lsn: Lsn): Snapshot;
  /** T6: at the last committed mini-transaction; for current reads under row locks. */
  latest(): Snapshot;
  /** The LSN `latest()` would read at now: a current read restarts when it has moved. */
  latestLsn(): Lsn;
  /**
   * Resolves once VDL ≥ `lsn` (T2's durability wait on its own): a transaction that read
   * commits not yet durable waits here before it is acknowledged (txn/manager.ts, M4). Rejects
   * like `commit` when durability is not confirmed in time.
   */
  waitDurable(lsn: Lsn): Promise<void>;

  get(root: PageId, key: Buffer, at?: Snapshot): Promise<Buffer | undefined>;
  /**
   * get() at `at` without waiting, when every page it needs is cached: the value, null when the
   * key is absent, undefined when a page would have to be read (then call get). Point selects
   * answer from it without a promise per page (issue 8).
   */
  getCached(root: PageId, key: Buffer, at: Snapshot): Buffer | null | undefined;
  /**
   * get() at `latest()`'s read point without waiting and without a snapshot (a synchronous read
   * holds its read point throughout by itself): as getCached. A current read of one key without
   * a promise (issue 8).
   */
  latestCached(root: PageId, key: Buffer): Buffer | null | undefined;
  /** Entries in key order (or reverse), one leaf's worth per batch. */
  scan(root: PageId, range: KeyRange, at?: Snapshot): AsyncIterable<readonly Entry[]>;
  /**
   * scan()'s values, each read in place by `read` as the scan passes it, without its key and
   * without a copy (issue 8: a consistent scan decodes rows straight from the page).
   */
  scanValues<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot | undefined,
    read: ValueReader<T>,
  ): AsyncIterable<readonly T[]>;
  /**
   * scanValues() at once, all values in one array, when the range is ascending and its leaves
   * (at most `leavesMax`) are cached at `at`; undefined otherwise (issue 8: short range reads).
   */
  scanValuesCached<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot,
    read: ValueReader<T>,
    leavesMax: number,
  ): T[] | undefined;
  /** False, and no change, when the key is already there. */
  insert(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean>;
  /** False, and no change, when the key is not there. */
  update(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean>;
  /** False, and no change, when the key is not there. */
  delete(mtr: Mtr, root: PageId, key: Buffer): Promise<boolean>;
  /**
   * insert(), update() and delete() without waiting (issue 8: a commit's changes without a
   * promise each): the same outcome when every page they need is cached and no page must split;
   * otherwise undefined and no change at all (then call the waiting one).
   */
  insertCached(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): boolean | undefined;
  updateCached(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): boolean | undefined;
  deleteCached(mtr: Mtr, root: PageId, key: Buffer): boolean | undefined;

  /** (T8) A long value written as a chain of overflow pages; returns the chain's first page. */
  writeOverflow(mtr: Mtr, bytes: Buffer): Promise<PageId>;
  /** The `length` bytes of a chain, as of `at` (the read point its row was read at) or now. */
  readOverflow(first: PageId, length: number, at?: Snapshot): Promise<Buffer>;
  /** Frees a chain whose row is replaced or deleted (in that change's Mtr). */
  freeOverflow(mtr: Mtr, first: PageId): Promise<void>;
}

/**
 * Largest key + value of one entry: a third of a page, so that whatever a leaf holds, one split
 * makes room for any new entry. Larger rows will go to overflow pages (not built yet).
 */
export const ENTRY_SIZE_MAX = 5_000;
/** Largest key, InnoDB's limit (ER_TOO_LONG_KEY), so that internal pages keep a fan-out ≥ 5. */
export const KEY_SIZE_MAX = 3_072;
