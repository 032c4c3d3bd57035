/**
 * The engine's clock: the one way engine code reads the time (uptime, statement durations for
 * Slow_queries and SHOW PROCESSLIST's Time, NOW()). Tests pass a clock they drive.
 */
export interface EngineClock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  /** Milliseconds since the Unix epoch: what NOW() and @@timestamp read. */
  wallNow(): number;
  /** Runs `fn` after the I/O and timers already queued (a long statement's pause). */
  defer?(fn: () => void): void;
  /** Resolves after `ms` milliseconds (SLEEP(), issue 6b); absent: at once. */
  sleep?(ms: number): Promise<void>;
}

export const systemEngineClock: EngineClock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  defer: (fn) => setImmediate(fn),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A promise that resolves once `clock` has let other work run (now, without `defer`). */
export function pause(clock: EngineClock): Promise<void> {
  const defer = clock.defer;
  if (defer === undefined) return Promise.resolve();
  return new Promise((resolve) => defer(resolve));
}
