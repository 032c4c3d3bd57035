/**
 * INSERT and REPLACE planning: the target table and columns, each row's value expressions
 * (omitted columns and DEFAULT take the column's DEFAULT: its literal, CURRENT_TIMESTAMP(fsp),
 * or its expression), INSERT … SELECT's query, and ON DUPLICATE KEY UPDATE's assignments bound
 * over the old row followed by the new one (VALUES(c) and the row alias name the new row):
 *
 *   unknown table / information_schema     ER_NO_SUCH_TABLE (1146) / ER_DBACCESS_DENIED (1044)
 *   unknown column                         ER_BAD_FIELD_ERROR (1054)
 *   a column named twice                   ER_FIELD_SPECIFIED_TWICE (1110)
 *   a row of the wrong length              ER_WRONG_VALUE_COUNT_ON_ROW (1136)
 *   a value for a generated column         ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN (3105)
 *   an omitted NOT NULL column, no DEFAULT ER_NO_DEFAULT_FOR_FIELD (1364) (execution, by sql_mode)
 */
import { type ColumnDef, type TableDef, makeTableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type { Assignment, Expr, Statement, TableName } from './ast.js';
import { Binder, datetimeInfo, intInfo } from './bind.js';
import { isSystemSchema } from './information-schema/index.js';
import { parseExpression } from './parse.js';
import type { InsertDml, Plan, PlanExpr } from './plan.js';
import { type PlanContext, planStatement } from './planner.js';

/** A column's DEFAULT as an expression of the column's own type. */
export function columnDefault(column: ColumnDef, table: TableDef): PlanExpr {
  if (column.defaultNow !== undefined) {
    const fsp = column.defaultNow;
    const arg: PlanExpr = { kind: 'const', info: intInfo(1, false), value: BigInt(fsp) };
    return {
      kind: 'function',
      info: datetimeInfo(fsp, false),
      name: 'now',
      args: fsp === 0 ? [] : [arg],
    };
  }
  if (column.defaultExpression !== undefined) {
    const binder = new Binder({
      table,
      tableName: table.name,
      clause: 'field list',
      currentDatabase: table.database,
    });
    return binder.bind(parseExpression(column.defaultExpression));
  }
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

/**
 * DEFAULT(col) in an expression: the column's DEFAULT (1364 when it has none); a bare DEFAULT
 * outside VALUES / SET is a syntax error, as in MySQL.
 */
export function bindDefault(
  e: { readonly column: string | null },
  table: TableDef | null,
): PlanExpr {
  if (e.column === null) throw new SqlError('ER_PARSE_ERROR', ['DEFAULT', 1]);
  const folded = e.column.toLowerCase();
  const column = table?.columns.find((c) => c.name.toLowerCase() === folded);
  if (table === null || column === undefined) {
    throw new SqlError('ER_BAD_FIELD_ERROR', [e.column, 'field list']);
  }
  if (column.defaultValue === null) throw new SqlError('ER_NO_DEFAULT_FOR_FIELD', [column.name]);
  return columnDefault(column, table);
}

/** The columns an INSERT names, as indexes (every column when it names none). */
export function insertColumns(table: TableDef, names: readonly string[] | null): number[] {
  if (names === null) return table.columns.map((_, i) => i);
  const seen = new Set<number>();
  const indexes = names.map((name) => {
    const index = table.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (index === -1) throw new SqlError('ER_BAD_FIELD_ERROR', [name, 'field list']);
    if (seen.has(index)) throw new SqlError('ER_FIELD_SPECIFIED_TWICE', [name]);
    seen.add(index);
    return index;
  });
  return indexes;
}

/** A placeholder for a value computed when the row is written (a generated column). */
function computedLater(column: ColumnDef): PlanExpr {
  return {
    kind: 'const',
    info: { type: column.type, nullable: true, length: 0, decimals: 0, collationId: 63 },
    value: null,
  };
}

/** The expression a column of a new row starts from: its DEFAULT, or computed later. */
function initialValue(column: ColumnDef, table: TableDef): PlanExpr {
  return column.generated !== undefined ? computedLater(column) : columnDefault(column, table);
}

/** Each row's expressions, one per table column, omitted ones at their DEFAULT. */
export function insertRows(
  table: TableDef,
  targets: readonly number[],
  rows: readonly (readonly Expr[])[],
  bind: Binder,
): PlanExpr[][] {
  return rows.map((row, r) => {
    if (row.length !== targets.length) {
      throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', [r + 1]);
    }
    const values: PlanExpr[] = table.columns.map((column) => initialValue(column, table));
    targets.forEach((columnIndex, i) => {
      const e = row[i] as Expr;
      const column = table.columns[columnIndex] as ColumnDef;
      if (e.kind === 'default' && e.column === null) return;
      if (column.generated !== undefined) {
        throw new SqlError('ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN', [column.name, table.name]);
      }
      // DEFAULT(col) names a column of the table written; other values see no table columns.
      values[columnIndex] = e.kind === 'default' ? bindDefault(e, table) : bind.bind(e);
    });
    return values;
  });
}

/** The table an INSERT writes: a base table (1146 otherwise; 1044 for information_schema). */
export function insertTarget(name: TableName, ctx: PlanContext, user = ''): TableDef {
  const database = name.database ?? ctx.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (isSystemSchema(database)) {
    throw new SqlError('ER_DBACCESS_DENIED_ERROR', [user, 'localhost', 'information_schema']);
  }
  const table = ctx.catalog.table(database, name.name);
  if (table !== undefined) return table;
  if (ctx.catalog.view(database, name.name) !== undefined) {
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['INSERT, UPDATE and DELETE through views']);
  }
  throw new SqlError('ER_NO_SUCH_TABLE', [database, name.name]);
}

function binderFor(table: TableDef | null, ctx: PlanContext, defaults?: TableDef): Binder {
  return new Binder({
    table,
    tableName: table?.name ?? null,
    ...(defaults === undefined ? {} : { defaults }),
    clause: 'field list',
    currentDatabase: ctx.database,
    ...(ctx.params === undefined ? {} : { params: ctx.params }),
    ...(ctx.variables === undefined ? {} : { variables: ctx.variables }),
  });
}

/** The name a new row's column has in the ON DUPLICATE KEY UPDATE scope. */
const NEW = (name: string): string => `\u0001new.${name}`;

/** Rewrites VALUES(c) and alias.c (and alias column names) into references to the new row. */
function newRowRefs(
  e: unknown,
  table: TableDef,
  alias: { name: string; columns: ReadonlyMap<string, string> } | null,
): unknown {
  if (Array.isArray(e)) return e.map((x) => newRowRefs(x, table, alias));
  if (typeof e !== 'object' || e === null || e instanceof Buffer) return e;
  const node = e as Record<string, unknown>;
  if (node.kind === 'call' && node.name === 'values') {
    const args = node.args as readonly Expr[];
    const arg = args[0];
    if (args.length !== 1 || arg?.kind !== 'column')
      throw new SqlError('ER_WRONG_ARGUMENTS', ['VALUES']);
    const column = table.columns.find((c) => c.name.toLowerCase() === arg.name.toLowerCase());
    if (column === undefined) throw new SqlError('ER_BAD_FIELD_ERROR', [arg.name, 'field list']);
    return { kind: 'column', database: null, table: null, name: NEW(column.name) };
  }
  if (node.kind === 'column' && alias !== null && typeof node.name === 'string') {
    const named = alias.columns.get(node.name.toLowerCase());
    if (node.table === alias.name) {
      const target = named ?? node.name;
      return { kind: 'column', database: null, table: null, name: NEW(target) };
    }
    const own = table.columns.some(
      (c) => c.name.toLowerCase() === (node.name as string).toLowerCase(),
    );
    if (node.table === null && named !== undefined && !own) {
      return { kind: 'column', database: null, table: null, name: NEW(named) };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = newRowRefs(value, table, alias);
  return out;
}

/** ON DUPLICATE KEY UPDATE: each assignment bound over [old row, new row]. */
function planOnDuplicate(
  statement: Statement & { kind: 'insert' },
  table: TableDef,
  targets: readonly number[],
  ctx: PlanContext,
): InsertDml['onDuplicate'] {
  const both = makeTableDef({
    ...table,
    columns: [...table.columns, ...table.columns.map((c) => ({ ...c, name: NEW(c.name) }))],
    primaryKey: [],
    indexes: [],
    autoIncrement: null,
    foreignKeys: [],
    checks: [],
  });
  const rowAlias = statement.rowAlias;
  const aliasColumns = new Map<string, string>();
  if (rowAlias?.columns !== null && rowAlias?.columns !== undefined) {
    rowAlias.columns.forEach((name, i) => {
      const column = table.columns[targets[i] ?? -1];
      if (column !== undefined) aliasColumns.set(name.toLowerCase(), column.name);
    });
  }
  const alias = rowAlias === undefined ? null : { name: rowAlias.name, columns: aliasColumns };
  const binder = binderFor(both, ctx);
  return (statement.onDuplicate ?? []).map((a: Assignment) => {
    const folded = a.column.name.toLowerCase();
    const column = table.columns.findIndex((c) => c.name.toLowerCase() === folded);
    if (column === -1 || (a.column.table !== null && a.column.table !== table.name)) {
      throw new SqlError('ER_BAD_FIELD_ERROR', [a.column.name, 'field list']);
    }
    const def = table.columns[column] as ColumnDef;
    if (def.generated !== undefined && !(a.value.kind === 'default')) {
      throw new SqlError('ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN', [def.name, table.name]);
    }
    const value = a.value.kind === 'default' && a.value.column === null
      ? initialValue(def, table)
      : binder.bind(newRowRefs(a.value, table, alias) as Expr);
    return { column, expr: value };
  });
}

/** INSERT / REPLACE → its plan. */
export function planInsert(statement: Statement & { kind: 'insert' }, ctx: PlanContext): Plan {
  const table = insertTarget(statement.table, ctx);
  const targets = insertColumns(table, statement.columns);
  const given = table.columns.map((_, i) => targets.includes(i));
  let rows: PlanExpr[][] = [];
  let query: InsertDml['query'] = null;
  if (statement.query !== undefined) {
    const plan = planStatement(statement.query, ctx);
    if (plan.kind !== 'select') throw new SqlError('ER_NOT_SUPPORTED_YET', ['this INSERT source']);
    if (plan.query.columns.length !== targets.length) {
      throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', [1]);
    }
    for (const t of targets) {
      const column = table.columns[t] as ColumnDef;
      if (column.generated !== undefined) {
        throw new SqlError('ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN', [column.name, table.name]);
      }
    }
    rows = [table.columns.map((column) => initialValue(column, table))];
    query = { plan, targets };
  } else {
    rows = insertRows(table, targets, statement.rows, binderFor(null, ctx, table));
  }
  const duplicates = statement.replace === true
    ? 'replace'
    : statement.onDuplicate !== undefined
      ? 'update'
      : statement.ignore === true
        ? 'ignore'
        : 'error';
  const onDuplicate =
    duplicates === 'update' ? planOnDuplicate(statement, table, targets, ctx) : [];
  const ignore = statement.ignore === true;
  return { kind: 'insert', table, rows, dml: { duplicates, onDuplicate, query, given, ignore } };
}

/**
 * The column an UPDATE … SET assigns (named, possibly qualified by the table or its alias):
 * its index, or 1054. Resolved by name, not bound as an expression (a TIMESTAMP column reads
 * through a time-zone conversion when bound).
 */
export function assignedColumn(
  table: TableDef,
  ref: { readonly table: TableName; readonly alias: string | null },
  column: {
    readonly database: string | null;
    readonly table: string | null;
    readonly name: string;
  },
): number {
  const shown = [column.database, column.table, column.name].filter((p) => p !== null).join('.');
  const qualifier = ref.alias ?? ref.table.name;
  const index = table.columns.findIndex((c) => c.name.toLowerCase() === column.name.toLowerCase());
  const wrongTable = column.table !== null && column.table !== qualifier;
  const wrongDatabase = column.database !== null && column.database !== table.database;
  if (index === -1 || wrongTable || wrongDatabase)
    throw new SqlError('ER_BAD_FIELD_ERROR', [shown, 'field list']);
  return index;
}

/** SET col = value: DEFAULT is the column's DEFAULT; a generated column takes nothing else. */
export function assignedValue(
  table: TableDef,
  column: number,
  value: Expr,
  bind: Binder,
): PlanExpr {
  const def = table.columns[column] as ColumnDef;
  const isDefault = value.kind === 'default' && value.column === null;
  if (def.generated !== undefined && !isDefault) {
    throw new SqlError('ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN', [def.name, table.name]);
  }
  if (isDefault) return initialValue(def, table);
  return value.kind === 'default' ? bindDefault(value, table) : bind.bind(value);
}
