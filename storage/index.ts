/**
 * storage/: the quorum log store. It knows redo records and pages, never SQL.
 *
 * This file is the whole surface engine/ may use. The engine produces redo records, applies them
 * to its own pages with `applyRedo`, and hands their encoded bytes to a StorageClient, which
 * replicates them to the six segments of each protection group and tells it when they are durable.
 */
export type { Lsn, PageId } from './lsn.js';
export { LSN_NONE, lsn, pageId, maxLsn, readLsn, writeLsn } from './lsn.js';
export * as page from './page.js';
export { PAGE_SIZE, PAGE_TYPE, type PageType } from './page.js';
export {
  type PageChange,
  type CellEdit,
  type RedoHeader,
  type RedoRecord,
  CELL_EDITS_BYTES_MAX,
  cellEditSize,
  encodeRedo,
  decodeRedo,
  decodeRedoHeader,
} from './redo.js';
export { applyChange, applyRedo, cellReplacement } from './page-apply.js';
export { StorageError, type StorageErrorKind } from './errors.js';
export { protectionGroupOf } from './config.js';
export type { SegmentStatusRow, StorageClient, VolumeState } from './client-api.js';
export { createEmbeddedCluster, type EmbeddedCluster, type EmbeddedNode } from './embedded.js';
export {
  type RemoteCluster,
  type RemoteClusterOptions,
  type RunningStorageNode,
  type StorageNodeServerOptions,
  createRemoteCluster,
  startStorageNodeServer,
} from './remote.js';
export { RETENTION_MS } from './config.js';
