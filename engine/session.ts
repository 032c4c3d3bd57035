/**
 * A Session: one client connection's state (current database, the last statement's warnings) and
 * the statement execution discipline.
 *
 * Every statement is its own transaction (autocommit; transactions arrive with issue 5):
 *
 *   write (DDL, INSERT, UPDATE, DELETE)       read (SELECT, SHOW, USE)
 *   ───────────────────────────────────       ─────────────────────────
 *   take the engine latch exclusive           take the engine latch shared
 *   plan against the catalog                  plan against the catalog
 *   Trees.begin → apply → Trees.commit        produce every row into memory batches
 *     (commit ships the redo before it        release the latch
 *     returns); on error Trees.rollback       hand the batches to the server to stream
 *   apply catalog changes to the cache
 *   release the latch
 *   await durability (so commits group)
 *
 * Known limitations until MVCC snapshot reads (issue 5): a read holds the latch while it produces
 * its whole result, so a large SELECT delays writers and its rows sit in memory until the server
 * has sent them; and a read may see a write whose durability is still being awaited (there is no
 * read point at VDL yet). With snapshots, a read will stream from pages as of its read point.
 *
 * A failure to confirm durability reaches the client as the SqlError the Trees layer throws
 * (ER_ERROR_DURING_COMMIT: outcome unknown), never as an OK.
 */
import type { Logger } from 'pino';
import type {
  ColumnInfo,
  FieldListColumn,
  PreparedStatement,
  Result,
  Row,
  Session,
  SessionInit,
  SessionStatus,
  SqlValue,
} from './api.js';
import type { Mtr, Trees } from './btree/api.js';
import type { Catalog } from './catalog/catalog.js';
import { SqlError } from './errors.js';
import type { Latch } from './latch.js';
import type { Statement } from './sql/ast.js';
import { localNow } from './sql/datetime.js';
import {
  type ExecContext,
  type WriteOutcome,
  isWrite,
  runSelect,
  runWrite,
} from './sql/execute.js';
import type { EvalContext, SessionFacts } from './sql/expr.js';
import { parse } from './sql/parse.js';
import { systemVariable } from './sql/system-variables.js';
import type { Plan } from './sql/plan.js';
import { planStatement } from './sql/planner.js';
import { type Warning, showDatabases, showTables, showWarnings } from './sql/show.js';
import type { Warnings } from './sql/values.js';

/** What sessions share: the engine's state. */
export interface EngineCore {
  readonly trees: Trees;
  readonly catalog: Catalog;
  readonly latch: Latch;
  readonly log: Logger;
  /** True once the engine is closing: new statements fail with ER_SERVER_SHUTDOWN. */
  readonly closing: boolean;
}

/** MySQL's max_error_count: warnings kept per statement (all are counted). */
const WARNINGS_KEPT_MAX = 1024;

class StatementWarnings implements Warnings {
  readonly list: Warning[] = [];
  private total = 0;

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
  'insert',
  'update',
  'delete',
]);

export class EngineSession implements Session {
  private database: string | null = null;
  private warnings: readonly Warning[] = [];
  private warningCount = 0;
  private closed = false;
  private readonly log: Logger;

  constructor(
    private readonly core: EngineCore,
    private init: SessionInit,
  ) {
    this.log = core.log.child({ conn: init.connectionId, user: init.user });
  }

  get status(): SessionStatus {
    return {
      database: this.database,
      autocommit: true,
      inTransaction: false,
      warningCount: this.warningCount,
      charsetClient: 'utf8mb4',
      charsetResults: 'utf8mb4',
      waitTimeoutSeconds: 28_800,
    };
  }

  async prepare(): Promise<PreparedStatement> {
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['prepared statements (issue 4)']);
  }

  async fieldList(): Promise<readonly FieldListColumn[]> {
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['COM_FIELD_LIST (issue 4)']);
  }

  async reset(): Promise<void> {
    this.warnings = [];
    this.warningCount = 0;
  }

  async changeUser(user: string, host: string, database: string | null): Promise<void> {
    await this.reset();
    this.init = { ...this.init, user, host };
    this.database = null;
    if (database !== null) await this.useDatabase(database);
  }

  systemVariable(name: string): SqlValue | undefined {
    const variable = systemVariable(name);
    if (variable === undefined) return undefined;
    const value = variable.value;
    return typeof value === 'object' && value !== null ? value.toString() : value;
  }

  async useDatabase(name: string): Promise<void> {
    const release = await this.core.latch.shared();
    try {
      if (!this.core.catalog.hasDatabase(name)) throw new SqlError('ER_BAD_DB_ERROR', [name]);
      this.database = name;
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async execute(text: string | Buffer): Promise<Result> {
    const sql = typeof text === 'string' ? text : text.toString('utf8');
    if (this.closed) throw new SqlError('ER_UNKNOWN_ERROR', ['session closed']);
    if (this.core.closing) throw new SqlError('ER_SERVER_SHUTDOWN');
    const warnings = new StatementWarnings();
    try {
      const statement = parse(sql);
      if (statement.kind === 'show-warnings') {
        // SHOW WARNINGS reports the previous statement's warnings and keeps them.
        const shown = showWarnings(this.warnings);
        return rowsResult(shown.columns, [shown.rows]);
      }
      const result = STATEMENT_WRITES.has(statement.kind)
        ? await this.write(statement, warnings)
        : await this.read(statement, warnings);
      this.warnings = warnings.list;
      this.warningCount = warnings.count();
      return result;
    } catch (e) {
      if (e instanceof SqlError) {
        this.warnings = [...warnings.list, { level: 'Error', code: e.errno, message: e.message }];
        this.warningCount = warnings.count();
      } else {
        this.log.error({ err: e }, 'statement failed');
      }
      throw e;
    }
  }

  private facts(): SessionFacts {
    return {
      database: this.database,
      user: this.init.user,
      host: this.init.host,
      connectionId: this.init.connectionId,
    };
  }

  private context(warnings: Warnings): ExecContext {
    const evalContext: EvalContext = {
      warnings,
      session: this.facts(),
      now: localNow(new Date()),
      storing: false,
    };
    return { trees: this.core.trees, catalog: this.core.catalog, eval: evalContext };
  }

  private plan(statement: Statement): Plan {
    return planStatement(statement, { catalog: this.core.catalog, database: this.database });
  }

  private async read(statement: Statement, warnings: Warnings): Promise<Result> {
    const { catalog } = this.core;
    const release = await this.core.latch.shared();
    try {
      const plan = this.plan(statement);
      switch (plan.kind) {
        case 'select': {
          const outcome = await runSelect(plan, this.context(warnings));
          return rowsResult(
            plan.outputs.map((o) => o.column),
            outcome.batches,
          );
        }
        case 'show-databases': {
          const shown = showDatabases(catalog, plan.like);
          return rowsResult(shown.columns, [shown.rows]);
        }
        case 'show-tables': {
          const shown = showTables(catalog, plan.database, plan.like);
          return rowsResult(shown.columns, [shown.rows]);
        }
        case 'use':
          if (!catalog.hasDatabase(plan.database))
            throw new SqlError('ER_BAD_DB_ERROR', [plan.database]);
          this.database = plan.database;
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
    const release = await this.core.latch.exclusive();
    try {
      const plan = this.plan(statement);
      if (!isWrite(plan)) throw new Error(`write: unexpected plan ${plan.kind}`);
      const mtr: Mtr = await trees.begin();
      try {
        outcome = await runWrite(plan, this.context(warnings), mtr);
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
    }
    await durable;
    return okResult(outcome);
  }
}

function okResult(outcome: WriteOutcome): Result {
  return {
    kind: 'ok',
    affectedRows: outcome.affectedRows,
    lastInsertId: 0n,
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
