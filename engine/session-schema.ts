/**
 * The session's side of issue 6's schema and metadata statements (6c): the hosts that
 * sql/metadata-statements.ts and the schema statements run against, built from the session's
 * state, so that session.ts only wires them.
 */
import type { StorageClient } from '../storage/index.js';
import type { Result, Row } from './api.js';
import type { Catalog } from './catalog/catalog.js';
import type { ColumnDef, ColumnType, TableDef, ViewDef } from './catalog/definitions.js';
import { SqlError } from './errors.js';
import { encodeRow } from './row.js';
import type { BindVariables } from './sql/bind.js';
import { parseDateTime } from './sql/datetime.js';
import type { EvalContext } from './sql/expr.js';
import {
  type InfoSchemaHost,
  systemTable,
  systemTableNames,
} from './sql/information-schema/index.js';
import type { MetadataHost } from './sql/metadata-statements.js';
import type { PlanParams } from './sql/params.js';
import { parse } from './sql/parse.js';
import { planStatement } from './sql/planner.js';
import type { Value } from './sql/values.js';
import { type TxnRows, wholeTable } from './txn/rows.js';
import type { Statement, TableRef } from './sql/ast.js';
import type { SessionTableLocks } from './table-locks.js';
import type { Warnings } from './sql/values.js';
import { queryTableRefs } from './sql/query-tables.js';
import { timeZoneOffset } from './variables/time-zone.js';

export interface SchemaSessionFacts {
  readonly catalog: Catalog;
  readonly database: string | null;
  evalContext(): EvalContext;
  bindVariables(): BindVariables;
  readonly params: PlanParams | undefined;
  variable(name: string): string;
  mayShowDatabase(database: string): boolean;
}

/** An epoch time as the session's time_zone shows it: 'YYYY-MM-DD hh:mm:ss'. */
export function formatSessionTime(ms: number, zone: string): string {
  const at = new Date(ms);
  const offset = timeZoneOffset(zone, at) ?? 0;
  return new Date(ms + offset * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The columns a view yields: its query planned now against the catalog (in the view's own
 * database), as column definitions. An invalid view (a table it reads is gone) is 1356.
 */
export function viewColumns(catalog: Catalog, view: ViewDef): ColumnDef[] {
  let plan;
  try {
    plan = planStatement(parse(view.query), { catalog, database: view.database });
  } catch (e) {
    if (e instanceof SqlError) throw new SqlError('ER_VIEW_INVALID', [view.database, view.name]);
    throw e;
  }
  if (plan.kind !== 'select') throw new SqlError('ER_VIEW_INVALID', [view.database, view.name]);
  return plan.query.columns.map((column, i): ColumnDef => {
    const type: ColumnType =
      column.info.type.kind === 'null'
        ? { kind: 'string', variant: 'char', chars: 0, collation: 'binary' }
        : column.info.type;
    return {
      name: view.columns?.[i] ?? column.name,
      type,
      nullable: column.info.nullable,
      defaultValue: column.info.nullable ? { value: null } : null,
    };
  });
}

export function schemaMetadataHost(facts: SchemaSessionFacts): MetadataHost {
  return {
    ...facts,
    formatTime: (ms) => formatSessionTime(ms, facts.variable('time_zone')),
    viewColumns: (view) => viewColumns(facts.catalog, view),
    systemTables: {
      database: 'information_schema',
      names: systemTableNames,
      table: systemTable,
    },
  };
}

export interface InfoSchemaFacts {
  readonly catalog: Catalog;
  readonly storage: StorageClient | undefined;
  mayShowDatabase(database: string): boolean;
  processes(): readonly Row[];
  timeZone(): string;
}

/** A table's rows and stored bytes, counted through the statement's read view. */
async function tableSize(rows: TxnRows, table: TableDef): Promise<{ rows: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for await (const r of rows.read(wholeTable(table))) {
    count++;
    bytes += r.key.length + encodeRow(table.types, r.row).length;
  }
  return { rows: count, bytes };
}

/** What information_schema's rows are made from, for one statement (its read view: `rows`). */
export function infoSchemaHost(facts: InfoSchemaFacts, rows: TxnRows): InfoSchemaHost {
  return {
    catalog: facts.catalog,
    mayShowDatabase: facts.mayShowDatabase,
    processes: () =>
      facts
        .processes()
        .map((r) => r.map((v): Value => (Buffer.isBuffer(v) ? v.toString('latin1') : v))),
    localTime: (ms) => parseDateTime(formatSessionTime(ms, facts.timeZone()), 0) ?? null,
    tableSize: (table) => tableSize(rows, table),
    viewColumns: (view) => viewColumns(facts.catalog, view),
    segments: async () => (
      facts.storage?.segmentStatus === undefined ? [] : facts.storage.segmentStatus()
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// LOCK TABLES, UNLOCK TABLES, DROP PROCEDURE / FUNCTION / TRIGGER / EVENT

export interface SessionSchemaHost {
  readonly catalog: Catalog;
  readonly database: string | null;
  readonly warnings: Warnings;
  readonly locks: SessionTableLocks;
  /** Commits the open transaction (DDL and LOCK TABLES do). */
  implicitCommit(): Promise<void>;
}

const OK: Result = { kind: 'ok', affectedRows: 0, lastInsertId: 0n, matchedRows: 0, info: '' };

/** Runs LOCK / UNLOCK TABLES and DROP of routines; undefined for any other statement. */
export async function runSessionSchemaStatement(
  statement: Statement,
  host: SessionSchemaHost,
): Promise<Result | undefined> {
  switch (statement.kind) {
    case 'lock-tables': {
      await host.implicitCommit();
      host.locks.unlock();
      const entries = statement.locks.map((l) => {
        const database = l.table.database ?? host.database;
        if (database === null) throw new SqlError('ER_NO_DB_ERROR');
        if (!host.catalog.hasTableOrView(database, l.table.name)) {
          throw new SqlError('ER_NO_SUCH_TABLE', [database, l.table.name]);
        }
        return { database, name: l.table.name, alias: l.alias, mode: l.mode };
      });
      host.locks.lock(entries);
      return OK;
    }
    case 'unlock-tables':
      if (host.locks.active) {
        host.locks.unlock();
        await host.implicitCommit();
      }
      return OK;
    case 'drop-routine':
      await host.implicitCommit();
      return dropRoutine(statement, host);
    default:
      return undefined;
  }
}

/** DROP PROCEDURE & co.: none exists (they are not built), so IF EXISTS notes it, else fails. */
function dropRoutine(
  statement: Statement & { kind: 'drop-routine' },
  host: SessionSchemaHost,
): Result {
  const { routine, name } = statement;
  const database = name.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  const error =
    routine === 'TRIGGER'
      ? new SqlError('ER_TRG_DOES_NOT_EXIST')
      : routine === 'EVENT'
        ? new SqlError('ER_EVENT_DOES_NOT_EXIST', [name.name])
        : new SqlError('ER_SP_DOES_NOT_EXIST', [routine, `${database}.${name.name}`]);
  if (!statement.ifExists) throw error;
  host.warnings.warn('Note', error.errno, error.message);
  return OK;
}

/** The tables a statement reads and writes (with their aliases), for LOCK TABLES' checks. */
function statementTables(statement: Statement): { reads: TableRef[]; writes: TableRef[] } {
  switch (statement.kind) {
    case 'select':
    case 'set-operation':
      return { reads: queryTableRefs(statement), writes: [] };
    case 'insert':
      return {
        reads: statement.query === undefined ? [] : queryTableRefs(statement.query),
        writes: [{ table: statement.table, alias: null }],
      };
    case 'update':
    case 'delete':
      return { reads: queryTableRefs(statement), writes: [statement.table] };
    case 'update-join':
    case 'delete-join': {
      const reads = queryTableRefs({ kind: 'select', from: statement.from });
      return { reads, writes: [] };
    }
    case 'load-data':
      return { reads: [], writes: [{ table: statement.table, alias: null }] };
    case 'analyze-table':
    case 'check-table':
      return { reads: statement.tables.map((table) => ({ table, alias: null })), writes: [] };
    default:
      return { reads: [], writes: [] };
  }
}

/** Under LOCK TABLES: 1100 / 1099 for a table the statement may not use (table-locks.ts). */
export function checkTableLocks(
  statement: Statement,
  locks: SessionTableLocks,
  database: string | null,
): void {
  if (!locks.active) return;
  const { reads, writes } = statementTables(statement);
  locks.check(reads, writes, database);
}

/** The INSERT … SELECT that fills a table CREATE TABLE … SELECT made. */
export function selectInsert(
  statement: Statement & { kind: 'create-table' },
  select: {
    readonly columns: readonly string[];
    readonly duplicates: 'error' | 'ignore' | 'replace';
    readonly query: Statement;
  },
): Statement {
  return {
    kind: 'insert',
    table: statement.table,
    columns: select.columns,
    rows: [],
    query: select.query,
    ...(select.duplicates === 'ignore' ? { ignore: true } : {}),
    ...(select.duplicates === 'replace' ? { replace: true } : {}),
  };
}
