/**
 * A transaction's view of the trees: a snapshot with the transaction's write set laid over it,
 * and the consistent reads (plain SELECT) built on that.
 *
 * Invariants:
 *   (R1) a key the write set holds is read from the write set, never from the snapshot.
 *   (R2) a range read yields keys in strictly increasing order (decreasing when reverse), each
 *        once, from the merge of the snapshot's and the write set's keys in the range.
 *   (R6) a row reached through a secondary index entry is yielded only when the row, as this
 *        view sees it, still puts that very entry in the index: a snapshot's entry for a row the
 *        transaction has changed since is skipped, and the changed row is found through its
 *        own entry in the write set.
 *   (R7) an index read whose columns its entries hold (none, as COUNT(*) needs, or columns of
 *        the index and the primary key whose keys read back as values) yields an entry's row
 *        from the entry alone, without fetching it, unless the transaction has changed that row
 *        (then R6 reads it); with no writes at all, straight from the snapshot's entries
 *        (coveringEntries).
 */
import assert from 'node:assert/strict';
import type { PageId } from '../../storage/index.js';
import type { Entry, KeyRange, Snapshot, Trees } from '../btree/api.js';
import type { IndexDef, TableDef } from '../catalog/definitions.js';
import { SCAN_NOW_LEAVES_MAX } from '../config.js';
import { decodeRow, decodeRowAt } from '../row.js';
import { type EntryColumns, entryColumns, entryPrimaryKey, indexEntry } from '../sql/index-keys.js';
import { hasExternals, hasExternalsAt, loadRow } from '../sql/row-overflow.js';
import type { Value } from '../sql/values.js';
import type { HalfOpenRange, ReadRequest, SourceRow } from './rows.js';
import type { Transaction } from './transaction.js';
import type { WriteEntry } from './write-set.js';

/** A tree read whole: how many entries, and whether their keys ascended (CHECK TABLE). */
export interface Census {
  readonly count: number;
  readonly ascending: boolean;
}

/** Where a range scan stands: the next key to read is after (or at, when inclusive) `key`. */
export interface Position {
  readonly key: Buffer;
  readonly inclusive: boolean;
}

/** The Trees range for `r`, resumed after `position` when a scan restarts. */
export function keyRange(r: HalfOpenRange, reverse: boolean, position: Position | null): KeyRange {
  let lower = r.lower === undefined ? undefined : { key: r.lower, inclusive: true };
  let upper = r.upper === undefined ? undefined : { key: r.upper, inclusive: false };
  if (position !== null) {
    if (reverse) upper = { key: position.key, inclusive: position.inclusive };
    else lower = { key: position.key, inclusive: position.inclusive };
  }
  // Issue 8: literals rather than spreads (a range per statement on the read path).
  if (lower === undefined) return upper === undefined ? { reverse } : { upper, reverse };
  return upper === undefined ? { lower, reverse } : { lower, upper, reverse };
}

export class TxnView {
  constructor(
    readonly trees: Trees,
    readonly txn: Transaction,
  ) {}

  /** R2: the snapshot's entries in `range` with the write set's laid over them. */
  async *merged(root: PageId, range: KeyRange, at: Snapshot): AsyncGenerator<Entry> {
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

  /**
   * merged(), a batch at a time: each Trees scan batch with the write set's entries laid into it
   * (R2; the query engine reads rows in batches, without a promise per row).
   */
  /** CHECK TABLE (sql/check-table.ts): `root`'s entries at the read view, and their order (R2). */
  async census(root: PageId): Promise<Census> {
    const at = this.txn.readView();
    let count = 0;
    let ascending = true;
    let last: Buffer | undefined;
    for await (const batch of this.mergedBatches(root, keyRange({}, false, null), at)) {
      for (const entry of batch) {
        if (last !== undefined && Buffer.compare(last, entry.key) >= 0) ascending = false;
        last = entry.key;
        count++;
      }
      if (last !== undefined) last = Buffer.from(last); // the next batch may reuse its bytes
    }
    return { count, ascending };
  }

  mergedBatches(
    root: PageId,
    range: KeyRange,
    at: Snapshot,
    mine: readonly WriteEntry[] = this.txn.writes.range(root, range),
  ): AsyncIterable<readonly Entry[]> {
    // Issue 8: nothing of the transaction's own in the range: the snapshot's batches as they are.
    if (mine.length === 0) return this.trees.scan(root, range, at);
    return this.mergeWith(mine, root, range, at);
  }

  private async *mergeWith(
    mine: readonly WriteEntry[],
    root: PageId,
    range: KeyRange,
    at: Snapshot,
  ): AsyncGenerator<Entry[]> {
    const sign = range.reverse === true ? -1 : 1;
    let m = 0;
    for await (const batch of this.trees.scan(root, range, at)) {
      const out: Entry[] = [];
      for (const entry of batch) {
        for (; m < mine.length; m++) {
          const w = mine[m] as WriteEntry;
          if (Buffer.compare(w.key, entry.key) * sign >= 0) break;
          if (w.value !== null) out.push({ key: w.key, value: w.value });
        }
        const w = mine[m];
        if (w !== undefined && w.key.equals(entry.key)) {
          m++;
          if (w.value !== null) out.push({ key: w.key, value: w.value });
          continue;
        }
        out.push(entry);
      }
      if (out.length > 0) yield out;
    }
    const rest: Entry[] = [];
    for (; m < mine.length; m++) {
      const w = mine[m] as WriteEntry;
      if (w.value !== null) rest.push({ key: w.key, value: w.value });
    }
    if (rest.length > 0) yield rest;
  }

  /**
   * A table row's values from its stored form (long values read from their chains as of `at`;
   * null: the latest state, for a row the caller holds locked).
   */
  async row(table: TableDef, stored: Buffer, at: Snapshot | null): Promise<Value[]> {
    if (!hasExternals(stored)) return decodeRow(table.types, stored);
    if (at !== null) return loadRow(this.trees, table, stored, at);
    const latest = this.trees.latest();
    try {
      return await loadRow(this.trees, table, stored, latest);
    } finally {
      latest.release();
    }
  }

  /** A key's value as the view at `at` sees it (R1); null when absent. */
  async get(root: PageId, key: Buffer, at: Snapshot): Promise<Buffer | null> {
    const mine = this.txn.writes.get(root, key);
    if (mine !== undefined) return mine.value;
    return (await this.trees.get(root, key, at)) ?? null;
  }

  /**
   * The current value of a key: the write set's, or the latest committed one; a value at once
   * when its pages are cached.
   */
  current(root: PageId, key: Buffer): Buffer | null | Promise<Buffer | null> {
    const mine = this.txn.writes.get(root, key);
    if (mine !== undefined) return mine.value;
    // Issue 8 (cost): from cached pages without a promise or a registered read point.
    const cached = this.trees.latestCached(root, key);
    return cached !== undefined ? cached : this.currentRead(root, key);
  }

  private async currentRead(root: PageId, key: Buffer): Promise<Buffer | null> {
    const at = this.trees.latest();
    try {
      return (await this.trees.get(root, key, at)) ?? null;
    } finally {
      at.release();
    }
  }

  /** The nearest entry beyond `from` in one direction (write set included), at `at`. */
  async neighbour(
    root: PageId,
    from: Buffer | undefined,
    inclusive: boolean,
    forward: boolean,
    at: Snapshot,
  ): Promise<Entry | null> {
    const bound =
      from === undefined
        ? {}
        : forward
          ? { lower: { key: from, inclusive } }
          : { upper: { key: from, inclusive } };
    for await (const entry of this.merged(root, { ...bound, reverse: !forward }, at)) return entry;
    return null;
  }

  /**
   * The row an index entry stands for in the view at `at` (R6): null when the row is gone or no
   * longer puts this entry in the index.
   */
  async rowOfEntry(
    table: TableDef,
    index: IndexDef,
    entry: Entry,
    at: Snapshot | null,
  ): Promise<SourceRow | null> {
    const pk = Buffer.from(entryPrimaryKey(entry.key, entry.value));
    const value =
      at === null ? await this.current(table.root, pk) : await this.get(table.root, pk, at);
    if (value === null) return null;
    const row = await this.row(table, value, at);
    if (!indexEntry(table, index, pk, row).key.equals(entry.key)) return null;
    return { key: pk, row };
  }

  /**
   * A key's value at `at` from the transaction's own writes or from cached pages, without a
   * promise: null when the row does not exist there, undefined when the pages that would tell
   * are not cached (only storage can, issue 8).
   */
  private ownOrCached(root: PageId, key: Buffer, at: Snapshot): Buffer | null | undefined {
    const mine = this.txn.writes.get(root, key);
    return mine !== undefined ? mine.value : this.trees.getCached(root, key, at);
  }

  /**
   * consistentPoints at once, when every key's value is in the write set or in cached pages and
   * none has values stored apart (issue 8: no promise); undefined, having done nothing (no row
   * decoded, no `keep` called), when one is not.
   */
  consistentPointsNow(request: ReadRequest): SourceRow[] | undefined {
    const at = this.txn.readView();
    const { table, keep } = request;
    const keys = pointKeys(request);
    const values: (Buffer | null)[] = [];
    for (const key of keys) {
      const value = this.ownOrCached(table.root, key, at);
      if (value === undefined || (value !== null && hasExternals(value))) return undefined;
      values.push(value);
    }
    const rows: SourceRow[] = [];
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const row = decodeRow(table.types, value, undefined, request.needed);
      if (keep === undefined || keep(row)) rows.push({ key: keys[i] as Buffer, row });
    }
    return rows;
  }

  /**
   * The rows of a point request's keys at the transaction's read view (X2, R1), in the request's
   * order, collected: a key whose pages are cached is read without a promise (issue 8).
   */
  async consistentPoints(request: ReadRequest): Promise<SourceRow[]> {
    const at = this.txn.readView();
    const { table, keep } = request;
    const root = table.root;
    const rows: SourceRow[] = [];
    for (const key of pointKeys(request)) {
      let value = this.ownOrCached(root, key, at);
      if (value === undefined) value = (await this.trees.get(root, key, at)) ?? null;
      if (value === null) continue;
      const row = hasExternals(value)
        ? await this.row(table, value, at)
        : decodeRow(table.types, value, undefined, request.needed);
      if (keep === undefined || keep(row)) rows.push({ key, row });
    }
    return rows;
  }

  /** A consistent read: the request's rows at the transaction's read view (X2). */
  async *consistent(request: ReadRequest): AsyncGenerator<SourceRow> {
    const at = this.txn.readView();
    const { table, keep, index } = request;
    const kept = (row: Value[]): boolean => keep === undefined || keep(row);
    if (request.points !== null) {
      for (const key of pointKeys(request)) {
        const value = await this.get(table.root, key, at);
        if (value === null) continue;
        const row = await this.row(table, value, at);
        if (kept(row)) yield { key, row };
      }
      return;
    }
    const ranges = request.reverse ? [...request.ranges].reverse() : request.ranges;
    for (const r of ranges) {
      const root = index === null ? table.root : index.root;
      for await (const entry of this.merged(root, keyRange(r, request.reverse, null), at)) {
        if (index === null) {
          const row = await this.row(table, entry.value, at);
          if (kept(row)) yield { key: entry.key, row };
          continue;
        }
        const found = await this.rowOfEntry(table, index, entry, at);
        if (found !== null && kept(found.row)) yield found;
      }
    }
  }

  /**
   * R7: the reader of an index read's rows from its entries, when the entries hold every column
   * it needs (index-keys.ts entryColumns: none for COUNT(*), else columns of the index and the
   * primary key of types whose keys read back) and the transaction has written nothing: at one
   * snapshot every index entry is one row (CHECK TABLE's count) and holds that row's values, so
   * no row is fetched (R6 cannot apply). Null otherwise.
   */
  private coveringEntries(request: ReadRequest, index: IndexDef): EntryColumns | null {
    if (!this.txn.writes.isEmpty) return null;
    return entryColumns(request.table, index, request.needed);
  }

  /** True when the transaction has written the row an index entry names (R6 must read it). */
  private rowChanged(table: TableDef, entry: Entry): boolean {
    return this.txn.writes.get(table.root, entryPrimaryKey(entry.key, entry.value)) !== undefined;
  }

  /** R7's rows: each index entry's in the ranges, read from it, those `keep` keeps. */
  private async *coveredRows(
    root: PageId,
    request: ReadRequest,
    ranges: readonly HalfOpenRange[],
    at: Snapshot,
    columns: EntryColumns,
  ): AsyncGenerator<Value[][]> {
    const { keep, reverse } = request;
    for (const r of ranges) {
      for await (const entries of this.trees.scan(root, keyRange(r, reverse, null), at)) {
        const rows: Value[][] = [];
        for (const entry of entries) {
          const row = columns(entry.key, entry.value);
          if (keep === undefined || keep(row)) rows.push(row);
        }
        if (rows.length > 0) yield rows;
      }
    }
  }

  /**
   * consistent()'s rows, a batch at a time: one per Trees scan batch (a point lookup's rows in
   * one), the same rows in the same order.
   */
  async *consistentBatches(request: ReadRequest): AsyncGenerator<Value[][]> {
    const { table, keep, index, needed } = request;
    if (request.points !== null) {
      const rows = await this.consistentPoints(request);
      if (rows.length > 0) yield rows.map((r) => r.row);
      return;
    }
    const at = this.txn.readView();
    const root = index === null ? table.root : index.root;
    const ranges = request.reverse ? [...request.ranges].reverse() : request.ranges;
    const covering = index === null ? null : this.coveringEntries(request, index);
    if (covering !== null) {
      yield* this.coveredRows(root, request, ranges, at, covering);
      return;
    }
    // R7 with writes of its own: only an entry whose row the transaction changed is read
    // through the row (R6); any other entry is its row's, as at the snapshot.
    const columns = index === null ? null : entryColumns(table, index, needed);
    for (const r of ranges) {
      const range = keyRange(r, request.reverse, null);
      const mine = this.txn.writes.range(root, range);
      if (index === null && mine.length === 0) {
        const now = this.snapshotRowsNow(request, range, at);
        if (now === undefined) yield* this.snapshotRows(request, range, at);
        else if (now.length > 0) yield now;
        continue;
      }
      for await (const entries of this.mergedBatches(root, range, at, mine)) {
        const rows: Value[][] = [];
        for (const entry of entries) {
          let row: Value[] | null;
          if (index !== null) {
            row = columns !== null && !this.rowChanged(table, entry)
              ? columns(entry.key, entry.value)
              : ((await this.rowOfEntry(table, index, entry, at))?.row ?? null);
          } else if (hasExternals(entry.value)) row = await this.row(table, entry.value, at);
          else row = decodeRow(table.types, entry.value, undefined, needed);
          if (row !== null && (keep === undefined || keep(row))) rows.push(row);
        }
        if (rows.length > 0) yield rows;
      }
    }
  }

  /**
   * snapshotRows() in one batch, at once, when the range's leaves are cached and few
   * (SCAN_NOW_LEAVES_MAX) and none of its rows has long values stored apart; undefined
   * otherwise (issue 8: a short range read, such as sysbench's 100 rows, makes no promise
   * below consistentBatches).
   */
  private snapshotRowsNow(
    request: ReadRequest,
    range: KeyRange,
    at: Snapshot,
  ): Value[][] | undefined {
    const { table, keep, needed } = request;
    const types = table.types;
    let apart = false;
    const read = (page: Buffer, start: number, end: number): Value[] | null => {
      if (apart || hasExternalsAt(page, start)) {
        apart = true; // read through snapshotRows instead, which follows the chains
        return null;
      }
      return decodeRowAt(types, page, start, end, undefined, needed);
    };
    const values = this.trees.scanValuesCached(table.root, range, at, read, SCAN_NOW_LEAVES_MAX);
    if (values === undefined || apart) return undefined;
    const rows = values as Value[][];
    return keep === undefined ? rows : rows.filter(keep);
  }

  /**
   * A table range's rows at `at` when the write set holds none of its keys (R1 holds
   * trivially): decoded in place from the pages (issue 8: no key or value copy per row); a row
   * with long values is copied out and its chains read after.
   */
  private async *snapshotRows(
    request: ReadRequest,
    range: KeyRange,
    at: Snapshot,
  ): AsyncGenerator<Value[][]> {
    const { table, keep, needed } = request;
    const types = table.types;
    const read = (page: Buffer, start: number, end: number): Value[] | Buffer =>
      hasExternalsAt(page, start)
        ? Buffer.from(page.subarray(start, end))
        : decodeRowAt(types, page, start, end, undefined, needed);
    for await (const batch of this.trees.scanValues(table.root, range, at, read)) {
      const rows: Value[][] = [];
      for (const v of batch) {
        const row = Buffer.isBuffer(v) ? await this.row(table, v, at) : v;
        if (keep === undefined || keep(row)) rows.push(row);
      }
      if (rows.length > 0) yield rows;
    }
  }
}

/** A point request's keys in the order it reads them (reversed for a descending read). */
function pointKeys(request: ReadRequest): readonly Buffer[] {
  assert(request.points !== null, 'a point request');
  return request.reverse ? [...request.points].reverse() : request.points;
}
