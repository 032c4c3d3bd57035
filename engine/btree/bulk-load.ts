/**
 * Bulk load (Trees T10): an empty B-tree filled bottom-up from entries in increasing key order,
 * one `page-load` redo record per page instead of one `cell-insert` per entry and no splits —
 * how CREATE INDEX fills its tree from the sorted entries (engine/sql/index-build.ts).
 *
 * Each level keeps one node being filled (its cells in memory: at most a page per level). When
 * a node is full it is written, the next node of its level begins with the entry that did not
 * fit, and that entry's key, with the next node's page id, goes up to the level above as its
 * separator (B2: every key under the new node is ≥ it). Leaves are chained both ways as they
 * are written; the next leaf's page id is allocated before a leaf is written, for its link0.
 * The top level's node is always the root page (T1): the root gets its final contents at the
 * last `flush`, and a new top level appears when the old top's first node is written.
 *
 * Invariants:
 *   (BL1) appended keys strictly increase (B1 needs nothing more).
 *   (BL2) after `flush` every page the load allocated has been written and is reachable from
 *         the root, and the tree is a B-tree (B1–B4, check.ts) holding exactly the entries
 *         appended: a mini-transaction step may end there (T9), and a crash after it leaves a
 *         tree that dropTree can walk and free whole.
 *   (BL3) a node is filled to FILL_BYTES at most, leaving room for later inserts (InnoDB leaves
 *         1/16 of a page free the same way); every entry fits an empty node (T5).
 */
import assert from 'node:assert/strict';
import { type PageId, PAGE_SIZE, PAGE_TYPE, page as pg, pageId } from '../../storage/index.js';
import type { BulkLoad } from './api.js';
import { ENTRY_SIZE_MAX, KEY_SIZE_MAX } from './api.js';
import { internalCell, leafCell } from './btree.js';
import type { BufferPool } from './buffer-pool.js';
import type { LogWriter, MtrImpl } from './log-writer.js';
import type { Volume } from './volume.js';

/** BL3: bytes of cells (slots included) a bulk-loaded page is filled to. */
export const FILL_BYTES = Math.floor(((PAGE_SIZE - pg.HEADER_SIZE) * 15) / 16);

assert(pg.cellFootprint(ENTRY_SIZE_MAX + 2) <= FILL_BYTES, 'BL3: every entry fits a node');
assert(pg.cellFootprint(KEY_SIZE_MAX + 4) <= FILL_BYTES, 'BL3: every separator fits');

/** The node being filled at one level. */
interface Level {
  /** Its page id; undefined for the top level's first node, which is written to the root. */
  id: PageId | undefined;
  /** Whether `id` holds an earlier version of this node (written by a flush). */
  written: boolean;
  cells: Buffer[];
  bytes: number;
  /** Leaves: the left sibling (0: none). Internal nodes: the leftmost child. */
  link: PageId;
}

export class BulkLoader implements BulkLoad {
  private readonly levels: Level[] = [];
  private lastKey: Buffer | undefined;

  constructor(
    private readonly pool: BufferPool,
    private readonly writer: LogWriter,
    private readonly volume: Volume,
    private readonly mtr: MtrImpl,
    private readonly root: PageId,
  ) {}

  async append(key: Buffer, value: Buffer): Promise<void> {
    assert(key.length <= KEY_SIZE_MAX, 'T5: key within KEY_SIZE_MAX');
    assert(key.length + value.length <= ENTRY_SIZE_MAX, 'T5: entry within ENTRY_SIZE_MAX');
    assert(this.lastKey === undefined || Buffer.compare(this.lastKey, key) < 0, 'BL1');
    const cell = leafCell(key, value);
    this.lastKey = cell.subarray(2, 2 + key.length); // the cell's copy: no second one per entry
    await this.add(0, cell);
  }

  /** BL2: writes every node being filled; the top one is the root. */
  async flush(): Promise<void> {
    const top = this.levels.length - 1;
    for (let level = 0; level <= top; level++) {
      const node = this.levels[level] as Level;
      if (level === top) {
        assert(node.id === undefined, 'BL2: the top node is the root');
        await this.write(this.root, true, level, node, pageId(0));
      } else {
        assert(node.id !== undefined, 'BL2: a node below the top has its page');
        await this.write(node.id, node.written, level, node, pageId(0));
        node.written = true;
      }
    }
  }

  /** Adds a cell to the node being filled at `level`, writing it first when it is full. */
  private async add(level: number, cell: Buffer): Promise<void> {
    let node = this.levels[level];
    if (node === undefined) {
      assert.equal(level, 0, 'a level above the leaves begins when a node below is written');
      node = { id: undefined, written: false, cells: [], bytes: 0, link: pageId(0) };
      this.levels.push(node);
    }
    const size = pg.cellFootprint(cell.length);
    if (node.bytes + size <= FILL_BYTES) {
      node.cells.push(cell);
      node.bytes += size;
      return;
    }
    const id = node.id ?? (await this.volume.allocate(this.mtr));
    const next = await this.volume.allocate(this.mtr);
    const leaf = level === 0;
    await this.write(id, node.written, level, node, leaf ? next : pageId(0));
    const separator = leaf ? cell.subarray(2, 2 + cell.readUInt16BE(0)) : cell.subarray(4);
    this.levels[level] = leaf
      ? { id: next, written: false, cells: [cell], bytes: size, link: id }
      : { id: next, written: false, cells: [], bytes: 0, link: pageId(cell.readUInt32BE(0)) };
    if (this.levels[level + 1] === undefined) {
      this.levels.push({ id: undefined, written: false, cells: [], bytes: 0, link: id });
    }
    await this.add(level + 1, internalCell(next, separator)); // internalCell copies it
  }

  /** One page-load record: a leaf (right sibling `right`) or an internal node. */
  private async write(
    id: PageId,
    exists: boolean,
    level: number,
    node: Level,
    right: PageId,
  ): Promise<void> {
    const leaf = level === 0;
    const change = {
      kind: 'page-load' as const,
      pageType: leaf ? PAGE_TYPE.btreeLeaf : PAGE_TYPE.btreeInternal,
      level,
      link0: leaf ? right : node.link,
      link1: leaf ? node.link : pageId(0),
      cells: node.cells,
    };
    if (!exists && id !== this.root) {
      this.writer.create(this.mtr, id, change);
      return;
    }
    const page = this.pool.peek(id) ?? (await this.pool.get(id));
    this.writer.apply(this.mtr, id, page, change);
  }
}
