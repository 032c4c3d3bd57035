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
 * A layer keeps the bodies of the frames applied to it, numbers their ops in log order, and
 * gives each key the number of its newest op (a small integer: where that op lies is in two
 * arrays of the layer), not a copy or a view of its value: applying a frame allocates nothing per
 * op but the key's string. Views of keys and values are made only for what is read, and for the
 * flush. A database's keys are a sorted run, not a hash map: keys that arrive in order (an index
 * keyed by LSN) or that rewrite the last key (a segment's metadata) cost an array push or a
 * store; the rest wait in log order until a read sorts them in. A hash map's insert cost the
 * storage thread more than anything else the hot log did (its table outgrows the caches).
 *
 * Invariants (numbered after hot-log.ts's H1–H6):
 *   (O1) A database's sorted keys are unique and ascending, each with the number of its newest
 *        op among those sorted in; its pending keys are the ones written since, in log order.
 *        Every read sorts the pending keys in first (stably, so of equal keys the newer op wins),
 *        so reads see every op applied.
 *   (O2) A frozen layer is dropped only once the LMDB transaction that wrote it has committed,
 *        and there is at most one: every frame in it is older than every frame in `active`.
 *   (O3) A layer's entry for a key points at the op, in one of the layer's own bodies, of the
 *        newest frame applied to it that wrote that key: that op's key is the key, and its kind
 *        (put or remove) and value are the entry's.
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

/** Keys in order (latin1 strings: string order is byte order), each with its newest op. */
interface Run {
  readonly keys: string[];
  readonly refs: number[];
}

/**
 * A layer's view of one database: its keys, each with its newest op in the bodies (O1, O3). The
 * sorted keys are two runs: `base`, and `recent`, a smaller one of keys sorted in since base was
 * last rebuilt, whose entries win over base's; a read merges pending keys into recent, and
 * recent into base once it holds an eighth of base's: a read costs about what was written since
 * the last one, not a copy of everything.
 */
class DbLayer {
  private base: Run = { keys: [], refs: [] };
  private recent: Run = { keys: [], refs: [] };
  /** O1: keys written since the last read, in log order, and their ops. */
  private pendingKeys: string[] = [];
  private pendingRefs: number[] = [];
  /** Bumped whenever the runs are rebuilt: a walk then finds its place again by key. */
  private version = 0;

  set(key: string, ref: number): void {
    const pending = this.pendingKeys.length;
    if (pending > 0) {
      if (key === this.pendingKeys[pending - 1]) this.pendingRefs[pending - 1] = ref;
      else {
        this.pendingKeys.push(key);
        this.pendingRefs.push(ref);
      }
      return;
    }
    const base = this.base;
    const n = base.keys.length;
    const last = base.keys[n - 1];
    if (this.recent.keys.length === 0 && (last === undefined || key > last)) {
      base.keys.push(key); // in order, after everything: no sort needed
      base.refs.push(ref);
    } else if (this.recent.keys.length === 0 && key === last) {
      base.refs[n - 1] = ref;
    } else {
      this.pendingKeys.push(key);
      this.pendingRefs.push(ref);
    }
  }

  /** O1: every key, in order, with its newest op, as one run (the flush). */
  entries(): Run {
    this.settle();
    if (this.recent.keys.length > 0) {
      this.base = mergeRuns(this.base, this.recent);
      this.recent = { keys: [], refs: [] };
      this.version++;
    }
    return this.base;
  }

  /** The newest op of a key, if the layer has one. */
  get(key: string): number | undefined {
    this.settle();
    for (const run of [this.recent, this.base]) {
      const i = lowerBound(run.keys, key);
      if (run.keys[i] === key) return run.refs[i];
    }
    return undefined;
  }

  /**
   * The entries of a range, in the range's order (tombstones included), read as the reader goes:
   * a reader that stops after a few entries pays for those (a scrub step, a floor lookup). Keys
   * written while it reads are sorted in (O1), and it resumes after the last key it gave.
   */
  *walk(layer: Layer, db: number, options: RangeOptions): Generator<Op, void, undefined> {
    this.settle();
    const start = options.start.toString('latin1');
    const end = options.end.toString('latin1');
    const inclusive = options.inclusiveEnd === true;
    const reverse = options.reverse === true;
    const step = reverse ? -1 : 1;
    const seek = (keys: readonly string[], key: string, after: boolean): number => {
      if (reverse) return (after ? lowerBound(keys, key) : upperBound(keys, key)) - 1;
      return after ? upperBound(keys, key) : lowerBound(keys, key);
    };
    let version = this.version;
    let i = seek(this.base.keys, start, false);
    let j = seek(this.recent.keys, start, false);
    for (;;) {
      const b = this.base.keys[i];
      const r = this.recent.keys[j];
      let key: string;
      let ref: number;
      if (r === undefined || (b !== undefined && (reverse ? b > r : b < r))) {
        if (b === undefined) return;
        key = b;
        ref = this.base.refs[i] as number;
        i += step;
      } else {
        key = r; // recent wins over an equal base key
        ref = this.recent.refs[j] as number;
        if (b === r) i += step;
        j += step;
      }
      if (reverse ? (inclusive ? key < end : key <= end) : inclusive ? key > end : key >= end) {
        return;
      }
      yield layer.op(db, ref);
      this.settle();
      if (this.version !== version) {
        version = this.version;
        i = seek(this.base.keys, key, true);
        j = seek(this.recent.keys, key, true);
      }
    }
  }

  /**
   * O1: sorts the pending keys into recent (stably, so of equal pending keys the last, the
   * newest op, is kept; a pending key wins over an equal sorted one), and recent into base once
   * it has grown.
   */
  private settle(): void {
    if (this.pendingKeys.length === 0) return;
    const pending = sortPending(this.pendingKeys, this.pendingRefs);
    this.pendingKeys = [];
    this.pendingRefs = [];
    this.version++;
    this.recent = mergeRuns(this.recent, pending);
    if (this.recent.keys.length > Math.max(RECENT_MIN, this.base.keys.length >> 3)) {
      this.base = mergeRuns(this.base, this.recent);
      this.recent = { keys: [], refs: [] };
    }
  }
}

/** Keys the recent run holds before it is merged into base, however small base is. */
const RECENT_MIN = 256;

/** Pending keys and ops as a run: sorted stably, the last (newest) of equal keys kept. */
function sortPending(keys: readonly string[], refs: readonly number[]): Run {
  const order = keys.map((_, i) => i);
  if (!ascending(keys)) order.sort((a, b) => compareStrings(keys[a] as string, keys[b] as string));
  const out: Run = { keys: [], refs: [] };
  for (let j = 0; j < order.length; j++) {
    const at = order[j] as number;
    const key = keys[at] as string;
    const next = order[j + 1];
    if (next !== undefined && keys[next] === key) continue; // a newer op of the key follows
    out.keys.push(key);
    out.refs.push(refs[at] as number);
  }
  return out;
}

/** Two runs as one, `newer`'s entry winning on equal keys. */
function mergeRuns(older: Run, newer: Run): Run {
  if (newer.keys.length === 0) return older;
  if (older.keys.length === 0) return newer;
  const out: Run = { keys: [], refs: [] };
  let i = 0;
  let j = 0;
  while (i < older.keys.length || j < newer.keys.length) {
    const o = older.keys[i];
    const n = newer.keys[j];
    if (n === undefined || (o !== undefined && o < n)) {
      out.keys.push(o as string);
      out.refs.push(older.refs[i++] as number);
    } else {
      if (o === n) i++;
      out.keys.push(n);
      out.refs.push(newer.refs[j++] as number);
    }
  }
  return out;
}

function ascending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    if (!((keys[i - 1] as string) < (keys[i] as string))) return false;
  }
  return true;
}

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** The writes of some consecutive synced frames. */
export class Layer {
  readonly dbs: DbLayer[] = [];
  /** The bodies of the frames applied here, in log order (O3: the entries point into them). */
  readonly bodies: Buffer[] = [];
  /** Per op applied here, by its number (an entry's reference): its body's index, its offset. */
  readonly opBody: number[] = [];
  readonly opAt: number[] = [];
  /** Value bytes (a flush starts early when the active layer grows past FLUSH_BYTES). */
  bytes = 0;
  size = 0;

  constructor(dbCount: number) {
    for (let i = 0; i < dbCount; i++) this.dbs.push(new DbLayer());
  }

  /**
   * Every newest write, for a flush, in key order per database: views of the op's key and value
   * in its body (value undefined: a removal). No object is made per op but the two views.
   */
  forEachOp(visit: (db: number, key: Buffer, value: Buffer | undefined) => void): void {
    for (let db = 0; db < this.dbs.length; db++) {
      for (const ref of (this.dbs[db] as DbLayer).entries().refs) {
        const body = this.bodies[this.opBody[ref] ?? -1];
        const at = this.opAt[ref];
        assert(body !== undefined && at !== undefined, 'O3: an entry points into its layer');
        const keyEnd = at + OP_HEADER_SIZE + keyLength(body, at);
        const key = body.subarray(at + OP_HEADER_SIZE, keyEnd);
        if (body[at + 1] !== 1) visit(db, key, undefined);
        else visit(db, key, body.subarray(keyEnd, keyEnd + valueLength(body, at)));
      }
    }
  }

  /** forEachOp's writes as Ops (tests). */
  ops(): Op[] {
    const out: Op[] = [];
    this.forEachOp((db, key, value) => out.push({ db, key, value }));
    return out;
  }

  /** O3: the op a reference points at, its key and value views of its body. */
  op(db: number, ref: number): Op {
    const body = this.bodies[this.opBody[ref] ?? -1];
    const at = this.opAt[ref];
    assert(body !== undefined && at !== undefined, 'O3: an entry points into its layer');
    const keyEnd = at + OP_HEADER_SIZE + keyLength(body, at);
    const value =
      body[at + 1] === 1 ? body.subarray(keyEnd, keyEnd + valueLength(body, at)) : undefined;
    return { db, key: body.subarray(at + OP_HEADER_SIZE, keyEnd), value };
  }

  /** O3: the value of the op a reference points at, or null for a removal. */
  value(ref: number): Buffer | null {
    const body = this.bodies[this.opBody[ref] ?? -1];
    const at = this.opAt[ref];
    assert(body !== undefined && at !== undefined, 'O3: an entry points into its layer');
    if (body[at + 1] !== 1) return null;
    const keyEnd = at + OP_HEADER_SIZE + keyLength(body, at);
    return body.subarray(keyEnd, keyEnd + valueLength(body, at));
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
   * holds its ops as hot-log.ts encodes them. The layer keeps the body and points each key at
   * its op (O3): nothing is made per op but the key's string, for what a layer holds lives
   * until the next flush, so what it allocates is what the young generation's collections copy.
   */
  applyFrame(body: Buffer): void {
    const layer = this.active;
    const index = layer.bodies.length;
    layer.bodies.push(body);
    let at = 0;
    while (at < body.length) {
      const put = body[at + 1] === 1;
      const key = at + OP_HEADER_SIZE;
      const keyEnd = key + keyLength(body, at);
      const end = put ? keyEnd + valueLength(body, at) : keyEnd;
      this.db(layer, body[at] as number).set(body.toString('latin1', key, keyEnd), layer.size);
      layer.opBody.push(index);
      layer.opAt.push(at);
      layer.bytes += end - key;
      layer.size++;
      at = end;
    }
    assert.equal(at, body.length, 'applyFrame: the ops fill the body');
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
    const active = this.db(this.active, db).get(skey);
    if (active !== undefined) return this.active.value(active);
    if (this.frozen === undefined) return undefined;
    const frozen = this.db(this.frozen, db).get(skey);
    return frozen === undefined ? undefined : this.frozen.value(frozen);
  }

  /**
   * The overlay's entries of a range, in the range's order, the newer layer's on equal keys
   * (tombstones included), read lazily (DbLayer.walk).
   */
  range(db: number, options: RangeOptions): Iterator<Op, void, undefined> & Iterable<Op> {
    const active = this.db(this.active, db).walk(this.active, db, options);
    const frozen = this.frozen;
    if (frozen === undefined) return active;
    return mergeLayers(active, this.db(frozen, db).walk(frozen, db, options), options);
  }

  private db(layer: Layer, db: number): DbLayer {
    const found = layer.dbs[db];
    assert(found !== undefined, 'overlay database id');
    return found;
  }
}

/** Two layers' walks of one range merged, the active layer's entry winning on equal keys. */
function* mergeLayers(
  active: Iterator<Op, void, undefined>,
  frozen: Iterator<Op, void, undefined>,
  options: RangeOptions,
): Generator<Op, void, undefined> {
  const sign = options.reverse === true ? -1 : 1;
  let a = active.next();
  let f = frozen.next();
  while (a.done !== true || f.done !== true) {
    let order = a.done === true ? 1 : -1;
    if (a.done !== true && f.done !== true) {
      order = Buffer.compare(a.value.key, f.value.key) * sign;
    }
    if (order <= 0 && a.done !== true) {
      yield a.value;
      a = active.next();
      if (order === 0) f = frozen.next();
    } else if (f.done !== true) {
      yield f.value;
      f = frozen.next();
    }
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
    const keyEnd = at + OP_HEADER_SIZE + keyLength(body, at);
    const valueEnd = put ? keyEnd + valueLength(body, at) : -1;
    visit(body[at] as number, at + OP_HEADER_SIZE, keyEnd, valueEnd);
    at = put ? valueEnd : keyEnd;
  }
  assert.equal(at, body.length, 'forEachOp: the ops fill the body');
}

/**
 * Merges LMDB's range (`base`) with the overlay's entries of the same range (`overlay`, whose
 * next result is `first`): on equal keys the overlay wins, and its tombstones hide LMDB's value
 * (ST3: the result is in key order). Both are read as the result is.
 */
export function* mergeRange(
  base: Iterable<KeyValue>,
  overlay: Iterator<Op, void, undefined>,
  first: IteratorResult<Op, void>,
  reverse: boolean,
): Generator<KeyValue> {
  const it = base[Symbol.iterator]();
  try {
    let b = it.next();
    let o = first;
    for (;;) {
      if (b.done === true && o.done === true) return;
      let order: number;
      if (b.done === true) order = 1;
      else if (o.done === true) order = -1;
      else order = Buffer.compare(b.value.key, o.value.key) * (reverse ? -1 : 1);
      if (order < 0 && b.done !== true) {
        yield b.value;
        b = it.next();
        continue;
      }
      assert(o.done !== true, 'mergeRange: an overlay entry is next');
      const op = o.value;
      if (order === 0) b = it.next();
      o = overlay.next();
      if (op.value !== undefined) yield { key: op.key, value: op.value };
    }
  } finally {
    it.return?.();
  }
}

/** An op's key length (its header's u16 at 2): byte reads, no Buffer method on hot paths. */
function keyLength(body: Buffer, at: number): number {
  return ((body[at + 2] as number) << 8) | (body[at + 3] as number);
}

/** An op's value length (its header's u32 at 4). */
function valueLength(body: Buffer, at: number): number {
  const high = (body[at + 4] as number) * 0x100_0000;
  const low = ((body[at + 5] as number) << 16) | ((body[at + 6] as number) << 8);
  return high + (low | (body[at + 7] as number));
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
