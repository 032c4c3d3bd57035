/**
 * CREATE TABLE → a checked table definition (TableSpec), with MySQL's errors for bad definitions:
 *
 *   duplicate column                     ER_DUP_FIELDNAME (1060)
 *   DECIMAL precision > 65 / scale > 30  ER_TOO_BIG_PRECISION (1426) / ER_TOO_BIG_SCALE (1425)
 *   scale > precision                    ER_M_BIGGER_THAN_D (1427)
 *   DATETIME(7)                          ER_TOO_BIG_PRECISION (1426)
 *   VARCHAR(16384) / CHAR(256)           ER_TOO_BIG_FIELDLENGTH (1074)
 *   two primary keys                     ER_MULTIPLE_PRI_KEY (1068)
 *   key column missing                   ER_KEY_COLUMN_DOES_NOT_EXITS (1072)
 *   TEXT in the key                      ER_BLOB_KEY_WITHOUT_LENGTH (1170)
 *   NULL column in the key               ER_PRIMARY_CANT_HAVE_NULL (1171)
 *   key longer than 3,072 bytes          ER_TOO_LONG_KEY (1071)
 *   bad DEFAULT                          ER_INVALID_DEFAULT (1067); TEXT DEFAULT → 1101
 *
 * Primary-key columns become NOT NULL, as in MySQL. A table without a primary key is keyed by a
 * hidden row id (InnoDB's DB_ROW_ID).
 */
import type { TableSpec } from '../catalog/catalog.js';
import type { ColumnDef, ColumnType, IndexSpec, TableOptions } from '../catalog/definitions.js';
import {
  CHAR_CHARS_MAX,
  DATETIME_FSP_MAX,
  DECIMAL_PRECISION_MAX,
  DECIMAL_SCALE_MAX,
  IDENTIFIER_CHARS_MAX,
  KEY_BYTES_MAX,
  TABLE_COLUMNS_MAX,
  VARCHAR_CHARS_MAX,
} from '../config.js';
import { SqlError } from '../errors.js';
import { keyPartBytesMax } from '../keys.js';
import { unreachable } from '../unreachable.js';
import type { CreateTable, TypeSpec } from './ast.js';
import { type CollationName, DEFAULT_COLLATION } from './collation.js';
import { type DefaultModes, planColumn, resolveCollation } from './plan-columns.js';
import { INDEXES_MAX, planFulltext, planIndex, planTableIndexes } from './plan-index.js';
import { checkGenerated, planChecks, planForeignKeys } from './plan-constraints.js';
import type { Catalog } from '../catalog/catalog.js';
import { extendedColumnType } from './column-types.js';
import type { IntBytes } from './values.js';

const INT_BYTES: Readonly<Record<string, IntBytes>> = {
  TINYINT: 1,
  SMALLINT: 2,
  MEDIUMINT: 3,
  INT: 4,
  BIGINT: 8,
};

function checkName(name: string, kind: 'table' | 'column' | 'database'): void {
  if (Array.from(name).length > IDENTIFIER_CHARS_MAX)
    throw new SqlError('ER_TOO_LONG_IDENT', [name]);
  if (name === '' || name.endsWith(' ')) {
    const code =
      kind === 'table'
        ? 'ER_WRONG_TABLE_NAME'
        : kind === 'column'
          ? 'ER_WRONG_COLUMN_NAME'
          : 'ER_WRONG_DB_NAME';
    throw new SqlError(code, [name]);
  }
}

export function columnType(spec: TypeSpec, column: string, collation: CollationName): ColumnType {
  switch (spec.kind) {
    case 'int':
      return { kind: 'int', bytes: INT_BYTES[spec.name] as IntBytes, unsigned: spec.unsigned };
    case 'decimal': {
      const precision = spec.precision ?? 10;
      const scale = spec.scale ?? 0;
      if (precision > DECIMAL_PRECISION_MAX) {
        throw new SqlError('ER_TOO_BIG_PRECISION', [precision, column, DECIMAL_PRECISION_MAX]);
      }
      if (scale > DECIMAL_SCALE_MAX)
        throw new SqlError('ER_TOO_BIG_SCALE', [scale, column, DECIMAL_SCALE_MAX]);
      if (scale > precision) throw new SqlError('ER_M_BIGGER_THAN_D', [column]);
      return { kind: 'decimal', precision: Math.max(precision, 1), scale, unsigned: spec.unsigned };
    }
    case 'varchar':
      if (spec.length > VARCHAR_CHARS_MAX) {
        throw new SqlError('ER_TOO_BIG_FIELDLENGTH', [column, VARCHAR_CHARS_MAX]);
      }
      return { kind: 'string', variant: 'varchar', chars: spec.length, collation };
    case 'char': {
      const length = spec.length ?? 1;
      if (length > CHAR_CHARS_MAX)
        throw new SqlError('ER_TOO_BIG_FIELDLENGTH', [column, CHAR_CHARS_MAX]);
      return { kind: 'string', variant: 'char', chars: length, collation };
    }
    case 'text':
      return { kind: 'string', variant: 'text', chars: spec.bytes ?? 65_535, collation };
    case 'binary':
      return binaryType(spec, column);
    case 'datetime': {
      const fsp = spec.fsp ?? 0;
      if (fsp > DATETIME_FSP_MAX)
        throw new SqlError('ER_TOO_BIG_PRECISION', [fsp, column, DATETIME_FSP_MAX]);
      return { kind: 'datetime', fsp };
    }
    // Issue 6b's types: column-types.ts.
    case 'float':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'year':
    case 'bit':
    case 'enum':
    case 'set':
    case 'json':
      return extendedColumnType(spec, column, collation);
    default:
      return unreachable(spec);
  }
}

/** BINARY(n) ≤ 255 bytes, VARBINARY(n) ≤ 65,535 bytes; BLOBs: strings of the binary collation. */
function binaryType(spec: TypeSpec & { kind: 'binary' }, column: string): ColumnType {
  switch (spec.variant) {
    case 'binary': {
      const length = spec.length ?? 1;
      if (length > CHAR_CHARS_MAX)
        throw new SqlError('ER_TOO_BIG_FIELDLENGTH', [column, CHAR_CHARS_MAX]);
      return { kind: 'string', variant: 'char', chars: length, collation: 'binary' };
    }
    case 'varbinary': {
      const length = spec.length ?? 0;
      if (length > VARBINARY_BYTES_MAX) {
        throw new SqlError('ER_TOO_BIG_FIELDLENGTH', [column, VARBINARY_BYTES_MAX]);
      }
      return { kind: 'string', variant: 'varchar', chars: length, collation: 'binary' };
    }
    case 'blob':
      return { kind: 'string', variant: 'text', chars: spec.length ?? 65_535, collation: 'binary' };
    default:
      return unreachable(spec.variant);
  }
}

const VARBINARY_BYTES_MAX = 65_535;

function primaryKeyNames(statement: CreateTable): readonly string[] {
  const inline = statement.columns.filter((c) => c.primaryKey).map((c) => [c.name]);
  const all = [...inline, ...statement.primaryKeys];
  if (all.length > 1) throw new SqlError('ER_MULTIPLE_PRI_KEY');
  return all[0] ?? [];
}

/** What CREATE TABLE needs besides the statement: the schema and the session's settings. */
export interface CreateTableContext {
  /** The database's default collation (the table's, unless it says otherwise). */
  readonly databaseCollation: CollationName;
  /** sql_mode has NO_ENGINE_SUBSTITUTION. */
  readonly noEngineSubstitution: boolean;
  /** Creation time, ms since the epoch. */
  readonly now: number;
  /** The catalog (foreign keys' parents, constraint names); absent: no constraints allowed. */
  readonly catalog?: Catalog;
  /** foreign_key_checks (default on). */
  readonly foreignKeyChecks?: boolean;
  /** sql_mode as it checks literal DEFAULTs (zero dates); absent: MySQL 8's default. */
  readonly defaultModes?: DefaultModes;
}

const DEFAULT_CONTEXT: CreateTableContext = {
  databaseCollation: DEFAULT_COLLATION,
  noEngineSubstitution: true,
  now: 0,
};

/** MySQL's limit on a table COMMENT, in characters. */
export const TABLE_COMMENT_CHARS_MAX = 2_048;

/** A warning CREATE TABLE raises when it runs (the plan carries it). */
export interface PlanWarning {
  readonly code: number;
  readonly message: string;
  /** 'Warning' unless said. */
  readonly level?: 'Note' | 'Warning';
}

/**
 * ENGINE: every table is stored the same way, as InnoDB. Another engine is substituted with
 * warnings 1286 and 1266 unless sql_mode has NO_ENGINE_SUBSTITUTION (then
 * ER_UNKNOWN_STORAGE_ENGINE).
 */
export function planEngine(
  engine: string | undefined,
  table: string,
  context: CreateTableContext,
  warnings: PlanWarning[],
): void {
  if (engine === undefined || engine.toLowerCase() === 'innodb') return;
  if (context.noEngineSubstitution) throw new SqlError('ER_UNKNOWN_STORAGE_ENGINE', [engine]);
  warnings.push({ code: 1286, message: `Unknown storage engine '${engine}'` });
  warnings.push({ code: 1266, message: `Using storage engine InnoDB for table '${table}'` });
}

/** The table options a definition keeps (TableDef.options). */
export function planTableOptions(
  statement: CreateTable,
  collationName: CollationName,
  now: number,
): TableOptions {
  const options = statement.options ?? {};
  if (
    options.comment !== undefined &&
    Array.from(options.comment).length > TABLE_COMMENT_CHARS_MAX
  ) {
    throw new SqlError('ER_TOO_LONG_TABLE_COMMENT', [
      statement.table.name,
      TABLE_COMMENT_CHARS_MAX,
    ]);
  }
  return {
    engine: 'InnoDB',
    collation: collationName,
    ...(options.comment === undefined || options.comment === ''
      ? {}
      : { comment: options.comment }),
    ...(options.rowFormat === undefined ? {} : { rowFormat: options.rowFormat }),
    ...(options.createOptions === undefined
      ? {}
      : { createOptions: options.createOptions.join(' ') }),
    created: now,
  };
}

export function planCreateTable(
  statement: CreateTable,
  database: string,
  context: CreateTableContext = DEFAULT_CONTEXT,
  warnings: PlanWarning[] = [],
): TableSpec {
  checkName(database, 'database');
  checkName(statement.table.name, 'table');
  if (statement.columns.length === 0) throw new SqlError('ER_TABLE_MUST_HAVE_COLUMNS');
  if (statement.columns.length > TABLE_COLUMNS_MAX) throw new SqlError('ER_TOO_MANY_FIELDS');
  const options = statement.options ?? {};
  const tableCollation = resolveCollation(
    options.charset,
    statement.collation ?? options.collation,
    context.databaseCollation,
  );
  planEngine(options.engine, statement.table.name, context, warnings);
  const keyNames = primaryKeyNames(statement);
  const folded = statement.columns.map((c) => c.name.toLowerCase());
  const primaryKey = keyNames.map((name) => {
    const index = folded.indexOf(name.toLowerCase());
    if (index === -1) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXITS', [name]);
    return index;
  });
  if (new Set(primaryKey).size !== primaryKey.length) {
    throw new SqlError('ER_DUP_FIELDNAME', [
      keyNames.find(
        (n, i) => keyNames.findIndex((m) => m.toLowerCase() === n.toLowerCase()) !== i,
      ) ?? '',
    ]);
  }
  const seen = new Set<string>();
  const columns = statement.columns.map((definition, index): ColumnDef => {
    checkName(definition.name, 'column');
    if (seen.has(folded[index] as string))
      throw new SqlError('ER_DUP_FIELDNAME', [definition.name]);
    seen.add(folded[index] as string);
    return planColumn(definition, tableCollation, primaryKey.includes(index), context.defaultModes);
  });
  const keyBytes = primaryKey.reduce(
    (sum, i) => sum + keyPartBytesMax((columns[i] as ColumnDef).type),
    0,
  );
  if (keyBytes > KEY_BYTES_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_BYTES_MAX]);
  const uniqueColumns = statement.columns.filter((c) => c.unique === true).map((c) => c.name);
  const definitions = statement.indexes ?? [];
  const indexes = planTableIndexes(
    definitions.filter((d) => d.fulltext !== true),
    uniqueColumns,
    columns,
  );
  const names = new Set(indexes.map((i) => i.name.toLowerCase()));
  const fulltext = definitions
    .filter((d) => d.fulltext === true)
    .map((d) => planFulltext(d, columns, names));
  const name = statement.table.name;
  const foreignKeys =
    context.catalog === undefined
      ? []
      : planForeignKeys(
          statement.foreignKeys ?? [],
          { database, name, columns, primaryKey, indexes },
          [],
          {
            catalog: context.catalog,
            checks: context.foreignKeyChecks ?? true,
            addIndex: (definition) => {
              if (indexes.length >= INDEXES_MAX)
                throw new SqlError('ER_TOO_MANY_KEYS', [INDEXES_MAX]);
              const taken = new Set([
                ...indexes.map((i) => i.name.toLowerCase()),
                ...fulltext.map((f) => f.name.toLowerCase()),
              ]);
              indexes.push(planIndex(definition, columns, taken));
            },
          },
        );
  const autoIncrement = autoIncrementColumn(statement, columns, primaryKey, indexes);
  checkGenerated({ database, name, columns }, autoIncrement);
  // Generated names number the checks in the order the statement writes them.
  const checkInputs = [
    ...statement.columns.flatMap((c) =>
      (c.checks ?? []).map((check) => ({ check, column: c.name })),
    ),
    ...(statement.checks ?? []).map((check) => ({ check, column: null })),
  ].sort((a, b) => (a.check.position ?? 0) - (b.check.position ?? 0));
  const checks =
    context.catalog === undefined || checkInputs.length === 0
      ? []
      : planChecks(checkInputs, { database, name, columns }, autoIncrement, [], context.catalog);
  if ((foreignKeys.length > 0 || checks.length > 0) && context.catalog === undefined) {
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['constraints here']);
  }
  return {
    database,
    name,
    columns,
    primaryKey,
    indexes,
    autoIncrement,
    ...(foreignKeys.length === 0 ? {} : { foreignKeys }),
    ...(checks.length === 0 ? {} : { checks }),
    ...(fulltext.length === 0 ? {} : { fulltext }),
    options: planTableOptions(statement, tableCollation, context.now),
    ...(statement.autoIncrementStart === undefined
      ? {}
      : { autoIncrementStart: statement.autoIncrementStart }),
  };
}

/**
 * The AUTO_INCREMENT column, checked as MySQL does: one at most, an integer column
 * (ER_WRONG_FIELD_SPEC, 1063) without a DEFAULT (1067) that leads a key (ER_WRONG_AUTO_KEY,
 * 1075).
 */
function autoIncrementColumn(
  statement: CreateTable,
  columns: readonly ColumnDef[],
  primaryKey: readonly number[],
  indexes: readonly IndexSpec[],
): number | null {
  const marked = statement.columns.flatMap((c, i) => (c.autoIncrement === true ? [i] : []));
  if (marked.length === 0) return null;
  if (marked.length > 1) throw new SqlError('ER_WRONG_AUTO_KEY');
  const column = marked[0] as number;
  const def = columns[column] as ColumnDef;
  if (def.type.kind !== 'int') throw new SqlError('ER_WRONG_FIELD_SPEC', [def.name]);
  if (statement.columns[column]?.default !== null) {
    throw new SqlError('ER_INVALID_DEFAULT', [def.name]);
  }
  const leads = primaryKey[0] === column || indexes.some((i) => i.parts[0]?.column === column);
  if (!leads) throw new SqlError('ER_WRONG_AUTO_KEY');
  return column;
}
