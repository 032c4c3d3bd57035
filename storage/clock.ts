/**
 * Clock: the only way storage code reads the time or schedules work.
 *
 * The client, the transport and the segments never call `Date.now()`, `setTimeout` or
 * `setImmediate` themselves; they receive a Clock. Production uses `systemClock`; the
 * deterministic simulator (a later issue) passes a virtual clock and decides when timers fire.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  /** Runs `fn` once after `delayMs`, unless cancelled first. */
  setTimer(fn: () => void, delayMs: number): Timer;
  /** Runs `fn` soon, after the I/O callbacks already queued: the batching point of a tick. */
  defer(fn: () => void): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, delayMs) {
    const handle = setTimeout(fn, delayMs);
    return { cancel: () => clearTimeout(handle) };
  },
  defer(fn) {
    setImmediate(fn);
  },
};
