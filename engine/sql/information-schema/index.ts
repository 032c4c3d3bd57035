/**
 * information_schema as a row source: its tables are virtual — a definition (definitions.ts) and
 * rows made when a query reads them (rows.ts) — and plug into the planner like base tables:
 * table resolution finds them by `virtualTable(database, name)` (names match case-insensitively,
 * as MySQL's do), the scan reads `virtualRows(...)` instead of the table's tree, and everything
 * above the scan (filters, joins, sorting, UNION, derived tables) is the same as for any table.
 *
 * Equalities on the schema and table name columns in the scan's filter (`TABLE_SCHEMA = 'd' AND
 * TABLE_NAME = 't'`, as ORMs write them) narrow which tables the rows are made for; the filter
 * still runs over every row, so a hint never changes a result, only the work.
 */
import type { TableDef } from '../../catalog/definitions.js';
import { SqlError } from '../../errors.js';
import { type EvalContext, compile, compilePredicate } from '../expr.js';
import { conjuncts } from '../index-access.js';
import type { PlanExpr } from '../plan.js';
import type { Value } from '../values.js';
import { isSystemSchema, systemTable } from './definitions.js';
import { type InfoSchemaHost, type RowHint, systemRows } from './rows.js';

export { SCHEMA_NAME, isSystemSchema, systemTable, systemTableNames } from './definitions.js';
export type { InfoSchemaHost } from './rows.js';

/** A table whose rows are made, not stored. */
export interface VirtualTable {
  readonly def: TableDef;
  rows(host: InfoSchemaHost, hint: RowHint): Promise<Value[][]>;
}

const cache = new Map<string, VirtualTable>();

/** information_schema's table `name` when `database` is information_schema; else undefined. */
export function virtualTable(database: string, name: string): VirtualTable | undefined {
  if (!isSystemSchema(database)) return undefined;
  const def = systemTable(name);
  if (def === undefined) return undefined;
  let table = cache.get(def.name);
  if (table === undefined) {
    table = { def, rows: (host, hint) => systemRows(def.name, host, hint) };
    cache.set(def.name, table);
  }
  return table;
}

/** Columns that name a schema, and a table, in information_schema's tables. */
const SCHEMA_COLUMNS = new Set(['TABLE_SCHEMA', 'SCHEMA_NAME', 'CONSTRAINT_SCHEMA']);
const TABLE_COLUMNS = new Set(['TABLE_NAME']);

/** Literals, parameters and functions of them (DATABASE()): constant within the statement. */
function isConstant(e: PlanExpr): boolean {
  if (e.kind === 'const' || e.kind === 'param') return true;
  return e.kind === 'function' && e.args.every(isConstant);
}

function constantText(e: PlanExpr, ctx: EvalContext): string | undefined {
  if (!isConstant(e)) return undefined;
  const value = compile(e)([], ctx);
  return typeof value === 'string' ? value : undefined;
}

/** The schema / table a scan's filter pins down by equalities (see the file comment). */
export function rowHint(table: TableDef, residual: PlanExpr | null, ctx: EvalContext): RowHint {
  let schema: string | undefined;
  let name: string | undefined;
  for (const part of conjuncts(residual)) {
    if (part.kind !== 'compare' || part.op !== '=') continue;
    const [column, other] =
      part.left.kind === 'column' ? [part.left, part.right] : [part.right, part.left];
    if (column.kind !== 'column') continue;
    const text = constantText(other, ctx);
    if (text === undefined) continue;
    const columnName = table.columns[column.index]?.name ?? '';
    if (SCHEMA_COLUMNS.has(columnName)) schema = text;
    if (TABLE_COLUMNS.has(columnName)) name = text;
  }
  return {
    ...(schema === undefined ? {} : { schema }),
    ...(name === undefined ? {} : { table: name }),
  };
}

/** The rows of a virtual table's scan, filtered by its residual, as source rows. */
export async function* virtualRows(
  virtual: VirtualTable,
  residual: PlanExpr | null,
  host: InfoSchemaHost | undefined,
  ctx: EvalContext,
): AsyncGenerator<{ readonly key: Buffer; readonly row: Value[] }> {
  if (host === undefined) throw new SqlError('ER_NOT_SUPPORTED_YET', ['information_schema here']);
  const keep = residual === null ? null : compilePredicate(residual);
  const rows = await virtual.rows(host, rowHint(virtual.def, residual, ctx));
  const key = Buffer.alloc(0);
  for (const row of rows) {
    if (keep === null || keep(row, ctx)) yield { key, row };
  }
}
