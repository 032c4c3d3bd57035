/**
 * Rows as one transaction sees and changes them: the SQL layer's only way to table data.
 *
 * Reads merge the transaction's write set over a snapshot of the trees (a transaction reads its
 * own writes):
 *   consistent read   (plain SELECT)                  the transaction's read view, at VDL (X2);
 *   current read      (UPDATE, DELETE, FOR UPDATE …)  the latest committed state (Trees.latest),
 *                                                     under row locks (locks.ts).
 * Writes go to the write set only (X3); commit applies them (manager.ts).
 *
 * Locking reads, as InnoDB takes them:
 *   a whole-key lookup       a record lock on the key; when no row is there, under REPEATABLE
 *                            READ a gap on the key itself (so nobody inserts it), none under
 *                            READ COMMITTED;
 *   a range scan             a record lock on every row reached, and under REPEATABLE READ one
 *                            gap widened row by row over the whole range scanned (next-key
 *                            locking: no phantom can appear in it);
 *   READ COMMITTED           releases the lock of a row the WHERE clause does not keep.
 * A lock that had to be waited for means other transactions committed meanwhile: the scan reads
 * again from where it was, at the new latest state (so it never misses a committed row), and so
 * it does whenever a commit happened since the rows it holds were read.
 *
 * Invariants:
 *   (R1) a key the write set holds is read from the write set, never from the snapshot.
 *   (R2) a range read yields keys in strictly increasing order (decreasing when reverse), each
 *        once, from the merge of the snapshot's and the write set's keys in the range.
 *   (R3) every snapshot a read takes for itself is released when the read ends or is abandoned.
 *   (R4) a current read yields a row only while holding its record lock, read at a state no
 *        older than the lock's grant.
 *   (R5) INSERT takes the key's insert intention and X record lock before it checks for a
 *        duplicate, so two inserts of one key are ordered by the lock (race-free unique checks).
 */
import type { PageId } from '../../storage/index.js';
import type { Entry, KeyRange, Snapshot, Trees } from '../btree/api.js';
import type { ColumnDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { decodeRow, encodeRow } from '../row.js';
import type { Value } from '../sql/values.js';
import { toText } from '../sql/values.js';
import type {
  GapBound,
  Gap,
  LockManager,
  LockOutcome,
  LockStrength,
  WaitPolicy,
} from './locks.js';
import type { Interruptible } from './session-txn.js';
import type { Transaction } from './transaction.js';
import { type WriteEntry, keyId } from './write-set.js';

export interface SourceRow {
  readonly key: Buffer;
  readonly row: Value[];
}

/** How a read locks: plain (none), FOR SHARE, FOR UPDATE / UPDATE / DELETE. */
export type LockMode = 'none' | 'share' | 'update';

/** A read's locking: its mode and what it does when a lock is taken (NOWAIT, SKIP LOCKED). */
export interface Locking {
  readonly mode: LockMode;
  readonly wait: WaitPolicy;
}

export const CONSISTENT: Locking = { mode: 'none', wait: 'wait' };
export const FOR_UPDATE: Locking = { mode: 'update', wait: 'wait' };

/** A key range [lower, upper): lower inclusive, upper exclusive; absent ends are open. */
export interface HalfOpenRange {
  readonly lower?: Buffer;
  readonly upper?: Buffer;
}

export interface ReadRequest {
  readonly table: TableDef;
  /** Whole primary keys to look up; null when the read is by ranges. */
  readonly points: readonly Buffer[] | null;
  /** Ranges in key order (ignored when `points` is given). */
  readonly ranges: readonly HalfOpenRange[];
  readonly reverse: boolean;
  /** 'none' reads the transaction's snapshot; the others read current data under locks. */
  readonly lock: LockMode;
  /** NOWAIT / SKIP LOCKED; 'wait' by default. */
  readonly wait?: WaitPolicy;
  /** The rows the statement keeps (its WHERE); others are not yielded. */
  readonly keep?: (row: Value[]) => boolean;
}

export function duplicateEntry(table: TableDef, row: readonly Value[], keyName: string): SqlError {
  const text = table.primaryKey
    .map((i) => toText((table.columns[i] as ColumnDef).type, row[i] as Value))
    .join('-');
  return new SqlError('ER_DUP_ENTRY', [text, `${table.name}.${keyName}`]);
}

/** Where a range scan stands: the next key to read is after (or at, when inclusive) `key`. */
interface Position {
  readonly key: Buffer;
  readonly inclusive: boolean;
}

export class TxnRows {
  constructor(
    private readonly trees: Trees,
    readonly txn: Transaction,
    private readonly locks: LockManager,
    private readonly interrupt?: Interruptible,
  ) {}

  /** Waits for a lock; KILL QUERY withdraws the request and fails the statement (1317). */
  private async waitFor(outcome: LockOutcome | Promise<LockOutcome>): Promise<LockOutcome> {
    if (!(outcome instanceof Promise) || this.interrupt === undefined) return outcome;
    outcome.catch(() => undefined); // its rejection after a KILL is handled below
    try {
      return await this.interrupt.race(outcome);
    } catch (error) {
      if (error instanceof SqlError && error.code === 'ER_QUERY_INTERRUPTED') {
        this.locks.cancelWait(this.txn, error);
      }
      throw error;
    }
  }

  /** The rows the request reaches, in key order (or reverse): R1–R4. */
  read(request: ReadRequest): AsyncGenerator<SourceRow> {
    return request.lock === 'none' ? this.consistentRead(request) : this.lockingRead(request);
  }

  private async *consistentRead(request: ReadRequest): AsyncGenerator<SourceRow> {
    const at = this.txn.readView();
    const { table, keep } = request;
    const root = table.root;
    if (request.points !== null) {
      const keys = request.reverse ? [...request.points].reverse() : request.points;
      for (const key of keys) {
        const mine = this.txn.writes.get(root, key);
        const value = mine !== undefined ? mine.value : await this.trees.get(root, key, at);
        if (value === null || value === undefined) continue;
        const row = decodeRow(table.types, value);
        if (keep === undefined || keep(row)) yield { key, row };
      }
      return;
    }
    const ranges = request.reverse ? [...request.ranges].reverse() : request.ranges;
    for (const r of ranges) {
      for await (const entry of this.merged(root, keyRange(r, request.reverse, null), at)) {
        const row = decodeRow(table.types, entry.value);
        if (keep === undefined || keep(row)) yield { key: entry.key, row };
      }
    }
  }

  /** R2: the snapshot's entries in `range` with the write set's laid over them. */
  private async *merged(root: PageId, range: KeyRange, at: Snapshot): AsyncGenerator<Entry> {
    const mine = this.txn.writes.range(root, range);
    const sign = range.reverse === true ? -1 : 1;
    let m = 0;
    const own = function* (until: Buffer | null): Generator<Entry> {
      for (; m < mine.length; m++) {
        const w = mine[m] as WriteEntry;
        if (until !== null && Buffer.compare(w.key, until) * sign >= 0) return;
        if (w.value !== null) yield { key: w.key, value: w.value };
      }
    };
    for await (const batch of this.trees.scan(root, range, at)) {
      for (const entry of batch) {
        yield* own(entry.key);
        const w = mine[m];
        if (w !== undefined && w.key.equals(entry.key)) {
          m++;
          if (w.value !== null) yield { key: w.key, value: w.value };
          continue;
        }
        yield entry;
      }
    }
    yield* own(null);
  }

  // -- current reads under locks ------------------------------------------------------------------

  private strength(request: ReadRequest): LockStrength {
    return request.lock === 'update' ? 'X' : 'S';
  }

  /** The current value of a key: the write set's, or the latest committed one. */
  private async current(root: PageId, key: Buffer): Promise<Buffer | null> {
    const mine = this.txn.writes.get(root, key);
    if (mine !== undefined) return mine.value;
    const at = this.trees.latest();
    try {
      return (await this.trees.get(root, key, at)) ?? null;
    } finally {
      at.release();
    }
  }

  private async *lockingRead(request: ReadRequest): AsyncGenerator<SourceRow> {
    if (request.points !== null) {
      const keys = request.reverse ? [...request.points].reverse() : request.points;
      for (const key of keys) {
        const row = await this.lockPoint(request, key);
        if (row !== null) yield { key, row };
      }
      return;
    }
    const ranges = request.reverse ? [...request.ranges].reverse() : request.ranges;
    for (const r of ranges) yield* this.lockRange(request, r);
  }

  /** The nearest key beyond `from` in one direction (write set included), at `at`. */
  private async neighbour(
    root: PageId,
    from: Buffer | undefined,
    inclusive: boolean,
    forward: boolean,
    at: Snapshot,
  ): Promise<Buffer | null> {
    const bound = from === undefined ? {} : forward
      ? { lower: { key: from, inclusive } }
      : { upper: { key: from, inclusive } };
    for await (const entry of this.merged(root, { ...bound, reverse: !forward }, at)) {
      return entry.key;
    }
    return null;
  }

  /** A whole-key lookup under a lock (R4); null when no kept row is there. */
  private async lockPoint(request: ReadRequest, key: Buffer): Promise<Value[] | null> {
    const { table } = request;
    const root = table.root;
    const id = keyId(key);
    const mode = this.strength(request);
    const held = this.locks.holds(this.txn, root, id, mode);
    const outcome = await this.waitFor(
      this.locks.lockRecord(this.txn, root, id, mode, request.wait ?? 'wait'),
    );
    if (outcome === 'skipped') return null;
    const value = await this.current(root, key);
    const row = value === null ? null : decodeRow(table.types, value);
    if (row !== null && (request.keep === undefined || request.keep(row))) return row;
    if (!held && (row === null || !this.txn.repeatable)) {
      this.locks.unlockRecord(this.txn, root, id);
    }
    if (row === null && this.txn.repeatable) await this.lockGapAround(root, key);
    return null;
  }

  /** RR, no row at `key`: the gap between its neighbours, as InnoDB locks it. */
  private async lockGapAround(root: PageId, key: Buffer): Promise<void> {
    for (;;) {
      const at = this.trees.latest();
      try {
        const prev = await this.neighbour(root, key, false, false, at);
        const next = await this.neighbour(root, key, false, true, at);
        if (this.trees.latestLsn() !== at.lsn) continue;
        const lo = prev === null ? null : { id: keyId(prev), inclusive: false };
        const hi = next === null ? null : { id: keyId(next), inclusive: false };
        const outcome = this.locks.lockGap(this.txn, root, lo, hi, 'wait').outcome;
        if (!(outcome instanceof Promise)) return;
        await this.waitFor(outcome);
      } finally {
        at.release();
      }
    }
  }

  /**
   * A range scan under locks (R4): record locks on the rows, and under REPEATABLE READ InnoDB's
   * next-key extent: one gap from just past the key before the range, widened row by row, to the
   * first key beyond the range — whose record is locked too (no phantom can appear in between).
   */
  private async *lockRange(request: ReadRequest, r: HalfOpenRange): AsyncGenerator<SourceRow> {
    const { table, reverse } = request;
    const root = table.root;
    const mode = this.strength(request);
    const policy = request.wait ?? 'wait';
    const gaps = this.txn.repeatable && policy !== 'skip';
    let gap: Gap | null = null;
    let startBound: GapBound | null = null;
    let position: Position | null = null;
    const coverTo = (bound: GapBound | null): LockOutcome | Promise<LockOutcome> => {
      if (!gaps) return 'granted';
      if (gap === null) {
        const [lo, hi] = reverse ? [bound, startBound] : [startBound, bound];
        const taken = this.locks.lockGap(this.txn, root, lo, hi, policy);
        gap = taken.gap;
        return taken.outcome;
      }
      return this.locks.extendGap(gap, reverse ? { lo: bound } : { hi: bound }, policy);
    };
    /** The record lock on `key` (after the gap up to it): 'again' when it had to wait. */
    const lockAt = async (key: Buffer): Promise<'again' | LockOutcome> => {
      const covered = coverTo({ id: keyId(key), inclusive: false });
      if (covered instanceof Promise) {
        await this.waitFor(covered);
        return 'again';
      }
      const locked = this.locks.lockRecord(this.txn, root, keyId(key), mode, policy);
      if (!(locked instanceof Promise)) return locked;
      await this.waitFor(locked);
      return 'again';
    };
    scan: for (;;) {
      const at = this.trees.latest();
      try {
        const start = reverse ? r.upper : r.lower;
        if (gaps && gap === null && start !== undefined) {
          // The key before the range (InnoDB's first next-key lock starts just past it).
          const before = await this.neighbour(root, start, reverse, reverse, at);
          startBound = before === null ? null : { id: keyId(before), inclusive: false };
        }
        for await (const entry of this.merged(root, keyRange(r, reverse, position), at)) {
          // Locks are granted synchronously after this check, or waited for: then read again.
          if (this.trees.latestLsn() !== at.lsn) continue scan;
          if (gap === null && !reverse && r.lower !== undefined && entry.key.equals(r.lower)) {
            // The range starts exactly at a row: no gap below it (InnoDB's LOCK_REC_NOT_GAP).
            startBound = { id: keyId(r.lower), inclusive: true };
          }
          const id = keyId(entry.key);
          const held = this.locks.holds(this.txn, root, id, mode);
          const locked = await lockAt(entry.key);
          if (locked === 'again') continue scan;
          position = { key: entry.key, inclusive: false };
          if (locked === 'skipped') continue;
          const row = decodeRow(table.types, entry.value);
          if (request.keep !== undefined && !request.keep(row)) {
            if (!held && !this.txn.repeatable) this.locks.unlockRecord(this.txn, root, id);
            continue;
          }
          yield { key: entry.key, row };
        }
        if (!gaps) return;
        // The first key beyond the range: its record and the gap up to it (or to the end).
        const from = position?.key ?? (reverse ? r.upper : r.lower);
        const beyond = await this.neighbour(root, from, position === null && !reverse, !reverse, at);
        if (this.trees.latestLsn() !== at.lsn) continue scan;
        if (beyond === null) {
          const covered = coverTo(null);
          if (covered instanceof Promise) {
            await this.waitFor(covered);
            continue scan;
          }
          return;
        }
        if ((await lockAt(beyond)) === 'again') continue scan;
        return;
      } finally {
        at.release(); // R3
      }
    }
  }

  // -- writes -------------------------------------------------------------------------------------

  /** INSERT of one row under `key` (R5); ER_DUP_ENTRY when the key holds a row. */
  async insert(table: TableDef, key: Buffer, row: readonly Value[]): Promise<void> {
    const root = table.root;
    const id = keyId(key);
    await this.waitFor(this.locks.insertIntention(this.txn, root, id, 'wait'));
    await this.waitFor(this.locks.lockRecord(this.txn, root, id, 'X', 'wait'));
    const mine = this.txn.writes.get(root, key);
    let fresh: boolean;
    if (mine !== undefined) {
      if (mine.value !== null) throw duplicateEntry(table, row, 'PRIMARY');
      fresh = mine.fresh;
    } else {
      if ((await this.current(root, key)) !== null) throw duplicateEntry(table, row, 'PRIMARY');
      fresh = true;
    }
    this.txn.touch(table, [root]);
    this.txn.writes.put(root, key, encodeRow(table.types, row), { fresh });
  }

  /** UPDATE of a row read by a current read (so locked): same key, or moved to `key`. */
  async update(
    table: TableDef,
    target: SourceRow,
    key: Buffer,
    row: readonly Value[],
  ): Promise<void> {
    const root = table.root;
    this.txn.touch(table, [root]);
    if (key.equals(target.key)) {
      this.txn.writes.put(root, key, encodeRow(table.types, row), { fresh: false });
      return;
    }
    this.txn.writes.put(root, target.key, null, { fresh: false });
    await this.insert(table, key, row);
  }

  /** DELETE of a row read by a current read (so locked). */
  async delete(table: TableDef, target: SourceRow): Promise<void> {
    this.txn.touch(table, [table.root]);
    this.txn.writes.put(table.root, target.key, null, { fresh: false });
  }
}

/** The Trees range for `r`, resumed after `position` when a scan restarts. */
function keyRange(r: HalfOpenRange, reverse: boolean, position: Position | null): KeyRange {
  let lower = r.lower === undefined ? undefined : { key: r.lower, inclusive: true };
  let upper = r.upper === undefined ? undefined : { key: r.upper, inclusive: false };
  if (position !== null) {
    if (reverse) upper = { key: position.key, inclusive: position.inclusive };
    else lower = { key: position.key, inclusive: position.inclusive };
  }
  return {
    ...(lower === undefined ? {} : { lower }),
    ...(upper === undefined ? {} : { upper }),
    reverse,
  };
}
