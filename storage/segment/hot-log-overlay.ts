/**
 * The hot log's overlay: the effect of the log frames that are synced but not yet in LMDB, as
 * ordered maps of keys per database, and the merge of those maps over LMDB's reads.
 *
 * Two layers, as an LSM tree's memtables: `active` takes the writes of every newly synced frame;
 * a flush freezes it (it becomes `frozen`, and a new empty `active` takes later frames), writes
 * the frozen layer to LMDB, and drops it whole once that transaction has committed. A layer maps
 * a key to its newest value there, or to a tombstone (the key was removed). Point reads ask
 * active, then frozen, then LMDB; ranges merge the three in key order (ST3: keys are
 * big-endian, so key order is LSN order), the newer layer winning on equal keys, tombstones
 * hiding what is below them.
 *
 * Invariants (numbered after hot-log.ts's H1–H6):
 *   (O1) A layer's sorted key list, together with its keys not yet sorted, names exactly the
 *        keys of its map; reads sort the pending keys in before they use the list.
 *   (O2) A frozen layer is dropped only once the LMDB transaction that wrote it has committed,
 *        and there is at most one: every frame in it is older than every frame in `active`.
 */
import assert from 'node:assert/strict';

/** One write in a frame: a put (value) or a removal (value undefined) of a key in a database. */
export interface Op {
  readonly db: number;
  readonly key: Buffer;
  readonly value: Buffer | undefined;
}

/** An op's header in a frame: u8 db, u8 kind (1 put, 0 remove), u16 key and u32 value length. */
export const OP_HEADER_SIZE = 8;

export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** A key range as lmdb-js spells it: reverse ranges run from start (inclusive) down to end. */
export interface RangeOptions {
  readonly start: Buffer;
  readonly end: Buffer;
  readonly inclusiveEnd?: boolean;
  readonly reverse?: boolean;
}

/** A layer's view of one database: a key's newest value, or null (a tombstone). */
class DbLayer {
  /** latin1 strings of the keys, so string order is byte order. */
  readonly entries = new Map<string, Buffer | null>();
  /** O1: sorted keys, and keys added since the last sort. */
  private sorted: string[] = [];
  private pending: string[] = [];

  set(key: string, value: Buffer | null): void {
    if (!this.entries.has(key)) this.pending.push(key);
    this.entries.set(key, value);
  }

  /** O1: the keys in order, sorting in what was added since the last call. */
  keys(): readonly string[] {
    if (this.pending.length === 0) return this.sorted;
    const add = this.pending.sort();
    this.pending = [];
    const old = this.sorted;
    const merged: string[] = new Array<string>(old.length + add.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < add.length) {
      merged[k++] = (old[i] as string) < (add[j] as string) ? old[i++]! : add[j++]!;
    }
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < add.length) merged[k++] = add[j++]!;
    this.sorted = merged;
    assert.equal(merged.length, this.entries.size, 'O1: the key list names the map');
    return merged;
  }

  /** The entries of a range, in the range's order (tombstones included). */
  range(db: number, options: RangeOptions): Op[] {
    if (this.entries.size === 0) return [];
    const keys = this.keys();
    const start = options.start.toString('latin1');
    const end = options.end.toString('latin1');
    const inclusive = options.inclusiveEnd === true;
    const out: Op[] = [];
    if (options.reverse === true) {
      for (let i = upperBound(keys, start) - 1; i >= 0; i--) {
        const k = keys[i] as string;
        if (inclusive ? k < end : k <= end) break;
        out.push(this.op(db, k));
      }
    } else {
      for (let i = lowerBound(keys, start); i < keys.length; i++) {
        const k = keys[i] as string;
        if (inclusive ? k > end : k >= end) break;
        out.push(this.op(db, k));
      }
    }
    return out;
  }

  /** The entry of a key the map holds, as an Op (its key bytes made again from the string). */
  op(db: number, key: string): Op {
    const value = this.entries.get(key);
    assert(value !== undefined, 'O1: the key list names the map');
    return { db, key: Buffer.from(key, 'latin1'), value: value ?? undefined };
  }
}

/** The writes of some consecutive synced frames. */
export class Layer {
  readonly dbs: DbLayer[] = [];
  /** Value bytes (a flush starts early when the active layer grows past FLUSH_BYTES). */
  bytes = 0;
  size = 0;

  constructor(dbCount: number) {
    for (let i = 0; i < dbCount; i++) this.dbs.push(new DbLayer());
  }

  /** Every newest write, for a flush. */
  ops(): Op[] {
    const out: Op[] = [];
    this.dbs.forEach((db, i) => {
      for (const [key, value] of db.entries) {
        out.push({ db: i, key: Buffer.from(key, 'latin1'), value: value ?? undefined });
      }
    });
    return out;
  }
}

export class Overlay {
  active: Layer;
  frozen: Layer | undefined;

  constructor(private readonly dbCount: number) {
    this.active = new Layer(dbCount);
  }

  get size(): number {
    return this.active.size + (this.frozen?.size ?? 0);
  }

  /**
   * Applies one synced frame's writes, in order (H3: frames are applied in log order): `body`
   * holds its ops as hot-log.ts encodes them. The values stay views of the frame, and no object
   * is made per op but the key's string: what a layer holds lives until the next flush, so what
   * it allocates is what the young generation's collections copy.
   */
  applyFrame(body: Buffer): void {
    const layer = this.active;
    forEachOp(body, (db, key, keyEnd, valueEnd) => {
      const value = valueEnd < 0 ? null : body.subarray(keyEnd, valueEnd);
      this.db(layer, db).set(body.toString('latin1', key, keyEnd), value);
      layer.bytes += Math.max(valueEnd, keyEnd) - key;
      layer.size++;
    });
  }

  /** O2: starts a flush: later frames go to a new active layer. */
  freeze(): Layer {
    assert(this.frozen === undefined, 'O2: one frozen layer at a time');
    this.frozen = this.active;
    this.active = new Layer(this.dbCount);
    return this.frozen;
  }

  /** O2: the frozen layer is in LMDB now. */
  release(layer: Layer): void {
    assert(this.frozen === layer, 'O2: the layer released is the frozen one');
    this.frozen = undefined;
  }

  /** undefined: the overlay does not know the key; null: a tombstone (the key was removed). */
  get(db: number, key: Buffer): Buffer | null | undefined {
    const skey = key.toString('latin1');
    const active = this.db(this.active, db).entries.get(skey);
    if (active !== undefined || this.frozen === undefined) return active;
    return this.db(this.frozen, db).entries.get(skey);
  }

  /** The overlay's entries of a range, in the range's order, the newer layer's on equal keys. */
  range(db: number, options: RangeOptions): Op[] {
    const active = this.db(this.active, db).range(db, options);
    if (this.frozen === undefined) return active;
    const frozen = this.db(this.frozen, db).range(db, options);
    if (frozen.length === 0) return active;
    if (active.length === 0) return frozen;
    const sign = options.reverse === true ? -1 : 1;
    const out: Op[] = [];
    let i = 0;
    let j = 0;
    while (i < active.length || j < frozen.length) {
      const a = active[i];
      const f = frozen[j];
      let order = a === undefined ? 1 : -1;
      if (a !== undefined && f !== undefined) order = Buffer.compare(a.key, f.key) * sign;
      if (order <= 0) {
        out.push(a as Op);
        i++;
        if (order === 0) j++;
      } else {
        out.push(f as Op);
        j++;
      }
    }
    return out;
  }

  private db(layer: Layer, db: number): DbLayer {
    const found = layer.dbs[db];
    assert(found !== undefined, 'overlay database id');
    return found;
  }
}

/**
 * Calls `visit` for each op of a frame's body, in order, with the op's database and the offsets
 * in `body` where its key starts and ends and where its value (from the key's end) ends: -1 for
 * a removal.
 */
export function forEachOp(
  body: Buffer,
  visit: (db: number, key: number, keyEnd: number, valueEnd: number) => void,
): void {
  let at = 0;
  while (at < body.length) {
    const put = body[at + 1] === 1;
    const keyEnd = at + OP_HEADER_SIZE + body.readUInt16BE(at + 2);
    const valueEnd = put ? keyEnd + body.readUInt32BE(at + 4) : -1;
    visit(body[at] as number, at + OP_HEADER_SIZE, keyEnd, valueEnd);
    at = put ? valueEnd : keyEnd;
  }
  assert.equal(at, body.length, 'forEachOp: the ops fill the body');
}

/**
 * Merges LMDB's range (`base`) with the overlay's entries of the same range: on equal keys the
 * overlay wins, and its tombstones hide LMDB's value (ST3: the result is in key order).
 */
export function* mergeRange(
  base: Iterable<KeyValue>,
  overlay: readonly Op[],
  reverse: boolean,
): Generator<KeyValue> {
  const it = base[Symbol.iterator]();
  try {
    let b = it.next();
    let i = 0;
    for (;;) {
      const o = overlay[i];
      if (b.done === true && o === undefined) return;
      let order: number;
      if (b.done === true) order = 1;
      else if (o === undefined) order = -1;
      else order = Buffer.compare(b.value.key, o.key) * (reverse ? -1 : 1);
      if (order < 0 && b.done !== true) {
        yield b.value;
        b = it.next();
        continue;
      }
      assert(o !== undefined, 'mergeRange: an overlay entry is next');
      if (order === 0) b = it.next();
      i++;
      if (o.value !== undefined) yield { key: o.key, value: o.value };
    }
  } finally {
    it.return?.();
  }
}

function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
