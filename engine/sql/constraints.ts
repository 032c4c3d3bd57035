/**
 * What a row of a table must satisfy when it is written, and what writing it does to others —
 * MySQL 8's (InnoDB's) rules, applied by INSERT, UPDATE, DELETE and REPLACE (dml-*.ts):
 *
 *   generated columns   computed from the row, in column order, on every write (D7)
 *   CHECK constraints   an enforced one that is FALSE (not NULL) fails: 3819
 *   ON UPDATE now       an UPDATE that changes the row sets such columns it does not assign
 *   FOREIGN KEY, child  a new or changed child key without NULLs must have its parent row
 *                       (read with a shared lock): 1452
 *   FOREIGN KEY, parent deleting a row, or changing its referenced key, meets the child rows
 *                       referencing it (read with exclusive locks): RESTRICT / NO ACTION 1451,
 *                       CASCADE deletes / updates them, SET NULL sets their key to NULL — and
 *                       that recurses, at most 15 levels deep (3008), as InnoDB.
 *
 * foreign_key_checks = 0 turns both foreign key rules off (nothing is checked or cascaded).
 * Rules are compiled once per table definition (a table's definition changes identity on DDL).
 */
import type { Catalog } from '../catalog/catalog.js';
import type { ColumnDef, ForeignKeyDef, IndexDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { encodeKey, prefixSuccessor } from '../keys.js';
import { encodeRow } from '../row.js';
import type { LockMode, ReadRequest, SourceRow, TxnRows } from '../txn/rows.js';
import { Binder } from './bind.js';
import { type EvalContext, compile } from './expr.js';
import { encodeIndexPart, indexKeyParts, primaryKeyParts } from './index-keys.js';
import { parseExpression } from './parse.js';
import { type StoreTarget, storeValue, zeroDateModes } from './store.js';
import type { SqlType, Value } from './values.js';
import { quoteName } from './expr-text.js';
import type { Soon } from '../soon.js';

/** InnoDB's limit on cascading foreign key actions. */
export const FK_CASCADE_DEPTH_MAX = 15;

type Evaluator = ReturnType<typeof compile>;

interface CompiledCheck {
  readonly name: string;
  readonly test: Evaluator;
}

interface CompiledGenerated {
  readonly column: number;
  readonly eval: Evaluator;
  readonly type: SqlType;
}

/** A table's compiled rules (see the file comment). */
export interface TableRules {
  readonly table: TableDef;
  readonly generated: readonly CompiledGenerated[];
  readonly checks: readonly CompiledCheck[];
  /** Columns with ON UPDATE CURRENT_TIMESTAMP(fsp). */
  readonly onUpdate: readonly { readonly column: number; readonly fsp: number }[];
}

const compiled = new WeakMap<TableDef, TableRules>();

function bindOver(table: TableDef, text: string) {
  return new Binder({
    table,
    tableName: table.name,
    clause: 'field list',
    currentDatabase: table.database,
  }).bind(parseExpression(text));
}

export function tableRules(table: TableDef): TableRules {
  const cached = compiled.get(table);
  if (cached !== undefined) return cached;
  const generated: CompiledGenerated[] = [];
  table.columns.forEach((column, i) => {
    if (column.generated === undefined) return;
    const expr = bindOver(table, column.generated.expression);
    generated.push({ column: i, eval: compile(expr), type: expr.info.type });
  });
  const checks = (table.checks ?? [])
    .filter((c) => c.enforced)
    .map((c) => ({ name: c.name, test: compile(bindOver(table, c.expression)) }));
  const onUpdate = table.columns.flatMap((c, i) =>
    c.onUpdateNow === undefined ? [] : [{ column: i, fsp: c.onUpdateNow }],
  );
  const rules = { table, generated, checks, onUpdate };
  compiled.set(table, rules);
  return rules;
}

function storeTarget(table: TableDef, column: number, row: number, ctx: EvalContext): StoreTarget {
  return {
    column: table.columns[column] as ColumnDef,
    row,
    warnings: ctx.warnings,
    strict: ctx.sqlMode?.strict ?? true,
    ...zeroDateModes(ctx.sqlMode),
    ...(ctx.timeZone === undefined ? {} : { timeZone: ctx.timeZone }),
    table: table.name,
  };
}

/** Fills the generated columns of `row` (in place), in column order. */
export function computeGenerated(
  rules: TableRules,
  row: Value[],
  rowNumber: number,
  ctx: EvalContext,
): void {
  for (const g of rules.generated) {
    row[g.column] = storeValue(
      g.type,
      g.eval(row, ctx),
      storeTarget(rules.table, g.column, rowNumber, ctx),
    );
  }
}

/** The first enforced CHECK the row violates (FALSE, not NULL), or null. */
export function violatedCheck(
  rules: TableRules,
  row: readonly Value[],
  ctx: EvalContext,
): string | null {
  for (const check of rules.checks) {
    const value = check.test(row, ctx);
    if (value === null) continue;
    const truthy =
      typeof value === 'bigint'
        ? value !== 0n
        : typeof value === 'number'
          ? value !== 0
          : Number(value) !== 0;
    if (!truthy) return check.name;
  }
  return null;
}

/** Sets the ON UPDATE CURRENT_TIMESTAMP columns the UPDATE did not assign (the row changed). */
export function applyOnUpdate(
  rules: TableRules,
  row: Value[],
  assigned: ReadonlySet<number>,
  rowNumber: number,
  ctx: EvalContext,
): void {
  for (const { column, fsp } of rules.onUpdate) {
    if (assigned.has(column)) continue;
    row[column] = storeValue(
      { kind: 'datetime', fsp },
      ctx.now,
      storeTarget(rules.table, column, rowNumber, ctx),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Foreign keys

/** `foreign_key_checks`: on unless the session turned it off. */
export function foreignKeyChecks(ctx: EvalContext): boolean {
  const value = ctx.variables?.system('foreign_key_checks', null);
  return value === undefined || value === null || (value !== 0n && value !== 'OFF' && value !== 0);
}

/** The FOREIGN KEY's text as InnoDB's messages show it. */
export function foreignKeyText(child: TableDef, fk: ForeignKeyDef): string {
  const columns = fk.columns.map((c) => quoteName(child.columns[c]?.name ?? '?')).join(', ');
  const parent =
    fk.refDatabase === child.database
      ? quoteName(fk.refTable)
      : `${quoteName(fk.refDatabase)}.${quoteName(fk.refTable)}`;
  let text =
    `${quoteName(child.database)}.${quoteName(child.name)}, CONSTRAINT ${quoteName(fk.name)} ` +
    `FOREIGN KEY (${columns}) REFERENCES ${parent} (${fk.refColumns.map(quoteName).join(', ')})`;
  if (fk.onDelete !== 'NO ACTION' && fk.onDelete !== 'RESTRICT')
    text += ` ON DELETE ${fk.onDelete}`;
  if (fk.onUpdate !== 'NO ACTION' && fk.onUpdate !== 'RESTRICT')
    text += ` ON UPDATE ${fk.onUpdate}`;
  return text;
}

/** A way to find rows by some leading key columns: the primary key or an index. */
interface KeyAccess {
  readonly index: IndexDef | null;
  /** Table columns of the access path's leading parts, in order. */
  readonly columns: readonly number[];
}

function columnIndex(table: TableDef, name: string): number {
  return table.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** An access path whose leading columns are exactly `columns` (in order), or null. */
export function keyAccess(table: TableDef, columns: readonly number[]): KeyAccess | null {
  const leads = (parts: readonly number[]): boolean =>
    parts.length >= columns.length && columns.every((c, i) => parts[i] === c);
  if (table.primaryKey.length > 0 && leads(table.primaryKey)) return { index: null, columns };
  for (const index of table.indexes) {
    const parts = index.parts.map((p) => (p.prefixChars === null ? p.column : -1));
    if (leads(parts)) return { index, columns };
  }
  return null;
}

/** The read of the rows whose leading key columns equal `values`. */
function lookup(
  table: TableDef,
  access: KeyAccess,
  values: readonly Value[],
  lock: LockMode,
): ReadRequest {
  const parts = access.index === null ? primaryKeyParts(table) : indexKeyParts(table, access.index);
  const prefix = Buffer.concat(
    values.map((v, i) => encodeIndexPart(parts[i] as (typeof parts)[number], v)),
  );
  const upper = prefixSuccessor(prefix);
  return {
    table,
    index: access.index,
    points:
      access.index === null && values.length === table.primaryKey.length
        ? [encodeKey(table.keyTypes, values)]
        : null,
    ranges: [upper === undefined ? { lower: prefix } : { lower: prefix, upper }],
    reverse: false,
    lock,
  };
}

/** Child FKs of every table that reference `parent`, cached per catalog version. */
const referencing = new WeakMap<
  Catalog,
  { version: number; map: Map<string, { child: TableDef; fk: ForeignKeyDef }[]> }
>();

export function referencesTo(
  catalog: Catalog,
  parent: { database: string; name: string },
): { child: TableDef; fk: ForeignKeyDef }[] {
  let entry = referencing.get(catalog);
  if (entry === undefined || entry.version !== catalog.version) {
    const map = new Map<string, { child: TableDef; fk: ForeignKeyDef }[]>();
    for (const database of catalog.databaseNames()) {
      for (const child of catalog.tables(database)) {
        for (const fk of child.foreignKeys ?? []) {
          const key = `${fk.refDatabase}\u0000${fk.refTable}`;
          map.set(key, [...(map.get(key) ?? []), { child, fk }]);
        }
      }
    }
    entry = { version: catalog.version, map };
    referencing.set(catalog, entry);
  }
  return entry.map.get(`${parent.database}\u0000${parent.name}`) ?? [];
}

/** What foreign key enforcement needs: the catalog and the statement's transaction. */
export interface ForeignKeyContext {
  readonly catalog: Catalog;
  readonly rows: TxnRows;
  readonly eval: EvalContext;
}

function childValues(fk: ForeignKeyDef, row: readonly Value[]): Value[] | null {
  const values = fk.columns.map((c) => row[c] ?? null);
  return values.some((v) => v === null) ? null : values;
}

/** 1452 unless every child key of `row` (without NULLs) has its parent row. */
export async function checkParents(
  ctx: ForeignKeyContext,
  child: TableDef,
  row: readonly Value[],
  before: readonly Value[] | null,
): Promise<void> {
  for (const fk of child.foreignKeys ?? []) {
    const values = childValues(fk, row);
    if (values === null) continue;
    if (
      before !== null &&
      fk.columns.every((c) => sameValue(child, c, before[c] ?? null, row[c] ?? null))
    )
      continue;
    const parent = ctx.catalog.table(fk.refDatabase, fk.refTable);
    const columns = parent === undefined ? [] : fk.refColumns.map((n) => columnIndex(parent, n));
    const access = parent === undefined || columns.includes(-1) ? null : keyAccess(parent, columns);
    let found = false;
    if (parent !== undefined && access !== null) {
      for await (const _ of ctx.rows.read(lookup(parent, access, values, 'share'))) {
        found = true;
        break;
      }
    }
    if (!found) throw new SqlError('ER_NO_REFERENCED_ROW_2', [foreignKeyText(child, fk)]);
  }
}

function sameValue(table: TableDef, column: number, a: Value, b: Value): boolean {
  const types = [table.columns[column]?.type as SqlType];
  return encodeRow(types, [a]).equals(encodeRow(types, [b]));
}

/** The callbacks parent actions use to change child rows (with their own rules, recursively). */
export interface ChildWriter {
  deleteRow(table: TableDef, target: SourceRow, depth: number): Soon<void>;
  updateRow(table: TableDef, target: SourceRow, row: Value[], depth: number): Soon<void>;
}

/**
 * A parent row is deleted (`after` null) or its referenced key changes to `after`: RESTRICT /
 * NO ACTION fail (1451), CASCADE and SET NULL change the child rows through `writer`.
 */
export async function parentActions(
  ctx: ForeignKeyContext,
  parent: TableDef,
  before: readonly Value[],
  after: readonly Value[] | null,
  writer: ChildWriter,
  depth: number,
): Promise<void> {
  for (const { child: stale, fk } of referencesTo(ctx.catalog, parent)) {
    const child = ctx.catalog.table(stale.database, stale.name) ?? stale;
    const columns = fk.refColumns.map((n) => columnIndex(parent, n));
    if (columns.includes(-1)) continue;
    const old = columns.map((c) => before[c] ?? null);
    if (old.some((v) => v === null)) continue;
    if (
      after !== null &&
      columns.every((c) => sameValue(parent, c, before[c] ?? null, after[c] ?? null))
    )
      continue;
    const access = keyAccess(child, fk.columns);
    if (access === null) continue;
    const rule = after === null ? fk.onDelete : fk.onUpdate;
    const targets: SourceRow[] = [];
    for await (const r of ctx.rows.read(lookup(child, access, old, 'update'))) targets.push(r);
    if (targets.length === 0) continue;
    if (rule === 'RESTRICT' || rule === 'NO ACTION' || rule === 'SET DEFAULT') {
      throw new SqlError('ER_ROW_IS_REFERENCED_2', [foreignKeyText(child, fk)]);
    }
    if (depth >= FK_CASCADE_DEPTH_MAX)
      throw new SqlError('ER_FK_DEPTH_EXCEEDED', [FK_CASCADE_DEPTH_MAX]);
    for (const target of targets) {
      if (after === null && rule === 'CASCADE') {
        await writer.deleteRow(child, target, depth + 1);
        continue;
      }
      const row = [...target.row];
      fk.columns.forEach((c, i) => {
        row[c] = rule === 'SET NULL' ? null : (after?.[columns[i] as number] ?? null);
      });
      await writer.updateRow(child, target, row, depth + 1);
    }
  }
}
