/**
 * A transaction: its isolation level, its read view (a Trees snapshot at VDL), its write set and
 * (as a LockOwner, txn/locks.ts) the row locks it holds.
 *
 *   State diagram                          transition          function
 *   ─────────────                          ──────────          ────────
 *   active ──commit──▶ committing ──▶ ended     begin               TransactionManager.begin
 *     │                                     commit              TransactionManager.commit
 *     └──rollback──────────────────▶ ended  rollback            TransactionManager.rollback
 *
 * Invariants:
 *   (X1) reads and writes happen only while `active`; a transaction ends exactly once.
 *   (X2) consistent reads of REPEATABLE READ and SERIALIZABLE use one snapshot, taken at the
 *        first consistent read (or by START TRANSACTION WITH CONSISTENT SNAPSHOT) and held to the
 *        end; READ COMMITTED (and READ UNCOMMITTED, which behaves like it) takes a new one per
 *        statement. A snapshot is at VDL, so no read sees a commit that is not durable.
 *   (X3) nothing of the write set reaches a B-tree before commit (write-set.ts).
 *   (X4) every snapshot taken is released by the time the transaction ends.
 *   (X5) `readCurrent` is set before the transaction's first current read (a locking read or a
 *        write's read of the latest state), which may see a commit whose row locks were released
 *        early but that is not durable yet (txn/manager.ts, M4).
 */
import assert from 'node:assert/strict';
import type { Lsn, PageId } from '../../storage/index.js';
import type { Snapshot, Trees } from '../btree/api.js';
import type { TableDef } from '../catalog/definitions.js';
import type { LockOwner } from './locks.js';
import { WriteSet } from './write-set.js';

export const ISOLATION_LEVELS = [
  'READ-UNCOMMITTED',
  'READ-COMMITTED',
  'REPEATABLE-READ',
  'SERIALIZABLE',
] as const;
export type Isolation = (typeof ISOLATION_LEVELS)[number];

export type TransactionState = 'active' | 'committing' | 'ended';

export interface TransactionOptions {
  readonly isolation: Isolation;
  readonly readOnly: boolean;
  /** Seconds a row lock request waits before ER_LOCK_WAIT_TIMEOUT. */
  readonly lockWaitTimeoutS: number;
}

export interface TransactionLimits {
  /** WRITE_SET_BYTES_MAX unless a test says otherwise. */
  readonly writeSetBytesMax: number;
}

export class Transaction implements LockOwner {
  readonly writes: WriteSet;
  /** Tables whose trees the write set changes, as the catalog had them (commit checks them). */
  readonly tables = new Map<PageId, TableDef>();
  private view: Snapshot | null = null;
  private stateNow: TransactionState = 'active';
  /** X5: a current read happened (its reads may depend on commits not yet durable). */
  readCurrent = false;
  /** MdlOwner (mdl.ts): the table names whose metadata locks it holds. */
  readonly mdlNames: string[] = [];

  constructor(
    readonly id: number,
    readonly options: TransactionOptions,
    private readonly trees: Trees,
    limits: TransactionLimits,
  ) {
    this.writes = new WriteSet(limits.writeSetBytesMax);
  }

  get state(): TransactionState {
    return this.stateNow;
  }

  get lockWaitTimeoutS(): number {
    return this.options.lockWaitTimeoutS;
  }

  /** LockOwner: rows changed, for the deadlock victim's weight. */
  changes(): number {
    return this.writes.changes;
  }

  get isolation(): Isolation {
    return this.options.isolation;
  }

  /** Gap locks and one snapshot per transaction: REPEATABLE READ and SERIALIZABLE. */
  get repeatable(): boolean {
    return this.isolation === 'REPEATABLE-READ' || this.isolation === 'SERIALIZABLE';
  }

  /** The snapshot of consistent reads (X2). */
  readView(): Snapshot {
    assert.equal(this.stateNow, 'active', 'X1: reads while active');
    if (this.view === null) this.view = this.trees.snapshot();
    return this.view;
  }

  /** X2: the snapshot of a transaction that read elsewhere first (session-txn.ts ST4). */
  adoptView(view: Snapshot): void {
    assert(this.view === null, 'X2: one snapshot');
    this.view = view;
  }

  /** The read point of the snapshot held (X2), if one is. */
  get viewLsn(): Lsn | undefined {
    return this.view?.lsn;
  }

  /** True once a snapshot is held (START TRANSACTION WITH CONSISTENT SNAPSHOT, or a read). */
  get hasReadView(): boolean {
    return this.view !== null;
  }

  /** A statement ends: READ COMMITTED lets its snapshot go, so the next one sees newer commits. */
  statementDone(): void {
    if (!this.repeatable && this.view !== null) {
      this.view.release();
      this.view = null;
    }
  }

  /**
   * Notes that the write set changes `table`'s trees, its rows' and its indexes' (commit verifies
   * the table is unchanged).
   */
  touch(table: TableDef): void {
    this.tables.set(table.root, table);
    for (const index of table.indexes) this.tables.set(index.root, table);
  }

  markCommitting(): void {
    assert.equal(this.stateNow, 'active', 'X1: commit an active transaction');
    this.stateNow = 'committing';
  }

  /** X1, X4: the end, whatever the way. */
  end(): void {
    assert.notEqual(this.stateNow, 'ended', 'X1: a transaction ends once');
    this.stateNow = 'ended';
    if (this.view !== null) {
      this.view.release();
      this.view = null;
    }
  }
}
