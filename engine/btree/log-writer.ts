/**
 * The log writer: LSN allocation, mini-transactions, and the wait for durability.
 *
 * Every page change goes through `MtrImpl.apply`: it gives the change the next LSN and its
 * protection group's backlink, applies it to the buffer-pool page with the same `applyRedo` that
 * storage uses, and keeps the record. `commit` marks the last record as the consistency point
 * (CPL), ships the batch and waits until VDL reaches it.
 *
 * Invariants:
 *   (L1) LSNs are handed out gap-free and in order: the records shipped form one sequence that
 *        continues VolumeState.vdl.
 *   (L2) One mini-transaction is open at a time, so a rollback can give its LSNs back.
 *   (L3) A page touched by the open mini-transaction is pinned until commit or rollback, and its
 *        image from before the mini-transaction is kept so rollback restores it byte for byte.
 *   (L4) Nothing of a mini-transaction reaches storage before its commit, so a rollback leaves no
 *        trace anywhere.
 *   (L5) The writer runs at most LAL_RECORDS ahead of VDL (Aurora's LSN allocation limit): `begin`
 *        waits for durability when it would run further.
 *   (L6) The image kept by L3 is also recorded in the version cache, valid until the LSN of the
 *        first change (VC1), so readers at earlier points never see a half-applied
 *        mini-transaction; a rollback discards those versions with the LSNs it gives back.
 *   (L7) `appliedLsn` is the last LSN of the last committed mini-transaction: the newest read
 *        point at which every page is consistent (a current read reads there).
 *   (L8) `commitStep` commits the open mini-transaction's changes so far exactly as `commit`
 *        would (CPL on the last record, shipped, pins released) and keeps the Mtr open as a new,
 *        empty mini-transaction: a long DDL runs as a series of bounded ones (Trees T9);
 *        `rollbackStep` undoes only the changes since the last step.
 *   (L9) Taps (api.ts RedoTap) get each shipped batch, the very array storage got, right after
 *        storage, and the VDL when a commit's durability wait resolves, before the committer
 *        resumes. With no tap attached a commit pays one field test for them, nothing more.
 *   (L10) A cell edit (insert, replace, delete) of the page the open mini-transaction's last
 *        record changed, when that record is a cell edit too, joins it as a 'cell-edits' record
 *        (redo.ts) instead of taking an LSN of its own: the page gets the same bytes as from
 *        separate records (applyRedo applies the edits in order), and no read point can lie
 *        between two changes of one mini-transaction (L6 versions the page from before its
 *        first change; a current read reads at appliedLsn, below the open one, L7; storage and
 *        read engines read at VDL, a CPL), so no LSN between them is missed.
 *   (L11) A 'cell-replace' by a cell of the same length is shipped as a 'cell-patch' of the bytes
 *        that differ when that is smaller (page-apply.ts cellReplacement): applied to the page
 *        as it is before the change, both give the same bytes, so the page storage builds is the
 *        writer's (issue 8: an UPDATE of one INT column shipped the whole row).
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import {
  type CellEdit,
  type Lsn,
  type PageChange,
  type PageId,
  type RedoRecord,
  type StorageClient,
  type VolumeState,
  CELL_EDITS_BYTES_MAX,
  StorageError,
  applyChange,
  applyRedo,
  cellEditSize,
  cellReplacement,
  encodeRedo,
  lsn,
  protectionGroupOf,
} from '../../storage/index.js';
import { sqlErrorWithMessage } from '../errors.js';
import type { Mtr, RedoTap } from './api.js';
import type { BufferPool } from './buffer-pool.js';

/** Aurora's LSN allocation limit, in records: bounds redo held in memory awaiting quorum. */
export const LAL_RECORDS = 200_000;

interface Touched {
  readonly before: Buffer | undefined; // undefined: the page was created by this mtr
}

/** L10: the edits of the mini-transaction's last record, a 'cell-edits' one, as it grows. */
interface JoinedEdits {
  readonly list: CellEdit[];
  bytes: number;
}

function isCellEdit(change: PageChange): change is CellEdit {
  return change.kind === 'cell-insert' || change.kind === 'cell-replace' ||
    change.kind === 'cell-delete' || change.kind === 'cell-patch';
}

export class MtrImpl implements Mtr {
  records: RedoRecord[] = [];
  /** L10: set while the last record is a 'cell-edits' record that more edits may join. */
  edits: JoinedEdits | undefined;
  readonly touched = new Map<PageId, Touched>();
  /** Pages pinned while an operation walks the tree; released by `releasePins`. */
  readonly pinned: PageId[] = [];
  constructor(
    readonly id: number,
    public firstLsn: Lsn,
    public tailsBefore: ReadonlyMap<number, Lsn>,
  ) {}

  /** L8: the same Mtr, empty again, continuing at `firstLsn`. */
  restart(firstLsn: Lsn, tailsBefore: ReadonlyMap<number, Lsn>): void {
    this.records = [];
    this.edits = undefined;
    this.touched.clear();
    this.firstLsn = firstLsn;
    this.tailsBefore = tailsBefore;
  }
}

export class LogWriter {
  private nextLsn: Lsn;
  private readonly epoch: number;
  private readonly groupTails: Map<number, Lsn>;
  private open: MtrImpl | undefined;
  private mtrCount = 0;
  /** L9: undefined while no tap is attached (never an empty array). Replaced, never mutated. */
  private taps: readonly RedoTap[] | undefined;

  constructor(
    private readonly storage: StorageClient,
    private readonly pool: BufferPool,
    state: VolumeState,
    private readonly log: Logger,
  ) {
    this.nextLsn = lsn(state.vdl + 1);
    this.epoch = state.epoch;
    this.groupTails = new Map(state.groupTails);
  }

  get openMtr(): MtrImpl | undefined {
    return this.open;
  }

  /** L7: the newest consistent read point (VDL ≤ appliedLsn). */
  get appliedLsn(): Lsn {
    return lsn((this.open === undefined ? this.nextLsn : this.open.firstLsn) - 1);
  }

  async begin(): Promise<MtrImpl> {
    const now = this.beginNow();
    if (now !== undefined) return now;
    await this.waitDurable(lsn(this.nextLsn - 1 - LAL_RECORDS)); // L5
    return this.opened();
  }

  /** begin() without waiting: undefined, nothing opened, while L5 holds the writer back. */
  beginNow(): MtrImpl | undefined {
    assert(this.open === undefined, 'L2: one mini-transaction at a time');
    const ahead = this.nextLsn - 1 - this.storage.durableLsn();
    return ahead > LAL_RECORDS ? undefined : this.opened();
  }

  private opened(): MtrImpl {
    assert(this.open === undefined, 'L2: one mini-transaction at a time');
    const mtr = new MtrImpl(++this.mtrCount, this.nextLsn, new Map(this.groupTails));
    this.open = mtr;
    return mtr;
  }

  /** Applies one change to a cached page inside the open mini-transaction (L1, L3, L10, L11). */
  apply(mtr: MtrImpl, id: PageId, page: Buffer, asked: PageChange): void {
    assert(this.open === mtr, 'L2: changes go through the open mini-transaction');
    const change = asked.kind === 'cell-replace' ? cellReplacement(page, asked) : asked; // L11
    if (!mtr.touched.has(id)) {
      const before = this.pool.copyPage(page);
      mtr.touched.set(id, { before });
      this.pool.pinFrame(id, page);
      this.pool.versions.record(id, before, this.nextLsn, true); // L6; reusable once dropped
    } else if (this.joinEdits(mtr, id, page, change)) {
      return;
    }
    const group = protectionGroupOf(id);
    const record: RedoRecord = {
      lsn: this.nextLsn,
      prevLsn: this.groupTails.get(group) ?? (0 as Lsn),
      pageId: id,
      epoch: this.epoch,
      cpl: false,
      change,
    };
    applyRedo(page, record);
    this.groupTails.set(group, record.lsn);
    this.nextLsn = lsn(this.nextLsn + 1);
    mtr.records.push(record);
    mtr.edits = undefined;
  }

  /**
   * L10: a cell edit of the page the mini-transaction's last record changed, itself a cell edit,
   * joins that record (made a 'cell-edits' one) while the edits stay within
   * CELL_EDITS_BYTES_MAX: applied to the page, which already has the record's LSN, at no new
   * LSN. False if it cannot join.
   */
  private joinEdits(mtr: MtrImpl, id: PageId, page: Buffer, change: PageChange): boolean {
    if (!isCellEdit(change)) return false;
    const at = mtr.records.length - 1;
    const last = mtr.records[at];
    if (last === undefined || last.pageId !== id) return false;
    let edits = mtr.edits;
    if (edits === undefined) {
      if (!isCellEdit(last.change)) return false;
      edits = { list: [last.change], bytes: cellEditSize(last.change) };
    }
    const bytes = edits.bytes + cellEditSize(change);
    if (bytes > CELL_EDITS_BYTES_MAX) return false;
    applyChange(page, change);
    edits.list.push(change);
    edits.bytes = bytes;
    if (mtr.edits === undefined) {
      mtr.records[at] = { ...last, change: { kind: 'cell-edits', edits: edits.list } };
      mtr.edits = edits;
    }
    return true;
  }

  /** A new page inside the open mini-transaction: created in the pool, formatted by `change`. */
  create(mtr: MtrImpl, id: PageId, change: PageChange): Buffer {
    assert(this.open === mtr, 'L2: changes go through the open mini-transaction');
    assert(change.kind === 'page-init' || change.kind === 'page-load', 'a new page is formatted');
    const cached = this.pool.peek(id); // a page reused from the free list
    if (cached !== undefined) {
      this.apply(mtr, id, cached, change);
      return cached;
    }
    const page = this.pool.create(id);
    mtr.touched.set(id, { before: undefined });
    this.pool.pin(id);
    this.apply(mtr, id, page, change);
    return page;
  }

  commit(mtr: MtrImpl): Promise<void> {
    assert(this.open === mtr, 'L2: commit the open mini-transaction');
    this.open = undefined;
    return this.ship(mtr);
  }

  /** L8: commits the changes so far; the Mtr stays open, empty, for the next step. */
  commitStep(mtr: MtrImpl): Promise<void> {
    assert(this.open === mtr, 'L2: commit the open mini-transaction');
    assert.equal(mtr.pinned.length, 0, 'L8: a step ends between operations');
    const durable = this.ship(mtr);
    mtr.restart(this.nextLsn, new Map(this.groupTails));
    return durable;
  }

  /** Ships the Mtr's records with its last as the CPL; resolves when they are durable. */
  private ship(mtr: MtrImpl): Promise<void> {
    this.releasePins(mtr);
    for (const id of mtr.touched.keys()) this.pool.unpin(id);
    const last = mtr.records.at(-1);
    if (last === undefined) return Promise.resolve();
    const encoded = mtr.records.map((record, i) =>
      encodeRedo(i === mtr.records.length - 1 ? { ...record, cpl: true } : record),
    );
    this.storage.ship(encoded);
    this.pool.evict();
    const durable = this.waitDurable(last.lsn);
    if (this.taps !== undefined) this.tapped(this.taps, encoded, durable); // L9
    return durable;
  }

  /** L9: attaches a tap to the redo stream; returns its detach. */
  tapRedo(tap: RedoTap): () => void {
    this.taps = [...(this.taps ?? []), tap];
    return () => {
      const rest = (this.taps ?? []).filter((t) => t !== tap);
      this.taps = rest.length === 0 ? undefined : rest;
    };
  }

  /**
   * L9: hands a shipped batch to the taps, and the VDL once `durable` resolves (to those still
   * attached). The reaction is registered before the committer awaits `durable`, so it runs
   * first. A tap that throws is logged: its failure is not the commit's.
   */
  private tapped(
    taps: readonly RedoTap[],
    encoded: readonly Buffer[],
    durable: Promise<void>,
  ): void {
    for (const tap of taps) {
      try {
        tap.shipped(encoded);
      } catch (error) {
        this.log.error({ err: error }, 'redo tap failed on a shipped batch');
      }
    }
    durable.then(
      () => {
        const vdl = this.storage.durableLsn();
        for (const tap of taps) {
          if (this.taps?.includes(tap) !== true) continue; // detached meanwhile
          try {
            tap.durable(vdl);
          } catch (error) {
            this.log.error({ err: error, vdl }, 'redo tap failed on a durable VDL');
          }
        }
      },
      () => undefined, // the committer gets the rejection
    );
  }

  rollback(mtr: MtrImpl): void {
    assert(this.open === mtr, 'L2: roll back the open mini-transaction');
    this.rollbackStep(mtr);
    this.open = undefined;
  }

  /** L8: undoes the changes since the last step (or begin); the Mtr stays open. */
  rollbackStep(mtr: MtrImpl): void {
    assert(this.open === mtr, 'L2: roll back the open mini-transaction');
    assert.equal(this.nextLsn, mtr.firstLsn + mtr.records.length, 'L1: no LSN escaped');
    this.releasePins(mtr);
    for (const [id, touched] of mtr.touched) {
      this.pool.unpin(id);
      this.pool.versions.discardFrom(id, mtr.firstLsn); // L6
      if (touched.before === undefined) {
        this.pool.discard(id);
      } else {
        const page = this.pool.peek(id);
        assert(page !== undefined, 'L3: a touched page stays cached');
        touched.before.copy(page);
      }
    }
    this.nextLsn = mtr.firstLsn;
    this.groupTails.clear();
    for (const [group, tail] of mtr.tailsBefore) this.groupTails.set(group, tail);
    mtr.restart(mtr.firstLsn, mtr.tailsBefore);
  }

  releasePins(mtr: MtrImpl): void {
    for (const id of mtr.pinned) this.pool.unpin(id);
    mtr.pinned.length = 0;
  }

  /** Resolves once VDL ≥ target; ER_ERROR_DURING_COMMIT when the quorum does not confirm it. */
  async waitDurable(target: Lsn): Promise<void> {
    try {
      await this.storage.waitDurable(target);
    } catch (error) {
      if (error instanceof StorageError) {
        this.log.warn({ lsn: target, kind: error.kind }, 'durability not confirmed');
        throw sqlErrorWithMessage(
          'ER_ERROR_DURING_COMMIT',
          `Got error ${error.kind} during COMMIT: the storage quorum did not confirm it in time;` +
            ' the outcome is unknown (it becomes durable if the quorum returns)',
          error,
        );
      }
      throw error;
    }
  }
}
