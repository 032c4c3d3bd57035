/**
 * A transaction's write set: the changes it has made and not yet committed, per tree (a table's
 * clustered tree or one of its secondary indexes), key → new value or deletion. Nothing here is
 * in a B-tree or in redo until commit applies it whole in one mini-transaction (txn/manager.ts).
 *
 * Reads inside the transaction look here first (`get`, `range`): a transaction reads its own
 * writes. An entry may be `visibleOnly`: it shows in reads of this transaction but commit does
 * not apply it (an index entry the transaction must see although the tree already has it).
 *
 * Statement atomicity and savepoints: every change pushes an undo record (the entry it
 * replaced); `mark()` is a position in that log and `rollbackTo(mark)` undoes back to it.
 *
 * Invariants:
 *   (W1) for each tree, `entries` maps a key's latin1 string (same order as Buffer.compare) to
 *        the transaction's latest change of that key; `sorted`, when present, is exactly the
 *        sorted list of those strings.
 *   (W2) undo[i] restores the state before change i; rollbackTo(m) leaves exactly the state
 *        after change m-1.
 *   (W3) `bytes` is the memory charged for the entries and undo records (never above the bound,
 *        WRITE_SET_BYTES_MAX by default: a change that would pass it throws ER_TRANS_CACHE_FULL
 *        and changes nothing).
 */
import assert from 'node:assert/strict';
import type { PageId } from '../../storage/index.js';
import type { KeyRange } from '../btree/api.js';
import { WRITE_SET_BYTES_MAX } from '../config.js';
import { SqlError } from '../errors.js';

export interface WriteEntry {
  readonly key: Buffer;
  /** null: the key is deleted. */
  readonly value: Buffer | null;
  /** Shown to this transaction's reads, not applied at commit. */
  readonly visibleOnly: boolean;
  /** The committed tree did not hold the key when it was first written: commit inserts. */
  readonly fresh: boolean;
}

export interface PutOptions {
  /** Whether the committed tree lacks the key (ignored when the key was written before). */
  readonly fresh: boolean;
  readonly visibleOnly?: boolean;
}

interface TreeWrites {
  readonly entries: Map<string, WriteEntry>;
  sorted: string[] | null;
}

interface Undo {
  readonly root: PageId;
  readonly id: string;
  readonly previous: WriteEntry | undefined;
  readonly bytes: number;
}

/** Memory charged per change beyond its bytes: map entry, undo record, objects. */
const ENTRY_OVERHEAD_BYTES = 160;

export function keyId(key: Buffer): string {
  return key.toString('latin1');
}

export class WriteSet {
  constructor(private readonly bytesMax: number = WRITE_SET_BYTES_MAX) {}

  private readonly trees = new Map<PageId, TreeWrites>();
  private readonly undo: Undo[] = [];
  private charged = 0;

  get bytes(): number {
    return this.charged;
  }

  /** True when commit has something to apply. */
  get isEmpty(): boolean {
    for (const writes of this.trees.values()) {
      for (const entry of writes.entries.values()) if (!entry.visibleOnly) return false;
    }
    return true;
  }

  /** Changes since the transaction began (undo records), for deadlock victim weights. */
  get changes(): number {
    return this.undo.length;
  }

  get(root: PageId, key: Buffer): WriteEntry | undefined {
    return this.trees.get(root)?.entries.get(keyId(key));
  }

  /** Records a change: `value` null deletes. Throws ER_TRANS_CACHE_FULL past the bound (W3). */
  put(root: PageId, key: Buffer, value: Buffer | null, options: PutOptions): void {
    const bytes = key.length + (value?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
    if (this.charged + bytes > this.bytesMax) {
      throw new SqlError('ER_TRANS_CACHE_FULL');
    }
    let writes = this.trees.get(root);
    if (writes === undefined) {
      writes = { entries: new Map(), sorted: null };
      this.trees.set(root, writes);
    }
    const id = keyId(key);
    const previous = writes.entries.get(id);
    if (previous === undefined) writes.sorted = null;
    writes.entries.set(id, {
      key: Buffer.from(key),
      value,
      visibleOnly: options.visibleOnly === true,
      fresh: previous === undefined ? options.fresh : previous.fresh,
    });
    this.undo.push({ root, id, previous, bytes });
    this.charged += bytes;
  }

  /** A position in the undo log (W2). */
  mark(): number {
    return this.undo.length;
  }

  /** Undoes every change after `mark` (W2). */
  rollbackTo(mark: number): void {
    assert(mark >= 0 && mark <= this.undo.length, 'W2: a mark of this write set');
    while (this.undo.length > mark) {
      const u = this.undo.pop() as Undo;
      const writes = this.trees.get(u.root);
      assert(writes !== undefined, 'W2: an undone change has its tree');
      if (u.previous === undefined) {
        writes.entries.delete(u.id);
        writes.sorted = null;
      } else {
        writes.entries.set(u.id, u.previous);
      }
      this.charged -= u.bytes;
    }
  }

  /** This transaction's entries of `root` inside `range`, in the range's order. */
  range(root: PageId, range: KeyRange): WriteEntry[] {
    const writes = this.trees.get(root);
    if (writes === undefined || writes.entries.size === 0) return [];
    const sorted = this.sortedIds(writes);
    const lower = range.lower === undefined ? undefined : keyId(range.lower.key);
    const upper = range.upper === undefined ? undefined : keyId(range.upper.key);
    let from = 0;
    if (lower !== undefined) {
      from = lowerBound(sorted, lower);
      if (range.lower?.inclusive === false && sorted[from] === lower) from++;
    }
    const out: WriteEntry[] = [];
    for (let i = from; i < sorted.length; i++) {
      const id = sorted[i] as string;
      if (upper !== undefined && (id > upper || (id === upper && range.upper?.inclusive !== true)))
        break;
      out.push(writes.entries.get(id) as WriteEntry);
    }
    if (range.reverse === true) out.reverse();
    return out;
  }

  /** Trees with changes to apply, each with its entries in key order. */
  toApply(): { readonly root: PageId; readonly entries: readonly WriteEntry[] }[] {
    // Issue 8 (cost): plain loops, no generator or intermediate arrays (once per commit).
    const out: { readonly root: PageId; readonly entries: readonly WriteEntry[] }[] = [];
    for (const [root, writes] of this.trees) {
      const entries: WriteEntry[] = [];
      for (const id of this.sortedIds(writes)) {
        const entry = writes.entries.get(id) as WriteEntry;
        if (!entry.visibleOnly) entries.push(entry);
      }
      if (entries.length > 0) out.push({ root, entries });
    }
    return out;
  }

  /** Roots this write set changes. */
  roots(): PageId[] {
    return [...this.trees.keys()];
  }

  private sortedIds(writes: TreeWrites): string[] {
    if (writes.sorted === null) writes.sorted = [...writes.entries.keys()].sort();
    return writes.sorted;
  }
}

/** First index in `sorted` whose value is ≥ id. */
function lowerBound(sorted: readonly string[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
