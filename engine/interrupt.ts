/**
 * A session's interrupt flag: how KILL QUERY and KILL CONNECTION reach a running statement.
 *
 * KILL raises the flag; the statement notices at its next check — row loops call `check()` (which
 * throws ER_QUERY_INTERRUPTED, 1317), and waits (latches, row locks, durability) race their
 * promise with `wait()`, which rejects with the same error when the flag rises. The session
 * clears the flag when a statement starts, so a KILL QUERY that lands between statements
 * interrupts nothing (MySQL does the same). KILL CONNECTION also marks the session killed for
 * good: every later statement fails at once.
 *
 * Invariant (I1): once `raise` has run, every `check()` throws and every pending or later `wait()`
 * rejects, until `clear()` (a new statement), and forever when the connection was killed.
 */
import { SqlError } from './errors.js';

/** Row-loop iterations between checkpoints that let the event loop run (KILL must get in). */
export const CHECKPOINT_ROWS = 256;

export class Interrupt {
  private raised = false;
  private killed = false;
  private waiters: ((error: SqlError) => void)[] = [];
  private steps = 0;

  /**
   * @param pause resolves after the event loop has run other work (the clock's defer): a long
   *   statement whose reads resolve from memory would otherwise hold the loop, and no KILL, no
   *   other connection's statement, could run until it ends.
   */
  constructor(private readonly pause: () => Promise<void> = () => Promise.resolve()) {}

  /**
   * For row loops: checks the flag, and every CHECKPOINT_ROWS calls returns a promise that lets
   * the event loop run first (then checks again). Undefined when there is nothing to wait for.
   */
  checkpoint(): Promise<void> | undefined {
    this.check();
    if (++this.steps < CHECKPOINT_ROWS) return undefined;
    this.steps = 0;
    return this.pause().then(() => this.check());
  }

  /** True once KILL CONNECTION has named this session. */
  get connectionKilled(): boolean {
    return this.killed;
  }

  /** Throws ER_QUERY_INTERRUPTED if the running statement has been killed (I1). */
  check(): void {
    if (this.raised || this.killed) throw new SqlError('ER_QUERY_INTERRUPTED');
  }

  /** Rejects with ER_QUERY_INTERRUPTED when the statement is killed; never resolves otherwise. */
  wait(): Promise<never> {
    const waiting = new Promise<never>((_resolve, reject) => {
      if (this.raised || this.killed) reject(new SqlError('ER_QUERY_INTERRUPTED'));
      else this.waiters.push(reject);
    });
    // A caller that raced this and moved on must not see an unhandled rejection later.
    waiting.catch(() => undefined);
    return waiting;
  }

  /** Runs `work`, failing with ER_QUERY_INTERRUPTED as soon as the statement is killed. */
  async race<T>(work: Promise<T>): Promise<T> {
    this.check();
    // If the kill wins, `work` may still fail later: that failure is not this caller's anymore.
    work.catch(() => undefined);
    let cancel: ((error: SqlError) => void) | undefined;
    const interrupted = new Promise<never>((_resolve, reject) => {
      cancel = reject;
      this.waiters.push(reject);
    });
    interrupted.catch(() => undefined);
    try {
      return await Promise.race([work, interrupted]);
    } finally {
      this.waiters = this.waiters.filter((w) => w !== cancel);
    }
  }

  /**
   * Waits for a latch or lock `grant`, failing with ER_QUERY_INTERRUPTED when killed first; a
   * grant that arrives after the kill is released at once, so nothing stays held.
   */
  async acquire(grant: Promise<() => void>): Promise<() => void> {
    try {
      return await this.race(grant);
    } catch (e) {
      void grant.then((release) => release());
      throw e;
    }
  }

  raise(connection: boolean): void {
    this.raised = true;
    if (connection) this.killed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const reject of waiters) reject(new SqlError('ER_QUERY_INTERRUPTED'));
  }

  /** A new statement starts: a KILL QUERY aimed at the previous one is spent. */
  clear(): void {
    this.raised = false;
    this.waiters = [];
  }
}
