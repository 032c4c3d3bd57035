/**
 * The seam between server/ and engine/: all the server may know of the engine.
 *
 * Concurrency contract: one Session per connection; the server serializes calls on a Session (it
 * never calls `execute` again before the previous call's rows have been consumed, except for
 * the rows of a prepared statement's cursor (COM_STMT_FETCH), which stay open across later calls
 * until fetched or closed, as MySQL's materialized cursors do). Different Sessions run
 * concurrently; the engine protects its shared state itself.
 *
 * Values cross the seam in one representation per column type, so the server can encode them in
 * the text or the binary protocol without knowing SQL:
 *   integer types (TINY … LONGLONG, YEAR, BIT as number)  → bigint
 *   FLOAT, DOUBLE                                         → number
 *   NEWDECIMAL                                            → string, exact, e.g. '12.50'
 *   DATE 'YYYY-MM-DD', DATETIME/TIMESTAMP 'YYYY-MM-DD hh:mm:ss[.ffffff]',
 *   TIME '[-]hh:mm:ss[.f]'                                → string
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
      /**
       * The same rows when the engine already holds them all (a point select): one batch the
       * server may write without iterating `rows` (issue 8: no promise per batch). A consumer
       * reads one or the other, once.
       */
      readonly collected?: readonly Row[];
    }
  /**
   * CALL of a stored procedure: the result sets its statements produced, in order, then the
   * CALL's own OK. The server sends each result set with SERVER_MORE_RESULTS_EXISTS, then
   * `final` (as MySQL does). The rows are already materialized.
   */
  | {
      readonly kind: 'multi';
      readonly results: readonly (Result & { readonly kind: 'rows' })[];
      readonly final: Result & { readonly kind: 'ok' };
    }
  /**
   * LOAD DATA LOCAL INFILE: the server asks the client for `filename` (the 0xFB packet), reads
   * the file's content up to the empty packet, and answers the command with `load(content)`'s
   * Result. A client without CLIENT_LOCAL_FILES gets ER_CLIENT_LOCAL_FILES_DISABLED instead (the
   * server then never calls `load`). Only Session.execute returns it, never a prepared statement.
   */
  | {
      readonly kind: 'local-infile';
      readonly filename: string;
      load(content: Buffer): Promise<Result>;
    };

export interface SessionStatus {
  readonly database: string | null;
  readonly autocommit: boolean;
  readonly inTransaction: boolean;
  /** Warnings of the last statement, for OK and EOF packets. */
  readonly warningCount: number;
  /** character_set_client: how the server decodes statement text and string parameters. */
  readonly charsetClient: WireCharset;
  /** character_set_results: how the server encodes strings in results; 'binary' = raw bytes. */
  readonly charsetResults: WireCharset;
  /** wait_timeout in seconds: how long the server lets this connection idle. */
  readonly waitTimeoutSeconds: number;
}

/** The character sets the wire carries (issue 4): names as in SET NAMES. */
export type WireCharset = 'utf8mb4' | 'utf8mb3' | 'latin1' | 'binary';

/**
 * A statement prepared once and executed many times (COM_STMT_PREPARE / EXECUTE, and SQL
 * PREPARE). The engine parses and plans at prepare; execute binds the parameters.
 * Parameter values use the same representation as result values (see the top of this file),
 * decoded by the server from the binary protocol: integers as bigint, DOUBLE/FLOAT as number,
 * DECIMAL and strings as string, DATETIME as 'YYYY-MM-DD hh:mm:ss[.ffffff]', blobs as Buffer.
 */
export interface PreparedStatement {
  readonly paramCount: number;
  /** Result columns as known at prepare; empty for statements that return no rows. */
  readonly columns: readonly ColumnInfo[];
  /**
   * Rejects with SqlError (never throws). A result may come at once, not in a promise, where the
   * statement needed no wait (issue 8: a cached point select). Calls are serialized like
   * Session.execute.
   */
  execute(params: readonly SqlValue[]): Result | Promise<Result>;
  close(): void;
}

/** A column as COM_FIELD_LIST reports it: its definition plus its default value. */
export interface FieldListColumn {
  readonly column: ColumnInfo;
  /** The default as text, or null when the column has none. */
  readonly defaultValue: string | null;
}

export interface Session {
  /**
   * Runs exactly one SQL statement. The text arrives as the client's bytes (a Buffer) so that
   * literals holding raw non-UTF-8 bytes (mysqldump's BLOBs) survive; a string is taken as
   * already decoded. Rejects with SqlError.
   */
  execute(sql: string | Buffer): Promise<Result>;
  /** COM_STMT_PREPARE. Rejects with SqlError (1461 when max_prepared_stmt_count is reached). */
  prepare(sql: string | Buffer): Promise<PreparedStatement>;
  /** COM_INIT_DB. Rejects with SqlError ER_BAD_DB_ERROR when the database does not exist. */
  useDatabase(name: string): Promise<void>;
  /** COM_FIELD_LIST: the columns of a table in the current database matching a LIKE wildcard. */
  fieldList(table: string, wildcard: string): Promise<readonly FieldListColumn[]>;
  /**
   * COM_RESET_CONNECTION: rolls back, drops temporary state (user variables, prepared
   * statements, session variables back to their global values), keeps user and database.
   */
  reset(): Promise<void>;
  /** COM_CHANGE_USER, after the server has authenticated the new user: reset, then switch. */
  changeUser(user: string, host: string, database: string | null): Promise<void>;
  /** A system variable's session value (e.g. 'max_allowed_packet'), or undefined if unknown. */
  systemVariable(name: string): SqlValue | undefined;
  readonly status: SessionStatus;
  close(): Promise<void>;
}

/**
 * A transaction moving from a read engine's session to its writer's twin (forwarded writes,
 * server/reader/): what the writer needs to go on with it where it stands.
 */
export interface MovedTransaction {
  /** The read point of its consistent reads so far (an LSN), or null when it made none. */
  readonly readPoint: number | null;
  readonly isolation: 'READ-UNCOMMITTED' | 'READ-COMMITTED' | 'REPEATABLE-READ' | 'SERIALIZABLE';
  /** START TRANSACTION READ ONLY (or transaction_read_only): writes get 1792. */
  readonly readOnly: boolean;
}

/** A note, warning or error a statement raised (SHOW WARNINGS lists them). */
export interface Warning {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

/**
 * What a session keeps of its previous statement for the next one to read: ROW_COUNT(),
 * FOUND_ROWS(), @@warning_count, @@error_count, SHOW WARNINGS / ERRORS. A routed session's twin
 * takes them over when the previous statement ran on the read engine (server/reader/).
 */
export interface StatementDiagnostics {
  readonly rowCount: bigint;
  readonly foundRows: bigint;
  readonly warnings: readonly Warning[];
  /** Every condition raised, also those past the kept list's limit (max_error_count). */
  readonly warningCount: number;
}

/**
 * Where a read engine's session may run a statement when a twin on the writer runs what it
 * cannot (write forwarding): engine/route.ts has the table.
 */
export type StatementRoute = 'read' | 'write' | 'mirror' | 'begin' | 'end' | 'diagnostics' | 'pin';

/** A transaction leaving a session: its state, and the hold on its read point until adopted. */
export interface MovingTransaction {
  readonly transaction: MovedTransaction;
  release(): void;
}

/** A session whose open transaction can move to another engine's session (write forwarding). */
export interface MovableSession extends Session {
  /**
   * Lets go of the open explicit or implicit transaction (it has written nothing, as a read
   * engine's never does) and returns what another session needs to go on with it; undefined
   * when none is open. Its read point stays held here until `release()` (call it once the
   * other session has adopted it), then it is rolled back.
   */
  moveTransaction(): MovingTransaction | undefined;
  /**
   * Opens a transaction that goes on `moved` (this session has none open): its consistent reads
   * read at `moved.readPoint`. Rejects with SqlError ER_TABLE_DEF_CHANGED (1412) when a
   * definition changed after that point.
   */
  adoptTransaction(moved: MovedTransaction): Promise<void>;
  /**
   * The route of a statement text (engine/route.ts), decoded as this session decodes it; 'read'
   * when it does not parse (this session then reports the syntax error as the writer would).
   */
  route(text: string | Buffer): StatementRoute;
  /** The previous statement's diagnostics (what the next statement may read of it). */
  diagnostics(): StatementDiagnostics;
  /** Takes `d` as the previous statement's diagnostics (it ran in another session). */
  adoptDiagnostics(d: StatementDiagnostics): void;
}

export interface SessionInit {
  readonly connectionId: number;
  readonly user: string;
  readonly host: string;
  /** The handshake's character set, as a wire charset: sets the session's character_set_*. */
  readonly charset?: WireCharset;
  /**
   * The handshake's collation id: collation_connection when the engine knows it and it belongs
   * to `charset` (else `charset`'s default collation), as MySQL sets it.
   */
  readonly collationId?: number;
  /** Called when KILL CONNECTION (or KILL) names this session: the server closes the socket. */
  readonly onKill?: () => void;
  /**
   * Called when KILL QUERY names this session (its own running statement is interrupted as
   * well): a session that stands in for one elsewhere (a forwarding twin) passes it on.
   */
  readonly onKillQuery?: () => void;
}

/** An account as stored in the catalog, for the server's authentication. */
export interface Account {
  readonly user: string;
  readonly host: string;
  readonly plugin: 'mysql_native_password' | 'caching_sha2_password';
  /**
   * What MySQL stores in mysql.user.authentication_string: for mysql_native_password '*' and
   * the hex of SHA1(SHA1(password)), for caching_sha2_password '$A$005$' + salt + hash; '' for
   * an empty password.
   */
  readonly authString: string;
  readonly locked: boolean;
}

export interface Engine {
  openSession(init: SessionInit): Session;
  /**
   * The account that user@host logs in as (MySQL's matching: exact host before patterns such as
   * '%'), or undefined. 'localhost' is the host of loopback connections.
   */
  findAccount(user: string, host: string): Promise<Account | undefined>;
  /** COM_STATISTICS: 'Uptime: … Threads: … Questions: …' as MySQL words it. */
  statistics(): string;
  close(): Promise<void>;
}
