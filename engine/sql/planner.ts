/**
 * The planner: Statement (ast.ts) → Plan (plan.ts), under the engine latch, against the catalog.
 * It resolves names (1046, 1146, 1054, …), types every expression (bind.ts), fills omitted
 * INSERT columns with their DEFAULT, and chooses each table's access path (index-access.ts:
 * the primary key or a secondary index, with the residual filter and whether ORDER BY needs a
 * sort).
 */
import type { Catalog, TableSpec } from '../catalog/catalog.js';
import type { ColumnDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { unreachable } from '../unreachable.js';
import type { Expr, Limit, OrderItem, SelectItem, Statement, TableName, TableRef } from './ast.js';
import { Binder, type BindVariables, type Clause } from './bind.js';
import type { PlanParams } from './params.js';
import { expressionInfo, tableColumnInfo } from './metadata.js';
import type {
  LimitPlan,
  OutputColumn,
  Plan,
  PlanExpr,
  SortKey,
  TableSource,
} from './plan.js';
import { planCreateTable } from './plan-ddl.js';
import { chooseSource } from './index-access.js';
import { planAddedIndex } from './plan-index.js';

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
    case 'create-table': {
      const spec: TableSpec = planCreateTable(statement, databaseOf(statement.table, ctx));
      return { kind: 'create-table', spec, ifNotExists: statement.ifNotExists };
    }
    case 'drop-table':
      return {
        kind: 'drop-table',
        tables: statement.tables.map((t) => ({ database: databaseOf(t, ctx), name: t.name })),
        ifExists: statement.ifExists,
      };
    case 'insert':
      return planInsert(statement, ctx);
    case 'update':
      return planUpdate(statement, ctx);
    case 'delete':
      return planDelete(statement, ctx);
    case 'select':
      return planSelect(statement, ctx);
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
      throw new Error(`planStatement: ${statement.kind} runs in the session, without a plan`);
    case 'create-index':
    case 'drop-index':
    case 'explain':
      return planIndexStatement(statement, ctx);
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

function planInsert(statement: Statement & { kind: 'insert' }, ctx: PlanContext): Plan {
  const table = resolveTable(statement.table, ctx);
  const targets = insertColumns(table, statement.columns);
  const bind = binder(null, null, 'field list', ctx);
  const rows = statement.rows.map((row, r) => {
    if (row.length !== targets.length) {
      throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', [r + 1]);
    }
    const values: PlanExpr[] = table.columns.map((column) => defaultExpr(column));
    targets.forEach((columnIndex, i) => {
      values[columnIndex] = bind.bind(row[i] as Expr);
    });
    return values;
  });
  return { kind: 'insert', table, rows };
}

function insertColumns(table: TableDef, names: readonly string[] | null): number[] {
  if (names === null) {
    const all = table.columns.map((_, i) => i);
    return all;
  }
  const seen = new Set<number>();
  const indexes = names.map((name) => {
    const index = table.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (index === -1) throw new SqlError('ER_BAD_FIELD_ERROR', [name, 'field list']);
    if (seen.has(index)) throw new SqlError('ER_FIELD_SPECIFIED_TWICE', [name]);
    seen.add(index);
    return index;
  });
  for (const [i, column] of table.columns.entries()) {
    if (!seen.has(i) && column.defaultValue === null && i !== table.autoIncrement) {
      throw new SqlError('ER_NO_DEFAULT_FOR_FIELD', [column.name]);
    }
  }
  return indexes;
}

/** A column's DEFAULT as a constant of the column's own type. */
function defaultExpr(column: ColumnDef): PlanExpr {
  const value = column.defaultValue?.value ?? null;
  const info = {
    type: column.type,
    nullable: value === null,
    length: 0,
    decimals: 0,
    collationId: 63,
  };
  return { kind: 'const', info, value };
}

// ---------------------------------------------------------------------------------------------
// SELECT

function planSelect(statement: Statement & { kind: 'select' }, ctx: PlanContext): Plan {
  const table = statement.from === null ? null : resolveTable(statement.from.table, ctx);
  const fields = binder(table, statement.from, 'field list', ctx);
  const outputs: OutputColumn[] = [];
  const aliases: (string | null)[] = [];
  for (const item of statement.items) {
    for (const output of selectOutputs(item, table, statement.from, fields)) {
      outputs.push(output);
      aliases.push(item.kind === 'expr' ? item.alias : null);
    }
  }
  const where =
    statement.where === null
      ? null
      : binder(table, statement.from, 'where clause', ctx).bind(statement.where);
  const orderBinder = binder(table, statement.from, 'order clause', ctx);
  const sortKeys = statement.orderBy.map((o) => orderKey(o, outputs, aliases, orderBinder));
  const limit = limitPlan(statement.limit, ctx);
  if (table === null) {
    return {
      kind: 'select',
      source: null,
      filter: where,
      outputs,
      order: sortKeys.length > 0 ? sortKeys : null,
      limit,
    };
  }
  const { source, order } = sourceFor(table, where, sortKeys, limit !== null);
  return { kind: 'select', source, filter: null, outputs, order, limit };
}

function selectOutputs(
  item: SelectItem,
  table: TableDef | null,
  ref: TableRef | null,
  bind: Binder,
): OutputColumn[] {
  if (item.kind === 'star') {
    if (table === null || ref === null) throw new SqlError('ER_NO_TABLES_USED');
    const shownTable = ref.alias ?? ref.table.name;
    if (item.table !== null && item.table !== shownTable)
      throw new SqlError('ER_BAD_TABLE_ERROR', [item.table]);
    return table.columns.map((column, index) => ({
      expr: bind.bind({ kind: 'column', database: null, table: null, name: column.name }),
      column: tableColumnInfo(table, index, { name: column.name, table: shownTable }),
    }));
  }
  const expr = bind.bind(item.expr);
  if (expr.kind === 'column' && table !== null && ref !== null && item.expr.kind === 'column') {
    const name = item.alias ?? item.expr.name;
    return [
      {
        expr,
        column: tableColumnInfo(table, expr.index, { name, table: ref.alias ?? ref.table.name }),
      },
    ];
  }
  return [{ expr, column: expressionInfo(item.alias ?? item.text, expr.info) }];
}

function orderKey(
  item: OrderItem,
  outputs: readonly OutputColumn[],
  aliases: readonly (string | null)[],
  bind: Binder,
): SortKey {
  const e = item.expr;
  if (e.kind === 'literal' && e.literal.kind === 'int') {
    const output = outputs[Number(e.literal.value) - 1];
    if (e.literal.value < 1n || output === undefined) {
      throw new SqlError('ER_BAD_FIELD_ERROR', [e.literal.value.toString(), 'order clause']);
    }
    return { expr: output.expr, descending: item.descending };
  }
  if (e.kind === 'column' && e.table === null) {
    // A select-list alias wins over a table column of the same name, as in MySQL.
    const folded = e.name.toLowerCase();
    const index = aliases.findIndex((alias) => alias?.toLowerCase() === folded);
    const output = outputs[index];
    if (output !== undefined) return { expr: output.expr, descending: item.descending };
  }
  return { expr: bind.bind(e), descending: item.descending };
}

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

function limitPlan(limit: Limit | null, ctx: PlanContext): LimitPlan | null {
  if (limit === null) return null;
  return {
    count: limitValue(limit.count, ctx),
    offset: limit.offset === null ? 0n : limitValue(limit.offset, ctx),
  };
}

// ---------------------------------------------------------------------------------------------
// UPDATE, DELETE

function planUpdate(statement: Statement & { kind: 'update' }, ctx: PlanContext): Plan {
  const table = resolveTable(statement.table.table, ctx);
  const fields = binder(table, statement.table, 'field list', ctx);
  const assignments = statement.assignments.map((a) => {
    const column = fields.bind(a.column);
    if (column.kind !== 'column')
      throw new SqlError('ER_BAD_FIELD_ERROR', [a.column.name, 'field list']);
    return { column: column.index, expr: fields.bind(a.value) };
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
      if (folded === 'primary') throw new SqlError('ER_NOT_SUPPORTED_YET', ['DROP PRIMARY KEY']);
      const index = table.indexes.find((i) => i.name.toLowerCase() === folded);
      if (index === undefined) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', [statement.name]);
      return { kind: 'drop-index', table, index };
    }
    case 'explain': {
      const inner = statement.statement;
      if (inner.kind !== 'select' && inner.kind !== 'insert' && inner.kind !== 'update' &&
          inner.kind !== 'delete') {
        throw new SqlError('ER_NOT_SUPPORTED_YET', [`EXPLAIN of ${inner.kind}`]);
      }
      return { kind: 'explain', plan: planStatement(inner, ctx) };
    }
    default:
      return unreachable(statement);
  }
}
