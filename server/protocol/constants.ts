/**
 * The protocol's numbers, named as in the MySQL manual and mysql_com.h: command bytes (COM_*),
 * capability flags (CLIENT_*), status flags (SERVER_STATUS_*), column types (MYSQL_TYPE_*),
 * collation ids, and what this server offers in its greeting.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/mysql__com_8h.html
 *
 * Invariants:
 *   (K1) SERVER_CAPABILITIES never contains CLIENT_SSL, CLIENT_COMPRESS or CLIENT_QUERY_ATTRIBUTES
 *        (asserted below). Offering QUERY_ATTRIBUTES makes mysql2 prefix every COM_QUERY with
 *        attribute bytes. CLIENT_SSL makes the mysql CLI and mysqldump start TLS, so the greeting
 *        adds it (greetingCapabilities) only when the listener has a TLS certificate.
 *   (K2) CLIENT_SESSION_TRACK is offered, and the OK packet's info is length-encoded whatever
 *        the client asked, as MySQL 8 sends it: libmariadb always reads it so, and mysql2 reads
 *        it so when the greeting offers SESSION_TRACK. No session state is ever tracked.
 */
import assert from 'node:assert/strict';
import type { ColumnType } from '../../engine/index.js';

export const COM = {
  COM_SLEEP: 0x00,
  COM_QUIT: 0x01,
  COM_INIT_DB: 0x02,
  COM_QUERY: 0x03,
  COM_FIELD_LIST: 0x04,
  COM_CREATE_DB: 0x05,
  COM_DROP_DB: 0x06,
  COM_REFRESH: 0x07,
  COM_SHUTDOWN: 0x08,
  COM_STATISTICS: 0x09,
  COM_PROCESS_INFO: 0x0a,
  COM_CONNECT: 0x0b,
  COM_PROCESS_KILL: 0x0c,
  COM_DEBUG: 0x0d,
  COM_PING: 0x0e,
  COM_TIME: 0x0f,
  COM_DELAYED_INSERT: 0x10,
  COM_CHANGE_USER: 0x11,
  COM_BINLOG_DUMP: 0x12,
  COM_TABLE_DUMP: 0x13,
  COM_CONNECT_OUT: 0x14,
  COM_REGISTER_SLAVE: 0x15,
  COM_STMT_PREPARE: 0x16,
  COM_STMT_EXECUTE: 0x17,
  COM_STMT_SEND_LONG_DATA: 0x18,
  COM_STMT_CLOSE: 0x19,
  COM_STMT_RESET: 0x1a,
  COM_SET_OPTION: 0x1b,
  COM_STMT_FETCH: 0x1c,
  COM_DAEMON: 0x1d,
  COM_BINLOG_DUMP_GTID: 0x1e,
  COM_RESET_CONNECTION: 0x1f,
  COM_CLONE: 0x20,
} as const satisfies Record<string, number>;

/** Capability flags. Bit 31 is written as 2 ** 31 so that every value is a positive number. */
export const CLIENT = {
  CLIENT_LONG_PASSWORD: 1,
  CLIENT_FOUND_ROWS: 2,
  CLIENT_LONG_FLAG: 4,
  CLIENT_CONNECT_WITH_DB: 8,
  CLIENT_NO_SCHEMA: 16,
  CLIENT_COMPRESS: 32,
  CLIENT_ODBC: 64,
  CLIENT_LOCAL_FILES: 128,
  CLIENT_IGNORE_SPACE: 256,
  CLIENT_PROTOCOL_41: 512,
  CLIENT_INTERACTIVE: 1024,
  CLIENT_SSL: 2048,
  CLIENT_IGNORE_SIGPIPE: 4096,
  CLIENT_TRANSACTIONS: 8192,
  CLIENT_RESERVED: 16384,
  CLIENT_SECURE_CONNECTION: 32768,
  CLIENT_MULTI_STATEMENTS: 1 << 16,
  CLIENT_MULTI_RESULTS: 1 << 17,
  CLIENT_PS_MULTI_RESULTS: 1 << 18,
  CLIENT_PLUGIN_AUTH: 1 << 19,
  CLIENT_CONNECT_ATTRS: 1 << 20,
  CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS: 1 << 22,
  CLIENT_SESSION_TRACK: 1 << 23,
  CLIENT_DEPRECATE_EOF: 1 << 24,
  CLIENT_OPTIONAL_RESULTSET_METADATA: 1 << 25,
  CLIENT_ZSTD_COMPRESSION_ALGORITHM: 1 << 26,
  CLIENT_QUERY_ATTRIBUTES: 1 << 27,
  CLIENT_MULTI_FACTOR_AUTHENTICATION: 1 << 28,
  CLIENT_CAPABILITY_EXTENSION: 1 << 29,
  CLIENT_SSL_VERIFY_SERVER_CERT: 1 << 30,
  CLIENT_REMEMBER_OPTIONS: 2 ** 31,
} as const satisfies Record<string, number>;

/** True when every bit of `flag` is set in `flags` (both ≤ 32 bits). */
export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) >>> 0 === flag >>> 0;
}

/**
 * What the greeting offers: what MySQL 8.0 offers, less SSL (K1: added only with TLS), COMPRESS,
 * QUERY_ATTRIBUTES (K1), OPTIONAL_RESULTSET_METADATA (it
 * changes the result-set format), IGNORE_SPACE (the parser does not honour it), and the
 * compression and multi-factor bits. SESSION_TRACK is offered (K2).
 */
export const SERVER_CAPABILITIES =
  (CLIENT.CLIENT_LONG_PASSWORD |
    CLIENT.CLIENT_FOUND_ROWS |
    CLIENT.CLIENT_LONG_FLAG |
    CLIENT.CLIENT_CONNECT_WITH_DB |
    CLIENT.CLIENT_LOCAL_FILES |
    CLIENT.CLIENT_PROTOCOL_41 |
    CLIENT.CLIENT_INTERACTIVE |
    CLIENT.CLIENT_IGNORE_SIGPIPE |
    CLIENT.CLIENT_TRANSACTIONS |
    CLIENT.CLIENT_SECURE_CONNECTION |
    CLIENT.CLIENT_MULTI_STATEMENTS |
    CLIENT.CLIENT_MULTI_RESULTS |
    CLIENT.CLIENT_PS_MULTI_RESULTS |
    CLIENT.CLIENT_PLUGIN_AUTH |
    CLIENT.CLIENT_CONNECT_ATTRS |
    CLIENT.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA |
    CLIENT.CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS |
    CLIENT.CLIENT_SESSION_TRACK |
    CLIENT.CLIENT_DEPRECATE_EOF) >>>
  0;

/** The greeting's capabilities: SERVER_CAPABILITIES, plus CLIENT_SSL when TLS is available (K1). */
export function greetingCapabilities(tls: boolean): number {
  return (tls ? SERVER_CAPABILITIES | CLIENT.CLIENT_SSL : SERVER_CAPABILITIES) >>> 0;
}

assert(!hasFlag(SERVER_CAPABILITIES, CLIENT.CLIENT_SSL), 'K1: CLIENT_SSL is withheld');
assert(!hasFlag(SERVER_CAPABILITIES, CLIENT.CLIENT_COMPRESS), 'K1: CLIENT_COMPRESS is withheld');
assert(
  !hasFlag(SERVER_CAPABILITIES, CLIENT.CLIENT_QUERY_ATTRIBUTES),
  'K1: CLIENT_QUERY_ATTRIBUTES is withheld',
);

export const SERVER_STATUS = {
  SERVER_STATUS_IN_TRANS: 0x0001,
  SERVER_STATUS_AUTOCOMMIT: 0x0002,
  SERVER_MORE_RESULTS_EXISTS: 0x0008,
  SERVER_QUERY_NO_GOOD_INDEX_USED: 0x0010,
  SERVER_QUERY_NO_INDEX_USED: 0x0020,
  SERVER_STATUS_CURSOR_EXISTS: 0x0040,
  SERVER_STATUS_LAST_ROW_SENT: 0x0080,
  SERVER_STATUS_DB_DROPPED: 0x0100,
  SERVER_STATUS_NO_BACKSLASH_ESCAPES: 0x0200,
  SERVER_STATUS_METADATA_CHANGED: 0x0400,
  SERVER_QUERY_WAS_SLOW: 0x0800,
  SERVER_PS_OUT_PARAMS: 0x1000,
  SERVER_STATUS_IN_TRANS_READONLY: 0x2000,
  SERVER_SESSION_STATE_CHANGED: 0x4000,
} as const satisfies Record<string, number>;

/** Column types on the wire (enum_field_types). */
export const MYSQL_TYPE = {
  MYSQL_TYPE_DECIMAL: 0,
  MYSQL_TYPE_TINY: 1,
  MYSQL_TYPE_SHORT: 2,
  MYSQL_TYPE_LONG: 3,
  MYSQL_TYPE_FLOAT: 4,
  MYSQL_TYPE_DOUBLE: 5,
  MYSQL_TYPE_NULL: 6,
  MYSQL_TYPE_TIMESTAMP: 7,
  MYSQL_TYPE_LONGLONG: 8,
  MYSQL_TYPE_INT24: 9,
  MYSQL_TYPE_DATE: 10,
  MYSQL_TYPE_TIME: 11,
  MYSQL_TYPE_DATETIME: 12,
  MYSQL_TYPE_YEAR: 13,
  MYSQL_TYPE_NEWDATE: 14,
  MYSQL_TYPE_VARCHAR: 15,
  MYSQL_TYPE_BIT: 16,
  MYSQL_TYPE_TIMESTAMP2: 17,
  MYSQL_TYPE_DATETIME2: 18,
  MYSQL_TYPE_TIME2: 19,
  MYSQL_TYPE_TYPED_ARRAY: 20,
  MYSQL_TYPE_INVALID: 243,
  MYSQL_TYPE_BOOL: 244,
  MYSQL_TYPE_JSON: 245,
  MYSQL_TYPE_NEWDECIMAL: 246,
  MYSQL_TYPE_ENUM: 247,
  MYSQL_TYPE_SET: 248,
  MYSQL_TYPE_TINY_BLOB: 249,
  MYSQL_TYPE_MEDIUM_BLOB: 250,
  MYSQL_TYPE_LONG_BLOB: 251,
  MYSQL_TYPE_BLOB: 252,
  MYSQL_TYPE_VAR_STRING: 253,
  MYSQL_TYPE_STRING: 254,
  MYSQL_TYPE_GEOMETRY: 255,
} as const satisfies Record<string, number>;

/**
 * The type byte a client sees for an engine ColumnType. MySQL sends a column's *type*, not its
 * *real type* (Field::type() vs Field::real_type()): VARCHAR goes out as VAR_STRING, ENUM and SET
 * as STRING (with ENUM_FLAG/SET_FLAG), and every BLOB/TEXT size as BLOB. Clients rely on that,
 * e.g. mysql2 reads a 252 column as a BLOB/TEXT whatever its length.
 */
export const WIRE_TYPE = {
  DECIMAL: MYSQL_TYPE.MYSQL_TYPE_DECIMAL,
  TINY: MYSQL_TYPE.MYSQL_TYPE_TINY,
  SHORT: MYSQL_TYPE.MYSQL_TYPE_SHORT,
  LONG: MYSQL_TYPE.MYSQL_TYPE_LONG,
  FLOAT: MYSQL_TYPE.MYSQL_TYPE_FLOAT,
  DOUBLE: MYSQL_TYPE.MYSQL_TYPE_DOUBLE,
  NULL: MYSQL_TYPE.MYSQL_TYPE_NULL,
  TIMESTAMP: MYSQL_TYPE.MYSQL_TYPE_TIMESTAMP,
  LONGLONG: MYSQL_TYPE.MYSQL_TYPE_LONGLONG,
  INT24: MYSQL_TYPE.MYSQL_TYPE_INT24,
  DATE: MYSQL_TYPE.MYSQL_TYPE_DATE,
  TIME: MYSQL_TYPE.MYSQL_TYPE_TIME,
  DATETIME: MYSQL_TYPE.MYSQL_TYPE_DATETIME,
  YEAR: MYSQL_TYPE.MYSQL_TYPE_YEAR,
  VARCHAR: MYSQL_TYPE.MYSQL_TYPE_VAR_STRING,
  BIT: MYSQL_TYPE.MYSQL_TYPE_BIT,
  JSON: MYSQL_TYPE.MYSQL_TYPE_JSON,
  NEWDECIMAL: MYSQL_TYPE.MYSQL_TYPE_NEWDECIMAL,
  ENUM: MYSQL_TYPE.MYSQL_TYPE_STRING,
  SET: MYSQL_TYPE.MYSQL_TYPE_STRING,
  TINY_BLOB: MYSQL_TYPE.MYSQL_TYPE_BLOB,
  MEDIUM_BLOB: MYSQL_TYPE.MYSQL_TYPE_BLOB,
  LONG_BLOB: MYSQL_TYPE.MYSQL_TYPE_BLOB,
  BLOB: MYSQL_TYPE.MYSQL_TYPE_BLOB,
  VAR_STRING: MYSQL_TYPE.MYSQL_TYPE_VAR_STRING,
  STRING: MYSQL_TYPE.MYSQL_TYPE_STRING,
  GEOMETRY: MYSQL_TYPE.MYSQL_TYPE_GEOMETRY,
} as const satisfies Record<ColumnType, number>;

/** COM_STMT_EXECUTE flags (enum_cursor_type). */
export const CURSOR_TYPE = {
  CURSOR_TYPE_NO_CURSOR: 0,
  CURSOR_TYPE_READ_ONLY: 1,
  CURSOR_TYPE_FOR_UPDATE: 2,
  CURSOR_TYPE_SCROLLABLE: 4,
  PARAMETER_COUNT_AVAILABLE: 8,
} as const satisfies Record<string, number>;

/** COM_SET_OPTION values (enum_mysql_set_option). */
export const SET_OPTION = {
  MYSQL_OPTION_MULTI_STATEMENTS_ON: 0,
  MYSQL_OPTION_MULTI_STATEMENTS_OFF: 1,
} as const satisfies Record<string, number>;

/** Collation ids (the "character set" byte of the greeting and of column definitions). */
export const COLLATION = {
  latin1_swedish_ci: 8,
  utf8mb3_general_ci: 33,
  utf8mb4_general_ci: 45,
  binary: 63,
  utf8mb4_unicode_ci: 224,
  utf8mb4_0900_ai_ci: 255,
} as const satisfies Record<string, number>;

/** `decimals` value meaning "not fixed" (DECIMAL_NOT_SPECIFIED): floats print shortest form. */
export const DECIMALS_NOT_FIXED = 31;

export const PROTOCOL_VERSION = 10;
/** Starts with '8.0.' so that clients treat the server as MySQL 8.0 (see README of the traces). */
export const SERVER_VERSION = '8.0.36-borealis';
export const NATIVE_PASSWORD_PLUGIN = 'mysql_native_password';
export const CACHING_SHA2_PASSWORD_PLUGIN = 'caching_sha2_password';
/** Bytes of auth-plugin-data (the scramble) in the greeting. */
export const SCRAMBLE_LENGTH = 20;
/** Payloads of this length or more are split over several packets. */
export const MAX_PACKET_PAYLOAD = 0xff_ffff;
