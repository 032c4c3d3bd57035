/**
 * Running the schema changes of issue 6 (6c) inside the DDL's mini-transaction, under the
 * exclusive engine latch (session.ts): the trees read here are the latest committed state, and a
 * failure anywhere leaves the schema as it was — MySQL 8's atomic DDL. Changes whose work grows
 * with the table run in bounded steps of that Mtr (index-build.ts, IB1–IB5): new trees are
 * pending until the step that records the change, trees it frees are retired after it.
 *
 *   ALTER TABLE, rebuild    every row read from the old tree (long values from their chains),
 *                           converted to the new columns (values stored as INSERT stores them:
 *                           errors by sql_mode), sorted by its new key and loaded with its index
 *                           entries into new trees; the old trees and chains retired
 *   ALTER TABLE, in place   new indexes built from the rows, dropped ones retired
 *   TRUNCATE                new empty trees; the AUTO_INCREMENT counter back to 1; the old trees
 *                           retired
 *   RENAME TABLE            the catalog entries move; trees stay
 *   CREATE / DROP VIEW      the view's catalog entry
 *
 * Transactions that wrote to the table before the change fail at COMMIT with
 * ER_TABLE_DEF_CHANGED (txn/manager.ts), as their write sets name the old trees.
 *
 * Invariant (SR1): after a rebuild the new table tree holds exactly one entry per old row and
 * each index exactly one entry per row (index-keys.ts), as CREATE INDEX's IB1.
 */
import type { PageId } from '../../storage/index.js';
import { KEY_SIZE_MAX, type Mtr } from '../btree/api.js';
import type { CatalogChange } from '../catalog/catalog.js';
import {
  type ColumnDef,
  type ForeignKeyDef,
  type IndexDef,
  type TableDef,
  makeTableDef,
} from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { encodeKey, encodeRowId, prefixSuccessor } from '../keys.js';
import { encodeRow } from '../row.js';
import { largestValue } from '../catalog/auto-increment.js';
import { implicitDefault } from './dml-insert.js';
import {
  computeGenerated, foreignKeyChecks, foreignKeyText, keyAccess, referencesTo, tableRules,
} from './constraints.js';
import { encodeIndexPart, indexKeyParts, primaryKeyParts } from './index-keys.js';
import type { DdlContext, WriteOutcome } from './execute.js';
import { compile } from './expr.js';
import {
  type NewRow, buildIndexes, buildLimits, buildTable, retireTrees, tableTrees,
} from './index-build.js';
import type { PendingTree } from '../catalog/pending-trees.js';
import type { AlterPlan } from './plan-alter.js';
import { columnDefault } from './plan-insert.js';
import type { Plan, SchemaPlan } from './plan.js';
import { loadRow } from './row-overflow.js';
import { storeValue } from './store.js';
import type { Value } from './values.js';

function outcome(affectedRows: number, changes: readonly CatalogChange[], info = ''): WriteOutcome {
  return { affectedRows, matchedRows: affectedRows, info, changes };
}

/** Runs a schema change plan inside `mtr`. */
export async function runSchemaWrite(
  plan: Plan & Exclude<SchemaPlan, { kind: 'update-join' | 'delete-join' }>,
  ctx: DdlContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  switch (plan.kind) {
    case 'alter-table':
      return runAlter(plan.alter, ctx, mtr);
    case 'rename-table': {
      const changes: CatalogChange[] = [];
      for (const { from, to } of plan.renames) {
        // Earlier renames of this statement are in `changes`, not yet in the cache.
        const table = currentTable(ctx, changes, from);
        if (table !== undefined) {
          changes.push(...(await repointChildren(ctx, mtr, table, to, new Map())));
          changes.push(await ctx.catalog.renameTable(mtr, repointSelf(table, to), to));
        }
        else {
          const view = ctx.catalog.view(from.database, from.name);
          if (view === undefined)
            throw new SqlError('ER_NO_SUCH_TABLE', [from.database, from.name]);
          changes.push(await ctx.catalog.renameView(mtr, view, to));
        }
      }
      return outcome(0, changes);
    }
    case 'truncate-table':
      return runTruncate(plan.table, ctx, mtr);
    case 'create-view': {
      if (plan.mergeRefused) {
        const refused = new SqlError('ER_WARN_VIEW_MERGE');
        ctx.eval.warnings.warn('Warning', refused.errno, refused.message);
      }
      const account =
        ctx.eval.session.account ?? `${ctx.eval.session.user}@${ctx.eval.session.host}`;
      const at = account.lastIndexOf('@');
      const definer =
        plan.view.definer.user === '' && plan.view.definer.host === ''
          ? { user: account.slice(0, at), host: account.slice(at + 1) }
          : plan.view.definer;
      return outcome(0, [await ctx.catalog.putView(mtr, { ...plan.view, definer })]);
    }
    case 'drop-view':
      return runDropView(plan, ctx, mtr);
    case 'alter-database':
      return outcome(1, [await ctx.catalog.alterDatabase(mtr, plan.def)]);
    default: {
      const never: never = plan;
      return never;
    }
  }
}

/** A table as the statement sees it: renamed by an earlier change of the same statement. */
function currentTable(
  ctx: DdlContext,
  changes: readonly CatalogChange[],
  name: { readonly database: string; readonly name: string },
): TableDef | undefined {
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i] as CatalogChange;
    if (change.kind !== 'rename-table') continue;
    if (change.def.database === name.database && change.def.name === name.name) return change.def;
    if (change.from.database === name.database && change.from.name === name.name) return undefined;
  }
  return ctx.catalog.table(name.database, name.name);
}

async function runDropView(
  plan: Plan & { kind: 'drop-view' },
  ctx: DdlContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  const missing: string[] = [];
  for (const v of plan.views) {
    if (ctx.catalog.view(v.database, v.name) !== undefined) continue;
    if (ctx.catalog.table(v.database, v.name) !== undefined) {
      throw new SqlError('ER_WRONG_OBJECT', [v.database, v.name, 'VIEW']);
    }
    missing.push(`${v.database}.${v.name}`);
  }
  if (missing.length > 0) {
    const error = new SqlError('ER_BAD_TABLE_ERROR', [missing.join(',')]);
    if (!plan.ifExists) throw error;
    ctx.eval.warnings.warn('Note', error.errno, error.message);
  }
  const changes: CatalogChange[] = [];
  const done = new Set<string>();
  for (const v of plan.views) {
    const view = ctx.catalog.view(v.database, v.name);
    const id = `${v.database}\u0000${v.name}`;
    if (view === undefined || done.has(id)) continue;
    done.add(id);
    changes.push(await ctx.catalog.dropView(mtr, view));
  }
  return outcome(0, changes);
}

// ---------------------------------------------------------------------------------------------
// Trees

/** Every row of a table, with its key: the latest committed state (we hold the latch). */
async function* tableRows(
  ctx: DdlContext,
  table: TableDef,
): AsyncGenerator<{ key: Buffer; row: Value[] }> {
  for await (const batch of ctx.trees.scan(table.root, {})) {
    for (const entry of batch) {
      yield { key: entry.key, row: await loadRow(ctx.trees, table, entry.value, undefined) };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// TRUNCATE

async function runTruncate(table: TableDef, ctx: DdlContext, mtr: Mtr): Promise<WriteOutcome> {
  if (foreignKeyChecks(ctx.eval)) {
    for (const { child, fk } of referencesTo(ctx.catalog, table)) {
      if (child.database === table.database && child.name === table.name) continue;
      const text = `\`${child.database}\`.\`${child.name}\`, CONSTRAINT \`${fk.name}\``;
      throw new SqlError('ER_TRUNCATE_ILLEGAL_FK', [text]);
    }
  }
  const root = await ctx.trees.createTree(mtr);
  const indexes: IndexDef[] = [];
  for (const index of table.indexes)
    indexes.push({ ...index, root: await ctx.trees.createTree(mtr) });
  const after = makeTableDef({ ...table, root, indexes });
  const change = await ctx.catalog.alterTable(mtr, table, after, {
    ...(table.autoIncrement === null ? {} : { autoIncrementNext: 1n }),
    nextRowId: 1n,
  });
  // The old trees are retired (IB5): freed in steps, whatever the table's size.
  return retire(ctx, mtr, outcome(0, [change]), tableTrees(table, 'truncated'));
}

// ---------------------------------------------------------------------------------------------
// ALTER TABLE

function alteredDef(alter: AlterPlan, root: PageId, indexes: readonly IndexDef[]): TableDef {
  const t = alter.table;
  // The table's own foreign keys that reference itself follow its column renames.
  const foreignKeys = alter.foreignKeys.map((fk) =>
    fk.refDatabase === t.database && fk.refTable === t.name
      ? { ...fk, refColumns: fk.refColumns.map((c) => renamed(alter.renamedColumns, c)) }
      : fk,
  );
  return makeTableDef({
    database: t.database,
    name: t.name,
    root,
    columns: alter.columns,
    primaryKey: alter.primaryKey,
    indexes,
    autoIncrement: alter.autoIncrement,
    options: alter.options,
    ...(foreignKeys.length === 0 ? {} : { foreignKeys }),
    ...(alter.checks.length === 0 ? {} : { checks: alter.checks }),
    ...(alter.fulltext.length === 0 ? {} : { fulltext: alter.fulltext }),
  });
}

/** Converts rows of the old table to the new one's columns (see the file comment). */
class RowConverter {
  private readonly fill: ((row: readonly Value[]) => Value)[];
  rowNumber = 0;
  nextAuto = 1n;

  constructor(
    private readonly alter: AlterPlan,
    private readonly after: TableDef,
    private readonly ctx: DdlContext,
  ) {
    const storing = { ...ctx.eval, storing: true };
    this.fill = after.columns.map((column, c) => {
      const source = alter.sources[c] ?? null;
      if (source !== null) return (row) => row[source] as Value;
      if (c === after.autoIncrement) return () => this.nextAuto++;
      const e = compile(columnDefault(column, after));
      return () => e([], storing);
    });
  }

  convert(old: readonly Value[]): Value[] {
    this.rowNumber++;
    return this.after.columns.map((column, c) => {
      const source = this.alter.sources[c] ?? null;
      const value = (this.fill[c] as (row: readonly Value[]) => Value)(old);
      const from = source === null ? column : (this.alter.table.columns[source] as ColumnDef);
      return this.store(column, from, value, source === null);
    });
  }

  private store(column: ColumnDef, from: ColumnDef, value: Value, added: boolean): Value {
    const strict = this.ctx.eval.sqlMode?.strict ?? true;
    if (value === null && !column.nullable) {
      const fallback = implicitDefault(column.type);
      // A new NOT NULL column takes the implicit default; an existing one must not hold NULL.
      if (!added && strict) throw new SqlError('ER_INVALID_USE_OF_NULL');
      if (fallback === undefined) throw new SqlError('ER_INVALID_USE_OF_NULL');
      if (!added) {
        this.ctx.eval.warnings.warn(
          'Warning',
          1265,
          `Data truncated for column '${column.name}' at row ${this.rowNumber}`,
        );
      }
      return fallback;
    }
    if (!added && JSON.stringify(from.type) === JSON.stringify(column.type)) return value;
    return storeValue(from.type, value, {
      column,
      row: this.rowNumber,
      warnings: this.ctx.eval.warnings,
      strict,
      ...(this.ctx.eval.timeZone === undefined ? {} : { timeZone: this.ctx.eval.timeZone }),
      table: this.after.name,
    });
  }
}

/**
 * ALTER TABLE's copy: the old rows, converted, fill new trees in bounded steps (index-build.ts
 * buildTable); `finish` records the change; then the old trees are retired (IB5) and freed in
 * steps. The catalog change is applied there, so the outcome carries none.
 */
async function rebuild(
  alter: AlterPlan,
  ctx: DdlContext,
  mtr: Mtr,
  finish: (built: Built) => Promise<WriteOutcome>,
): Promise<WriteOutcome> {
  const before = alter.table;
  const specs = alter.indexes.map(({ keep: _keep, ...rest }) => rest);
  // The new rows' columns and keys (their trees come later).
  const shape = alteredDef(alter, before.root, []);
  const converter = new RowConverter(alter, shape, ctx);
  let largest = 0n;
  const rows = async function* (): AsyncGenerator<NewRow> {
    // Generated columns are computed again from the converted row (a new one has no value yet).
    const rules = tableRules(shape);
    const storing = { ...ctx.eval, storing: true };
    let rowId = 0n;
    for await (const { row } of tableRows(ctx, before)) {
      const converted = converter.convert(row);
      if (rules.generated.length > 0)
        computeGenerated(rules, converted, converter.rowNumber, storing);
      const key = shape.primaryKey.length === 0
        ? encodeRowId(++rowId)
        : encodeKey(shape.keyTypes, shape.primaryKey.map((i) => converted[i] as Value));
      if (key.length > KEY_SIZE_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_SIZE_MAX]);
      const auto = shape.autoIncrement === null ? null : converted[shape.autoIncrement];
      if (typeof auto === 'bigint' && auto > largest) largest = auto;
      yield { key, encoded: encodeRow(shape.types, converted), row: converted };
    }
  };
  const define = (root: PageId, indexes: readonly IndexDef[]): TableDef =>
    alteredDef(alter, root, indexes);
  const done = await buildTable(ctx.trees, mtr, define, specs, rows(), buildLimits(), (after) =>
    finish({
      after,
      rows: converter.rowNumber,
      autoNext: after.autoIncrement === null ? null : largest + 1n,
    }),
  );
  return retire(ctx, mtr, done, tableTrees(before, 'replaced'));
}

interface Built {
  readonly after: TableDef;
  readonly rows: number;
  readonly autoNext: bigint | null;
}

function retiredIndex(table: TableDef, index: IndexDef): PendingTree {
  return { root: index.root, what: `index ${index.name} of ${table.database}.${table.name}`,
    rows: false };
}

/** IB5: commits `done`'s change with `trees` pending, applies it, frees them in steps. */
async function retire(
  ctx: DdlContext,
  mtr: Mtr,
  done: WriteOutcome,
  trees: readonly PendingTree[],
): Promise<WriteOutcome> {
  return { ...done, changes: await retireTrees(ctx.trees, mtr, ctx.catalog, done.changes, trees) };
}

/**
 * In place: the new indexes are built from the rows in bounded steps (index-build.ts) and
 * `finish` records the change in the final step (a failure there frees the new trees too,
 * IB4); then dropped indexes are retired (IB5).
 */
async function inPlace(
  alter: AlterPlan,
  ctx: DdlContext,
  mtr: Mtr,
  finish: (after: TableDef) => Promise<WriteOutcome>,
): Promise<WriteOutcome> {
  const { trees } = ctx;
  const before = alter.table;
  const specs = alter.indexes.flatMap(({ keep, ...rest }) => (keep === null ? [rest] : []));
  // The rows stay as they are: read with the new columns' names and order.
  const shape = alteredDef(alter, before.root, []);
  const done = await buildIndexes(trees, mtr, shape, specs, buildLimits(), (built) => {
    let next = 0;
    const indexes = alter.indexes.map(({ keep, ...rest }) =>
      keep === null
        ? (built[next++] as IndexDef)
        : {
            ...keep,
            name: rest.name,
            ...(rest.comment === undefined ? {} : { comment: rest.comment }),
          },
    );
    return finish(alteredDef(alter, before.root, indexes));
  });
  const kept = new Set(alter.indexes.flatMap((s) => (s.keep === null ? [] : [s.keep.root])));
  const dropped = before.indexes.filter((i) => !kept.has(i.root));
  return retire(ctx, mtr, done, dropped.map((i) => retiredIndex(before, i)));
}

async function runAlter(alter: AlterPlan, ctx: DdlContext, mtr: Mtr): Promise<WriteOutcome> {
  for (const w of alter.warnings) ctx.eval.warnings.warn(w.level ?? 'Warning', w.code, w.message);
  if (alter.noop) return outcome(0, [], alterInfo(alter, ctx, 0));
  if (alter.rebuild) {
    return rebuild(alter, ctx, mtr, (built) => finishAlter(alter, ctx, mtr, built));
  }
  return inPlace(alter, ctx, mtr, (after) =>
    finishAlter(alter, ctx, mtr, { after, rows: 0, autoNext: null }),
  );
}

function alterInfo(alter: AlterPlan, ctx: DdlContext, records: number): string {
  return alter.simple
    ? ''
    : `Records: ${records}  Duplicates: 0  Warnings: ${ctx.eval.warnings.count()}`;
}

/** Records the altered table (its counter, renames, children) once its trees are built. */
async function finishAlter(
  alter: AlterPlan,
  ctx: DdlContext,
  mtr: Mtr,
  built: Built,
): Promise<WriteOutcome> {
  const before = alter.table;
  const { after, rows } = built;
  let autoNext = built.autoNext;
  if (after.autoIncrement !== null) {
    // The counter never falls below one past the column's largest value (InnoDB).
    const largest = autoNext ?? (await largestValue(ctx.trees, after)) + 1n;
    const current = before.autoIncrement === null ? 1n : ctx.catalog.autoIncrement.peek(before);
    let next = largest > current ? largest : current;
    if (alter.autoIncrementStart !== null) {
      next = alter.autoIncrementStart > largest ? alter.autoIncrementStart : largest;
    }
    autoNext = next;
  }
  const changes: CatalogChange[] = [
    await ctx.catalog.alterTable(mtr, before, after, {
      ...(autoNext === null ? {} : { autoIncrementNext: autoNext }),
      ...(alter.rebuild ? { nextRowId: BigInt(rows) + 1n } : {}),
    }),
  ];
  await validateAdded(ctx, after, alter);
  if (alter.rename !== null || alter.renamedColumns.size > 0) {
    const to = alter.rename ?? { database: before.database, name: before.name };
    changes.push(...(await repointChildren(ctx, mtr, before, to, alter.renamedColumns)));
  }
  if (alter.rename !== null)
    changes.push(
      await ctx.catalog.renameTable(mtr, repointSelf(after, alter.rename), alter.rename),
    );
  // MySQL copies the rows only when a column's type changes; other changes are in place (0).
  const copied = alter.copy ? rows : 0;
  return outcome(copied, changes, alterInfo(alter, ctx, copied));
}

// ---------------------------------------------------------------------------------------------
// CREATE TABLE

/** CREATE TABLE: the table's trees and entry (V1: its name may be no view's either). */
export async function runCreateTable(
  plan: Plan & { kind: 'create-table' },
  ctx: DdlContext,
  mtr: Mtr,
): Promise<WriteOutcome> {
  const { catalog } = ctx;
  const spec = plan.spec;
  if (!catalog.hasDatabase(spec.database)) throw new SqlError('ER_BAD_DB_ERROR', [spec.database]);
  if (catalog.hasTableOrView(spec.database, spec.name)) {
    const error = new SqlError('ER_TABLE_EXISTS_ERROR', [spec.name]);
    if (!plan.ifNotExists) throw error;
    ctx.eval.warnings.warn('Note', error.errno, error.message);
    return outcome(0, []);
  }
  for (const w of plan.warnings ?? [])
    ctx.eval.warnings.warn(w.level ?? 'Warning', w.code, w.message);
  const options = {
    ...(spec.options ?? {}),
    ...(ctx.wallNow === undefined ? {} : { created: ctx.wallNow }),
  };
  return outcome(0, [await catalog.createTable(mtr, { ...spec, options })]);
}

// ---------------------------------------------------------------------------------------------
// Foreign keys across tables

/**
 * DROP TABLE of a parent that a foreign key of a table not dropped with it references:
 * ER_FK_CANNOT_DROP_PARENT (3730), when foreign_key_checks is on.
 */
export function checkDropParents(
  tables: readonly { readonly database: string; readonly name: string }[],
  ctx: DdlContext,
): void {
  if (!foreignKeyChecks(ctx.eval)) return;
  const dropped = new Set(tables.map((t) => `${t.database}\u0000${t.name}`));
  for (const t of tables) {
    for (const { child, fk } of referencesTo(ctx.catalog, t)) {
      if (dropped.has(`${child.database}\u0000${child.name}`)) continue;
      throw new SqlError('ER_FK_CANNOT_DROP_PARENT', [t.name, fk.name, child.name]);
    }
  }
}

/** Other tables' foreign keys that reference `parent`, renamed / repointed (metadata only). */
async function repointChildren(
  ctx: DdlContext,
  mtr: Mtr,
  parent: TableDef,
  to: { readonly database: string; readonly name: string },
  columns: ReadonlyMap<string, string>,
): Promise<CatalogChange[]> {
  const changes: CatalogChange[] = [];
  const children = new Map<string, TableDef>();
  for (const { child } of referencesTo(ctx.catalog, parent)) {
    if (child.database === parent.database && child.name === parent.name) continue;
    children.set(`${child.database}\u0000${child.name}`, child);
  }
  for (const child of children.values()) {
    const foreignKeys = (child.foreignKeys ?? []).map((fk) =>
      fk.refDatabase === parent.database && fk.refTable === parent.name
        ? {
            ...fk,
            refDatabase: to.database,
            refTable: to.name,
            refColumns: fk.refColumns.map((c) => renamed(columns, c)),
          }
        : fk,
    );
    changes.push(await ctx.catalog.alterTable(mtr, child, makeTableDef({ ...child, foreignKeys })));
  }
  return changes;
}

function renamed(columns: ReadonlyMap<string, string>, name: string): string {
  for (const [from, to] of columns) if (from.toLowerCase() === name.toLowerCase()) return to;
  return name;
}

/** The rows of `table` satisfy the CHECKs and foreign keys named (ALTER TABLE ADD …). */
async function validateAdded(ctx: DdlContext, table: TableDef, alter: AlterPlan): Promise<void> {
  const checks = (table.checks ?? []).filter((c) => alter.addedChecks.includes(c.name));
  const foreignKeys = foreignKeyChecks(ctx.eval)
    ? (table.foreignKeys ?? []).filter((f) => alter.addedForeignKeys.includes(f.name))
    : [];
  if (checks.length === 0 && foreignKeys.length === 0) return;
  const rules = tableRules(table);
  for await (const { row } of tableRows(ctx, table)) {
    for (const check of rules.checks) {
      if (!checks.some((c) => c.name === check.name)) continue;
      const value = check.test(row, ctx.eval);
      if (value !== null && (value === 0n || value === 0)) {
        throw new SqlError('ER_CHECK_CONSTRAINT_VIOLATED', [check.name]);
      }
    }
    for (const fk of foreignKeys) await checkParentInTrees(ctx, table, fk, row);
  }
}

/** A child row's parent exists in the trees (DDL has no transaction): 1452 if not. */
async function checkParentInTrees(
  ctx: DdlContext,
  child: TableDef,
  fk: ForeignKeyDef,
  row: readonly Value[],
): Promise<void> {
  const values = fk.columns.map((c) => row[c] ?? null);
  if (values.some((v) => v === null)) return;
  const self = fk.refDatabase === child.database && fk.refTable === child.name;
  const parent = self ? child : ctx.catalog.table(fk.refDatabase, fk.refTable);
  const columns =
    parent === undefined
      ? []
      : fk.refColumns.map((n) =>
          parent.columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase()),
        );
  const access = parent === undefined ? null : keyAccess(parent, columns);
  if (parent !== undefined && access !== null) {
    const parts =
      access.index === null ? primaryKeyParts(parent) : indexKeyParts(parent, access.index);
    const prefix = Buffer.concat(
      values.map((v, i) => encodeIndexPart(parts[i] as (typeof parts)[number], v)),
    );
    const upper = prefixSuccessor(prefix);
    const range = upper === undefined
      ? { lower: { key: prefix, inclusive: true } }
      : { lower: { key: prefix, inclusive: true }, upper: { key: upper, inclusive: false } };
    for await (const batch of ctx.trees.scan(
      access.index === null ? parent.root : access.index.root,
      range,
    )) {
      if (batch.length > 0) return;
      break;
    }
  }
  throw new SqlError('ER_NO_REFERENCED_ROW_2', [foreignKeyText(child, fk)]);
}

/** A table's self-referencing foreign keys follow its RENAME TO. */
function repointSelf(
  table: TableDef,
  to: { readonly database: string; readonly name: string },
): TableDef {
  const foreignKeys = (table.foreignKeys ?? []).map((fk) =>
    fk.refDatabase === table.database && fk.refTable === table.name
      ? { ...fk, refDatabase: to.database, refTable: to.name }
      : fk,
  );
  return foreignKeys.length === 0 ? table : makeTableDef({ ...table, foreignKeys });
}
