/**
 * The seam between server/ and engine/: all the server may know of the engine.
 *
 * Concurrency contract: one Session per connection; the server serializes calls on a Session (it
 * never calls `execute` again before the previous call's rows have been consumed). Different
 * Sessions run concurrently; the engine protects its shared state itself.
 *
 * Values cross the seam in one representation per column type, so the server can encode them in
 * the text or the binary protocol without knowing SQL:
 *   integer types (TINY … LONGLONG, YEAR, BIT as number)  → bigint
 *   FLOAT, DOUBLE                                         → number
 *   NEWDECIMAL                                            → string, exact, e.g. '12.50'
 *   DATE 'YYYY-MM-DD', DATETIME/TIMESTAMP 'YYYY-MM-DD hh:mm:ss[.ffffff]', TIME '[-]hh:mm:ss[.f]' → string
 *   character types, ENUM, SET, JSON                      → string
 *   binary types (BINARY, VARBINARY, BLOB, BIT)           → Buffer
 *   SQL NULL                                              → null
 */

/** MySQL's column types, named as MYSQL_TYPE_* without the prefix. */
export type ColumnType =
  | 'DECIMAL'
  | 'TINY'
  | 'SHORT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'NULL'
  | 'TIMESTAMP'
  | 'LONGLONG'
  | 'INT24'
  | 'DATE'
  | 'TIME'
  | 'DATETIME'
  | 'YEAR'
  | 'VARCHAR'
  | 'BIT'
  | 'JSON'
  | 'NEWDECIMAL'
  | 'ENUM'
  | 'SET'
  | 'TINY_BLOB'
  | 'MEDIUM_BLOB'
  | 'LONG_BLOB'
  | 'BLOB'
  | 'VAR_STRING'
  | 'STRING'
  | 'GEOMETRY';

/** Column definition flags, with MySQL's bit values (the *_FLAG constants of mysql_com.h). */
export const COLUMN_FLAG = {
  NOT_NULL: 1,
  PRI_KEY: 2,
  UNIQUE_KEY: 4,
  MULTIPLE_KEY: 8,
  BLOB: 16,
  UNSIGNED: 32,
  ZEROFILL: 64,
  BINARY: 128,
  ENUM: 256,
  AUTO_INCREMENT: 512,
  TIMESTAMP: 1024,
  SET: 2048,
  NO_DEFAULT_VALUE: 4096,
  ON_UPDATE_NOW: 8192,
  NUM: 32768,
} as const satisfies Record<string, number>;

export type SqlValue = null | bigint | number | string | Buffer;
export type Row = readonly SqlValue[];

export interface ColumnInfo {
  /** The name the client sees (an alias if there is one). */
  readonly name: string;
  /** The column's own name in its table; '' for an expression. */
  readonly orgName: string;
  /** The table alias as written; '' for an expression. */
  readonly table: string;
  readonly orgTable: string;
  readonly db: string;
  readonly type: ColumnType;
  /** Column length as MySQL reports it (for characters: chars × 4 under utf8mb4). */
  readonly length: number;
  readonly decimals: number;
  /** Bit set of COLUMN_FLAG. */
  readonly flags: number;
  /** Collation id: 255 utf8mb4_0900_ai_ci, 63 binary (numbers, dates and binary strings). */
  readonly collation: number;
}

export type Result =
  | {
      readonly kind: 'ok';
      readonly affectedRows: number;
      readonly lastInsertId: bigint;
      /** Rows matched by an UPDATE, for CLIENT_FOUND_ROWS; equals affectedRows otherwise. */
      readonly matchedRows: number;
      /** MySQL's info string, e.g. 'Records: 2  Duplicates: 0  Warnings: 0'; '' when none. */
      readonly info: string;
    }
  | {
      readonly kind: 'rows';
      readonly columns: readonly ColumnInfo[];
      /** Rows in batches: the server writes a batch, and awaits the socket's drain if full. */
      readonly rows: AsyncIterable<readonly Row[]>;
    };

export interface SessionStatus {
  readonly database: string | null;
  readonly autocommit: boolean;
  readonly inTransaction: boolean;
  /** Warnings of the last statement, for OK and EOF packets. */
  readonly warningCount: number;
}

export interface Session {
  /** Runs exactly one SQL statement. Rejects with SqlError. */
  execute(sql: string): Promise<Result>;
  /** COM_INIT_DB. Rejects with SqlError ER_BAD_DB_ERROR when the database does not exist. */
  useDatabase(name: string): Promise<void>;
  readonly status: SessionStatus;
  close(): Promise<void>;
}

export interface SessionInit {
  readonly connectionId: number;
  readonly user: string;
  readonly host: string;
}

export interface Engine {
  openSession(init: SessionInit): Session;
  close(): Promise<void>;
}
