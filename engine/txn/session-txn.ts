/**
 * SessionTransactions: one session's transaction state and the statement discipline around it.
 *
 * A statement that reads or writes tables runs inside the session's transaction:
 *
 *   kind       started by                              ends at
 *   ────       ──────────                              ───────
 *   explicit   BEGIN / START TRANSACTION               COMMIT, ROLLBACK, BEGIN, DDL,
 *                                                      SET autocommit = 1
 *   implicit   a statement while autocommit = 0        the same
 *   single     a statement while autocommit = 1        that statement's end (commit, or rollback
 *                                                      on error)
 *
 * Errors inside a transaction roll back the failed statement only (its write-set changes, back to
 * the mark taken when it began) and keep the transaction, as InnoDB does; a deadlock (1213) rolls
 * back the whole transaction. Savepoints are marks in the write set; ROLLBACK TO keeps the row
 * locks taken since (InnoDB does too).
 *
 * Invariants:
 *   (ST1) at most one transaction is current; a 'single' one never outlives its statement.
 *   (ST2) `inTransaction` (the IN_TRANS status flag) is true exactly while an explicit or
 *         implicit transaction is current.
 *   (ST3) savepoints are marks of the current transaction's write set, in increasing order; they
 *         die with it.
 *   (ST4) a transaction moves out of a session only while it has neither written nor read
 *         current (nor locked) anything, and the session that adopts it reads at its read point:
 *         it goes on as if it had been there from the start.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { Lsn } from '../../storage/index.js';
import type { MovedTransaction, MovingTransaction, Row } from '../api.js';
import type { Trees } from '../btree/api.js';
import { SqlError } from '../errors.js';
import type { TxnStatement } from '../sql/ast.js';
import { unreachable } from '../unreachable.js';
import type { TransactionGlobals, TransactionManager } from './manager.js';
import { CONSISTENT, type Locking, TxnRows } from './rows.js';
import type { Isolation, Transaction } from './transaction.js';
import type { TxnVariableHost } from './variables.js';

type Kind = 'explicit' | 'implicit' | 'single';

/** What KILL QUERY offers a wait: `race` rejects (1317) when the statement is killed. */
export interface Interruptible {
  race<T>(work: Promise<T>): Promise<T>;
}

interface Savepoint {
  readonly name: string;
  readonly mark: number;
}

export class SessionTransactions implements TxnVariableHost {
  autocommit: boolean;
  isolation: Isolation;
  readOnly: boolean;
  lockWaitTimeoutS: number;
  metadataLockWaitS: number;
  autoIncrementIncrement: number;
  autoIncrementOffset: number;
  lastInsertId = 0n;
  /** KILL QUERY: lock waits race it (the session sets it). */
  interrupt: Interruptible | undefined;
  private nextIsolation: Isolation | null = null;
  private nextReadOnly: boolean | null = null;
  private current: Transaction | null = null;
  private kind: Kind = 'single';
  private savepoints: Savepoint[] = [];

  constructor(
    private readonly manager: TransactionManager,
    private readonly trees: Trees,
    private readonly log: Logger,
  ) {
    const g = manager.globals;
    this.autocommit = g.autocommit;
    this.isolation = g.isolation;
    this.readOnly = g.readOnly;
    this.lockWaitTimeoutS = g.lockWaitTimeoutS;
    this.metadataLockWaitS = g.metadataLockWaitS;
    this.autoIncrementIncrement = g.autoIncrementIncrement;
    this.autoIncrementOffset = g.autoIncrementOffset;
  }

  get globals(): TransactionGlobals {
    return this.manager.globals;
  }

  /** ST2: the IN_TRANS status flag. */
  get inTransaction(): boolean {
    return this.current !== null && this.kind !== 'single';
  }

  /** The current transaction's read-only flag (for SERVER_STATUS_IN_TRANS_READONLY). */
  /** The read point of the open transaction's snapshot, if it holds one. */
  get readViewLsn(): Lsn | undefined {
    return this.current?.viewLsn;
  }

  get inReadOnlyTransaction(): boolean {
    return this.inTransaction && this.current?.options.readOnly === true;
  }

  // -- variables (variables.ts) -----------------------------------------------------------------

  async setAutocommit(on: boolean): Promise<void> {
    if (on && !this.autocommit && this.current !== null) await this.commitCurrent();
    this.autocommit = on;
  }

  setNextIsolation(level: Isolation): void {
    if (this.inTransaction) throw new SqlError('ER_CANT_CHANGE_TX_CHARACTERISTICS');
    this.nextIsolation = level;
  }

  setNextReadOnly(readOnly: boolean): void {
    if (this.inTransaction) throw new SqlError('ER_CANT_CHANGE_TX_CHARACTERISTICS');
    this.nextReadOnly = readOnly;
  }

  // -- transaction statements -------------------------------------------------------------------

  /**
   * A transaction statement; undefined when it is done at once (issue 8: no promise unless a
   * commit has to wait).
   */
  control(statement: TxnStatement): Promise<void> | undefined {
    switch (statement.kind) {
      case 'begin': {
        const begin = (): void => {
          const txn = this.start('explicit', statement.readOnly);
          if (statement.consistentSnapshot) txn.readView();
        };
        if (this.current !== null) return this.commitCurrent().then(begin);
        begin();
        return undefined;
      }
      case 'commit':
      case 'rollback': {
        const options = this.current?.options;
        const chain = (): void => {
          if (statement.chain && options !== undefined) {
            this.nextIsolation = options.isolation;
            this.start('explicit', options.readOnly);
          }
        };
        if (statement.kind === 'commit' && this.current !== null) {
          return this.commitCurrent().then(chain);
        }
        if (statement.kind === 'rollback') this.rollbackCurrent();
        chain();
        return undefined;
      }
      case 'savepoint':
        this.savepoint(statement.name);
        return undefined;
      case 'rollback-to-savepoint':
      case 'release-savepoint':
        this.toSavepoint(statement.name, statement.kind === 'rollback-to-savepoint');
        return undefined;
      case 'set-transaction':
        this.setTransaction(statement);
        return undefined;
      default:
        return unreachable(statement);
    }
  }

  private savepoint(name: string): void {
    if (this.current === null) {
      if (this.autocommit) return; // MySQL accepts it and forgets it at once
      this.start('implicit', null);
    }
    const txn = this.current as Transaction;
    const folded = name.toLowerCase();
    this.savepoints = this.savepoints.filter((s) => s.name.toLowerCase() !== folded);
    this.savepoints.push({ name, mark: txn.writes.mark() });
  }

  private toSavepoint(name: string, rollback: boolean): void {
    const folded = name.toLowerCase();
    const at = this.savepoints.findIndex((s) => s.name.toLowerCase() === folded);
    const savepoint = this.savepoints[at];
    if (this.current === null || savepoint === undefined) {
      throw new SqlError('ER_SP_DOES_NOT_EXIST', ['SAVEPOINT', name]);
    }
    if (rollback) {
      this.current.writes.rollbackTo(savepoint.mark);
      this.savepoints.length = at + 1; // ST3: later savepoints die, this one stays
    } else {
      this.savepoints.length = at;
    }
  }

  private setTransaction(statement: TxnStatement & { kind: 'set-transaction' }): void {
    const { isolation, readOnly } = statement;
    switch (statement.scope) {
      case 'global':
        if (isolation !== null) this.globals.isolation = isolation;
        if (readOnly !== null) this.globals.readOnly = readOnly;
        return;
      case 'session':
        if (isolation !== null) this.isolation = isolation;
        if (readOnly !== null) this.readOnly = readOnly;
        return;
      case null:
        if (isolation !== null) this.setNextIsolation(isolation);
        if (readOnly !== null) this.setNextReadOnly(readOnly);
        return;
      default:
        return unreachable(statement.scope);
    }
  }

  // -- moving a transaction between engines (write forwarding, api.ts MovableSession) ----------

  /**
   * ST4: lets go of the open explicit or implicit transaction, which has written nothing and
   * holds no row lock (a read engine's), and returns how it stands, its snapshot held until
   * `release()`; undefined when none is open.
   */
  moveOut(): MovingTransaction | undefined {
    const txn = this.current;
    if (txn === null || this.kind === 'single') return undefined;
    assert(txn.writes.isEmpty && !txn.readCurrent, 'ST4: only a transaction that only read moves');
    const transaction: MovedTransaction = {
      readPoint: txn.viewLsn ?? null,
      isolation: txn.options.isolation,
      readOnly: txn.options.readOnly,
    };
    this.detach(); // its snapshot stays held until released
    let released = false;
    return {
      transaction,
      release: () => {
        assert(!released, 'ST4: a moved transaction is released once');
        released = true;
        this.manager.rollback(txn);
      },
    };
  }

  /**
   * ST4: opens an explicit transaction that goes on `moved`: its consistent reads read at
   * `moved.readPoint` (at or below VDL: it was durable where it was read).
   */
  adopt(moved: MovedTransaction): void {
    assert(this.current === null, 'ST4: a transaction moves into a session that has none open');
    this.nextIsolation = moved.isolation;
    const txn = this.start('explicit', moved.readOnly);
    if (moved.readPoint !== null) txn.adoptView(this.trees.snapshotAt(moved.readPoint as Lsn));
  }

  /** DDL, BEGIN and LOCK TABLES commit the current transaction first. */
  async implicitCommit(): Promise<void> {
    if (this.current !== null) await this.commitCurrent();
  }

  /** DDL may not run inside a READ ONLY transaction (checked before its implicit commit). */
  checkWritable(): void {
    if (this.current !== null && this.kind !== 'single' && this.current.options.readOnly) {
      throw new SqlError('ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
    }
  }

  private start(kind: Kind, readOnly: boolean | null): Transaction {
    assert(this.current === null, 'ST1: one transaction at a time');
    const txn = this.manager.begin({
      isolation: this.nextIsolation ?? this.isolation,
      readOnly: readOnly ?? this.nextReadOnly ?? this.readOnly,
      lockWaitTimeoutS: this.lockWaitTimeoutS,
    });
    this.nextIsolation = null;
    this.nextReadOnly = null;
    this.current = txn;
    this.kind = kind;
    this.savepoints = [];
    return txn;
  }

  /** The session lets go of its transaction (to commit or roll it back): the one it had. */
  private detach(): Transaction | null {
    const txn = this.current;
    this.current = null;
    this.rowsMade = null; // its write set goes with it
    this.savepoints = [];
    return txn;
  }

  private async commitCurrent(): Promise<void> {
    const txn = this.detach();
    if (txn !== null) await this.manager.commit(txn);
  }

  private rollbackCurrent(): void {
    const txn = this.detach();
    if (txn !== null) this.manager.rollback(txn);
  }

  // -- statements that touch tables -------------------------------------------------------------

  /** The transaction a statement runs in, started if there is none (ST1). */
  private enter(write: boolean): Transaction {
    if (this.current !== null && this.kind === 'single') {
      this.log.warn('a single-statement transaction outlived its statement');
      this.rollbackCurrent();
    }
    const txn = this.current ?? this.start(this.autocommit ? 'single' : 'implicit', null);
    if (write && txn.options.readOnly) {
      if (this.kind === 'single') this.rollbackCurrent();
      throw new SqlError('ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
    }
    return txn;
  }

  /**
   * How a query block without a locking clause of its own reads (a clause is on the block's
   * scans): under SERIALIZABLE inside a transaction a shared locking read (InnoDB), else
   * consistent (with autocommit too).
   */
  plainLocking(): Locking {
    const inTransaction = this.current !== null || !this.autocommit;
    const isolation = this.current?.isolation ?? this.nextIsolation ?? this.isolation;
    if (inTransaction && isolation === 'SERIALIZABLE') return { mode: 'share', wait: 'wait' };
    return CONSISTENT;
  }

  /** A statement succeeded: a single-statement transaction commits (the promise of it). */
  private succeeded(txn: Transaction): Promise<void> | undefined {
    if (this.current !== txn) return undefined;
    if (this.kind === 'single') return this.endSingle(txn);
    txn.statementDone();
    return undefined;
  }

  /** A single-statement transaction ends: at once when it has nothing to commit (issue 8). */
  private endSingle(txn: Transaction): Promise<void> | undefined {
    if (!this.manager.endIfNothingToCommit(txn)) return this.commitCurrent();
    this.detach();
    return undefined;
  }

  /** A statement failed: undo it, or the whole transaction after a deadlock or when single. */
  private failed(txn: Transaction, mark: number, error: unknown): void {
    if (this.current !== txn) return;
    const whole = error instanceof SqlError && error.code === 'ER_LOCK_DEADLOCK';
    if (whole || this.kind === 'single') {
      this.rollbackCurrent();
      return;
    }
    txn.writes.rollbackTo(mark);
    txn.statementDone();
  }

  /** The last TxnRows made, reused while its transaction and options hold (issue 8: cost). */
  private rowsMade: {
    readonly txn: Transaction;
    readonly interrupt: Interruptible | undefined;
    readonly metadataLockWaitS: number;
    readonly rows: TxnRows;
  } | null = null;

  private rowsOf(txn: Transaction): TxnRows {
    const made = this.rowsMade;
    const interrupt = this.interrupt;
    const waitS = this.metadataLockWaitS;
    if (
      made !== null &&
      made.txn === txn &&
      made.interrupt === interrupt &&
      made.metadataLockWaitS === waitS
    ) {
      return made.rows;
    }
    const metadataLockWaitMs = waitS * 1000;
    const options =
      interrupt === undefined ? { metadataLockWaitMs } : { interrupt, metadataLockWaitMs };
    const rows = new TxnRows(this.trees, txn, this.manager.locks, this.manager.mdl, options);
    this.rowsMade = { txn, interrupt, metadataLockWaitS: waitS, rows };
    return rows;
  }

  /** Runs one statement that reads (write = false) or changes table rows. */
  async run<T>(write: boolean, body: (rows: TxnRows) => T | Promise<T>): Promise<T> {
    return this.runNow(write, body);
  }

  /**
   * run(), with its result at once when `body` gives it at once and nothing is left to commit
   * (issue 8: a cached point select makes no promise); a failure then throws here.
   */
  runNow<T>(write: boolean, body: (rows: TxnRows) => T | Promise<T>): T | Promise<T> {
    const txn = this.enter(write);
    const mark = txn.writes.mark();
    let result: T | Promise<T>;
    try {
      result = body(this.rowsOf(txn));
    } catch (error) {
      this.failed(txn, mark, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => this.finished(txn, value),
        (error: unknown) => {
          this.failed(txn, mark, error);
          throw error;
        },
      );
    }
    return this.finished(txn, result);
  }

  /** The statement's result, once it has succeeded (and a single-statement one committed). */
  private finished<T>(txn: Transaction, result: T): T | Promise<T> {
    const committing = this.succeeded(txn);
    return committing === undefined ? result : committing.then(() => result);
  }

  /**
   * A SELECT whose rows stream: the statement ends when the consumer has read them all (or
   * stops early, or the read fails), which is when a single-statement transaction commits.
   */
  stream(body: (rows: TxnRows) => AsyncGenerator<Row[]>): AsyncGenerator<Row[]> {
    const txn = this.enter(false);
    const mark = txn.writes.mark();
    const rows = this.rowsOf(txn);
    return (async function* (self: SessionTransactions): AsyncGenerator<Row[]> {
      let settled = false;
      try {
        yield* body(rows);
        settled = true;
        await self.succeeded(txn);
      } catch (error) {
        settled = true;
        self.failed(txn, mark, error);
        throw error;
      } finally {
        if (!settled) self.failed(txn, mark, undefined); // abandoned by the consumer
      }
    })(this);
  }

  /** The session closes or resets: an open transaction rolls back. */
  close(): void {
    this.rollbackCurrent();
  }
}
