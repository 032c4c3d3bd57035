/**
 * The lock manager: row locks on key values and key ranges of an index (a tree, named by its
 * root page), not on physical records — an uncommitted row is not in any B-tree yet, so its lock
 * is the only trace of it other transactions can meet.
 *
 *   lock                 on                       conflicts with (held by another transaction)
 *   ────                 ──                       ────────────────────────────────────────────
 *   record S             (index, key)             record X on the key
 *   record X             (index, key)             record S or X on the key
 *   gap                  (index, lo … hi)         X record locks on keys inside it: another
 *                                                 transaction's pending insert or delete there
 *                                                 (InnoDB would meet that row and wait on it)
 *   insert intention     (index, key), not kept   gaps that contain the key
 *
 * Gap locks never conflict with each other (InnoDB's "purely inhibitive" gaps). A locking range
 * read holds one gap per scan and widens it row by row (`extendGap`), so the gaps it holds are
 * the union of InnoDB's next-key gaps over the scanned range. Record requests queue FIFO per key:
 * a new request waits behind earlier incompatible waiters too (no starvation of X by S).
 *
 * A request that must wait: NOWAIT → ER_LOCK_NOWAIT (3572); SKIP LOCKED → 'skipped'; otherwise it
 * waits up to the owner's innodb_lock_wait_timeout (ER_LOCK_WAIT_TIMEOUT, 1205) after a deadlock
 * check: the wait-for graph (a waiter → the owners blocking it) is searched from the new waiter;
 * on a cycle the lightest member (fewest changes and locks; the requester on a tie) gets
 * ER_LOCK_DEADLOCK (1213) and its transaction is rolled back by its session.
 *
 * Invariants:
 *   (LK1) granted record requests on one key are pairwise compatible unless they share an owner.
 *   (LK2) a waiting request is granted only when nothing blocks it; every release, rejection or
 *         timeout in an index re-examines that index's waiters.
 *   (LK3) an owner waits for at most one request at a time.
 *   (LK4) releaseAll leaves nothing of the owner: no request, gap or waiter; `keys` holds exactly
 *         the keys that have a non-empty queue.
 *   (LK5) no wait-for cycle survives a deadlock check: a victim in the cycle is rejected.
 *   (LK6) at most LOCKS_MAX record requests exist (ER_LOCK_TABLE_FULL beyond).
 */
import assert from 'node:assert/strict';
import { LOCKS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { SortedKeys } from './sorted-keys.js';

export type LockStrength = 'S' | 'X';
/** What to do when a lock cannot be granted at once. */
/** What a lock request does when it must wait: wait (innodb_lock_wait_timeout), fail at once
 * (NOWAIT), skip the row (SKIP LOCKED), or wait this many seconds (MariaDB's WAIT n). */
export type WaitPolicy = 'wait' | 'nowait' | 'skip' | { readonly seconds: number };
export type LockOutcome = 'granted' | 'waited' | 'skipped';

/** One end of a gap: a key (latin1 form) and whether the key itself is inside. */
export interface GapBound {
  readonly id: string;
  readonly inclusive: boolean;
}

export interface LockOwner {
  readonly id: number;
  readonly lockWaitTimeoutS: number;
  /** Rows changed so far: with the locks held, the deadlock victim weight. */
  changes(): number;
}

/** A gap held by one owner; `extendGap` widens it. */
export interface Gap {
  readonly owner: LockOwner;
  readonly index: number;
  lo: GapBound | null;
  hi: GapBound | null;
}

export interface LockTimers {
  set(ms: number, fire: () => void): () => void;
}

/** Node's longest timer; a longer wait (innodb_lock_wait_timeout may be 34 years) never fires. */
const TIMER_MS_MAX = 2_147_483_647;

export const systemTimers: LockTimers = {
  set(ms, fire) {
    if (ms > TIMER_MS_MAX) return () => undefined;
    const timer = setTimeout(fire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface RecordRequest {
  readonly owner: LockOwner;
  mode: LockStrength;
  granted: boolean;
}

interface Waiter {
  readonly owner: LockOwner;
  readonly index: number;
  /** The owners that keep this request from being granted now. */
  blockers(): Set<LockOwner>;
  grant(): void;
  /** Takes the request out of its queue (it failed). */
  withdraw(): void;
  resolve(outcome: LockOutcome): void;
  reject(error: SqlError): void;
  cancelTimer: () => void;
}

interface IndexLocks {
  readonly queues: Map<string, RecordRequest[]>;
  readonly keys: SortedKeys;
  readonly gaps: Set<Gap>;
  readonly waiters: Set<Waiter>;
}

interface OwnerLocks {
  readonly records: Map<number, Set<string>>;
  readonly gaps: Set<Gap>;
  waiting: Waiter | null;
  count: number;
}

const DEADLOCK_SEARCH_DEPTH_MAX = 200;

function compatible(a: LockStrength, b: LockStrength): boolean {
  return a === 'S' && b === 'S';
}

function inside(id: string, lo: GapBound | null, hi: GapBound | null): boolean {
  if (lo !== null && (id < lo.id || (id === lo.id && !lo.inclusive))) return false;
  if (hi !== null && (id > hi.id || (id === hi.id && !hi.inclusive))) return false;
  return true;
}

export class LockManager {
  private readonly indexes = new Map<number, IndexLocks>();
  private readonly owners = new Map<LockOwner, OwnerLocks>();
  private requests = 0;

  constructor(private readonly timers: LockTimers = systemTimers) {}

  /** Record requests held or awaited by all owners (LK6). */
  get size(): number {
    return this.requests;
  }

  /** Locks the owner holds (for tests and weights). */
  held(owner: LockOwner): number {
    return this.owners.get(owner)?.count ?? 0;
  }

  /** True when the owner holds a record lock at least as strong as `mode` on the key. */
  holds(owner: LockOwner, index: number, id: string, mode: LockStrength): boolean {
    const queue = this.indexes.get(index)?.queues.get(id);
    const mine = queue?.find((r) => r.owner === owner && r.granted);
    return mine !== undefined && (mine.mode === 'X' || mode === 'S');
  }

  private indexOf(index: number): IndexLocks {
    let locks = this.indexes.get(index);
    if (locks === undefined) {
      locks = { queues: new Map(), keys: new SortedKeys(), gaps: new Set(), waiters: new Set() };
      this.indexes.set(index, locks);
    }
    return locks;
  }

  private ownerOf(owner: LockOwner): OwnerLocks {
    let state = this.owners.get(owner);
    if (state === undefined) {
      state = { records: new Map(), gaps: new Set(), waiting: null, count: 0 };
      this.owners.set(owner, state);
    }
    return state;
  }

  // -- record locks -----------------------------------------------------------------------------

  /** Owners whose requests on the queue block `owner`'s request for `mode` at position `at`. */
  private recordBlockers(
    queue: readonly RecordRequest[],
    owner: LockOwner,
    mode: LockStrength,
    at: number,
  ): Set<LockOwner> {
    const blockers = new Set<LockOwner>();
    queue.forEach((r, i) => {
      if (r.owner === owner || (!r.granted && i >= at)) return;
      if (!compatible(r.mode, mode)) blockers.add(r.owner);
    });
    return blockers;
  }

  /** A record lock on `id` (a key in latin1 form) of `index`. */
  lockRecord(
    owner: LockOwner,
    index: number,
    id: string,
    mode: LockStrength,
    policy: WaitPolicy,
  ): LockOutcome | Promise<LockOutcome> {
    const locks = this.indexOf(index);
    let queue = locks.queues.get(id);
    const mine = queue?.find((r) => r.owner === owner && r.granted);
    if (mine !== undefined && (mine.mode === 'X' || mode === 'S')) return 'granted';
    if (queue === undefined || this.recordBlockers(queue, owner, mode, queue.length).size === 0) {
      if (mine !== undefined) {
        mine.mode = 'X';
        return 'granted';
      }
      if (queue === undefined) {
        queue = [];
        locks.queues.set(id, queue);
        locks.keys.add(id);
      }
      this.addRequest(queue, owner, index, id, { owner, mode, granted: true });
      return 'granted';
    }
    if (policy === 'nowait') throw new SqlError('ER_LOCK_NOWAIT');
    if (policy === 'skip') return 'skipped';
    const request: RecordRequest = { owner, mode, granted: false };
    const q = queue;
    this.addRequest(q, owner, index, id, request);
    return this.wait(owner, index, policy, {
      blockers: () => this.recordBlockers(q, owner, mode, q.indexOf(request)),
      grant: () => {
        request.granted = true;
        if (mine !== undefined) this.removeRequest(locks, owner, id, mine); // the upgrade
      },
      withdraw: () => this.removeRequest(locks, owner, id, request),
    });
  }

  private addRequest(
    queue: RecordRequest[],
    owner: LockOwner,
    index: number,
    id: string,
    request: RecordRequest,
  ): void {
    if (this.requests >= LOCKS_MAX) throw new SqlError('ER_LOCK_TABLE_FULL');
    queue.push(request);
    this.requests++;
    const state = this.ownerOf(owner);
    let ids = state.records.get(index);
    if (ids === undefined) {
      ids = new Set();
      state.records.set(index, ids);
    }
    ids.add(id);
    state.count++;
  }

  private removeRequest(
    locks: IndexLocks,
    owner: LockOwner,
    id: string,
    request: RecordRequest,
  ): void {
    const queue = locks.queues.get(id);
    if (queue === undefined) return;
    const at = queue.indexOf(request);
    if (at < 0) return;
    queue.splice(at, 1);
    this.requests--;
    const state = this.owners.get(owner);
    if (state !== undefined) state.count--;
    if (queue.length === 0) {
      locks.queues.delete(id);
      locks.keys.delete(id); // LK4
    }
  }

  /** Gives up a record lock taken by this statement (READ COMMITTED, a row that did not match). */
  unlockRecord(owner: LockOwner, index: number, id: string): void {
    const locks = this.indexes.get(index);
    const queue = locks?.queues.get(id);
    if (locks === undefined || queue === undefined) return;
    for (const r of queue.filter((q) => q.owner === owner && q.granted)) {
      this.removeRequest(locks, owner, id, r);
    }
    this.owners.get(owner)?.records.get(index)?.delete(id);
    this.wake(index);
  }

  // -- gaps and insert intention ------------------------------------------------------------------

  /** Owners holding X record locks on keys inside lo … hi (a pending change there). */
  private gapBlockers(
    locks: IndexLocks,
    owner: LockOwner,
    lo: GapBound | null,
    hi: GapBound | null,
  ): Set<LockOwner> {
    const blockers = new Set<LockOwner>();
    const inclusive = (lo?.inclusive ?? true) || (hi?.inclusive ?? true);
    for (const id of locks.keys.between(lo?.id ?? null, hi?.id ?? null, inclusive)) {
      if (!inside(id, lo, hi)) continue;
      for (const r of locks.queues.get(id) ?? []) {
        if (r.owner !== owner && r.granted && r.mode === 'X') blockers.add(r.owner);
      }
    }
    return blockers;
  }

  /** A new gap lo … hi, held by the owner until it ends. */
  lockGap(
    owner: LockOwner,
    index: number,
    lo: GapBound | null,
    hi: GapBound | null,
    policy: WaitPolicy,
  ): { gap: Gap; outcome: LockOutcome | Promise<LockOutcome> } {
    const gap: Gap = { owner, index, lo, hi };
    const locks = this.indexOf(index);
    locks.gaps.add(gap);
    this.ownerOf(owner).gaps.add(gap);
    return { gap, outcome: this.settleGap(locks, gap, lo, hi, policy) };
  }

  /** Widens a gap to `lo` (downwards) or `hi` (upwards); waits on pending changes it now covers. */
  extendGap(
    gap: Gap,
    to: { readonly lo?: GapBound | null; readonly hi?: GapBound | null },
    policy: WaitPolicy,
  ): LockOutcome | Promise<LockOutcome> {
    const locks = this.indexOf(gap.index);
    let newLo: GapBound | null = null;
    let newHi: GapBound | null = null;
    if (to.hi !== undefined && gap.hi !== null) {
      newLo = { id: gap.hi.id, inclusive: !gap.hi.inclusive };
      newHi = to.hi;
      gap.hi = to.hi;
    }
    if (to.lo !== undefined && gap.lo !== null) {
      newLo = to.lo;
      newHi = { id: gap.lo.id, inclusive: !gap.lo.inclusive };
      gap.lo = to.lo;
    }
    if (newLo === null && newHi === null) return 'granted';
    return this.settleGap(locks, gap, newLo, newHi, policy);
  }

  private settleGap(
    locks: IndexLocks,
    gap: Gap,
    lo: GapBound | null,
    hi: GapBound | null,
    policy: WaitPolicy,
  ): LockOutcome | Promise<LockOutcome> {
    const owner = gap.owner;
    if (this.gapBlockers(locks, owner, lo, hi).size === 0) return 'granted';
    if (policy === 'nowait') throw new SqlError('ER_LOCK_NOWAIT');
    if (policy === 'skip') return 'skipped';
    return this.wait(owner, gap.index, policy, {
      blockers: () => this.gapBlockers(locks, owner, lo, hi),
      grant: () => undefined,
      withdraw: () => undefined,
    });
  }

  /** Owners whose gaps contain `id`. */
  private intentionBlockers(locks: IndexLocks, owner: LockOwner, id: string): Set<LockOwner> {
    const blockers = new Set<LockOwner>();
    for (const gap of locks.gaps) {
      if (gap.owner !== owner && inside(id, gap.lo, gap.hi)) blockers.add(gap.owner);
    }
    return blockers;
  }

  /** INSERT's insert intention at `id`: waits while another owner's gap contains the key. */
  insertIntention(
    owner: LockOwner,
    index: number,
    id: string,
    policy: WaitPolicy,
  ): LockOutcome | Promise<LockOutcome> {
    const locks = this.indexes.get(index);
    if (locks === undefined || locks.gaps.size === 0) return 'granted';
    if (this.intentionBlockers(locks, owner, id).size === 0) return 'granted';
    if (policy === 'nowait') throw new SqlError('ER_LOCK_NOWAIT');
    if (policy === 'skip') return 'skipped';
    return this.wait(owner, index, policy, {
      blockers: () => this.intentionBlockers(locks, owner, id),
      grant: () => undefined,
      withdraw: () => undefined,
    });
  }

  // -- waiting, deadlocks, release --------------------------------------------------------------

  private wait(
    owner: LockOwner,
    index: number,
    policy: WaitPolicy,
    request: Pick<Waiter, 'blockers' | 'grant' | 'withdraw'>,
  ): Promise<LockOutcome> {
    const seconds = typeof policy === 'object' ? policy.seconds : owner.lockWaitTimeoutS;
    const state = this.ownerOf(owner);
    assert(state.waiting === null, 'LK3: one wait at a time');
    const locks = this.indexOf(index);
    return new Promise<LockOutcome>((resolve, reject) => {
      const waiter: Waiter = { owner, index, ...request, resolve, reject, cancelTimer: () => {} };
      state.waiting = waiter;
      locks.waiters.add(waiter);
      const victim = this.deadlockVictim(owner);
      if (victim !== null) {
        this.fail(this.ownerOf(victim).waiting as Waiter, new SqlError('ER_LOCK_DEADLOCK'));
        if (victim === owner) return;
      }
      waiter.cancelTimer = this.timers.set(seconds * 1000, () =>
        this.fail(waiter, new SqlError('ER_LOCK_WAIT_TIMEOUT')),
      );
    });
  }

  /** Ends a wait with an error: the request leaves its queue, others may move (LK2). */
  private fail(waiter: Waiter, error: SqlError): void {
    const state = this.owners.get(waiter.owner);
    if (state === undefined || state.waiting !== waiter) return;
    state.waiting = null;
    waiter.cancelTimer();
    this.indexOf(waiter.index).waiters.delete(waiter);
    waiter.withdraw();
    waiter.reject(error);
    this.wake(waiter.index);
  }

  /** Rejects the owner's current wait, if any (KILL QUERY, a closing session). */
  cancelWait(owner: LockOwner, error: SqlError): void {
    const waiter = this.owners.get(owner)?.waiting;
    if (waiter !== null && waiter !== undefined) this.fail(waiter, error);
  }

  /** LK5: the victim of a wait-for cycle through `start`, or null when there is none. */
  private deadlockVictim(start: LockOwner): LockOwner | null {
    const path: LockOwner[] = [];
    const seen = new Set<LockOwner>();
    let tooDeep = false;
    const search = (owner: LockOwner): boolean => {
      if (path.length >= DEADLOCK_SEARCH_DEPTH_MAX) {
        tooDeep = true;
        return true;
      }
      const waiter = this.owners.get(owner)?.waiting;
      if (waiter === null || waiter === undefined) return false;
      path.push(owner);
      for (const blocker of waiter.blockers()) {
        if (blocker === start) return true;
        if (seen.has(blocker)) continue;
        seen.add(blocker);
        if (search(blocker)) return true;
      }
      path.pop();
      return false;
    };
    if (!search(start)) return null;
    if (tooDeep) return start;
    let victim = start;
    for (const owner of path) {
      if (this.weight(owner) < this.weight(victim)) victim = owner;
    }
    return victim;
  }

  private weight(owner: LockOwner): number {
    return owner.changes() + this.held(owner);
  }

  /** Grants every waiter of the index that nothing blocks any more (LK2). */
  private wake(index: number): void {
    const locks = this.indexes.get(index);
    if (locks === undefined || locks.waiters.size === 0) return;
    for (const waiter of [...locks.waiters]) {
      if (waiter.blockers().size > 0) continue;
      locks.waiters.delete(waiter);
      const state = this.owners.get(waiter.owner);
      if (state !== undefined) state.waiting = null;
      waiter.cancelTimer();
      waiter.grant();
      waiter.resolve('waited');
    }
  }

  /** Everything the owner holds or awaits goes (LK4); waiters it blocked move on. */
  releaseAll(owner: LockOwner): void {
    const state = this.owners.get(owner);
    if (state === undefined) return;
    if (state.waiting !== null) this.fail(state.waiting, new SqlError('ER_QUERY_INTERRUPTED'));
    this.owners.delete(owner);
    const touched = new Set<number>();
    for (const [index, ids] of state.records) {
      const locks = this.indexes.get(index);
      if (locks === undefined) continue;
      touched.add(index);
      for (const id of ids) {
        const queue = locks.queues.get(id);
        if (queue === undefined) continue;
        // In place: waiters hold this array (their blockers read it).
        for (let i = queue.length - 1; i >= 0; i--) {
          if ((queue[i] as RecordRequest).owner !== owner) continue;
          // Issue 8 (cost): the last request (usually the only one) goes without a splice's array.
          if (i === queue.length - 1) queue.pop();
          else queue.splice(i, 1);
          this.requests--;
        }
        if (queue.length === 0) {
          locks.queues.delete(id);
          locks.keys.delete(id);
        }
      }
    }
    for (const gap of state.gaps) {
      this.indexes.get(gap.index)?.gaps.delete(gap);
      touched.add(gap.index);
    }
    for (const index of touched) {
      this.wake(index);
      const locks = this.indexes.get(index);
      if (locks !== undefined && locks.queues.size === 0 && locks.gaps.size === 0) {
        if (locks.waiters.size === 0) this.indexes.delete(index);
      }
    }
  }
}
