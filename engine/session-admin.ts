/**
 * The session statements that need no plan: SET (variables, NAMES, CHARACTER SET), SHOW
 * VARIABLES / STATUS, SHOW WARNINGS / ERRORS / COUNT(*) … They run here against the session's
 * SessionExtras; session.ts calls `runAdminStatement` before planning and gets undefined for
 * every other statement.
 *
 * SHOW WARNINGS and its kin report the previous statement's diagnostics and leave them in place
 * (session.ts does not replace them after a 'show-diagnostics' statement).
 */
import type { ColumnInfo, Result, Row } from './api.js';
import { SqlError } from './errors.js';
import { processListColumns } from './process-list.js';
import type { SessionExtras, SessionServices } from './session-extras.js';
import type { AdminStatement, Expr, Statement } from './sql/ast.js';
import { Binder, intInfo } from './sql/bind.js';
import { type EvalContext, compile } from './sql/expr.js';
import { expressionInfo } from './sql/metadata.js';
import { PlanParams } from './sql/params.js';
import { userVariableInfo } from './variables/user-variables.js';
import { filterShowRows } from './sql/show-filter.js';
import { type Warning, showWarnings } from './sql/show.js';
import type { SqlType, Value, Warnings } from './sql/values.js';
import { runSet } from './variables/set.js';
import { rowsResult, showTableName, variableRows } from './variables/show.js';

export interface AdminHost {
  readonly extras: SessionExtras;
  readonly services: SessionServices;
  readonly database: string | null;
  /** The current statement's warnings. */
  readonly warnings: Warnings;
  /** The previous statement's diagnostics, for SHOW WARNINGS / ERRORS. */
  readonly previous: readonly Warning[];
  readonly previousCount: number;
  /** Parameters when the statement runs as a prepared statement. */
  readonly params: PlanParams | undefined;
  evalContext(): EvalContext;
  readonly prepared: SqlPreparedHost;
  /** This session's connection id and account user (KILL's owner check, SHOW PROCESSLIST). */
  readonly connectionId: number;
  readonly user: string;
  /** CONNECTION_ADMIN or SUPER: may KILL other users' threads. */
  mayKillAny(): boolean;
  /** PROCESS: sees every thread in SHOW PROCESSLIST. */
  maySeeAllProcesses(): boolean;
  /** Throws ER_SPECIFIC_ACCESS_DENIED_ERROR unless the session may change GLOBAL values. */
  requireGlobalPrivilege(): void;
}

/** The session's side of SQL-level PREPARE / EXECUTE / DEALLOCATE PREPARE. */
export interface SqlPreparedHost {
  /** Prepares `text` as `name`, replacing a statement of that name. */
  prepare(name: string, text: string): void;
  /** Runs statement `name` (1243 if unknown) with `params` (1210 if the count is wrong). */
  execute(name: string, params: PlanParams): Promise<Result>;
  deallocate(name: string): void;
}

const NO_ROW: readonly Value[] = [];

export function okResult(info = ''): Result {
  return { kind: 'ok', affectedRows: 0, lastInsertId: 0n, matchedRows: 0, info };
}

export function rows(columns: readonly ColumnInfo[], all: readonly Row[]): Result {
  return {
    kind: 'rows',
    columns,
    rows: (async function* () {
      if (all.length > 0) yield all;
    })(),
  };
}

/** A constant expression of a session statement, evaluated now. */
export function evaluate(host: AdminHost, expr: Expr): { value: Value; type: SqlType } {
  const binder = new Binder({
    table: null,
    tableName: null,
    clause: 'field list',
    currentDatabase: host.database,
    variables: host.extras.bindVariables(),
    ...(host.params === undefined ? {} : { params: host.params }),
  });
  const bound = binder.bind(expr);
  return { value: compile(bound)(NO_ROW, host.evalContext()), type: bound.info.type };
}

const ADMIN_KINDS: ReadonlySet<string> = new Set<AdminStatement['kind']>([
  'set-variables',
  'set-names',
  'set-charset',
  'show-variables',
  'show-status',
  'show-diagnostics',
  'prepare-sql',
  'execute-sql',
  'deallocate-sql',
  'kill',
  'show-processlist',
]);

export function isAdminStatement(statement: Statement): statement is AdminStatement {
  return ADMIN_KINDS.has(statement.kind);
}

/** Runs a session statement; undefined when `statement` is not one. */
export async function runAdminStatement(
  statement: Statement,
  host: AdminHost,
): Promise<Result | undefined> {
  switch (statement.kind) {
    case 'set-variables':
    case 'set-names':
    case 'set-charset':
      await runSet(statement, {
        variables: host.extras.variables,
        users: host.extras.users,
        warnings: host.warnings,
        evaluate: (expr) => evaluate(host, expr),
        requireGlobalPrivilege: () => host.requireGlobalPrivilege(),
      });
      return okResult();
    case 'show-variables':
    case 'show-status':
      return showVariablesOrStatus(statement, host);
    case 'show-diagnostics':
      return showDiagnostics(statement, host);
    case 'prepare-sql':
    case 'execute-sql':
    case 'deallocate-sql':
      return sqlPrepared(statement, host);
    case 'kill':
      kill(statement, host);
      return okResult();
    case 'show-processlist': {
      const all = host.maySeeAllProcesses();
      const list = host.services.processes.rows(statement.full, (e) => all || e.user === host.user);
      return rows(processListColumns(statement.full), list);
    }
    default:
      return undefined;
  }
}

/** SHOW [GLOBAL | SESSION] VARIABLES / STATUS [LIKE … | WHERE …]. */
function showVariablesOrStatus(
  statement: AdminStatement & { kind: 'show-variables' | 'show-status' },
  host: AdminHost,
): Result {
  const variables = statement.kind === 'show-variables';
  const table = showTableName(variables ? 'variables' : 'status', statement.global);
  const all = variables
    ? variableRows(host.extras.variables, statement.global)
    : host.services.status.rows(statement.global ? null : host.extras.counters);
  const kept = filterShowRows(
    ['Variable_name', 'Value'],
    all,
    statement.filter,
    host.evalContext(),
    {
      variables: host.extras.bindVariables(),
    },
  );
  const shown = rowsResult(table, kept);
  return rows(shown.columns, shown.rows);
}

/** PREPARE name FROM …, EXECUTE name USING @a, …, DEALLOCATE PREPARE name. */
async function sqlPrepared(
  statement: AdminStatement & { kind: 'prepare-sql' | 'execute-sql' | 'deallocate-sql' },
  host: AdminHost,
): Promise<Result> {
  switch (statement.kind) {
    case 'prepare-sql': {
      let text: string;
      if (statement.source.kind === 'text') {
        text = statement.source.text;
      } else {
        const held = host.extras.users.get(statement.source.name);
        text = held.value === null ? 'NULL' : String(held.value);
      }
      host.prepared.prepare(statement.name, text);
      return okResult('Statement prepared');
    }
    case 'execute-sql': {
      const held = statement.using.map((name) => host.extras.users.get(name));
      const params = new PlanParams(
        held.map((h) => h.value),
        held.map((h) => userVariableInfo(h)),
      );
      return host.prepared.execute(statement.name, params);
    }
    case 'deallocate-sql':
      host.prepared.deallocate(statement.name);
      return okResult();
  }
}

/**
 * KILL [CONNECTION | QUERY] id: raises the target's interrupt flag (its running statement fails
 * with 1317 at its next check); KILL CONNECTION also has the server close its socket. Unknown id
 * → 1094; another user's thread without CONNECTION_ADMIN / SUPER → 1095. Killing oneself fails
 * the KILL itself with 1317, as in MySQL.
 */
function kill(statement: AdminStatement & { kind: 'kill' }, host: AdminHost): void {
  const { value } = evaluate(host, statement.id);
  const id =
    typeof value === 'bigint'
      ? Number(value)
      : typeof value === 'number'
        ? Math.trunc(value)
        : Number.parseInt(String(value ?? '0'), 10) || 0;
  const target = host.services.processes.get(id);
  if (target === undefined) throw new SqlError('ER_NO_SUCH_THREAD', [String(id)]);
  if (target.user !== host.user && !host.mayKillAny()) {
    throw new SqlError('ER_KILL_DENIED_ERROR', [String(id)]);
  }
  target.interrupt.raise(!statement.query);
  if (statement.query) target.onKillQuery();
  else target.onKill();
  if (target.id === host.connectionId) throw new SqlError('ER_QUERY_INTERRUPTED');
}

function showDiagnostics(
  statement: AdminStatement & { kind: 'show-diagnostics' },
  host: AdminHost,
): Result {
  const errors = host.previous.filter((w) => w.level === 'Error');
  if (statement.count) {
    const name = `@@session.${statement.which === 'warnings' ? 'warning' : 'error'}_count`;
    const count = statement.which === 'warnings' ? host.previousCount : errors.length;
    return rows([expressionInfo(name, intInfo(21, false, true))], [[BigInt(count)]]);
  }
  const list = statement.which === 'warnings' ? host.previous : errors;
  const limit = statement.limit;
  const shown =
    limit === null ? list : list.slice(Number(limit.offset), Number(limit.offset + limit.count));
  const result = showWarnings(shown);
  return rows(result.columns, result.rows);
}
