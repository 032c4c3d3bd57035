/**
 * FROM clauses: relations and their joins, and the physical join plan.
 *
 * Logical part (fromClause): each table, view, derived table or CTE reference becomes a
 * Relation at the next offset of the block row, in FROM order (SELECT * order); ON conditions
 * bind against the relations of their join's two sides; USING / NATURAL become equalities and
 * coalesce the shared columns (one unqualified name, listed once by *); RIGHT JOIN is planned
 * as LEFT JOIN with the sides swapped (the row layout stays in FROM order). Relations on the
 * inner side of an outer join have nullable columns.
 *
 * Physical part (joinPlan): inner and cross joins flatten into one list of items (relations, or
 * outer-join subtrees planned as units) and one list of conjuncts (WHERE and the inner joins'
 * ON). Items join left-deep in the order joinOrder() gives (query-join-order.ts); each conjunct
 * is applied at the first step that has all its relations:
 *
 *   only the new item's table      into its scan: the access path (index-access.ts) and residual
 *   the new table and earlier ones keys of an index nested-loop join when the table's access
 *                                  path can use them (`t.pk = u.col`: a lookup per outer row);
 *                                  else equalities hash the inner side (hash join) and the rest
 *                                  is the join condition
 *   a correlated subquery          a filter above the joins (it runs per row, asynchronously)
 *
 * (F1) every conjunct is applied exactly once, at or above the point where all the relations it
 * reads are joined, and never below an outer join it does not belong to.
 */
import type { TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type { SelectLock, TableExpr } from './ast.js';
import type { Binder } from './bind.js';
import { andAll, chooseSource, conjuncts } from './index-access.js';
import { tableColumnInfo } from './metadata.js';
import type { CompareMode, PlanExpr, SortKey, TableSource } from './plan.js';
import type { JoinKind, QueryNode } from './plan-query.js';
import { mapExpr, visitExpr } from './plan-walk.js';
import { joinOrder } from './query-join-order.js';
import type { Relation, RelationColumn, Scope } from './query-scope.js';
import type { VirtualTable } from './information-schema/index.js';

/** Where a relation's rows come from. */
export type LeafSource =
  /** A base table, or an information_schema table (`virtual`: its rows are made, 6c). */
  | { readonly kind: 'table'; readonly table: TableDef; readonly virtual?: VirtualTable }
  | {
      readonly kind: 'derived';
      readonly root: QueryNode;
      readonly columns: number;
      readonly lateral: boolean;
    }
  | { readonly kind: 'cte'; readonly cte: number; readonly columns: number };

export type LogicalFrom =
  | { readonly kind: 'leaf'; readonly relation: Relation; readonly source: LeafSource }
  | {
      readonly kind: 'join';
      readonly join: 'inner' | 'left';
      /** The preserved side of a LEFT JOIN (the right side of a RIGHT JOIN, swapped). */
      readonly left: LogicalFrom;
      readonly right: LogicalFrom;
      readonly on: PlanExpr | null;
    };

/** What the planner needs to plan a FROM clause's joins. */
export interface JoinContext {
  readonly relations: readonly Relation[];
  readonly width: number;
  /** True for a conjunct holding a subquery that reads the block's row. */
  readonly perRow: (e: PlanExpr) => boolean;
  /** Estimated rows of a table (statistics), for join order. */
  readonly tableRows: (table: TableDef) => number;
  /** The block's locking clause, for its scans (absent: a plain read). */
  readonly lock?: SelectLock;
}

// ---------------------------------------------------------------------------------------------
// Relations

/** A relation of a base table (its columns, nullable when on an outer join's inner side). */
export function tableRelation(
  id: number,
  offset: number,
  table: TableDef,
  alias: string | null,
): Relation {
  const name = alias ?? table.name;
  const columns: RelationColumn[] = table.columns.map((c, i) => {
    const meta = tableColumnInfo(table, i, { name: c.name, table: name });
    return {
      name: c.name,
      info: {
        type: c.type,
        nullable: c.nullable,
        length: meta.length,
        decimals: meta.decimals,
        collationId: meta.collation,
      },
      meta,
      qualifiedName: `\`${table.database}\`.\`${table.name}\`.\`${c.name}\``,
      base: { table, column: i },
    };
  });
  return { id, name, database: alias === null ? table.database : null, offset, columns };
}

const NOT_NULL_FLAG = 1;

/** The relation with every column nullable (the inner side of an outer join). */
export function nullableRelation(r: Relation): Relation {
  return {
    ...r,
    columns: r.columns.map((c) => ({
      ...c,
      info: { ...c.info, nullable: true },
      meta: { ...c.meta, flags: c.meta.flags & ~NOT_NULL_FLAG },
    })),
  };
}

/** The relations of a logical FROM subtree, in FROM order. */
export function relationsOf(node: LogicalFrom): Relation[] {
  return node.kind === 'leaf'
    ? [node.relation]
    : [...relationsOf(node.left), ...relationsOf(node.right)];
}

/** Marks every relation under `node` nullable (rebuilding leaves). */
export function nullable(node: LogicalFrom): LogicalFrom {
  if (node.kind === 'leaf') return { ...node, relation: nullableRelation(node.relation) };
  return { ...node, left: nullable(node.left), right: nullable(node.right) };
}

/** Equalities of USING (cols) / NATURAL between the two sides' relations. */
export function usingConditions(
  left: readonly Relation[],
  right: readonly Relation[],
  columns: readonly string[],
  bind: Binder,
  scope: Scope,
): PlanExpr[] {
  return columns.map((name) => {
    const l = uniqueColumn(left, name, 'from clause');
    const r = uniqueColumn(right, name, 'from clause');
    // The right side's copy is hidden from unqualified names: USING coalesces them.
    scope.hidden.add(`${r.relation.id}:${r.index}`);
    const ref = (x: { relation: Relation; index: number }): PlanExpr => {
      const c = x.relation.columns[x.index] as RelationColumn;
      return {
        kind: 'column',
        info: c.info,
        index: x.relation.offset + x.index,
        name: c.name,
        qualifiedName: c.qualifiedName,
      };
    };
    return bind.binary('=', ref(l), ref(r));
  });
}

function uniqueColumn(
  relations: readonly Relation[],
  name: string,
  clause: string,
): { relation: Relation; index: number } {
  const folded = name.toLowerCase();
  const found: { relation: Relation; index: number }[] = [];
  for (const relation of relations) {
    const index = relation.columns.findIndex((c) => c.name.toLowerCase() === folded);
    if (index !== -1) found.push({ relation, index });
  }
  if (found.length === 0) throw new SqlError('ER_BAD_FIELD_ERROR', [name, clause]);
  if (found.length > 1) throw new SqlError('ER_NON_UNIQ_ERROR', [name, clause]);
  return found[0] as { relation: Relation; index: number };
}

/** NATURAL JOIN's columns: names both sides have (left side's order). */
export function naturalColumns(left: readonly Relation[], right: readonly Relation[]): string[] {
  const rightNames = new Set(right.flatMap((r) => r.columns.map((c) => c.name.toLowerCase())));
  const out: string[] = [];
  for (const r of left) {
    for (const c of r.columns) {
      const folded = c.name.toLowerCase();
      if (rightNames.has(folded) && !out.some((o) => o.toLowerCase() === folded)) out.push(c.name);
    }
  }
  return out;
}

export function isTableExprJoin(e: TableExpr): e is TableExpr & { kind: 'join' } {
  return e.kind === 'join';
}

// ---------------------------------------------------------------------------------------------
// Expressions between layouts

/** The relation ids an expression reads (its block columns; deeper references excluded). */
export function relationIds(e: PlanExpr, ctx: JoinContext): Set<number> {
  const ids = new Set<number>();
  visitExpr(e, (x) => {
    if (x.kind === 'column') {
      const r = relationAt(ctx.relations, x.index);
      if (r !== undefined) ids.add(r.id);
    }
    return true;
  });
  return ids;
}

function relationAt(relations: readonly Relation[], index: number): Relation | undefined {
  return relations.find((r) => index >= r.offset && index < r.offset + r.columns.length);
}

/**
 * `e` (block layout) for a scan of `relation` (QP2): its own columns relative to the table
 * row, other block columns as depth-0 outer columns (the nested-loop row).
 */
export function toScanLayout(e: PlanExpr, relation: Relation): PlanExpr {
  const end = relation.offset + relation.columns.length;
  return mapExpr(e, (x) => {
    if (x.kind !== 'column') return undefined;
    if (x.index >= relation.offset && x.index < end)
      return { ...x, index: x.index - relation.offset };
    return {
      kind: 'outer-column',
      info: x.info,
      depth: 0,
      index: x.index,
      name: x.name,
      qualifiedName: x.qualifiedName,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Physical joins

interface Item {
  readonly node: LogicalFrom;
  readonly ids: Set<number>;
}

interface Built {
  readonly plan: QueryNode;
  readonly ids: Set<number>;
}

/** Inner/cross joins flattened: items and the ON conjuncts of the inner joins. */
function flatten(node: LogicalFrom, items: Item[], conds: PlanExpr[]): void {
  if (node.kind === 'join' && node.join === 'inner') {
    flatten(node.left, items, conds);
    flatten(node.right, items, conds);
    conds.push(...conjuncts(node.on));
    return;
  }
  items.push({ node, ids: new Set(relationsOf(node).map((r) => r.id)) });
}

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Ranges of the block row an item fills. */
function rangesOf(ids: Set<number>, ctx: JoinContext): [number, number][] {
  return ctx.relations
    .filter((r) => ids.has(r.id))
    .map((r) => [r.offset, r.offset + r.columns.length] as [number, number]);
}

export interface OrderHint {
  /** ORDER BY keys (block layout), or empty. */
  readonly keys: readonly SortKey[];
  /** A LIMIT follows (an index in ORDER BY order may save a sort). */
  readonly limited: boolean;
}

export interface JoinPlan {
  readonly plan: QueryNode;
  /** True when rows come out in the hint's ORDER BY order (no sort needed). */
  readonly ordered: boolean;
}

/** The joins of `from` with `where` applied (F1). */
export function joinPlan(
  from: LogicalFrom,
  where: PlanExpr | null,
  ctx: JoinContext,
  hint: OrderHint,
): JoinPlan {
  const items: Item[] = [];
  const conds: PlanExpr[] = [...conjuncts(where)];
  flatten(from, items, conds);
  const late = conds.filter((c) => ctx.perRow(c));
  const pending = conds.filter((c) => !ctx.perRow(c));
  const ordered = joinOrder(items, pending, ctx, (node) => relationsOf(node));
  let built: Built | null = null;
  let inOrder = false;
  for (const item of ordered) {
    if (built === null) {
      const first = firstItem(item, pending, ctx, hint);
      built = first.built;
      inOrder = first.ordered;
      continue;
    }
    built = joinStep(built, item, pending, 'inner', ctx);
  }
  if (built === null) throw new Error('joinPlan: FROM without relations');
  let plan = built.plan;
  const rest = andAll([...pending, ...late]);
  if (rest !== null) plan = { kind: 'filter', input: plan, condition: rest, width: ctx.width };
  return { plan, ordered: inOrder };
}

/** Takes the conjuncts applicable once `ids` are joined out of `pending`. */
function take(pending: PlanExpr[], ids: Set<number>, ctx: JoinContext): PlanExpr[] {
  const out: PlanExpr[] = [];
  for (let i = 0; i < pending.length;) {
    const c = pending[i] as PlanExpr;
    if (subset(relationIds(c, ctx), ids)) {
      out.push(c);
      pending.splice(i, 1);
    } else i++;
  }
  return out;
}

function firstItem(
  item: Item,
  pending: PlanExpr[],
  ctx: JoinContext,
  hint: OrderHint,
): { built: Built; ordered: boolean } {
  const local = take(pending, item.ids, ctx);
  if (item.node.kind === 'leaf' && item.node.source.kind === 'table') {
    const relation = item.node.relation;
    const own = hint.keys.every(
      (k) =>
        k.expr.kind === 'column' && relationAt(ctx.relations, k.expr.index)?.id === relation.id,
    );
    const keys = own ? hint.keys.map((k) => ({ ...k, expr: toScanLayout(k.expr, relation) })) : [];
    const scan = scanOf(item.node.relation, item.node.source, local, ctx, keys, hint.limited);
    return {
      built: { plan: scan.plan, ids: item.ids },
      ordered: own && hint.keys.length > 0 && scan.ordered,
    };
  }
  const plan = itemPlan(item.node, ctx);
  const condition = andAll(local);
  return {
    built: {
      plan:
        condition === null ? plan : { kind: 'filter', input: plan, condition, width: ctx.width },
      ids: item.ids,
    },
    ordered: false,
  };
}

function scanOf(
  relation: Relation,
  leaf: LeafSource & { kind: 'table' },
  conds: readonly PlanExpr[],
  ctx: JoinContext,
  keys: readonly SortKey[],
  limited: boolean,
): { plan: QueryNode; ordered: boolean } {
  const where = andAll(conds.map((c) => toScanLayout(c, relation)));
  const choice = chooseSource(leaf.table, where, keys, limited);
  const source =
    leaf.virtual === undefined ? choice.source : { ...choice.source, virtual: leaf.virtual };
  return {
    plan: scanNode(relation, source, ctx),
    ordered: choice.order === null,
  };
}

/** A scan of a relation's table, with its block's locking clause. */
function scanNode(relation: Relation, source: TableSource, ctx: JoinContext): QueryNode {
  const { name, offset } = relation;
  const scan = { kind: 'scan' as const, name, source, offset, width: ctx.width };
  return ctx.lock === undefined ? scan : { ...scan, lock: ctx.lock };
}

/** A logical subtree as a plan of its own (derived tables, CTEs, outer joins). */
function itemPlan(node: LogicalFrom, ctx: JoinContext): QueryNode {
  if (node.kind === 'join') {
    if (node.join === 'inner') return joinPlan(node, null, ctx, { keys: [], limited: false }).plan;
    // An outer join: its ON applies to it alone.
    const outer = buildTree(node.left, ctx);
    const onConds = conjuncts(node.on);
    return joinStep(
      outer,
      { node: node.right, ids: new Set(relationsOf(node.right).map((r) => r.id)) },
      onConds,
      'left',
      ctx,
    ).plan;
  }
  const { relation, source } = node;
  switch (source.kind) {
    case 'table':
      return scanOf(relation, source, [], ctx, [], false).plan;
    case 'derived':
      return {
        kind: 'derived',
        name: relation.name,
        input: source.root,
        offset: relation.offset,
        columns: source.columns,
        width: ctx.width,
        materialize: !source.lateral,
        lateral: source.lateral,
      };
    case 'cte':
      return {
        kind: 'cte',
        name: relation.name,
        cte: source.cte,
        offset: relation.offset,
        columns: source.columns,
        width: ctx.width,
      };
    default:
      throw new Error('itemPlan: unknown source');
  }
}

function buildTree(node: LogicalFrom, ctx: JoinContext): Built {
  const ids = new Set(relationsOf(node).map((r) => r.id));
  if (node.kind === 'join' && node.join === 'inner') {
    return { plan: joinPlan(node, null, ctx, { keys: [], limited: false }).plan, ids };
  }
  return { plan: itemPlan(node, ctx), ids };
}

interface EquiKey {
  readonly outer: PlanExpr;
  readonly inner: PlanExpr;
  readonly mode: CompareMode;
}

/** `outer = inner` with each side reading one side of the join only. */
function equiKey(
  c: PlanExpr,
  outerIds: Set<number>,
  innerIds: Set<number>,
  ctx: JoinContext,
): EquiKey | undefined {
  if (c.kind !== 'compare' || c.op !== '=') return undefined;
  const l = relationIds(c.left, ctx);
  const r = relationIds(c.right, ctx);
  if (l.size === 0 || r.size === 0) return undefined;
  if (subset(l, outerIds) && subset(r, innerIds))
    return { outer: c.left, inner: c.right, mode: c.mode };
  if (subset(r, outerIds) && subset(l, innerIds))
    return { outer: c.right, inner: c.left, mode: c.mode };
  return undefined;
}

/** Joins `item` to `built` (F1): index nested loop, hash join, or nested loop. */
function joinStep(
  built: Built,
  item: Item,
  pending: PlanExpr[],
  join: 'inner' | 'left',
  ctx: JoinContext,
): Built {
  const ids = new Set([...built.ids, ...item.ids]);
  const applicable = join === 'left' ? pending.splice(0) : take(pending, ids, ctx);
  const kind: JoinKind = join;
  const innerRanges = rangesOf(item.ids, ctx);
  const own = applicable.filter((c) => subset(relationIds(c, ctx), item.ids) && !ctx.perRow(c));
  const cross = applicable.filter((c) => !own.includes(c));
  const node = item.node;
  if (node.kind === 'leaf' && node.source.kind === 'table' && node.source.virtual === undefined) {
    // Index nested loop when the table's access path can use the outer row.
    const lookupable = cross.filter((c) => !ctx.perRow(c));
    const rest = cross.filter((c) => ctx.perRow(c));
    const where = andAll([...own, ...lookupable].map((c) => toScanLayout(c, node.relation)));
    const choice = chooseSource(node.source.table, where, [], false);
    if (accessUsesJoinRow(choice.source.access)) {
      const scan = scanNode(node.relation, choice.source, ctx);
      const plan: QueryNode = {
        kind: 'nested-loop',
        join: kind,
        outer: built.plan,
        inner: scan,
        condition: andAll(rest),
        innerRanges,
        width: ctx.width,
      };
      return { plan, ids };
    }
  }
  if (node.kind === 'leaf' && node.source.kind === 'derived' && node.source.lateral) {
    const plan: QueryNode = {
      kind: 'nested-loop',
      join: kind,
      outer: built.plan,
      inner: withFilter(itemPlan(node, ctx), own, ctx),
      condition: andAll(cross),
      innerRanges,
      width: ctx.width,
    };
    return { plan, ids };
  }
  // Hash join: the inner side read once (its own conjuncts pushed in), equalities as keys.
  const inner =
    node.kind === 'leaf' && node.source.kind === 'table'
      ? scanOf(node.relation, node.source, own, ctx, [], false).plan
      : withFilter(itemPlan(node, ctx), own, ctx);
  const keys: EquiKey[] = [];
  const residual: PlanExpr[] = [];
  for (const c of cross) {
    const key = ctx.perRow(c) ? undefined : equiKey(c, built.ids, item.ids, ctx);
    if (key !== undefined) keys.push(key);
    else residual.push(c);
  }
  const plan: QueryNode = {
    kind: 'hash-join',
    join: kind,
    outer: built.plan,
    inner,
    outerKeys: keys.map((k) => k.outer),
    innerKeys: keys.map((k) => k.inner),
    modes: keys.map((k) => k.mode),
    condition: andAll(residual),
    innerRanges,
    width: ctx.width,
  };
  return { plan, ids };
}

function accessUsesJoinRow(access: unknown): boolean {
  let found = false;
  const walk = (v: unknown): void => {
    if (found) return;
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (o.kind === 'outer-column' && o.depth === 0) {
        found = true;
        return;
      }
      if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(o)) walk(x);
    }
  };
  walk(access);
  return found;
}

function withFilter(plan: QueryNode, conds: readonly PlanExpr[], ctx: JoinContext): QueryNode {
  const condition = andAll(conds);
  return condition === null ? plan : { kind: 'filter', input: plan, condition, width: ctx.width };
}
