/**
 * Metadata locks, MySQL's way: a transaction that has read or written a table holds a shared
 * lock on the table's name until it ends, and DDL on the table takes it exclusively — so a DROP,
 * CREATE INDEX or DROP INDEX waits for the transactions using the table to end (up to
 * lock_wait_timeout, then ER_LOCK_WAIT_TIMEOUT 1205), and transactions that come to the table
 * after the DDL asked wait behind it. A write set therefore never meets a table definition other
 * than the one it was built against (manager.ts still checks, M1).
 *
 * Invariants:
 *   (MD1) an exclusive holder excludes every other holder of the name.
 *   (MD2) while an exclusive request waits, a new shared request waits behind it unless its owner
 *         already holds the name (DDL is not starved; a transaction already in is not stopped).
 *   (MD3) releaseAll leaves nothing of its owner; every release re-examines the waiters.
 *
 * The names an owner holds are kept on the owner (MdlOwner.mdlNames), not in a map of owners:
 * every statement's transaction takes one and ends, and a Map whose last entry goes reallocates
 * its table (issue 8; BENCHMARKS.md part 15: a small gain, inside the machine's noise).
 */
import { SqlError } from '../errors.js';
import { type LockTimers, systemTimers } from './locks.js';

/** Who holds metadata locks: a transaction, or a DDL statement's token (mdlOwner()). */
export interface MdlOwner {
  /** The names it holds, in the order taken; only MetadataLocks changes it. */
  readonly mdlNames: string[];
}

/** An owner for a statement that is not a transaction (DDL). */
export function mdlOwner(): MdlOwner {
  return { mdlNames: [] };
}

interface Waiter {
  readonly owner: MdlOwner;
  readonly exclusive: boolean;
  readonly grant: () => void;
  readonly reject: (error: SqlError) => void;
}

interface NameLock {
  readonly shared: Set<MdlOwner>;
  exclusive: MdlOwner | null;
  readonly waiting: Waiter[];
}

/** Unused name locks kept for reuse at most (tables in use at once are usually far fewer). */
export const NAMES_KEPT_MAX = 256;

export function tableLockName(database: string, table: string): string {
  return `${database}\u0000${table}`;
}

export class MetadataLocks {
  private readonly names = new Map<string, NameLock>();

  constructor(private readonly timers: LockTimers = systemTimers) {}

  /** Names with a lock record, held or kept for reuse (tests). */
  get namesKnown(): number {
    return this.names.size;
  }

  private lockOf(name: string): NameLock {
    let lock = this.names.get(name);
    if (lock === undefined) {
      lock = { shared: new Set(), exclusive: null, waiting: [] };
      this.names.set(name, lock);
    }
    return lock;
  }

  private grantable(lock: NameLock, owner: MdlOwner, exclusive: boolean): boolean {
    if (lock.exclusive !== null && lock.exclusive !== owner) return false; // MD1
    if (exclusive) return [...lock.shared].every((o) => o === owner);
    if (lock.shared.has(owner)) return true;
    return !lock.waiting.some((w) => w.exclusive); // MD2
  }

  private take(lock: NameLock, name: string, owner: MdlOwner, exclusive: boolean): void {
    if (exclusive) lock.exclusive = owner;
    else lock.shared.add(owner);
    if (!owner.mdlNames.includes(name)) owner.mdlNames.push(name);
  }

  /** A shared lock on `name`; undefined when granted at once, else a promise of the grant. */
  shared(owner: MdlOwner, name: string, timeoutMs: number): Promise<void> | undefined {
    const lock = this.lockOf(name);
    if (lock.shared.has(owner) || lock.exclusive === owner) return undefined;
    if (this.grantable(lock, owner, false)) {
      this.take(lock, name, owner, false);
      return undefined;
    }
    return this.wait(lock, name, owner, false, timeoutMs);
  }

  /** Exclusive locks on `names` (in a fixed order); resolves with their release. */
  async exclusive(
    owner: MdlOwner,
    names: readonly string[],
    timeoutMs: number,
  ): Promise<() => void> {
    const sorted = [...new Set(names)].sort();
    try {
      for (const name of sorted) {
        const lock = this.lockOf(name);
        if (this.grantable(lock, owner, true)) this.take(lock, name, owner, true);
        else await this.wait(lock, name, owner, true, timeoutMs);
      }
    } catch (error) {
      this.releaseAll(owner);
      throw error;
    }
    return () => this.releaseAll(owner);
  }

  private wait(
    lock: NameLock,
    name: string,
    owner: MdlOwner,
    exclusive: boolean,
    timeoutMs: number,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancel = this.timers.set(timeoutMs, () => {
        const at = lock.waiting.indexOf(waiter);
        if (at >= 0) lock.waiting.splice(at, 1);
        this.wake(name);
        reject(new SqlError('ER_LOCK_WAIT_TIMEOUT'));
      });
      const waiter: Waiter = {
        owner,
        exclusive,
        grant: () => {
          cancel();
          this.take(lock, name, owner, exclusive);
          resolve();
        },
        reject: (error) => {
          cancel();
          reject(error);
        },
      };
      lock.waiting.push(waiter);
    });
  }

  /** Grants the waiters of `name` that can go, in order (MD3). */
  private wake(name: string): void {
    const lock = this.names.get(name);
    if (lock === undefined) return;
    for (let i = 0; i < lock.waiting.length; ) {
      const w = lock.waiting[i] as Waiter;
      const ahead = lock.waiting.slice(0, i);
      const blockedByAhead = !w.exclusive && ahead.some((a) => a.exclusive);
      if (!blockedByAhead && this.grantableIgnoringQueue(lock, w)) {
        lock.waiting.splice(i, 1);
        w.grant();
        continue;
      }
      i++;
    }
    const unused = lock.shared.size === 0 && lock.exclusive === null && lock.waiting.length === 0;
    // Issue 8: an unused name's lock is kept for its next statement (every statement takes one)
    // while there are few; past NAMES_KEPT_MAX, unused ones go.
    if (unused && this.names.size > NAMES_KEPT_MAX) this.names.delete(name);
  }

  private grantableIgnoringQueue(lock: NameLock, w: Waiter): boolean {
    if (lock.exclusive !== null && lock.exclusive !== w.owner) return false;
    return !w.exclusive || [...lock.shared].every((o) => o === w.owner);
  }

  /** The owner gives up (KILL): its waits fail, its locks go. */
  cancel(owner: MdlOwner, error: SqlError): void {
    for (const [name, lock] of this.names) {
      const mine = lock.waiting.filter((w) => w.owner === owner);
      if (mine.length === 0) continue;
      lock.waiting.splice(0, lock.waiting.length, ...lock.waiting.filter((w) => w.owner !== owner));
      for (const w of mine) w.reject(error);
      this.wake(name);
    }
    this.releaseAll(owner);
  }

  /** Everything the owner holds goes (MD3). */
  releaseAll(owner: MdlOwner): void {
    if (owner.mdlNames.length === 0) return;
    for (const name of owner.mdlNames.splice(0)) {
      const lock = this.names.get(name);
      if (lock === undefined) continue;
      lock.shared.delete(owner);
      if (lock.exclusive === owner) lock.exclusive = null;
      this.wake(name);
    }
  }
}
