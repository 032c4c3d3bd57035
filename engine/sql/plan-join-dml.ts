/**
 * Multi-table UPDATE and DELETE planning: the statement becomes a query over its table
 * references (the query engine plans the joins), which yields, per joined row, every column of
 * each target table and, for UPDATE, each assignment's new value:
 *
 *   UPDATE a JOIN b ON … SET a.x = b.y WHERE …  →  SELECT a.*, b.y FROM a JOIN b ON … WHERE …
 *   DELETE a, b FROM a JOIN b ON … WHERE …      →  SELECT a.*, b.* FROM a JOIN b ON … WHERE …
 *
 * dml-join.ts then changes each target row once, found again by its primary key. Errors:
 * an assignment's column unknown 1054 / ambiguous 1052, a DELETE target not in the references
 * 1109, ORDER BY / LIMIT 1221; a target without a primary key answers 1235.
 */
import type { TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type {
  ColumnRef,
  Expr,
  JoinDmlStatement,
  SelectItem,
  SelectStatement,
  TableExpr,
  TableName,
} from './ast.js';
import type { Plan } from './plan.js';
import type { QueryPlan } from './plan-query.js';
import { type PlanContext, planStatement } from './planner.js';

/** A base table of the references, by the name statements refer to it. */
interface Leaf {
  readonly name: string;
  readonly aliased: boolean;
  readonly table: TableDef;
}

export interface JoinTarget {
  readonly table: TableDef;
  /** Where the table's columns start in the query's rows. */
  readonly offset: number;
  /** UPDATE: column ← query column (null: its DEFAULT). */
  readonly assignments: readonly { readonly column: number; readonly item: number | null }[];
}

export interface JoinDmlPlan {
  readonly query: QueryPlan;
  readonly targets: readonly JoinTarget[];
}

function leaves(from: TableExpr, ctx: PlanContext, out: Leaf[] = []): Leaf[] {
  if (from.kind === 'join') {
    leaves(from.left, ctx, out);
    leaves(from.right, ctx, out);
  } else if (from.kind === 'table') {
    const database = from.table.database ?? ctx.database;
    if (database === null) throw new SqlError('ER_NO_DB_ERROR');
    const table = ctx.catalog.table(database, from.table.name);
    if (table !== undefined) {
      out.push({ name: from.alias ?? from.table.name, aliased: from.alias !== null, table });
    }
  }
  return out;
}

function leafOf(all: readonly Leaf[], name: TableName, what: string): Leaf {
  const found = all.find(
    (l) =>
      l.name === name.name &&
      (name.database === null || (!l.aliased && l.table.database === name.database)),
  );
  if (found === undefined) throw new SqlError('ER_UNKNOWN_TABLE', [name.name, what]);
  return found;
}

function assignmentLeaf(all: readonly Leaf[], column: ColumnRef): Leaf {
  const has = (l: Leaf): boolean =>
    l.table.columns.some((c) => c.name.toLowerCase() === column.name.toLowerCase());
  const shown = [column.table, column.name].filter((p) => p !== null).join('.');
  if (column.table !== null) {
    const leaf = all.find((l) => l.name === column.table);
    if (leaf === undefined || !has(leaf))
      throw new SqlError('ER_BAD_FIELD_ERROR', [shown, 'field list']);
    return leaf;
  }
  const matches = all.filter(has);
  if (matches.length > 1) throw new SqlError('ER_NON_UNIQ_ERROR', [column.name, 'field list']);
  const leaf = matches[0];
  if (leaf === undefined) throw new SqlError('ER_BAD_FIELD_ERROR', [shown, 'field list']);
  return leaf;
}

function columnItem(leaf: Leaf, name: string): SelectItem {
  const expr: Expr = { kind: 'column', database: null, table: leaf.name, name };
  return { kind: 'expr', expr, alias: null, text: `${leaf.name}.${name}` };
}

export function planJoinDml(statement: JoinDmlStatement, ctx: PlanContext): Plan {
  if (statement.kind === 'update-join' && statement.misuse !== undefined) {
    throw new SqlError('ER_WRONG_USAGE', ['UPDATE', statement.misuse]);
  }
  const all = leaves(statement.from, ctx);
  const chosen: Leaf[] =
    statement.kind === 'delete-join'
      ? statement.targets.map((t) => leafOf(all, t, 'MULTI DELETE'))
      : statement.assignments.map((a) => assignmentLeaf(all, a.column));
  const unique = [...new Set(chosen)];
  for (const leaf of unique) {
    if (leaf.table.primaryKey.length === 0) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', [
        'multi-table UPDATE / DELETE of a table without a primary key',
      ]);
    }
  }
  const items: SelectItem[] = [];
  const targets: {
    table: TableDef;
    offset: number;
    leaf: Leaf;
    assignments: { column: number; item: number | null }[];
  }[] = [];
  for (const leaf of unique) {
    targets.push({ table: leaf.table, offset: items.length, leaf, assignments: [] });
    for (const column of leaf.table.columns) items.push(columnItem(leaf, column.name));
  }
  if (statement.kind === 'update-join') {
    statement.assignments.forEach((a, i) => {
      const target = targets.find((t) => t.leaf === chosen[i]);
      if (target === undefined) return;
      const column = target.table.columns.findIndex(
        (c) => c.name.toLowerCase() === a.column.name.toLowerCase(),
      );
      const isDefault = a.value.kind === 'default' && a.value.column === null;
      if (!isDefault) items.push({ kind: 'expr', expr: a.value, alias: null, text: `v${i}` });
      target.assignments.push({ column, item: isDefault ? null : items.length - 1 });
    });
  }
  const select: SelectStatement = {
    kind: 'select', with: null, distinct: false, items, from: statement.from,
    where: statement.where, groupBy: null, having: null, windows: [], orderBy: [], limit: null,
  };
  const plan = planStatement(select, ctx);
  if (plan.kind !== 'select') throw new Error('planJoinDml: a query plans to a select');
  const join: JoinDmlPlan = {
    query: plan.query,
    targets: targets.map(({ table, offset, assignments }) => ({ table, offset, assignments })),
  };
  return statement.kind === 'update-join'
    ? { kind: 'update-join', join, ignore: statement.ignore }
    : { kind: 'delete-join', join, ignore: statement.ignore };
}
