/**
 * Status variables (SHOW [GLOBAL | SESSION] STATUS) and COM_STATISTICS: real counters only.
 *
 *   counted per session and summed into the engine's totals
 *     Questions, Queries      statements the clients sent (text and prepared executions)
 *     Com_<statement>         statements of each kind
 *     Slow_queries            statements that ran longer than long_query_time
 *   kept by the engine
 *     Connections, Threads_connected, Threads_running, Max_used_connections,
 *     Prepared_stmt_count, Open_tables, Opened_tables, Uptime, Uptime_since_flush_status
 *
 * Counters MySQL keeps about bytes on the wire belong to the server, which the engine does not
 * see; they are not reported rather than reported wrong.
 */
import type { EngineClock } from '../clock.js';

/** The Com_ counters we keep, by statement kind (ast.ts) or command. */
export const COM_BY_KIND: Readonly<Record<string, string>> = {
  select: 'Com_select',
  insert: 'Com_insert',
  update: 'Com_update',
  delete: 'Com_delete',
  'create-database': 'Com_create_db',
  'drop-database': 'Com_drop_db',
  'create-table': 'Com_create_table',
  'drop-table': 'Com_drop_table',
  'create-index': 'Com_create_index',
  'drop-index': 'Com_drop_index',
  use: 'Com_change_db',
  'show-databases': 'Com_show_databases',
  'show-tables': 'Com_show_tables',
  'show-warnings': 'Com_show_warnings',
  'show-errors': 'Com_show_errors',
  'show-variables': 'Com_show_variables',
  'show-status': 'Com_show_status',
  'show-processlist': 'Com_show_processlist',
  'show-grants': 'Com_show_grants',
  'set-variables': 'Com_set_option',
  'set-names': 'Com_set_option',
  'set-charset': 'Com_set_option',
  'set-transaction': 'Com_set_option',
  kill: 'Com_kill',
  'prepare-sql': 'Com_prepare_sql',
  'execute-sql': 'Com_execute_sql',
  'deallocate-sql': 'Com_dealloc_sql',
  'create-user': 'Com_create_user',
  'alter-user': 'Com_alter_user',
  'drop-user': 'Com_drop_user',
  'rename-user': 'Com_rename_user',
  'set-password': 'Com_set_password',
  grant: 'Com_grant',
  revoke: 'Com_revoke',
  begin: 'Com_begin',
  commit: 'Com_commit',
  rollback: 'Com_rollback',
  savepoint: 'Com_savepoint',
  'rollback-to-savepoint': 'Com_rollback_to_savepoint',
  'release-savepoint': 'Com_release_savepoint',
  stmt_prepare: 'Com_stmt_prepare',
  stmt_execute: 'Com_stmt_execute',
  stmt_close: 'Com_stmt_close',
  stmt_reset: 'Com_stmt_reset',
};

const SESSION_COUNTERS = [
  'Questions',
  'Queries',
  'Slow_queries',
  ...new Set(Object.values(COM_BY_KIND)),
].sort();

/** One session's counters (or the engine's totals). */
export class StatusCounters {
  private readonly counts = new Map<string, number>(SESSION_COUNTERS.map((n) => [n, 0]));

  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  entries(): [string, number][] {
    return [...this.counts.entries()];
  }
}

/** The engine's status: totals of every session's counters plus engine-wide figures. */
export class GlobalStatus {
  readonly totals = new StatusCounters();
  /** Rows of the engine's role (a read engine's replica lag), read when shown. */
  readonly roleRows = new Map<string, () => string>();
  connections = 0;
  threadsConnected = 0;
  threadsRunning = 0;
  maxUsedConnections = 0;
  preparedStatements = 0;
  private readonly startedAt: number;

  constructor(
    private readonly clock: EngineClock,
    private readonly tables: () => { open: number; opened: number },
  ) {
    this.startedAt = clock.now();
  }

  /** Counts one statement (or command) for `session` and the totals. */
  count(session: StatusCounters, name: string): void {
    session.add(name);
    this.totals.add(name);
  }

  sessionOpened(): void {
    this.connections++;
    this.threadsConnected++;
    this.maxUsedConnections = Math.max(this.maxUsedConnections, this.threadsConnected);
  }

  sessionClosed(): void {
    this.threadsConnected--;
  }

  uptimeSeconds(): number {
    return Math.max(1, Math.floor((this.clock.now() - this.startedAt) / 1000));
  }

  /** SHOW STATUS rows, sorted by name: session counters from `session` (or the totals). */
  rows(session: StatusCounters | null): [string, string][] {
    const counters = session ?? this.totals;
    const { open, opened } = this.tables();
    const uptime = this.uptimeSeconds();
    const rows: [string, string][] = [
      ...counters.entries().map(([n, v]): [string, string] => [n, String(v)]),
      ['Connections', String(this.connections)],
      ['Max_used_connections', String(this.maxUsedConnections)],
      ['Open_tables', String(open)],
      ['Opened_tables', String(opened)],
      ['Prepared_stmt_count', String(this.preparedStatements)],
      ['Threads_connected', String(this.threadsConnected)],
      ['Threads_running', String(this.threadsRunning)],
      ['Uptime', String(uptime)],
      ['Uptime_since_flush_status', String(uptime)],
      ...[...this.roleRows].map(([name, read]): [string, string] => [name, read()]),
    ];
    return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** COM_STATISTICS, worded as MySQL words it. */
  statistics(): string {
    const uptime = this.uptimeSeconds();
    const questions = this.totals.get('Questions');
    const { open, opened } = this.tables();
    return (
      `Uptime: ${uptime}  Threads: ${this.threadsConnected}  Questions: ${questions}  ` +
      `Slow queries: ${this.totals.get('Slow_queries')}  Opens: ${opened}  Flush tables: 1  ` +
      `Open tables: ${open}  Queries per second avg: ${(questions / uptime).toFixed(3)}`
    );
  }
}
