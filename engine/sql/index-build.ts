/**
 * CREATE INDEX on a table that has rows: the new index's tree, filled from the table inside the
 * DDL's mini-transaction (under the exclusive engine latch, so no commit interleaves and the
 * table read is its latest state), and DROP INDEX. A UNIQUE index that the rows violate fails
 * with ER_DUP_ENTRY and the mini-transaction is rolled back whole (T2), as MySQL leaves the table
 * without the index.
 *
 * Invariant (IB1): the new tree holds exactly one entry per row (index-keys.ts), and no two
 * entries of a UNIQUE index share a unique prefix without a NULL in it.
 */
import type { Mtr, Trees } from '../btree/api.js';
import type { Catalog, CatalogChange } from '../catalog/catalog.js';
import {
  type IndexDef,
  type IndexSpec,
  type TableDef,
  makeTableDef,
} from '../catalog/definitions.js';
import { KEY_SIZE_MAX } from '../btree/api.js';
import { SqlError } from '../errors.js';
import { loadRow } from './row-overflow.js';
import { duplicateEntry } from '../txn/rows.js';
import { indexEntry } from './index-keys.js';

/** Builds the index's tree from the table's rows (IB1) and records the table's new definition. */
export async function createIndex(
  trees: Trees,
  catalog: Catalog,
  mtr: Mtr,
  table: TableDef,
  spec: IndexSpec,
): Promise<CatalogChange> {
  const index: IndexDef = { ...spec, root: await trees.createTree(mtr) };
  for await (const batch of trees.scan(table.root, {})) {
    for (const entry of batch) {
      const row = await loadRow(trees, table, entry.value, undefined);
      const e = indexEntry(table, index, entry.key, row);
      if (e.key.length > KEY_SIZE_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_SIZE_MAX]);
      if (index.unique && !e.hasNull) {
        const from = { lower: { key: e.unique, inclusive: true } };
        for await (const found of trees.scan(index.root, from)) {
          const first = found[0];
          if (first !== undefined && first.key.subarray(0, e.unique.length).equals(e.unique)) {
            throw duplicateEntry(table, row, index);
          }
          break;
        }
      }
      await trees.insert(mtr, index.root, e.key, e.value);
    }
  }
  return catalog.replaceTable(mtr, makeTableDef({ ...table, indexes: [...table.indexes, index] }));
}

/** Drops the index's tree and records the table's new definition. */
export async function dropIndex(
  trees: Trees,
  catalog: Catalog,
  mtr: Mtr,
  table: TableDef,
  index: IndexDef,
): Promise<CatalogChange> {
  await trees.dropTree(mtr, index.root);
  const indexes = table.indexes.filter((i) => i !== index);
  return catalog.replaceTable(mtr, makeTableDef({ ...table, indexes }));
}
