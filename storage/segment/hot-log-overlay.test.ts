/**
 * The overlay's tests: point reads and ranges (forward, reverse, inclusive or not) agree with a
 * model of the same writes through random frames, whatever order the keys arrive in (ascending
 * runs, rewrites of the last key, keys that are prefixes of others, removals), with reads between
 * writes and a frozen layer under the active one (O1–O3).
 */
import { describe, expect, it } from 'vitest';
import { type Op, OP_HEADER_SIZE, Overlay, type RangeOptions } from './hot-log-overlay.js';

/** A frame's body as hot-log.ts lays it out: per op u8 db, u8 kind, u16 key, u32 value length. */
function body(ops: readonly Op[]): Buffer {
  const parts: Buffer[] = [];
  for (const op of ops) {
    const head = Buffer.alloc(OP_HEADER_SIZE);
    head[0] = op.db;
    head[1] = op.value === undefined ? 0 : 1;
    head.writeUInt16BE(op.key.length, 2);
    head.writeUInt32BE(op.value?.length ?? 0, 4);
    parts.push(head, op.key, op.value ?? Buffer.alloc(0));
  }
  return Buffer.concat(parts);
}

/** The writes of a layer: per database, hex key → value (null: removed). */
type ModelLayer = Map<number, Map<string, Buffer | null>>;

class Model {
  active: ModelLayer = new Map();
  frozen: ModelLayer | undefined;

  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      const db = this.active.get(op.db) ?? new Map<string, Buffer | null>();
      this.active.set(op.db, db);
      db.set(op.key.toString('hex'), op.value ?? null);
    }
  }

  get(db: number, key: Buffer): Buffer | null | undefined {
    const hex = key.toString('hex');
    const active = this.active.get(db)?.get(hex);
    return active !== undefined ? active : this.frozen?.get(db)?.get(hex);
  }

  range(db: number, o: RangeOptions): { key: string; value: string | null }[] {
    const keys = new Set([
      ...(this.active.get(db)?.keys() ?? []),
      ...(this.frozen?.get(db)?.keys() ?? []),
    ]);
    const inRange = [...keys].map((hex) => Buffer.from(hex, 'hex')).filter((k) => {
      const fromStart = Buffer.compare(k, o.start);
      const toEnd = Buffer.compare(k, o.end);
      const inclusive = o.inclusiveEnd === true;
      if (o.reverse === true) return fromStart <= 0 && (inclusive ? toEnd >= 0 : toEnd > 0);
      return fromStart >= 0 && (inclusive ? toEnd <= 0 : toEnd < 0);
    });
    inRange.sort(Buffer.compare);
    if (o.reverse === true) inRange.reverse();
    return inRange.map((k) => ({ key: k.toString('hex'), value: show(this.get(db, k)) }));
  }
}

function show(value: Buffer | null | undefined): string | null {
  return value === undefined || value === null ? null : value.toString('hex');
}

/** A small deterministic generator (xorshift32), so a failure replays from its seed. */
function random(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** Keys of one to three bytes from a small alphabet: many equal keys and prefixes of keys. */
function key(next: (n: number) => number): Buffer {
  return Buffer.from(Array.from({ length: 1 + next(3) }, () => next(4) * 60));
}

function frame(next: (n: number) => number, ascendingFrom: { at: number }): Op[] {
  const ops: Op[] = [];
  const style = next(4);
  for (let i = 0, n = 1 + next(6); i < n; i++) {
    const db = next(2);
    let k: Buffer;
    if (style === 0) {
      const at = ascendingFrom.at++; // keys in ascending order, as an index keyed by LSN
      k = Buffer.from([0xff, (at >> 8) & 0xff, at & 0xff]);
    }
    else if (style === 1) k = Buffer.from([0x10]); // the same key again, as a segment's metadata
    else k = key(next);
    const value = next(5) === 0 ? undefined : Buffer.from([next(256), next(256)]);
    ops.push({ db, key: k, value });
  }
  return ops;
}

function check(overlay: Overlay, model: Model, next: (n: number) => number): void {
  for (let i = 0; i < 4; i++) {
    const db = next(2);
    const k = key(next);
    expect(show(overlay.get(db, k)), `get ${k.toString('hex')}`).toEqual(show(model.get(db, k)));
    const [a, b] = [key(next), key(next)].sort(Buffer.compare) as [Buffer, Buffer];
    const reverse = next(2) === 0;
    const options: RangeOptions = {
      start: reverse ? b : a,
      end: reverse ? a : b,
      inclusiveEnd: next(2) === 0,
      reverse,
    };
    const got = [...overlay.range(db, options)].map((op) => ({
      key: op.key.toString('hex'),
      value: op.value === undefined ? null : op.value.toString('hex'),
    }));
    expect(got, JSON.stringify(options)).toEqual(model.range(db, options));
  }
}

describe('hot-log overlay', () => {
  // Reads after about every third frame sort a few keys in at a time; rare reads, many at once.
  for (const [seed, readOdds] of [[1, 3], [7, 3], [42, 60], [1234, 60], [99, 1]] as const) {
    it(`agrees with a model of its writes through random frames (seed ${seed})`, () => {
      const next = random(seed);
      const overlay = new Overlay(2);
      const model = new Model();
      const ascending = { at: 0 };
      let frozen: ReturnType<Overlay['freeze']> | undefined;
      for (let step = 0; step < 1500; step++) {
        const ops = frame(next, ascending);
        overlay.applyFrame(body(ops));
        model.apply(ops);
        if (next(readOdds) === 0) check(overlay, model, next);
        if (next(40) === 0) {
          if (frozen === undefined) {
            frozen = overlay.freeze();
            model.frozen = model.active;
            model.active = new Map();
          } else {
            overlay.release(frozen);
            frozen = undefined;
            // What a flush wrote is LMDB's now: the model's reads no longer see it here.
            model.frozen = undefined;
          }
        }
      }
      check(overlay, model, next);
    });
  }

  it('reads a range as the reader goes, resuming after its last key when keys arrive', () => {
    const overlay = new Overlay(1);
    const put = (k: number, v = 0): Op => ({
      db: 0,
      key: Buffer.from([k]),
      value: Buffer.from([v]),
    });
    overlay.applyFrame(body([10, 20, 30, 40, 50].map((k) => put(k))));
    const range = overlay.range(0, { start: Buffer.from([0]), end: Buffer.from([100]) });
    const seen = [range.next().value?.key[0], range.next().value?.key[0]];
    overlay.applyFrame(body([put(15), put(35), put(30, 9), put(60)]));
    expect(overlay.get(0, Buffer.from([15]))).toEqual(Buffer.from([0])); // sorts the new keys in
    const rest = [...range].map((op) => [op.key[0], op.value?.[0]]);
    expect(seen).toEqual([10, 20]);
    expect(rest).toEqual([[30, 9], [35, 0], [40, 0], [50, 0], [60, 0]]);
    // Again, stopping on a key of the recent run (15), with keys sorted in on both sides of it.
    const again = overlay.range(0, { start: Buffer.from([0]), end: Buffer.from([100]) });
    const first = [again.next().value?.key[0], again.next().value?.key[0]];
    overlay.applyFrame(body([put(12), put(17)]));
    expect(overlay.get(0, Buffer.from([17]))).toEqual(Buffer.from([0]));
    expect(first).toEqual([10, 15]);
    expect([...again].map((op) => op.key[0])).toEqual([17, 20, 30, 35, 40, 50, 60]);
  });

  it('gives the flush each key once, with its newest write (O1, O3)', () => {
    const overlay = new Overlay(1);
    const put = (k: number, v: number): Op => ({
      db: 0,
      key: Buffer.from([k]),
      value: Buffer.from([v]),
    });
    overlay.applyFrame(body([put(5, 1), put(3, 1), put(5, 2)]));
    overlay.applyFrame(body([put(3, 2), { db: 0, key: Buffer.from([4]), value: undefined }]));
    overlay.applyFrame(body([put(5, 3), put(9, 1), put(9, 2)]));
    const ops = overlay.active.ops().map((op) => [op.key[0], op.value?.[0] ?? null]);
    expect(ops).toEqual([[3, 2], [4, null], [5, 3], [9, 2]]);
    expect(overlay.active.size).toBe(8);
  });
});
