/**
 * Planning of the schema statements of issue 6 (6c): ALTER TABLE (plan-alter.ts), RENAME TABLE,
 * TRUNCATE, CREATE / ALTER / DROP VIEW, ALTER DATABASE. Names are resolved and checked here,
 * against the catalog as it is when the statement runs (DDL plans under the exclusive latch):
 *
 *   a missing table / view               ER_NO_SUCH_TABLE (1146), DROP VIEW: ER_BAD_TABLE_ERROR
 *   a table where a view is needed       ER_WRONG_OBJECT (1347 "'d.t' is not VIEW")
 *   a name taken                         ER_TABLE_EXISTS_ERROR (1050)
 *   a view's column list of other length ER_VIEW_WRONG_LIST (1353)
 *   information_schema                   ER_DBACCESS_DENIED_ERROR (1044)
 *
 * SHOW statements and DESCRIBE are not planned: the session runs them (metadata-statements.ts);
 * LOCK / UNLOCK TABLES and DROP PROCEDURE / FUNCTION / TRIGGER / EVENT are session statements too.
 */
import type { ColumnDef, ColumnType, TableDef, ViewDef } from '../catalog/definitions.js';
import type { ColumnInfo } from '../api.js';
import type { ExprInfo } from './plan.js';
import { SqlError } from '../errors.js';
import type { CreateTable, SchemaStatement, Statement, TableName } from './ast.js';
import { type DefaultModes, resolveCollation } from './plan-columns.js';
import { zeroDateModes } from './store.js';
import { sqlModeFlags } from '../variables/sql-mode.js';
import { isSystemSchema } from './information-schema/index.js';
import { planAlter } from './plan-alter.js';
import { type PlanWarning, planCreateTable } from './plan-ddl.js';
import type { Plan } from './plan.js';
import { type PlanContext, planStatement } from './planner.js';

function databaseOf(name: TableName, ctx: PlanContext): string {
  const database = name.database ?? ctx.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (isSystemSchema(database)) throw new SqlError('ER_DBACCESS_DENIED_ERROR', ['', '', database]);
  return database;
}

/** A base table (1146; a view: 1347 "is not BASE TABLE"). */
export function baseTable(name: TableName, ctx: PlanContext): TableDef {
  const database = databaseOf(name, ctx);
  const table = ctx.catalog.table(database, name.name);
  if (table !== undefined) return table;
  if (ctx.catalog.view(database, name.name) !== undefined) {
    throw new SqlError('ER_WRONG_OBJECT', [database, name.name, 'BASE TABLE']);
  }
  throw new SqlError('ER_NO_SUCH_TABLE', [database, name.name]);
}

/** sql_mode as text (its NO_ENGINE_SUBSTITUTION member matters to DDL). */
export function sqlModeText(ctx: PlanContext): string {
  const mode = ctx.variables?.system('sql_mode', null);
  return typeof mode === 'string' ? mode.toUpperCase() : 'NO_ENGINE_SUBSTITUTION';
}

/** sql_mode's members that check a literal DEFAULT (plan-columns.ts DefaultModes). */
export function defaultModesOf(ctx: PlanContext): { defaultModes?: DefaultModes } {
  const mode = ctx.variables?.system('sql_mode', null);
  if (typeof mode !== 'string') return {};
  const flags = sqlModeFlags(mode.toUpperCase());
  return { defaultModes: { strict: flags.strict, ...zeroDateModes(flags) } };
}

function variableText(ctx: PlanContext, name: string, fallback: string): string {
  const value = ctx.variables?.system(name, null);
  return typeof value === 'string' ? value : fallback;
}

function planRenames(
  statement: SchemaStatement & { kind: 'rename-table' },
  ctx: PlanContext,
): Plan {
  // Renames apply in order: a name freed by one may be taken by a later one (a swap).
  const taken = new Map<string, boolean>();
  const key = (database: string, name: string): string => `${database}\u0000${name}`;
  const exists = (database: string, name: string): boolean =>
    taken.get(key(database, name)) ?? ctx.catalog.hasTableOrView(database, name);
  const renames = statement.renames.map(({ from, to }) => {
    const fromDb = databaseOf(from, ctx);
    const toDb = databaseOf(to, ctx);
    if (!exists(fromDb, from.name)) throw new SqlError('ER_NO_SUCH_TABLE', [fromDb, from.name]);
    if (!ctx.catalog.hasDatabase(toDb)) throw new SqlError('ER_BAD_DB_ERROR', [toDb]);
    if (exists(toDb, to.name)) throw new SqlError('ER_TABLE_EXISTS_ERROR', [to.name]);
    taken.set(key(fromDb, from.name), false);
    taken.set(key(toDb, to.name), true);
    return { from: { database: fromDb, name: from.name }, to: { database: toDb, name: to.name } };
  });
  return { kind: 'rename-table', renames };
}

function planView(statement: SchemaStatement & { kind: 'create-view' }, ctx: PlanContext): Plan {
  const database = databaseOf(statement.name, ctx);
  if (!ctx.catalog.hasDatabase(database)) throw new SqlError('ER_BAD_DB_ERROR', [database]);
  const name = statement.name.name;
  if (ctx.catalog.table(database, name) !== undefined) {
    if (statement.orReplace) throw new SqlError('ER_WRONG_OBJECT', [database, name, 'VIEW']);
    throw new SqlError('ER_TABLE_EXISTS_ERROR', [name]);
  }
  const existing = ctx.catalog.view(database, name);
  if (existing !== undefined && !statement.orReplace)
    throw new SqlError('ER_TABLE_EXISTS_ERROR', [name]);
  if (existing === undefined && statement.alter)
    throw new SqlError('ER_NO_SUCH_TABLE', [database, name]);
  const plan = planStatement(statement.query, { ...ctx, database });
  if (plan.kind !== 'select') throw new SqlError('ER_NOT_SUPPORTED_YET', ['this view query']);
  const names = statement.columns ?? plan.query.columns.map((c) => c.name);
  if (statement.columns !== null && statement.columns.length !== plan.query.columns.length) {
    throw new SqlError('ER_VIEW_WRONG_LIST');
  }
  const seen = new Set<string>();
  for (const column of names) {
    if (seen.has(column.toLowerCase())) throw new SqlError('ER_DUP_FIELDNAME', [column]);
    seen.add(column.toLowerCase());
  }
  const mergeRefused = statement.algorithm === 'MERGE' && !mergeable(statement.query);
  const view: ViewDef = {
    database,
    name,
    columns: statement.columns,
    query: statement.text,
    algorithm: mergeRefused
      ? 'UNDEFINED'
      : statement.algorithm ?? existing?.algorithm ?? 'UNDEFINED',
    definer: statement.definer ?? existing?.definer ?? { user: '', host: '' },
    security: statement.security ?? existing?.security ?? 'DEFINER',
    checkOption: statement.checkOption ?? 'NONE',
    charsetClient: variableText(ctx, 'character_set_client', 'utf8mb4'),
    collationConnection: variableText(ctx, 'collation_connection', 'utf8mb4_0900_ai_ci'),
  };
  return {
    kind: 'create-view',
    view,
    replace: existing !== undefined,
    alter: statement.alter,
    mergeRefused,
  };
}

/**
 * Whether MySQL can merge a view's query into the queries that use it (LEX::can_be_merged): one
 * query block over at least one table, without GROUP BY, HAVING, aggregates, window functions,
 * DISTINCT, LIMIT, derived tables or subqueries outside WHERE / ON.
 */
function mergeable(query: Statement): boolean {
  if (query.kind !== 'select') return false;
  if (query.from === null || query.groupBy !== null || query.having !== null) return false;
  if (query.distinct || query.limit !== null || query.windows.length > 0) return false;
  const found = (v: unknown, kinds: readonly string[]): boolean => {
    if (Array.isArray(v)) return v.some((x) => found(x, kinds));
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype)
      return false;
    const kind = (v as { kind?: unknown }).kind;
    if (typeof kind === 'string' && kinds.includes(kind)) return true;
    return Object.values(v).some((x) => found(x, kinds));
  };
  const QUERIES = ['subquery', 'exists', 'in-subquery', 'quantified', 'derived'];
  if (found(query.items, ['aggregate', 'window', ...QUERIES])) return false;
  return !found(query.from, ['derived']);
}

export function planSchemaStatement(statement: SchemaStatement, ctx: PlanContext): Plan {
  switch (statement.kind) {
    case 'alter-table': {
      const table = baseTable(statement.table, ctx);
      const noEngineSubstitution = sqlModeText(ctx).includes('NO_ENGINE_SUBSTITUTION');
      const alter = planAlter(table, statement.actions, {
        catalog: ctx.catalog,
        database: ctx.database,
        noEngineSubstitution,
        foreignKeyChecks: foreignKeyChecksOf(ctx),
      });
      return { kind: 'alter-table', alter };
    }
    case 'rename-table':
      return planRenames(statement, ctx);
    case 'truncate-table':
      return { kind: 'truncate-table', table: baseTable(statement.table, ctx) };
    case 'create-view':
      return planView(statement, ctx);
    case 'drop-view':
      return {
        kind: 'drop-view',
        views: statement.views.map((v) => ({ database: databaseOf(v, ctx), name: v.name })),
        ifExists: statement.ifExists,
      };
    case 'alter-database': {
      const name = statement.name ?? ctx.database;
      if (name === null) throw new SqlError('ER_NO_DB_ERROR');
      const def = ctx.catalog.database(name);
      if (def === undefined) throw new SqlError('ER_BAD_DB_ERROR', [name]);
      const current = def.collation ?? 'utf8mb4_0900_ai_ci';
      const collation = resolveCollation(statement.charset, statement.collation, current);
      return { kind: 'alter-database', def: { ...def, collation } };
    }
    default:
      throw new Error(`planSchemaStatement: ${statement.kind} runs in the session`);
  }
}

/** CREATE TABLE: the definition checked in the context of its database and the session. */
export function planCreate(statement: CreateTable, ctx: PlanContext): Plan {
  const database = databaseOf(statement.table, ctx);
  if (statement.like !== undefined) return planCreateLike(statement, database, ctx);
  const warnings: PlanWarning[] = [];
  const query = statement.select === undefined ? null : planStatement(statement.select.query, ctx);
  if (query !== null && query.kind !== 'select')
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['this CREATE TABLE source']);
  const explicit = new Set(statement.columns.map((c) => c.name.toLowerCase()));
  const selected = query === null || query.kind !== 'select' ? [] : query.query.columns;
  const extra = selected.filter((c) => !explicit.has(c.name.toLowerCase())).map(selectedColumn);
  const planned = planCreateTable(
    {
      ...statement,
      select: undefined,
      columns:
        statement.columns.length === 0 && extra.length > 0 ? [PLACEHOLDER] : statement.columns,
    },
    database,
    {
      databaseCollation: ctx.catalog.database(database)?.collation ?? 'utf8mb4_0900_ai_ci',
      noEngineSubstitution: sqlModeText(ctx).includes('NO_ENGINE_SUBSTITUTION'),
      now: 0,
      catalog: ctx.catalog,
      foreignKeyChecks: foreignKeyChecksOf(ctx),
      ...defaultModesOf(ctx),
    },
    warnings,
  );
  const own = statement.columns.length === 0 ? [] : planned.columns;
  const spec = extra.length === 0 ? planned : { ...planned, columns: [...own, ...extra] };
  if (new Set(spec.columns.map((c) => c.name.toLowerCase())).size !== spec.columns.length) {
    throw new SqlError('ER_DUP_FIELDNAME', [
      spec.columns
        .map((c) => c.name)
        .find((n, i, all) => all.findIndex((m) => m.toLowerCase() === n.toLowerCase()) !== i) ?? '',
    ]);
  }
  const select =
    statement.select === undefined
      ? undefined
      : {
          columns: selected.map((c) => c.name),
          duplicates: statement.select.duplicates,
          query: statement.select.query,
        };
  return {
    kind: 'create-table',
    spec,
    ifNotExists: statement.ifNotExists,
    warnings,
    ...(select === undefined ? {} : { select }),
  };
}

/** Stands in for the columns of CREATE TABLE t SELECT … while the rest is checked. */
const PLACEHOLDER = {
  name: '\u0001',
  type: { kind: 'int' as const, name: 'INT' as const, unsigned: false },
  nullable: true,
  default: null,
  primaryKey: false,
  collation: null,
};

/** A column of CREATE TABLE … SELECT, typed by its query column (MySQL's rules, simplified). */
function selectedColumn(column: { name: string; info: ExprInfo; meta: ColumnInfo }): ColumnDef {
  let type: ColumnType;
  const t = column.info.type;
  if (t.kind === 'null') type = { kind: 'string', variant: 'char', chars: 0, collation: 'binary' };
  else if (
    t.kind === 'int' &&
    t.bytes === 8 &&
    column.meta.orgTable === '' &&
    t.year !== true &&
    t.bits === undefined
  ) {
    // An integer expression is INT when its display width fits one (11 digits), else BIGINT.
    type = column.info.length > 11 ? t : { ...t, bytes: 4 };
  } else type = t;
  return {
    name: column.name,
    type,
    nullable: column.info.nullable,
    defaultValue: column.info.nullable ? { value: null } : null,
  };
}

/** CREATE TABLE t LIKE s: s's columns, keys, CHECKs and options (not its foreign keys). */
function planCreateLike(statement: CreateTable, database: string, ctx: PlanContext): Plan {
  const source = baseTable(statement.like as TableName, ctx);
  const name = statement.table.name;
  const renamed = (check: { name: string }): string => {
    const m = new RegExp(
      `^${source.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_chk_(\\d+)$`,
      'i',
    ).exec(check.name);
    return m === null ? check.name : `${name}_chk_${m[1]}`;
  };
  const { created: _created, ...options } = source.options ?? {};
  const spec = {
    database,
    name,
    columns: source.columns,
    primaryKey: source.primaryKey,
    indexes: source.indexes.map(({ root: _root, ...index }) => index),
    autoIncrement: source.autoIncrement,
    options,
    ...(source.checks === undefined
      ? {}
      : { checks: source.checks.map((c) => ({ ...c, name: renamed(c) })) }),
    ...(source.fulltext === undefined ? {} : { fulltext: source.fulltext }),
  };
  return { kind: 'create-table', spec, ifNotExists: statement.ifNotExists, warnings: [] };
}

/** foreign_key_checks as the session has it (on unless turned off). */
export function foreignKeyChecksOf(ctx: PlanContext): boolean {
  const value = ctx.variables?.system('foreign_key_checks', null);
  return value === undefined || value === null || (value !== 0n && value !== 'OFF');
}
