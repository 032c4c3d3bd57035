/**
 * Execution: Plan → rows or changes, one function per plan kind. Table data is reached only
 * through the statement's transaction (txn/rows.ts): SELECT reads its snapshot and streams its
 * rows (sorting ones collect first); INSERT, UPDATE and DELETE change its write set. DDL runs
 * under the exclusive engine latch inside its own mini-transaction (session.ts).
 *
 * Writes check before they change: INSERT converts every row and checks every key (against the
 * table and within the statement) before its first insert; UPDATE and DELETE collect their
 * target rows first (so a change never meets a row it already changed), then apply them in
 * access order, as MySQL does — `UPDATE t SET id = id + 1` collides on the next id unless
 * ordered DESC. A failure anywhere leaves the Mtr to be rolled back whole (T2).
 */
import assert from 'node:assert/strict';
import type { Row as SeamRow } from '../api.js';
import type { Mtr, Trees } from '../btree/api.js';
import { KEY_SIZE_MAX } from '../btree/api.js';
import type { Catalog, CatalogChange } from '../catalog/catalog.js';
import type { ColumnType, IndexDef, TableDef } from '../catalog/definitions.js';
import { SORT_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { prefixSuccessor } from '../keys.js';
import {
  CONSISTENT,
  type HalfOpenRange,
  type Locking,
  type ReadRequest,
  type SourceRow,
  type TxnRows,
} from '../txn/rows.js';
import { type Soon, andThen } from '../soon.js';
import { unreachable } from '../unreachable.js';
import { type Collation, collation } from './collation.js';
import { type EvalContext, type Row, compile, compareForSort } from './expr.js';
import { createIndex, dropIndex, retireTrees, tableTrees } from './index-build.js';
import type { PendingTree } from '../catalog/pending-trees.js';
import { checkStoredRowSize } from './row-overflow.js';
import {
  type KeyPart,
  NOT_NULL_FLOOR,
  encodeIndexPart,
  indexKeyParts,
  primaryKeyParts,
} from './index-keys.js';
import { type BoundValue, boundFor } from './key-bounds.js';
import type { KeyBound, Plan, PlanExpr, SortKey, TableSource } from './plan.js';
import { type SqlType, type Value, toSeamValue } from './values.js';
import { evaluator, predicate, runQuery } from './query-run.js';
import { runInsert } from './dml-insert.js';
import { runDelete, runUpdate } from './dml-update.js';
import { runJoinDml } from './dml-join.js';
import { checkDropParents, runCreateTable, runSchemaWrite } from './schema-run.js';
import { type InfoSchemaHost, virtualRows } from './information-schema/index.js';
import type { TriggerHost } from './triggers.js';

/** What DML and SELECT run with: table data only through the statement's transaction. */
export interface ExecContext {
  readonly catalog: Catalog;
  readonly eval: EvalContext;
  readonly rows: TxnRows;
  /** auto_increment_increment and _offset of the session (1 and 1 when absent). */
  readonly autoIncrement?: { readonly increment: number; readonly offset: number };
  /** What information_schema's rows are made from (6c); absent: they cannot be read. */
  readonly info?: InfoSchemaHost;
  /** The statement's triggers (triggers.ts); absent: row changes fire none. */
  readonly triggers?: TriggerHost;
}

/** What DDL runs with: the trees, inside the statement's mini-transaction. */
export interface DdlContext {
  readonly trees: Trees;
  readonly catalog: Catalog;
  readonly eval: EvalContext;
  /** The wall clock now, ms since the epoch (CREATE_TIME of new tables). */
  readonly wallNow?: number;
}

export interface WriteOutcome {
  readonly affectedRows: number;
  readonly matchedRows: number;
  readonly info: string;
  readonly changes: readonly CatalogChange[];
  /** The first AUTO_INCREMENT value the statement generated (LAST_INSERT_ID), if any. */
  readonly generatedId?: bigint;
  /** The OK packet's last insert id: the first generated value, else an explicit one stored. */
  readonly insertId?: bigint;
}

const NO_ROW: Row = [];

function constant(e: PlanExpr, ctx: EvalContext): Value {
  return evaluator(e)(NO_ROW, ctx); // compiled once per plan expression (query-run.ts)
}

// ---------------------------------------------------------------------------------------------
// Access paths → key ranges

function keyPartValue(
  type: ColumnType,
  e: PlanExpr,
  side: 'eq' | 'lower' | 'upper',
  inclusive: boolean,
  ctx: EvalContext,
): BoundValue {
  return boundFor(type, e.info.type, constant(e, ctx), side, inclusive, ctx.warnings);
}

/** Encoded prefixes of whole or leading key values, sorted and distinct; empties dropped. */
function encodedPrefixes(
  parts: readonly KeyPart[],
  tuples: readonly (readonly PlanExpr[])[],
  ctx: EvalContext,
): Buffer[] {
  if (tuples.length === 1) {
    // One tuple (`pk = ?`, issue 8's point selects): nothing to sort or deduplicate (several
    // keys from one tuple come in key order, key-bounds.ts KB2).
    const keys: Buffer[] = [];
    pushPrefixes(parts, tuples[0] as readonly PlanExpr[], ctx, keys);
    return keys;
  }
  const keys = new Map<string, Buffer>();
  const mine: Buffer[] = [];
  for (const tuple of tuples) {
    mine.length = 0;
    pushPrefixes(parts, tuple, ctx, mine);
    for (const key of mine) keys.set(key.toString('hex'), key);
  }
  return [...keys.values()].sort(Buffer.compare);
}

/**
 * One tuple's encoded prefixes, appended to `out` in key order: none when a value cannot equal
 * any key (empty), several when a value is several key values (key-bounds.ts KB2).
 */
function pushPrefixes(
  parts: readonly KeyPart[],
  tuple: readonly PlanExpr[],
  ctx: EvalContext,
  out: Buffer[],
): void {
  const encoded: (Buffer | Buffer[])[] = [];
  let empty = false;
  let several = false;
  for (let i = 0; i < tuple.length; i++) {
    const part = parts[i] as KeyPart;
    const bound = keyPartValue(part.type, tuple[i] as PlanExpr, 'eq', true, ctx);
    if (bound.kind === 'value') encoded.push(encodeIndexPart(part, bound.value));
    else if (bound.kind === 'values') {
      encoded.push(bound.values.map((v) => encodeIndexPart(part, v)));
      several = true;
    } else empty = true;
  }
  if (empty) return;
  if (!several) {
    out.push(encoded.length === 1 ? (encoded[0] as Buffer) : Buffer.concat(encoded as Buffer[]));
    return;
  }
  let keys: Buffer[] = [Buffer.alloc(0)];
  for (const e of encoded) {
    const options = Array.isArray(e) ? e : [e];
    keys = keys.flatMap((k) => options.map((o) => Buffer.concat([k, o])));
  }
  out.push(...keys);
}

/** The range of one prefix, normalised to [lower inclusive, upper exclusive); null when empty. */
function prefixRange(
  parts: readonly KeyPart[],
  prefix: Buffer,
  depth: number,
  bounds: { lower: readonly KeyBound[]; upper: readonly KeyBound[] },
  ctx: EvalContext,
): { lower?: Buffer; upper?: Buffer } | null {
  const part = parts[depth] as KeyPart;
  let lower: Buffer | undefined = depth > 0 ? prefix : undefined;
  let upper: Buffer | undefined = depth > 0 ? prefixSuccessor(prefix) : undefined;
  if (part.nullable && bounds.lower.length + bounds.upper.length > 0) {
    // A comparison never holds for NULL: start past the NULL entries (they sort first).
    lower = Buffer.concat([prefix, NOT_NULL_FLOOR]);
  }
  for (const side of ['lower', 'upper'] as const) {
    for (const b of bounds[side]) {
      const bound = keyPartValue(part.type, b.expr, side, b.inclusive, ctx);
      if (bound.kind === 'empty') return null;
      if (bound.kind === 'unbounded') continue;
      if (bound.kind === 'values') throw new Error('key-bounds KB2: several values only for =');
      const at = Buffer.concat([prefix, encodeIndexPart(part, bound.value)]);
      // b >= v: from P(v); b > v: past every key starting with P(v); likewise for upper.
      const key = bound.inclusive === (side === 'lower') ? at : prefixSuccessor(at);
      if (key === undefined) {
        if (side === 'lower') return null;
        continue;
      }
      if (side === 'lower' && (lower === undefined || Buffer.compare(key, lower) > 0)) lower = key;
      if (side === 'upper' && (upper === undefined || Buffer.compare(key, upper) < 0)) upper = key;
    }
  }
  if (lower !== undefined && upper !== undefined && Buffer.compare(lower, upper) >= 0) return null;
  // Literals of fixed shape, not spreads (issue 8: V8's slow literal path, per range query).
  if (lower === undefined) return upper === undefined ? {} : { upper };
  return upper === undefined ? { lower } : { lower, upper };
}

/** Ranges of a key: for each encoded prefix, the bounded range of the next part. */
function keyRanges(
  parts: readonly KeyPart[],
  access: {
    prefixes: readonly (readonly PlanExpr[])[];
    lower: readonly KeyBound[];
    upper: readonly KeyBound[];
  },
  ctx: EvalContext,
): HalfOpenRange[] {
  const depth = access.prefixes[0]?.length ?? 0;
  const prefixes = depth === 0 ? [Buffer.alloc(0)] : encodedPrefixes(parts, access.prefixes, ctx);
  const ranges: HalfOpenRange[] = [];
  for (const prefix of prefixes) {
    if (depth === parts.length) {
      // Every part fixed (a secondary index lookup): the entries that start with the prefix.
      const upper = prefixSuccessor(prefix);
      ranges.push(upper === undefined ? { lower: prefix } : { lower: prefix, upper });
      continue;
    }
    const range = prefixRange(parts, prefix, depth, access, ctx);
    if (range !== null) ranges.push(range);
  }
  return ranges;
}

/** The source's access path as a read request: whole keys, or [lower, upper) ranges. */
export function readRequest(
  source: TableSource,
  ctx: EvalContext,
  locking: Locking,
  needed?: readonly boolean[],
): ReadRequest {
  const { table, access } = source;
  // Issue 8: one object shape for every request (no conditional spreads: they cost as much as
  // the rest of a point select's read), the residual compiled once per plan (query-run.ts).
  const test = source.residual === null ? null : predicate(source.residual);
  const keep = test === null ? undefined : (row: Row): boolean => test(row, ctx);
  // A consistent read decodes only the columns the plan reads (read-columns.ts).
  const mask = locking.mode === 'none' ? needed : undefined;
  const make = (
    index: IndexDef | null,
    points: readonly Buffer[] | null,
    ranges: readonly HalfOpenRange[],
    uniqueLookup: boolean,
  ): ReadRequest => ({
    table,
    index,
    points,
    ranges,
    uniqueLookup,
    reverse: source.reverse,
    lock: locking.mode,
    wait: locking.wait,
    keep,
    needed: mask,
  });
  switch (access.kind) {
    case 'full-scan':
      return make(null, null, WHOLE_RANGE, false);
    case 'pk-lookup':
      return make(null, encodedPrefixes(pkParts(table), access.keys, ctx), NO_RANGES, false);
    case 'pk-range':
      return make(null, null, keyRanges(pkParts(table), access, ctx), false);
    case 'index-range': {
      const parts = indexKeyParts(table, access.index);
      const uniqueLookup =
        access.index.unique &&
        (access.prefixes[0]?.length ?? 0) === parts.length &&
        parts.every((p) => p.prefixChars === null);
      return make(access.index, null, keyRanges(parts, access, ctx), uniqueLookup);
    }
    case 'index-scan':
      return make(access.index, null, WHOLE_RANGE, false);
    default:
      return unreachable(access);
  }
}

const WHOLE_RANGE: readonly HalfOpenRange[] = [{}];
const NO_RANGES: readonly HalfOpenRange[] = [];

/** A table's primary-key parts, made once per TableDef (definitions are immutable). */
const pkPartsOf = new WeakMap<TableDef, readonly KeyPart[]>();

function pkParts(table: TableDef): readonly KeyPart[] {
  let parts = pkPartsOf.get(table);
  if (parts === undefined) {
    parts = primaryKeyParts(table);
    pkPartsOf.set(table, parts);
  }
  return parts;
}

/** Rows of the source that pass its residual filter (applied by the read, see txn/rows.ts). */
function sourceRows(
  rows: TxnRows,
  source: TableSource,
  ctx: EvalContext,
  locking: Locking,
  info?: InfoSchemaHost,
): AsyncGenerator<SourceRow> {
  if (source.virtual !== undefined) return virtualRows(source.virtual, source.residual, info, ctx);
  return rows.read(readRequest(source, ctx, locking));
}

// ---------------------------------------------------------------------------------------------
// Sorting and limits

function sortCollation(e: PlanExpr): Collation | null {
  return e.info.type.kind === 'string' ? collation(e.info.type.collation) : null;
}

function sortRows<T extends { readonly row: Row }>(
  rows: T[],
  order: readonly SortKey[],
  ctx: EvalContext,
): T[] {
  if (rows.length > SORT_ROWS_MAX)
    throw new SqlError('ER_NOT_SUPPORTED_YET', [`sorting more than ${SORT_ROWS_MAX} rows`]);
  const keys = order.map((k) => ({
    eval: compile(k.expr),
    type: k.expr.info.type,
    coll: sortCollation(k.expr),
    sign: k.descending ? -1 : 1,
  }));
  const decorated = rows.map((r, i) => ({ r, i, values: keys.map((k) => k.eval(r.row, ctx)) }));
  decorated.sort((a, b) => {
    for (const [j, k] of keys.entries()) {
      const c = compareForSort(k.type, a.values[j] as Value, b.values[j] as Value, k.coll);
      if (c !== 0) return c * k.sign;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.r);
}

/** Rows of `source`, ordered and limited; stops reading early when no sort is needed. */
export function targetRows(
  access: TxnRows,
  source: TableSource,
  order: readonly SortKey[] | null,
  limit: { count: bigint; offset: bigint } | null,
  ctx: EvalContext,
  rowsMax: number,
  locking: Locking,
): Soon<SourceRow[]> {
  const stopAt = order === null && limit !== null ? limit.offset + limit.count : null;
  if (stopAt === 0n) return [];
  const request =
    source.virtual === undefined && locking.mode !== 'none'
      ? readRequest(source, ctx, locking)
      : null;
  if (request !== null && request.points !== null && request.points.length === 1) {
    // Issue 8 (cost): UPDATE / DELETE by primary key: one locked row, without a generator, and
    // at once when its lock is granted and its page cached.
    return andThen(access.lockedPoint(request), (row) => {
      if (row === null) return [];
      const found = (): SourceRow[] => {
        if (rowsMax < 1) throw tooManyRows(rowsMax);
        return targetsIn([row], order, limit, ctx);
      };
      const pause = ctx.interrupt?.checkpoint();
      return pause === undefined ? found() : pause.then(found);
    });
  }
  const rows: SourceRow[] = [];
  return collectRows(access, source, ctx, locking, request, rows, rowsMax, stopAt).then(() =>
    targetsIn(rows, order, limit, ctx),
  );
}

/** targetRows()' rows in ORDER BY order, within the LIMIT. */
function targetsIn(
  rows: SourceRow[],
  order: readonly SortKey[] | null,
  limit: { count: bigint; offset: bigint } | null,
  ctx: EvalContext,
): SourceRow[] {
  const sorted = order === null ? rows : sortRows(rows, order, ctx);
  if (limit === null) return sorted;
  return sorted.slice(Number(limit.offset), Number(limit.offset + limit.count));
}

function tooManyRows(rowsMax: number): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', [`statements touching more than ${rowsMax} rows`]);
}

/** targetRows()'s rows of `source` (its read request when made already), up to `stopAt`. */
async function collectRows(
  access: TxnRows,
  source: TableSource,
  ctx: EvalContext,
  locking: Locking,
  request: ReadRequest | null,
  rows: SourceRow[],
  rowsMax: number,
  stopAt: bigint | null,
): Promise<void> {
  const read = request === null ? sourceRows(access, source, ctx, locking) : access.read(request);
  for await (const r of read) {
    const pause = ctx.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    rows.push(r);
    if (rows.length > rowsMax) throw tooManyRows(rowsMax);
    if (stopAt !== null && BigInt(rows.length) >= stopAt) break;
  }
}

// ---------------------------------------------------------------------------------------------
// SELECT

/**
 * SELECT's rows, a batch at a time, as the seam carries them: the query runs in query-run.ts
 * (streaming where it can, see there).
 */
export async function* runSelect(
  plan: Plan & { kind: 'select' },
  ctx: ExecContext,
  locking: Locking,
): AsyncGenerator<SeamRow[]> {
  const types = plan.query.columns.map((c) => c.info.type);
  const n = types.length;
  for await (const batch of runQuery(plan.query, ctx, locking)) {
    const out: SeamRow[] = new Array<SeamRow>(batch.length);
    for (let r = 0; r < batch.length; r++) {
      const row = batch[r] as Row;
      const values = new Array<SeamRow[number]>(n);
      for (let i = 0; i < n; i++) values[i] = toSeamValue(types[i] as SqlType, row[i] as Value);
      out[r] = values;
    }
    yield out;
  }
}

// ---------------------------------------------------------------------------------------------
// INSERT

/** A key within InnoDB's limit, and a row that fits an entry once its long values go out. */
export function checkEntrySize(table: TableDef, key: Buffer, row: readonly Value[]): void {
  if (key.length > KEY_SIZE_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_SIZE_MAX]);
  checkStoredRowSize(table, key, row);
}

// ---------------------------------------------------------------------------------------------
// UPDATE, DELETE

// ---------------------------------------------------------------------------------------------
// DDL

function outcome(affectedRows: number, changes: readonly CatalogChange[] = []): WriteOutcome {
  return { affectedRows, matchedRows: affectedRows, info: '', changes };
}

async function runDdl(
  plan: Plan & { kind: 'create-database' | 'drop-database' | 'create-table' | 'drop-table' },
  ctx: DdlContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  const { catalog } = ctx;
  const note = (code: number, message: string): void =>
    ctx.eval.warnings.warn('Note', code, message);
  switch (plan.kind) {
    case 'create-database': {
      if (Array.from(plan.name).length > 64) throw new SqlError('ER_TOO_LONG_IDENT', [plan.name]);
      if (catalog.hasDatabase(plan.name)) {
        const error = new SqlError('ER_DB_CREATE_EXISTS', [plan.name]);
        if (!plan.ifNotExists) throw error;
        note(error.errno, error.message);
        return outcome(0);
      }
      return outcome(1, [await catalog.createDatabase(mtr, { name: plan.name })]);
    }
    case 'drop-database': {
      if (!catalog.hasDatabase(plan.name)) {
        const error = new SqlError('ER_DB_DROP_EXISTS', [plan.name]);
        if (!plan.ifExists) throw error;
        note(error.errno, error.message);
        return outcome(0);
      }
      const dropped = await catalog.dropDatabase(mtr, plan.name);
      // The tables' trees are freed in steps after the change (index-build.ts IB5).
      const trees = dropped.dropped.flatMap((t) => tableTrees(t, 'dropped'));
      return outcome(dropped.tables,
        await retireTrees(ctx.trees, mtr, catalog, [dropped.change], trees));
    }
    case 'create-table':
      return runCreateTable(plan, ctx, mtr);
    case 'drop-table': {
      const missing = plan.tables.filter((t) => catalog.table(t.database, t.name) === undefined);
      if (missing.length > 0) {
        const error = new SqlError('ER_BAD_TABLE_ERROR', [
          missing.map((t) => `${t.database}.${t.name}`).join(','),
        ]);
        if (!plan.ifExists) throw error;
        note(error.errno, error.message);
      }
      checkDropParents(plan.tables, ctx);
      const changes: CatalogChange[] = [];
      const trees: PendingTree[] = [];
      const done = new Set<string>();
      for (const t of plan.tables) {
        const table = catalog.table(t.database, t.name);
        const id = `${t.database}\u0000${t.name}`;
        if (table === undefined || done.has(id)) continue;
        done.add(id);
        changes.push(await catalog.dropTable(mtr, table));
        trees.push(...tableTrees(table, 'dropped'));
      }
      // The trees are freed in steps after the change (index-build.ts IB5).
      return outcome(0, await retireTrees(ctx.trees, mtr, catalog, changes, trees));
    }
    default:
      return unreachable(plan);
  }
}

/**
 * Runs INSERT, UPDATE or DELETE: changes go to the statement's transaction; at once when
 * nothing had to wait (issue 8), else a promise.
 */
export function runDml(plan: Plan, ctx: ExecContext): Soon<WriteOutcome> {
  switch (plan.kind) {
    case 'insert':
      return runInsert(plan, ctx);
    case 'update':
      return runUpdate(plan, ctx);
    case 'delete':
      return runDelete(plan, ctx);
    case 'update-join':
    case 'delete-join':
      return runJoinDml(plan, ctx);
    default:
      return assert.fail(`runDml: ${plan.kind} is not DML`);
  }
}

/** CREATE INDEX / DROP INDEX: OK with MySQL's ALTER-style info string. */
async function runIndexDdl(
  plan: Plan & { kind: 'create-index' | 'drop-index' },
  ctx: DdlContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  // DROP INDEX applies its change itself (index-build.ts IB5): it hands back none.
  const changes =
    plan.kind === 'create-index'
      ? [await createIndex(ctx.trees, ctx.catalog, mtr, plan.table, plan.spec)]
      : await dropIndex(ctx.trees, ctx.catalog, mtr, plan.table, plan.index);
  const info = `Records: 0  Duplicates: 0  Warnings: ${ctx.eval.warnings.count()}`;
  return { affectedRows: 0, matchedRows: 0, info, changes };
}

/** Runs a plan that changes the catalog, inside `mtr` (under the exclusive engine latch). */
export function runWrite(plan: Plan, ctx: DdlContext, mtr: Mtr): Promise<WriteOutcome> {
  switch (plan.kind) {
    case 'create-database':
    case 'drop-database':
    case 'create-table':
    case 'drop-table':
      return runDdl(plan, ctx, mtr);
    case 'create-index':
    case 'drop-index':
      return runIndexDdl(plan, ctx, mtr);
    case 'alter-table':
    case 'rename-table':
    case 'truncate-table':
    case 'create-view':
    case 'drop-view':
    case 'alter-database':
      return runSchemaWrite(plan, ctx, mtr);
    default:
      return assert.fail(`runWrite: ${plan.kind} is not DDL`);
  }
}

/** True for plans that change the catalog (exclusive latch, one Mtr, implicit commit). */
export function isWrite(plan: Plan): boolean {
  switch (plan.kind) {
    case 'insert':
    case 'update':
    case 'delete':
      return false;
    case 'create-database':
    case 'drop-database':
    case 'create-table':
    case 'drop-table':
    case 'create-index':
    case 'drop-index':
      return true;
    case 'explain':
      return false;
    case 'alter-table':
    case 'rename-table':
    case 'truncate-table':
    case 'create-view':
    case 'drop-view':
    case 'alter-database':
      return true;
    case 'update-join':
    case 'delete-join':
      return false;
    case 'select':
    case 'show-databases':
    case 'show-tables':
    case 'show-warnings':
    case 'use':
      return false;
    default:
      return unreachable(plan);
  }
}

/** Rows the source's access path reaches (before its residual filter), counting up to `cap`. */
export async function countAccessRows(
  source: TableSource,
  ctx: ExecContext,
  cap: number,
): Promise<number> {
  const request = { ...readRequest({ ...source, residual: null }, ctx.eval, CONSISTENT) };
  let n = 0;
  for await (const _ of ctx.rows.read(request)) {
    if (++n >= cap) break;
  }
  return n;
}
