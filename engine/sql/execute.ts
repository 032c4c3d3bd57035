/**
 * Execution: Plan → rows or changes, one function per plan kind. Reads run under the engine's
 * shared latch and return their rows in memory; writes run under the exclusive latch inside the
 * statement's mini-transaction (session.ts holds both).
 *
 * Writes check before they change: INSERT converts every row and checks every key (against the
 * table and within the statement) before its first insert; UPDATE and DELETE collect their
 * target rows first (so a change never meets a row it already changed), then apply them in
 * access order, as MySQL does — `UPDATE t SET id = id + 1` collides on the next id unless
 * ordered DESC. A failure anywhere leaves the Mtr to be rolled back whole (T2).
 */
import assert from 'node:assert/strict';
import type { Row as SeamRow } from '../api.js';
import type { KeyRange, Mtr, Trees } from '../btree/api.js';
import { ENTRY_SIZE_MAX, KEY_SIZE_MAX } from '../btree/api.js';
import type { Catalog, CatalogChange } from '../catalog/catalog.js';
import type { ColumnDef, ColumnType, TableDef } from '../catalog/definitions.js';
import { DML_TARGET_ROWS_MAX, RESULT_BATCH_ROWS, SORT_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { encodeKey, encodeKeyPart, encodeRowId, prefixSuccessor } from '../keys.js';
import { decodeRow, encodeRow } from '../row.js';
import { unreachable } from '../unreachable.js';
import { type Collation, collation } from './collation.js';
import { type EvalContext, type Row, compile, compareForSort, compilePredicate } from './expr.js';
import { type BoundValue, boundFor } from './key-bounds.js';
import type { KeyBound, Plan, PlanExpr, SortKey, TableSource } from './plan.js';
import { storeValue } from './store.js';
import { type Value, toSeamValue, toText } from './values.js';

export interface ExecContext {
  readonly trees: Trees;
  readonly catalog: Catalog;
  readonly eval: EvalContext;
}

export interface WriteOutcome {
  readonly affectedRows: number;
  readonly matchedRows: number;
  readonly info: string;
  readonly changes: readonly CatalogChange[];
}

interface SourceRow {
  readonly key: Buffer;
  readonly row: Value[];
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
  table: TableDef,
  tuples: readonly (readonly PlanExpr[])[],
  ctx: EvalContext,
): Buffer[] {
  const keys = new Map<string, Buffer>();
  for (const tuple of tuples) {
    const values: Value[] = [];
    let empty = false;
    tuple.forEach((e, i) => {
      const bound = keyPartValue(table.keyTypes[i] as ColumnType, e, 'eq', true, ctx);
      if (bound.kind === 'value') values.push(bound.value);
      else empty = true;
    });
    if (empty) continue;
    const key = encodeKey(table.keyTypes.slice(0, values.length), values);
    keys.set(key.toString('hex'), key);
  }
  return [...keys.values()].sort(Buffer.compare);
}

/** The range of one prefix, normalised to [lower inclusive, upper exclusive); null when empty. */
function prefixRange(
  table: TableDef,
  prefix: Buffer,
  depth: number,
  bounds: { lower: readonly KeyBound[]; upper: readonly KeyBound[] },
  ctx: EvalContext,
): { lower?: Buffer; upper?: Buffer } | null {
  const type = table.keyTypes[depth] as ColumnType;
  let lower: Buffer | undefined = depth > 0 ? prefix : undefined;
  let upper: Buffer | undefined = depth > 0 ? prefixSuccessor(prefix) : undefined;
  for (const side of ['lower', 'upper'] as const) {
    for (const b of bounds[side]) {
      const bound = keyPartValue(type, b.expr, side, b.inclusive, ctx);
      if (bound.kind === 'empty') return null;
      if (bound.kind === 'unbounded') continue;
      const at = Buffer.concat([prefix, encodeKeyPart(type, bound.value)]);
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

async function* decoded(
  table: TableDef,
  entries: AsyncIterable<readonly { key: Buffer; value: Buffer }[]>,
): AsyncGenerator<SourceRow> {
  for await (const batch of entries) {
    for (const entry of batch) yield { key: entry.key, row: decodeRow(table.types, entry.value) };
  }
}

/** Every row the access path reaches, in key order (or reverse). */
async function* accessRows(
  trees: Trees,
  source: TableSource,
  ctx: EvalContext,
): AsyncGenerator<SourceRow> {
  const { table, access, reverse } = source;
  switch (access.kind) {
    case 'full-scan':
      yield* decoded(table, trees.scan(table.root, { reverse }));
      return;
    case 'pk-lookup': {
      const keys = encodedPrefixes(table, access.keys, ctx);
      if (reverse) keys.reverse();
      for (const key of keys) {
        const value = await trees.get(table.root, key);
        if (value !== undefined) yield { key, row: decodeRow(table.types, value) };
      }
      return;
    }
    case 'pk-range': {
      const depth = access.prefixes[0]?.length ?? 0;
      const prefixes =
        depth === 0 ? [Buffer.alloc(0)] : encodedPrefixes(table, access.prefixes, ctx);
      if (reverse) prefixes.reverse();
      for (const prefix of prefixes) {
        const range = prefixRange(table, prefix, depth, access, ctx);
        if (range === null) continue;
        const keyRange: KeyRange = {
          ...(range.lower === undefined ? {} : { lower: { key: range.lower, inclusive: true } }),
          ...(range.upper === undefined ? {} : { upper: { key: range.upper, inclusive: false } }),
          reverse,
        };
        yield* decoded(table, trees.scan(table.root, keyRange));
      }
      return;
    }
    default:
      return unreachable(access);
  }
}

/** Rows of the source that pass its residual filter. */
async function* sourceRows(
  trees: Trees,
  source: TableSource,
  ctx: EvalContext,
): AsyncGenerator<SourceRow> {
  const keep = source.residual === null ? null : compilePredicate(source.residual);
  for await (const r of accessRows(trees, source, ctx)) {
    if (keep === null || keep(r.row, ctx)) yield r;
  }
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
  trees: Trees,
  source: TableSource,
  order: readonly SortKey[] | null,
  limit: { count: bigint; offset: bigint } | null,
  ctx: EvalContext,
  rowsMax: number,
): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  const stopAt = order === null && limit !== null ? limit.offset + limit.count : null;
  if (stopAt === 0n) return [];
  for await (const r of sourceRows(trees, source, ctx)) {
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

export interface RowsOutcome {
  readonly batches: SeamRow[][];
}

function batchesOf(rows: SeamRow[]): SeamRow[][] {
  const batches: SeamRow[][] = [];
  for (let i = 0; i < rows.length; i += RESULT_BATCH_ROWS)
    batches.push(rows.slice(i, i + RESULT_BATCH_ROWS));
  return batches;
}

export async function runSelect(
  plan: Plan & { kind: 'select' },
  ctx: ExecContext,
): Promise<RowsOutcome> {
  const outputs = plan.outputs.map((o) => ({ eval: compile(o.expr), type: o.expr.info.type }));
  const project = (row: Row): SeamRow =>
    outputs.map((o) => toSeamValue(o.type, o.eval(row, ctx.eval)));
  if (plan.source === null) {
    const keep = plan.filter === null || compilePredicate(plan.filter)(NO_ROW, ctx.eval);
    const skip = plan.limit !== null && (plan.limit.count === 0n || plan.limit.offset > 0n);
    return { batches: keep && !skip ? [[project(NO_ROW)]] : [] };
  }
  const rows = await targetRows(
    ctx.trees,
    plan.source,
    plan.order,
    plan.limit,
    ctx.eval,
    SORT_ROWS_MAX,
  );
  return { batches: batchesOf(rows.map((r) => project(r.row))) };
}

// ---------------------------------------------------------------------------------------------
// INSERT

function duplicateEntry(table: TableDef, row: readonly Value[]): SqlError {
  const text = table.primaryKey
    .map((i) => toText((table.columns[i] as ColumnDef).type, row[i] as Value))
    .join('-');
  return new SqlError('ER_DUP_ENTRY', [text, `${table.name}.PRIMARY`]);
}

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
): Value[] {
  return exprs.map((e, c) =>
    storeValue(e.info.type, compile(e)(NO_ROW, ctx), {
      column: table.columns[c] as ColumnDef,
      row: rowNumber,
      warnings: ctx.warnings,
    }),
  );
}

async function runInsert(
  plan: Plan & { kind: 'insert' },
  ctx: ExecContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  const { table } = plan;
  const storing: EvalContext = { ...ctx.eval, storing: true };
  const rows = plan.rows.map((exprs, r) => storeRow(table, exprs, r + 1, storing));
  const firstRowId =
    table.primaryKey.length === 0 ? ctx.catalog.allocateRowIds(table, rows.length) : 0n;
  const entries = rows.map((row, r) => {
    const key =
      table.primaryKey.length === 0
        ? encodeRowId(firstRowId + BigInt(r))
        : encodeKey(
            table.keyTypes,
            table.primaryKey.map((i) => row[i] as Value),
          );
    const value = encodeRow(table.types, row);
    checkEntrySize(key, value);
    return { key, value, row };
  });
  const seen = new Set<string>();
  for (const entry of entries) {
    const hex = entry.key.toString('hex');
    if (seen.has(hex)) throw duplicateEntry(table, entry.row);
    seen.add(hex);
    if ((await ctx.trees.get(table.root, entry.key)) !== undefined)
      throw duplicateEntry(table, entry.row);
  }
  for (const entry of entries) {
    const inserted = await ctx.trees.insert(mtr, table.root, entry.key, entry.value);
    assert(inserted, 'insert: the key was checked to be new');
  }
  const warnings = ctx.eval.warnings.count();
  const info =
    rows.length > 1 ? `Records: ${rows.length}  Duplicates: 0  Warnings: ${warnings}` : '';
  return { affectedRows: rows.length, matchedRows: rows.length, info, changes: [] };
}

// ---------------------------------------------------------------------------------------------
// UPDATE, DELETE

async function runUpdate(
  plan: Plan & { kind: 'update' },
  ctx: ExecContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  const { table } = plan.source;
  const limit = plan.limit === null ? null : { count: plan.limit, offset: 0n };
  const targets = await targetRows(
    ctx.trees,
    plan.source,
    plan.order,
    limit,
    ctx.eval,
    DML_TARGET_ROWS_MAX,
  );
  const storing: EvalContext = { ...ctx.eval, storing: true };
  const assignments = plan.assignments.map((a) => ({
    column: a.column,
    eval: compile(a.expr),
    type: a.expr.info.type,
  }));
  let changed = 0;
  for (const [i, target] of targets.entries()) {
    const row = [...target.row];
    for (const a of assignments) {
      const column = table.columns[a.column] as ColumnDef;
      row[a.column] = storeValue(a.type, a.eval(row, storing), {
        column,
        row: i + 1,
        warnings: ctx.eval.warnings,
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
    if (key.equals(target.key)) {
      assert(await ctx.trees.update(mtr, table.root, key, after), 'update: the row is there');
      continue;
    }
    assert(await ctx.trees.delete(mtr, table.root, target.key), 'update: the old row is there');
    if (!(await ctx.trees.insert(mtr, table.root, key, after))) throw duplicateEntry(table, row);
  }
  const warnings = ctx.eval.warnings.count();
  const info = `Rows matched: ${targets.length}  Changed: ${changed}  Warnings: ${warnings}`;
  return { affectedRows: changed, matchedRows: targets.length, info, changes: [] };
}

async function runDelete(
  plan: Plan & { kind: 'delete' },
  ctx: ExecContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  const { table } = plan.source;
  const limit = plan.limit === null ? null : { count: plan.limit, offset: 0n };
  const targets = await targetRows(
    ctx.trees,
    plan.source,
    plan.order,
    limit,
    ctx.eval,
    DML_TARGET_ROWS_MAX,
  );
  for (const target of targets) {
    assert(await ctx.trees.delete(mtr, table.root, target.key), 'delete: the row is there');
  }
  return { affectedRows: targets.length, matchedRows: targets.length, info: '', changes: [] };
}

// ---------------------------------------------------------------------------------------------
// DDL

function outcome(affectedRows: number, changes: readonly CatalogChange[] = []): WriteOutcome {
  return { affectedRows, matchedRows: affectedRows, info: '', changes };
}

async function runDdl(
  plan: Plan & { kind: 'create-database' | 'drop-database' | 'create-table' | 'drop-table' },
  ctx: ExecContext,
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

/** Runs a plan that changes data or the catalog, inside `mtr`. */
export function runWrite(plan: Plan, ctx: ExecContext, mtr: Mtr): Promise<WriteOutcome> {
  switch (plan.kind) {
    case 'insert':
      return runInsert(plan, ctx, mtr);
    case 'update':
      return runUpdate(plan, ctx, mtr);
    case 'delete':
      return runDelete(plan, ctx, mtr);
    case 'create-database':
    case 'drop-database':
    case 'create-table':
    case 'drop-table':
      return runDdl(plan, ctx, mtr);
    default:
      return assert.fail(`runWrite: ${plan.kind} is not a write`);
  }
}

/** True for plans that change data or the catalog (exclusive latch, one Mtr). */
export function isWrite(plan: Plan): boolean {
  switch (plan.kind) {
    case 'insert':
    case 'update':
    case 'delete':
    case 'create-database':
    case 'drop-database':
    case 'create-table':
    case 'drop-table':
      return true;
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
