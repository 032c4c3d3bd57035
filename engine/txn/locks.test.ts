/**
 * The lock manager alone: compatibility, FIFO queues and upgrades, gaps against pending changes
 * and insert intentions, NOWAIT / SKIP LOCKED, timeouts (on a hand-driven timer), deadlock
 * detection and its victim, and release. Also the sorted key set it uses.
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../errors.js';
import { type LockOutcome, type LockOwner, LockManager, type LockTimers } from './locks.js';
import { SortedKeys } from './sorted-keys.js';

class Owner implements LockOwner {
  constructor(
    readonly id: number,
    private readonly rows = 0,
    readonly lockWaitTimeoutS = 50,
  ) {}
  changes(): number {
    return this.rows;
  }
}

/** Timers that fire only when the test says so. */
class ManualTimers implements LockTimers {
  readonly pending = new Set<() => void>();
  set(_ms: number, fire: () => void): () => void {
    this.pending.add(fire);
    return () => this.pending.delete(fire);
  }
  fireAll(): void {
    for (const fire of [...this.pending]) {
      this.pending.delete(fire);
      fire();
    }
  }
}

const I = 7; // an index

/** The state of a wait: 'pending' until it settles. */
function track(outcome: LockOutcome | Promise<LockOutcome>): { state: string } {
  const seen = { state: 'pending' };
  if (!(outcome instanceof Promise)) {
    seen.state = outcome;
    return seen;
  }
  outcome.then(
    (o) => (seen.state = o),
    (e: unknown) => (seen.state = e instanceof SqlError ? `error ${e.errno}` : 'error'),
  );
  return seen;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LockManager', () => {
  it('shares S, queues X behind it, and grants in order on release', async () => {
    const locks = new LockManager(new ManualTimers());
    const [a, b, c] = [new Owner(1), new Owner(2), new Owner(3)];
    expect(locks.lockRecord(a, I, 'k', 'S', 'wait')).toBe('granted');
    expect(locks.lockRecord(b, I, 'k', 'S', 'wait')).toBe('granted');
    const x = track(locks.lockRecord(c, I, 'k', 'X', 'wait'));
    const late = track(locks.lockRecord(new Owner(4), I, 'k', 'S', 'wait'));
    await tick();
    expect([x.state, late.state]).toEqual(['pending', 'pending']); // FIFO: S waits behind X
    locks.releaseAll(a);
    await tick();
    expect(x.state).toBe('pending');
    locks.releaseAll(b);
    await tick();
    expect([x.state, late.state]).toEqual(['waited', 'pending']);
    locks.releaseAll(c);
    await tick();
    expect(late.state).toBe('waited');
  });

  it('upgrades S to X once the other sharers leave', async () => {
    const locks = new LockManager(new ManualTimers());
    const [a, b] = [new Owner(1), new Owner(2)];
    locks.lockRecord(a, I, 'k', 'S', 'wait');
    locks.lockRecord(b, I, 'k', 'S', 'wait');
    const up = track(locks.lockRecord(a, I, 'k', 'X', 'wait'));
    locks.releaseAll(b);
    await tick();
    expect(up.state).toBe('waited');
    expect(locks.holds(a, I, 'k', 'X')).toBe(true);
    expect(locks.held(a)).toBe(1);
  });

  it('answers NOWAIT with 3572 and SKIP LOCKED with skipped', () => {
    const locks = new LockManager(new ManualTimers());
    locks.lockRecord(new Owner(1), I, 'k', 'X', 'wait');
    expect(() => locks.lockRecord(new Owner(2), I, 'k', 'S', 'nowait')).toThrow(
      expect.objectContaining({ errno: 3572 }),
    );
    expect(locks.lockRecord(new Owner(2), I, 'k', 'S', 'skip')).toBe('skipped');
    expect(locks.lockRecord(new Owner(2), I + 1, 'k', 'S', 'nowait')).toBe('granted');
  });

  it('blocks inserts into a gap, and gaps over pending changes', async () => {
    const locks = new LockManager(new ManualTimers());
    const [scanner, inserter] = [new Owner(1), new Owner(2)];
    const [b, f] = [{ id: 'b', inclusive: true }, { id: 'f', inclusive: false }];
    const { outcome } = locks.lockGap(scanner, I, b, f, 'wait');
    expect(outcome).toBe('granted');
    expect(locks.insertIntention(inserter, I, 'a', 'wait')).toBe('granted');
    expect(locks.insertIntention(inserter, I, 'f', 'wait')).toBe('granted');
    const into = track(locks.insertIntention(inserter, I, 'c', 'wait'));
    await tick();
    expect(into.state).toBe('pending');
    locks.releaseAll(scanner);
    await tick();
    expect(into.state).toBe('waited');
    // The inserter now holds X on 'c': a new gap over it waits for that pending row.
    locks.lockRecord(inserter, I, 'c', 'X', 'wait');
    const over = locks.lockGap(new Owner(3), I, null, { id: 'd', inclusive: false }, 'wait');
    const seen = track(over.outcome);
    await tick();
    expect(seen.state).toBe('pending');
    // Gaps never wait for gaps (owner 3 holds one), only for pending rows inside them.
    const beside = { id: 'x', inclusive: true };
    expect(locks.lockGap(new Owner(4), I, beside, null, 'wait').outcome).toBe('granted');
    locks.releaseAll(inserter);
    await tick();
    expect(seen.state).toBe('waited');
  });

  it('widens a gap and waits only for what the new part covers', async () => {
    const locks = new LockManager(new ManualTimers());
    const [scanner, writer] = [new Owner(1), new Owner(2)];
    locks.lockRecord(writer, I, 'm', 'X', 'wait');
    const [a, c] = [{ id: 'a', inclusive: true }, { id: 'c', inclusive: false }];
    const { gap } = locks.lockGap(scanner, I, a, c, 'wait');
    expect(locks.extendGap(gap, { hi: { id: 'k', inclusive: false } }, 'wait')).toBe('granted');
    const wide = track(locks.extendGap(gap, { hi: null }, 'wait'));
    await tick();
    expect(wide.state).toBe('pending');
    locks.releaseAll(writer);
    await tick();
    expect(wide.state).toBe('waited');
  });

  it('times a wait out with 1205 and lets the queue move on', async () => {
    const timers = new ManualTimers();
    const locks = new LockManager(timers);
    const [a, b, c] = [new Owner(1), new Owner(2), new Owner(3)];
    locks.lockRecord(a, I, 'k', 'S', 'wait');
    const x = track(locks.lockRecord(b, I, 'k', 'X', 'wait'));
    const s = track(locks.lockRecord(c, I, 'k', 'S', 'wait'));
    timers.fireAll();
    await tick();
    expect(x.state).toBe('error 1205');
    expect(s.state).toBe('waited');
    expect(locks.holds(b, I, 'k', 'S')).toBe(false);
  });

  it('finds a deadlock and rolls back the lighter one, the requester on a tie', async () => {
    const locks = new LockManager(new ManualTimers());
    const [a, b] = [new Owner(1), new Owner(2)];
    locks.lockRecord(a, I, '1', 'X', 'wait');
    locks.lockRecord(b, I, '2', 'X', 'wait');
    const first = track(locks.lockRecord(a, I, '2', 'X', 'wait'));
    const second = track(locks.lockRecord(b, I, '1', 'X', 'wait'));
    await tick();
    expect(second.state).toBe('error 1213');
    expect(first.state).toBe('pending');
    locks.releaseAll(b);
    await tick();
    expect(first.state).toBe('waited');

    const [heavy, light] = [new Owner(3, 10), new Owner(4, 0)];
    locks.lockRecord(heavy, I + 1, '1', 'X', 'wait');
    locks.lockRecord(light, I + 1, '2', 'X', 'wait');
    const lightWait = track(locks.lockRecord(light, I + 1, '1', 'X', 'wait'));
    const heavyWait = track(locks.lockRecord(heavy, I + 1, '2', 'X', 'wait'));
    await tick();
    expect(lightWait.state).toBe('error 1213');
    expect(heavyWait.state).toBe('pending');
  });

  it('finds deadlocks through gaps and insert intentions', async () => {
    const locks = new LockManager(new ManualTimers());
    const [a, b] = [new Owner(1), new Owner(2)];
    const self = { id: 'k', inclusive: true };
    locks.lockGap(a, I, self, self, 'wait');
    locks.lockGap(b, I, self, self, 'wait');
    const ia = track(locks.insertIntention(a, I, 'k', 'wait'));
    const ib = track(locks.insertIntention(b, I, 'k', 'wait'));
    await tick();
    expect(ib.state).toBe('error 1213');
    locks.releaseAll(b);
    await tick();
    expect(ia.state).toBe('waited');
  });

  it('leaves nothing behind after releaseAll', () => {
    const locks = new LockManager(new ManualTimers());
    const a = new Owner(1);
    for (let i = 0; i < 100; i++) locks.lockRecord(a, I, `k${i}`, 'X', 'wait');
    locks.lockGap(a, I, null, null, 'wait');
    expect(locks.size).toBe(100);
    locks.releaseAll(a);
    expect(locks.size).toBe(0);
    expect(locks.insertIntention(new Owner(2), I, 'k5', 'nowait')).toBe('granted');
  });
});

describe('SortedKeys', () => {
  it('keeps a few keys sorted when added in reverse and deleted from the front', () => {
    const keys = new SortedKeys();
    const all = Array.from({ length: 40 }, (_, i) => String(i).padStart(3, '0'));
    for (const k of [...all].reverse()) keys.add(k);
    keys.check();
    expect([...keys.between(null, null)]).toEqual(all);
    for (const k of all.slice(0, 25)) keys.delete(k);
    keys.delete('zzz'); // absent: nothing
    keys.check();
    expect([...keys.between(null, null)]).toEqual(all.slice(25));
    expect(keys.size).toBe(15);
  });

  it('keeps keys sorted across chunk splits and answers ranges', () => {
    const keys = new SortedKeys();
    const all: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = String((i * 7919) % 3001).padStart(5, '0');
      keys.add(k);
      all.push(k);
    }
    keys.add('00007'); // twice: once
    keys.check();
    all.sort();
    expect(keys.size).toBe(all.length);
    const inside = all.filter((k) => k > '01000' && k < '01010');
    expect([...keys.between('01000', '01010')]).toEqual(inside);
    const closed = all.filter((k) => k >= '01000' && k <= '01010');
    expect([...keys.between('01000', '01010', true)]).toEqual(closed);
    for (const k of all.slice(0, 2000)) keys.delete(k);
    keys.check();
    expect([...keys.between(null, null)]).toEqual(all.slice(2000));
    expect(keys.has(all[2500] as string)).toBe(true);
    expect(keys.has(all[10] as string)).toBe(false);
  });
});

describe('MetadataLocks', () => {
  it('lets DDL wait for users of a name, and queues new users behind it', async () => {
    const { MetadataLocks, mdlOwner } = await import('./mdl.js');
    const timers = new ManualTimers();
    const mdl = new MetadataLocks(timers);
    const [t1, t2, ddl] = [mdlOwner(), mdlOwner(), mdlOwner()];
    expect(mdl.shared(t1, 'd\u0000t', 1000)).toBeUndefined();
    const exclusive = mdl.exclusive(ddl, ['d\u0000t'], 1000);
    let granted = false;
    const release = exclusive.then((r) => {
      granted = true;
      return r;
    });
    const late = mdl.shared(t2, 'd\u0000t', 1000); // behind the waiting DDL (MD2)
    expect(late).toBeInstanceOf(Promise);
    expect(mdl.shared(t1, 'd\u0000t', 1000)).toBeUndefined(); // already in: not stopped
    await tick();
    expect(granted).toBe(false);
    mdl.releaseAll(t1);
    (await release)();
    await late;
    mdl.releaseAll(t2);
    const blocked = mdl.exclusive(ddl, ['d\u0000t', 'd\u0000u'], 1000);
    expect(mdl.shared(t1, 'd\u0000u', 1000)).toBeInstanceOf(Promise);
    (await blocked)();
  });

  it('times a wait out with 1205 and cancels waits of a killed owner', async () => {
    const { MetadataLocks, mdlOwner } = await import('./mdl.js');
    const timers = new ManualTimers();
    const mdl = new MetadataLocks(timers);
    const [t1, ddl, other] = [mdlOwner(), mdlOwner(), mdlOwner()];
    mdl.shared(t1, 'n', 1000);
    const waiting = track(mdl.exclusive(ddl, ['n'], 1000).then(() => 'granted' as LockOutcome));
    timers.fireAll();
    await tick();
    expect(waiting.state).toBe('error 1205');
    const second = track(mdl.exclusive(other, ['n'], 1000).then(() => 'granted' as LockOutcome));
    mdl.cancel(other, new SqlError('ER_QUERY_INTERRUPTED'));
    await tick();
    expect(second.state).toBe('error 1317');
    mdl.releaseAll(t1);
    expect(mdl.shared(mdlOwner(), 'n', 1000)).toBeUndefined();
  });

  it('keeps the names an owner holds on the owner, once each, and lets all go (MD3)', async () => {
    const { MetadataLocks, mdlOwner } = await import('./mdl.js');
    const mdl = new MetadataLocks(new ManualTimers());
    const txn = mdlOwner();
    mdl.shared(txn, 'a', 1000);
    mdl.shared(txn, 'b', 1000);
    mdl.shared(txn, 'a', 1000);
    expect(txn.mdlNames).toEqual(['a', 'b']);
    const ddl = mdlOwner();
    const waiting = mdl.exclusive(ddl, ['a', 'b'], 1000);
    mdl.releaseAll(txn);
    expect(txn.mdlNames).toEqual([]);
    (await waiting)(); // both names were let go
    expect(ddl.mdlNames).toEqual([]);
  });

  it('keeps at most NAMES_KEPT_MAX unused names, and a kept one excludes nobody', async () => {
    const { MetadataLocks, NAMES_KEPT_MAX, mdlOwner } = await import('./mdl.js');
    const mdl = new MetadataLocks(new ManualTimers());
    const reader = mdlOwner();
    const names = Array.from({ length: NAMES_KEPT_MAX + 50 }, (_, i) => `d\u0000t${i}`);
    for (const name of names) expect(mdl.shared(reader, name, 1000)).toBeUndefined();
    expect(mdl.namesKnown).toBe(names.length);
    mdl.releaseAll(reader);
    expect(mdl.namesKnown).toBe(NAMES_KEPT_MAX);
    const release = await mdl.exclusive(mdlOwner(), names, 1000); // nothing kept holds them
    expect(mdl.shared(mdlOwner(), names[0] as string, 1000)).toBeInstanceOf(Promise);
    release();
  });
});
