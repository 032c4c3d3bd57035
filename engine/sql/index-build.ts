/**
 * Long DDL in memory that does not grow with the table: building indexes of a table that has
 * rows (CREATE INDEX, ALTER TABLE … ADD INDEX), copying a table (ALTER TABLE that rebuilds), and
 * freeing the trees changes leave behind (the copy's old trees, DROP INDEX, TRUNCATE, DROP TABLE,
 * DROP DATABASE). All of it runs under the DDL's exclusive engine latch, so the rows read are
 * the table's latest state and nothing else writes meanwhile; the work is split into
 * mini-transaction steps of the statement's Mtr (Trees T9):
 *
 *   begin    the new trees are created and named pending in the catalog (pending-trees.ts)
 *   sort     one scan of the table; each new tree's entries go to an EntrySorter (entry-sort.ts:
 *            bounded runs, spilled to a temporary file), the first step committing meanwhile
 *   load     each tree is bulk loaded bottom-up from its sorted entries (Trees T10), a step
 *            being committed every `stepBytes` of entries with at most one awaiting durability;
 *            equal keys (a copy's primary key) or unique prefixes (a UNIQUE index) are
 *            neighbours there, and answer ER_DUP_ENTRY
 *   finish   the trees stop being pending in the step that records the table's new definition
 *   retire   trees the definition no longer references are named pending in that same step,
 *            which is then committed and applied to the catalog's cache, and freed in steps
 *
 * A failure before the definition is committed (ER_DUP_ENTRY, ER_TOO_LONG_KEY, a CHECK the rows
 * violate, an oversized definition…) undoes the open step, frees the new trees in steps, commits
 * that and rethrows: the table is left as it was, as MySQL leaves it. A crash leaves pending
 * trees, and the next start frees them (Catalog.load).
 *
 * Invariants:
 *   (IB1) a new index tree holds exactly one entry per row (index-keys.ts), and no two entries
 *         of a UNIQUE index share a unique prefix without a NULL in it; a copied table tree one
 *         entry per row, no two with one key (equal keys sort next to each other, so comparing
 *         neighbours finds every duplicate).
 *   (IB2) every committed step leaves the volume consistent on its own: a tree is pending (PT1)
 *         whenever no committed definition references it and it is not yet free, so no table
 *         definition ever references a partial tree and no tree is ever lost.
 *   (IB3) memory is bounded whatever the row count: a run per new tree (`runBytes` shared) and
 *         the merge buffers (ES2), the pages of at most two steps (`stepBytes` of entries each,
 *         or DROP_STEP_PAGES pages), and each bulk load's nodes being filled (a page per level).
 *   (IB4) a failed build leaves no pending tree in the running server: its pages are freed and
 *         that is committed before the error is answered (if the cleanup fails too, the trees
 *         stay pending and the next start frees them).
 *   (IB5) a change that frees trees is committed in a step of its own, and applied to the
 *         catalog's cache as soon as that step is shipped — before a page of theirs is freed,
 *         so no statement planned afterwards reads them (one planned before reads them at its
 *         snapshot, which predates the frees) — and the outcome then carries no change for the
 *         session to apply again.
 */
import assert from 'node:assert/strict';
import type { PageId } from '../../storage/index.js';
import type { BulkLoad, Mtr, Trees } from '../btree/api.js';
import { KEY_SIZE_MAX } from '../btree/api.js';
import type { Catalog, CatalogChange } from '../catalog/catalog.js';
import {
  type IndexDef,
  type IndexSpec,
  type TableDef,
  makeTableDef,
} from '../catalog/definitions.js';
import {
  type PendingTree,
  addPendingTree,
  dropPendingTree,
  pendingTrees,
  removePendingTree,
} from '../catalog/pending-trees.js';
import { SqlError } from '../errors.js';
import { decodeRow } from '../row.js';
import { duplicateEntry } from '../txn/rows.js';
import { EntrySorter, type SortedEntry } from './entry-sort.js';
import { entryPrimaryKey, indexEntry } from './index-keys.js';
import { loadRow, splitStoredRow, storeRow } from './row-overflow.js';
import type { Value } from './values.js';

export interface BuildLimits {
  /** Bytes of entries sorted in memory at once, shared by the indexes built (then spilled). */
  readonly runBytes: number;
  /** Bytes of entries loaded per mini-transaction step. */
  readonly stepBytes: number;
}

/**
 * 16 MiB of runs: a million short entries sort in memory without a file, and ten million need
 * a handful of runs. 1 MiB steps: about 64 pages of redo each, so a step's pages, records and
 * before-images stay a few MiB while quorum round trips stay few.
 */
export const BUILD_LIMITS: BuildLimits = { runBytes: 16 * 1024 * 1024, stepBytes: 1024 * 1024 };

let limitsInForce: BuildLimits = BUILD_LIMITS;

/** The limits builds run with: BUILD_LIMITS unless a test set smaller ones. */
export function buildLimits(): BuildLimits {
  return limitsInForce;
}

/** For tests: builds run with `limits` (undefined: BUILD_LIMITS again). */
export function setBuildLimits(limits: BuildLimits | undefined): void {
  limitsInForce = limits ?? BUILD_LIMITS;
}

/** Smallest run per index: a run holds a few entries (a larger one grows it, entry-sort.ts). */
const RUN_BYTES_MIN = 4 * 1024;

/** The sort tag of an entry that UNIQUE must check (no NULL in its key). */
const TAG_UNIQUE = 1;

/** CREATE INDEX: builds the index's tree (IB1) and records the table's new definition. */
export async function createIndex(
  trees: Trees,
  catalog: Catalog,
  mtr: Mtr,
  table: TableDef,
  spec: IndexSpec,
  limits: BuildLimits = buildLimits(),
): Promise<CatalogChange> {
  return buildIndexes(trees, mtr, table, [spec], limits, ([index]) => {
    assert(index !== undefined, 'one index built');
    const def = makeTableDef({ ...table, indexes: [...table.indexes, index] });
    return catalog.replaceTable(mtr, def);
  });
}

/**
 * Builds indexes of `specs` from the rows of `table` (whose columns their parts name), then runs
 * `finish` with them in the final step; on a failure, before or in `finish`, the new trees
 * are freed (IB4) and the error rethrown. The Mtr is left open with `finish`'s changes.
 */
export async function buildIndexes<T>(
  trees: Trees,
  mtr: Mtr,
  table: TableDef,
  specs: readonly IndexSpec[],
  limits: BuildLimits,
  finish: (indexes: readonly IndexDef[]) => Promise<T>,
): Promise<T> {
  const indexes = await newIndexTrees(trees, mtr, table, specs);
  const pending = indexes.map((i) => ({ root: i.root, what: '', rows: false }));
  try {
    if (indexes.length > 0) {
      const steps = new Steps(trees, mtr);
      await steps.commit();
      await withSorters(indexes.length, limits, async (sorters) => {
        const rows = await sortEntries(trees, table, indexes, sorters);
        await loadIndexes(trees, mtr, table, indexes, sorters, { steps, ...limits }, rows);
      });
    }
    for (const tree of pending) await removePendingTree(trees, mtr, tree.root);
    return await finish(indexes);
  } catch (error) {
    await abandon(trees, mtr, pending);
    throw error;
  }
}

/** The trees of new indexes, pending (IB2). */
async function newIndexTrees(
  trees: Trees,
  mtr: Mtr,
  table: TableDef,
  specs: readonly IndexSpec[],
): Promise<IndexDef[]> {
  const indexes: IndexDef[] = [];
  for (const spec of specs) {
    const index = { ...spec, root: await trees.createTree(mtr) };
    const what = `index ${index.name} of ${table.database}.${table.name}`;
    await addPendingTree(trees, mtr, { root: index.root, what, rows: false });
    indexes.push(index);
  }
  return indexes;
}

/** A row of the table an ALTER TABLE copy builds: its key, encoding and values. */
export interface NewRow {
  readonly key: Buffer;
  readonly encoded: Buffer;
  readonly row: readonly Value[];
}

/**
 * ALTER TABLE's copy: a new table tree filled from `rows` (in whatever order: sorted here,
 * and two with one key answer ER_DUP_ENTRY for PRIMARY; long values go to chains as the rows
 * are loaded) and its indexes' trees, all in bounded steps; then `finish` runs with the new
 * definition (made by `define`) in the final step. On a failure everything new is freed.
 */
export async function buildTable<T>(
  trees: Trees,
  mtr: Mtr,
  define: (root: PageId, indexes: readonly IndexDef[]) => TableDef,
  specs: readonly IndexSpec[],
  rows: AsyncIterable<NewRow>,
  limits: BuildLimits,
  finish: (after: TableDef) => Promise<T>,
): Promise<T> {
  const root = await trees.createTree(mtr);
  const shape = define(root, []);
  const what = `table ${shape.database}.${shape.name} (copy)`;
  await addPendingTree(trees, mtr, { root, what, rows: true });
  const indexes = await newIndexTrees(trees, mtr, shape, specs);
  const after = define(root, indexes);
  const pending = [
    { root, what, rows: true },
    ...indexes.map((i) => ({ root: i.root, what: '', rows: false })),
  ];
  try {
    const steps = new Steps(trees, mtr);
    await steps.commit();
    await withSorters(indexes.length + 1, limits, async ([table, ...sorters]) => {
      assert(table !== undefined, 'a sorter for the rows');
      for await (const r of rows) {
        await table.add(r.key, r.encoded); // a promise only when a run is spilled
        await addEntries(after, indexes, sorters, r.key, r.row);
      }
      const count = table.entries;
      assert.equal(await loadRows(trees, mtr, after, table.sorted(), { steps, ...limits }), count,
        'IB1: one entry per row');
      await loadIndexes(trees, mtr, after, indexes, sorters, { steps, ...limits }, count);
    });
    for (const tree of pending) await removePendingTree(trees, mtr, tree.root);
    return await finish(after);
  } catch (error) {
    await abandon(trees, mtr, pending);
    throw error;
  }
}

/**
 * IB5: trees that a change stops referencing (an ALTER TABLE copy's old table, a dropped index,
 * a truncated or dropped table's) are freed in steps after it. The change, in the open step, is
 * committed with the trees named pending and applied to the catalog's cache as soon as it is
 * shipped (as the session does after its commit); then each tree is freed. The last step stays
 * open for the statement's commit. If freeing fails, the trees stay pending (the next start
 * frees them) and the statement still succeeds: its change is committed. Returns the changes
 * the caller still hands to the session: none, or all when there was no tree to retire.
 */
export async function retireTrees(
  trees: Trees,
  mtr: Mtr,
  catalog: Catalog,
  changes: readonly CatalogChange[],
  retired: readonly PendingTree[],
): Promise<readonly CatalogChange[]> {
  if (retired.length === 0) return changes;
  const gone = new Set(retired.map((t) => t.root));
  for (const change of changes) {
    const def = change.kind === 'alter-table' ? change.after
      : change.kind === 'replace-table' ? change.def : undefined;
    if (def === undefined) continue;
    for (const root of [def.root, ...def.indexes.map((i) => i.root)]) {
      assert(!gone.has(root), 'IB2: a retired tree is referenced by no definition');
    }
  }
  for (const tree of retired) await addPendingTree(trees, mtr, tree);
  const durable = trees.commitStep(mtr); // shipped: the change may be applied (IB5)
  for (const change of changes) catalog.apply(change);
  await durable;
  try {
    for (const tree of retired) await dropPendingTree(trees, mtr, tree);
  } catch {
    trees.rollbackStep(mtr);
  }
  return [];
}

/** The trees a dropped or replaced table leaves to retire: its rows' tree and its indexes'. */
export function tableTrees(table: TableDef, why: string): PendingTree[] {
  const name = `${table.database}.${table.name}`;
  return [
    { root: table.root, what: `table ${name} (${why})`, rows: true },
    ...table.indexes.map((i) => ({
      root: i.root, what: `index ${i.name} of ${name}`, rows: false,
    })),
  ];
}

/** IB4: undoes the open step and frees the pending trees, committed; a failure here is left. */
async function abandon(trees: Trees, mtr: Mtr, pending: readonly PendingTree[]): Promise<void> {
  try {
    trees.rollbackStep(mtr);
    for (const tree of pending) await dropPendingTree(trees, mtr, tree);
    await trees.commitStep(mtr);
  } catch {
    // The trees stay pending (IB4); the caller rolls back what is open and the next start
    // frees them. The build's own error is the one to answer.
    trees.rollbackStep(mtr);
    return;
  }
  const left = new Set((await pendingTrees(trees)).map((t) => t.root));
  assert(pending.every((t) => !left.has(t.root)), 'IB4: no tree of the build is left pending');
}

/** Steps committed one after another, at most one of them awaiting durability (IB3). */
class Steps {
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly trees: Trees,
    private readonly mtr: Mtr,
  ) {}

  async commit(): Promise<void> {
    await this.inFlight;
    this.inFlight = this.trees.commitStep(this.mtr);
    this.inFlight.catch(() => undefined); // awaited by the next commit or by `drain`
  }

  drain(): Promise<void> {
    return this.inFlight;
  }
}

interface Stepping {
  readonly steps: Steps;
  readonly stepBytes: number;
}

/** A bulk load that commits a step each time `stepBytes` of entries have been appended. */
class SteppedLoad {
  count = 0;
  private bytes = 0;
  private readonly load: BulkLoad;

  constructor(trees: Trees, mtr: Mtr, root: PageId, private readonly stepping: Stepping) {
    this.load = trees.bulkLoad(mtr, root);
  }

  async append(key: Buffer, value: Buffer, size: number): Promise<void> {
    await this.load.append(key, value);
    this.count++;
    this.bytes += size;
    if (this.bytes < this.stepping.stepBytes) return;
    await this.flush();
  }

  /** Writes what the load holds and commits it as a step. */
  async flush(): Promise<void> {
    await this.load.flush();
    await this.stepping.steps.commit();
    this.bytes = 0;
  }
}

/** Runs `work` with `count` sorters sharing the run budget; closes them whatever happens. */
async function withSorters(
  count: number,
  limits: BuildLimits,
  work: (sorters: EntrySorter[]) => Promise<void>,
): Promise<void> {
  const runBytes = Math.max(RUN_BYTES_MIN, Math.floor(limits.runBytes / count));
  const sorters = Array.from({ length: count }, () => new EntrySorter(runBytes));
  try {
    await work(sorters);
  } finally {
    for (const sorter of sorters) await sorter.close();
  }
}

/** One scan of the table: every row's entry of every index, to that index's sorter; rows. */
async function sortEntries(
  trees: Trees,
  table: TableDef,
  indexes: readonly IndexDef[],
  sorters: readonly EntrySorter[],
): Promise<number> {
  let rows = 0;
  const needed = table.columns.map((_, c) =>
    indexes.some((index) => index.parts.some((p) => p.column === c)),
  );
  for await (const batch of trees.scan(table.root, {})) {
    for (const entry of batch) {
      // Issue 8's discipline: no promise per row unless a long value or a spill needs one.
      const values = indexedValues(trees, table, entry.value, needed);
      const row = Array.isArray(values) ? values : await values;
      const spilling = addEntries(table, indexes, sorters, entry.key, row);
      if (spilling !== undefined) await spilling;
      rows++;
    }
  }
  return rows;
}

/**
 * A row's entry in each index, to that index's sorter (IB1); a promise when a sorter spills a
 * run (await it before the next row), else none.
 */
function addEntries(
  table: TableDef,
  indexes: readonly IndexDef[],
  sorters: readonly EntrySorter[],
  key: Buffer,
  row: readonly Value[],
): Promise<unknown> | undefined {
  let spills: Promise<void>[] | undefined;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i] as IndexDef;
    const e = indexEntry(table, index, key, row);
    if (e.key.length > KEY_SIZE_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_SIZE_MAX]);
    const tag = index.unique && !e.hasNull ? TAG_UNIQUE : 0;
    const spilling = (sorters[i] as EntrySorter).add(e.key, e.value, tag);
    if (spilling !== undefined) (spills ??= []).push(spilling);
  }
  return spills === undefined ? undefined : Promise.all(spills);
}

/** The new table tree from its sorted rows: one per key (else 1062), long values chained. */
async function loadRows(
  trees: Trees,
  mtr: Mtr,
  table: TableDef,
  rows: AsyncIterable<SortedEntry>,
  stepping: Stepping,
): Promise<number> {
  const load = new SteppedLoad(trees, mtr, table.root, stepping);
  let previous: Buffer | undefined;
  for await (const entry of rows) {
    if (previous !== undefined && previous.equals(entry.key)) {
      throw duplicateEntry(table, decodeRow(table.types, entry.value), null);
    }
    previous = Buffer.from(entry.key);
    const stored = await storeRow(trees, mtr, table, previous, Buffer.from(entry.value));
    await load.append(previous, stored, previous.length + entry.value.length);
  }
  await load.flush();
  return load.count;
}

/** Loads each index from its sorter, then waits for the last step's durability. */
async function loadIndexes(
  trees: Trees,
  mtr: Mtr,
  table: TableDef,
  indexes: readonly IndexDef[],
  sorters: readonly EntrySorter[],
  stepping: Stepping,
  rows: number,
): Promise<void> {
  for (let i = 0; i < indexes.length; i++) {
    const sorter = sorters[i] as EntrySorter;
    const index = indexes[i] as IndexDef;
    assert.equal(sorter.entries, rows, 'IB1: one entry per row');
    const loaded = await loadIndex(trees, mtr, table, index, sorter.sorted(), stepping);
    assert.equal(loaded, rows, 'IB1: every entry sorted is loaded once');
    await sorter.close();
  }
  await stepping.steps.drain();
}

/**
 * A stored row's values of the `needed` columns (the others null); a promise only when some
 * are long values, read from their chains.
 */
function indexedValues(
  trees: Trees,
  table: TableDef,
  stored: Buffer,
  needed: readonly boolean[],
): Value[] | Promise<Value[]> {
  const { refs, inline } = splitStoredRow(stored);
  const row = decodeRow(table.types, inline, undefined, needed);
  const chained = refs.filter((ref) => needed[ref.column] === true);
  if (chained.length === 0) return row;
  return (async () => {
    for (const ref of chained) {
      row[ref.column] = (await trees.readOverflow(ref.first, ref.length)).toString('utf8');
    }
    return row;
  })();
}

/** Bulk loads one index from its sorted entries, checking UNIQUE on the way (IB1). */
async function loadIndex(
  trees: Trees,
  mtr: Mtr,
  table: TableDef,
  index: IndexDef,
  entries: AsyncIterable<SortedEntry>,
  stepping: Stepping,
): Promise<number> {
  const load = new SteppedLoad(trees, mtr, index.root, stepping);
  let previous: Buffer | undefined; // the last entry's unique prefix, when it has one to check
  for await (const entry of entries) {
    if (entry.tag === TAG_UNIQUE) {
      const unique = entry.key.subarray(0, entry.key.length - entry.value.readUInt16BE(0));
      if (previous !== undefined && previous.equals(unique)) {
        throw await duplicateOf(trees, table, index, entry);
      }
      previous = Buffer.from(unique);
    } else {
      previous = undefined;
    }
    await load.append(entry.key, entry.value, entry.key.length + entry.value.length);
  }
  await load.flush();
  return load.count;
}

/** ER_DUP_ENTRY naming the values of the row behind `entry` (IB1). */
async function duplicateOf(
  trees: Trees,
  table: TableDef,
  index: IndexDef,
  entry: SortedEntry,
): Promise<SqlError> {
  const pk = Buffer.from(entryPrimaryKey(entry.key, entry.value));
  const stored = await trees.get(table.root, pk);
  assert(stored !== undefined, 'IB1: an index entry names a row of the table');
  return duplicateEntry(table, await loadRow(trees, table, stored, undefined), index);
}

/**
 * DROP INDEX: records the table's new definition and retires the index's tree (IB5), freeing
 * it in steps; the change is applied to the catalog's cache there, so none is handed back.
 */
export async function dropIndex(
  trees: Trees,
  catalog: Catalog,
  mtr: Mtr,
  table: TableDef,
  index: IndexDef,
): Promise<readonly CatalogChange[]> {
  const indexes = table.indexes.filter((i) => i !== index);
  const change = await catalog.replaceTable(mtr, makeTableDef({ ...table, indexes }));
  const what = `index ${index.name} of ${table.database}.${table.name} (dropped)`;
  return retireTrees(trees, mtr, catalog, [change], [{ root: index.root, what, rows: false }]);
}
