/**
 * Clock and Random: the only ways storage code reads the time, schedules work or draws a random
 * number.
 *
 * The client, the transports, the nodes and the segments never call `Date.now()`,
 * `performance.now()`, `setTimeout`, `setImmediate` or `Math.random()` themselves; they receive a
 * Clock and a Random. Production uses `systemClock` and `systemRandom`; the deterministic
 * simulator (testing/sim.ts) passes a virtual clock that decides when timers fire and a seeded
 * generator, so that one seed replays one run exactly.
 */
import { randomBytes } from 'node:crypto';
import { StorageError } from './errors.js';

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  /**
   * Milliseconds since the Unix epoch: for what must be compared across restarts (the age of a
   * record for retention, the time of the last scrub). Not monotonic; never used for timeouts.
   */
  wallNow(): number;
  /** Runs `fn` once after `delayMs`, unless cancelled first. */
  setTimer(fn: () => void, delayMs: number): Timer;
  /** Runs `fn` soon, after the I/O callbacks already queued: the batching point of a tick. */
  defer(fn: () => void): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimer(fn, delayMs) {
    const handle = setTimeout(fn, delayMs);
    return { cancel: () => clearTimeout(handle) };
  },
  defer(fn) {
    setImmediate(fn);
  },
};

export interface Random {
  /** A number in [0, 1). */
  next(): number;
}

export const systemRandom: Random = {
  next: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
};

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random.next() * n);
}

/** `bytes` random bytes as hex, from `random` (node ids). */
export function randomHex(random: Random, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += randomInt(random, 256).toString(16).padStart(2, '0');
  return out;
}

/**
 * `promise`, or a rejection with StorageError('quorum-timeout') after `timeoutMs` (T1: a silent
 * network never settles, so every request a caller waits on gets a deadline).
 */
export function withTimeout<T>(
  clock: Clock,
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimer(() => {
      reject(new StorageError('quorum-timeout', `${what}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    promise.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error);
      },
    );
  });
}
