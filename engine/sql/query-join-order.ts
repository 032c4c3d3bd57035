/**
 * Join order: the order in which the items of a FROM clause's inner joins are joined
 * (query-from.ts joins them left-deep in this order). Greedy, from statistics (statistics.ts:
 * each table's measured row count):
 *
 *   1. start with the item that yields the fewest rows after its own conditions (its access
 *      path: a primary key lookup yields its keys, an index lookup a tenth of the table, a range
 *      a quarter, a leftover filter halves the rest);
 *   2. then repeatedly add the cheapest item given what is joined so far:
 *        reachable by an index lookup from joined columns   rows so far × rows per lookup
 *        joined by an equality (a hash join)               rows so far + its rows
 *        joined by nothing (a cross product)               rows so far × its rows
 *
 * Ties keep FROM order. A LATERAL item stays after every item written before it.
 *
 * (JO1) the order is a permutation of the items; (JO2) a LATERAL item comes after every item
 * written before it; (JO3) the order never changes a result, only the work (ST1).
 */
import type { TableDef } from '../catalog/definitions.js';
import { andAll, chooseSource } from './index-access.js';
import type { Access, PlanExpr } from './plan.js';
import { type JoinContext, type LogicalFrom, relationIds, toScanLayout } from './query-from.js';
import type { Relation } from './query-scope.js';

interface OrderItem {
  readonly node: LogicalFrom;
  readonly ids: Set<number>;
}

/** Derived tables, CTEs and information_schema tables: sizes unknown before they run. */
const UNKNOWN_ROWS = 100;

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Rows an access path yields from a table of `rows` rows (the file comment's rule of thumb). */
function accessRows(table: TableDef, access: Access, rows: number): number {
  const tenth = Math.max(1, rows / 10);
  switch (access.kind) {
    case 'full-scan':
    case 'index-scan':
      return rows;
    case 'pk-lookup':
      return access.keys.length;
    case 'pk-range':
    case 'index-range': {
      const depth = access.prefixes[0]?.length ?? 0;
      const ranged = access.lower.length + access.upper.length > 0;
      const parts =
        access.kind === 'pk-range' ? table.primaryKey.length : access.index.parts.length;
      const unique = access.kind === 'pk-range' || access.index.unique;
      const perPrefix = unique && depth === parts ? 1 : depth > 0 ? tenth : rows;
      return Math.max(1, access.prefixes.length * (ranged ? perPrefix / 4 : perPrefix));
    }
    default:
      return rows;
  }
}

function hasDepthZero(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasDepthZero);
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o.kind === 'outer-column' && o.depth === 0) return true;
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(o).some(hasDepthZero);
}

interface Estimator {
  readonly conds: readonly PlanExpr[];
  readonly ctx: JoinContext;
  readonly relations: (node: LogicalFrom) => Relation[];
}

/** The base table of a leaf item, or null (derived tables, CTEs, virtual tables, joins). */
function tableOf(node: LogicalFrom): { relation: Relation; table: TableDef } | null {
  if (node.kind !== 'leaf' || node.source.kind !== 'table' || node.source.virtual !== undefined) {
    return null;
  }
  return { relation: node.relation, table: node.source.table };
}

/** Rows an item yields with its own conditions. */
function localRows(item: OrderItem, e: Estimator): number {
  const leaf = tableOf(item.node);
  if (leaf === null) {
    return item.node.kind === 'join' ? e.relations(item.node).length * UNKNOWN_ROWS : UNKNOWN_ROWS;
  }
  const own = e.conds.filter((c) => subset(relationIds(c, e.ctx), item.ids));
  const where = andAll(own.map((c) => toScanLayout(c, leaf.relation)));
  const choice = chooseSource(leaf.table, where, [], false);
  const rows = accessRows(leaf.table, choice.source.access, e.ctx.tableRows(leaf.table));
  return choice.source.residual === null ? rows : Math.max(1, rows / 2);
}

/** Rows per outer row when `item` is looked up by an index from `joined`; null when it cannot. */
function lookupRows(item: OrderItem, joined: Set<number>, e: Estimator): number | null {
  const leaf = tableOf(item.node);
  if (leaf === null) return null;
  const ids = new Set([...joined, ...item.ids]);
  const usable = e.conds.filter((c) => {
    const reads = relationIds(c, e.ctx);
    return subset(reads, ids) && [...reads].some((r) => item.ids.has(r));
  });
  if (usable.length === 0) return null;
  const where = andAll(usable.map((c) => toScanLayout(c, leaf.relation)));
  const choice = chooseSource(leaf.table, where, [], false);
  if (!hasDepthZero(choice.source.access)) return null;
  return accessRows(leaf.table, choice.source.access, e.ctx.tableRows(leaf.table));
}

/** True when a condition joins `item` to `joined`. */
function connected(item: OrderItem, joined: Set<number>, e: Estimator): boolean {
  return e.conds.some((c) => {
    const reads = relationIds(c, e.ctx);
    return [...reads].some((r) => item.ids.has(r)) && [...reads].some((r) => joined.has(r));
  });
}

function isLateral(node: LogicalFrom): boolean {
  return node.kind === 'leaf' && node.source.kind === 'derived' && node.source.lateral;
}

/** The items in join order (JO1–JO3). */
export function joinOrder<T extends OrderItem>(
  items: readonly T[],
  conds: readonly PlanExpr[],
  ctx: JoinContext,
  relations: (node: LogicalFrom) => Relation[],
): T[] {
  if (items.length <= 1) return [...items];
  const e: Estimator = { conds, ctx, relations };
  const local = items.map((item) => localRows(item, e));
  // JO2: a LATERAL item waits for every item written before it.
  const ready = (i: number, placed: Set<number>): boolean =>
    !isLateral((items[i] as T).node) || items.slice(0, i).every((_, j) => placed.has(j));
  const placed = new Set<number>();
  const order: T[] = [];
  const joined = new Set<number>();
  let rows = 1;
  while (order.length < items.length) {
    let best = -1;
    let bestCost = Infinity;
    let bestRows = 0;
    items.forEach((item, i) => {
      if (placed.has(i) || !ready(i, placed)) return;
      const own = local[i] as number;
      let cost: number;
      let out: number;
      if (order.length === 0) {
        cost = own;
        out = own;
      } else {
        const perLookup = lookupRows(item, joined, e);
        if (perLookup !== null) {
          cost = rows * perLookup;
          out = cost;
        } else if (connected(item, joined, e)) {
          cost = rows + own;
          out = Math.max(rows, own);
        } else {
          cost = rows * own;
          out = cost;
        }
      }
      if (cost < bestCost) {
        best = i;
        bestCost = cost;
        bestRows = out;
      }
    });
    const item = items[best] as T;
    placed.add(best);
    order.push(item);
    for (const id of item.ids) joined.add(id);
    rows = Math.max(1, bestRows);
  }
  return order;
}
