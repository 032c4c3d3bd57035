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
import type { ColumnDef, ColumnType, IndexSpec } from '../catalog/definitions.js';
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
import type { ColumnDefinition, CreateTable, TypeSpec } from './ast.js';
import { Binder } from './bind.js';
import { type CollationName, DEFAULT_COLLATION, findCollation } from './collation.js';
import { planTableIndexes } from './plan-index.js';
import { storeValue } from './store.js';
import type { IntBytes, Warnings } from './values.js';

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

function collationOf(name: string | null, fallback: CollationName): CollationName {
  if (name === null) return fallback;
  const found = findCollation(name);
  if (found === undefined) throw new SqlError('ER_UNKNOWN_COLLATION', [name]);
  return found.name;
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
      return { kind: 'string', variant: 'text', chars: 65_535, collation };
    case 'binary':
      return binaryType(spec, column);
    case 'datetime': {
      const fsp = spec.fsp ?? 0;
      if (fsp > DATETIME_FSP_MAX)
        throw new SqlError('ER_TOO_BIG_PRECISION', [fsp, column, DATETIME_FSP_MAX]);
      return { kind: 'datetime', fsp };
    }
    default:
      return unreachable(spec);
  }
}

/** BINARY(n) ≤ 255 bytes, VARBINARY(n) ≤ 65,535 bytes; BLOBs: strings of the binary collation. */
function binaryType(spec: TypeSpec & { kind: 'binary' }, column: string): ColumnType {
  switch (spec.variant) {
    case 'binary': {
      const length = spec.length ?? 1;
      if (length > CHAR_CHARS_MAX) throw new SqlError('ER_TOO_BIG_FIELDLENGTH', [column, CHAR_CHARS_MAX]);
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

const NO_WARNINGS: Warnings = { warn: () => undefined, count: () => 0 };

function defaultOf(
  definition: ColumnDefinition,
  column: Omit<ColumnDef, 'defaultValue'>,
): ColumnDef['defaultValue'] {
  if (definition.default === null) return column.nullable ? { value: null } : null;
  const invalid = (): SqlError => new SqlError('ER_INVALID_DEFAULT', [column.name]);
  const bound = new Binder({
    table: null,
    tableName: null,
    clause: 'field list',
    currentDatabase: null,
  }).bind(definition.default);
  if (bound.kind !== 'const') throw new SqlError('ER_NOT_SUPPORTED_YET', ['DEFAULT expressions']);
  if (column.type.kind === 'string' && column.type.variant === 'text' && bound.value !== null) {
    throw new SqlError('ER_BLOB_CANT_HAVE_DEFAULT', [column.name]);
  }
  try {
    const value = storeValue(bound.info.type, bound.value, {
      column: { ...column, defaultValue: null },
      row: 1,
      warnings: NO_WARNINGS,
    });
    return { value };
  } catch (e) {
    if (e instanceof SqlError) throw invalid();
    throw e;
  }
}

function primaryKeyNames(statement: CreateTable): readonly string[] {
  const inline = statement.columns.filter((c) => c.primaryKey).map((c) => [c.name]);
  const all = [...inline, ...statement.primaryKeys];
  if (all.length > 1) throw new SqlError('ER_MULTIPLE_PRI_KEY');
  return all[0] ?? [];
}

export function planCreateTable(statement: CreateTable, database: string): TableSpec {
  checkName(database, 'database');
  checkName(statement.table.name, 'table');
  if (statement.columns.length > TABLE_COLUMNS_MAX) throw new SqlError('ER_TOO_MANY_FIELDS');
  const tableCollation = collationOf(statement.collation, DEFAULT_COLLATION);
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
    const inKey = primaryKey.includes(index);
    const type = columnType(
      definition.type,
      definition.name,
      collationOf(definition.collation, tableCollation),
    );
    if (inKey && type.kind === 'string' && type.variant === 'text') {
      throw new SqlError('ER_BLOB_KEY_WITHOUT_LENGTH', [definition.name]);
    }
    if (inKey && definition.nullable === true) throw new SqlError('ER_PRIMARY_CANT_HAVE_NULL');
    const column = {
      name: definition.name,
      type,
      nullable: inKey ? false : definition.nullable !== false,
    };
    return { ...column, defaultValue: defaultOf(definition, column) };
  });
  const keyBytes = primaryKey.reduce(
    (sum, i) => sum + keyPartBytesMax((columns[i] as ColumnDef).type),
    0,
  );
  if (keyBytes > KEY_BYTES_MAX) throw new SqlError('ER_TOO_LONG_KEY', [KEY_BYTES_MAX]);
  const uniqueColumns = statement.columns.filter((c) => c.unique === true).map((c) => c.name);
  const indexes = planTableIndexes(statement.indexes ?? [], uniqueColumns, columns);
  const autoIncrement = autoIncrementColumn(statement, columns, primaryKey, indexes);
  return {
    database,
    name: statement.table.name,
    columns,
    primaryKey,
    indexes,
    autoIncrement,
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
