/**
 * A seeded PRNG (mulberry32) for property tests: the same seed gives the same cases, so a failure
 * replays. Tests print their seed; set PRNG_SEED to replay one.
 */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  static fromEnv(fallback: number): Prng {
    const env = process.env.PRNG_SEED;
    return new Prng(env === undefined ? fallback : Number(env));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** bigint in [min, max]. */
  bigint(min: bigint, max: bigint): bigint {
    const span = max - min + 1n;
    let r = 0n;
    for (let i = 0; i < 5; i++) r = (r << 32n) | BigInt(this.int(0x1_0000_0000));
    return min + (r % span);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}
