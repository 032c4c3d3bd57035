/**
 * A Session: one client connection's state (current database, the last statement's warnings) and
 * the statement execution discipline.
 *
 *   DDL                                       DML, SELECT (txn/session-txn.ts)
 *   ───                                       ────────────────────────────────
 *   commit the open transaction (implicit)    run inside the session's transaction: explicit
 *   take the engine latch exclusive             (BEGIN), implicit (autocommit = 0) or single
 *   plan against the catalog                    (autocommit = 1: commits at statement end)
 *   Trees.begin → apply → Trees.commit        plan against the catalog (synchronous, so it sees
 *     (commit ships the redo before it          one consistent catalog without a latch)
 *     returns); on error Trees.rollback       INSERT/UPDATE/DELETE change the write set; SELECT
 *   apply catalog changes to the cache          reads its snapshot (at VDL) and streams its rows
 *   release the latch                         COMMIT applies the write set in one
 *   await durability (so commits group)         mini-transaction (txn/manager.ts)
 *
 * Plain SELECT takes no latch: it reads pages as of its snapshot however writers change them,
 * and never sees a commit that is not durable. A failure to confirm durability reaches the client
 * as the SqlError the Trees layer throws (ER_ERROR_DURING_COMMIT: outcome unknown), never as OK.
 */
import { performSleeps, sleepCallsOf } from './sql/functions/info.js';
import type { Logger } from 'pino';
import type {
  ColumnInfo,
  FieldListColumn,
  MovableSession,
  MovedTransaction,
  MovingTransaction,
  PreparedStatement,
  Result,
  Row,
  SessionInit,
  SessionStatus,
  SqlValue,
  StatementDiagnostics,
  StatementRoute,
} from './api.js';
import type { Mtr, Trees } from './btree/api.js';
import type { Lsn, StorageClient } from '../storage/index.js';
import type { Catalog } from './catalog/catalog.js';
import { SqlError } from './errors.js';
import type { Latch } from './latch.js';
import type { AccountStatement, Statement, TxnStatement } from './sql/ast.js';
import { type AdminHost, type SqlPreparedHost, runAdminStatement } from './session-admin.js';
import { SessionExtras, type SessionServices } from './session-extras.js';
import { decodeStatement } from './sql/bytes.js';
import { fieldList } from './field-list.js';
import type { ProcessEntry } from './process-list.js';
import { runAccountStatement } from './users/account-statements.js';
import type { AccountChange, Accounts } from './users/accounts.js';
import { type Identity, SessionPrivileges, authorize } from './users/authorize.js';
import type { AuthPlugin } from './users/passwords.js';
import {
  EnginePreparedStatement,
  type PreparedHost,
  SessionPreparedStatements,
  checkPreparable,
} from './prepared.js';
import { PlanParams } from './sql/params.js';
import type { CachedStatement } from './sql/plan-cache.js';
import type { PlanStore } from './sql/plan-store.js';
import {
  type DdlContext,
  type ExecContext,
  type WriteOutcome,
  isWrite,
  runDml,
  runSelect,
  runWrite,
} from './sql/execute.js';
import type { EvalContext, SessionFacts } from './sql/expr.js';
import { parse, parseStatement } from './sql/parse.js';
import type { Plan } from './sql/plan.js';
import { planStatement } from './sql/planner.js';
import { type Warning, showDatabases, showTables, showWarnings } from './sql/show.js';
import type { Value, Warnings } from './sql/values.js';
import type { TransactionManager } from './txn/manager.js';
import { CONSISTENT, type Locking, type TxnRows } from './txn/rows.js';
import { EXPLAIN_COLUMNS, explainRows } from './sql/explain.js';
import { SessionTransactions } from './txn/session-txn.js';
import { queryTables } from './sql/query-tables.js';
import { EXPLAIN_TREE_COLUMNS, explainTree } from './sql/explain-tree.js';
import { ANALYZE_COLUMNS, analyzeTables } from './sql/analyze.js';
import { checkTables } from './sql/check-table.js';
import { bindTxnVariables } from './txn/variables.js';
import { mdlOwner, tableLockName } from './txn/mdl.js';
import {
  type MetadataHost,
  isMetadataStatement,
  runMetadataStatement,
} from './sql/metadata-statements.js';
import {
  type InfoSchemaFacts,
  type SessionSchemaHost,
  checkTableLocks,
  infoSchemaHost,
  runSessionSchemaStatement,
  schemaMetadataHost,
  selectInsert,
} from './session-schema.js';
import { SessionTableLocks } from './table-locks.js';
import {
  type InfoSchemaHost,
  SCHEMA_NAME,
  isSystemSchema,
} from './sql/information-schema/index.js';
import { runLoad } from './sql/load-data.js';
import {
  type RoutineSessionHost,
  isRoutineStatement,
  runRoutineStatement,
} from './session-routines.js';
import type { ProgramChange } from './catalog/programs.js';
import type { QueryValues } from './sql/routines.js';
import type { TriggerHost } from './sql/triggers.js';
import { runQuery } from './sql/query-run.js';
import type { Value as EngineValue } from './sql/values.js';
import { insertTarget } from './sql/plan-insert.js';
import { pointSelectOf, runPointSelect } from './sql/point-select.js';
import { planLocks } from './sql/plan-query.js';
import type { ReadOnlyGate } from './read-only.js';
import { routeOf } from './route.js';
import { type Soon, andThen } from './soon.js';

/** What sessions share: the engine's state. */
export interface EngineCore {
  readonly trees: Trees;
  readonly catalog: Catalog;
  readonly latch: Latch;
  readonly transactions: TransactionManager;
  readonly log: Logger;
  /** The storage tier (information_schema.BOREALIS_SEGMENTS); absent in some tests. */
  readonly storage?: StorageClient;
  /** Issue 4's shared state: global variables and status, the clock. */
  readonly services: SessionServices;
  /** True once the engine is closing: new statements fail with ER_SERVER_SHUTDOWN. */
  readonly closing: boolean;
  /** A read engine's statement rules (read-only.ts); undefined on the writer. */
  readonly readOnly?: ReadOnlyGate;
  /**
   * The writer's: true when the catalog, programs or accounts may have changed after read point
   * `lsn` (a transaction moving in from a read engine read the old ones there).
   */
  schemaChangedAfter?(lsn: Lsn): boolean;
  /** The writer's: a statement ended, which may have changed the catalog (schemaChangedAfter). */
  noteSchema?(): void;
  /** The writer's: a SET of variables ended, which may have changed a global (GI1). */
  noteGlobals?(): void;
}

/** A text route() looked up: its decoded form and its plan cache entry (execute reuses them). */
interface RoutedText {
  readonly text: string | Buffer;
  readonly sql: string;
  readonly cached: CachedStatement | undefined;
}

/** The statement running now: its parameters (and their values) and its plan store. */
interface CurrentStatement {
  readonly params: PlanParams;
  readonly plans: PlanStore | undefined;
  readonly values: readonly Value[];
}

const NO_PARAMS = new PlanParams([]);

/** What SHOW PROCESSLIST shows while an account statement runs: never its password. */
const ACCOUNT_STATEMENT_INFO: Readonly<Record<AccountStatement['kind'], string>> = {
  'create-user': 'CREATE USER <secret>',
  'alter-user': 'ALTER USER <secret>',
  'drop-user': 'DROP USER',
  'rename-user': 'RENAME USER',
  'set-password': 'SET PASSWORD <secret>',
  grant: 'GRANT',
  revoke: 'REVOKE',
  'show-grants': 'SHOW GRANTS',
};

function isAccountStatement(statement: Statement): statement is AccountStatement {
  return Object.hasOwn(ACCOUNT_STATEMENT_INFO, statement.kind);
}

/** The account a session of user@host uses (CURRENT_USER), or null when none matches. */
function matchedAccount(accounts: Accounts, user: string, host: string): Identity | null {
  const record = accounts.match(user, host);
  return record === undefined ? null : { user: record.user, host: record.host };
}

/** MySQL's max_error_count: warnings kept per statement (all are counted). */
const WARNINGS_KEPT_MAX = 1024;

class StatementWarnings implements Warnings {
  readonly list: Warning[] = [];
  private total = 0;
  /**
   * The statement's parameter values, kept with the statement: its rows may be read after later
   * statements ran (a prepared statement's cursor, api.ts).
   */
  params: readonly Value[] = [];

  warn(level: 'Note' | 'Warning', code: number, message: string): void {
    this.total++;
    if (this.list.length < WARNINGS_KEPT_MAX) this.list.push({ level, code, message });
  }

  count(): number {
    return this.total;
  }
}

const STATEMENT_WRITES: ReadonlySet<Statement['kind']> = new Set([
  'create-database',
  'drop-database',
  'create-table',
  'drop-table',
  'create-index',
  'drop-index',
  // Issue 6 (6c)
  'alter-table',
  'rename-table',
  'truncate-table',
  'create-view',
  'drop-view',
  'alter-database',
]);

const STATEMENT_DML: ReadonlySet<Statement['kind']> = new Set([
  'insert',
  'update',
  'delete',
  'update-join',
  'delete-join',
]);

const STATEMENT_TXN: ReadonlySet<Statement['kind']> = new Set([
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'rollback-to-savepoint',
  'release-savepoint',
  'set-transaction',
]);

export class EngineSession implements MovableSession {
  private database: string | null = null;
  private warnings: readonly Warning[] = [];
  private warningCount = 0;
  /** The statement was SHOW WARNINGS / ERRORS: it keeps the diagnostics but raised none (0). */
  private diagnosticShown = false;
  /** The text route() looked up last, for the execute() of the same text that follows it. */
  private routed: RoutedText | undefined = undefined;
  /** The statement running is a SET of variables (a global may change: noteGlobals). */
  private setVariables = false;
  private closed = false;
  private readonly log: Logger;
  /** The session's transaction state and statement discipline (issue 5). */
  readonly txn: SessionTransactions;
  /** Variables, status counters, interrupt flag (issue 4: session-extras.ts). */
  readonly extras: SessionExtras;
  private readonly prepared = new SessionPreparedStatements();
  /** LOCK TABLES held by this session (table-locks.ts). */
  private readonly tableLocks = new SessionTableLocks();
  /** The running statement's parameters and plan store (see dispatch). */
  private current: CurrentStatement = { params: NO_PARAMS, plans: undefined, values: [] };
  /** This session in the engine's process list (SHOW PROCESSLIST, KILL). */
  private readonly process: ProcessEntry;
  /** The account the session logged in as, and what it may do (users/authorize.ts). */
  private readonly privileges: SessionPrivileges;

  constructor(
    private readonly core: EngineCore,
    private init: SessionInit,
  ) {
    this.log = core.log.child({ conn: init.connectionId, user: init.user });
    this.txn = new SessionTransactions(core.transactions, core.trees, this.log);
    this.extras = new SessionExtras(core.services, init.connectionId, init, () => ({
      warnings: this.warningCount,
      errors: this.warnings.filter((w) => w.level === 'Error').length,
    }));
    this.txn.interrupt = this.extras.interrupt;
    this.extras.variables.externals = bindTxnVariables(this.txn);
    core.services.status.sessionOpened();
    this.process = {
      id: init.connectionId,
      user: init.user,
      host: init.host,
      database: () => this.database,
      command: 'Sleep',
      info: null,
      since: core.services.clock.now(),
      interrupt: this.extras.interrupt,
      onKill: init.onKill ?? (() => undefined),
      onKillQuery: init.onKillQuery ?? (() => undefined),
    };
    core.services.processes.add(this.process);
    const { accounts } = core.services;
    this.privileges = new SessionPrivileges(
      accounts,
      matchedAccount(accounts, init.user, init.host),
      { user: init.user, host: init.host },
    );
  }

  /** CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, GRANT, REVOKE, SHOW GRANTS. */
  private async accountStatement(
    statement: AccountStatement,
    warnings: StatementWarnings,
  ): Promise<Result> {
    const { accounts, globals } = this.core.services;
    const outcome = await runAccountStatement(statement, {
      accounts,
      privileges: this.privileges,
      database: this.database,
      warnings,
      defaultPlugin: globals.get('default_authentication_plugin') as AuthPlugin,
      tableExists: (db, table) => this.core.catalog.table(db, table) !== undefined,
      write: (changes) => this.writeAccounts(changes),
    });
    if (outcome.kind === 'rows') return rowsResult(outcome.columns, [outcome.rows]);
    return okResult({ affectedRows: 0, matchedRows: 0, info: '', changes: [] });
  }

  /** Account changes in one mini-transaction, like DDL: implicit commit first, durable after. */
  private async writeAccounts(changes: readonly AccountChange[]): Promise<void> {
    const { trees } = this.core;
    const { accounts } = this.core.services;
    this.txn.checkWritable();
    await this.txn.implicitCommit();
    let durable: Promise<void>;
    const release = await this.extras.interrupt.acquire(this.core.latch.exclusive());
    try {
      const mtr = await trees.begin();
      let written: AccountChange[];
      try {
        written = await accounts.write(mtr, changes);
      } catch (e) {
        trees.rollback(mtr);
        throw e;
      }
      durable = trees.commit(mtr);
      for (const change of written) accounts.apply(change);
    } finally {
      release();
    }
    await this.extras.interrupt.race(durable);
  }

  /** The last status made, handed out again while it holds (issue 8: read per packet). */
  private statusMade: SessionStatus | null = null;

  get status(): SessionStatus {
    const made = this.statusMade;
    const database = this.database;
    const autocommit = this.txn.autocommit;
    const inTransaction = this.txn.inTransaction;
    const warningCount = this.diagnosticShown ? 0 : this.warningCount;
    const { charsetClient, charsetResults, waitTimeoutSeconds } = this.extras.wire();
    if (
      made !== null &&
      made.database === database &&
      made.autocommit === autocommit &&
      made.inTransaction === inTransaction &&
      made.warningCount === warningCount &&
      made.charsetClient === charsetClient &&
      made.charsetResults === charsetResults &&
      made.waitTimeoutSeconds === waitTimeoutSeconds
    ) {
      return made;
    }
    this.statusMade = {
      database,
      autocommit,
      inTransaction,
      warningCount,
      charsetClient,
      charsetResults,
      waitTimeoutSeconds,
    };
    return this.statusMade;
  }

  private prepareStatement(sql: string, name: string | null): EnginePreparedStatement {
    const { status, globals } = this.core.services;
    const limit = globals.get('max_prepared_stmt_count');
    if (BigInt(status.preparedStatements) >= BigInt(limit as bigint)) {
      throw new SqlError('ER_MAX_PREPARED_STMT_COUNT_REACHED', [String(limit)]);
    }
    const parsed = parseStatement(sql);
    checkPreparable(parsed.statement);
    let columns: readonly ColumnInfo[] = [];
    if (parsed.statement.kind === 'select' || parsed.statement.kind === 'set-operation') {
      // The shape only: parameter values are unknown until EXECUTE.
      const unknown = new PlanParams(new Array<undefined>(parsed.paramCount).fill(undefined));
      this.current = { params: unknown, plans: undefined, values: [] };
      const plan = this.plan(parsed.statement);
      if (plan.kind === 'select') columns = plan.query.columns.map((c) => c.meta);
    }
    const stmt = new EnginePreparedStatement(
      this.preparedHost,
      this.prepared.allocateId(),
      parsed.statement,
      parsed.paramCount,
      columns,
      name,
      sql,
    );
    this.prepared.add(stmt);
    status.preparedStatements++;
    return stmt;
  }

  private readonly preparedHost: PreparedHost = {
    executePrepared: (stmt, params) =>
      this.performNow('Execute', stmt.text, (warnings) => {
        this.extras.countCommand('stmt_execute');
        return this.dispatchNow(stmt.statement, warnings, PlanParams.fromSeam(params), stmt.plans);
      }),
    release: (stmt, explicit) => {
      if (this.prepared.remove(stmt)) this.core.services.status.preparedStatements--;
      if (explicit && stmt.name === null) this.extras.countCommand('stmt_close');
    },
  };

  /** Closes every prepared statement of the session (close, reset, change user). */
  private releasePrepared(): void {
    for (const stmt of this.prepared.all()) stmt.discard();
  }

  /** SQL-level PREPARE / EXECUTE / DEALLOCATE PREPARE, for session-admin.ts. */
  private sqlPrepared(warnings: StatementWarnings): SqlPreparedHost {
    return {
      prepare: (name, text) => {
        this.prepared.named(name)?.discard();
        this.prepareStatement(text, name);
      },
      execute: async (name, params) => {
        const stmt = this.prepared.named(name);
        if (stmt === undefined) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', [name, 'EXECUTE']);
        if (params.count !== stmt.paramCount) {
          throw new SqlError('ER_WRONG_ARGUMENTS', ['EXECUTE']);
        }
        return this.dispatch(stmt.statement, warnings, params, stmt.plans);
      },
      deallocate: (name) => {
        const stmt = this.prepared.named(name);
        if (stmt === undefined) {
          throw new SqlError('ER_UNKNOWN_STMT_HANDLER', [name, 'DEALLOCATE PREPARE']);
        }
        stmt.close();
      },
    };
  }

  async fieldList(table: string, wildcard: string): Promise<readonly FieldListColumn[]> {
    return this.perform('Query', `COM_FIELD_LIST ${table}`, async () => {
      await this.core.readOnly?.caughtUp(); // a read engine's catalog as of its newest VDL
      if (this.database === null) throw new SqlError('ER_NO_DB_ERROR');
      return fieldList(this.core.catalog, this.database, table, wildcard);
    });
  }

  /**
   * COM_RESET_CONNECTION: the open transaction rolled back, variables back to the global values,
   * user variables and prepared statements gone, diagnostics cleared; user and database stay.
   */
  async reset(): Promise<void> {
    this.txn.close();
    this.releasePrepared();
    this.extras.reset(this.init);
    this.warnings = [];
    this.warningCount = 0;
  }

  /** COM_CHANGE_USER (the server has authenticated `user`): reset, then become `user`. */
  async changeUser(user: string, host: string, database: string | null): Promise<void> {
    await this.reset();
    this.init = { ...this.init, user, host };
    this.privileges.login = { user, host };
    this.privileges.account = matchedAccount(this.core.services.accounts, user, host);
    this.process.user = user;
    this.process.host = host;
    this.database = null;
    if (database !== null) await this.useDatabase(database);
  }

  systemVariable(name: string): SqlValue | undefined {
    let value;
    try {
      value = this.extras.variables.read(name, null);
    } catch (e) {
      if (e instanceof SqlError) return undefined;
      throw e;
    }
    return typeof value === 'object' && value !== null ? value.toString() : value;
  }

  /** MovableSession (api.ts): where this statement may run (route.ts). */
  route(text: string | Buffer): StatementRoute {
    const sql =
      typeof text === 'string'
        ? text
        : decodeStatement(text, this.extras.charset('character_set_client'));
    const cached = this.core.services.planCache.lookup(sql);
    this.routed = { text, sql, cached }; // execute(text) next takes them (issue 8: one lookup)
    let route: StatementRoute;
    if (cached !== undefined) route = routeOf(cached.statement);
    else {
      try {
        route = routeOf(parseStatement(sql).statement); // a prepared text has its `?`
      } catch (e) {
        if (e instanceof SqlError) return 'read'; // the syntax error is reported where it runs
        throw e;
      }
    }
    // In information_schema, unqualified names are its tables: the writer's view (route.ts).
    return route === 'read' && this.database === SCHEMA_NAME ? 'write' : route;
  }

  /** MovableSession (api.ts): what ROW_COUNT(), SHOW WARNINGS, … would read now. */
  diagnostics(): StatementDiagnostics {
    const { rowCount, foundRows } = this.counts;
    return { rowCount, foundRows, warnings: this.warnings, warningCount: this.warningCount };
  }

  /** MovableSession (api.ts): the previous statement ran in another session. */
  adoptDiagnostics(d: StatementDiagnostics): void {
    this.counts.rowCount = d.rowCount;
    this.counts.foundRows = d.foundRows;
    this.warnings = d.warnings;
    this.warningCount = d.warningCount;
  }

  /** MovableSession (api.ts): the open transaction leaves this session (ST4). */
  moveTransaction(): MovingTransaction | undefined {
    return this.txn.moveOut();
  }

  /** MovableSession: a transaction that read on a read engine goes on here (ST4). */
  async adoptTransaction(moved: MovedTransaction): Promise<void> {
    if (this.closed) throw new SqlError('ER_UNKNOWN_ERROR', ['session closed']);
    if (this.core.closing) throw new SqlError('ER_SERVER_SHUTDOWN');
    if (moved.readPoint !== null && this.core.schemaChangedAfter?.(moved.readPoint as Lsn)) {
      throw new SqlError('ER_TABLE_DEF_CHANGED');
    }
    this.txn.adopt(moved);
  }

  async useDatabase(name: string): Promise<void> {
    await this.core.readOnly?.caughtUp(); // a read engine's catalog as of its newest VDL
    const release = await this.core.latch.shared();
    try {
      this.privileges.requireAnyOnDatabase(name);
      this.database = databaseToUse(this.core.catalog, name);
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    this.releasePrepared();
    if (!this.closed) {
      this.core.services.status.sessionClosed();
      this.core.services.processes.remove(this.init.connectionId);
    }
    this.closed = true;
    this.txn.close();
  }

  async execute(text: string | Buffer): Promise<Result> {
    const routed = this.routed;
    this.routed = undefined;
    const known = routed?.text === text ? routed : undefined;
    const sql =
      known?.sql ??
      (typeof text === 'string'
        ? text
        : decodeStatement(text, this.extras.charset('character_set_client')));
    return this.perform('Query', sql, (warnings) => {
      // Statements differing only in literals share a parse and plans (sql/plan-cache.ts).
      const cached = known === undefined ? this.core.services.planCache.lookup(sql) : known.cached;
      if (cached === undefined) return this.dispatchNow(parse(sql), warnings, NO_PARAMS, undefined);
      const params = PlanParams.fromLiterals(cached.literals);
      return this.dispatchNow(cached.statement, warnings, params, cached.plans);
    });
  }

  /** COM_STMT_PREPARE: parses once; see prepared.ts. */
  async prepare(text: string | Buffer): Promise<PreparedStatement> {
    const sql =
      typeof text === 'string'
        ? text
        : decodeStatement(text, this.extras.charset('character_set_client'));
    return this.perform('Query', sql, async () => {
      this.extras.countCommand('stmt_prepare');
      return this.prepareStatement(sql, null);
    });
  }

  /**
   * Runs one statement (or prepare) with the session's diagnostics discipline, showing it in the
   * process list as `command` with `info` while it runs, and counting it as slow past
   * long_query_time.
   */
  private perform<T>(
    command: 'Query' | 'Execute',
    info: string,
    run: (warnings: StatementWarnings) => T | Promise<T>,
  ): Promise<T> {
    const result = this.performNow(command, info, run);
    return result instanceof Promise ? result : Promise.resolve(result);
  }

  /**
   * perform(), with the result at once, not in a promise, when `run` gives it at once (issue 8:
   * a cached point select); a failure is still a rejected promise, never a throw.
   */
  private performNow<T>(
    command: 'Query' | 'Execute',
    info: string,
    run: (warnings: StatementWarnings) => T | Promise<T>,
  ): T | Promise<T> {
    if (this.closed) return Promise.reject(new SqlError('ER_UNKNOWN_ERROR', ['session closed']));
    if (this.core.closing) return Promise.reject(new SqlError('ER_SERVER_SHUTDOWN'));
    if (this.extras.interrupt.connectionKilled) {
      return Promise.reject(new SqlError('ER_QUERY_INTERRUPTED'));
    }
    const { processes, status } = this.core.services;
    const warnings = new StatementWarnings();
    this.diagnosticShown = false;
    processes.begin(this.process, command, info);
    status.threadsRunning++;
    let result: T | Promise<T>;
    try {
      result = run(warnings);
    } catch (e) {
      this.performFailed(e, warnings);
      return Promise.reject(e);
    }
    if (!(result instanceof Promise)) {
      this.performEnded();
      return result;
    }
    return result.then(
      (value) => {
        this.performEnded();
        return value;
      },
      (e: unknown) => {
        this.performFailed(e, warnings);
        throw e;
      },
    );
  }

  /** perform(): a statement failed (its diagnostics kept, others logged); then it ended. */
  private performFailed(e: unknown, warnings: StatementWarnings): void {
    if (e instanceof SqlError) {
      this.warnings = [...warnings.list, { level: 'Error', code: e.errno, message: e.message }];
      this.warningCount = warnings.count();
    } else {
      this.log.error({ err: e }, 'statement failed');
    }
    this.performEnded();
  }

  /** perform(): the statement ended, however it did. */
  private performEnded(): void {
    const { processes, status, clock } = this.core.services;
    status.threadsRunning--;
    this.core.noteSchema?.();
    if (this.setVariables) {
      this.setVariables = false;
      this.core.noteGlobals?.();
    }
    const seconds = (clock.now() - this.process.since) / 1000;
    if (seconds > this.extras.longQuerySeconds()) {
      status.count(this.extras.counters, 'Slow_queries');
    }
    processes.begin(this.process, 'Sleep', null);
  }

  /**
   * Runs one parsed statement with its parameters; `plans` keeps its plans for reuse (a prepared
   * statement's, or the plan cache's). The parameters stay current until the next statement: the
   * server consumes a result's rows before it sends another (api.ts).
   */
  private dispatch(
    statement: Statement,
    warnings: StatementWarnings,
    params: PlanParams,
    plans: PlanStore | undefined,
  ): Promise<Result> {
    try {
      const result = this.dispatchNow(statement, warnings, params, plans);
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** dispatch(), answering at once where the statement can (issue 8); a failure may throw. */
  private dispatchNow(
    statement: Statement,
    warnings: StatementWarnings,
    params: PlanParams,
    plans: PlanStore | undefined,
  ): Result | Promise<Result> {
    const readOnly = this.core.readOnly;
    readOnly?.catchUp();
    if (readOnly?.settling !== undefined) {
      // RO2 (read-only.ts): the catalog is reloading for a newer read point.
      return readOnly.settling.then(() => this.dispatchNow(statement, warnings, params, plans));
    }
    readOnly?.check(statement, this.txn.readViewLsn);
    if (statement.kind === 'set-variables' || statement.kind === 'set-transaction') {
      this.setVariables = true; // perform() tells the engine (noteGlobals)
    }
    this.current = { params, plans, values: params.values.map((v) => v ?? null) };
    warnings.params = this.current.values;
    this.extras.startStatement(statement.kind);
    authorize(statement, this.privileges, this.database);
    // Issue 8 (cost): DML and transaction statements are none of the session-level kinds; they
    // skip the hosts dispatchSession's checks build (and one async step). Nor is a SELECT from
    // tables (neither an account nor a metadata statement: those are other kinds).
    if (STATEMENT_DML.has(statement.kind)) return this.dmlStatement(statement, warnings);
    if (STATEMENT_TXN.has(statement.kind)) {
      return this.txnStatement(statement as TxnStatement, warnings);
    }
    if (
      (statement.kind === 'select' || statement.kind === 'set-operation') &&
      queryTables(statement).length > 0
    ) {
      return this.tableSelect(statement, warnings);
    }
    return this.dispatchSession(statement, warnings);
  }

  /** A SELECT from tables, its diagnostics kept (select() counts it); at once when it can be. */
  private tableSelect(
    statement: Statement & { kind: 'select' | 'set-operation' },
    warnings: StatementWarnings,
  ): Result | Promise<Result> {
    checkTableLocks(statement, this.tableLocks, this.database);
    return andThen(this.select(statement, warnings), (result) =>
      this.keepWarnings(result, warnings),
    );
  }

  /** The statement's warnings become the session's (SHOW WARNINGS); its result passes. */
  private keepWarnings(result: Result, warnings: StatementWarnings): Result {
    this.warnings = warnings.list;
    this.warningCount = warnings.count();
    return result;
  }

  /**
   * INSERT, UPDATE and DELETE, in a small function of their own (issue 8: apart from
   * dispatchTable's many locals; at once when the statement waited for nothing).
   */
  private dmlStatement(statement: Statement, warnings: StatementWarnings): Soon<Result> {
    checkTableLocks(statement, this.tableLocks, this.database);
    return andThen(this.dml(statement, warnings), (outcome) =>
      this.counted(this.keepWarnings(okResult(this.inserted(outcome)), warnings)),
    );
  }

  /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT …, likewise; at once unless a commit waits. */
  private txnStatement(statement: TxnStatement, warnings: StatementWarnings): Soon<Result> {
    checkTableLocks(statement, this.tableLocks, this.database);
    if (statement.kind === 'begin') this.tableLocks.unlock(); // START TRANSACTION unlocks
    return andThen(this.txn.control(statement), () =>
      this.counted(
        this.keepWarnings(
          okResult({ affectedRows: 0, matchedRows: 0, info: '', changes: [] }),
          warnings,
        ),
      ),
    );
  }

  /** dispatch()'s statements that may be session-level ones (accounts, SET, SHOW, …). */
  private async dispatchSession(
    statement: Statement,
    warnings: StatementWarnings,
  ): Promise<Result> {
    if (isAccountStatement(statement)) {
      this.process.info = ACCOUNT_STATEMENT_INFO[statement.kind];
      return this.keepWarnings(await this.accountStatement(statement, warnings), warnings);
    }
    if (isMetadataStatement(statement)) {
      // SHOW COLUMNS / INDEX / CREATE …, DESCRIBE (issue 6): rows made from the catalog.
      const shown = runMetadataStatement(statement, this.metadataHost(warnings));
      return this.keepWarnings(shown, warnings);
    }
    const admin = await runAdminStatement(statement, this.adminHost(warnings));
    if (admin !== undefined) {
      // SHOW WARNINGS and its kin report the previous statement's diagnostics and keep them.
      if (statement.kind !== 'show-diagnostics') {
        this.warnings = warnings.list;
        this.warningCount = warnings.count();
      } else {
        this.diagnosticShown = true;
      }
      return admin;
    }
    if (statement.kind === 'show-warnings') {
      // SHOW WARNINGS reports the previous statement's warnings and keeps them.
      this.diagnosticShown = true;
      const shown = showWarnings(this.warnings);
      return rowsResult(shown.columns, [shown.rows]);
    }
    if (isRoutineStatement(statement)) {
      // CREATE / DROP PROCEDURE, FUNCTION, TRIGGER and CALL (session-routines.ts, issue 6).
      const result = await runRoutineStatement(statement, this.routineHost(warnings));
      return this.counted(this.keepWarnings(result, warnings));
    }
    const schema = await runSessionSchemaStatement(statement, this.schemaHost(warnings));
    if (schema !== undefined) return this.keepWarnings(schema, warnings);
    return await this.dispatchTable(statement, warnings);
  }

  /** dispatch()'s statements past the session-level kinds (DML and transactions aside). */
  private async dispatchTable(statement: Statement, warnings: StatementWarnings): Promise<Result> {
    checkTableLocks(statement, this.tableLocks, this.database);
    let result: Result;
    if (statement.kind === 'explain') {
      result = await this.explain(statement, warnings);
    } else if (statement.kind === 'analyze-table' || statement.kind === 'check-table') {
      result = await this.maintainTables(statement);
    } else if (statement.kind === 'create-table' && statement.select !== undefined) {
      result = await this.createTableSelect(statement, warnings);
    } else if (statement.kind === 'load-data') {
      result = this.loadData(statement, warnings);
    } else if (STATEMENT_WRITES.has(statement.kind)) {
      result = await this.write(statement, warnings);
    } else {
      result = await this.read(statement, warnings);
    }
    return this.counted(this.keepWarnings(result, warnings));
  }

  /**
   * ANALYZE TABLE and CHECK TABLE: each table read at one snapshot (analyze.ts, check-table.ts),
   * after committing an open transaction, as MySQL's table maintenance statements do.
   */
  private async maintainTables(
    statement: Statement & { kind: 'analyze-table' | 'check-table' },
  ): Promise<Result> {
    await this.txn.implicitCommit();
    const tables = statement.tables.map((t) => {
      const database = t.database ?? this.database;
      if (database === null) throw new SqlError('ER_NO_DB_ERROR');
      return { database, name: t.name };
    });
    const maintain = statement.kind === 'analyze-table' ? analyzeTables : checkTables;
    const rows = await this.txn.run(false, (access) =>
      maintain(this.core.catalog, tables, access),
    );
    return rowsResult(ANALYZE_COLUMNS, [rows]);
  }

  /**
   * LOAD DATA LOCAL INFILE (6c): checked now (local_infile, the table), then the server fetches
   * the file from the client (api.ts 'local-infile') and `load` inserts its rows in one write.
   */
  private loadData(
    statement: Statement & { kind: 'load-data' },
    warnings: StatementWarnings,
  ): Result {
    if (!statement.local) throw new SqlError('ER_NOT_SUPPORTED_YET', ['LOAD DATA without LOCAL']);
    if (this.extras.variables.get('local_infile') !== 1n) {
      throw new SqlError('ER_CLIENT_LOCAL_FILES_DISABLED');
    }
    const planContext = {
      catalog: this.core.catalog,
      database: this.database,
      variables: this.extras.bindVariables(),
    };
    insertTarget(statement.table, planContext); // 1146 before the file is asked for
    const load = async (content: Buffer): Promise<Result> => {
      try {
        const outcome = await this.txn.run(true, (rows) =>
          runLoad(statement, content, this.context(warnings, rows), planContext),
        );
        if (outcome.generatedId !== undefined) this.txn.lastInsertId = outcome.generatedId;
        return this.keepWarnings(okResult(outcome), warnings);
      } catch (e) {
        if (e instanceof SqlError) {
          this.warnings = [...warnings.list, { level: 'Error', code: e.errno, message: e.message }];
          this.warningCount = warnings.count();
        }
        throw e;
      }
    };
    return { kind: 'local-infile', filename: statement.filename, load };
  }

  /** ROW_COUNT() and FOUND_ROWS() read the previous statement's counts (issue 6b). */
  private readonly counts = { rowCount: -1n, foundRows: 0n };

  /** Records a statement's counts once it is done: at once for OK, when its rows are read. */
  private counted(result: Result): Result {
    if (result.kind === 'ok') {
      this.counts.rowCount = BigInt(result.affectedRows);
      return result;
    }
    if (result.kind === 'local-infile') {
      return { ...result, load: async (content) => this.counted(await result.load(content)) };
    }
    if (result.kind === 'multi') {
      this.counts.rowCount = BigInt(result.final.affectedRows);
      return result;
    }
    const counts = this.counts;
    const rows = result.rows;
    async function* counting(): AsyncGenerator<readonly Row[]> {
      let n = 0n;
      try {
        for await (const batch of rows) {
          n += BigInt(batch.length);
          yield batch;
        }
      } finally {
        counts.rowCount = -1n;
        counts.foundRows = n;
      }
    }
    return { ...result, rows: counting() };
  }

  /** The last facts() made and what they were made from (issue 8: reused while those hold). */
  private factsMade: {
    readonly database: string | null;
    readonly init: SessionInit;
    readonly account: Identity | null;
    readonly facts: SessionFacts;
  } | null = null;

  private facts(): SessionFacts {
    const account = this.privileges.account;
    const made = this.factsMade;
    if (
      made !== null &&
      made.database === this.database &&
      made.init === this.init &&
      made.account === account
    ) {
      return made.facts;
    }
    const facts: SessionFacts = {
      database: this.database,
      user: this.init.user,
      host: this.init.host,
      connectionId: this.init.connectionId,
      account:
        account === null
          ? `${this.init.user}@${this.init.host}`
          : `${account.user}@${account.host}`,
    };
    this.factsMade = { database: this.database, init: this.init, account, facts };
    return facts;
  }

  private evalContext(warnings: Warnings): EvalContext {
    return {
      warnings,
      session: this.facts(),
      now: this.extras.now(),
      storing: false,
      variables: this.extras.evalVariables(),
      interrupt: this.extras.interrupt,
      sqlMode: this.extras.sqlMode(),
      timeZone: this.extras.timeZone(),
      counts: this.counts,
      params: warnings instanceof StatementWarnings ? warnings.params : this.current.values,
      lastInsertId: this.lastInsertId,
    };
  }

  /** LAST_INSERT_ID(): the transaction layer keeps it (issue 5). */
  private readonly lastInsertId = {
    get: (): bigint => this.txn.lastInsertId,
    set: (value: bigint): void => {
      this.txn.lastInsertId = value;
    },
  };

  /** What SHOW COLUMNS, SHOW CREATE TABLE and the like read (sql/metadata-statements.ts). */
  private metadataHost(warnings: StatementWarnings): MetadataHost {
    return schemaMetadataHost({
      catalog: this.core.catalog,
      database: this.database,
      evalContext: () => this.evalContext(warnings),
      bindVariables: () => this.extras.bindVariables(),
      params: this.current.params,
      variable: (name) => String(this.extras.variables.get(name) ?? ''),
      mayShowDatabase: (db) =>
        this.privileges.hasGlobal('SHOW DATABASES') || this.privileges.hasAnyOnDatabase(db),
    });
  }

  private adminHost(warnings: StatementWarnings): AdminHost {
    return {
      extras: this.extras,
      services: this.core.services,
      database: this.database,
      warnings,
      previous: this.warnings,
      previousCount: this.warningCount,
      params: this.current.params,
      evalContext: () => this.evalContext(warnings),
      prepared: this.sqlPrepared(warnings),
      connectionId: this.init.connectionId,
      user: this.init.user,
      mayKillAny: () => this.privileges.hasAnyGlobal('SUPER', 'CONNECTION_ADMIN'),
      maySeeAllProcesses: () => this.privileges.hasGlobal('PROCESS'),
      requireGlobalPrivilege: () =>
        this.privileges.requireGlobal('SUPER', 'SYSTEM_VARIABLES_ADMIN'),
    };
  }

  private infoFactsMade: InfoSchemaFacts | undefined;

  /** What information_schema's rows are made from, but the statement's read view. */
  private infoFacts(): InfoSchemaFacts {
    this.infoFactsMade ??= {
      catalog: this.core.catalog,
      storage: this.core.storage,
      mayShowDatabase: (db) =>
        this.privileges.hasGlobal('SHOW DATABASES') || this.privileges.hasAnyOnDatabase(db),
      processes: () => {
        const all = this.privileges.hasGlobal('PROCESS');
        return this.core.services.processes.rows(true, (e) => all || e.user === this.init.user);
      },
      timeZone: () => String(this.extras.variables.get('time_zone')),
    };
    return this.infoFactsMade;
  }

  private context(warnings: Warnings, rows: TxnRows): ExecContext {
    const autoIncrement = {
      increment: this.txn.autoIncrementIncrement,
      offset: this.txn.autoIncrementOffset,
    };
    return new StatementContext(
      this.core.catalog,
      this.evalContext(warnings),
      rows,
      autoIncrement,
      this.infoFacts(),
      this.core.catalog.programs.anyTriggers() ? this.triggerHost() : undefined,
    );
  }

  /** What a statement's triggers run with (sql/triggers.ts). */
  private triggerHost(): TriggerHost {
    return {
      plan: (statement, database) =>
        planStatement(statement, {
          catalog: this.core.catalog,
          database,
          variables: this.extras.bindVariables(),
          params: NO_PARAMS,
        }),
      dml: async (plan, ctx) => runDml(plan, ctx),
      active: new Set(),
    };
  }

  /** What CREATE / DROP of stored programs and CALL run with (session-routines.ts). */
  private routineHost(warnings: StatementWarnings): RoutineSessionHost {
    const account = this.privileges.account ?? { user: this.init.user, host: this.init.host };
    const text = (name: string): string => String(this.extras.variables.get(name) ?? '');
    return {
      catalog: this.core.catalog,
      database: this.database,
      definer: { user: account.user, host: account.host },
      warnings,
      strict: this.extras.sqlMode().strict,
      timeZone: text('time_zone'),
      sqlMode: text('sql_mode'),
      charsetClient: text('character_set_client'),
      collationConnection: text('collation_connection'),
      now: this.core.services.clock.wallNow(),
      writePrograms: (work) => this.writePrograms(work),
      dispatch: (statement) => this.dispatch(statement, warnings, NO_PARAMS, undefined),
      query: (statement) => this.queryValues(statement, warnings),
      setUser: (name, value, type) => this.extras.evalVariables().setUser(name, value, type),
      withDatabase: async (database, run) => {
        const saved = this.database;
        this.database = database;
        try {
          await run();
        } finally {
          this.database = saved; // C3
        }
      },
    };
  }

  /** A query's engine values (a stored program's expressions and SELECT … INTO). */
  private async queryValues(
    statement: Statement,
    warnings: StatementWarnings,
  ): Promise<QueryValues> {
    this.current = { ...this.current, plans: undefined };
    const plan = this.plan(statement);
    if (plan.kind !== 'select') throw new Error(`queryValues: unexpected plan ${plan.kind}`);
    await this.sleeps(plan, warnings);
    const collect = async (access: TxnRows): Promise<EngineValue[][]> => {
      const rows: EngineValue[][] = [];
      for await (const b of runQuery(plan.query, this.context(warnings, access), CONSISTENT)) {
        for (const r of b) rows.push([...r]);
      }
      return rows;
    };
    const rows =
      queryTables(statement).length > 0
        ? await this.txn.run(false, collect)
        : await collect(NO_ROWS);
    return { types: plan.query.columns.map((c) => c.info.type), rows };
  }

  /** Stored program changes in one mini-transaction, as DDL (implicit commit first). */
  private async writePrograms(
    work: (mtr: Mtr) => Promise<readonly ProgramChange[]>,
  ): Promise<void> {
    const { trees, catalog } = this.core;
    this.txn.checkWritable();
    await this.txn.implicitCommit();
    let durable: Promise<void>;
    const release = await this.extras.interrupt.acquire(this.core.latch.exclusive());
    try {
      const mtr = await trees.begin();
      let changes: readonly ProgramChange[];
      try {
        changes = await work(mtr);
      } catch (e) {
        trees.rollback(mtr);
        throw e;
      }
      durable = trees.commit(mtr);
      for (const change of changes) catalog.programs.apply(change);
    } finally {
      release();
    }
    await this.extras.interrupt.race(durable);
  }

  private ddlContext(warnings: Warnings): DdlContext {
    return {
      trees: this.core.trees,
      catalog: this.core.catalog,
      eval: this.evalContext(warnings),
      wallNow: this.core.services.clock.wallNow(),
    };
  }

  /**
   * CREATE TABLE … SELECT (6c): the table, then its rows as INSERT … SELECT, committed; if the
   * rows fail, the table is dropped again (MySQL 8's atomic CREATE TABLE … SELECT).
   */
  private async createTableSelect(
    statement: Statement & { kind: 'create-table' },
    warnings: StatementWarnings,
  ): Promise<Result> {
    const plan = this.plan(statement);
    const database = statement.table.database ?? this.database;
    const existed =
      database !== null && this.core.catalog.hasTableOrView(database, statement.table.name);
    const created = await this.write(statement, warnings);
    if (existed || plan.kind !== 'create-table' || plan.select === undefined) return created;
    try {
      const outcome = await this.dml(selectInsert(statement, plan.select), warnings);
      const inserted = okResult(this.inserted(outcome));
      await this.txn.implicitCommit();
      return inserted;
    } catch (e) {
      this.txn.close();
      const drop: Statement = { kind: 'drop-table', tables: [statement.table], ifExists: true };
      await this.write(drop, new StatementWarnings());
      throw e;
    }
  }

  /** LOCK / UNLOCK TABLES and DROP PROCEDURE & co (session-schema.ts). */
  private schemaHost(warnings: Warnings): SessionSchemaHost {
    return {
      catalog: this.core.catalog,
      database: this.database,
      warnings,
      locks: this.tableLocks,
      implicitCommit: async () => {
        this.txn.checkWritable();
        await this.txn.implicitCommit();
      },
    };
  }

  /**
   * A SELECT from a table. A consistent read streams its rows from the transaction's snapshot;
   * a locking read (FOR UPDATE / FOR SHARE, or any SELECT under SERIALIZABLE) collects them under
   * their locks first, so lock waits and their errors come before the result set.
   */
  private select(
    statement: Statement & { kind: 'select' | 'set-operation' },
    warnings: StatementWarnings,
  ): Result | Promise<Result> {
    const plan = this.plan(statement);
    if (plan.kind !== 'select') throw new Error(`select: unexpected plan ${plan.kind}`);
    if (sleepCallsOf(plan).length === 0) return this.selectPlan(plan, warnings);
    return this.sleeps(plan, warnings).then(() => this.selectPlan(plan, warnings));
  }

  /** select() once its SLEEP() calls have slept: at once for a cached point select (issue 8). */
  private selectPlan(
    plan: Plan & { kind: 'select' },
    warnings: StatementWarnings,
  ): Result | Promise<Result> {
    const columns = plan.query.columns.map((c) => c.meta);
    const locking = this.txn.plainLocking();
    const consistent = locking.mode === 'none' && !planLocks(plan.query);
    const point = consistent ? pointSelectOf(plan.query) : null;
    if (point !== null) {
      // Issue 8: a consistent read by whole primary keys, collected (sql/point-select.ts).
      const catalog = this.core.catalog;
      const running = this.txn.runNow(false, (access) =>
        runPointSelect(point, { catalog, eval: this.evalContext(warnings), rows: access }),
      );
      return andThen(running, (rows) => this.pointResult(columns, rows));
    }
    return this.selectRows(plan, columns, warnings, locking, consistent);
  }

  /** A point select's result, counted. */
  private pointResult(columns: readonly ColumnInfo[], rows: Row[]): Result {
    this.counts.rowCount = -1n;
    this.counts.foundRows = BigInt(rows.length);
    return { kind: 'rows', columns, rows: collectedRows(rows), collected: rows };
  }

  /** selectPlan() for every plan but a point select. */
  private async selectRows(
    plan: Plan & { kind: 'select' },
    columns: readonly ColumnInfo[],
    warnings: StatementWarnings,
    locking: Locking,
    consistent: boolean,
  ): Promise<Result> {
    if (consistent) {
      const rows = this.txn.stream((access) =>
        runSelect(plan, this.context(warnings, access), locking),
      );
      return { kind: 'rows', columns, rows: this.live(rows, warnings) }; // live() counts
    }
    const batches = await this.txn.run(false, async (access) => {
      const all: Row[][] = [];
      for await (const b of runSelect(plan, this.context(warnings, access), locking)) all.push(b);
      return all;
    });
    return this.counted(rowsResult(columns, batches));
  }

  /** SLEEP() calls of a statement, waited for before it runs (functions/info.ts, issue 6b). */
  private async sleeps(plan: Plan, warnings: Warnings): Promise<void> {
    if (sleepCallsOf(plan).length === 0) return;
    const { clock } = this.core.services;
    const interrupt = this.extras.interrupt;
    await performSleeps(
      plan,
      this.evalContext(warnings),
      (ms) => (clock.sleep === undefined ? Promise.resolve() : clock.sleep(ms)),
      (work) => interrupt.race(work),
    );
  }

  /**
   * Rows of a streamed result, keeping the session's warnings current as they are produced, and
   * its counts once they are all read (what counted() does, in the same generator: issue 8).
   */
  private async *live(
    rows: AsyncGenerator<Row[]>,
    warnings: StatementWarnings,
  ): AsyncGenerator<readonly Row[]> {
    let n = 0n;
    try {
      for await (const batch of rows) {
        n += BigInt(batch.length);
        this.warnings = warnings.list;
        this.warningCount = warnings.count();
        yield batch;
      }
    } finally {
      this.warnings = warnings.list;
      this.warningCount = warnings.count();
      this.counts.rowCount = -1n;
      this.counts.foundRows = n;
    }
  }

  /** EXPLAIN: the plan as MySQL's EXPLAIN rows (their row counts read the snapshot). */
  private async explain(
    statement: Statement & { kind: 'explain' },
    warnings: StatementWarnings,
  ): Promise<Result> {
    const plan = this.plan(statement);
    if (plan.kind !== 'explain') throw new Error(`explain: unexpected plan ${plan.kind}`);
    if (statement.format === 'tree') {
      // Issue 6a: FORMAT=TREE, one row with the plan's iterator tree (explain-tree.ts).
      if (plan.plan.kind !== 'select') {
        throw new SqlError('ER_NOT_SUPPORTED_YET', [`EXPLAIN FORMAT=TREE of ${plan.plan.kind}`]);
      }
      return rowsResult(EXPLAIN_TREE_COLUMNS, [[[explainTree(plan.plan.query)]]]);
    }
    const inner = statement.statement;
    const from = inner.kind === 'select' ? inner.from : null;
    const alias =
      from !== null && 'alias' in from
        ? from.alias
        : inner.kind === 'update' || inner.kind === 'delete'
          ? inner.table.alias
          : null;
    const rows = await this.txn.run(false, (access) =>
      explainRows(plan.plan, this.context(warnings, access), alias),
    );
    return rowsResult(EXPLAIN_COLUMNS, [rows]);
  }

  /**
   * INSERT, UPDATE, DELETE: into the session's transaction's write set; at once when nothing
   * has to wait (issue 8: no promise). A failure may throw (dispatchNow's callers catch both).
   */
  private dml(statement: Statement, warnings: Warnings): Soon<WriteOutcome> {
    const plan = this.plan(statement);
    return this.txn.runNow(true, (rows) => runDml(plan, this.context(warnings, rows)));
  }

  /** A DML outcome's generated id becomes LAST_INSERT_ID(). */
  private inserted(outcome: WriteOutcome): WriteOutcome {
    if (outcome.generatedId !== undefined) this.txn.lastInsertId = outcome.generatedId;
    return outcome;
  }

  private plan(statement: Statement): Plan {
    const { params, plans } = this.current;
    const version = this.core.catalog.version;
    const cached = plans?.find(params, version, this.database);
    if (cached !== undefined) return cached;
    const plan = planStatement(statement, {
      catalog: this.core.catalog,
      database: this.database,
      variables: this.extras.bindVariables(),
      params,
    });
    plans?.remember(plan, params, version, this.database);
    return plan;
  }

  private async read(statement: Statement, warnings: Warnings): Promise<Result> {
    const { catalog } = this.core;
    const release = await this.core.latch.shared();
    try {
      const plan = this.plan(statement);
      switch (plan.kind) {
        case 'select': {
          // Without a table: no transaction, no snapshot.
          await this.sleeps(plan, warnings);
          const batches: Row[][] = [];
          for await (const b of runSelect(plan, this.context(warnings, NO_ROWS), CONSISTENT)) {
            batches.push(b);
          }
          return rowsResult(
            plan.query.columns.map((c) => c.meta),
            batches,
          );
        }
        case 'show-databases': {
          const shown = showDatabases(
            catalog,
            plan.like,
            (db) =>
              this.privileges.hasGlobal('SHOW DATABASES') || this.privileges.hasAnyOnDatabase(db),
          );
          return rowsResult(shown.columns, [shown.rows]);
        }
        case 'show-tables': {
          const shown = showTables(catalog, plan.database, plan.like);
          return rowsResult(shown.columns, [shown.rows]);
        }
        case 'use':
          this.database = databaseToUse(catalog, plan.database);
          return okResult({ affectedRows: 0, matchedRows: 0, info: '', changes: [] });
        default:
          throw new Error(`read: unexpected plan ${plan.kind}`);
      }
    } finally {
      release();
    }
  }

  private async write(statement: Statement, warnings: Warnings): Promise<Result> {
    const { trees, catalog } = this.core;
    let durable: Promise<void>;
    let outcome: WriteOutcome;
    this.txn.checkWritable();
    await this.txn.implicitCommit();
    // DDL waits for the transactions using its tables to end (txn/mdl.ts).
    const token = mdlOwner();
    const releaseMdl = await this.extras.interrupt.race(
      this.core.transactions.mdl.exclusive(token, this.ddlTables(statement), this.lockWaitMs()),
    ).catch((e: unknown) => {
      this.core.transactions.mdl.cancel(token, new SqlError('ER_QUERY_INTERRUPTED'));
      throw e;
    });
    let release: () => void;
    try {
      release = await this.extras.interrupt.acquire(this.core.latch.exclusive());
    } catch (e) {
      releaseMdl();
      throw e;
    }
    try {
      const plan = this.plan(statement);
      if (!isWrite(plan)) throw new Error(`write: unexpected plan ${plan.kind}`);
      const mtr: Mtr = await trees.begin();
      try {
        outcome = await runWrite(plan, this.ddlContext(warnings), mtr);
      } catch (e) {
        trees.rollback(mtr);
        throw e;
      }
      // commit() has shipped the redo when it returns: later statements may group with ours.
      durable = trees.commit(mtr);
      for (const change of outcome.changes) catalog.apply(change);
      if (plan.kind === 'drop-database' && plan.name === this.database) this.database = null;
    } finally {
      release();
      releaseMdl();
    }
    await this.extras.interrupt.race(durable);
    return okResult(outcome);
  }

  /** The table names a DDL statement changes (their metadata locks). */
  private ddlTables(statement: Statement): string[] {
    const name = (t: { database: string | null; name: string }): string[] => {
      const db = t.database ?? this.database;
      return db === null ? [] : [tableLockName(db, t.name)];
    };
    switch (statement.kind) {
      case 'create-table':
      case 'create-index':
      case 'drop-index':
        return name(statement.table);
      case 'drop-table':
        return statement.tables.flatMap(name);
      case 'drop-database':
        return this.core.catalog
          .tableNames(statement.name)
          .map((t) => tableLockName(statement.name, t));
      default:
        return [];
    }
  }

  /** lock_wait_timeout (metadata locks), in ms. */
  private lockWaitMs(): number {
    return this.txn.metadataLockWaitS * 1000;
  }
}

/**
 * A statement's ExecContext. Issue 8 (cost): its information_schema host is made when the
 * statement reads information_schema (a getter on the class, so making one costs no more than
 * a plain object).
 */
class StatementContext implements ExecContext {
  readonly eval: EvalContext;
  private infoMade: InfoSchemaHost | undefined;

  constructor(
    readonly catalog: Catalog,
    evalContext: EvalContext,
    readonly rows: TxnRows,
    readonly autoIncrement: { readonly increment: number; readonly offset: number },
    private readonly facts: InfoSchemaFacts,
    readonly triggers: TriggerHost | undefined,
  ) {
    this.eval = evalContext;
  }

  get info(): InfoSchemaHost {
    this.infoMade ??= infoSchemaHost(this.facts, this.rows);
    return this.infoMade;
  }
}

function okResult(outcome: WriteOutcome): Result {
  return {
    kind: 'ok',
    affectedRows: outcome.affectedRows,
    lastInsertId: outcome.insertId ?? 0n,
    matchedRows: outcome.matchedRows,
    info: outcome.info,
  };
}

function rowsResult(columns: readonly ColumnInfo[], batches: readonly (readonly Row[])[]): Result {
  return {
    kind: 'rows',
    columns,
    rows: (async function* () {
      for (const batch of batches) if (batch.length > 0) yield batch;
    })(),
  };
}

/**
 * Rows already collected, as a result's batches: one batch, no generator (issue 8). Iterable
 * once, as a generator is.
 */
function collectedRows(rows: readonly Row[]): AsyncIterable<readonly Row[]> {
  return new CollectedRows(rows);
}

/**
 * collectedRows' iterable, a class: an object literal with a computed key (the async-iterator
 * symbol) took V8's slow path on every point select (~3% of its CPU under perf).
 */
class CollectedRows implements AsyncIterable<readonly Row[]>, AsyncIterator<readonly Row[]> {
  #done: boolean;

  constructor(private readonly rows: readonly Row[]) {
    this.#done = rows.length === 0;
  }

  next(): Promise<IteratorResult<readonly Row[]>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    this.#done = true;
    return Promise.resolve({ done: false, value: this.rows });
  }

  return(): Promise<IteratorResult<readonly Row[]>> {
    this.#done = true;
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterator<readonly Row[]> {
    return this;
  }
}

/** Row access for statements that touch no table: a use of it is a bug. */
const NO_ROWS = new Proxy({} as TxnRows, {
  get(): never {
    throw new Error('a statement without a table read rows');
  },
});

/**
 * The database USE (or COM_INIT_DB) makes current: one of the catalog's, or information_schema
 * in any case (as MySQL, named in lower case); 1049 for any other.
 */
function databaseToUse(catalog: Catalog, name: string): string {
  if (isSystemSchema(name)) return SCHEMA_NAME;
  if (!catalog.hasDatabase(name)) throw new SqlError('ER_BAD_DB_ERROR', [name]);
  return name;
}
