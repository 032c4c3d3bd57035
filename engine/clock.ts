/**
 * The engine's clock: the one way engine code reads the time (uptime, statement durations for
 * Slow_queries and SHOW PROCESSLIST's Time, NOW()). Tests pass a clock they drive.
 */
export interface EngineClock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  /** Milliseconds since the Unix epoch: what NOW() and @@timestamp read. */
  wallNow(): number;
}

export const systemEngineClock: EngineClock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
};
