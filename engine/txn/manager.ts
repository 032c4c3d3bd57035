/**
 * The TransactionManager: the engine-wide part of transactions. It numbers transactions, holds
 * the global values of the transaction variables, and runs COMMIT:
 *
 *   1. take the engine latch exclusively (one mini-transaction at a time, T3);
 *   2. check that every table the write set changes is still the table it was (DDL in between
 *      would make the write set meaningless: ER_TABLE_DEF_CHANGED, nothing applied);
 *   3. apply the whole write set to the B-trees in one mini-transaction; `Trees.commit` ships it
 *      and returns; the row locks are released at once (early lock release: the commit's redo
 *      has its LSNs and is on its way to the quorum), then the latch, so later commits group
 *      with this one and a hot row's next writer need not wait for this one's quorum round;
 *   4. await durability (VDL ≥ the commit's CPL): the client gets OK only now.
 *
 * Early lock release is safe because VDL covers LSNs in order: a transaction that read this
 * commit's rows (a current read, after the locks went) commits at a higher LSN, so its own
 * durability wait covers this commit; one that writes nothing waits for VDL ≥ the latest LSN
 * before it is acknowledged (M4). Consistent reads see only VDL (X2), so no snapshot shows a
 * commit that is not durable. If this commit's durability is never confirmed, neither is that
 * of any transaction that built on it.
 *
 * Invariants:
 *   (M1) a transaction's changes reach the B-trees in exactly one mini-transaction, or not at
 *        all; a failure before `Trees.commit` rolls the mini-transaction back whole (T2).
 *   (M2) row locks are released only once the commit's redo is shipped (its LSNs assigned, its
 *        changes in the latest state), or when the transaction rolls back.
 *   (M3) only committed work reaches redo: nothing but COMMIT opens a mini-transaction for a
 *        transaction's rows.
 *   (M4) no commit is acknowledged before every commit it may have read is durable: a writing
 *        one by its own CPL (higher than anything it read), a read-only one that made current
 *        reads (X5) or holds locks by waiting for VDL ≥ the latest LSN.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { PageId } from '../../storage/index.js';
import { ENTRY_SIZE_MAX, type Mtr, type Trees } from '../btree/api.js';
import type { Catalog } from '../catalog/catalog.js';
import type { TableDef } from '../catalog/definitions.js';
import {
  LOCK_WAIT_TIMEOUT_DEFAULT_S,
  METADATA_LOCK_WAIT_TIMEOUT_S,
  WRITE_SET_BYTES_MAX,
} from '../config.js';
import { SqlError } from '../errors.js';
import { type EngineClock, pause } from '../clock.js';
import type { Latch } from '../latch.js';

/** Entries a commit applies between pauses that let other sessions' work run. */
const APPLY_PAUSE_ENTRIES = 1024;
import { freeExternals, hasExternals, mayOverflow, storeRow } from '../sql/row-overflow.js';
import { LockManager } from './locks.js';
import { MetadataLocks } from './mdl.js';
import {
  type Isolation,
  Transaction,
  type TransactionLimits,
  type TransactionOptions,
} from './transaction.js';
import type { WriteEntry } from './write-set.js';

/**
 * A table row's entry that rowEntry() would leave as it is: no old row whose chains to free (a
 * fresh key, or a table whose rows never overflow) and a value that fits an entry.
 */
function isPlainRow(table: TableDef, e: WriteEntry): boolean {
  if (!e.fresh && mayOverflow(table)) return false;
  return e.value === null || e.key.length + e.value.length <= ENTRY_SIZE_MAX;
}

/** persistCounters() when no counter moved: nothing to confirm. */
const NO_COUNTERS: readonly { readonly table: TableDef; readonly value: bigint }[] = [];

/** Global values of the transaction variables (SET GLOBAL …); sessions start from them. */
export interface TransactionGlobals {
  autocommit: boolean;
  isolation: Isolation;
  readOnly: boolean;
  lockWaitTimeoutS: number;
  metadataLockWaitS: number;
  autoIncrementIncrement: number;
  autoIncrementOffset: number;
}

export class TransactionManager {
  private nextId = 1;
  readonly locks = new LockManager();
  /** Table names in use by transactions, against DDL (mdl.ts). */
  readonly mdl = new MetadataLocks();
  readonly globals: TransactionGlobals = {
    autocommit: true,
    isolation: 'REPEATABLE-READ',
    readOnly: false,
    lockWaitTimeoutS: LOCK_WAIT_TIMEOUT_DEFAULT_S,
    metadataLockWaitS: METADATA_LOCK_WAIT_TIMEOUT_S,
    autoIncrementIncrement: 1,
    autoIncrementOffset: 1,
  };

  constructor(
    private readonly trees: Trees,
    private readonly catalog: Catalog,
    private readonly latch: Latch,
    private readonly log: Logger,
    private readonly limits: TransactionLimits = { writeSetBytesMax: WRITE_SET_BYTES_MAX },
    private readonly clock?: EngineClock,
  ) {}

  begin(options: TransactionOptions): Transaction {
    return new Transaction(this.nextId++, options, this.trees, this.limits);
  }

  /**
   * COMMIT of a transaction that wrote nothing and has nothing to wait for (no current read, no
   * lock held: M4 asks nothing of it): it ends at once, without a promise (issue 8: every
   * autocommit SELECT ends this way). False, and nothing done, when it needs commit().
   */
  endIfNothingToCommit(txn: Transaction): boolean {
    if (!txn.writes.isEmpty || txn.readCurrent || this.locks.held(txn) > 0) return false;
    txn.markCommitting();
    this.finish(txn);
    return true;
  }

  /** COMMIT (M1–M3). Rejects with SqlError; the transaction has ended either way. */
  async commit(txn: Transaction): Promise<void> {
    if (this.endIfNothingToCommit(txn)) return;
    txn.markCommitting();
    try {
      if (txn.writes.isEmpty) {
        await this.trees.waitDurable(this.trees.latestLsn()); // M4: it read or locked
        return;
      }
      let durable: Promise<void>;
      // Issue 8 (cost): latch and mini-transaction without a promise when neither waits.
      const release = this.latch.tryExclusive() ?? (await this.latch.exclusive());
      try {
        this.checkTables(txn);
        const mtr = this.trees.beginNow() ?? (await this.trees.begin());
        let counters: readonly { readonly table: TableDef; readonly value: bigint }[];
        let applied = 0;
        try {
          for (const { root, entries } of txn.writes.toApply()) {
            const table = txn.tables.get(root);
            const rows = table !== undefined && table.root === root ? table : null;
            for (const entry of entries) {
              // Issue 8 (cost): an entry that needs no chain work, on cached pages that need no
              // split, is applied without a promise; the rest (or that one again) wait.
              const plain = rows === null || isPlainRow(rows, entry);
              const stored = plain ? entry : await this.rowEntry(mtr, rows, entry);
              if (!this.applyCached(mtr, root, stored)) await this.apply(mtr, root, stored);
              // A big write set must not hold the event loop: others' reads go on meanwhile.
              if (++applied % APPLY_PAUSE_ENTRIES === 0 && this.clock !== undefined) {
                await pause(this.clock);
              }
            }
          }
          // Issue 8 (cost): no promise and nothing made when no counter moved (the usual
          // UPDATE or DELETE, or an INSERT with explicit keys below the counter).
          counters = this.countersMoved(txn) ? await this.persistCounters(mtr, txn) : NO_COUNTERS;
        } catch (e) {
          this.trees.rollback(mtr); // M1
          throw e;
        }
        durable = this.trees.commit(mtr);
        this.locks.releaseAll(txn); // M2: shipped; M4 makes its readers wait for durability
        for (const { table, value } of counters) this.catalog.autoIncrement.confirm(table, value);
      } finally {
        release();
      }
      await durable;
    } finally {
      this.finish(txn); // the rest of the row locks, and the metadata locks
    }
  }

  rollback(txn: Transaction): void {
    this.finish(txn);
  }

  private finish(txn: Transaction): void {
    txn.end();
    this.locks.releaseAll(txn); // M2
    this.mdl.releaseAll(txn);
  }

  /** True when a table the transaction changed has an AUTO_INCREMENT counter that moved. */
  private countersMoved(txn: Transaction): boolean {
    for (const table of txn.tables.values()) {
      if (table.autoIncrement !== null && this.catalog.autoIncrement.moved(table)) return true;
    }
    return false;
  }

  /** The AUTO_INCREMENT counters of the tables the transaction changed, if they moved. */
  private async persistCounters(
    mtr: Mtr,
    txn: Transaction,
  ): Promise<{ table: TableDef; value: bigint }[]> {
    const persisted: { table: TableDef; value: bigint }[] = [];
    const seen = new Set<TableDef>();
    for (const table of txn.tables.values()) {
      if (table.autoIncrement === null || seen.has(table)) continue;
      seen.add(table);
      const value = await this.catalog.autoIncrement.persist(this.trees, mtr, table);
      if (value !== null) persisted.push({ table, value });
    }
    return persisted;
  }

  private checkTables(txn: Transaction): void {
    for (const [root, table] of txn.tables) {
      const now = this.catalog.table(table.database, table.name);
      if (now !== table) {
        this.log.info({ txn: txn.id, root, table: table.name }, 'table changed under a txn');
        throw new SqlError('ER_TABLE_DEF_CHANGED');
      }
    }
  }

  /**
   * A table row's entry as the tree stores it (sql/row-overflow.ts): long values to overflow
   * chains, and the chains of the row it replaces or deletes freed (T8).
   */
  private async rowEntry(mtr: Mtr, table: TableDef, e: WriteEntry): Promise<WriteEntry> {
    if (!e.fresh && mayOverflow(table)) {
      const old = await this.trees.get(table.root, e.key);
      if (old !== undefined && hasExternals(old)) await freeExternals(this.trees, mtr, old);
    }
    if (e.value === null) return e;
    const value = await storeRow(this.trees, mtr, table, e.key, e.value);
    return value === e.value ? e : { ...e, value };
  }

  /** apply() without waiting; false, with nothing changed, when apply() must do it. */
  private applyCached(mtr: Mtr, root: PageId, e: WriteEntry): boolean {
    if (e.value === null) return e.fresh || this.trees.deleteCached(mtr, root, e.key) !== undefined;
    const first = e.fresh
      ? this.trees.insertCached(mtr, root, e.key, e.value)
      : this.trees.updateCached(mtr, root, e.key, e.value);
    if (first !== false) return first === true;
    const second = e.fresh
      ? this.trees.updateCached(mtr, root, e.key, e.value)
      : this.trees.insertCached(mtr, root, e.key, e.value);
    if (second === undefined) return false;
    assert(second, 'M1: a key is either absent or present');
    return true;
  }

  private async apply(mtr: Mtr, root: PageId, e: WriteEntry): Promise<void> {
    if (e.value === null) {
      if (!e.fresh) await this.trees.delete(mtr, root, e.key);
      return;
    }
    if (e.fresh) {
      if (await this.trees.insert(mtr, root, e.key, e.value)) return;
      const updated = await this.trees.update(mtr, root, e.key, e.value);
      assert(updated, 'M1: a key is either absent or present');
      return;
    }
    if (await this.trees.update(mtr, root, e.key, e.value)) return;
    const inserted = await this.trees.insert(mtr, root, e.key, e.value);
    assert(inserted, 'M1: a key is either absent or present');
  }
}
