/**
 * SHOW [GLOBAL | SESSION] VARIABLES and SHOW [GLOBAL | SESSION] STATUS: two columns,
 * Variable_name and Value, sorted by name, described as MySQL 8 describes them (its
 * performance_schema tables, utf8mb4).
 *
 *   SHOW [SESSION] VARIABLES   every variable: session values, global ones for global-only names
 *   SHOW GLOBAL VARIABLES      every variable with a global value
 *   SHOW [SESSION] STATUS      this session's counters, and the engine-wide figures
 *   SHOW GLOBAL STATUS         the engine's totals
 */
import { COLUMN_FLAG, type ColumnInfo, type Row } from '../api.js';
import type { ShowFilter } from '../sql/ast.js';
import type { TextRow } from '../sql/show-filter.js';
import { findSystemVariable, showText, systemVariableNames } from './registry.js';
import type { SessionVariables } from './session-variables.js';

export interface ShowRows {
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly Row[];
}

function column(name: string, table: string, chars: number, nullable: boolean): ColumnInfo {
  return {
    name,
    orgName: name.toUpperCase(),
    table,
    orgTable: table,
    db: 'performance_schema',
    type: 'VAR_STRING',
    length: chars * 4,
    decimals: 0,
    flags: nullable ? 0 : COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.NO_DEFAULT_VALUE,
    collation: 255,
  };
}

export function showColumns(table: string): ColumnInfo[] {
  return [column('Variable_name', table, 64, false), column('Value', table, 1024, true)];
}

/** Name/value text rows of SHOW [GLOBAL] VARIABLES, before filtering. */
export function variableRows(variables: SessionVariables, global: boolean): TextRow[] {
  const names = new Set([...systemVariableNames(), ...variables.externals.keys()]);
  const rows: TextRow[] = [];
  for (const name of [...names].sort()) {
    const def = findSystemVariable(name);
    const external = variables.externals.get(name);
    const scope = external?.scope ?? def?.scope ?? 'both';
    if (global && scope === 'session') continue;
    const value = variables.read(name, global ? 'global' : null);
    rows.push([name, showText(def, value)]);
  }
  return rows;
}

/** The table name MySQL's SHOW reports for its columns. */
export function showTableName(kind: 'variables' | 'status', global: boolean): string {
  return `${global ? 'global' : 'session'}_${kind}`;
}

export function rowsResult(table: string, rows: readonly TextRow[]): ShowRows {
  return { columns: showColumns(table), rows };
}

export type { ShowFilter };
