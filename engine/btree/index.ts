/**
 * engine/btree: the page layer — B-trees, buffer pool, log writer, volume header. The SQL layer
 * uses it only through the Trees seam (api.ts).
 */
export type {
  BulkLoad, Entry, KeyBound, KeyRange, Mtr, RedoTap, Snapshot, Trees, ValueReader,
} from './api.js';
export { ENTRY_SIZE_MAX, KEY_SIZE_MAX } from './api.js';
export {
  openTrees,
  type OpenTrees,
  type TreesOptions,
  BUFFER_POOL_PAGES_DEFAULT,
} from './trees.js';
export type { TreeShape } from './check.js';
export {
  openReplicaTrees,
  type ReplicaOptions,
  type ReplicaPageSource,
  type ReplicaTrees,
} from './replica.js';
