/**
 * Current reads under row locks (UPDATE, DELETE, SELECT … FOR UPDATE / FOR SHARE, SERIALIZABLE
 * reads), as InnoDB takes them:
 *
 *   a whole-key lookup       a record lock on the key (for a UNIQUE index: on the unique value,
 *                            then on the row's primary key); when no row is there, under
 *                            REPEATABLE READ the gap between the key's neighbours, none under
 *                            READ COMMITTED;
 *   a range scan             a record lock on every entry reached (through an index: and on its
 *                            row's primary key), and under REPEATABLE READ InnoDB's next-key
 *                            extent: one gap from just past the entry before the range, widened
 *                            entry by entry, to the first entry beyond the range, whose record is
 *                            locked too; a range that starts exactly at a primary key locks no
 *                            gap below it;
 *   READ COMMITTED           releases the lock of a row the WHERE clause does not keep.
 *
 * A lock that had to be waited for means other transactions committed meanwhile: the scan reads
 * again from where it was, at the new latest state (so it never misses a committed row), and so
 * it does whenever any commit happened since the entries it holds were read.
 *
 * Invariant (R4): a current read yields a row only while holding its locks, read at a state no
 * older than their grant.
 */
import type { PageId } from '../../storage/index.js';
import type { Entry } from '../btree/api.js';
import type { IndexDef, TableDef } from '../catalog/definitions.js';
import { decodeRow } from '../row.js';
import { entryUniquePrefix } from '../sql/index-keys.js';
import { hasExternals } from '../sql/row-overflow.js';
import type { Value } from '../sql/values.js';
import type {
  Gap,
  GapBound,
  LockManager,
  LockOutcome,
  LockStrength,
  WaitPolicy,
} from './locks.js';
import type { HalfOpenRange, ReadRequest, SourceRow } from './rows.js';
import type { Transaction } from './transaction.js';
import { type Position, type TxnView, keyRange } from './view.js';
import { keyId } from './write-set.js';

/** What a scan locks and yields, for the clustered tree or a secondary index. */
interface ScanTarget {
  readonly root: PageId;
  /** The lock an entry takes (an index's unique value, or the entry's key). */
  lockId(entry: Entry): string;
  /** A range that starts exactly at an entry locks no gap below it (whole primary keys). */
  readonly exactStart: boolean;
  /** The row of a locked entry; null when none; 'again' when a lock on it had to wait. */
  resolve(entry: Entry): SourceRow | null | Promise<SourceRow | null | 'again'>;
}

export class LockingReads {
  constructor(
    private readonly view: TxnView,
    private readonly locks: LockManager,
    private readonly waitFor: (o: LockOutcome | Promise<LockOutcome>) => Promise<LockOutcome>,
  ) {}

  private get txn(): Transaction {
    return this.view.txn;
  }

  async *read(request: ReadRequest): AsyncGenerator<SourceRow> {
    const { table, index } = request;
    if (request.points !== null) {
      const keys = request.reverse ? [...request.points].reverse() : request.points;
      for (const key of keys) {
        const row = await this.lockPoint(request, key);
        if (row !== null) yield { key, row };
      }
      return;
    }
    const ranges = request.reverse ? [...request.ranges].reverse() : request.ranges;
    const target = index === null ? this.tableTarget(table) : this.indexTarget(request, index);
    for (const r of ranges) {
      if (request.uniqueLookup === true && index !== null && r.lower !== undefined) {
        const found = await this.lockUnique(request, index, target, r);
        if (found !== null) yield found;
        continue;
      }
      yield* this.lockRange(request, target, r);
    }
  }

  private strength(request: ReadRequest): LockStrength {
    return request.lock === 'update' ? 'X' : 'S';
  }

  private tableTarget(table: TableDef): ScanTarget {
    return {
      root: table.root,
      lockId: (entry) => keyId(entry.key),
      exactStart: true,
      resolve: (entry) =>
        hasExternals(entry.value)
          ? this.view.row(table, entry.value, null).then((row) => ({ key: entry.key, row }))
          : { key: entry.key, row: decodeRow(table.types, entry.value) },
    };
  }

  private indexTarget(request: ReadRequest, index: IndexDef): ScanTarget {
    const { table } = request;
    const mode = this.strength(request);
    const policy = request.wait ?? 'wait';
    return {
      root: index.root,
      lockId: (entry) =>
        keyId(index.unique ? entryUniquePrefix(entry.key, entry.value) : entry.key),
      exactStart: false,
      resolve: async (entry) => {
        const found = await this.view.rowOfEntry(table, index, entry, null);
        if (found === null) return null;
        const locked = this.locks.lockRecord(this.txn, table.root, keyId(found.key), mode, policy);
        if (locked === 'skipped') return null;
        if (!(locked instanceof Promise)) return this.view.rowOfEntry(table, index, entry, null);
        await this.waitFor(locked);
        return 'again';
      },
    };
  }

  /**
   * A whole-primary-key lookup under a lock (R4); null when no kept row is there. Issue 8
   * (cost): the answer at once when the lock is granted at once and the row's pages are cached
   * (an UPDATE or DELETE by primary key takes no promise here); a promise otherwise.
   */
  lockPoint(request: ReadRequest, key: Buffer): Value[] | null | Promise<Value[] | null> {
    const root = request.table.root;
    const id = keyId(key);
    const mode = this.strength(request);
    const held = this.locks.holds(this.txn, root, id, mode);
    const outcome = this.locks.lockRecord(this.txn, root, id, mode, request.wait ?? 'wait');
    if (outcome instanceof Promise) return this.lockPointAfterWait(request, key, held, outcome);
    if (outcome === 'skipped') return null;
    const value = this.view.current(root, key);
    if (value instanceof Promise || (value !== null && hasExternals(value))) {
      return this.lockedPointRow(request, key, held, value);
    }
    const row = value === null ? null : decodeRow(request.table.types, value);
    return this.settlePoint(request, key, held, row);
  }

  private async lockPointAfterWait(
    request: ReadRequest,
    key: Buffer,
    held: boolean,
    outcome: Promise<LockOutcome>,
  ): Promise<Value[] | null> {
    if ((await this.waitFor(outcome)) === 'skipped') return null;
    return this.lockedPointRow(request, key, held, this.view.current(request.table.root, key));
  }

  /** lockPoint() once its lock is held: the row of the key's current value. */
  private async lockedPointRow(
    request: ReadRequest,
    key: Buffer,
    held: boolean,
    current: Buffer | null | Promise<Buffer | null>,
  ): Promise<Value[] | null> {
    const value = await current;
    const row = value === null ? null : await this.view.row(request.table, value, null);
    return this.settlePoint(request, key, held, row);
  }

  /** lockPoint()'s end: the kept row, or null with the lock given back or the gap locked. */
  private settlePoint(
    request: ReadRequest,
    key: Buffer,
    held: boolean,
    row: Value[] | null,
  ): Value[] | null | Promise<null> {
    if (row !== null && (request.keep === undefined || request.keep(row))) return row;
    const root = request.table.root;
    if (!held && (row === null || !this.txn.repeatable)) {
      this.locks.unlockRecord(this.txn, root, keyId(key));
    }
    if (row === null && this.txn.repeatable) {
      return this.lockGapAround(root, key, request.wait).then(() => null);
    }
    return null;
  }

  /** A UNIQUE index lookup of one value: its lock, then its row's (InnoDB's unique search). */
  private async lockUnique(
    request: ReadRequest,
    index: IndexDef,
    target: ScanTarget,
    r: HalfOpenRange,
  ): Promise<SourceRow | null> {
    const value = r.lower as Buffer;
    const id = keyId(value);
    const mode = this.strength(request);
    for (;;) {
      const held = this.locks.holds(this.txn, index.root, id, mode);
      const outcome = await this.waitFor(
        this.locks.lockRecord(this.txn, index.root, id, mode, request.wait ?? 'wait'),
      );
      if (outcome === 'skipped') return null;
      const at = this.view.trees.latest();
      let entry: Entry | null;
      try {
        entry = await this.view.neighbour(index.root, value, true, true, at);
      } finally {
        at.release();
      }
      if (entry !== null && r.upper !== undefined && Buffer.compare(entry.key, r.upper) >= 0) {
        entry = null;
      }
      if (entry !== null) {
        const found = await target.resolve(entry);
        if (found === 'again') continue;
        if (found !== null && (request.keep === undefined || request.keep(found.row))) {
          return found;
        }
      }
      if (!held && (entry === null || !this.txn.repeatable)) {
        this.locks.unlockRecord(this.txn, index.root, id);
      }
      if (entry === null && this.txn.repeatable) {
        await this.lockGapAround(index.root, value, request.wait);
      }
      return null;
    }
  }

  /**
   * RR, no row at `key`: the gap between its neighbours, as InnoDB locks it. It waits for what
   * it must (a pending insert into the gap) as the read's WAIT n says, else as the session does.
   */
  private async lockGapAround(root: PageId, key: Buffer, wait?: WaitPolicy): Promise<void> {
    const policy = typeof wait === 'object' ? wait : 'wait';
    for (;;) {
      const at = this.view.trees.latest();
      try {
        const prev = await this.view.neighbour(root, key, false, false, at);
        const next = await this.view.neighbour(root, key, false, true, at);
        if (this.view.trees.latestLsn() !== at.lsn) continue;
        const lo = prev === null ? null : { id: keyId(prev.key), inclusive: false };
        const hi = next === null ? null : { id: keyId(next.key), inclusive: false };
        const outcome = this.locks.lockGap(this.txn, root, lo, hi, policy).outcome;
        if (!(outcome instanceof Promise)) return;
        await this.waitFor(outcome);
      } finally {
        at.release();
      }
    }
  }

  /** A range scan under locks (R4, the file comment). */
  private async *lockRange(
    request: ReadRequest,
    target: ScanTarget,
    r: HalfOpenRange,
  ): AsyncGenerator<SourceRow> {
    const { reverse } = request;
    const { root } = target;
    const mode = this.strength(request);
    const policy: WaitPolicy = request.wait ?? 'wait';
    const gaps = this.txn.repeatable && policy !== 'skip';
    const trees = this.view.trees;
    const scan = new RangeLocks(this.locks, this.txn, target, { reverse, mode, policy, gaps });
    let position: Position | null = null;
    restart: for (;;) {
      const at = trees.latest();
      try {
        const start = reverse ? r.upper : r.lower;
        if (gaps && scan.gap === null && start !== undefined) {
          // The entry before the range (InnoDB's first next-key lock starts just past it).
          const before = await this.view.neighbour(root, start, reverse, reverse, at);
          scan.startBound = before === null ? null : { id: keyId(before.key), inclusive: false };
        }
        for await (const entry of this.view.merged(root, keyRange(r, reverse, position), at)) {
          // Locks are granted synchronously after this check, or waited for: then read again.
          if (trees.latestLsn() !== at.lsn) continue restart;
          const exact = target.exactStart && entry.key.equals(r.lower ?? EMPTY);
          if (scan.gap === null && !reverse && exact) {
            // The range starts exactly at a row: no gap below it (InnoDB's LOCK_REC_NOT_GAP).
            scan.startBound = { id: keyId(entry.key), inclusive: true };
          }
          const id = target.lockId(entry);
          const held = this.locks.holds(this.txn, root, id, mode);
          const locked = await this.settle(scan.lockAt(entry));
          if (locked === 'again') continue restart;
          position = { key: entry.key, inclusive: false };
          if (locked === 'skipped') continue;
          const resolving = target.resolve(entry);
          const found = resolving instanceof Promise ? await resolving : resolving;
          if (found === 'again') continue restart;
          if (found === null) continue;
          if (request.keep !== undefined && !request.keep(found.row)) {
            if (!held && !this.txn.repeatable) this.locks.unlockRecord(this.txn, root, id);
            continue;
          }
          yield found;
        }
        if (!gaps) return;
        // The first entry beyond the range: its record and the gap up to it (or to the end).
        const from = position?.key ?? (reverse ? r.upper : r.lower);
        const inclusive = position === null && !reverse;
        const beyond = await this.view.neighbour(root, from, inclusive, !reverse, at);
        if (trees.latestLsn() !== at.lsn) continue restart;
        const last = beyond === null ? scan.coverTo(null) : scan.lockAt(beyond);
        if ((await this.settle(last)) !== 'again') return;
      } finally {
        at.release(); // R3
      }
    }
  }

  /** A lock outcome; 'again' once a lock had to be waited for (the scan reads again). */
  private async settle(
    outcome: LockOutcome | Promise<LockOutcome>,
  ): Promise<LockOutcome | 'again'> {
    if (!(outcome instanceof Promise)) return outcome;
    await this.waitFor(outcome);
    return 'again';
  }
}

/** One range scan's locks: its widening gap and the record locks it takes along the way. */
class RangeLocks {
  gap: Gap | null = null;
  /** Where the gap starts: just past the entry before the range (null: the index's start). */
  startBound: GapBound | null = null;

  constructor(
    private readonly locks: LockManager,
    private readonly txn: Transaction,
    private readonly target: ScanTarget,
    private readonly how: {
      readonly reverse: boolean;
      readonly mode: LockStrength;
      readonly policy: WaitPolicy;
      readonly gaps: boolean;
    },
  ) {}

  /** Widens the scan's gap to `bound` (or takes it first). */
  coverTo(bound: GapBound | null): LockOutcome | Promise<LockOutcome> {
    const { reverse, policy, gaps } = this.how;
    if (!gaps) return 'granted';
    if (this.gap === null) {
      const [lo, hi] = reverse ? [bound, this.startBound] : [this.startBound, bound];
      const taken = this.locks.lockGap(this.txn, this.target.root, lo, hi, policy);
      this.gap = taken.gap;
      return taken.outcome;
    }
    return this.locks.extendGap(this.gap, reverse ? { lo: bound } : { hi: bound }, policy);
  }

  /** The gap up to an entry, then the entry's record lock (both granted at once, or a wait). */
  lockAt(entry: Entry): LockOutcome | Promise<LockOutcome> {
    const covered = this.coverTo({ id: keyId(entry.key), inclusive: false });
    if (covered instanceof Promise) return covered;
    const { mode, policy } = this.how;
    const id = this.target.lockId(entry);
    return this.locks.lockRecord(this.txn, this.target.root, id, mode, policy);
  }
}

const EMPTY = Buffer.alloc(0);
