/**
 * MySQL errors: each kind carries its errno and SQLSTATE where it is defined, so nothing later
 * maps errors by switch or by message text. The keys are MySQL's own names, which is also the
 * `err.code` that mysql2 clients see.
 */
export const ER = {
  ER_CON_COUNT_ERROR: { errno: 1040, sqlState: '08004', message: 'Too many connections' },
  ER_DBACCESS_DENIED_ERROR: {
    errno: 1044,
    sqlState: '42000',
    message: "Access denied for user '%s'@'%s' to database '%s'",
  },
  ER_ACCESS_DENIED_ERROR: {
    errno: 1045,
    sqlState: '28000',
    message: "Access denied for user '%s'@'%s' (using password: %s)",
  },
  ER_NO_DB_ERROR: { errno: 1046, sqlState: '3D000', message: 'No database selected' },
  ER_UNKNOWN_COM_ERROR: { errno: 1047, sqlState: '08S01', message: 'Unknown command' },
  ER_BAD_NULL_ERROR: { errno: 1048, sqlState: '23000', message: "Column '%s' cannot be null" },
  ER_BAD_DB_ERROR: { errno: 1049, sqlState: '42000', message: "Unknown database '%s'" },
  ER_TABLE_EXISTS_ERROR: { errno: 1050, sqlState: '42S01', message: "Table '%s' already exists" },
  ER_BAD_TABLE_ERROR: { errno: 1051, sqlState: '42S02', message: "Unknown table '%s'" },
  ER_NON_UNIQ_ERROR: {
    errno: 1052,
    sqlState: '23000',
    message: "Column '%s' in %s is ambiguous",
  },
  ER_BAD_FIELD_ERROR: { errno: 1054, sqlState: '42S22', message: "Unknown column '%s' in '%s'" },
  ER_WRONG_FIELD_WITH_GROUP: {
    errno: 1055,
    sqlState: '42000',
    message: "Expression #%d of SELECT list is not in GROUP BY clause and contains nonaggregated column '%s' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by",
  },
  ER_DUP_FIELDNAME: { errno: 1060, sqlState: '42S21', message: "Duplicate column name '%s'" },
  ER_DUP_KEYNAME: { errno: 1061, sqlState: '42000', message: "Duplicate key name '%s'" },
  ER_DUP_ENTRY: { errno: 1062, sqlState: '23000', message: "Duplicate entry '%s' for key '%s'" },
  ER_PARSE_ERROR: {
    errno: 1064,
    sqlState: '42000',
    message: "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '%s' at line %d",
  },
  ER_EMPTY_QUERY: { errno: 1065, sqlState: '42000', message: 'Query was empty' },
  ER_NONUNIQ_TABLE: { errno: 1066, sqlState: '42000', message: "Not unique table/alias: '%s'" },
  ER_INVALID_DEFAULT: { errno: 1067, sqlState: '42000', message: "Invalid default value for '%s'" },
  ER_MULTIPLE_PRI_KEY: { errno: 1068, sqlState: '42000', message: 'Multiple primary key defined' },
  ER_TOO_LONG_KEY: {
    errno: 1071,
    sqlState: '42000',
    message: 'Specified key was too long; max key length is %d bytes',
  },
  ER_KEY_COLUMN_DOES_NOT_EXITS: {
    errno: 1072,
    sqlState: '42000',
    message: "Key column '%s' doesn't exist in table",
  },
  ER_TOO_BIG_FIELDLENGTH: {
    errno: 1074,
    sqlState: '42000',
    message: "Column length too big for column '%s' (max = %d); use BLOB or TEXT instead",
  },
  ER_WRONG_AUTO_KEY: {
    errno: 1075,
    sqlState: '42000',
    message: 'Incorrect table definition; there can be only one auto column and it must be defined as a key',
  },
  ER_WRONG_VALUE_COUNT_ON_ROW: {
    errno: 1136,
    sqlState: '21S01',
    message: "Column count doesn't match value count at row %d",
  },
  ER_UNKNOWN_SYSTEM_VARIABLE: {
    errno: 1193,
    sqlState: 'HY000',
    message: "Unknown system variable '%s'",
  },
  ER_NO_SUCH_TABLE: { errno: 1146, sqlState: '42S02', message: "Table '%s.%s' doesn't exist" },
  ER_TOO_BIG_ROWSIZE: {
    errno: 1118,
    sqlState: '42000',
    message: 'Row size too large. The maximum row size for the used table type is %d. %s',
  },
  ER_NET_PACKET_TOO_LARGE: {
    errno: 1153,
    sqlState: '08S01',
    message: "Got a packet bigger than 'max_allowed_packet' bytes",
  },
  ER_NET_READ_ERROR: { errno: 1158, sqlState: '08S01', message: 'Got an error reading communication packets' },
  ER_NET_PACKETS_OUT_OF_ORDER: { errno: 1156, sqlState: '08S01', message: 'Got packets out of order' },
  ER_LOCK_WAIT_TIMEOUT: {
    errno: 1205,
    sqlState: 'HY000',
    message: 'Lock wait timeout exceeded; try restarting transaction',
  },
  ER_LOCK_DEADLOCK: {
    errno: 1213,
    sqlState: '40001',
    message: 'Deadlock found when trying to get lock; try restarting transaction',
  },
  ER_WRONG_ARGUMENTS: { errno: 1210, sqlState: 'HY000', message: 'Incorrect arguments to %s' },
  ER_DB_CREATE_EXISTS: {
    errno: 1007,
    sqlState: 'HY000',
    message: "Can't create database '%s'; database exists",
  },
  ER_DB_DROP_EXISTS: {
    errno: 1008,
    sqlState: 'HY000',
    message: "Can't drop database '%s'; database doesn't exist",
  },
  ER_NOT_SUPPORTED_YET: {
    errno: 1235,
    sqlState: '42000',
    message: "This version of MySQL doesn't yet support '%s'",
  },
  ER_WRONG_VALUE_FOR_VAR: {
    errno: 1231,
    sqlState: '42000',
    message: "Variable '%s' can't be set to the value of '%s'",
  },
  ER_TRUNCATED_WRONG_VALUE: {
    errno: 1292,
    sqlState: '22007',
    message: "Truncated incorrect %s value: '%s'",
  },
  ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: {
    errno: 1366,
    sqlState: 'HY000',
    message: "Incorrect %s value: '%s' for column '%s' at row %d",
  },
  ER_WARN_DATA_OUT_OF_RANGE: {
    errno: 1264,
    sqlState: '22003',
    message: "Out of range value for column '%s' at row %d",
  },
  ER_DATA_TOO_LONG: {
    errno: 1406,
    sqlState: '22001',
    message: "Data too long for column '%s' at row %d",
  },
  ER_NO_DEFAULT_FOR_FIELD: {
    errno: 1364,
    sqlState: 'HY000',
    message: "Field '%s' doesn't have a default value",
  },
  ER_DIVISION_BY_ZERO: { errno: 1365, sqlState: '22012', message: 'Division by 0' },
  ER_SP_DOES_NOT_EXIST: { errno: 1305, sqlState: '42000', message: '%s %s does not exist' },
  ER_QUERY_INTERRUPTED: { errno: 1317, sqlState: '70100', message: 'Query execution was interrupted' },
  ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT: {
    errno: 1582,
    sqlState: '42000',
    message: "Incorrect parameter count in the call to native function '%s'",
  },
  ER_OPERAND_COLUMNS: { errno: 1241, sqlState: '21000', message: 'Operand should contain %d column(s)' },
  ER_SUBQUERY_NO_1_ROW: { errno: 1242, sqlState: '21000', message: 'Subquery returns more than 1 row' },
  ER_ILLEGAL_REFERENCE: { errno: 1247, sqlState: '42S22', message: "Reference '%s' not supported (%s)" },
  ER_TOO_MANY_KEYS: { errno: 1069, sqlState: '42000', message: 'Too many keys specified; max %d keys allowed' },
  ER_REQUIRES_PRIMARY_KEY: {
    errno: 1173,
    sqlState: '42000',
    message: 'This table type requires a primary key',
  },
  ER_TOO_LONG_IDENT: { errno: 1059, sqlState: '42000', message: "Identifier name '%s' is too long" },
  ER_WRONG_DB_NAME: { errno: 1102, sqlState: '42000', message: "Incorrect database name '%s'" },
  ER_WRONG_TABLE_NAME: { errno: 1103, sqlState: '42000', message: "Incorrect table name '%s'" },
  ER_WRONG_COLUMN_NAME: { errno: 1166, sqlState: '42000', message: "Incorrect column name '%s'" },
  ER_BLOB_CANT_HAVE_DEFAULT: {
    errno: 1101,
    sqlState: '42000',
    message: "BLOB, TEXT, GEOMETRY or JSON column '%s' can't have a default value",
  },
  ER_BLOB_KEY_WITHOUT_LENGTH: {
    errno: 1170,
    sqlState: '42000',
    message: "BLOB/TEXT column '%s' used in key specification without a key length",
  },
  ER_PRIMARY_CANT_HAVE_NULL: {
    errno: 1171,
    sqlState: '42000',
    message: 'All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead',
  },
  ER_TOO_BIG_PRECISION: {
    errno: 1426,
    sqlState: '42000',
    message: "Too-big precision %d specified for '%s'. Maximum is %d.",
  },
  ER_TOO_BIG_SCALE: {
    errno: 1425,
    sqlState: '42000',
    message: "Too big scale %d specified for column '%s'. Maximum is %d.",
  },
  ER_M_BIGGER_THAN_D: {
    errno: 1427,
    sqlState: '42000',
    message: "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '%s').",
  },
  ER_DATA_OUT_OF_RANGE: {
    errno: 1690,
    sqlState: '22003',
    message: "%s value is out of range in '%s'",
  },
  ER_WARN_DATA_TRUNCATED: {
    errno: 1265,
    sqlState: '01000',
    message: "Data truncated for column '%s' at row %d",
  },
  ER_UNKNOWN_COLLATION: { errno: 1273, sqlState: 'HY000', message: "Unknown collation: '%s'" },
  ER_FIELD_SPECIFIED_TWICE: {
    errno: 1110,
    sqlState: '42000',
    message: "Column '%s' specified twice",
  },
  ER_NO_TABLES_USED: { errno: 1096, sqlState: 'HY000', message: 'No tables used' },
  ER_TOO_MANY_FIELDS: { errno: 1117, sqlState: 'HY000', message: 'Too many columns' },
  ER_SERVER_SHUTDOWN: { errno: 1053, sqlState: '08S01', message: 'Server shutdown in progress' },
  ER_UNKNOWN_ERROR: { errno: 1105, sqlState: 'HY000', message: '%s' },
  ER_GET_ERRNO: {
    errno: 1030,
    sqlState: 'HY000',
    message: "Got error %d - '%s' from storage engine",
  },
  ER_ERROR_DURING_COMMIT: {
    errno: 1180,
    sqlState: 'HY000',
    message: 'Got error %d "%s" during COMMIT',
  },
} as const satisfies Record<string, { errno: number; sqlState: string; message: string }>;

export type ErrorName = keyof typeof ER;

export function formatMessage(template: string, args: readonly (string | number)[]): string {
  let i = 0;
  return template.replace(/%[sd]/g, () => String(args[i++] ?? ''));
}

export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly errno: number;
  readonly sqlState: string;
  constructor(
    readonly code: ErrorName,
    args: readonly (string | number)[] = [],
    options?: { cause?: unknown },
  ) {
    super(formatMessage(ER[code].message, args), options);
    this.errno = ER[code].errno;
    this.sqlState = ER[code].sqlState;
  }
}

/** A SqlError with a message of our own, for errors whose MySQL text has no fixed template. */
export function sqlErrorWithMessage(code: ErrorName, message: string, cause?: unknown): SqlError {
  const error = new SqlError(code, [], cause === undefined ? undefined : { cause });
  Object.defineProperty(error, 'message', { value: message });
  return error;
}
