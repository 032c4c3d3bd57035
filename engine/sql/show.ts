/**
 * SHOW DATABASES, SHOW TABLES and SHOW WARNINGS: their result sets, with the column names and
 * metadata MySQL 8 reports (information_schema columns, utf8mb3).
 */
import { COLUMN_FLAG, type ColumnInfo, type Row, type Warning } from '../api.js';
import type { Catalog } from '../catalog/catalog.js';
import { collation } from './collation.js';
import { likeMatch } from './expr.js';
import { showColumnInfo } from './metadata.js';

export type { Warning };

export interface ShowResult {
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly Row[];
}

function matches(name: string, like: string | null): boolean {
  // Names are case-sensitive here (lower_case_table_names = 0).
  return like === null || likeMatch(name, like, '\\', collation('utf8mb4_0900_bin'));
}

export function showDatabases(
  catalog: Catalog,
  like: string | null,
  visible: (database: string) => boolean = () => true,
): ShowResult {
  const name = like === null ? 'Database' : `Database (${like})`;
  return {
    columns: [showColumnInfo(name, 'SCHEMA_NAME', 'SCHEMATA', 64)],
    rows: catalog
      .databaseNames()
      .filter((n) => matches(n, like) && visible(n))
      .map((n) => [n]),
  };
}

export function showTables(catalog: Catalog, database: string, like: string | null): ShowResult {
  const name = `Tables_in_${database}` + (like === null ? '' : ` (${like})`);
  return {
    columns: [showColumnInfo(name, 'TABLE_NAME', 'TABLES', 64)],
    rows: catalog
      .tableNames(database)
      .filter((n) => matches(n, like))
      .map((n) => [n]),
  };
}

function plainColumn(name: string, type: 'VAR_STRING' | 'LONG', length: number): ColumnInfo {
  const numeric = type === 'LONG';
  return {
    name,
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type,
    length,
    decimals: numeric ? 0 : 31,
    flags: COLUMN_FLAG.NOT_NULL | (numeric ? COLUMN_FLAG.UNSIGNED | COLUMN_FLAG.BINARY : 0),
    collation: numeric ? 63 : 255,
  };
}

export function showWarnings(warnings: readonly Warning[]): ShowResult {
  return {
    columns: [
      plainColumn('Level', 'VAR_STRING', 28),
      plainColumn('Code', 'LONG', 4),
      plainColumn('Message', 'VAR_STRING', 2048),
    ],
    rows: warnings.map((w) => [w.level, BigInt(w.code), w.message]),
  };
}
