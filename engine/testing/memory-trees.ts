/**
 * MemoryTrees: an in-memory test double of the Trees seam (btree/api.ts), used ONLY by tests, so
 * the SQL layer can be tested without pages or storage. Each tree is a sorted array of entries.
 *
 * It honours the seam's contract: (T1) a tree keeps its root id; (T2) an Mtr's changes go to a
 * copy-on-write pending version of each tree it touches, `rollback` drops those versions,
 * `commit` makes them the newest committed state (and can be told to fail, to test an unknown
 * commit outcome); (T3) one Mtr at a time; (T4) entries handed out are copies; (T5) oversized
 * keys and entries are assertion failures; (T6, T7) a snapshot reads the versions as of its
 * commit number, kept until it is released; (T9) `commitStep` commits like `commit` and keeps the
 * Mtr open, `rollbackStep` drops the versions made since; (T10) a bulk load appends in key order.
 * Everything committed counts as durable at once.
 *
 * A new MemoryTrees has an empty catalog tree; keep the instance to "restart" an engine over it.
 */
import assert from 'node:assert/strict';
import { type Lsn, type PageId, pageId } from '../../storage/index.js';
import {
  type BulkLoad,
  ENTRY_SIZE_MAX,
  type Entry,
  KEY_SIZE_MAX,
  type KeyRange,
  type Mtr,
  type Snapshot,
  type Trees,
  type ValueReader,
} from '../btree/api.js';
import { SqlError } from '../errors.js';

/** One state of a tree: from the commit numbered `from` on (null: the tree does not exist). */
interface TreeVersion {
  readonly from: number;
  entries: Entry[] | null;
}

interface OpenMtr extends Mtr {
  /** Trees this Mtr gave a new (pending) version. */
  readonly touched: Set<PageId>;
}

/** Entries per scan batch, like one leaf's worth. */
const BATCH = 64;

function copy(entry: Entry): Entry {
  return { key: Buffer.from(entry.key), value: Buffer.from(entry.value) };
}

/** First index whose key is ≥ key (or > key when `after`). */
function search(entries: readonly Entry[], key: Buffer, after: boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = Buffer.compare((entries[mid] as Entry).key, key);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryTrees implements Trees {
  readonly catalogRoot: PageId;
  /** Versions of each tree, oldest first; the open Mtr's pending version is last. */
  private readonly trees = new Map<PageId, TreeVersion[]>();
  /** Commits so far: the LSN-like number of the newest committed state. */
  private committed = 0;
  private readonly readPoints = new Map<number, number>();
  private nextPage = 1;
  private nextMtr = 1;
  private open: OpenMtr | undefined;
  /** Set to make the next commit reject (durability not confirmed: outcome unknown). */
  failNextCommit = false;
  /** Count of commits, for tests. */
  commits = 0;

  constructor() {
    this.catalogRoot = this.allocate();
    this.trees.set(this.catalogRoot, [{ from: 0, entries: [] }]);
  }

  private allocate(): PageId {
    return pageId(this.nextPage++);
  }

  /** The tree's entries now (the open Mtr's changes included), or as of a snapshot. */
  private tree(root: PageId, at?: Snapshot): Entry[] {
    const versions = this.trees.get(root) ?? [];
    const limit = at === undefined ? Infinity : at.lsn;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i] as TreeVersion;
      if (v.from <= limit) {
        assert(v.entries !== null, 'T1: the tree exists');
        return v.entries;
      }
    }
    return assert.fail('T1: the tree exists');
  }

  /** The pending version of `root` for the open Mtr, made copy-on-write on first touch. */
  private writable(open: OpenMtr, root: PageId): Entry[] {
    const versions = this.trees.get(root);
    assert(versions !== undefined, 'T1: the tree exists');
    const last = versions.at(-1) as TreeVersion;
    if (!open.touched.has(root)) {
      assert(last.entries !== null, 'T1: the tree exists');
      versions.push({ from: this.committed + 1, entries: [...last.entries] });
      open.touched.add(root);
      return (versions.at(-1) as TreeVersion).entries as Entry[];
    }
    assert(last.entries !== null, 'T1: the tree exists');
    return last.entries;
  }

  private mtr(mtr: Mtr): OpenMtr {
    assert(this.open !== undefined && mtr.id === this.open.id, 'T3: the open Mtr');
    return this.open;
  }

  async begin(): Promise<Mtr> {
    return this.beginNow();
  }

  beginNow(): Mtr {
    assert(this.open === undefined, 'T3: one Mtr at a time');
    this.open = { id: this.nextMtr++, touched: new Set() };
    return this.open;
  }

  commit(mtr: Mtr): Promise<void> {
    const open = this.mtr(mtr);
    this.open = undefined;
    this.commitTouched(open);
    if (this.failNextCommit) {
      this.failNextCommit = false;
      return Promise.reject(
        new SqlError('ER_ERROR_DURING_COMMIT', [4, 'durability not confirmed']),
      );
    }
    return Promise.resolve();
  }

  private commitTouched(open: OpenMtr): void {
    this.commits++;
    if (open.touched.size > 0) {
      this.committed++;
      for (const root of open.touched) this.prune(root);
    }
    open.touched.clear();
  }

  rollback(mtr: Mtr): void {
    this.rollbackStep(mtr);
    this.open = undefined;
  }

  /** T9: the Mtr's changes so far become the newest committed state; it stays open. */
  commitStep(mtr: Mtr): Promise<void> {
    this.commitTouched(this.mtr(mtr));
    return Promise.resolve();
  }

  rollbackStep(mtr: Mtr): void {
    const open = this.mtr(mtr);
    for (const root of open.touched) {
      const versions = this.trees.get(root) as TreeVersion[];
      versions.pop();
      if (versions.length === 0) this.trees.delete(root);
    }
    open.touched.clear();
  }

  /** Drops versions no snapshot can read (keeps the newest and each read point's). */
  private prune(root: PageId): void {
    const versions = this.trees.get(root);
    if (versions === undefined) return;
    const points = [...this.readPoints.keys()];
    const kept = versions.filter((v, i) => {
      const next = versions[i + 1];
      if (next === undefined) return true;
      return points.some((p) => p >= v.from && p < next.from);
    });
    if (kept.length === 1 && kept[0]?.entries === null) this.trees.delete(root);
    else this.trees.set(root, kept);
  }

  private register(at = this.committed): Snapshot {
    this.readPoints.set(at, (this.readPoints.get(at) ?? 0) + 1);
    let released = false;
    return {
      lsn: at as Lsn,
      release: () => {
        assert(!released, 'T7: a snapshot is released once');
        released = true;
        const n = (this.readPoints.get(at) ?? 0) - 1;
        if (n > 0) this.readPoints.set(at, n);
        else this.readPoints.delete(at);
      },
    };
  }

  snapshot(): Snapshot {
    return this.register();
  }

  snapshotAt(lsn: Lsn): Snapshot {
    assert(lsn <= this.committed, 'T6: a read point at or below VDL');
    return this.register(lsn);
  }

  latest(): Snapshot {
    return this.register();
  }

  latestLsn(): Lsn {
    return this.committed as Lsn;
  }

  /** Everything committed counts as durable at once. */
  waitDurable(): Promise<void> {
    return Promise.resolve();
  }

  async createTree(mtr: Mtr): Promise<PageId> {
    const open = this.mtr(mtr);
    const root = this.allocate();
    this.trees.set(root, [{ from: this.committed + 1, entries: [] }]);
    open.touched.add(root);
    return root;
  }

  async dropTree(mtr: Mtr, root: PageId): Promise<void> {
    const open = this.mtr(mtr);
    assert(root !== this.catalogRoot, 'the catalog tree is never dropped');
    this.writable(open, root);
    const versions = this.trees.get(root) as TreeVersion[];
    (versions.at(-1) as TreeVersion).entries = null;
  }

  /** No pages to bound here: the tree goes in one change. */
  dropTreeInSteps(mtr: Mtr, root: PageId): Promise<void> {
    return this.dropTree(mtr, root);
  }

  /** T10: entries appended to an empty tree in increasing key order. */
  bulkLoad(mtr: Mtr, root: PageId): BulkLoad {
    assert.equal(this.tree(root).length, 0, 'T10: the tree is empty');
    let last: Buffer | undefined;
    return {
      append: async (key: Buffer, value: Buffer): Promise<void> => {
        this.checkSizes(key, value);
        assert(last === undefined || Buffer.compare(last, key) < 0, 'T10: increasing keys');
        last = Buffer.from(key);
        this.writable(this.mtr(mtr), root).push({ key: last, value: Buffer.from(value) });
      },
      flush: async (): Promise<void> => undefined,
    };
  }

  async get(root: PageId, key: Buffer, at?: Snapshot): Promise<Buffer | undefined> {
    const entries = this.tree(root, at);
    const entry = entries[search(entries, key, false)];
    return entry !== undefined && entry.key.equals(key) ? Buffer.from(entry.value) : undefined;
  }

  getCached(root: PageId, key: Buffer, at: Snapshot): Buffer | null {
    const entries = this.tree(root, at);
    const entry = entries[search(entries, key, false)];
    return entry !== undefined && entry.key.equals(key) ? Buffer.from(entry.value) : null;
  }

  latestCached(root: PageId, key: Buffer): Buffer | null {
    const at = this.latest();
    try {
      return this.getCached(root, key, at);
    } finally {
      at.release();
    }
  }

  async *scan(root: PageId, range: KeyRange, at?: Snapshot): AsyncIterable<readonly Entry[]> {
    let lastKey: Buffer | undefined;
    for (;;) {
      const entries = this.tree(root, at);
      const batch =
        range.reverse === true
          ? this.batchBackward(entries, range, lastKey)
          : this.batchForward(entries, range, lastKey);
      if (batch.length === 0) return;
      lastKey = (batch.at(-1) as Entry).key;
      yield batch;
    }
  }

  async *scanValues<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot | undefined,
    read: ValueReader<T>,
  ): AsyncIterable<readonly T[]> {
    for await (const batch of this.scan(root, range, at)) {
      yield batch.map((e) => read(e.value, 0, e.value.length));
    }
  }

  scanValuesCached<T>(
    root: PageId,
    range: KeyRange,
    at: Snapshot,
    read: ValueReader<T>,
    leavesMax: number,
  ): T[] | undefined {
    if (range.reverse === true) return undefined;
    const entries = this.tree(root, at);
    const values: T[] = [];
    let lastKey: Buffer | undefined;
    for (let leaf = 0; ; leaf++) {
      const batch = this.batchForward(entries, range, lastKey);
      if (batch.length === 0) return values;
      if (leaf >= leavesMax) return undefined;
      for (const e of batch) values.push(read(e.value, 0, e.value.length));
      lastKey = (batch.at(-1) as Entry).key;
    }
  }

  private batchForward(
    entries: readonly Entry[],
    range: KeyRange,
    after: Buffer | undefined,
  ): Entry[] {
    let i = 0;
    if (after !== undefined) i = search(entries, after, true);
    else if (range.lower !== undefined)
      i = search(entries, range.lower.key, !range.lower.inclusive);
    const batch: Entry[] = [];
    for (; i < entries.length && batch.length < BATCH; i++) {
      const entry = entries[i] as Entry;
      if (range.upper !== undefined) {
        const c = Buffer.compare(entry.key, range.upper.key);
        if (c > 0 || (c === 0 && !range.upper.inclusive)) break;
      }
      batch.push(copy(entry));
    }
    return batch;
  }

  private batchBackward(
    entries: readonly Entry[],
    range: KeyRange,
    before: Buffer | undefined,
  ): Entry[] {
    let i = entries.length - 1;
    if (before !== undefined) i = search(entries, before, false) - 1;
    else if (range.upper !== undefined)
      i = search(entries, range.upper.key, range.upper.inclusive) - 1;
    const batch: Entry[] = [];
    for (; i >= 0 && batch.length < BATCH; i--) {
      const entry = entries[i] as Entry;
      if (range.lower !== undefined) {
        const c = Buffer.compare(entry.key, range.lower.key);
        if (c < 0 || (c === 0 && !range.lower.inclusive)) break;
      }
      batch.push(copy(entry));
    }
    return batch;
  }

  private checkSizes(key: Buffer, value: Buffer): void {
    assert(key.length <= KEY_SIZE_MAX, 'T5: key size');
    assert(key.length + value.length <= ENTRY_SIZE_MAX, 'T5: entry size');
  }

  async insert(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    return this.insertCached(mtr, root, key, value);
  }

  async update(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    return this.updateCached(mtr, root, key, value);
  }

  async delete(mtr: Mtr, root: PageId, key: Buffer): Promise<boolean> {
    return this.deleteCached(mtr, root, key);
  }

  insertCached(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): boolean {
    const open = this.mtr(mtr);
    this.checkSizes(key, value);
    const current = this.tree(root);
    const i = search(current, key, false);
    if (current[i]?.key.equals(key) === true) return false;
    this.writable(open, root).splice(i, 0, { key: Buffer.from(key), value: Buffer.from(value) });
    return true;
  }

  updateCached(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): boolean {
    const open = this.mtr(mtr);
    this.checkSizes(key, value);
    const current = this.tree(root);
    const i = search(current, key, false);
    const old = current[i];
    if (old === undefined || !old.key.equals(key)) return false;
    this.writable(open, root)[i] = { key: old.key, value: Buffer.from(value) };
    return true;
  }

  deleteCached(mtr: Mtr, root: PageId, key: Buffer): boolean {
    const open = this.mtr(mtr);
    const current = this.tree(root);
    const i = search(current, key, false);
    const old = current[i];
    if (old === undefined || !old.key.equals(key)) return false;
    this.writable(open, root).splice(i, 1);
    return true;
  }

  /** Overflow chains by first page; never reused, so a snapshot always finds its chain (T8). */
  private readonly chains = new Map<PageId, Buffer>();
  /** Chains freed so far (for tests). */
  freedChains = 0;

  async writeOverflow(mtr: Mtr, bytes: Buffer): Promise<PageId> {
    this.mtr(mtr);
    const first = this.allocate();
    this.chains.set(first, Buffer.from(bytes));
    return first;
  }

  async readOverflow(first: PageId, length: number): Promise<Buffer> {
    const chain = this.chains.get(first);
    assert(chain !== undefined && chain.length === length, 'T8: the chain exists');
    return Buffer.from(chain);
  }

  async freeOverflow(mtr: Mtr, first: PageId): Promise<void> {
    this.mtr(mtr);
    assert(this.chains.has(first), 'T8: the chain exists');
    this.freedChains++;
  }

  /** For tests: the entries of a tree, or undefined when it does not exist. */
  entries(root: PageId): readonly Entry[] | undefined {
    return this.trees.get(root)?.at(-1)?.entries?.map(copy);
  }
}
