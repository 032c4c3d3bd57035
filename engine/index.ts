/**
 * engine/: SQL → plan → B-tree → redo. Knows nothing of sockets or LMDB.
 * This file is the only import server/ may use.
 */
export type {
  Account,
  ColumnInfo,
  FieldListColumn,
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
} from './api.js';
export { COLUMN_FLAG } from './api.js';
export { ER, SqlError, type ErrorName } from './errors.js';
export { createEngine, type EngineOptions } from './engine.js';
export { splitStatements } from './sql/split.js';
