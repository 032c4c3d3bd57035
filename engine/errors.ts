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
    message:
      "Expression #%d of SELECT list is not in GROUP BY clause and contains " +
      "nonaggregated column '%s' which is not functionally dependent on columns " +
      "in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by",
  },
  ER_DUP_FIELDNAME: { errno: 1060, sqlState: '42S21', message: "Duplicate column name '%s'" },
  ER_DUP_KEYNAME: { errno: 1061, sqlState: '42000', message: "Duplicate key name '%s'" },
  ER_DUP_ENTRY: { errno: 1062, sqlState: '23000', message: "Duplicate entry '%s' for key '%s'" },
  ER_PARSE_ERROR: {
    errno: 1064,
    sqlState: '42000',
    message:
      "You have an error in your SQL syntax; check the manual that corresponds to " +
      "your MySQL server version for the right syntax to use near '%s' at line %d",
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
    message:
      'Incorrect table definition; there can be only ' +
      'one auto column and it must be defined as a key',
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
  ER_NET_READ_ERROR: {
    errno: 1158,
    sqlState: '08S01',
    message: 'Got an error reading communication packets',
  },
  ER_NET_PACKETS_OUT_OF_ORDER: {
    errno: 1156,
    sqlState: '08S01',
    message: 'Got packets out of order',
  },
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
  ER_QUERY_INTERRUPTED: {
    errno: 1317,
    sqlState: '70100',
    message: 'Query execution was interrupted',
  },
  ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT: {
    errno: 1582,
    sqlState: '42000',
    message: "Incorrect parameter count in the call to native function '%s'",
  },
  ER_OPERAND_COLUMNS: {
    errno: 1241,
    sqlState: '21000',
    message: 'Operand should contain %d column(s)',
  },
  ER_SUBQUERY_NO_1_ROW: {
    errno: 1242,
    sqlState: '21000',
    message: 'Subquery returns more than 1 row',
  },
  ER_ILLEGAL_REFERENCE: {
    errno: 1247,
    sqlState: '42S22',
    message: "Reference '%s' not supported (%s)",
  },
  ER_TOO_MANY_KEYS: {
    errno: 1069,
    sqlState: '42000',
    message: 'Too many keys specified; max %d keys allowed',
  },
  ER_REQUIRES_PRIMARY_KEY: {
    errno: 1173,
    sqlState: '42000',
    message: 'This table type requires a primary key',
  },
  ER_TOO_LONG_IDENT: {
    errno: 1059,
    sqlState: '42000',
    message: "Identifier name '%s' is too long",
  },
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
    message:
      'All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead',
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
  // -- issue 4: variables, prepared statements, sessions, accounts ------------------------------
  ER_WRONG_TYPE_FOR_VAR: {
    errno: 1232,
    sqlState: '42000',
    message: "Incorrect argument type to variable '%s'",
  },
  ER_LOCAL_VARIABLE: {
    errno: 1228,
    sqlState: 'HY000',
    message: "Variable '%s' is a SESSION variable and can't be used with SET GLOBAL",
  },
  ER_GLOBAL_VARIABLE: {
    errno: 1229,
    sqlState: 'HY000',
    message: "Variable '%s' is a GLOBAL variable and should be set with SET GLOBAL",
  },
  ER_INCORRECT_GLOBAL_LOCAL_VAR: {
    errno: 1238,
    sqlState: 'HY000',
    message: "Variable '%s' is a %s variable",
  },
  ER_VARIABLE_IS_READONLY: {
    errno: 1621,
    sqlState: 'HY000',
    message: "%s variable '%s' is read-only. Use SET %s to assign the value",
  },
  ER_UNKNOWN_CHARACTER_SET: {
    errno: 1115,
    sqlState: '42000',
    message: "Unknown character set: '%s'",
  },
  ER_COLLATION_CHARSET_MISMATCH: {
    errno: 1253,
    sqlState: '42000',
    message: "COLLATION '%s' is not valid for CHARACTER SET '%s'",
  },
  ER_UNKNOWN_TIME_ZONE: {
    errno: 1298,
    sqlState: 'HY000',
    message: "Unknown or incorrect time zone: '%s'",
  },
  ER_SPECIFIC_ACCESS_DENIED_ERROR: {
    errno: 1227,
    sqlState: '42000',
    message: 'Access denied; you need (at least one of) the %s privilege(s) for this operation',
  },
  ER_TABLEACCESS_DENIED_ERROR: {
    errno: 1142,
    sqlState: '42000',
    message: "%s command denied to user '%s'@'%s' for table '%s'",
  },
  ER_NO_SUCH_THREAD: { errno: 1094, sqlState: 'HY000', message: 'Unknown thread id: %s' },
  ER_KILL_DENIED_ERROR: {
    errno: 1095,
    sqlState: 'HY000',
    message: 'You are not owner of thread %s',
  },
  ER_MAX_PREPARED_STMT_COUNT_REACHED: {
    errno: 1461,
    sqlState: '42000',
    message: "Can't create more than max_prepared_stmt_count statements (current value: %s)",
  },
  ER_UNKNOWN_STMT_HANDLER: {
    errno: 1243,
    sqlState: 'HY000',
    message: 'Unknown prepared statement handler (%s) given to %s',
  },
  ER_UNSUPPORTED_PS: {
    errno: 1295,
    sqlState: 'HY000',
    message: 'This command is not supported in the prepared statement protocol yet',
  },
  ER_CANNOT_USER: { errno: 1396, sqlState: 'HY000', message: 'Operation %s failed for %s' },
  ER_PASSWORD_NO_MATCH: {
    errno: 1133,
    sqlState: '28000',
    message: "Can't find any matching row in the user table",
  },
  ER_NONEXISTING_GRANT: {
    errno: 1141,
    sqlState: '42000',
    message: "There is no such grant defined for user '%s' on host '%s'",
  },
  ER_NONEXISTING_TABLE_GRANT: {
    errno: 1147,
    sqlState: '42000',
    message: "There is no such grant defined for user '%s' on host '%s' on table '%s'",
  },
  ER_CANT_CREATE_USER_WITH_GRANT: {
    errno: 1410,
    sqlState: '42000',
    message: 'You are not allowed to create a user with GRANT',
  },
  ER_PLUGIN_IS_NOT_LOADED: { errno: 1524, sqlState: 'HY000', message: "Plugin '%s' is not loaded" },
  ER_WRONG_STRING_LENGTH: {
    errno: 1470,
    sqlState: 'HY000',
    message: "String '%s' is too long for %s (should be no longer than %d)",
  },
  ER_USER_DOES_NOT_EXIST: {
    errno: 3162,
    sqlState: 'HY000',
    message: 'Authorization ID %s does not exist.',
  },
  ER_USER_ALREADY_EXISTS: {
    errno: 3163,
    sqlState: 'HY000',
    message: 'Authorization ID %s already exists.',
  },
  ER_ILLEGAL_GRANT_FOR_TABLE: {
    errno: 1144,
    sqlState: '42000',
    message:
      'Illegal GRANT/REVOKE command; please consult the manual to see which privileges can be used',
  },
  ER_WRONG_USAGE: { errno: 1221, sqlState: 'HY000', message: 'Incorrect usage of %s and %s' },
  ER_PASSWORD_FORMAT: {
    errno: 1827,
    sqlState: 'HY000',
    message: "The password hash doesn't have the expected format.",
  },
  ER_CANT_USE_OPTION_HERE: {
    errno: 1234,
    sqlState: '42000',
    message: "Incorrect usage/placement of '%s'",
  },
  // -- issue 5: transactions, locks, indexes, AUTO_INCREMENT --------------------------------------
  ER_TRANS_CACHE_FULL: {
    errno: 1197,
    sqlState: 'HY000',
    message:
      "Multi-statement transaction required more than 'max_binlog_cache_size' " +
      "bytes of storage; increase this mysqld variable and try again",
  },
  ER_CANT_CHANGE_TX_CHARACTERISTICS: {
    errno: 1568,
    sqlState: '25001',
    message: "Transaction characteristics can't be changed while a transaction is in progress",
  },
  /** A read replica (--replica-of, or the in-process read engine) refuses what would write. */
  ER_OPTION_PREVENTS_STATEMENT: {
    errno: 1290,
    sqlState: 'HY000',
    message: 'The MySQL server is running with the %s option so it cannot execute this statement',
  },
  ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: {
    errno: 1792,
    sqlState: '25006',
    message: 'Cannot execute statement in a READ ONLY transaction.',
  },
  ER_LOCK_NOWAIT: {
    errno: 3572,
    sqlState: 'HY000',
    message:
      'Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set.',
  },
  ER_TABLE_DEF_CHANGED: {
    errno: 1412,
    sqlState: 'HY000',
    message: 'Table definition has changed, please retry transaction',
  },
  ER_CANT_DROP_FIELD_OR_KEY: {
    errno: 1091,
    sqlState: '42000',
    message: "Can't DROP '%s'; check that column/key exists",
  },
  ER_KEY_DOES_NOT_EXITS: {
    errno: 1176,
    sqlState: '42000',
    message: "Key '%s' doesn't exist in table '%s'",
  },
  ER_WRONG_SUB_KEY: {
    errno: 1089,
    sqlState: 'HY000',
    message:
      "Incorrect prefix key; the used key part isn't a string, the used length is longer " +
      "than the key part, or the storage engine doesn't support unique prefix keys",
  },
  ER_TOO_MANY_KEY_PARTS: {
    errno: 1070,
    sqlState: '42000',
    message: 'Too many key parts specified; max %d parts allowed',
  },
  ER_AUTOINC_READ_FAILED: {
    errno: 1467,
    sqlState: 'HY000',
    message: 'Failed to read auto-increment value from storage engine',
  },
  ER_WRONG_NAME_FOR_INDEX: { errno: 1280, sqlState: '42000', message: "Incorrect index name '%s'" },
  ER_DUP_INDEX: {
    errno: 1831,
    sqlState: 'HY000',
    message:
      "Duplicate index '%s' defined on the table '%s.%s'. This " +
      "is deprecated and will be disallowed in a future release.",
  },
  ER_BLOB_USED_AS_KEY: {
    errno: 1073,
    sqlState: '42000',
    message: "BLOB column '%s' can't be used in key specification with the used table type",
  },
  ER_WRONG_FIELD_SPEC: {
    errno: 1063,
    sqlState: '42000',
    message: "Incorrect column specifier for column '%s'",
  },
  ER_LOCK_TABLE_FULL: {
    errno: 1206,
    sqlState: 'HY000',
    message: 'The total number of locks exceeds the lock table size',
  },
  ER_INVALID_JSON_TEXT: {
    errno: 3140,
    sqlState: '22032',
    message: 'Invalid JSON text: "%s" at position %d in value for column \'%s\'.',
  },
  // -- issue 6b: types and functions
  ER_INVALID_JSON_TEXT_IN_PARAM: {
    errno: 3141,
    sqlState: '22032',
    message: 'Invalid JSON text in argument %d to function %s: "%s" at position %d.',
  },
  ER_INVALID_JSON_PATH: {
    errno: 3143,
    sqlState: '42000',
    message: 'Invalid JSON path expression. The error is around character position %d.',
  },
  ER_INVALID_JSON_PATH_WILDCARD: {
    errno: 3149,
    sqlState: '42000',
    message: 'In this situation, path expressions may not contain the * and ** tokens.',
  },
  ER_INVALID_TYPE_FOR_JSON: {
    errno: 3146,
    sqlState: '22032',
    message:
      'Invalid data type for JSON data in argument %d to ' +
      'function %s; a JSON string or JSON type is required.',
  },
  ER_JSON_DOCUMENT_NULL_KEY: {
    errno: 3158,
    sqlState: '22032',
    message: 'JSON documents may not contain NULL member names.',
  },
  ER_JSON_USED_AS_KEY: {
    errno: 3152,
    sqlState: '42000',
    message:
      "JSON column '%s' supports indexing only via generated columns on a specified JSON path.",
  },
  ER_JSON_BAD_ONE_OR_ALL_ARG: {
    errno: 3154,
    sqlState: '42000',
    message: "The oneOrAll argument to %s may take these values: 'one' or 'all'.",
  },
  ER_WRONG_VALUE_FOR_TYPE: {
    errno: 1411,
    sqlState: 'HY000',
    message: "Incorrect %s value: '%s' for function %s",
  },
  ER_WRONG_VALUE: { errno: 1525, sqlState: 'HY000', message: "Incorrect %s value: '%s'" },
  ER_DUPLICATED_VALUE_IN_TYPE: {
    errno: 1291,
    sqlState: 'HY000',
    message: "Column '%s' has duplicated value '%s' in %s",
  },
  ER_TOO_BIG_SET: {
    errno: 1097,
    sqlState: 'HY000',
    message: 'Too many strings for column %s and SET',
  },
  ER_TOO_BIG_DISPLAYWIDTH: {
    errno: 1439,
    sqlState: '42000',
    message: "Display width out of range for column '%s' (max = %d)",
  },
  ER_WRONG_PARAMETERS_TO_NATIVE_FCT: {
    errno: 1583,
    sqlState: '42000',
    message: "Incorrect parameters in the call to native function '%s'",
  },
  ER_CANT_AGGREGATE_2COLLATIONS: {
    errno: 1267,
    sqlState: 'HY000',
    message: "Illegal mix of collations (%s,%s) and (%s,%s) for operation '%s'",
  },
  ER_REGEXP_ERROR: {
    errno: 3685,
    sqlState: 'HY000',
    message: 'Illegal argument to a regular expression.',
  },
  ER_REGEXP_MISMATCHED_PAREN: {
    errno: 3692,
    sqlState: 'HY000',
    message: 'Mismatched parenthesis in regular expression.',
  },
  ER_WRONG_ARGUMENTS_TO_UUID: {
    errno: 1411,
    sqlState: 'HY000',
    message: "Incorrect string value: '%s' for function %s",
  },
  ER_INVALID_CAST: { errno: 1064, sqlState: '42000', message: '%s' },
  ER_STD_INVALID_ARGUMENT: {
    errno: 3554,
    sqlState: 'HY000',
    message: 'Invalid argument: %s in function %s.',
  },
  ER_ZERO_DATE_NOT_SUPPORTED: {
    errno: 1235,
    sqlState: '42000',
    message: "This version of MySQL doesn't yet support '%s'",
  },
  // -- issue 6a: queries ----------------------------------------------------------------------
  ER_DERIVED_MUST_HAVE_ALIAS: {
    errno: 1248,
    sqlState: '42000',
    message: 'Every derived table must have its own alias',
  },
  ER_INVALID_GROUP_FUNC_USE: {
    errno: 1111,
    sqlState: 'HY000',
    message: 'Invalid use of group function',
  },
  ER_MIX_OF_GROUP_FUNC_AND_FIELDS: {
    errno: 1140,
    sqlState: '42000',
    message:
      "In aggregated query without GROUP BY, expression #%d of SELECT list contains " +
      "nonaggregated column '%s'; this is incompatible with sql_mode=only_full_group_by",
  },
  ER_WRONG_FIELD_WITH_GROUP_V2: {
    errno: 1055,
    sqlState: '42000',
    message:
      "Expression #%d of %s is not in GROUP BY clause and contains nonaggregated " +
      "column '%s' which is not functionally dependent on columns in GROUP " +
      "BY clause; this is incompatible with sql_mode=only_full_group_by",
  },
  ER_WRONG_GROUP_FIELD: { errno: 1056, sqlState: '42000', message: "Can't group on '%s'" },
  ER_UNKNOWN_TABLE: { errno: 1109, sqlState: '42S02', message: "Unknown table '%s' in %s" },
  ER_UPDATE_TABLE_USED: {
    errno: 1093,
    sqlState: 'HY000',
    message: "You can't specify target table '%s' for update in FROM clause",
  },
  ER_FIELD_IN_ORDER_NOT_SELECT: {
    errno: 3065,
    sqlState: 'HY000',
    message:
      "Expression #%d of ORDER BY clause is not in SELECT list, references column " +
      "'%s' which is not in SELECT list; this is incompatible with DISTINCT",
  },
  ER_AGGREGATE_ORDER_FOR_UNION: {
    errno: 3028,
    sqlState: 'HY000',
    message: 'Expression #%d of ORDER BY contains aggregate function and applies to a UNION',
  },
  ER_AGGREGATE_ORDER_NON_AGG_QUERY: {
    errno: 3029,
    sqlState: 'HY000',
    message:
      'Expression #%d of ORDER BY contains aggregate function ' +
      'and applies to the result of a non-aggregated query',
  },
  ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT: {
    errno: 1222,
    sqlState: '21000',
    message: 'The used SELECT statements have a different number of columns',
  },
  ER_VIEW_WRONG_LIST: {
    errno: 1353,
    sqlState: 'HY000',
    message:
      'In definition of view, derived table or common table expression, ' +
      'SELECT list and column names list have different column counts',
  },
  ER_CUT_VALUE_GROUP_CONCAT: {
    errno: 1260,
    sqlState: 'HY000',
    message: 'Row %d was cut by GROUP_CONCAT()',
  },
  ER_CTE_MAX_RECURSION_DEPTH: {
    errno: 3636,
    sqlState: 'HY000',
    message:
      'Recursive query aborted after %d iterations. Try ' +
      'increasing @@cte_max_recursion_depth to a larger value.',
  },
  ER_CTE_RECURSIVE_REQUIRES_UNION: {
    errno: 3573,
    sqlState: 'HY000',
    message: "Recursive Common Table Expression '%s' should contain a UNION",
  },
  ER_CTE_RECURSIVE_REQUIRES_NONRECURSIVE_FIRST: {
    errno: 3574,
    sqlState: 'HY000',
    message:
      "Recursive Common Table Expression '%s' should have one or more " +
      "non-recursive query blocks followed by one or more recursive ones",
  },
  ER_CTE_RECURSIVE_FORBIDS_AGGREGATION: {
    errno: 3575,
    sqlState: 'HY000',
    message:
      "Recursive Common Table Expression '%s' can contain neither " +
      "aggregation nor window functions in recursive query block",
  },
  ER_CTE_RECURSIVE_FORBIDDEN_JOIN_ORDER: {
    errno: 3576,
    sqlState: 'HY000',
    message:
      "In recursive query block of Recursive Common Table Expression " +
      "'%s', the recursive table must neither be in the right argument " +
      "of a LEFT JOIN, nor be forced to be non-first with join order hints",
  },
  ER_CTE_RECURSIVE_REQUIRES_SINGLE_REFERENCE: {
    errno: 3577,
    sqlState: 'HY000',
    message:
      "In recursive query block of Recursive Common Table Expression '%s', the " +
      "recursive table must be referenced only once, and not in any subquery",
  },
  ER_TABLENAME_NOT_ALLOWED_HERE: {
    errno: 1250,
    sqlState: '42000',
    message: "Table '%s' from one of the %ss cannot be used in %s",
  },
  ER_WINDOW_NO_SUCH_WINDOW: {
    errno: 3579,
    sqlState: 'HY000',
    message: "Window name '%s' is not defined.",
  },
  ER_WINDOW_CIRCULARITY_IN_WINDOW_GRAPH: {
    errno: 3580,
    sqlState: 'HY000',
    message: 'There is a circularity in the window dependency graph.',
  },
  ER_WINDOW_NO_CHILD_PARTITIONING: {
    errno: 3581,
    sqlState: 'HY000',
    message: 'A window which depends on another cannot define partitioning.',
  },
  ER_WINDOW_NO_INHERIT_FRAME: {
    errno: 3582,
    sqlState: 'HY000',
    message: "Window '%s' has a frame definition, so cannot be referenced by another window.",
  },
  ER_WINDOW_NO_REDEFINE_ORDER_BY: {
    errno: 3583,
    sqlState: 'HY000',
    message: "Window '%s' cannot inherit '%s' since both contain an ORDER BY clause.",
  },
  ER_WINDOW_FRAME_START_ILLEGAL: {
    errno: 3584,
    sqlState: 'HY000',
    message: "Window '%s': frame start cannot be UNBOUNDED FOLLOWING.",
  },
  ER_WINDOW_FRAME_END_ILLEGAL: {
    errno: 3585,
    sqlState: 'HY000',
    message: "Window '%s': frame end cannot be UNBOUNDED PRECEDING.",
  },
  ER_WINDOW_FRAME_ILLEGAL: {
    errno: 3586,
    sqlState: 'HY000',
    message: "Window '%s': frame start or end is negative, NULL or of non-integral type",
  },
  ER_WINDOW_RANGE_FRAME_ORDER_TYPE: {
    errno: 3587,
    sqlState: 'HY000',
    message:
      "Window '%s' with RANGE N PRECEDING/FOLLOWING frame requires " +
      "exactly one ORDER BY expression, of numeric or temporal type",
  },
  ER_WINDOW_RANGE_FRAME_TEMPORAL_TYPE: {
    errno: 3588,
    sqlState: 'HY000',
    message:
      "Window '%s' with RANGE frame has ORDER BY expression " +
      "of datetime type. Only INTERVAL bound value allowed.",
  },
  ER_WINDOW_RANGE_FRAME_NUMERIC_TYPE: {
    errno: 3589,
    sqlState: 'HY000',
    message:
      "Window '%s' with RANGE frame has ORDER BY expression " +
      "of numeric type, INTERVAL bound value not allowed.",
  },
  ER_WINDOW_RANGE_BOUND_NOT_CONSTANT: {
    errno: 3590,
    sqlState: 'HY000',
    message: "Window '%s' has a non-constant frame bound.",
  },
  ER_WINDOW_DUPLICATE_NAME: {
    errno: 3591,
    sqlState: 'HY000',
    message: "Window '%s' is defined twice.",
  },
  ER_WINDOW_INVALID_WINDOW_FUNC_USE: {
    errno: 3593,
    sqlState: 'HY000',
    message: "You cannot use the window function '%s' in this context.'",
  },
  ER_WINDOW_INVALID_WINDOW_FUNC_ALIAS_USE: {
    errno: 3594,
    sqlState: 'HY000',
    message:
      "You cannot use the alias '%s' of an expression " +
      "containing a window function in this context.'",
  },
  ER_WINDOW_NESTED_WINDOW_FUNC_USE_IN_WINDOW_SPEC: {
    errno: 3595,
    sqlState: 'HY000',
    message: "You cannot nest a window function in the specification of window '%s'.",
  },
  ER_WINDOW_ROWS_INTERVAL_USE: {
    errno: 3596,
    sqlState: 'HY000',
    message: "Window '%s': INTERVAL can only be used with RANGE frames.",
  },
  // -- issue 6c: schema changes, foreign keys, CHECK, generated columns, views, LOCK TABLES ------
  ER_INVALID_USE_OF_NULL: { errno: 1138, sqlState: '22004', message: 'Invalid use of NULL value' },
  ER_CANT_REMOVE_ALL_FIELDS: {
    errno: 1090,
    sqlState: '42000',
    message: "You can't delete all columns with ALTER TABLE; use DROP TABLE instead",
  },
  ER_TABLE_NOT_LOCKED_FOR_WRITE: {
    errno: 1099,
    sqlState: 'HY000',
    message: "Table '%s' was locked with a READ lock and can't be updated",
  },
  ER_TABLE_NOT_LOCKED: {
    errno: 1100,
    sqlState: 'HY000',
    message: "Table '%s' was not locked with LOCK TABLES",
  },
  ER_TABLE_MUST_HAVE_COLUMNS: {
    errno: 1113,
    sqlState: '42000',
    message: 'A table must have at least 1 column',
  },
  ER_CANNOT_ADD_FOREIGN: {
    errno: 1215,
    sqlState: 'HY000',
    message: 'Cannot add foreign key constraint',
  },
  ER_WRONG_FK_DEF: {
    errno: 1239,
    sqlState: '42000',
    message: "Incorrect foreign key definition for '%s': %s",
  },
  ER_BAD_FT_COLUMN: {
    errno: 1283,
    sqlState: 'HY000',
    message: "Column '%s' cannot be part of FULLTEXT index",
  },
  ER_UNKNOWN_STORAGE_ENGINE: {
    errno: 1286,
    sqlState: '42000',
    message: "Unknown storage engine '%s'",
  },
  ER_INVALID_ON_UPDATE: {
    errno: 1294,
    sqlState: 'HY000',
    message: "Invalid ON UPDATE clause for '%s' column",
  },
  ER_WRONG_OBJECT: { errno: 1347, sqlState: 'HY000', message: "'%s.%s' is not %s" },
  ER_VIEW_SELECT_VARIABLE: {
    errno: 1351,
    sqlState: 'HY000',
    message: "View's SELECT contains a variable or parameter",
  },
  ER_WARN_VIEW_MERGE: {
    errno: 1354,
    sqlState: 'HY000',
    message: "View merge algorithm can't be used here for now (assumed undefined algorithm)",
  },
  ER_VIEW_INVALID: {
    errno: 1356,
    sqlState: 'HY000',
    message:
      "View '%s.%s' references invalid table(s) or column(s) or " +
      "function(s) or definer/invoker of view lack rights to use them",
  },
  ER_TRG_DOES_NOT_EXIST: { errno: 1360, sqlState: 'HY000', message: 'Trigger does not exist' },
  // Stored programs (issue 6: sql/routines.ts, sql/triggers.ts)
  ER_SP_ALREADY_EXISTS: { errno: 1304, sqlState: '42000', message: '%s %s already exists' },
  ER_SP_LILABEL_MISMATCH: {
    errno: 1308,
    sqlState: '42000',
    message: '%s with no matching label: %s',
  },
  ER_SP_LABEL_REDEFINE: { errno: 1309, sqlState: '42000', message: 'Redefining label %s' },
  ER_SP_LABEL_MISMATCH: { errno: 1310, sqlState: '42000', message: 'End-label %s without match' },
  ER_SP_UNINIT_VAR: {
    errno: 1311,
    sqlState: '01000',
    message: 'Referring to uninitialized variable %s',
  },
  ER_SP_BADSELECT: {
    errno: 1312,
    sqlState: '0A000',
    message: "PROCEDURE %s can't return a result set in the given context",
  },
  ER_SP_BADRETURN: {
    errno: 1313,
    sqlState: '42000',
    message: 'RETURN is only allowed in a FUNCTION',
  },
  ER_SP_BADSTATEMENT: {
    errno: 1314,
    sqlState: '0A000',
    message: '%s is not allowed in stored procedures',
  },
  ER_SP_WRONG_NO_OF_ARGS: {
    errno: 1318,
    sqlState: '42000',
    message: 'Incorrect number of arguments for %s %s; expected %d, got %d',
  },
  ER_SP_NORETURN: { errno: 1320, sqlState: '42000', message: 'No RETURN found in FUNCTION %s' },
  ER_SP_NORETURNEND: {
    errno: 1321,
    sqlState: '2F005',
    message: 'FUNCTION %s ended without RETURN',
  },
  ER_SP_DUP_PARAM: { errno: 1330, sqlState: '42000', message: 'Duplicate parameter: %s' },
  ER_SP_DUP_VAR: { errno: 1331, sqlState: '42000', message: 'Duplicate variable: %s' },
  ER_SP_UNDECLARED_VAR: { errno: 1327, sqlState: '42000', message: 'Undeclared variable: %s' },
  ER_SP_FETCH_NO_DATA: {
    errno: 1329,
    sqlState: '02000',
    message: 'No data - zero rows fetched, selected, or processed',
  },
  ER_SP_CASE_NOT_FOUND: {
    errno: 1339,
    sqlState: '20000',
    message: 'Case not found for CASE statement',
  },
  ER_TRG_ALREADY_EXISTS: { errno: 1359, sqlState: 'HY000', message: 'Trigger already exists' },
  ER_TRG_ON_VIEW_OR_TEMP_TABLE: {
    errno: 1361,
    sqlState: 'HY000',
    message: "Trigger's '%s' is view or temporary table",
  },
  ER_TRG_CANT_CHANGE_ROW: {
    errno: 1362,
    sqlState: 'HY000',
    message: 'Updating of %s row is not allowed in %strigger',
  },
  ER_TRG_NO_SUCH_ROW_IN_TRG: {
    errno: 1363,
    sqlState: 'HY000',
    message: 'There is no %s row in on %s trigger',
  },
  ER_SP_NOT_VAR_ARG: {
    errno: 1414,
    sqlState: '42000',
    message:
      'OUT or INOUT argument %d for routine %s is not a ' +
      'variable or NEW pseudo-variable in BEFORE trigger',
  },
  ER_TRG_IN_WRONG_SCHEMA: { errno: 1435, sqlState: 'HY000', message: 'Trigger in wrong schema' },
  ER_SP_NO_RETSET: {
    errno: 1415,
    sqlState: '0A000',
    message: 'Not allowed to return a result set from a %s',
  },
  ER_CANT_UPDATE_USED_TABLE_IN_SF_OR_TRG: {
    errno: 1442,
    sqlState: 'HY000',
    message:
      "Can't update table '%s' in stored function/trigger because it is " +
      "already used by statement which invoked this stored function/trigger.",
  },
  ER_SP_NO_RECURSION: {
    errno: 1424,
    sqlState: 'HY000',
    message: 'Recursive stored functions and triggers are not allowed.',
  },
  ER_SP_RECURSION_LIMIT: {
    errno: 1456,
    sqlState: 'HY000',
    message:
      'Recursive limit %d (as set by the max_sp_recursion_depth ' +
      'variable) was exceeded for routine %s',
  },
  ER_TOO_MANY_ROWS: {
    errno: 1172,
    sqlState: '42000',
    message: 'Result consisted of more than one row',
  },
  ER_SP_BAD_VAR_SHADOW: {
    errno: 1453,
    sqlState: '42000',
    message: 'Variable %s must be quoted with `...`, or renamed',
  },
  ER_ROW_IS_REFERENCED_2: {
    errno: 1451,
    sqlState: '23000',
    message: 'Cannot delete or update a parent row: a foreign key constraint fails (%s)',
  },
  ER_NO_REFERENCED_ROW_2: {
    errno: 1452,
    sqlState: '23000',
    message: 'Cannot add or update a child row: a foreign key constraint fails (%s)',
  },
  ER_EVENT_DOES_NOT_EXIST: { errno: 1539, sqlState: 'HY000', message: "Unknown event '%s'" },
  ER_DROP_INDEX_FK: {
    errno: 1553,
    sqlState: 'HY000',
    message: "Cannot drop index '%s': needed in a foreign key constraint",
  },
  ER_TOO_LONG_TABLE_COMMENT: {
    errno: 1628,
    sqlState: 'HY000',
    message: "Comment for table '%s' is too long (max = %d)",
  },
  ER_TOO_LONG_FIELD_COMMENT: {
    errno: 1629,
    sqlState: 'HY000',
    message: "Comment for field '%s' is too long (max = %d)",
  },
  ER_TRUNCATE_ILLEGAL_FK: {
    errno: 1701,
    sqlState: '42000',
    message: 'Cannot truncate a table referenced in a foreign key constraint (%s)',
  },
  ER_FK_NO_INDEX_PARENT: {
    errno: 1822,
    sqlState: 'HY000',
    message:
      "Failed to add the foreign key constraint. Missing " +
      "index for constraint '%s' in the referenced table '%s'",
  },
  ER_FK_CANNOT_OPEN_PARENT: {
    errno: 1824,
    sqlState: 'HY000',
    message: "Failed to open the referenced table '%s'",
  },
  ER_FK_DUP_NAME: {
    errno: 1826,
    sqlState: 'HY000',
    message: "Duplicate foreign key constraint name '%s'",
  },
  ER_FK_COLUMN_CANNOT_DROP: {
    errno: 1828,
    sqlState: 'HY000',
    message: "Cannot drop column '%s': needed in a foreign key constraint '%s'",
  },
  ER_FK_COLUMN_CANNOT_DROP_CHILD: {
    errno: 1829,
    sqlState: 'HY000',
    message: "Cannot drop column '%s': needed in a foreign key constraint '%s' of table '%s'",
  },
  ER_FK_COLUMN_NOT_NULL: {
    errno: 1830,
    sqlState: 'HY000',
    message: "Column '%s' cannot be NOT NULL: needed in a foreign key constraint '%s' SET NULL",
  },
  ER_FK_COLUMN_CANNOT_CHANGE: {
    errno: 1832,
    sqlState: 'HY000',
    message: "Cannot change column '%s': used in a foreign key constraint '%s'",
  },
  ER_FK_COLUMN_CANNOT_CHANGE_CHILD: {
    errno: 1833,
    sqlState: 'HY000',
    message: "Cannot change column '%s': used in a foreign key constraint '%s' of table '%s'",
  },
  ER_FK_DEPTH_EXCEEDED: {
    errno: 3008,
    sqlState: 'HY000',
    message: 'Foreign key cascade delete/update exceeds max depth of %d.',
  },
  ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN: {
    errno: 3105,
    sqlState: 'HY000',
    message: "The value specified for generated column '%s' in table '%s' is not allowed.",
  },
  ER_UNSUPPORTED_ACTION_ON_GENERATED_COLUMN: {
    errno: 3106,
    sqlState: 'HY000',
    message: "'%s' is not supported for generated columns.",
  },
  ER_GENERATED_COLUMN_REF_AUTO_INC: {
    errno: 3109,
    sqlState: 'HY000',
    message: "Generated column '%s' cannot refer to auto-increment column.",
  },
  ER_DEPENDENT_BY_GENERATED_COLUMN: {
    errno: 3108,
    sqlState: 'HY000',
    message: "Column '%s' has a generated column dependency.",
  },
  ER_GENERATED_COLUMN_NON_PRIOR: {
    errno: 3107,
    sqlState: 'HY000',
    message: 'Generated column can refer only to generated columns defined prior to it.',
  },
  ER_FK_CANNOT_DROP_PARENT: {
    errno: 3730,
    sqlState: 'HY000',
    message: "Cannot drop table '%s' referenced by a foreign key constraint '%s' on table '%s'.",
  },
  ER_FK_NO_COLUMN_PARENT: {
    errno: 3734,
    sqlState: 'HY000',
    message:
      "Failed to add the foreign key constraint. Missing column " +
      "'%s' for constraint '%s' in the referenced table '%s'",
  },
  ER_FK_INCOMPATIBLE_COLUMNS: {
    errno: 3780,
    sqlState: 'HY000',
    message:
      "Referencing column '%s' and referenced column '%s' " +
      "in foreign key constraint '%s' are incompatible.",
  },
  ER_COLUMN_CHECK_CONSTRAINT_REFERENCES_OTHER_COLUMN: {
    errno: 3813,
    sqlState: 'HY000',
    message: "Column check constraint '%s' references other column.",
  },
  ER_CHECK_CONSTRAINT_NAMED_FUNCTION_IS_NOT_ALLOWED: {
    errno: 3814,
    sqlState: 'HY000',
    message: "An expression of a check constraint '%s' contains disallowed function: %s.",
  },
  ER_CHECK_CONSTRAINT_FUNCTION_IS_NOT_ALLOWED: {
    errno: 3815,
    sqlState: 'HY000',
    message: "An expression of a check constraint '%s' contains disallowed function.",
  },
  ER_CHECK_CONSTRAINT_VARIABLES: {
    errno: 3816,
    sqlState: 'HY000',
    message: "An expression of a check constraint '%s' cannot refer to a user or system variable.",
  },
  ER_CHECK_CONSTRAINT_REFERS_AUTO_INCREMENT_COLUMN: {
    errno: 3818,
    sqlState: 'HY000',
    message: "Check constraint '%s' cannot refer to an auto-increment column.",
  },
  ER_CHECK_CONSTRAINT_VIOLATED: {
    errno: 3819,
    sqlState: 'HY000',
    message: "Check constraint '%s' is violated.",
  },
  ER_CHECK_CONSTRAINT_REFERS_UNKNOWN_COLUMN: {
    errno: 3820,
    sqlState: 'HY000',
    message: "Check constraint '%s' refers to non-existing column '%s'.",
  },
  ER_CHECK_CONSTRAINT_NOT_FOUND: {
    errno: 3821,
    sqlState: 'HY000',
    message: "Check constraint '%s' is not found in the table.",
  },
  ER_CHECK_CONSTRAINT_DUP_NAME: {
    errno: 3822,
    sqlState: 'HY000',
    message: "Duplicate check constraint name '%s'.",
  },
  ER_CLIENT_LOCAL_FILES_DISABLED: {
    errno: 3948,
    sqlState: '42000',
    message:
      'Loading local data is disabled; this must be enabled on both the client and server sides',
  },
  ER_DEPENDENT_BY_CHECK_CONSTRAINT: {
    errno: 3959,
    sqlState: 'HY000',
    message: "Check constraint '%s' uses column '%s', hence column cannot be dropped or renamed.",
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
