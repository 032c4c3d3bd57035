/**
 * Where a statement of a read engine's session may run, when that session has a twin on the
 * writer that runs what it cannot (write forwarding, server/reader/routing-session.ts). Every
 * statement kind has its route in statement-kinds.ts; queries, SET and SET TRANSACTION are
 * looked into (their functions, variables, scopes and locking clauses).
 *
 *   route         runs                                      why
 *   read          on the read engine, unless the session's  reads tables or session state that
 *                 transaction has moved to the writer       both sessions hold alike
 *   write         on the writer; an open transaction moves  changes data, locks, or reads what
 *                 there first (api.ts MovableSession)       only the writer knows (LAST_INSERT_ID,
 *                                                           global variables, all processes,
 *                                                           information_schema, AUTO_INCREMENT)
 *   mirror        on the writer, then on the read engine    session state both must hold alike
 *   begin / end   where the transaction is                  BEGIN; COMMIT, ROLLBACK
 *   diagnostics   where the previous statement ran          SHOW WARNINGS, ROW_COUNT(), …
 *   pin           on the writer from then on (until the     session state too rich to mirror:
 *                 session is reset)                         user variables, SQL PREPARE, LOCK
 *                                                           TABLES, CALL, user-level locks
 *
 * Invariant (SR1): a statement routed 'read' neither changes the volume nor reads or changes
 * session state that only one of the two sessions holds; anything not known to be so is routed
 * to the writer ('write' or 'pin'), where every statement is correct.
 */
import type { StatementRoute } from './api.js';
import type { SetAssignment, Statement } from './sql/ast.js';
import { isSystemSchema } from './sql/information-schema/index.js';
import { STATEMENT_KINDS } from './statement-kinds.js';

/** Functions whose value or effect belongs to one session's state. */
const FUNCTION_ROUTES: ReadonlyMap<string, StatementRoute> = new Map([
  ['get_lock', 'pin'],
  ['release_lock', 'pin'],
  ['release_all_locks', 'pin'],
  ['is_free_lock', 'pin'],
  ['is_used_lock', 'pin'],
  ['row_count', 'diagnostics'],
  ['found_rows', 'diagnostics'],
]);

/** System variables a session reads from its last statement, or only the writer holds. */
const VARIABLE_ROUTES: ReadonlyMap<string, StatementRoute> = new Map([
  ['warning_count', 'diagnostics'],
  ['error_count', 'diagnostics'],
  ['identity', 'write'],
  ['last_insert_id', 'write'],
  // The read engine's role sets these ON; the session is the writer's.
  ['read_only', 'write'],
  ['super_read_only', 'write'],
  ['innodb_read_only', 'write'],
]);

/** How far a route sends a statement from the read engine (the most distant wins). */
const DISTANCE: Readonly<Record<StatementRoute, number>> = {
  'read': 0,
  'begin': 0,
  'end': 0,
  'mirror': 0,
  'diagnostics': 1,
  'write': 2,
  'pin': 3,
};

const routes = new WeakMap<Statement, StatementRoute>();

/** SR1: the route of `statement` (kept per parsed statement: the plan cache shares them). */
export function routeOf(statement: Statement): StatementRoute {
  let route = routes.get(statement);
  if (route === undefined) {
    route = classify(statement);
    routes.set(statement, route);
  }
  return route;
}

function classify(statement: Statement): StatementRoute {
  const byKind = STATEMENT_KINDS[statement.kind].route;
  if (byKind !== 'look') return byKind;
  switch (statement.kind) {
    case 'set-variables':
      return statement.assignments.every(mirrorable) ? 'mirror' : 'pin';
    case 'set-transaction':
      // Scope null: the next transaction only, which the two sessions would consume apart.
      return statement.scope === null ? 'pin' : 'mirror';
    default:
      return lookInto(statement);
  }
}

/** A SET both sessions can run alike: a system variable set to a constant. */
function mirrorable(assignment: SetAssignment): boolean {
  if (assignment.target.kind !== 'system-variable') return false;
  if (assignment.value.kind !== 'expr') return true; // a word (ON, utf8mb4) or DEFAULT
  const { expr } = assignment.value;
  if (expr.kind === 'literal') return true;
  return expr.kind === 'unary' && expr.op === '-' && expr.operand.kind === 'literal';
}

/**
 * The farthest route anything inside a query asks for: a locking clause, a user variable
 * assigned, a function or variable of FUNCTION_ROUTES / VARIABLE_ROUTES, a global variable.
 */
function lookInto(node: unknown): StatementRoute {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return 'read';
  let route: StatementRoute = 'read';
  if (Array.isArray(node)) {
    for (const item of node) route = farther(route, lookInto(item));
    return route;
  }
  const record = node as Record<string, unknown>;
  route = nodeRoute(record);
  if (record['kind'] === 'literal') return route;
  if (record['kind'] === 'select' && record['lock'] !== undefined) route = farther(route, 'write');
  if (record['kind'] === 'table' && readsInformationSchema(record['table'])) {
    route = farther(route, 'write');
  }
  for (const key in record) route = farther(route, lookInto(record[key]));
  return route;
}

function nodeRoute(node: Record<string, unknown>): StatementRoute {
  switch (node['kind']) {
    case 'assign-user-variable':
      return 'pin';
    case 'call': {
      const name = String(node['name']).toLowerCase();
      if (name === 'last_insert_id') {
        return Array.isArray(node['args']) && node['args'].length > 0 ? 'pin' : 'write';
      }
      return FUNCTION_ROUTES.get(name) ?? 'read';
    }
    case 'system-variable':
      if (node['scope'] === 'global') return 'write';
      return VARIABLE_ROUTES.get(String(node['name']).toLowerCase()) ?? 'read';
    default:
      return 'read';
  }
}

/**
 * information_schema shows the server's state: its processes, segments, AUTO_INCREMENT counters,
 * table sizes. A read engine's view of those is its own (its sessions, no storage client, its
 * catalog as of its VDL): every information_schema table is read on the writer.
 */
function readsInformationSchema(table: unknown): boolean {
  if (typeof table !== 'object' || table === null) return false;
  const database = (table as { readonly database?: unknown }).database;
  // Unqualified names while information_schema is the current database: EngineSession.route.
  return typeof database === 'string' && isSystemSchema(database);
}

function farther(a: StatementRoute, b: StatementRoute): StatementRoute {
  return DISTANCE[b] > DISTANCE[a] ? b : a;
}
