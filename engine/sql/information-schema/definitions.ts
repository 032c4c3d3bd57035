/**
 * information_schema's tables as MySQL 8.0 defines them: their names and columns, in MySQL's
 * order, upper case, with MySQL's types (varchar(64) names, bigint unsigned sizes, …) — ORMs
 * read these columns by name and `SELECT *` them, so names and order are the contract.
 *
 * A column spec is `NAME type [null]`, with type one of
 *   n<len>   an identifier varchar(len), compared case-sensitively (schema and table names, as
 *            MySQL 8 with lower_case_table_names = 0)
 *   v<len>   a varchar(len), compared case-insensitively
 *   text     a text (longtext in MySQL)
 *   u8 i8 u4 i4   bigint unsigned, bigint, int unsigned, int
 *   dt       a datetime
 * Enumerations (TABLE_TYPE, COLUMN_KEY …) are varchars here: the values are MySQL's.
 *
 * BOREALIS_SEGMENTS is ours: the storage tier's segments (storage/client-api.ts C6).
 */
import { pageId } from '../../../storage/index.js';
import {
  type ColumnDef,
  type ColumnType,
  type TableDef,
  makeTableDef,
} from '../../catalog/definitions.js';

export const SCHEMA_NAME = 'information_schema';

const SPECS: Readonly<Record<string, string>> = {
  CHARACTER_SETS: 'CHARACTER_SET_NAME n64, DEFAULT_COLLATE_NAME n64, DESCRIPTION v2048, MAXLEN u4',
  CHECK_CONSTRAINTS:
    'CONSTRAINT_CATALOG n64, CONSTRAINT_SCHEMA n64, CONSTRAINT_NAME v64, CHECK_CLAUSE text',
  COLLATIONS:
    'COLLATION_NAME n64, CHARACTER_SET_NAME n64, ID u8, IS_DEFAULT v3, IS_COMPILED v3, ' +
    'SORTLEN u4, PAD_ATTRIBUTE v9',
  COLUMNS:
    'TABLE_CATALOG n64, TABLE_SCHEMA n64, TABLE_NAME n64, COLUMN_NAME v64 null, ' +
    'ORDINAL_POSITION u4, COLUMN_DEFAULT text null, IS_NULLABLE v3, DATA_TYPE text null, ' +
    'CHARACTER_MAXIMUM_LENGTH i8 null, CHARACTER_OCTET_LENGTH i8 null, ' +
    'NUMERIC_PRECISION u8 null, NUMERIC_SCALE u8 null, DATETIME_PRECISION u4 null, ' +
    'CHARACTER_SET_NAME n64 null, COLLATION_NAME n64 null, COLUMN_TYPE text, COLUMN_KEY v3, ' +
    'EXTRA v256 null, PRIVILEGES v154 null, COLUMN_COMMENT text, GENERATION_EXPRESSION text, ' +
    'SRS_ID u4 null',
  ENGINES:
    'ENGINE v64, SUPPORT v8, COMMENT v80, TRANSACTIONS v3 null, XA v3 null, SAVEPOINTS v3 null',
  EVENTS:
    'EVENT_CATALOG n64, EVENT_SCHEMA n64, EVENT_NAME v64, DEFINER v288, TIME_ZONE v64, ' +
    'EVENT_BODY v3, EVENT_DEFINITION text, EVENT_TYPE v9, EXECUTE_AT dt null, ' +
    'INTERVAL_VALUE v256 null, INTERVAL_FIELD v18 null, SQL_MODE v520, STARTS dt null, ' +
    'ENDS dt null, STATUS v21, ON_COMPLETION v12, CREATED dt, LAST_ALTERED dt, ' +
    'LAST_EXECUTED dt null, EVENT_COMMENT v2048, ORIGINATOR u4, CHARACTER_SET_CLIENT n64, ' +
    'COLLATION_CONNECTION n64, DATABASE_COLLATION n64',
  FILES:
    'FILE_ID i8 null, FILE_NAME text null, FILE_TYPE v256 null, TABLESPACE_NAME n268, ' +
    'TABLE_CATALOG n64, TABLE_SCHEMA n64 null, TABLE_NAME n64 null, ' +
    'LOGFILE_GROUP_NAME v256 null, LOGFILE_GROUP_NUMBER i8 null, ENGINE v64, ' +
    'FULLTEXT_KEYS n64 null, DELETED_ROWS n64 null, UPDATE_COUNT n64 null, ' +
    'FREE_EXTENTS i8 null, TOTAL_EXTENTS i8 null, EXTENT_SIZE i8 null, INITIAL_SIZE i8 null, ' +
    'MAXIMUM_SIZE i8 null, AUTOEXTEND_SIZE i8 null, CREATION_TIME n64 null, ' +
    'LAST_UPDATE_TIME n64 null, LAST_ACCESS_TIME n64 null, RECOVER_TIME n64 null, ' +
    'TRANSACTION_COUNTER n64 null, VERSION i8 null, ROW_FORMAT v256 null, TABLE_ROWS n64 null, ' +
    'AVG_ROW_LENGTH n64 null, DATA_LENGTH n64 null, MAX_DATA_LENGTH n64 null, ' +
    'INDEX_LENGTH n64 null, DATA_FREE i8 null, CREATE_TIME n64 null, UPDATE_TIME n64 null, ' +
    'CHECK_TIME n64 null, CHECKSUM n64 null, STATUS v256 null, EXTRA v256 null',
  KEY_COLUMN_USAGE:
    'CONSTRAINT_CATALOG n64, CONSTRAINT_SCHEMA n64, CONSTRAINT_NAME v64 null, ' +
    'TABLE_CATALOG n64, TABLE_SCHEMA n64, TABLE_NAME n64, COLUMN_NAME v64 null, ' +
    'ORDINAL_POSITION u4, POSITION_IN_UNIQUE_CONSTRAINT u4 null, ' +
    'REFERENCED_TABLE_SCHEMA n64 null, REFERENCED_TABLE_NAME n64 null, ' +
    'REFERENCED_COLUMN_NAME v64 null',
  PARTITIONS:
    'TABLE_CATALOG n64, TABLE_SCHEMA n64, TABLE_NAME n64, PARTITION_NAME n64 null, ' +
    'SUBPARTITION_NAME n64 null, PARTITION_ORDINAL_POSITION u4 null, ' +
    'SUBPARTITION_ORDINAL_POSITION u4 null, PARTITION_METHOD v13 null, ' +
    'SUBPARTITION_METHOD v13 null, PARTITION_EXPRESSION v2048 null, ' +
    'SUBPARTITION_EXPRESSION v2048 null, PARTITION_DESCRIPTION text null, TABLE_ROWS u8 null, ' +
    'AVG_ROW_LENGTH u8 null, DATA_LENGTH u8 null, MAX_DATA_LENGTH u8 null, ' +
    'INDEX_LENGTH u8 null, DATA_FREE u8 null, CREATE_TIME dt, UPDATE_TIME dt null, ' +
    'CHECK_TIME dt null, CHECKSUM i8 null, PARTITION_COMMENT text, NODEGROUP v256 null, ' +
    'TABLESPACE_NAME n268 null',
  PROCESSLIST:
    'ID u8, USER v32, HOST v261, DB v64 null, COMMAND v16, TIME i4, STATE v64 null, INFO text null',
  REFERENTIAL_CONSTRAINTS:
    'CONSTRAINT_CATALOG n64, CONSTRAINT_SCHEMA n64, CONSTRAINT_NAME v64 null, ' +
    'UNIQUE_CONSTRAINT_CATALOG n64, UNIQUE_CONSTRAINT_SCHEMA n64, ' +
    'UNIQUE_CONSTRAINT_NAME v64 null, MATCH_OPTION v7, UPDATE_RULE v11, DELETE_RULE v11, ' +
    'TABLE_NAME n64, REFERENCED_TABLE_NAME n64',
  ROUTINES:
    'SPECIFIC_NAME v64, ROUTINE_CATALOG n64, ROUTINE_SCHEMA n64, ROUTINE_NAME v64, ' +
    'ROUTINE_TYPE v9, DATA_TYPE text null, CHARACTER_MAXIMUM_LENGTH i8 null, ' +
    'CHARACTER_OCTET_LENGTH i8 null, NUMERIC_PRECISION u4 null, NUMERIC_SCALE u4 null, ' +
    'DATETIME_PRECISION u4 null, CHARACTER_SET_NAME n64 null, COLLATION_NAME n64 null, ' +
    'DTD_IDENTIFIER text null, ROUTINE_BODY v8, ROUTINE_DEFINITION text null, ' +
    'EXTERNAL_NAME v64 null, EXTERNAL_LANGUAGE v64, PARAMETER_STYLE v3, ' +
    'IS_DETERMINISTIC v3, SQL_DATA_ACCESS v17, SQL_PATH v64 null, SECURITY_TYPE v7, ' +
    'CREATED dt, LAST_ALTERED dt, SQL_MODE v520, ROUTINE_COMMENT text, DEFINER v288, ' +
    'CHARACTER_SET_CLIENT n64, COLLATION_CONNECTION n64, DATABASE_COLLATION n64',
  SCHEMATA:
    'CATALOG_NAME n64, SCHEMA_NAME n64, DEFAULT_CHARACTER_SET_NAME n64, ' +
    'DEFAULT_COLLATION_NAME n64, SQL_PATH v64 null, DEFAULT_ENCRYPTION v3',
  STATISTICS:
    'TABLE_CATALOG n64, TABLE_SCHEMA n64, TABLE_NAME n64, NON_UNIQUE i4, INDEX_SCHEMA n64, ' +
    'INDEX_NAME v64 null, SEQ_IN_INDEX u4, COLUMN_NAME v64 null, COLLATION v1 null, ' +
    'CARDINALITY i8 null, SUB_PART i8 null, PACKED v64 null, NULLABLE v3, INDEX_TYPE v11, ' +
    'COMMENT v8, INDEX_COMMENT v2048, IS_VISIBLE v3, EXPRESSION text null',
  TABLE_CONSTRAINTS:
    'CONSTRAINT_CATALOG n64, CONSTRAINT_SCHEMA n64, CONSTRAINT_NAME v64 null, ' +
    'TABLE_SCHEMA n64, TABLE_NAME n64, CONSTRAINT_TYPE v11, ENFORCED v3',
  TABLES:
    'TABLE_CATALOG n64, TABLE_SCHEMA n64, TABLE_NAME n64, TABLE_TYPE v11, ENGINE v64 null, ' +
    'VERSION i4 null, ROW_FORMAT v10 null, TABLE_ROWS u8 null, AVG_ROW_LENGTH u8 null, ' +
    'DATA_LENGTH u8 null, MAX_DATA_LENGTH u8 null, INDEX_LENGTH u8 null, DATA_FREE u8 null, ' +
    'AUTO_INCREMENT u8 null, CREATE_TIME dt, UPDATE_TIME dt null, CHECK_TIME dt null, ' +
    'TABLE_COLLATION n64 null, CHECKSUM i8 null, CREATE_OPTIONS v256 null, TABLE_COMMENT text null',
  TRIGGERS:
    'TRIGGER_CATALOG n64, TRIGGER_SCHEMA n64, TRIGGER_NAME v64, EVENT_MANIPULATION v6, ' +
    'EVENT_OBJECT_CATALOG n64, EVENT_OBJECT_SCHEMA n64, EVENT_OBJECT_TABLE n64, ' +
    'ACTION_ORDER u4, ACTION_CONDITION text null, ACTION_STATEMENT text, ' +
    'ACTION_ORIENTATION v3, ACTION_TIMING v6, ACTION_REFERENCE_OLD_TABLE v64 null, ' +
    'ACTION_REFERENCE_NEW_TABLE v64 null, ACTION_REFERENCE_OLD_ROW v3, ' +
    'ACTION_REFERENCE_NEW_ROW v3, CREATED dt, SQL_MODE v520, DEFINER v288, ' +
    'CHARACTER_SET_CLIENT n64, COLLATION_CONNECTION n64, DATABASE_COLLATION n64',
  VIEWS:
    'TABLE_CATALOG n64, TABLE_SCHEMA n64, TABLE_NAME n64, VIEW_DEFINITION text null, ' +
    'CHECK_OPTION v8 null, IS_UPDATABLE v3 null, DEFINER v288 null, SECURITY_TYPE v7 null, ' +
    'CHARACTER_SET_CLIENT n64, COLLATION_CONNECTION n64',
  BOREALIS_SEGMENTS:
    'PROTECTION_GROUP u8, SLOT u4, ADDRESS v261, NODE_ID v64, ZONE v64, STATE v16, ' +
    'REACHABLE v3, SCL u8 null, LAG_LSN u8 null, PENDING_RECORDS u8 null, RECORDS u8 null, ' +
    'BYTES u8 null, GC_LSN u8 null, LAST_SCRUB dt null, CORRUPT_FOUND u8 null, REPAIRS u8 null',
};

function columnTypeOf(code: string): ColumnType {
  switch (code) {
    case 'text':
      return { kind: 'string', variant: 'text', chars: 65_535, collation: 'utf8mb4_general_ci' };
    case 'u8':
      return { kind: 'int', bytes: 8, unsigned: true };
    case 'i8':
      return { kind: 'int', bytes: 8, unsigned: false };
    case 'u4':
      return { kind: 'int', bytes: 4, unsigned: true };
    case 'i4':
      return { kind: 'int', bytes: 4, unsigned: false };
    case 'dt':
      return { kind: 'datetime', fsp: 0 };
    default: {
      const m = /^([nv])(\d+)$/.exec(code);
      if (m === null) throw new Error(`information_schema: bad column type ${code}`);
      const collation = m[1] === 'n' ? 'utf8mb4_bin' : 'utf8mb4_general_ci';
      return { kind: 'string', variant: 'varchar', chars: Number(m[2]), collation };
    }
  }
}

function tableOf(name: string, spec: string): TableDef {
  const columns = spec.split(',').map((part): ColumnDef => {
    const [column, code, nullable] = part.trim().split(/\s+/);
    return {
      name: column as string,
      type: columnTypeOf(code as string),
      nullable: nullable === 'null',
      defaultValue: nullable === 'null' ? { value: null } : null,
    };
  });
  return makeTableDef({
    database: SCHEMA_NAME,
    name,
    root: pageId(0),
    columns,
    primaryKey: [],
    options: { engine: 'SYSTEM VIEW', collation: 'utf8mb4_general_ci' },
  });
}

const TABLES: ReadonlyMap<string, TableDef> = new Map(
  Object.entries(SPECS).map(([name, spec]) => [name, tableOf(name, spec)]),
);

/** An information_schema table's definition by name (case-insensitive), or undefined. */
export function systemTable(name: string): TableDef | undefined {
  return TABLES.get(name.toUpperCase());
}

/** information_schema's table names, sorted. */
export function systemTableNames(): string[] {
  return [...TABLES.keys()].sort();
}

/** True when `database` names information_schema (any case). */
export function isSystemSchema(database: string): boolean {
  return database.toLowerCase() === SCHEMA_NAME;
}

/** The index of a column of an information_schema table. */
export function columnIndex(table: TableDef, name: string): number {
  const index = table.columns.findIndex((c) => c.name === name);
  if (index === -1) throw new Error(`information_schema.${table.name} has no column ${name}`);
  return index;
}
