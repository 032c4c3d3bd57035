/**
 * Pending trees: trees that no table definition references but that are not freed yet, so that
 * long DDL can run in several mini-transactions (Trees T9) without leaking pages. A tree is
 * pending while it is being built (CREATE INDEX, ALTER TABLE: from the step that creates it to
 * the step that makes a definition reference it, or frees it), and once a definition stops
 * referencing it (the old trees of ALTER TABLE, DROP INDEX, TRUNCATE) until its last page is
 * freed. A crash in between leaves its entry behind, and the next start frees the tree before
 * anything else runs (Catalog.load).
 *
 *   KEY                        VALUE
 *   0x07 u32(root)             JSON { v: 1, what, rows } — what the tree was for (for the
 *                              log); rows: its values are stored rows, whose overflow chains
 *                              are freed with it
 *
 * Invariants:
 *   (PT1) a pending tree is referenced by no table definition; a tree referenced by a table
 *         definition is not pending. A change of one to the other happens in one
 *         mini-transaction.
 *   (PT2) a pending tree's root page is a tree page (not free): the step that frees the root
 *         also removes the entry. Every chain a row of a pending rows tree references is
 *         allocated: a row's chains are freed in the step that deletes the row.
 */
import assert from 'node:assert/strict';
import type { Mtr, Trees } from '../btree/api.js';
import { type PageId, pageId } from '../../storage/index.js';
import { freeExternals, hasExternals } from '../sql/row-overflow.js';

export const KEY_PENDING_TREE = 0x07;

/** Pages freed per mini-transaction when a pending tree is dropped. */
export const DROP_STEP_PAGES = 256;
/** Rows whose chains are freed per mini-transaction (a chain is a page per ~16 KiB). */
const CHAIN_STEP_ROWS = 64;

function pendingKey(root: PageId): Buffer {
  const key = Buffer.alloc(5);
  key[0] = KEY_PENDING_TREE;
  key.writeUInt32BE(root, 1);
  return key;
}

/** Names `root` as a tree under construction (in the step that creates it). */
export async function addPendingTree(
  trees: Trees,
  mtr: Mtr,
  tree: PendingTree,
): Promise<void> {
  const { root, what, rows } = tree;
  const value = Buffer.from(JSON.stringify({ v: 1, what: what.slice(0, 200), rows }), 'utf8');
  const inserted = await trees.insert(mtr, trees.catalogRoot, pendingKey(root), value);
  assert(inserted, 'PT1: a tree is named pending once');
}

/** `root` is no longer under construction: a definition references it now, or it is freed. */
export async function removePendingTree(trees: Trees, mtr: Mtr, root: PageId): Promise<void> {
  const deleted = await trees.delete(mtr, trees.catalogRoot, pendingKey(root));
  assert(deleted, 'PT1: the tree was pending');
}

/**
 * Frees a pending tree in bounded steps, each committed but the last, which stays in the open
 * Mtr (PT2: the entry goes with the root's page); a rows tree's chains first, row by row.
 */
export async function dropPendingTree(trees: Trees, mtr: Mtr, tree: PendingTree): Promise<void> {
  if (tree.rows) await freeChains(trees, mtr, tree.root);
  await trees.dropTreeInSteps(mtr, tree.root, DROP_STEP_PAGES);
  await removePendingTree(trees, mtr, tree.root);
}

/** PT2: each row with chains loses them and is deleted in one step (a rerun skips it). */
async function freeChains(trees: Trees, mtr: Mtr, root: PageId): Promise<void> {
  let inStep = 0;
  for await (const batch of trees.scan(root, {})) {
    for (const entry of batch) {
      if (!hasExternals(entry.value)) continue;
      await freeExternals(trees, mtr, entry.value);
      await trees.delete(mtr, root, entry.key);
      if (++inStep >= CHAIN_STEP_ROWS) {
        await trees.commitStep(mtr);
        inStep = 0;
      }
    }
  }
}

export interface PendingTree {
  readonly root: PageId;
  readonly what: string;
  /** Its values are stored rows (a table's tree), whose chains go with it. */
  readonly rows: boolean;
}

export async function pendingTrees(trees: Trees): Promise<PendingTree[]> {
  const found: PendingTree[] = [];
  const range = {
    lower: { key: Buffer.from([KEY_PENDING_TREE]), inclusive: true },
    upper: { key: Buffer.from([KEY_PENDING_TREE + 1]), inclusive: false },
  };
  for await (const batch of trees.scan(trees.catalogRoot, range)) {
    for (const entry of batch) {
      const parsed: unknown = JSON.parse(entry.value.toString('utf8'));
      const record = typeof parsed === 'object' && parsed !== null ? parsed : {};
      const what = 'what' in record ? String(record.what) : '';
      const rows = 'rows' in record && record.rows === true;
      found.push({ root: pageId(entry.key.readUInt32BE(1)), what, rows });
    }
  }
  return found;
}

/**
 * Drops every tree an interrupted build left (the start-up half of PT1): each in its own bounded
 * steps, committed. Runs before anything else uses the trees. Returns what was dropped.
 */
export async function dropPendingTrees(trees: Trees): Promise<PendingTree[]> {
  const pending = await pendingTrees(trees);
  for (const tree of pending) {
    const mtr = await trees.begin();
    try {
      await dropPendingTree(trees, mtr, tree);
    } catch (e) {
      trees.rollback(mtr);
      throw e;
    }
    await trees.commit(mtr);
  }
  return pending;
}
