/**
 * EXPLAIN: MySQL's traditional EXPLAIN row for a single-table plan.
 *
 *   column         value
 *   id             1
 *   select_type    SIMPLE (SELECT), INSERT, UPDATE, DELETE
 *   table          the table as written (its alias), NULL without one
 *   partitions     NULL
 *   type           const   a whole primary key or UNIQUE value, one of them
 *                  ref     a non-unique index's leading columns, one value each
 *                  range   key ranges, or several values (IN)
 *                  index   a whole index in its order
 *                  ALL     a full table scan
 *   possible_keys  the keys the WHERE clause could use, comma-separated, or NULL
 *   key            the key used (PRIMARY or the index's name), or NULL
 *   key_len        bytes of the key parts used, as MySQL counts them (utf8mb4: 4 a character,
 *                  +2 for VARCHAR/TEXT lengths, +1 for a nullable part)
 *                  eq_ref  (a joined table) a whole unique key per row of the tables before it
 *   ref            per key part: "const", or the earlier table's column (db.table.column) a
 *                  joined table is looked up by, or "func"; NULL for scans and ranges
 *   rows           the rows the access path reaches (counted at the snapshot, up to a cap); a
 *                  table looked up per row of the tables before it shows 1 (one lookup's rows
 *                  are not known before those rows are)
 *   filtered       100.00, or 10.00 when a residual condition remains
 *   Extra          Using where; Using filesort; No tables used
 */
import { COLUMN_FLAG, type ColumnInfo, type Row } from '../api.js';
import type { ColumnDef, ColumnType, IndexDef, TableDef } from '../catalog/definitions.js';
import { type ExecContext, countAccessRows } from './execute.js';
import type { Access, Plan, PlanExpr, TableSource } from './plan.js';
import { type ExplainedTable, explainTables } from './explain-tree.js';
import { someExpr } from './plan-walk.js';

/** EXPLAIN counts rows up to this many (MySQL estimates; counting more would cost too much). */
export const EXPLAIN_ROWS_COUNTED_MAX = 100_000;

function column(name: string, type: 'VAR_STRING' | 'LONGLONG' | 'NEWDECIMAL'): ColumnInfo {
  const numeric = type !== 'VAR_STRING';
  return {
    name,
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type,
    length: type === 'LONGLONG' ? 21 : type === 'NEWDECIMAL' ? 7 : 256,
    decimals: type === 'NEWDECIMAL' ? 2 : type === 'LONGLONG' ? 0 : 31,
    flags: numeric ? COLUMN_FLAG.BINARY | COLUMN_FLAG.NUM : 0,
    collation: numeric ? 63 : 255,
  };
}

export const EXPLAIN_COLUMNS: readonly ColumnInfo[] = [
  column('id', 'LONGLONG'),
  column('select_type', 'VAR_STRING'),
  column('table', 'VAR_STRING'),
  column('partitions', 'VAR_STRING'),
  column('type', 'VAR_STRING'),
  column('possible_keys', 'VAR_STRING'),
  column('key', 'VAR_STRING'),
  column('key_len', 'VAR_STRING'),
  column('ref', 'VAR_STRING'),
  column('rows', 'LONGLONG'),
  column('filtered', 'NEWDECIMAL'),
  column('Extra', 'VAR_STRING'),
];

/** MySQL's key_len bytes for one key part. */
function partBytes(def: ColumnDef, prefixChars: number | null): number {
  const type: ColumnType = def.type;
  let bytes: number;
  switch (type.kind) {
    case 'int':
      bytes = type.bytes;
      break;
    case 'decimal': {
      const size = (digits: number): number =>
        Math.floor(digits / 9) * 4 + ([0, 1, 1, 2, 2, 3, 3, 4, 4, 4][digits % 9] ?? 0);
      bytes = size(type.precision - type.scale) + size(type.scale);
      break;
    }
    case 'datetime':
      bytes = 5 + Math.ceil(type.fsp / 2);
      break;
    case 'string':
      bytes = (prefixChars ?? type.chars) * 4 + (type.variant === 'char' ? 0 : 2);
      break;
    default:
      bytes = 8;
  }
  return bytes + (def.nullable ? 1 : 0);
}

interface KeyUse {
  readonly type: string;
  readonly key: string | null;
  /** Key parts used, as [column, prefix]. */
  readonly parts: readonly { column: number; prefixChars: number | null }[];
  readonly refs: number;
}

function keyUse(table: TableDef, source: TableSource): KeyUse {
  const access = source.access;
  const primary = table.primaryKey.map((column) => ({ column, prefixChars: null }));
  const depthOf = (prefixes: readonly (readonly unknown[])[]): number => prefixes[0]?.length ?? 0;
  switch (access.kind) {
    case 'full-scan':
      return { type: 'ALL', key: null, parts: [], refs: 0 };
    case 'pk-lookup':
      return access.keys.length === 1
        ? { type: 'const', key: 'PRIMARY', parts: primary, refs: primary.length }
        : { type: 'range', key: 'PRIMARY', parts: primary, refs: 0 };
    case 'pk-range': {
      const bounded = access.lower.length + access.upper.length > 0;
      const used = depthOf(access.prefixes) + (bounded ? 1 : 0);
      return { type: 'range', key: 'PRIMARY', parts: primary.slice(0, used), refs: 0 };
    }
    case 'index-range':
      return indexUse(access.index, access.prefixes, access.lower.length + access.upper.length > 0);
    case 'index-scan':
      return { type: 'index', key: access.index.name, parts: access.index.parts, refs: 0 };
    default:
      return { type: 'ALL', key: null, parts: [], refs: 0 };
  }
}

function indexUse(
  index: IndexDef,
  prefixes: readonly (readonly unknown[])[],
  ranged: boolean,
): KeyUse {
  const depth = prefixes[0]?.length ?? 0;
  const used = index.parts.slice(0, depth + (ranged ? 1 : 0));
  const single = prefixes.length === 1 && !ranged;
  const whole = depth === index.parts.length && index.parts.every((p) => p.prefixChars === null);
  const type = !single ? 'range' : index.unique && whole ? 'const' : 'ref';
  return { type, key: index.name, parts: used, refs: single ? depth : 0 };
}

async function sourceRow(
  selectType: string,
  read: Pick<ExplainedTable, 'name' | 'source' | 'sorted' | 'covering'>,
  ctx: ExecContext,
): Promise<Row> {
  const { name: shownName, source, sorted } = read;
  const { table } = source;
  let use = keyUse(table, source);
  // Single-table UPDATE and DELETE go through the range optimizer: MySQL shows a lookup as range.
  if (selectType !== 'SIMPLE' && use.type === 'const') use = { ...use, type: 'range', refs: 0 };
  const keyLen = use.parts.reduce(
    (n, p) => n + partBytes(table.columns[p.column] as ColumnDef, p.prefixChars),
    0,
  );
  const possible = source.possibleKeys ?? [];
  const parts = keyExprs(source.access);
  const perRow = parts.some((e) => someExpr(e, (x) => x.kind === 'outer-column' && x.depth === 0));
  if (perRow && use.type === 'const') use = { ...use, type: 'eq_ref' };
  const rows = perRow ? 1 : await countAccessRows(source, ctx, EXPLAIN_ROWS_COUNTED_MAX);
  const residual = source.residual !== null;
  const extra = [
    ...(residual || use.type === 'range' ? ['Using where'] : []),
    ...(read.covering ? ['Using index'] : []),
    ...(sorted ? ['Using filesort'] : []),
  ];
  return [
    1n,
    selectType,
    shownName,
    null,
    use.type,
    possible.length === 0 ? null : possible.join(','),
    use.key,
    use.key === null ? null : String(keyLen),
    use.refs === 0 ? null : parts.slice(0, use.refs).map(refText).join(','),
    BigInt(use.type === 'const' ? Math.min(rows, 1) || 1 : rows),
    residual ? '10.00' : '100.00',
    extra.length === 0 ? null : extra.join('; '),
  ];
}

/** The expressions a single-lookup access path computes its key from, in key order. */
function keyExprs(access: Access): readonly PlanExpr[] {
  switch (access.kind) {
    case 'pk-lookup':
      return access.keys.length === 1 ? (access.keys[0] ?? []) : [];
    case 'pk-range':
    case 'index-range':
      return access.prefixes.length === 1 ? (access.prefixes[0] ?? []) : [];
    default:
      return [];
  }
}

/** EXPLAIN's ref for one key part. */
function refText(e: PlanExpr): string {
  if (e.kind === 'outer-column' && e.depth === 0) return e.qualifiedName.replace(/`/g, '');
  return someExpr(e, (x) => x.kind === 'outer-column' || x.kind === 'column') ? 'func' : 'const';
}

/** The EXPLAIN rows of a plan (explained plans are SELECT, INSERT, UPDATE, DELETE). */
export async function explainRows(
  plan: Plan,
  ctx: ExecContext,
  alias: string | null,
): Promise<Row[]> {
  switch (plan.kind) {
    case 'select': {
      // Issue 6a: one row per table read of the query's main block, in join order.
      const tables = explainTables(plan.query);
      if (tables.length === 0) {
        const nothing = [null, null, null, null, null, null, null, null, null];
        return [[1n, 'SIMPLE', ...nothing, 'No tables used']];
      }
      const rows: Row[] = [];
      for (const t of tables) rows.push(await sourceRow('SIMPLE', t, ctx));
      return rows;
    }
    case 'update':
    case 'delete': {
      const name = alias ?? plan.source.table.name;
      const type = plan.kind === 'update' ? 'UPDATE' : 'DELETE';
      const read = { name, source: plan.source, sorted: plan.order !== null, covering: false };
      return [await sourceRow(type, read, ctx)];
    }
    case 'insert':
      const rest = [null, null, null, null, null, null, null];
      return [[1n, 'INSERT', plan.table.name, null, 'ALL', ...rest]];
    default:
      return [];
  }
}
