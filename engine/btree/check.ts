/**
 * Integrity check of a B-tree (cf. sqlite3BtreeIntegrityCheck): walks every page and asserts
 * B1, B2 and B4 of btree.ts and the page invariants P1–P3. For tests and, later, recovery checks.
 */
import assert from 'node:assert/strict';
import { type PageId, PAGE_TYPE, page as pg } from '../../storage/index.js';
import type { BufferPool } from './buffer-pool.js';

export interface TreeShape {
  readonly entries: number;
  readonly leaves: number;
  readonly internalPages: number;
  readonly height: number;
}

interface Bounds {
  readonly low: Buffer | undefined; // inclusive
  readonly high: Buffer | undefined; // exclusive
}

export async function checkTree(pool: BufferPool, root: PageId): Promise<TreeShape> {
  const shape = { entries: 0, leaves: 0, internalPages: 0, height: 0 };
  const leafOrder: PageId[] = [];
  const rootPage = await pool.get(root);
  shape.height = pg.pageLevel(rootPage) + 1;
  await walk(pool, root, { low: undefined, high: undefined }, pg.pageLevel(rootPage), shape,
    leafOrder);
  // B1 across leaves: the chain visits the leaves in key order, both ways.
  for (let i = 0; i < leafOrder.length; i++) {
    const page = await pool.get(leafOrder[i] as PageId);
    assert.equal(pg.link(page, 0), leafOrder[i + 1] ?? 0, 'B1: right sibling chain');
    assert.equal(pg.link(page, 1), leafOrder[i - 1] ?? 0, 'B1: left sibling chain');
  }
  return shape;
}

async function walk(
  pool: BufferPool,
  id: PageId,
  bounds: Bounds,
  level: number,
  shape: { entries: number; leaves: number; internalPages: number },
  leafOrder: PageId[],
): Promise<void> {
  const page = await pool.get(id);
  pg.checkPage(page, id);
  assert.equal(pg.pageLevel(page), level, `B4: page ${id} level`);
  const keys = keysOf(page);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as Buffer;
    if (i > 0) assert(Buffer.compare(keys[i - 1] as Buffer, key) < 0, `B1: page ${id} order`);
    if (bounds.low) assert(Buffer.compare(key, bounds.low) >= 0, `B2: page ${id} low bound`);
    if (bounds.high) assert(Buffer.compare(key, bounds.high) < 0, `B2: page ${id} high bound`);
  }
  if (pg.pageType(page) === PAGE_TYPE.btreeLeaf) {
    assert.equal(level, 0, 'B4: leaves at level 0');
    shape.leaves++;
    shape.entries += keys.length;
    leafOrder.push(id);
    return;
  }
  assert.equal(pg.pageType(page), PAGE_TYPE.btreeInternal, `page ${id} is a tree page`);
  assert(level > 0, 'B4: internal pages above level 0');
  shape.internalPages++;
  await walk(pool, pg.link(page, 0), { low: bounds.low, high: keys[0] ?? bounds.high }, level - 1,
    shape, leafOrder);
  for (let slot = 0; slot < keys.length; slot++) {
    const child = page.readUInt32BE(pg.cellOffset(page, slot)) as PageId;
    const high = keys[slot + 1] ?? bounds.high;
    await walk(pool, child, { low: keys[slot], high }, level - 1, shape, leafOrder);
  }
}

function keysOf(page: Buffer): Buffer[] {
  const keys: Buffer[] = [];
  const leaf = pg.pageType(page) === PAGE_TYPE.btreeLeaf;
  for (let slot = 0; slot < pg.cellCount(page); slot++) {
    const cell = pg.cell(page, slot);
    keys.push(Buffer.from(leaf ? cell.subarray(2, 2 + cell.readUInt16BE(0)) : cell.subarray(4)));
  }
  return keys;
}
