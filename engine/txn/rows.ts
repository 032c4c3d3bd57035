/**
 * Rows as one transaction sees and changes them: the SQL layer's only way to table data.
 *
 * Reads (a transaction reads its own writes, view.ts):
 *   consistent read   (plain SELECT)                  the transaction's read view, at VDL (X2);
 *   current read      (UPDATE, DELETE, FOR UPDATE …)  the latest committed state, under row
 *                                                     locks (locking-reads.ts).
 * Writes go to the write set only (X3), the table's row and every secondary index entry it
 * puts (sql/index-keys.ts); commit applies them in one mini-transaction (manager.ts).
 *
 * Invariants:
 *   (R3) every snapshot a read takes for itself is released when the read ends or is abandoned.
 *   (R5) INSERT takes the key's insert intention and X record lock before it checks for a
 *        duplicate, so two inserts of one key are ordered by the lock (race-free unique checks);
 *        so does every UNIQUE index for the new value (its lock names the unique value).
 *   (R7) after a statement's writes, the write set holds, for every row it changed, the row and
 *        exactly the index entries of the row's new version, and deletions of the entries of its
 *        old one: the indexes stay consistent with the table at commit.
 */
import type { PageId } from '../../storage/index.js';
import type { Trees } from '../btree/api.js';
import type { ColumnDef, IndexDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { encodeRow } from '../row.js';
import { type IndexEntry, indexEntry, indexKeyParts, prefixed } from '../sql/index-keys.js';
import type { Value } from '../sql/values.js';
import { toText } from '../sql/values.js';
import { LockingReads } from './locking-reads.js';
import { METADATA_LOCK_WAIT_TIMEOUT_S } from '../config.js';
import type { LockManager, LockOutcome, WaitPolicy } from './locks.js';
import { type MetadataLocks, tableLockName } from './mdl.js';
import type { Interruptible } from './session-txn.js';
import type { Transaction } from './transaction.js';
import { type Census, TxnView } from './view.js';
import { keyId } from './write-set.js';
import { type Soon, andThen, forEachSoon } from '../soon.js';

export interface SourceRow {
  /** The row's primary key (or hidden row id), encoded. */
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

/** A locking clause's reads: FOR UPDATE, or FOR SHARE / LOCK IN SHARE MODE. */
export function clauseLocking(clause: {
  readonly strength: 'share' | 'update';
  readonly wait: WaitPolicy;
}): Locking {
  return { mode: clause.strength === 'update' ? 'update' : 'share', wait: clause.wait };
}

/** A key range [lower, upper): lower inclusive, upper exclusive; absent ends are open. */
export interface HalfOpenRange {
  readonly lower?: Buffer;
  readonly upper?: Buffer;
}

export interface ReadRequest {
  readonly table: TableDef;
  /** The secondary index the read goes through (its entries' ranges), or null: the table. */
  readonly index: IndexDef | null;
  /** Whole primary keys to look up; null when the read is by ranges. */
  readonly points: readonly Buffer[] | null;
  /** Ranges in key order (ignored when `points` is given). */
  readonly ranges: readonly HalfOpenRange[];
  /** Each range is one whole value of a UNIQUE index (at most one row). */
  readonly uniqueLookup?: boolean;
  readonly reverse: boolean;
  /** 'none' reads the transaction's snapshot; the others read current data under locks. */
  readonly lock: LockMode;
  /** NOWAIT / SKIP LOCKED; 'wait' by default. */
  readonly wait?: WaitPolicy;
  /** The rows the statement keeps (its WHERE); others are not yielded. */
  readonly keep?: (row: Value[]) => boolean;
  /**
   * A consistent read decodes only the columns marked true, the others read as null (issue 8,
   * sql/read-columns.ts); absent: every column. Locking reads ignore it.
   */
  readonly needed?: readonly boolean[];
}

/** A consistent read of every row of `table`, in key order (counts, sizes, statistics). */
export function wholeTable(table: TableDef): ReadRequest {
  return { table, index: null, points: null, ranges: [{}], reverse: false, lock: 'none' };
}

/** ER_DUP_ENTRY for the primary key ('PRIMARY') or a UNIQUE index, worded as MySQL 8 does. */
export function duplicateEntry(
  table: TableDef,
  row: readonly Value[],
  index: IndexDef | null,
): SqlError {
  const parts = index === null ? table.primaryKey.map((column) => ({ column })) : index.parts;
  const keyParts = index === null ? null : indexKeyParts(table, index);
  const text = parts
    .map((p, i) => {
      const column = table.columns[p.column] as ColumnDef;
      const value = row[p.column] as Value;
      const part = keyParts?.[i];
      const shown = part === undefined ? value : prefixed(part, value);
      return value === null ? 'NULL' : toText(column.type, shown);
    })
    .join('-');
  return new SqlError('ER_DUP_ENTRY', [text, `${table.name}.${index?.name ?? 'PRIMARY'}`]);
}

/** Each table definition's metadata lock name, made once (definitions are immutable). */
const lockNames = new WeakMap<TableDef, string>();

function lockNameOf(table: TableDef): string {
  let name = lockNames.get(table);
  if (name === undefined) {
    name = tableLockName(table.database, table.name);
    lockNames.set(table, name);
  }
  return name;
}

export class TxnRows {
  private readonly view: TxnView;
  private readonly interrupt: Interruptible | undefined;
  private readonly metadataLockWaitMs: number;
  private readonly locking: LockingReads;

  constructor(
    trees: Trees,
    readonly txn: Transaction,
    private readonly locks: LockManager,
    private readonly mdl: MetadataLocks,
    options: { readonly interrupt?: Interruptible; readonly metadataLockWaitMs?: number } = {},
  ) {
    this.interrupt = options.interrupt;
    this.metadataLockWaitMs = options.metadataLockWaitMs ?? METADATA_LOCK_WAIT_TIMEOUT_S * 1000;
    this.view = new TxnView(trees, txn);
    this.locking = new LockingReads(this.view, locks, (o) => this.waitFor(o));
  }

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

  /**
   * The table's metadata lock (mdl.ts): a transaction that uses a table holds it to its end.
   * Undefined when granted at once.
   */
  private useTable(table: TableDef): Promise<void> | undefined {
    const name = lockNameOf(table);
    const waiting = this.mdl.shared(this.txn, name, this.metadataLockWaitMs);
    if (waiting === undefined || this.interrupt === undefined) return waiting;
    return this.interrupt.race(waiting).catch((error: unknown) => {
      // Killed while waiting: the request goes, so it is never granted to an ended statement.
      this.mdl.cancel(this.txn, new SqlError('ER_QUERY_INTERRUPTED'));
      throw error;
    });
  }

  /** CHECK TABLE: a tree of `table` (its own or an index's) read whole at the read view. */
  async census(table: TableDef, root: PageId): Promise<Census> {
    await this.useTable(table);
    return this.view.census(root);
  }

  /** The rows the request reaches, in key (or index) order, or reverse. */
  read(request: ReadRequest): AsyncGenerator<SourceRow> {
    if (request.lock !== 'none') this.txn.readCurrent = true; // X5
    const waiting = this.useTable(request.table);
    const rows = (): AsyncGenerator<SourceRow> =>
      request.lock === 'none' ? this.view.consistent(request) : this.locking.read(request);
    if (waiting === undefined) return rows();
    return (async function* () {
      await waiting;
      yield* rows();
    })();
  }

  /**
   * read() of a locking request for one whole primary key (UPDATE or DELETE by primary key): its
   * row, or null; at once when nothing has to wait (issue 8: no generator, no promise).
   */
  lockedPoint(request: ReadRequest): SourceRow | null | Promise<SourceRow | null> {
    const key = request.points?.[0];
    if (request.lock === 'none' || key === undefined || request.points?.length !== 1) {
      throw new Error('lockedPoint: a locking read of one key');
    }
    this.txn.readCurrent = true; // X5
    const waiting = this.useTable(request.table);
    if (waiting !== undefined) return waiting.then(() => this.lockedPoint(request));
    const row = this.locking.lockPoint(request, key);
    if (row instanceof Promise) return row.then((r) => (r === null ? null : { key, row: r }));
    return row === null ? null : { key, row };
  }

  /**
   * A consistent read of whole primary keys, its rows collected (issue 8's point selects): at
   * once when nothing waits and every row is cached (view.ts consistentPointsNow), else a promise.
   */
  pointRows(request: ReadRequest): SourceRow[] | Promise<SourceRow[]> {
    if (request.lock !== 'none') throw new Error('pointRows: a consistent read only');
    const waiting = this.useTable(request.table);
    if (waiting !== undefined) return waiting.then(() => this.view.consistentPoints(request));
    return this.view.consistentPointsNow(request) ?? this.view.consistentPoints(request);
  }

  /**
   * read(), a batch of rows at a time: a consistent read's per scan batch (view.ts
   * consistentBatches), a locking read's one row per batch (its locks are taken as rows are
   * pulled, so a LIMIT above still stops the locking).
   */
  readBatches(request: ReadRequest): AsyncGenerator<Value[][]> {
    if (request.lock !== 'none') this.txn.readCurrent = true; // X5
    const waiting = this.useTable(request.table);
    const view = this.view;
    // Issue 8: a consistent read with its table lock granted is the view's generator itself.
    if (waiting === undefined && request.lock === 'none') return view.consistentBatches(request);
    const locking = this.locking;
    return (async function* () {
      if (waiting !== undefined) await waiting;
      if (request.lock === 'none') {
        yield* view.consistentBatches(request);
        return;
      }
      for await (const r of locking.read(request)) yield [r.row];
    })();
  }

  // -- writes -------------------------------------------------------------------------------------

  /**
   * The insert intention and X lock on a new key of `root` (R5); undefined when both are granted
   * at once (issue 8: no promise), else a promise of them.
   */
  private claim(root: PageId, key: Buffer, lockId: string): Promise<void> | undefined {
    const intention = this.locks.insertIntention(this.txn, root, keyId(key), 'wait');
    if (intention instanceof Promise) return this.claimAfter(intention, root, lockId);
    const record = this.locks.lockRecord(this.txn, root, lockId, 'X', 'wait');
    return record instanceof Promise ? this.waitFor(record).then(() => undefined) : undefined;
  }

  private async claimAfter(
    intention: Promise<LockOutcome>,
    root: PageId,
    lockId: string,
  ): Promise<void> {
    await this.waitFor(intention);
    await this.waitFor(this.locks.lockRecord(this.txn, root, lockId, 'X', 'wait'));
  }

  /**
   * An index entry the row's new version puts, claimed and checked for uniqueness (R5); at once
   * when its locks are granted and the index is not unique.
   */
  private addEntry(
    table: TableDef,
    index: IndexDef,
    entry: IndexEntry,
    row: readonly Value[],
  ): Soon<void> {
    const lockId = keyId(index.unique ? entry.unique : entry.key);
    const claiming = this.claim(index.root, entry.key, lockId);
    if (claiming === undefined) return this.addClaimed(table, index, entry, row);
    return claiming.then(() => this.addClaimed(table, index, entry, row));
  }

  private addClaimed(
    table: TableDef,
    index: IndexDef,
    entry: IndexEntry,
    row: readonly Value[],
  ): Soon<void> {
    if (index.unique && !entry.hasNull) return this.addUnique(table, index, entry, row);
    this.txn.writes.put(index.root, entry.key, entry.value, { fresh: true });
    return undefined;
  }

  /** addEntry() of a UNIQUE index's entry, once claimed: 1062 when the value is taken. */
  private async addUnique(
    table: TableDef,
    index: IndexDef,
    entry: IndexEntry,
    row: readonly Value[],
  ): Promise<void> {
    const at = this.view.trees.latest();
    try {
      const next = await this.view.neighbour(index.root, entry.unique, true, true, at);
      if (next !== null && next.key.subarray(0, entry.unique.length).equals(entry.unique)) {
        throw duplicateEntry(table, row, index);
      }
    } finally {
      at.release();
    }
    this.txn.writes.put(index.root, entry.key, entry.value, { fresh: true });
  }

  /** An index entry of the row's old version, locked and deleted (at once when granted). */
  private dropEntry(index: IndexDef, entry: IndexEntry): Promise<void> | undefined {
    const lockId = keyId(index.unique ? entry.unique : entry.key);
    const locked = this.locks.lockRecord(this.txn, index.root, lockId, 'X', 'wait');
    if (locked instanceof Promise) {
      return this.waitFor(locked).then(() => {
        this.txn.writes.put(index.root, entry.key, null, { fresh: false });
      });
    }
    this.txn.writes.put(index.root, entry.key, null, { fresh: false });
    return undefined;
  }

  private touch(table: TableDef): void {
    this.txn.touch(table);
  }

  /**
   * INSERT of one row under primary key `key` (R5, R7); ER_DUP_ENTRY when a key is taken. At
   * once when every lock is granted and every page it reads is cached (issue 8: no promise).
   */
  insert(table: TableDef, key: Buffer, row: readonly Value[]): Soon<void> {
    this.txn.readCurrent = true; // X5: the duplicate checks read the latest state
    const using = this.useTable(table);
    if (using !== undefined) return using.then(() => this.insertUsing(table, key, row));
    return this.insertUsing(table, key, row);
  }

  private insertUsing(table: TableDef, key: Buffer, row: readonly Value[]): Soon<void> {
    const claiming = this.claim(table.root, key, keyId(key));
    if (claiming !== undefined) return claiming.then(() => this.insertClaimed(table, key, row));
    return this.insertClaimed(table, key, row);
  }

  /** insert(), its key claimed: the duplicate check, then the row and its index entries. */
  private insertClaimed(table: TableDef, key: Buffer, row: readonly Value[]): Soon<void> {
    const mine = this.txn.writes.get(table.root, key);
    if (mine !== undefined) {
      if (mine.value !== null) throw duplicateEntry(table, row, null);
      return this.insertNew(table, key, row, mine.fresh);
    }
    return andThen(this.view.current(table.root, key), (current) => {
      if (current !== null) throw duplicateEntry(table, row, null);
      return this.insertNew(table, key, row, true);
    });
  }

  private insertNew(
    table: TableDef,
    key: Buffer,
    row: readonly Value[],
    fresh: boolean,
  ): Soon<void> {
    this.touch(table);
    const indexes = table.indexes;
    const adding = forEachSoon(indexes.length, (i) => {
      const index = indexes[i] as IndexDef;
      return this.addEntry(table, index, indexEntry(table, index, key, row), row);
    });
    return andThen(adding, () => {
      this.txn.writes.put(table.root, key, encodeRow(table.types, row), { fresh });
    });
  }

  /**
   * UPDATE of a row read by a current read (so locked): same key, or moved to `key` (R7); at
   * once when every lock is granted.
   */
  update(
    table: TableDef,
    target: { readonly key: Buffer; readonly row: readonly Value[] },
    key: Buffer,
    row: readonly Value[],
  ): Soon<void> {
    const using = this.useTable(table);
    if (using !== undefined) return using.then(() => this.updateUsing(table, target, key, row));
    return this.updateUsing(table, target, key, row);
  }

  private updateUsing(
    table: TableDef,
    target: { readonly key: Buffer; readonly row: readonly Value[] },
    key: Buffer,
    row: readonly Value[],
  ): Soon<void> {
    this.touch(table);
    if (!key.equals(target.key)) {
      return andThen(this.delete(table, target), () => this.insert(table, key, row));
    }
    const indexes = table.indexes;
    const entries = forEachSoon(indexes.length, (i) => {
      const index = indexes[i] as IndexDef;
      const before = indexEntry(table, index, key, target.row);
      const after = indexEntry(table, index, key, row);
      if (before.key.equals(after.key)) {
        // Unchanged, but this transaction's index reads must find the row by it (view.ts R6).
        if (this.txn.writes.get(index.root, after.key) === undefined) {
          this.txn.writes.put(index.root, after.key, after.value, {
            fresh: false,
            visibleOnly: true,
          });
        }
        return undefined;
      }
      return andThen(this.dropEntry(index, before), () => this.addEntry(table, index, after, row));
    });
    return andThen(entries, () => {
      this.txn.writes.put(table.root, key, encodeRow(table.types, row), { fresh: false });
    });
  }

  /**
   * DELETE of a row read by a current read (so locked): the row and its index entries (R7); at
   * once when every lock is granted.
   */
  delete(
    table: TableDef,
    target: { readonly key: Buffer; readonly row: readonly Value[] },
  ): Soon<void> {
    const using = this.useTable(table);
    if (using !== undefined) return using.then(() => this.deleteUsing(table, target));
    return this.deleteUsing(table, target);
  }

  private deleteUsing(
    table: TableDef,
    target: { readonly key: Buffer; readonly row: readonly Value[] },
  ): Soon<void> {
    this.touch(table);
    const indexes = table.indexes;
    const dropping = forEachSoon(indexes.length, (i) => {
      const index = indexes[i] as IndexDef;
      return this.dropEntry(index, indexEntry(table, index, target.key, target.row));
    });
    return andThen(dropping, () => {
      this.txn.writes.put(table.root, target.key, null, { fresh: false });
    });
  }
}
