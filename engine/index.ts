/**
 * engine/: SQL → plan → B-tree → redo. Knows nothing of sockets or LMDB.
 * This file is the only import server/ may use.
 */
export type {
  Account,
  ColumnInfo,
  FieldListColumn,
  MovableSession,
  MovedTransaction,
  MovingTransaction,
  PreparedStatement,
  WireCharset,
  ColumnType,
  Engine,
  Result,
  Row,
  Session,
  SessionInit,
  SessionStatus,
  SqlValue,
  StatementDiagnostics,
  StatementRoute,
} from './api.js';
export { COLUMN_FLAG } from './api.js';
export { ER, SqlError, sqlErrorWithMessage, type ErrorName } from './errors.js';
export { createEngine, type EngineOptions, type WriterEngine } from './engine.js';
export {
  PendingFeed,
  type ReadEngine,
  type ReadEngineFeed,
  attachReadEngine,
  tapWriter,
  wallClockMs,
} from './read-engine.js';
export type { ReplicaPageSource } from './btree/index.js';
export type { GlobalsImage } from './globals-image.js';
export type { Lsn, PageId, StorageErrorKind } from '../storage/index.js';
/** A read engine's page source fails with it (server/reader: pages read for another thread). */
export { StorageError } from '../storage/index.js';
export { splitStatements } from './sql/split.js';
