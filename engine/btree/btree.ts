/**
 * B+trees of byte keys and byte values on slotted pages (storage/page.ts). Every page change is a
 * redo record applied through the log writer; this file never writes page bytes itself.
 *
 * Cells:
 *   leaf      [u16 keyLength][key][value]
 *   internal  [u32 child][key]: the child holds keys ≥ key (and < the next cell's key);
 *             link0 of an internal page is its leftmost child (keys below the first cell's key)
 * Leaves are chained both ways: link0 = right sibling, link1 = left sibling.
 *
 * Invariants (checked by check.ts):
 *   (B1) keys are strictly increasing within a page and across the leaf chain.
 *   (B2) every key under an internal cell's child is ≥ that cell's key and < the next cell's key;
 *        keys under link0 are < the first cell's key.
 *   (B3) a tree's root page id never changes (T1): a root split moves the root's cells into two new
 *        pages and turns the root into their parent.
 *   (B4) all leaves are at level 0 and a parent's level is its children's plus one.
 * Deletes do not merge pages: an emptied leaf stays in the chain and is skipped by scans (space
 * is reused by later inserts into its key range; merging is a later improvement).
 *
 * Pages fetched by a changing operation are pinned until the operation ends, so an eviction while
 * it awaits another page cannot take a page it is about to change.
 *
 * Reads may name a read point `at`: every page is then read as of that LSN (BufferPool.pageAt),
 * so a reader walks the tree exactly as it was at `at` however it changes meanwhile; a page is
 * used only until the next await. The reads are TreeReader's, which needs only a buffer pool: the
 * writer's BTree extends it, and a read replica (replica.ts) reads its own pool with it.
 */
import assert from 'node:assert/strict';
import {
  type Lsn,
  type PageId,
  PAGE_SIZE,
  PAGE_TYPE,
  page as pg,
  pageId,
} from '../../storage/index.js';
import type { Entry, KeyRange, ValueReader } from './api.js';
import { ENTRY_SIZE_MAX, KEY_SIZE_MAX } from './api.js';
import type { BufferPool } from './buffer-pool.js';
import type { LogWriter, MtrImpl } from './log-writer.js';
import type { Volume } from './volume.js';

const CAPACITY = PAGE_SIZE - pg.HEADER_SIZE;

interface PathStep {
  readonly id: PageId;
  readonly page: Buffer;
  /** Index of the cell followed to the next step; -1 for link0; unused on the leaf. */
  readonly childSlot: number;
}

/**
 * The read half of a B-tree (get, scans, the pages of a tree), over a buffer pool alone: the
 * writer's BTree extends it, and a read replica (replica.ts) uses it as it is.
 */
export class TreeReader {
  constructor(protected readonly pool: BufferPool) {}

  async get(root: PageId, key: Buffer, at?: Lsn): Promise<Buffer | undefined> {
    let page = await this.fetch(root, at);
    while (pg.pageType(page) === PAGE_TYPE.btreeInternal) {
      page = await this.fetch(childFor(page, key).child, at);
    }
    const { slot, found } = searchLeaf(page, key);
    return found ? Buffer.from(leafValue(page, slot)) : undefined;
  }

  /**
   * get() as of `at` without waiting (issue 8): the value (a copy), null when the key is absent,
   * undefined when a page on the path is not cached (then call get).
   */
  getCached(root: PageId, key: Buffer, at: Lsn): Buffer | null | undefined {
    let page = this.pool.pageAtCached(root, at);
    while (page !== undefined && pg.pageType(page) === PAGE_TYPE.btreeInternal) {
      page = this.pool.pageAtCached(childFor(page, key).child, at);
    }
    if (page === undefined) return undefined;
    const { slot, found } = searchLeaf(page, key);
    return found ? Buffer.from(leafValue(page, slot)) : null;
  }

  scan(root: PageId, range: KeyRange, at?: Lsn): AsyncGenerator<readonly Entry[]> {
    // The direction's generator itself, not one delegating to it (a promise less per batch).
    return range.reverse === true
      ? this.scanBackward(root, range, at, entryAt)
      : this.scanForward(root, range, at, entryAt);
  }

  /**
   * scan(), each leaf value handed to `read` in place (page bytes [start, end), valid only during
   * the call) instead of copied out with its key (issue 8: no Buffer objects per row).
   */
  scanValues<T>(
    root: PageId,
    range: KeyRange,
    at: Lsn | undefined,
    read: ValueReader<T>,
  ): AsyncGenerator<readonly T[]> {
    const take = valueTaker(read);
    return range.reverse === true
      ? this.scanBackward(root, range, at, take)
      : this.scanForward(root, range, at, take);
  }

  /**
   * scanValues() of an ascending range whose leaves are all cached at `at` and number at most
   * `leavesMax`, at once (issue 8: a short range read without a generator or a promise): every
   * value in one array. Undefined when a leaf is not cached, the range reaches past `leavesMax`
   * leaves, or it is descending: then scan as usual (pages are only read here, so nothing is
   * left to undo). The leaves are found before any value is read.
   */
  scanValuesCached<T>(
    root: PageId,
    range: KeyRange,
    at: Lsn,
    read: ValueReader<T>,
    leavesMax: number,
  ): T[] | undefined {
    if (range.reverse === true) return undefined;
    const { lower, upper } = range;
    const first = this.leafCached(root, lower?.key, 'first', at);
    if (first === undefined) return undefined;
    const leaves = [first];
    for (let page = first; ; ) {
      const n = pg.cellCount(page);
      // Keys ascend across leaves: past `upper` at this leaf's last cell, the range ends here.
      if (upper !== undefined && n > 0 && compareLeafKey(page, n - 1, upper.key) >= 0) break;
      const next = pg.link(page, 0);
      if (next === 0) break;
      if (leaves.length >= leavesMax) return undefined;
      const cached = this.cached(next, at);
      if (cached === undefined) return undefined;
      leaves.push(cached);
      page = cached;
    }
    const take = valueTaker(read);
    const values: T[] = [];
    let slot = 0;
    if (lower !== undefined) {
      const found = searchLeaf(first, lower.key);
      slot = found.found && !lower.inclusive ? found.slot + 1 : found.slot;
    }
    for (const page of leaves) {
      const n = pg.cellCount(page);
      for (; slot < n; slot++) {
        if (upper !== undefined) {
          const c = compareLeafKey(page, slot, upper.key);
          if (c > 0 || (c === 0 && !upper.inclusive)) return values;
        }
        values.push(take(page, slot));
      }
      slot = 0;
    }
    return values;
  }

  private async *scanForward<T>(
    root: PageId,
    range: KeyRange,
    at: Lsn | undefined,
    take: (page: Buffer, slot: number) => T,
  ): AsyncGenerator<readonly T[]> {
    const { lower, upper } = range;
    let page =
      this.leafCached(root, lower?.key, 'first', at) ??
      (await this.leafFor(root, lower?.key, 'first', at));
    let slot = 0;
    if (lower !== undefined) {
      const at = searchLeaf(page, lower.key);
      slot = at.found && !lower.inclusive ? at.slot + 1 : at.slot;
    }
    for (;;) {
      const batch: T[] = [];
      const n = pg.cellCount(page);
      for (; slot < n; slot++) {
        if (upper !== undefined) {
          const c = compareLeafKey(page, slot, upper.key);
          if (c > 0 || (c === 0 && !upper.inclusive)) {
            if (batch.length > 0) yield batch;
            return;
          }
        }
        batch.push(take(page, slot));
      }
      const next = pg.link(page, 0);
      if (batch.length > 0) yield batch;
      if (next === 0) return;
      page = this.cached(next, at) ?? (await this.fetch(next, at));
      slot = 0;
    }
  }

  private async *scanBackward<T>(
    root: PageId,
    range: KeyRange,
    at: Lsn | undefined,
    take: (page: Buffer, slot: number) => T,
  ): AsyncGenerator<readonly T[]> {
    const { lower, upper } = range;
    let page =
      this.leafCached(root, upper?.key, 'last', at) ??
      (await this.leafFor(root, upper?.key, 'last', at));
    let slot = pg.cellCount(page) - 1;
    if (upper !== undefined) {
      const at = searchLeaf(page, upper.key);
      slot = at.found && upper.inclusive ? at.slot : at.slot - 1;
    }
    for (;;) {
      const batch: T[] = [];
      for (; slot >= 0; slot--) {
        if (lower !== undefined) {
          const c = compareLeafKey(page, slot, lower.key);
          if (c < 0 || (c === 0 && !lower.inclusive)) {
            if (batch.length > 0) yield batch;
            return;
          }
        }
        batch.push(take(page, slot));
      }
      const previous = pg.link(page, 1);
      if (batch.length > 0) yield batch;
      if (previous === 0) return;
      page = this.cached(previous, at) ?? (await this.fetch(previous, at));
      slot = pg.cellCount(page) - 1;
    }
  }

  /** The leaf that holds `key`, or the first/last leaf when there is no key. */
  private async leafFor(
    root: PageId,
    key: Buffer | undefined,
    end: 'first' | 'last',
    at: Lsn | undefined,
  ): Promise<Buffer> {
    let page = await this.fetch(root, at);
    while (pg.pageType(page) === PAGE_TYPE.btreeInternal) {
      let child: PageId;
      if (key !== undefined) child = childFor(page, key).child;
      else if (end === 'first' || pg.cellCount(page) === 0) child = pg.link(page, 0);
      else child = childAt(page, pg.cellCount(page) - 1);
      page = await this.fetch(child, at);
    }
    return page;
  }

  /**
   * leafFor() without waiting, for a read at a read point (issue 8): the leaf when every page on
   * the way is cached (BufferPool.pageAtCached, same rules as pageAt), else undefined.
   */
  private leafCached(
    root: PageId,
    key: Buffer | undefined,
    end: 'first' | 'last',
    at: Lsn | undefined,
  ): Buffer | undefined {
    let page = this.cached(root, at);
    while (page !== undefined && pg.pageType(page) === PAGE_TYPE.btreeInternal) {
      let child: PageId;
      if (key !== undefined) child = childFor(page, key).child;
      else if (end === 'first' || pg.cellCount(page) === 0) child = pg.link(page, 0);
      else child = childAt(page, pg.cellCount(page) - 1);
      page = this.cached(child, at);
    }
    return page;
  }

  /** The page as of read point `at` when cached; undefined when not, or without a read point. */
  private cached(id: PageId, at: Lsn | undefined): Buffer | undefined {
    return at === undefined ? undefined : this.pool.pageAtCached(id, at);
  }

  /** The page now, or as of read point `at`. */
  protected async fetch(id: PageId, at?: Lsn): Promise<Buffer> {
    if (at !== undefined) return this.pool.pageAt(id, at);
    return this.pool.peek(id) ?? (await this.pool.get(id));
  }
}

export class BTree extends TreeReader {
  constructor(
    pool: BufferPool,
    private readonly writer: LogWriter,
    private readonly volume: Volume,
  ) {
    super(pool);
  }

  async create(mtr: MtrImpl): Promise<PageId> {
    const id = await this.volume.allocate(mtr);
    this.writer.create(mtr, id, {
      kind: 'page-init',
      pageType: PAGE_TYPE.btreeLeaf,
      level: 0,
      link0: pageId(0),
      link1: pageId(0),
    });
    return id;
  }

  async drop(mtr: MtrImpl, root: PageId): Promise<void> {
    const pages: PageId[] = [];
    const pending: PageId[] = [root];
    while (pending.length > 0) {
      const id = pending.pop() as PageId;
      pages.push(id);
      const page = await this.fetch(id);
      if (pg.pageType(page) !== PAGE_TYPE.btreeInternal) continue;
      pending.push(pg.link(page, 0));
      for (let slot = 0; slot < pg.cellCount(page); slot++) pending.push(childAt(page, slot));
    }
    await this.volume.freeMany(mtr, pages);
  }

  /**
   * drop() in bounded steps (Trees T9): pages are freed `stepPages` at a time in post-order
   * (children before parents, so the pages freed by committed steps are always whole subtrees),
   * each batch but the last committed by commitStep with at most one step awaiting durability.
   * The walk skips free pages: after a crash between steps, running it again frees the rest.
   * The last batch, the root's, stays in the open Mtr.
   */
  async dropInSteps(mtr: MtrImpl, root: PageId, stepPages: number): Promise<void> {
    assert(stepPages >= 1, 'a step frees at least one page');
    let batch: PageId[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    for await (const id of this.postOrder(root)) {
      batch.push(id);
      if (batch.length < stepPages || id === root) continue;
      await this.volume.freeMany(mtr, batch);
      batch = [];
      await inFlight;
      inFlight = this.writer.commitStep(mtr);
      inFlight.catch(() => undefined); // awaited before the next step or the end
    }
    await inFlight;
    await this.volume.freeMany(mtr, batch);
  }

  /** The tree's pages, children before parents; free pages (and so their subtrees) skipped. */
  private async *postOrder(root: PageId): AsyncGenerator<PageId> {
    const stack: { readonly id: PageId; readonly children: PageId[] }[] = [];
    const visit = async (id: PageId): Promise<boolean> => {
      const page = await this.fetch(id);
      const type = pg.pageType(page);
      if (type === PAGE_TYPE.free) return false;
      assert(type === PAGE_TYPE.btreeLeaf || type === PAGE_TYPE.btreeInternal, 'a tree page');
      if (type === PAGE_TYPE.btreeLeaf) return true;
      const children = [pg.link(page, 0)];
      for (let slot = 0; slot < pg.cellCount(page); slot++) children.push(childAt(page, slot));
      stack.push({ id, children: children.reverse() });
      return false;
    };
    if (await visit(root)) {
      yield root;
      return;
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      const child = top.children.pop();
      if (child === undefined) {
        stack.pop();
        yield top.id;
      } else if (await visit(child)) {
        yield child;
      }
    }
  }

  async insert(mtr: MtrImpl, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    checkSizes(key, value);
    try {
      const path = await this.descend(mtr, root, key);
      const leaf = path[path.length - 1] as PathStep;
      const { slot, found } = searchLeaf(leaf.page, key);
      if (found) return false;
      await this.insertCell(mtr, path, path.length - 1, slot, leafCell(key, value));
      return true;
    } finally {
      this.writer.releasePins(mtr);
    }
  }

  async update(mtr: MtrImpl, root: PageId, key: Buffer, value: Buffer): Promise<boolean> {
    checkSizes(key, value);
    try {
      const path = await this.descend(mtr, root, key);
      const leaf = path[path.length - 1] as PathStep;
      const { slot, found } = searchLeaf(leaf.page, key);
      if (!found) return false;
      const cell = leafCell(key, value);
      const room = pg.freeBytes(leaf.page) + pg.cellFootprint(pg.cellLength(leaf.page, slot));
      if (room >= pg.cellFootprint(cell.length)) {
        this.writer.apply(mtr, leaf.id, leaf.page, { kind: 'cell-replace', slot, cell });
      } else {
        this.writer.apply(mtr, leaf.id, leaf.page, { kind: 'cell-delete', slot });
        await this.insertCell(mtr, path, path.length - 1, slot, cell);
      }
      return true;
    } finally {
      this.writer.releasePins(mtr);
    }
  }

  async delete(mtr: MtrImpl, root: PageId, key: Buffer): Promise<boolean> {
    try {
      const path = await this.descend(mtr, root, key);
      const leaf = path[path.length - 1] as PathStep;
      const { slot, found } = searchLeaf(leaf.page, key);
      if (!found) return false;
      this.writer.apply(mtr, leaf.id, leaf.page, { kind: 'cell-delete', slot });
      return true;
    } finally {
      this.writer.releasePins(mtr);
    }
  }

  /**
   * insert() without waiting (Trees.insertCached): undefined, with nothing changed, when a page
   * on the path is not cached or the leaf must split. Nothing is pinned: nothing can evict a page
   * while this runs (the pages it changes are pinned by the log writer, L3).
   */
  insertCached(mtr: MtrImpl, root: PageId, key: Buffer, value: Buffer): boolean | undefined {
    checkSizes(key, value);
    const leaf = this.leafNow(root, key);
    if (leaf === undefined) return undefined;
    const { slot, found } = searchLeaf(leaf.page, key);
    if (found) return false;
    const length = 2 + key.length + value.length;
    if (!pg.canInsert(leaf.page, length)) return undefined;
    const cell = leafCell(key, value);
    this.writer.apply(mtr, leaf.id, leaf.page, { kind: 'cell-insert', slot, cell });
    return true;
  }

  /** update() without waiting (Trees.updateCached), as insertCached. */
  updateCached(mtr: MtrImpl, root: PageId, key: Buffer, value: Buffer): boolean | undefined {
    checkSizes(key, value);
    const leaf = this.leafNow(root, key);
    if (leaf === undefined) return undefined;
    const { slot, found } = searchLeaf(leaf.page, key);
    if (!found) return false;
    const length = 2 + key.length + value.length;
    const room = pg.freeBytes(leaf.page) + pg.cellFootprint(pg.cellLength(leaf.page, slot));
    if (room < pg.cellFootprint(length)) return undefined;
    const cell = leafCell(key, value);
    this.writer.apply(mtr, leaf.id, leaf.page, { kind: 'cell-replace', slot, cell });
    return true;
  }

  /** delete() without waiting (Trees.deleteCached), as insertCached. */
  deleteCached(mtr: MtrImpl, root: PageId, key: Buffer): boolean | undefined {
    const leaf = this.leafNow(root, key);
    if (leaf === undefined) return undefined;
    const { slot, found } = searchLeaf(leaf.page, key);
    if (!found) return false;
    this.writer.apply(mtr, leaf.id, leaf.page, { kind: 'cell-delete', slot });
    return true;
  }

  /** The leaf (as of now) that holds `key`, when every page down to it is cached. */
  private leafNow(root: PageId, key: Buffer): { id: PageId; page: Buffer } | undefined {
    let id = root;
    let page = this.pool.peek(id);
    while (page !== undefined && pg.pageType(page) === PAGE_TYPE.btreeInternal) {
      id = childFor(page, key).child;
      page = this.pool.peek(id);
    }
    if (page === undefined) return undefined;
    assert.equal(pg.pageType(page), PAGE_TYPE.btreeLeaf, 'a tree page is a leaf or internal');
    return { id, page };
  }

  /** Root-to-leaf path for `key`, every page pinned for the rest of the operation. */
  private async descend(mtr: MtrImpl, root: PageId, key: Buffer): Promise<PathStep[]> {
    const path: PathStep[] = [];
    let id = root;
    for (;;) {
      const page = await this.fetch(id);
      this.pool.pinFrame(id, page);
      mtr.pinned.push(id);
      if (pg.pageType(page) !== PAGE_TYPE.btreeInternal) {
        assert.equal(pg.pageType(page), PAGE_TYPE.btreeLeaf, 'a tree page is a leaf or internal');
        path.push({ id, page, childSlot: -1 });
        return path;
      }
      const { slot, child } = childFor(page, key);
      path.push({ id, page, childSlot: slot });
      id = child;
    }
  }

  /** Inserts `cell` at `slot` of the node at path[depth], splitting up the path as needed. */
  private async insertCell(
    mtr: MtrImpl,
    path: readonly PathStep[],
    depth: number,
    slot: number,
    cell: Buffer,
  ): Promise<void> {
    const node = path[depth] as PathStep;
    if (pg.canInsert(node.page, cell.length)) {
      this.writer.apply(mtr, node.id, node.page, { kind: 'cell-insert', slot, cell });
      return;
    }
    const isLeaf = pg.pageType(node.page) === PAGE_TYPE.btreeLeaf;
    const cells = cellsOf(node.page);
    cells.splice(slot, 0, cell);
    const appending = slot === cells.length - 1 && (!isLeaf || pg.link(node.page, 0) === 0);
    const split = chooseSplit(cells, isLeaf, appending);
    if (depth === 0) {
      await this.splitRoot(mtr, node, cells, split, isLeaf);
      return;
    }
    const rightId = await this.volume.allocate(mtr);
    const separator = isLeaf
      ? leafKey(cells[split] as Buffer)
      : internalKey(cells[split] as Buffer);
    const rightCells = cells.slice(isLeaf ? split : split + 1);
    const level = pg.pageLevel(node.page);
    if (isLeaf) {
      const oldRight = pg.link(node.page, 0);
      this.writer.create(mtr, rightId, {
        kind: 'page-load', pageType: PAGE_TYPE.btreeLeaf, level, link0: oldRight,
        link1: node.id, cells: rightCells,
      });
      this.writer.apply(mtr, node.id, node.page, { kind: 'link-set', which: 0, target: rightId });
      if (oldRight !== 0) {
        const sibling = await this.fetch(oldRight);
        this.writer.apply(mtr, oldRight, sibling, { kind: 'link-set', which: 1, target: rightId });
      }
    } else {
      this.writer.create(mtr, rightId, {
        kind: 'page-load', pageType: PAGE_TYPE.btreeInternal, level,
        link0: childOfCell(cells[split] as Buffer), link1: pageId(0), cells: rightCells,
      });
    }
    this.keepLeft(mtr, node, slot, split, cell);
    const parent = path[depth - 1] as PathStep;
    await this.insertCell(mtr, path, depth - 1, parent.childSlot + 1,
      internalCell(rightId, separator));
  }

  /** Leaves cells [0, split) of the combined list in the node: truncate, then the new cell. */
  private keepLeft(mtr: MtrImpl, node: PathStep, slot: number, split: number, cell: Buffer): void {
    if (slot < split) {
      this.writer.apply(mtr, node.id, node.page, { kind: 'cells-truncate', slot: split - 1 });
      this.writer.apply(mtr, node.id, node.page, { kind: 'cell-insert', slot, cell });
    } else {
      this.writer.apply(mtr, node.id, node.page, { kind: 'cells-truncate', slot: split });
    }
  }

  /** B3: the root's cells move to two new pages and the root becomes their parent. */
  private async splitRoot(
    mtr: MtrImpl,
    root: PathStep,
    cells: readonly Buffer[],
    split: number,
    isLeaf: boolean,
  ): Promise<void> {
    const leftId = await this.volume.allocate(mtr);
    const rightId = await this.volume.allocate(mtr);
    const level = pg.pageLevel(root.page);
    const middle = cells[split] as Buffer;
    const separator = isLeaf ? leafKey(middle) : internalKey(middle);
    if (isLeaf) {
      this.writer.create(mtr, leftId, {
        kind: 'page-load', pageType: PAGE_TYPE.btreeLeaf, level, link0: rightId,
        link1: pageId(0), cells: cells.slice(0, split),
      });
      this.writer.create(mtr, rightId, {
        kind: 'page-load', pageType: PAGE_TYPE.btreeLeaf, level, link0: pageId(0),
        link1: leftId, cells: cells.slice(split),
      });
    } else {
      this.writer.create(mtr, leftId, {
        kind: 'page-load', pageType: PAGE_TYPE.btreeInternal, level,
        link0: pg.link(root.page, 0), link1: pageId(0), cells: cells.slice(0, split),
      });
      this.writer.create(mtr, rightId, {
        kind: 'page-load', pageType: PAGE_TYPE.btreeInternal, level, link0: childOfCell(middle),
        link1: pageId(0), cells: cells.slice(split + 1),
      });
    }
    this.writer.apply(mtr, root.id, root.page, {
      kind: 'page-load', pageType: PAGE_TYPE.btreeInternal, level: level + 1, link0: leftId,
      link1: pageId(0), cells: [internalCell(rightId, separator)],
    });
  }
}

function checkSizes(key: Buffer, value: Buffer): void {
  assert(key.length <= KEY_SIZE_MAX, 'T5: key within KEY_SIZE_MAX');
  assert(key.length + value.length <= ENTRY_SIZE_MAX, 'T5: entry within ENTRY_SIZE_MAX');
}

/**
 * Where to split a node whose cells (the new one included) no longer fit one page: a leaf keeps
 * cells [0, s) and the new right page gets [s, n); an internal node keeps [0, s), moves cell s's
 * key up and its child to the right page's link0, and the right page gets (s, n). Balanced by
 * bytes, except that an append at the right edge keeps the left page full, so ascending inserts
 * leave full pages behind them.
 */
export function chooseSplit(cells: readonly Buffer[], isLeaf: boolean, appending: boolean): number {
  const n = cells.length;
  // Issue 8 (cost): prefix sums make each candidate O(1); a split of a 600-cell index leaf
  // summed the sides afresh for every candidate (O(n²), most of a millisecond).
  const before = new Array<number>(n + 1); // before[i]: footprint of cells [0, i)
  before[0] = 0;
  for (let i = 0; i < n; i++) {
    before[i + 1] = (before[i] as number) + pg.cellFootprint((cells[i] as Buffer).length);
  }
  const sum = (from: number, to: number): number =>
    (before[to] as number) - (before[from] as number);
  const valid = (s: number): boolean =>
    isLeaf
      ? s >= 1 && s <= n - 1 && sum(0, s) <= CAPACITY && sum(s, n) <= CAPACITY
      : sum(0, s) <= CAPACITY && sum(s + 1, n) <= CAPACITY;
  if (appending && valid(n - 1)) return n - 1;
  const total = before[n] as number;
  let best = -1;
  let bestImbalance = Infinity;
  for (let s = 0; s < n; s++) {
    const left = before[s] as number;
    const right = total - left - (isLeaf ? 0 : sum(s, s + 1));
    const imbalance = Math.abs(left - right);
    if (imbalance < bestImbalance && valid(s)) {
      best = s;
      bestImbalance = imbalance;
    }
  }
  assert(best >= 0, 'a split point exists (ENTRY_SIZE_MAX ≤ a third of a page)');
  return best;
}

export function leafCell(key: Buffer, value: Buffer): Buffer {
  const cell = Buffer.allocUnsafe(2 + key.length + value.length);
  cell.writeUInt16BE(key.length, 0);
  key.copy(cell, 2);
  value.copy(cell, 2 + key.length);
  return cell;
}

export function internalCell(child: PageId, key: Buffer): Buffer {
  const cell = Buffer.allocUnsafe(4 + key.length);
  cell.writeUInt32BE(child, 0);
  key.copy(cell, 4);
  return cell;
}

function leafKey(cell: Buffer): Buffer {
  return cell.subarray(2, 2 + cell.readUInt16BE(0));
}

function internalKey(cell: Buffer): Buffer {
  return cell.subarray(4);
}

function childAt(page: Buffer, slot: number): PageId {
  return pageId(page.readUInt32BE(pg.cellOffset(page, slot)));
}

function childOfCell(cell: Buffer): PageId {
  return pageId(cell.readUInt32BE(0));
}

function leafValue(page: Buffer, slot: number): Buffer {
  const at = pg.cellOffset(page, slot);
  const keyLength = page.readUInt16BE(at);
  return page.subarray(at + 2 + keyLength, at + pg.cellLength(page, slot));
}

/** Key and value copied out of the page in one allocation (T4). */
function entryAt(page: Buffer, slot: number): Entry {
  // Issue 8: copied from the page by offsets (Buffer.from(pg.cell(…)) made a view of the cell
  // first and went through the generic array-like path).
  const at = pg.cellOffset(page, slot);
  const copy = Buffer.allocUnsafe(pg.cellLength(page, slot));
  page.copy(copy, 0, at, at + copy.length);
  const keyLength = copy.readUInt16BE(0);
  return { key: copy.subarray(2, 2 + keyLength), value: copy.subarray(2 + keyLength) };
}

/** The page's cells, copied out (they outlive the page's next change) in one allocation. */
function cellsOf(page: Buffer): Buffer[] {
  const n = pg.cellCount(page);
  let total = 0;
  for (let slot = 0; slot < n; slot++) total += pg.cellLength(page, slot);
  const copy = Buffer.allocUnsafe(total);
  const cells: Buffer[] = new Array<Buffer>(n);
  let to = 0;
  for (let slot = 0; slot < n; slot++) {
    const at = pg.cellOffset(page, slot);
    const length = pg.cellLength(page, slot);
    page.copy(copy, to, at, at + length);
    cells[slot] = copy.subarray(to, to + length);
    to += length;
  }
  return cells;
}

/** Sign of (key of the leaf cell at slot) − key. */
export function compareLeafKey(page: Buffer, slot: number, key: Buffer): number {
  const at = pg.cellOffset(page, slot);
  const keyLength = page.readUInt16BE(at);
  return compareInPage(page, at + 2, at + 2 + keyLength, key);
}

/** Sign of (key of the internal cell at slot) − key. */
function compareInternalKey(page: Buffer, slot: number, key: Buffer): number {
  const at = pg.cellOffset(page, slot);
  return compareInPage(page, at + 4, at + pg.cellLength(page, slot), key);
}

/** Keys up to this long are compared byte by byte in JS; longer ones by Buffer.compare. */
const SHORT_KEY_BYTES = 32;

/**
 * Sign of (page[start, end) − key), bytewise (B1). Issue 8: for short keys (integer primary
 * keys are 4 or 8 bytes) a loop is cheaper than Buffer.compare's argument checks and native
 * call, which a binary search pays a dozen times per lookup.
 */
function compareInPage(page: Buffer, start: number, end: number, key: Buffer): number {
  const n = end - start;
  const m = key.length;
  if (n > SHORT_KEY_BYTES || m > SHORT_KEY_BYTES) return page.compare(key, 0, m, start, end);
  const common = n < m ? n : m;
  for (let i = 0; i < common; i++) {
    const d = (page[start + i] as number) - (key[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return n === m ? 0 : n < m ? -1 : 1;
}

/** First slot whose key ≥ key, and whether it is equal. */
export function searchLeaf(page: Buffer, key: Buffer): { slot: number; found: boolean } {
  let lo = 0;
  let hi = pg.cellCount(page);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareLeafKey(page, mid, key);
    if (c === 0) return { slot: mid, found: true };
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return { slot: lo, found: false };
}

/** The child whose range holds key (B2): the last cell with key ≤ key, else link0 (slot -1). */
function childFor(page: Buffer, key: Buffer): { slot: number; child: PageId } {
  let lo = 0;
  let hi = pg.cellCount(page);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareInternalKey(page, mid, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const slot = lo - 1;
  return { slot, child: slot === -1 ? pg.link(page, 0) : childAt(page, slot) };
}

/** A leaf cell's value handed to `read` in place (scanValues). */
function valueTaker<T>(read: ValueReader<T>): (page: Buffer, slot: number) => T {
  return (page, slot) => {
    const start = pg.cellOffset(page, slot);
    const end = start + pg.cellLength(page, slot);
    return read(page, start + 2 + page.readUInt16BE(start), end);
  };
}
