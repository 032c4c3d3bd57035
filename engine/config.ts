/**
 * Engine limits, each with its reason, asserted at load (TigerBeetle's constants.zig habit). Limits
 * that MySQL also has carry MySQL's value, so a client sees the same boundary.
 */
import assert from 'node:assert/strict';
import { ENTRY_SIZE_MAX, KEY_SIZE_MAX } from './btree/api.js';

/** Longest statement text accepted: MySQL's default max_allowed_packet (64 MiB). */
export const STATEMENT_BYTES_MAX = 64 * 1024 * 1024;

/**
 * Statement texts whose parsed AST is kept (LRU). node-sql-parser costs ~140 µs a statement, so a
 * repeated text must not pay it twice; the later literal-normalising plan cache keys this by shape.
 */
export const PARSE_CACHE_ENTRIES = 1_000;

/**
 * Normalised statement texts whose parse and plans the plan cache keeps (sql/plan-cache.ts),
 * engine-wide, least recently used dropped first.
 */
export const PLAN_CACHE_ENTRIES = 1_000;

/** Texts longer than this are parsed every time rather than cached (they are rarely repeated). */
export const PARSE_CACHE_TEXT_CHARS_MAX = 16 * 1024;

/** Rows per batch handed to the server (one socket write per batch, then a drain check). */
export const RESULT_BATCH_ROWS = 256;

/**
 * Rows an UPDATE or DELETE may collect before it changes anything (it reads every target row
 * first, so a change never meets a row it already changed). Until MVCC (issue 5) a statement's
 * targets are held in memory.
 */
export const DML_TARGET_ROWS_MAX = 1_000_000;

/** Rows a sorting SELECT may hold in memory (there is no external sort yet). */
export const SORT_ROWS_MAX = 1_000_000;

/** Point lookups one IN list (or a product of IN lists) may expand to before a range scan wins. */
export const PLAN_POINT_KEYS_MAX = 1_000;

/**
 * A consistent range read over at most this many cached leaves is read at once, in one batch
 * (view.ts snapshotRowsNow; issue 8: sysbench's 100-row ranges span two or three). A read that
 * reaches further streams leaf by leaf, so a LIMIT stops it early and a long scan yields to the
 * event loop between leaves.
 */
export const SCAN_NOW_LEAVES_MAX = 4;

/** MySQL's limits on definitions (ER_TOO_LONG_IDENT, ER_TOO_MANY_FIELDS, DECIMAL, VARCHAR). */
export const IDENTIFIER_CHARS_MAX = 64;
export const TABLE_COLUMNS_MAX = 4_096;
export const DECIMAL_PRECISION_MAX = 65;
export const DECIMAL_SCALE_MAX = 30;
/** VARCHAR(n) and CHAR(n) in characters: 65,535 bytes / 4 bytes per utf8mb4 character. */
export const VARCHAR_CHARS_MAX = 16_383;
export const CHAR_CHARS_MAX = 255;
/** TEXT holds up to 65,535 bytes. */
export const TEXT_BYTES_MAX = 65_535;
/** DATETIME fractional seconds precision. */
export const DATETIME_FSP_MAX = 6;

/** InnoDB's index key limit, which is also the Trees' (T5). */
export const KEY_BYTES_MAX = KEY_SIZE_MAX;
/** Largest key + row the Trees store (T5); bigger rows need overflow pages (not built yet). */
export const ROW_ENTRY_BYTES_MAX = ENTRY_SIZE_MAX;

/** The server version we report: MySQL 8.0.36's, marked as ours. */
export const SERVER_VERSION = '8.0.36-borealis';
export const VERSION_COMMENT = 'Borealis';
/** `/*!NNNNN … *\/` comments run when NNNNN is at most this (8.0.36 → 80036). */
export const VERSION_ID = 80036;

assert(PARSE_CACHE_ENTRIES > 0, 'parse cache holds something');
assert(RESULT_BATCH_ROWS > 0, 'batches are not empty');
assert(KEY_BYTES_MAX < ROW_ENTRY_BYTES_MAX, 'a key leaves room for its row');
assert(DECIMAL_SCALE_MAX <= DECIMAL_PRECISION_MAX, 'scale ≤ precision');
assert(VARCHAR_CHARS_MAX * 4 < 65_536, 'VARCHAR fits MySQL row limit');

// -- issue 5: transactions and locks ------------------------------------------------------------

/**
 * Memory a transaction's write set may take (entries, undo records and their overhead). Every
 * uncommitted change lives in memory until COMMIT applies it in one mini-transaction, whose
 * touched pages stay pinned until it ships, so this also bounds one commit's pinned pages. Past it
 * a statement fails with ER_TRANS_CACHE_FULL (1197), as MySQL's binlog cache does.
 */
export const WRITE_SET_BYTES_MAX = 128 * 1024 * 1024;

/** innodb_lock_wait_timeout: MySQL's default and bounds, in seconds. */
export const LOCK_WAIT_TIMEOUT_DEFAULT_S = 50;
export const LOCK_WAIT_TIMEOUT_MAX_S = 1_073_741_824;

/** lock_wait_timeout: MySQL's default (a year), for metadata locks (DDL against open txns). */
export const METADATA_LOCK_WAIT_TIMEOUT_S = 31_536_000;

/** Row locks held by all transactions together; past it a lock request fails (1206-like). */
export const LOCKS_MAX = 4_000_000;

assert(WRITE_SET_BYTES_MAX >= 1024 * 1024, 'a write set holds at least a megabyte');
assert(LOCK_WAIT_TIMEOUT_DEFAULT_S <= LOCK_WAIT_TIMEOUT_MAX_S, 'lock wait default within bounds');
