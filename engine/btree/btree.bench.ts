/**
 * Splitting a full node (btree.ts): chooseSplit over a leaf's cells, for a leaf of small index
 * entries (~600 cells, a secondary index of sysbench's `k`) and one of sysbench rows (~80 cells),
 * both splitting in the middle (a random insert, not an append at the right edge). And the
 * binary search of a leaf (searchLeaf), which every lookup and change pays. And a commit of one
 * change through the log writer, with no redo tap attached (log-writer.ts L9: the tap costs
 * nothing unused), over the in-memory storage double. Run:
 * npx vitest bench engine/btree/btree.bench.ts
 */
import { bench, describe } from 'vitest';
import {
  PAGE_SIZE,
  PAGE_TYPE,
  type PageChange,
  applyRedo,
  lsn,
  pageId,
} from '../../storage/index.js';
import pino from 'pino';
import { chooseSplit, leafCell, searchLeaf } from './btree.js';
import { MemoryStorage, MemoryStorageClient } from './testing.js';
import { openTrees } from './trees.js';

const INDEX_CELLS = Array.from({ length: 600 }, (_, i) => Buffer.alloc(20 + (i % 7)));
const ROW_CELLS = Array.from({ length: 80 }, (_, i) => Buffer.alloc(190 + (i % 11)));

describe('chooseSplit, a middle insert', () => {
  bench('600 index cells', () => {
    chooseSplit(INDEX_CELLS, true, false);
  });
  bench('80 row cells', () => {
    chooseSplit(ROW_CELLS, true, false);
  });
  bench('600 internal cells', () => {
    chooseSplit(INDEX_CELLS, false, false);
  });
});

/** A leaf filled with `n` entries of `keyOf(i)` → an 8-byte value, in key order. */
function leafOf(n: number, keyOf: (i: number) => Buffer): Buffer {
  const page = Buffer.alloc(PAGE_SIZE);
  let record = 1;
  const apply = (change: PageChange): void => {
    applyRedo(page, {
      lsn: lsn(record++), prevLsn: lsn(0), pageId: pageId(1), epoch: 1, cpl: false, change,
    });
  };
  apply({ kind: 'page-init', pageType: PAGE_TYPE.btreeLeaf, level: 0, link0: pageId(0),
    link1: pageId(0) });
  for (let i = 0; i < n; i++) {
    apply({ kind: 'cell-insert', slot: i, cell: leafCell(keyOf(i), Buffer.alloc(8)) });
  }
  return page;
}

const intKey = (i: number): Buffer => {
  const key = Buffer.alloc(4);
  key.writeUInt32BE(0x8000_0000 + i * 2);
  return key;
};
const ROW_LEAF = leafOf(80, intKey);
const INDEX_LEAF = leafOf(600, (i) => Buffer.concat([intKey(i), intKey(i)]));
const PROBES = Array.from({ length: 64 }, (_, i) => intKey((i * 37) % 160));
const INDEX_PROBES = PROBES.map((k) => Buffer.concat([k, k]));

describe('searchLeaf, 64 lookups', () => {
  bench('80-entry row leaf, 4-byte keys', () => {
    for (const key of PROBES) searchLeaf(ROW_LEAF, key);
  });
  bench('600-entry index leaf, 8-byte keys', () => {
    for (const key of INDEX_PROBES) searchLeaf(INDEX_LEAF, key);
  });
});

const trees = await openTrees({
  storage: new MemoryStorageClient(new MemoryStorage()),
  log: pino({ level: 'silent' }),
  bufferPoolPages: 64,
});
const ROOT = await (async () => {
  const mtr = await trees.begin();
  const root = await trees.createTree(mtr);
  for (let i = 0; i < 64; i++) await trees.insert(mtr, root, intKey(i), Buffer.alloc(100));
  await trees.commit(mtr);
  return root;
})();
let round = 0;

describe('commit, no redo tap', () => {
  bench('one same-size update and its commit', async () => {
    const mtr = trees.beginNow();
    if (mtr === undefined) throw new Error('the writer is at its LSN allocation limit');
    trees.updateCached(mtr, ROOT, intKey(round++ % 64), Buffer.alloc(100, round));
    await trees.commit(mtr);
  });
});
