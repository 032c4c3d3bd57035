/**
 * Planning FOREIGN KEY and CHECK constraints and generated columns, for CREATE TABLE and ALTER
 * TABLE, with MySQL 8's names and errors:
 *
 *   names              CONSTRAINT name, else <table>_ibfk_<n> / <table>_chk_<n> (n one past the
 *                      largest of the table's); unique in the database: 1826 / 3822
 *   foreign keys       (foreign_key_checks = 1) parent table 1824, parent column 3734, parent
 *                      index with the columns leading 1822, column types 3780, SET NULL on a NOT
 *                      NULL column 1830; child columns 1072; column count 1239. The child gets an
 *                      index on its columns unless one leads with them (named after the
 *                      constraint, else the FOREIGN KEY index name, else its first column)
 *   CHECK              unknown column 3820, a column check naming another column 3813, an
 *                      AUTO_INCREMENT column 3818, variables 3816, non-deterministic functions
 *                      3814
 *   generated columns  unknown column 1054, AUTO_INCREMENT 3109, a later generated column 3107
 */
import type { Catalog } from '../catalog/catalog.js';
import type {
  CheckDef,
  ColumnDef,
  ColumnType,
  ForeignKeyDef,
  IndexSpec,
  TableDef,
} from '../catalog/definitions.js';
import { makeTableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { pageId } from '../../storage/index.js';
import type { CheckDefinition, Expr, ForeignKeyDefinition, IndexDefinition } from './ast.js';
import { Binder } from './bind.js';
import { keyAccess } from './constraints.js';
import { storedExprText } from './plan-columns.js';
import { parseExpression } from './parse.js';

/** Functions a CHECK or generated column may not call: their value is not the row's. */
const NONDETERMINISTIC = new Set([
  'rand', 'uuid', 'uuid_short', 'now', 'current_timestamp', 'localtime', 'localtimestamp',
  'sysdate', 'curdate', 'current_date', 'curtime', 'current_time', 'utc_date', 'utc_time',
  'utc_timestamp', 'unix_timestamp', 'connection_id', 'user', 'current_user', 'session_user',
  'system_user', 'database', 'schema', 'version', 'last_insert_id', 'row_count', 'found_rows',
  'get_lock', 'release_lock', 'is_free_lock', 'is_used_lock', 'sleep', 'benchmark',
  'load_file', 'master_pos_wait', 'values',
]);

/** Column names an expression reads, and the functions and variables it uses. */
function walk(e: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(e)) {
    for (const x of e) walk(x, visit);
    return;
  }
  if (typeof e !== 'object' || e === null || e instanceof Buffer) return;
  const node = e as Record<string, unknown>;
  if (typeof node.kind === 'string') visit(node);
  for (const value of Object.values(node)) walk(value, visit);
}

interface ExprFacts {
  readonly columns: string[];
  readonly functions: string[];
  readonly variables: boolean;
  readonly subquery: boolean;
}

function factsOf(expr: Expr): ExprFacts {
  const facts: ExprFacts = { columns: [], functions: [], variables: false, subquery: false };
  walk(expr, (node) => {
    if (node.kind === 'column' && typeof node.name === 'string') facts.columns.push(node.name);
    else if (node.kind === 'call' && typeof node.name === 'string') facts.functions.push(node.name);
    else if (
      node.kind === 'user-variable' ||
      node.kind === 'system-variable' ||
      node.kind === 'param'
    ) {
      (facts as { variables: boolean }).variables = true;
    } else if (node.kind === 'subquery' || node.kind === 'exists' || node.kind === 'in-subquery') {
      (facts as { subquery: boolean }).subquery = true;
    }
  });
  return facts;
}

/** A definition over `columns` to bind expressions against (no trees). */
function scratchTable(database: string, name: string, columns: readonly ColumnDef[]): TableDef {
  return makeTableDef({ database, name, root: pageId(0), columns, primaryKey: [] });
}

/** The next free `<table>_<kind>_<n>` name number. */
function nextNumber(table: string, kind: 'ibfk' | 'chk', taken: readonly string[]): number {
  const prefix = `${table}_${kind}_`.toLowerCase();
  let max = 0;
  for (const name of taken) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(prefix)) continue;
    const n = Number(lower.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max + 1;
}

/** Names of foreign keys / checks in the database, except `exceptTable`'s own. */
function schemaNames(
  catalog: Catalog,
  database: string,
  kind: 'fk' | 'check',
  exceptTable: string,
): Set<string> {
  const names = new Set<string>();
  for (const table of catalog.tables(database)) {
    if (table.name === exceptTable) continue;
    const list = kind === 'fk' ? (table.foreignKeys ?? []) : (table.checks ?? []);
    for (const c of list) names.add(c.name.toLowerCase());
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// CHECK

export interface CheckInput {
  readonly check: CheckDefinition;
  /** The column a column-level check was written on. */
  readonly column: string | null;
}

export function planChecks(
  inputs: readonly CheckInput[],
  table: {
    readonly database: string;
    readonly name: string;
    readonly columns: readonly ColumnDef[];
  },
  autoIncrement: number | null,
  existing: readonly CheckDef[],
  catalog: Catalog,
): CheckDef[] {
  const taken = [...existing.map((c) => c.name)];
  const schema = schemaNames(catalog, table.database, 'check', table.name);
  const scratch = scratchTable(table.database, table.name, table.columns);
  const out: CheckDef[] = [];
  for (const { check, column } of inputs) {
    const name = check.name ?? `${table.name}_chk_${nextNumber(table.name, 'chk', taken)}`;
    if (
      taken.some((t) => t.toLowerCase() === name.toLowerCase()) ||
      schema.has(name.toLowerCase())
    ) {
      throw new SqlError('ER_CHECK_CONSTRAINT_DUP_NAME', [name]);
    }
    const facts = factsOf(check.expr);
    for (const c of facts.columns) {
      const index = table.columns.findIndex((d) => d.name.toLowerCase() === c.toLowerCase());
      if (index === -1) throw new SqlError('ER_CHECK_CONSTRAINT_REFERS_UNKNOWN_COLUMN', [name, c]);
      if (column !== null && c.toLowerCase() !== column.toLowerCase()) {
        throw new SqlError('ER_COLUMN_CHECK_CONSTRAINT_REFERENCES_OTHER_COLUMN', [name]);
      }
      if (index === autoIncrement)
        throw new SqlError('ER_CHECK_CONSTRAINT_REFERS_AUTO_INCREMENT_COLUMN', [name]);
    }
    if (facts.variables) throw new SqlError('ER_CHECK_CONSTRAINT_VARIABLES', [name]);
    if (facts.subquery) throw new SqlError('ER_CHECK_CONSTRAINT_FUNCTION_IS_NOT_ALLOWED', [name]);
    const banned = facts.functions.find((f) => NONDETERMINISTIC.has(f.toLowerCase()));
    if (banned !== undefined)
      throw new SqlError('ER_CHECK_CONSTRAINT_NAMED_FUNCTION_IS_NOT_ALLOWED', [name, banned]);
    const expression = storedExprText(check.expr);
    bindOn(scratch, expression);
    taken.push(name);
    out.push({ name, expression, enforced: check.enforced });
  }
  return out;
}

/** Binds a stored expression over a table: unknown functions and columns fail as in queries. */
function bindOn(table: TableDef, text: string): void {
  new Binder({
    table,
    tableName: table.name,
    clause: 'field list',
    currentDatabase: table.database,
  }).bind(parseExpression(text));
}

/** Generated columns' expressions: columns they read (1054, 3107, 3109) and functions. */
export function checkGenerated(
  table: {
    readonly database: string;
    readonly name: string;
    readonly columns: readonly ColumnDef[];
  },
  autoIncrement: number | null,
): void {
  const scratch = scratchTable(table.database, table.name, table.columns);
  table.columns.forEach((column, i) => {
    if (column.generated === undefined) return;
    const expr = parseExpression(column.generated.expression);
    const facts = factsOf(expr);
    for (const c of facts.columns) {
      const index = table.columns.findIndex((d) => d.name.toLowerCase() === c.toLowerCase());
      if (index === -1) throw new SqlError('ER_BAD_FIELD_ERROR', [c, 'generated column function']);
      if (index === autoIncrement)
        throw new SqlError('ER_GENERATED_COLUMN_REF_AUTO_INC', [column.name]);
      if (table.columns[index]?.generated !== undefined && index >= i) {
        throw new SqlError('ER_GENERATED_COLUMN_NON_PRIOR');
      }
    }
    if (facts.variables || facts.subquery) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', ['variables and subqueries in generated columns']);
    }
    bindOn(scratch, column.generated.expression);
  });
}

// ---------------------------------------------------------------------------------------------
// FOREIGN KEY

/** Can a child column of type `a` reference a parent column of type `b` (3780 if not)? */
function compatible(a: ColumnType, b: ColumnType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'int' && b.kind === 'int') return a.bytes === b.bytes && a.unsigned === b.unsigned;
  if (a.kind === 'decimal' && b.kind === 'decimal')
    return a.precision === b.precision && a.scale === b.scale;
  if (a.kind === 'string' && b.kind === 'string') {
    const chars = (v: string): boolean => v === 'char' || v === 'varchar';
    return a.collation === b.collation && chars(a.variant) && chars(b.variant);
  }
  if (a.kind === 'datetime' && b.kind === 'datetime')
    return (a.variant ?? 'datetime') === (b.variant ?? 'datetime');
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface ForeignKeyTable {
  readonly database: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly primaryKey: readonly number[];
  /** Its indexes so far (implicit FK indexes are added to it). */
  readonly indexes: IndexSpec[];
}

export interface ForeignKeyPlanContext {
  readonly catalog: Catalog;
  /** foreign_key_checks: the parent is checked only when on. */
  readonly checks: boolean;
  /** Adds an index to the child (its name chosen as plan-index.ts chooses). */
  addIndex(definition: IndexDefinition): void;
}

function parentOf(
  fk: ForeignKeyDefinition,
  child: ForeignKeyTable,
  catalog: Catalog,
): TableDef | 'self' | undefined {
  const database = fk.refTable.database ?? child.database;
  if (database === child.database && fk.refTable.name === child.name) return 'self';
  return catalog.table(database, fk.refTable.name);
}

function checkParent(
  fk: ForeignKeyDefinition,
  name: string,
  columns: readonly number[],
  child: ForeignKeyTable,
  catalog: Catalog,
): void {
  const found = parentOf(fk, child, catalog);
  if (found === undefined) throw new SqlError('ER_FK_CANNOT_OPEN_PARENT', [fk.refTable.name]);
  const parent: TableDef =
    found === 'self'
      ? makeTableDef({
          database: child.database, name: child.name, root: pageId(0), columns: child.columns,
          primaryKey: child.primaryKey,
          indexes: child.indexes.map((i) => ({ ...i, root: pageId(0) })),
        })
      : found;
  const refColumns = fk.refColumns.map((refName) => {
    const index = parent.columns.findIndex((c) => c.name.toLowerCase() === refName.toLowerCase());
    if (index === -1) throw new SqlError('ER_FK_NO_COLUMN_PARENT', [refName, name, parent.name]);
    return index;
  });
  refColumns.forEach((p, i) => {
    const c = columns[i] as number;
    const childColumn = child.columns[c] as ColumnDef;
    const parentColumn = parent.columns[p] as ColumnDef;
    if (!compatible(childColumn.type, parentColumn.type)) {
      throw new SqlError('ER_FK_INCOMPATIBLE_COLUMNS', [childColumn.name, parentColumn.name, name]);
    }
  });
  if (keyAccess(parent, refColumns) === null)
    throw new SqlError('ER_FK_NO_INDEX_PARENT', [name, parent.name]);
}

/** Does the child have an index (or primary key) its FK columns lead? */
function childIndexed(child: ForeignKeyTable, columns: readonly number[]): boolean {
  const leads = (parts: readonly number[]): boolean =>
    parts.length >= columns.length && columns.every((c, i) => parts[i] === c);
  if (leads(child.primaryKey)) return true;
  return child.indexes.some((i) =>
    leads(i.parts.map((p) => (p.prefixChars === null ? p.column : -1))),
  );
}

export function planForeignKeys(
  definitions: readonly ForeignKeyDefinition[],
  child: ForeignKeyTable,
  existing: readonly ForeignKeyDef[],
  ctx: ForeignKeyPlanContext,
): ForeignKeyDef[] {
  const taken = existing.map((f) => f.name);
  const schema = schemaNames(ctx.catalog, child.database, 'fk', child.name);
  const out: ForeignKeyDef[] = [];
  for (const fk of definitions) {
    const name = fk.name ?? `${child.name}_ibfk_${nextNumber(child.name, 'ibfk', taken)}`;
    if (
      taken.some((t) => t.toLowerCase() === name.toLowerCase()) ||
      schema.has(name.toLowerCase())
    ) {
      throw new SqlError('ER_FK_DUP_NAME', [name]);
    }
    const columns = fk.columns.map((c) => {
      const index = child.columns.findIndex((d) => d.name.toLowerCase() === c.toLowerCase());
      if (index === -1) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXITS', [c]);
      return index;
    });
    if (fk.refColumns.length !== columns.length) {
      throw new SqlError('ER_WRONG_FK_DEF', [
        name,
        "Key reference and table reference don't match",
      ]);
    }
    const onDelete = fk.onDelete ?? 'NO ACTION';
    const onUpdate = fk.onUpdate ?? 'NO ACTION';
    if (onDelete === 'SET DEFAULT' || onUpdate === 'SET DEFAULT')
      throw new SqlError('ER_CANNOT_ADD_FOREIGN');
    for (const c of columns) {
      const column = child.columns[c] as ColumnDef;
      if ((onDelete === 'SET NULL' || onUpdate === 'SET NULL') && !column.nullable) {
        throw new SqlError('ER_FK_COLUMN_NOT_NULL', [column.name, name]);
      }
    }
    if (ctx.checks) checkParent(fk, name, columns, child, ctx.catalog);
    if (!childIndexed(child, columns)) {
      ctx.addIndex({
        name: fk.name ?? fk.indexName,
        unique: false,
        columns: fk.columns.map((c) => ({ name: c, prefix: null })),
      });
    }
    const refDatabase = fk.refTable.database ?? child.database;
    taken.push(name);
    out.push({
      name,
      columns,
      refDatabase,
      refTable: fk.refTable.name,
      refColumns: fk.refColumns,
      onDelete,
      onUpdate,
    });
  }
  return out;
}
