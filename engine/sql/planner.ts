/**
 * The planner: Statement (ast.ts) → Plan (plan.ts), under the engine latch, against the catalog.
 * It resolves names (1046, 1146, 1054, …), types every expression (bind.ts), fills omitted
 * INSERT columns with their DEFAULT, and chooses each table's access path (index-access.ts:
 * the primary key or a secondary index, with the residual filter and whether ORDER BY needs a
 * sort).
 */
import type { Catalog } from '../catalog/catalog.js';
import type { TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { unreachable } from '../unreachable.js';
import type { Expr, IndexHint, Limit, Statement, TableName, TableRef } from './ast.js';
import { Binder, type BindVariables, type Clause } from './bind.js';
import type { PlanParams } from './params.js';
import type {
  LimitPlan,
  Plan,
  PlanExpr,
  SortKey,
  TableSource,
} from './plan.js';
import { assignedColumn, assignedValue, planInsert } from './plan-insert.js';
import { planCreate, planSchemaStatement } from './plan-schema.js';
import { planJoinDml } from './plan-join-dml.js';
import { chooseSource } from './index-access.js';
import { planAddedIndex } from './plan-index.js';
import { planQuery } from './query-planner.js';
import { queryTables } from './query-tables.js';

export interface PlanContext {
  readonly catalog: Catalog;
  /** The session's current database. */
  readonly database: string | null;
  /** Statement parameters (prepared statements, the plan cache). */
  readonly params?: PlanParams;
  /** The session's variables, which type @@x and @x. */
  readonly variables?: BindVariables;
}

export function planStatement(statement: Statement, ctx: PlanContext): Plan {
  switch (statement.kind) {
    case 'create-database':
      return { kind: 'create-database', name: statement.name, ifNotExists: statement.ifNotExists };
    case 'drop-database':
      return { kind: 'drop-database', name: statement.name, ifExists: statement.ifExists };
    case 'create-table':
      return planCreate(statement, ctx);
    case 'drop-table':
      return {
        kind: 'drop-table',
        tables: statement.tables.map((t) => ({ database: databaseOf(t, ctx), name: t.name })),
        ifExists: statement.ifExists,
      };
    case 'insert':
      return planInsert(statement, ctx);
    case 'update':
      checkIndexHints(statement.indexHints, ctx, statement);
      return planUpdate(statement, ctx);
    case 'delete':
      checkIndexHints(statement.indexHints, ctx, statement);
      return planDelete(statement, ctx);
    case 'select':
    case 'set-operation':
      checkIndexHints(statement.indexHints, ctx, statement);
      return { kind: 'select', query: planQuery(statement, ctx) };
    case 'show-databases':
      return { kind: 'show-databases', like: statement.like };
    case 'show-tables': {
      const database = statement.database ?? ctx.database;
      if (database === null) throw new SqlError('ER_NO_DB_ERROR');
      if (!ctx.catalog.hasDatabase(database)) throw new SqlError('ER_BAD_DB_ERROR', [database]);
      return { kind: 'show-tables', database, like: statement.like };
    }
    case 'show-warnings':
      return { kind: 'show-warnings' };
    case 'use':
      return { kind: 'use', database: statement.database };
    case 'set-variables':
    case 'set-names':
    case 'set-charset':
    case 'show-variables':
    case 'show-status':
    case 'show-diagnostics':
    case 'show-processlist':
    case 'kill':
    case 'prepare-sql':
    case 'execute-sql':
    case 'deallocate-sql':
    case 'create-user':
    case 'alter-user':
    case 'drop-user':
    case 'rename-user':
    case 'set-password':
    case 'grant':
    case 'revoke':
    case 'show-grants':
    case 'begin':
    case 'commit':
    case 'rollback':
    case 'savepoint':
    case 'rollback-to-savepoint':
    case 'release-savepoint':
    case 'set-transaction':
    case 'analyze-table':
    case 'check-table':
      throw new Error(`planStatement: ${statement.kind} runs in the session, without a plan`);
    case 'create-index':
    case 'drop-index':
    case 'explain':
      return planIndexStatement(statement, ctx);
    // Issue 6 (6c): multi-table UPDATE / DELETE, schema statements (plan-schema.ts); SHOW and
    // DESCRIBE run in the session.
    case 'update-join':
    case 'delete-join':
      return planJoinDml(statement, ctx);
    case 'alter-table':
    case 'rename-table':
    case 'truncate-table':
    case 'create-view':
    case 'drop-view':
    case 'lock-tables':
    case 'unlock-tables':
    case 'alter-database':
    case 'drop-routine':
    case 'show-columns':
    case 'show-index':
    case 'show-create-table':
    case 'show-create-database':
    case 'show-table-status':
    case 'show-engines':
    case 'show-charset':
    case 'show-collation':
    case 'show-routines':
    case 'show-create-routine':
    case 'load-data':
      return planSchemaStatement(statement, ctx);
    // Stored programs run in the session (session-routines.ts); they have no plan.
    case 'create-routine':
    case 'create-trigger':
    case 'call':
      throw new Error(`${statement.kind}: stored programs are not planned`);
    default:
      return unreachable(statement);
  }
}

// ---------------------------------------------------------------------------------------------
// Names

function databaseOf(name: TableName, ctx: PlanContext): string {
  const database = name.database ?? ctx.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  return database;
}

function resolveTable(name: TableName, ctx: PlanContext): TableDef {
  const database = databaseOf(name, ctx);
  const table = ctx.catalog.table(database, name.name);
  if (table === undefined) throw new SqlError('ER_NO_SUCH_TABLE', [database, name.name]);
  return table;
}

function binder(
  table: TableDef | null,
  ref: TableRef | null,
  clause: Clause,
  ctx: PlanContext,
): Binder {
  return new Binder({
    table,
    tableName: ref === null ? null : (ref.alias ?? ref.table.name),
    clause,
    currentDatabase: ctx.database,
    ...(ctx.params === undefined ? {} : { params: ctx.params }),
    ...(ctx.variables === undefined ? {} : { variables: ctx.variables }),
  });
}

// ---------------------------------------------------------------------------------------------
// INSERT


// ---------------------------------------------------------------------------------------------
// SELECT

function limitValue(e: Expr, ctx: PlanContext): bigint {
  if (e.kind === 'literal' && e.literal.kind === 'int' && e.literal.value >= 0n)
    return e.literal.value;
  if (e.kind === 'param' && ctx.params !== undefined) {
    // LIMIT ?: the value shapes the plan, so reading it keys cached plans by it (params.ts P1).
    // Drivers send it as a BIGINT, a DOUBLE (mysql2 sends every number so) or a digit string.
    const value = ctx.params.value(e.index);
    if (value === undefined) return UNLIMITED;
    if (typeof value === 'bigint' && value >= 0n) return value;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
    if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return BigInt(value.trim());
  }
  throw new SqlError('ER_WRONG_ARGUMENTS', ['LIMIT']);
}

/** LIMIT of a statement prepared before its parameters are known. */
const UNLIMITED = 18_446_744_073_709_551_615n;

export function limitPlan(limit: Limit | null, ctx: PlanContext): LimitPlan | null {
  if (limit === null) return null;
  return {
    count: limitValue(limit.count, ctx),
    offset: limit.offset === null ? 0n : limitValue(limit.offset, ctx),
  };
}

// ---------------------------------------------------------------------------------------------
// UPDATE, DELETE

/** An expression (any AST value) holding a subquery. */
function hasSubquery(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasSubquery);
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype)
    return false;
  const kind = (v as { kind?: unknown }).kind;
  if (kind === 'subquery' || kind === 'exists' || kind === 'in-subquery' || kind === 'quantified') {
    return true;
  }
  return Object.values(v).some(hasSubquery);
}

/**
 * A single-table UPDATE / DELETE with a subquery (and no ORDER BY / LIMIT) runs as the
 * multi-table form over its one table, whose query planner binds subqueries. A subquery may not
 * read the table being changed (1093).
 */
function viaJoinDml(
  statement: Statement & { kind: 'update' | 'delete' },
  table: TableDef,
  ctx: PlanContext,
): Plan | undefined {
  const inWhere = hasSubquery(statement.where);
  const inSet = statement.kind === 'update' && hasSubquery(statement.assignments);
  if (!inWhere && !inSet) return undefined;
  if (statement.orderBy.length > 0 || statement.limit !== null) return undefined;
  const read = [statement.where, statement.kind === 'update' ? statement.assignments : null];
  for (const name of queryTables(read)) {
    if (name.name === table.name && (name.database ?? ctx.database) === table.database) {
      throw new SqlError('ER_UPDATE_TABLE_USED', [statement.table.alias ?? table.name]);
    }
  }
  const from = {
    kind: 'table' as const,
    table: statement.table.table,
    alias: statement.table.alias,
  };
  return statement.kind === 'update'
    ? planJoinDml({
      kind: 'update-join', from, assignments: statement.assignments, where: statement.where,
      ignore: false,
    }, ctx)
    : planJoinDml({
      kind: 'delete-join', targets: [{ database: null, name: statement.table.alias ?? table.name }],
      from, where: statement.where, ignore: false,
    }, ctx);
}

function planUpdate(statement: Statement & { kind: 'update' }, ctx: PlanContext): Plan {
  const table = resolveTable(statement.table.table, ctx);
  const joined = viaJoinDml(statement, table, ctx);
  if (joined !== undefined) return joined;
  const fields = binder(table, statement.table, 'field list', ctx);
  const assignments = statement.assignments.map((a) => {
    const column = assignedColumn(table, statement.table, a.column);
    return { column, expr: assignedValue(table, column, a.value, fields) };
  });
  const where =
    statement.where === null
      ? null
      : binder(table, statement.table, 'where clause', ctx).bind(statement.where);
  const orderBinder = binder(table, statement.table, 'order clause', ctx);
  const sortKeys = statement.orderBy.map((o) => ({
    expr: orderBinder.bind(o.expr),
    descending: o.descending,
  }));
  const { source, order } = sourceFor(table, where, sortKeys);
  const limit = statement.limit === null ? null : limitValue(statement.limit, ctx);
  return { kind: 'update', source, assignments, order, limit };
}

function planDelete(statement: Statement & { kind: 'delete' }, ctx: PlanContext): Plan {
  const table = resolveTable(statement.table.table, ctx);
  const joined = viaJoinDml(statement, table, ctx);
  if (joined !== undefined) return joined;
  const where =
    statement.where === null
      ? null
      : binder(table, statement.table, 'where clause', ctx).bind(statement.where);
  const orderBinder = binder(table, statement.table, 'order clause', ctx);
  const sortKeys = statement.orderBy.map((o) => ({
    expr: orderBinder.bind(o.expr),
    descending: o.descending,
  }));
  const { source, order } = sourceFor(table, where, sortKeys);
  const limit = statement.limit === null ? null : limitValue(statement.limit, ctx);
  return { kind: 'delete', source, order, limit };
}

// ---------------------------------------------------------------------------------------------
// Access paths

function sourceFor(
  table: TableDef,
  where: PlanExpr | null,
  sortKeys: readonly SortKey[],
  limited = false,
): { source: TableSource; order: readonly SortKey[] | null } {
  return chooseSource(table, where, sortKeys, limited);
}

/** No column references: a constant within the statement. */
export function isConstant(e: PlanExpr): boolean {
  switch (e.kind) {
    case 'const':
    case 'system-variable':
    case 'param':
    case 'user-variable':
      return true;
    case 'column':
    case 'assign-user-variable':
      return false;
    case 'function':
      return e.args.every(isConstant);
    case 'call':
      return e.deterministic && e.args.every(isConstant);
    // Issue 6a: an enclosing row's column is fixed while a read runs; a subquery is not.
    case 'outer-column':
      return true;
    case 'subquery':
      return false;
    case 'arith':
    case 'compare':
    case 'logic':
      return isConstant(e.left) && isConstant(e.right);
    case 'neg':
    case 'not':
    case 'is':
      return isConstant(e.operand);
    case 'between':
      return isConstant(e.operand) && isConstant(e.low) && isConstant(e.high);
    case 'in':
      return isConstant(e.operand) && e.list.every(isConstant);
    case 'like':
      return (
        isConstant(e.operand) &&
        isConstant(e.pattern) &&
        (e.escape === null || isConstant(e.escape))
      );
    default:
      return unreachable(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Issue 5: CREATE INDEX, DROP INDEX, EXPLAIN

function planIndexStatement(
  statement: Statement & { kind: 'create-index' | 'drop-index' | 'explain' },
  ctx: PlanContext,
): Plan {
  switch (statement.kind) {
    case 'create-index': {
      const table = resolveTable(statement.table, ctx);
      return {
        kind: 'create-index',
        table,
        spec: planAddedIndex(statement.index, table.columns, table.indexes),
      };
    }
    case 'drop-index': {
      const table = resolveTable(statement.table, ctx);
      const folded = statement.name.toLowerCase();
      const index = table.indexes.find((i) => i.name.toLowerCase() === folded);
      if (index === undefined || folded === 'primary') {
        // PRIMARY and FULLTEXT indexes: as ALTER TABLE … DROP INDEX (6c, plan-alter.ts).
        const actions = [{ kind: 'drop-index' as const, name: statement.name }];
        return planSchemaStatement({ kind: 'alter-table', table: statement.table, actions }, ctx);
      }
      return { kind: 'drop-index', table, index };
    }
    case 'explain': {
      const inner = statement.statement;
      if (inner.kind !== 'select' && inner.kind !== 'insert' && inner.kind !== 'update' &&
          inner.kind !== 'delete' && inner.kind !== 'set-operation') {
        throw new SqlError('ER_NOT_SUPPORTED_YET', [`EXPLAIN of ${inner.kind}`]);
      }
      return { kind: 'explain', plan: planStatement(inner, ctx) };
    }
    default:
      return unreachable(statement);
  }
}

/**
 * Index hints choose no plan here (query-text.ts), but as in MySQL each name must be an index of
 * its table (PRIMARY always passes): 1176 otherwise, and for every name on a view or a CTE of
 * the statement (they have no index; MariaDB answers so). A missing table is left to the
 * planning that follows (1146).
 */
function checkIndexHints(
  hints: readonly IndexHint[] | undefined,
  ctx: PlanContext,
  statement: object,
): void {
  if (hints === undefined || hints.length === 0) return;
  const ctes = cteNames(statement, new Set());
  for (const hint of hints) {
    const { name: tableName } = hint.table;
    const first = hint.indexes[0] as string;
    if (hint.table.database === null && ctes.has(tableName.toLowerCase())) {
      throw new SqlError('ER_KEY_DOES_NOT_EXITS', [first, tableName]);
    }
    const database = hint.table.database ?? ctx.database;
    const table = database === null ? undefined : ctx.catalog.table(database, tableName);
    if (table === undefined) {
      if (database !== null && ctx.catalog.view(database, tableName) !== undefined) {
        throw new SqlError('ER_KEY_DOES_NOT_EXITS', [first, tableName]);
      }
      continue;
    }
    for (const name of hint.indexes) {
      const lower = name.toLowerCase();
      if (lower === 'primary' || table.indexes.some((i) => i.name.toLowerCase() === lower)) {
        continue;
      }
      throw new SqlError('ER_KEY_DOES_NOT_EXITS', [name, table.name]);
    }
  }
}

/** The (lower-cased) names of the CTEs a statement defines, at any depth. */
function cteNames(node: unknown, out: Set<string>): Set<string> {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return out;
  if (Array.isArray(node)) {
    for (const item of node) cteNames(item, out);
    return out;
  }
  const record = node as Record<string, unknown>;
  if (Array.isArray(record['ctes'])) {
    for (const cte of record['ctes'] as { name?: unknown }[]) {
      if (typeof cte.name === 'string') out.add(cte.name.toLowerCase());
    }
  }
  for (const key in record) cteNames(record[key], out);
  return out;
}
