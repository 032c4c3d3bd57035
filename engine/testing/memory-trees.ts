/**
 * MemoryTrees: an in-memory test double of the Trees seam (btree/api.ts), used ONLY by tests, so
 * the SQL layer can be tested without pages or storage. Each tree is a sorted array of entries.
 *
 * It honours the seam's contract: (T1) a tree keeps its root id; (T2) changes apply at once and
 * are logged in the open Mtr, `rollback` undoes them in reverse, `commit` forgets the log (and
 * can be told to fail, to test an unknown commit outcome); (T3) one Mtr at a time; (T4) entries
 * handed out are copies; (T5) oversized keys and entries are assertion failures.
 *
 * A new MemoryTrees has an empty catalog tree; keep the instance to "restart" an engine over it.
 */
import assert from 'node:assert/strict';
import { type PageId, pageId } from '../../storage/index.js';
import {
  ENTRY_SIZE_MAX,
  type Entry,
  KEY_SIZE_MAX,
  type KeyRange,
  type Mtr,
  type Trees,
} from '../btree/api.js';
import { SqlError } from '../errors.js';

type Undo = () => void;

interface OpenMtr extends Mtr {
  readonly undo: Undo[];
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
  private readonly trees = new Map<PageId, Entry[]>();
  private nextPage = 1;
  private nextMtr = 1;
  private open: OpenMtr | undefined;
  /** Set to make the next commit reject (durability not confirmed: outcome unknown). */
  failNextCommit = false;
  /** Count of commits, for tests. */
  commits = 0;

  constructor() {
    this.catalogRoot = this.allocate();
    this.trees.set(this.catalogRoot, []);
  }

  private allocate(): PageId {
    return pageId(this.nextPage++);
  }

  private tree(root: PageId): Entry[] {
    const entries = this.trees.get(root);
    assert(entries !== undefined, 'T1: the tree exists');
    return entries;
  }

  private mtr(mtr: Mtr): OpenMtr {
    assert(this.open !== undefined && mtr.id === this.open.id, 'T3: the open Mtr');
    return this.open;
  }

  async begin(): Promise<Mtr> {
    assert(this.open === undefined, 'T3: one Mtr at a time');
    this.open = { id: this.nextMtr++, undo: [] };
    return this.open;
  }

  commit(mtr: Mtr): Promise<void> {
    this.mtr(mtr);
    this.open = undefined;
    this.commits++;
    if (this.failNextCommit) {
      this.failNextCommit = false;
      return Promise.reject(
        new SqlError('ER_ERROR_DURING_COMMIT', [4, 'durability not confirmed']),
      );
    }
    return Promise.resolve();
  }

  rollback(mtr: Mtr): void {
    const open = this.mtr(mtr);
    for (const undo of open.undo.reverse()) undo();
    this.open = undefined;
  }

  async createTree(mtr: Mtr): Promise<PageId> {
    const open = this.mtr(mtr);
    const root = this.allocate();
    this.trees.set(root, []);
    open.undo.push(() => this.trees.delete(root));
    return root;
  }

  async dropTree(mtr: Mtr, root: PageId): Promise<void> {
    const open = this.mtr(mtr);
    const entries = this.tree(root);
    assert(root !== this.catalogRoot, 'the catalog tree is never dropped');
    this.trees.delete(root);
    open.undo.push(() => this.trees.set(root, entries));
  }

  async get(root: PageId, key: Buffer): Promise<Buffer | undefined> {
    const entries = this.tree(root);
    const entry = entries[search(entries, key, false)];
    return entry !== undefined && entry.key.equals(key) ? Buffer.from(entry.value) : undefined;
  }

  async *scan(root: PageId, range: KeyRange): AsyncIterable<readonly Entry[]> {
    let lastKey: Buffer | undefined;
    for (;;) {
      const entries = this.tree(root);
      const batch =
        range.reverse === true
          ? this.batchBackward(entries, range, lastKey)
          : this.batchForward(entries, range, lastKey);
      if (batch.length === 0) return;
      lastKey = (batch.at(-1) as Entry).key;
      yield batch;
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
    const open = this.mtr(mtr);
    this.checkSizes(key, value);
    const entries = this.tree(root);
    const i = search(entries, key, false);
    if (entries[i]?.key.equals(key) === true) return false;
    entries.splice(i, 0, { key: Buffer.from(key), value: Buffer.from(value) });
    open.undo.push(() => {
      const at = search(entries, key, false);
      entries.splice(at, 1);
    });
    return true;
  }

  async update(mtr: Mtr, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    const open = this.mtr(mtr);
    this.checkSizes(key, value);
    const entries = this.tree(root);
    const i = search(entries, key, false);
    const old = entries[i];
    if (old === undefined || !old.key.equals(key)) return false;
    entries[i] = { key: old.key, value: Buffer.from(value) };
    open.undo.push(() => {
      entries[search(entries, key, false)] = old;
    });
    return true;
  }

  async delete(mtr: Mtr, root: PageId, key: Buffer): Promise<boolean> {
    const open = this.mtr(mtr);
    const entries = this.tree(root);
    const i = search(entries, key, false);
    const old = entries[i];
    if (old === undefined || !old.key.equals(key)) return false;
    entries.splice(i, 1);
    open.undo.push(() => {
      entries.splice(search(entries, key, false), 0, old);
    });
    return true;
  }

  /** For tests: the entries of a tree, or undefined when it does not exist. */
  entries(root: PageId): readonly Entry[] | undefined {
    return this.trees.get(root)?.map(copy);
  }
}
