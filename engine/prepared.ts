/**
 * Prepared statements: COM_STMT_PREPARE (Session.prepare → PreparedStatement) and SQL-level
 * PREPARE name FROM … / EXECUTE name USING @a, … / DEALLOCATE PREPARE name.
 *
 * A statement is parsed once, at prepare; its `?` become parameters. Each execution binds the
 * parameters and runs the statement through the session like any other, reusing a plan made for
 * parameters of the same types (sql/plan-store.ts). Any statement can be prepared (BEGIN, COMMIT,
 * DDL, SET …) except PREPARE, EXECUTE and DEALLOCATE themselves (ER_UNSUPPORTED_PS, 1295).
 *
 * Limits: max_prepared_stmt_count statements across all sessions (1461 past it); a session's
 * statements are released when it closes, resets or changes user.
 *
 * Invariant (PR1): the engine-wide count (GlobalStatus.preparedStatements) equals the number of
 * open prepared statements of open sessions.
 */
import type { ColumnInfo, PreparedStatement, Result, SqlValue } from './api.js';
import { SqlError } from './errors.js';
import type { Statement } from './sql/ast.js';
import { PlanStore } from './sql/plan-store.js';

/** Plans kept per prepared statement (one per distinct parameter typing). */
export const PREPARED_PLANS_MAX = 8;

export interface PreparedHost {
  /** A result at once, or a promise of it; a failure is a rejected promise, never a throw. */
  executePrepared(
    stmt: EnginePreparedStatement,
    params: readonly SqlValue[],
  ): Result | Promise<Result>;
  /** Forgets `stmt`; `explicit`: the client closed it (COM_STMT_CLOSE, DEALLOCATE PREPARE). */
  release(stmt: EnginePreparedStatement, explicit: boolean): void;
}

export class EnginePreparedStatement implements PreparedStatement {
  readonly plans = new PlanStore(PREPARED_PLANS_MAX);
  private closed = false;

  constructor(
    private readonly host: PreparedHost,
    readonly id: number,
    readonly statement: Statement,
    readonly paramCount: number,
    readonly columns: readonly ColumnInfo[],
    /** The SQL-level name (PREPARE name FROM …), or null for COM_STMT_PREPARE. */
    readonly name: string | null,
    /** The statement's text, as SHOW PROCESSLIST shows it while it runs. */
    readonly text: string,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  execute(params: readonly SqlValue[]): Result | Promise<Result> {
    // Not an async function (issue 8: one promise less per execution); errors still reject.
    if (this.closed) {
      return Promise.reject(
        new SqlError('ER_UNKNOWN_STMT_HANDLER', [String(this.id), 'mysqld_stmt_execute']),
      );
    }
    if (params.length !== this.paramCount) {
      return Promise.reject(new SqlError('ER_WRONG_ARGUMENTS', ['mysqld_stmt_execute']));
    }
    return this.host.executePrepared(this, params);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.release(this, true);
  }

  /** Closed by its session (closing, reset, change user, a PREPARE reusing its name). */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.release(this, false);
  }
}

const UNPREPARABLE: ReadonlySet<Statement['kind']> = new Set([
  'prepare-sql',
  'execute-sql',
  'deallocate-sql',
  // Issue 6 (6c): the file exchange happens inside COM_QUERY only; LOCK TABLES as in MySQL.
  'load-data',
  'lock-tables',
  'unlock-tables',
]);

export function checkPreparable(statement: Statement): void {
  if (UNPREPARABLE.has(statement.kind)) throw new SqlError('ER_UNSUPPORTED_PS');
}

/** A session's prepared statements, by protocol id and by SQL name. */
export class SessionPreparedStatements {
  private nextId = 1;
  private readonly byId = new Map<number, EnginePreparedStatement>();
  private readonly byName = new Map<string, EnginePreparedStatement>();

  allocateId(): number {
    return this.nextId++;
  }

  add(stmt: EnginePreparedStatement): void {
    this.byId.set(stmt.id, stmt);
    if (stmt.name !== null) this.byName.set(stmt.name.toLowerCase(), stmt);
  }

  /** Forgets `stmt`; true if it was here. */
  remove(stmt: EnginePreparedStatement): boolean {
    if (stmt.name !== null && this.byName.get(stmt.name.toLowerCase()) === stmt) {
      this.byName.delete(stmt.name.toLowerCase());
    }
    return this.byId.delete(stmt.id);
  }

  named(name: string): EnginePreparedStatement | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every open statement (to close them all). */
  all(): EnginePreparedStatement[] {
    return [...this.byId.values()];
  }

  get count(): number {
    return this.byId.size;
  }
}
