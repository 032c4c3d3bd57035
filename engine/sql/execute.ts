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
import { ENTRY_SIZE_MAX, KEY_SIZE_MAX } from '../btree/api.js';
import type { Catalog, CatalogChange } from '../catalog/catalog.js';
import type { ColumnDef, ColumnType, TableDef } from '../catalog/definitions.js';
import { DML_TARGET_ROWS_MAX, RESULT_BATCH_ROWS, SORT_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { encodeKey, encodeRowId, prefixSuccessor } from '../keys.js';
import { encodeRow } from '../row.js';
import {
  CONSISTENT,
  FOR_UPDATE,
  type HalfOpenRange,
  type Locking,
  type ReadRequest,
  type SourceRow,
  type TxnRows,
} from '../txn/rows.js';
import { unreachable } from '../unreachable.js';
import { type Collation, collation } from './collation.js';
import { type EvalContext, type Row, compile, compareForSort, compilePredicate } from './expr.js';
import { createIndex, dropIndex } from './index-build.js';
import {
  type KeyPart,
  NOT_NULL_FLOOR,
  encodeIndexPart,
  indexKeyParts,
  primaryKeyParts,
} from './index-keys.js';
import { type BoundValue, boundFor } from './key-bounds.js';
import type { KeyBound, Plan, PlanExpr, SortKey, TableSource } from './plan.js';
import { storeValue } from './store.js';
import { type Value, toSeamValue } from './values.js';

/** What DML and SELECT run with: table data only through the statement's transaction. */
export interface ExecContext {
  readonly catalog: Catalog;
  readonly eval: EvalContext;
  readonly rows: TxnRows;
  /** auto_increment_increment and _offset of the session (1 and 1 when absent). */
  readonly autoIncrement?: { readonly increment: number; readonly offset: number };
}

/** What DDL runs with: the trees, inside the statement's mini-transaction. */
export interface DdlContext {
  readonly trees: Trees;
  readonly catalog: Catalog;
  readonly eval: EvalContext;
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
  return compile(e)(NO_ROW, ctx);
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
  const keys = new Map<string, Buffer>();
  for (const tuple of tuples) {
    const encoded: Buffer[] = [];
    let empty = false;
    tuple.forEach((e, i) => {
      const part = parts[i] as KeyPart;
      const bound = keyPartValue(part.type, e, 'eq', true, ctx);
      if (bound.kind === 'value') encoded.push(encodeIndexPart(part, bound.value));
      else empty = true;
    });
    if (empty) continue;
    const key = encoded.length === 1 ? (encoded[0] as Buffer) : Buffer.concat(encoded);
    keys.set(key.toString('hex'), key);
  }
  return [...keys.values()].sort(Buffer.compare);
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
  return { ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
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
function readRequest(source: TableSource, ctx: EvalContext, locking: Locking): ReadRequest {
  const { table, access, reverse } = source;
  const keep = source.residual === null ? null : compilePredicate(source.residual);
  const base = {
    table,
    reverse,
    lock: locking.mode,
    wait: locking.wait,
    ...(keep === null ? {} : { keep: (row: Row): boolean => keep(row, ctx) }),
  };
  switch (access.kind) {
    case 'full-scan':
      return { ...base, index: null, points: null, ranges: [{}] };
    case 'pk-lookup':
      return {
        ...base,
        index: null,
        points: encodedPrefixes(primaryKeyParts(table), access.keys, ctx),
        ranges: [],
      };
    case 'pk-range':
      return { ...base, index: null, points: null, ranges: keyRanges(primaryKeyParts(table), access, ctx) };
    case 'index-range': {
      const parts = indexKeyParts(table, access.index);
      const uniqueLookup =
        access.index.unique &&
        (access.prefixes[0]?.length ?? 0) === parts.length &&
        parts.every((p) => p.prefixChars === null);
      const ranges = keyRanges(parts, access, ctx);
      return { ...base, index: access.index, points: null, ranges, uniqueLookup };
    }
    case 'index-scan':
      return { ...base, index: access.index, points: null, ranges: [{}] };
    default:
      return unreachable(access);
  }
}

/** Rows of the source that pass its residual filter (applied by the read, see txn/rows.ts). */
function sourceRows(
  rows: TxnRows,
  source: TableSource,
  ctx: EvalContext,
  locking: Locking,
): AsyncGenerator<SourceRow> {
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
async function targetRows(
  access: TxnRows,
  source: TableSource,
  order: readonly SortKey[] | null,
  limit: { count: bigint; offset: bigint } | null,
  ctx: EvalContext,
  rowsMax: number,
  locking: Locking,
): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  const stopAt = order === null && limit !== null ? limit.offset + limit.count : null;
  if (stopAt === 0n) return [];
  for await (const r of sourceRows(access, source, ctx, locking)) {
    const pause = ctx.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    rows.push(r);
    if (rows.length > rowsMax)
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`statements touching more than ${rowsMax} rows`]);
    if (stopAt !== null && BigInt(rows.length) >= stopAt) break;
  }
  const sorted = order === null ? rows : sortRows(rows, order, ctx);
  if (limit === null) return sorted;
  return sorted.slice(Number(limit.offset), Number(limit.offset + limit.count));
}

// ---------------------------------------------------------------------------------------------
// SELECT

/**
 * SELECT's rows, a batch at a time: streamed from the access path as the consumer pulls them,
 * or, when the result must be sorted, collected (SORT_ROWS_MAX) and sorted first.
 */
export async function* runSelect(
  plan: Plan & { kind: 'select' },
  ctx: ExecContext,
  locking: Locking,
): AsyncGenerator<SeamRow[]> {
  const outputs = plan.outputs.map((o) => ({ eval: compile(o.expr), type: o.expr.info.type }));
  const project = (row: Row): SeamRow =>
    outputs.map((o) => toSeamValue(o.type, o.eval(row, ctx.eval)));
  if (plan.source === null) {
    const keep = plan.filter === null || compilePredicate(plan.filter)(NO_ROW, ctx.eval);
    const skip = plan.limit !== null && (plan.limit.count === 0n || plan.limit.offset > 0n);
    if (keep && !skip) yield [project(NO_ROW)];
    return;
  }
  if (plan.order !== null) {
    const rows = await targetRows(
      ctx.rows, plan.source, plan.order, plan.limit, ctx.eval, SORT_ROWS_MAX, locking,
    );
    for (let i = 0; i < rows.length; i += RESULT_BATCH_ROWS) {
      yield rows.slice(i, i + RESULT_BATCH_ROWS).map((r) => project(r.row));
    }
    return;
  }
  let skip = plan.limit?.offset ?? 0n;
  let left = plan.limit === null ? -1n : plan.limit.count;
  if (left === 0n) return;
  let batch: SeamRow[] = [];
  for await (const r of sourceRows(ctx.rows, plan.source, ctx.eval, locking)) {
    const pause = ctx.eval.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    if (skip > 0n) {
      skip--;
      continue;
    }
    batch.push(project(r.row));
    if (left > 0n && --left === 0n) break;
    if (batch.length >= RESULT_BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

// ---------------------------------------------------------------------------------------------
// INSERT

function checkEntrySize(key: Buffer, value: Buffer): void {
  if (key.length > KEY_SIZE_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_SIZE_MAX]);
  if (key.length + value.length > ENTRY_SIZE_MAX) {
    throw new SqlError('ER_TOO_BIG_ROWSIZE', [
      ENTRY_SIZE_MAX,
      'Rows this large need overflow pages, which are not built yet.',
    ]);
  }
}

function storeRow(
  table: TableDef,
  exprs: readonly PlanExpr[],
  rowNumber: number,
  ctx: EvalContext,
  generate?: () => bigint,
): Value[] {
  return exprs.map((e, c) => {
    const value = compile(e)(NO_ROW, ctx);
    if (c === table.autoIncrement && generate !== undefined && value === null) return generate();
    const target = {
      column: table.columns[c] as ColumnDef,
      row: rowNumber,
      warnings: ctx.warnings,
      strict: ctx.sqlMode?.strict ?? true,
    };
    const stored = storeValue(e.info.type, value, target);
    // AUTO_INCREMENT: NULL and 0 mean "the next value" (without NO_AUTO_VALUE_ON_ZERO).
    if (c === table.autoIncrement && generate !== undefined && stored === 0n) return generate();
    return stored;
  });
}

/**
 * The rows of an INSERT, stored: AUTO_INCREMENT values handed out in one synchronous pass so a
 * statement's generated values are consecutive (catalog/auto-increment.ts).
 */
function insertRows(
  plan: Plan & { kind: 'insert' },
  ctx: ExecContext,
): { rows: Value[][]; generatedId?: bigint; insertId?: bigint } {
  const { table } = plan;
  const storing: EvalContext = { ...ctx.eval, storing: true };
  const auto = table.autoIncrement;
  if (auto === null) return { rows: plan.rows.map((exprs, r) => storeRow(table, exprs, r + 1, storing)) };
  const counters = ctx.catalog.autoIncrement;
  const { increment, offset } = ctx.autoIncrement ?? { increment: 1, offset: 1 };
  let generatedId: bigint | undefined;
  let insertId: bigint | undefined;
  const rows = plan.rows.map((exprs, r) => {
    let generated = false;
    const row = storeRow(table, exprs, r + 1, storing, () => {
      generated = true;
      const value = counters.generate(table, increment, offset);
      generatedId ??= value;
      return value;
    });
    const value = row[auto];
    if (!generated && typeof value === 'bigint') {
      if (value > 0n) counters.seen(table, value);
      insertId = value;
    }
    return row;
  });
  return {
    rows,
    ...(generatedId === undefined ? {} : { generatedId }),
    ...((generatedId ?? insertId) === undefined ? {} : { insertId: generatedId ?? insertId }),
  };
}

async function runInsert(
  plan: Plan & { kind: 'insert' },
  ctx: ExecContext,
): Promise<WriteOutcome> {
  const { table } = plan;
  const { rows, generatedId, insertId } = insertRows(plan, ctx);
  const firstRowId =
    table.primaryKey.length === 0 ? ctx.catalog.allocateRowIds(table, rows.length) : 0n;
  for (const [r, row] of rows.entries()) {
    const pause = ctx.eval.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    const key =
      table.primaryKey.length === 0
        ? encodeRowId(firstRowId + BigInt(r))
        : encodeKey(
            table.keyTypes,
            table.primaryKey.map((i) => row[i] as Value),
          );
    checkEntrySize(key, encodeRow(table.types, row));
    await ctx.rows.insert(table, key, row);
  }
  const warnings = ctx.eval.warnings.count();
  const info =
    rows.length > 1 ? `Records: ${rows.length}  Duplicates: 0  Warnings: ${warnings}` : '';
  return {
    affectedRows: rows.length,
    matchedRows: rows.length,
    info,
    changes: [],
    ...(generatedId === undefined ? {} : { generatedId }),
    ...(insertId === undefined ? {} : { insertId }),
  };
}

// ---------------------------------------------------------------------------------------------
// UPDATE, DELETE

async function runUpdate(
  plan: Plan & { kind: 'update' },
  ctx: ExecContext,
): Promise<WriteOutcome> {
  const { table } = plan.source;
  const limit = plan.limit === null ? null : { count: plan.limit, offset: 0n };
  const targets = await targetRows(
    ctx.rows,
    plan.source,
    plan.order,
    limit,
    ctx.eval,
    DML_TARGET_ROWS_MAX,
    FOR_UPDATE,
  );
  const storing: EvalContext = { ...ctx.eval, storing: true };
  const assignments = plan.assignments.map((a) => ({
    column: a.column,
    eval: compile(a.expr),
    type: a.expr.info.type,
  }));
  let changed = 0;
  for (const [i, target] of targets.entries()) {
    const pause = ctx.eval.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    const row = [...target.row];
    for (const a of assignments) {
      const column = table.columns[a.column] as ColumnDef;
      row[a.column] = storeValue(a.type, a.eval(row, storing), {
        column,
        row: i + 1,
        warnings: ctx.eval.warnings,
        strict: ctx.eval.sqlMode?.strict ?? true,
      });
    }
    const before = encodeRow(table.types, target.row);
    const after = encodeRow(table.types, row);
    if (before.equals(after)) continue;
    changed++;
    const key =
      table.primaryKey.length === 0
        ? target.key
        : encodeKey(
            table.keyTypes,
            table.primaryKey.map((k) => row[k] as Value),
          );
    checkEntrySize(key, after);
    await ctx.rows.update(table, target, key, row);
  }
  const warnings = ctx.eval.warnings.count();
  const info = `Rows matched: ${targets.length}  Changed: ${changed}  Warnings: ${warnings}`;
  return { affectedRows: changed, matchedRows: targets.length, info, changes: [] };
}

async function runDelete(
  plan: Plan & { kind: 'delete' },
  ctx: ExecContext,
): Promise<WriteOutcome> {
  const { table } = plan.source;
  const limit = plan.limit === null ? null : { count: plan.limit, offset: 0n };
  const targets = await targetRows(
    ctx.rows,
    plan.source,
    plan.order,
    limit,
    ctx.eval,
    DML_TARGET_ROWS_MAX,
    FOR_UPDATE,
  );
  for (const target of targets) await ctx.rows.delete(table, target);
  return { affectedRows: targets.length, matchedRows: targets.length, info: '', changes: [] };
}

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
      return outcome(dropped.tables, [dropped.change]);
    }
    case 'create-table': {
      const { spec } = plan;
      if (!catalog.hasDatabase(spec.database))
        throw new SqlError('ER_BAD_DB_ERROR', [spec.database]);
      if (catalog.table(spec.database, spec.name) !== undefined) {
        const error = new SqlError('ER_TABLE_EXISTS_ERROR', [spec.name]);
        if (!plan.ifNotExists) throw error;
        note(error.errno, error.message);
        return outcome(0);
      }
      return outcome(0, [await catalog.createTable(mtr, spec)]);
    }
    case 'drop-table': {
      const missing = plan.tables.filter((t) => catalog.table(t.database, t.name) === undefined);
      if (missing.length > 0) {
        const error = new SqlError('ER_BAD_TABLE_ERROR', [
          missing.map((t) => `${t.database}.${t.name}`).join(','),
        ]);
        if (!plan.ifExists) throw error;
        note(error.errno, error.message);
      }
      const changes: CatalogChange[] = [];
      const done = new Set<string>();
      for (const t of plan.tables) {
        const table = catalog.table(t.database, t.name);
        const id = `${t.database}\u0000${t.name}`;
        if (table === undefined || done.has(id)) continue;
        done.add(id);
        changes.push(await catalog.dropTable(mtr, table));
      }
      return outcome(0, changes);
    }
    default:
      return unreachable(plan);
  }
}

/** Runs INSERT, UPDATE or DELETE: changes go to the statement's transaction. */
export function runDml(plan: Plan, ctx: ExecContext): Promise<WriteOutcome> {
  switch (plan.kind) {
    case 'insert':
      return runInsert(plan, ctx);
    case 'update':
      return runUpdate(plan, ctx);
    case 'delete':
      return runDelete(plan, ctx);
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
  const change =
    plan.kind === 'create-index'
      ? await createIndex(ctx.trees, ctx.catalog, mtr, plan.table, plan.spec)
      : await dropIndex(ctx.trees, ctx.catalog, mtr, plan.table, plan.index);
  const info = `Records: 0  Duplicates: 0  Warnings: ${ctx.eval.warnings.count()}`;
  return { affectedRows: 0, matchedRows: 0, info, changes: [change] };
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
