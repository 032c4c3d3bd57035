/**
 * One query block — SELECT [DISTINCT] … FROM … WHERE … GROUP BY … HAVING … WINDOW … ORDER BY …
 * LIMIT — planned into a pipeline of plan-query.ts nodes:
 *
 *   FROM + WHERE (query-from.ts joinPlan)           block row [relations…]
 *   → aggregate (GROUP BY, aggregates)               [block row…, group keys…, aggregates…]
 *   → filter (HAVING)
 *   → window (window functions)                      […, window values…]
 *   → sort → limit → project (select list)           or, with DISTINCT:
 *   → project → distinct → sort → limit
 *
 * Everything binds first against the block row, aggregates and window calls as placeholders
 * (query-bind.ts); once the layout is known, placeholders and every sub-expression equal to a
 * GROUP BY expression move to their slots (B1 there). Names resolve as MySQL resolves them:
 * ORDER BY looks at select-list aliases before FROM columns, GROUP BY and HAVING at FROM columns
 * first; ORDER BY / GROUP BY n is the n-th select item.
 *
 * ONLY_FULL_GROUP_BY (when sql_mode has it): in an aggregated block, every column read outside
 * an aggregate (in the select list, HAVING, ORDER BY) is a GROUP BY expression or functionally
 * dependent on them — through a primary key or a NOT NULL unique key all of whose columns are
 * grouped, or an equality with a grouped column or a constant in WHERE or an inner join's ON
 * (MySQL 8's rules, derived tables aside); else 1055, or 1140 without GROUP BY.
 */
import { COLUMN_FLAG, type ColumnInfo } from '../api.js';
import { SqlError } from '../errors.js';
import type { Expr, FrameBound, OrderItem, SelectStatement, WindowSpec } from './ast.js';
import { ZERO_DATETIME } from './datetime.js';
import { andAll, conjuncts } from './index-access.js';
import { expressionInfo } from './metadata.js';
import type { ExprInfo, PlanExpr, SortKey } from './plan.js';
import type {
  AggregateSpec,
  FrameBoundPlan,
  QueryColumn,
  QueryNode,
  WindowFramePlan,
  WindowFunctionSpec,
} from './plan-query.js';
import { exprKey, mapExpr, someExpr, visitExpr } from './plan-walk.js';
import { isConstant, limitPlan } from './planner.js';
import {
  AGGREGATE_BASE,
  type BlockBindingHost,
  type ClauseRole,
  type PendingWindow,
  type PlannedSubquery,
  WINDOW_BASE,
  rewriteRows,
} from './query-bind.js';
import type { Clause } from './bind.js';
import { type JoinContext, joinPlan } from './query-from.js';
import type { FromClause, PlannedQuery, QueryEnv, StatementPlanner } from './query-planner.js';
import { BlockFrame, type Relation, type RelationColumn, Scope } from './query-scope.js';
import { statisticsOf } from './statistics.js';
import type { QueryExpr } from './ast.js';

interface Item {
  readonly expr: PlanExpr;
  readonly name: string;
  readonly alias: string | null;
  /** The relation column a bare column reference selects (its metadata). */
  readonly column: RelationColumn | null;
  readonly relationName: string | null;
}

const NOT_NULL_FLAGS =
  COLUMN_FLAG.NOT_NULL |
  COLUMN_FLAG.PRI_KEY |
  COLUMN_FLAG.UNIQUE_KEY |
  COLUMN_FLAG.MULTIPLE_KEY |
  COLUMN_FLAG.AUTO_INCREMENT |
  COLUMN_FLAG.NO_DEFAULT_VALUE |
  16_384;

/** Functions whose result has their first argument's column type. */
const SAME_TYPE_FUNCTIONS = new Set([
  'min',
  'max',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
]);

export function planBlock(
  planner: StatementPlanner,
  s: SelectStatement,
  env: QueryEnv,
): PlannedQuery {
  return new BlockPlanner(planner, s, env).plan();
}

class BlockPlanner implements BlockBindingHost {
  readonly aggregates: AggregateSpec[] = [];
  readonly windows: PendingWindow[] = [];
  readonly bindBase: BlockBindingHost['bindBase'];
  readonly groupConcatMax: number;
  scope: Scope;
  private from: FromClause | null = null;
  private items: Item[] = [];

  constructor(
    private readonly planner: StatementPlanner,
    private readonly s: SelectStatement,
    private readonly env: QueryEnv,
  ) {
    this.bindBase = planner.bindBase();
    this.scope = new Scope(env.frame, [], env.parent);
    this.groupConcatMax = variableNumber(planner, 'group_concat_max_len', 1024);
  }

  planSubquery(query: QueryExpr, rowsNeeded: number | null): PlannedSubquery {
    const frame = new BlockFrame(this.env.frame.level + 1, this.env.frame);
    const planned = this.planner.query(query, { ...this.env, parent: this.scope, frame });
    const id = this.planner.addSubquery({
      root: planned.root,
      columns: planned.columns.length,
      perRow: frame.outerLevels.has(this.env.frame.level),
      uncorrelated: frame.outerLevels.size === 0,
      rowsNeeded,
    });
    this.subqueryColumns.set(id, planned.columns);
    return { id, columns: planned.columns };
  }

  /** Columns of the subqueries this block planned (a scalar subquery's metadata: its column's). */
  private readonly subqueryColumns = new Map<number, readonly QueryColumn[]>();

  private bind(e: Expr, role: ClauseRole, clause: Clause, scope: Scope = this.scope): PlanExpr {
    const host: BlockBindingHost = {
      scope,
      bindBase: this.bindBase,
      aggregates: this.aggregates,
      windows: this.windows,
      groupConcatMax: this.groupConcatMax,
      planSubquery: (query, rowsNeeded) => this.planSubquery(query, rowsNeeded),
    };
    return this.planner.binder(scope, clause, host, role).bind(rewriteRows(e));
  }

  plan(): PlannedQuery {
    const { s, env } = this;
    if (s.from !== null) {
      // A view this block names may read with its locking clause (query-planner.ts lockedView).
      const { viewLock: _, ...plain } = env;
      this.from = this.planner.from(
        s.from,
        s.lock === undefined ? plain : { ...plain, viewLock: s.lock },
        (relations) => new Scope(env.frame, relations, env.parent),
      );
      this.scope = this.from.scope;
    }
    const where =
      s.where === null ? null : zeroDateIsNull(this.bind(s.where, 'where', 'where clause'));
    this.items = this.selectItems();
    const aliasScope = this.scope.with(this.scope.relations, (name, clause) =>
      this.alias(name, clause),
    );
    const groupBy =
      s.groupBy === null ? null : s.groupBy.items.map((g) => this.groupItem(g, aliasScope));
    this.groupNames = groupBy ?? [];
    const having =
      s.having === null ? null : this.bind(s.having, 'having', 'having clause', aliasScope);
    const order = s.orderBy.map((o) => this.orderItem(o, aliasScope));
    const windowSpecs = this.windows.map((w) => this.windowSpec(w));
    return this.assemble({ where, groupBy, having, order, windowSpecs });
  }

  private groupNames: PlanExpr[] = [];

  // -- select list -------------------------------------------------------------------------------

  private selectItems(): Item[] {
    const items: Item[] = [];
    for (const item of this.s.items) {
      if (item.kind === 'star') {
        const from = this.from;
        if (from === null) throw new SqlError('ER_NO_TABLES_USED');
        const columns = from.star(item.table);
        if (columns === undefined) throw new SqlError('ER_BAD_TABLE_ERROR', [item.table ?? '*']);
        for (const { relation, index } of columns) items.push(starItem(relation, index));
        continue;
      }
      const expr = this.bind(item.expr, 'select', 'field list');
      const bare = item.expr.kind === 'column' ? columnOf(expr) : undefined;
      const index = bare === undefined ? -1 : bare.index;
      const relation = index >= 0 ? relationAt(this.scope.relations, index) : undefined;
      // MySQL 8 names an information_schema column by its own (upper-case) name, however written.
      const system =
        relation?.folded === true ? relation.columns[index - relation.offset]?.name : undefined;
      items.push({
        expr,
        name: item.alias ?? (item.expr.kind === 'column' ? (system ?? item.expr.name) : item.text),
        alias: item.alias,
        column:
          relation === undefined
            ? null
            : (relation.columns[index - relation.offset] as RelationColumn),
        relationName: relation?.name ?? null,
      });
    }
    return items;
  }

  /** Select-list aliases for GROUP BY, HAVING and ORDER BY (the file comment's precedence). */
  private alias(name: string, clause: Clause): PlanExpr | undefined {
    if (clause !== 'order clause' && clause !== 'group statement' && clause !== 'having clause') {
      return undefined;
    }
    const folded = name.toLowerCase();
    const item = this.items.find((i) => i.alias?.toLowerCase() === folded);
    if (item === undefined) return undefined;
    if (clause !== 'order clause') {
      const column = { kind: 'column' as const, database: null, table: null, name };
      const inFrom = this.scope.lookup(column, clause) !== undefined;
      if (inFrom && clause === 'group statement') return undefined;
      if (
        inFrom &&
        this.groupNames.some((g) => g.kind === 'column' && g.name.toLowerCase() === folded)
      ) {
        return undefined;
      }
    }
    if (clause === 'group statement' && hasPlaceholder(item.expr, AGGREGATE_BASE)) {
      throw new SqlError('ER_WRONG_GROUP_FIELD', [item.name]);
    }
    if (clause !== 'order clause' && hasPlaceholder(item.expr, WINDOW_BASE)) {
      throw new SqlError('ER_WINDOW_INVALID_WINDOW_FUNC_ALIAS_USE', [item.name]);
    }
    return item.expr;
  }

  private position(e: Expr, clause: Clause): Item | undefined {
    if (e.kind !== 'literal' || e.literal.kind !== 'int') return undefined;
    const item = this.items[Number(e.literal.value) - 1];
    if (e.literal.value < 1n || item === undefined) {
      throw new SqlError('ER_BAD_FIELD_ERROR', [e.literal.value.toString(), clause]);
    }
    return item;
  }

  private groupItem(e: Expr, scope: Scope): PlanExpr {
    const item = this.position(e, 'group statement');
    if (item !== undefined) {
      if (hasPlaceholder(item.expr, AGGREGATE_BASE))
        throw new SqlError('ER_WRONG_GROUP_FIELD', [item.name]);
      return item.expr;
    }
    return this.bind(e, 'group', 'group statement', scope);
  }

  private orderItem(o: OrderItem, scope: Scope): SortKey {
    const item = this.position(o.expr, 'order clause');
    if (item !== undefined) return { expr: item.expr, descending: o.descending };
    return { expr: this.bind(o.expr, 'order', 'order clause', scope), descending: o.descending };
  }

  // -- windows -----------------------------------------------------------------------------------

  private windowSpec(w: PendingWindow): WindowFunctionSpec {
    const over = w.call.over;
    if (over === null) throw new Error('a window call has OVER');
    const spec = resolveWindow(over, this.s.windows);
    const partitionBy = spec.partitionBy.map((p) =>
      this.bind(p, 'window-spec', 'window partition by'),
    );
    const orderBy = spec.orderBy.map((o) => ({
      expr: this.bind(o.expr, 'window-spec', 'window order by'),
      descending: o.descending,
    }));
    const frame = spec.frame === null ? null : this.frame(spec, orderBy);
    return {
      name: w.call.name,
      aggregate: w.aggregate,
      args: w.args,
      partitionBy,
      orderBy,
      frame,
      info: w.info,
    };
  }

  private frame(spec: WindowSpec, orderBy: readonly SortKey[]): WindowFramePlan {
    const frame = spec.frame as NonNullable<WindowSpec['frame']>;
    const name = '<unnamed window>';
    if (frame.start.kind === 'unbounded-following')
      throw new SqlError('ER_WINDOW_FRAME_START_ILLEGAL', [name]);
    if (frame.end.kind === 'unbounded-preceding')
      throw new SqlError('ER_WINDOW_FRAME_END_ILLEGAL', [name]);
    const bound = (b: FrameBound): FrameBoundPlan => {
      if (b.kind !== 'preceding' && b.kind !== 'following')
        return { kind: b.kind, offset: null, unit: null };
      if (frame.unit === 'rows' && b.unit !== null)
        throw new SqlError('ER_WINDOW_ROWS_INTERVAL_USE', [name]);
      const offset = this.bind(b.offset, 'window-spec', 'window order by');
      if (!isConstant(offset)) throw new SqlError('ER_WINDOW_RANGE_BOUND_NOT_CONSTANT', [name]);
      if (frame.unit === 'range') {
        const key = orderBy[0];
        const t = key?.expr.info.type.kind;
        if (
          orderBy.length !== 1 ||
          (t !== 'int' && t !== 'decimal' && t !== 'double' && t !== 'datetime' && t !== 'time')
        ) {
          throw new SqlError('ER_WINDOW_RANGE_FRAME_ORDER_TYPE', [name]);
        }
      }
      return { kind: b.kind, offset, unit: b.unit };
    };
    return { unit: frame.unit, start: bound(frame.start), end: bound(frame.end) };
  }

  // -- assembly ----------------------------------------------------------------------------------

  private assemble(parts: {
    where: PlanExpr | null;
    groupBy: PlanExpr[] | null;
    having: PlanExpr | null;
    order: SortKey[];
    windowSpecs: WindowFunctionSpec[];
  }): PlannedQuery {
    const { s } = this;
    const W0 = this.from?.width ?? 0;
    const groupBy = parts.groupBy ?? [];
    const aggregated = parts.groupBy !== null || this.aggregates.length > 0;
    const G = aggregated ? groupBy.length : 0;
    const W1 = aggregated ? W0 + G + this.aggregates.length : W0;
    const W2 = W1 + this.windows.length;
    const rollup = s.groupBy?.rollup === true;
    const remap = this.remapper(W0, G, W1, aggregated ? groupBy : [], rollup);
    const selectExprs = this.items.map((i) => remap(i.expr));
    const having = parts.having === null ? null : remap(parts.having);
    const order = parts.order.map((k) => ({ ...k, expr: remap(k.expr) }));
    const windowSpecs = parts.windowSpecs.map((f) => remapWindow(f, remap));
    if (aggregated && onlyFullGroupBy(this.planner)) {
      this.checkGrouping(
        W0,
        groupBy,
        parts.where,
        { selectExprs, having, order },
        parts.groupBy !== null,
      );
    }
    const limit = limitPlan(s.limit, this.planner.ctx);
    const plainOrder = !aggregated && this.windows.length === 0 && !s.distinct;
    let node = this.fromPlan(parts.where, W0, plainOrder ? order : [], limit !== null);
    let ordered = node.ordered;
    let plan = node.plan;
    if (aggregated) {
      plan = {
        kind: 'aggregate',
        input: plan,
        groupBy,
        aggregates: this.aggregates,
        rollup,
        scalar: parts.groupBy === null,
        inputWidth: W0,
        width: W1,
      };
      ordered = false;
    }
    if (having !== null) plan = { kind: 'filter', input: plan, condition: having, width: W1 };
    if (windowSpecs.length > 0) {
      plan = { kind: 'window', input: plan, functions: windowSpecs, inputWidth: W1, width: W2 };
      ordered = false;
    }
    const root = this.finish(plan, selectExprs, order, ordered, limit);
    return { root, columns: this.outputColumns(selectExprs, rollup, groupBy) };
  }

  private fromPlan(
    where: PlanExpr | null,
    width: number,
    order: readonly SortKey[],
    limited: boolean,
  ): { plan: QueryNode; ordered: boolean } {
    if (this.from === null) {
      const one: QueryNode = { kind: 'one-row', width: 0 };
      return {
        plan: where === null ? one : { kind: 'filter', input: one, condition: where, width: 0 },
        ordered: false,
      };
    }
    const ctx: JoinContext = {
      relations: this.from.relations,
      width,
      perRow: (e) =>
        someExpr(e, (x) => x.kind === 'subquery' && this.planner.subqueries[x.id]?.perRow === true),
      tableRows: (table) => statisticsOf(this.planner.ctx.catalog).estimate(table),
      ...(this.s.lock === undefined ? {} : { lock: this.s.lock }),
    };
    return joinPlan(this.from.tree, where, ctx, { keys: order, limited });
  }

  /** Sort, limit and projection (DISTINCT projects first and sorts the projected rows). */
  private finish(
    input: QueryNode,
    selectExprs: readonly PlanExpr[],
    order: readonly SortKey[],
    ordered: boolean,
    limit: { count: bigint; offset: bigint } | null,
  ): QueryNode {
    const n = selectExprs.length;
    const keep = limit === null ? null : limit.offset + limit.count;
    const limited = (node: QueryNode): QueryNode =>
      limit === null
        ? node
        : {
            kind: 'limit',
            input: node,
            count: limit.count,
            offset: limit.offset,
            width: node.width,
          };
    if (!this.s.distinct) {
      let node = input;
      if (order.length > 0 && !ordered)
        node = { kind: 'sort', input: node, keys: order, keep, width: node.width };
      else if (keep !== null) node = withBatchRows(node, keep);
      return { kind: 'project', input: limited(node), exprs: selectExprs, width: n };
    }
    let node: QueryNode = { kind: 'project', input, exprs: selectExprs, width: n };
    const keys = order.map((k, i) => ({ ...k, expr: onProjection(k.expr, selectExprs, i) }));
    if (keys.length > 0 && keep === null && sortDedupes(keys, selectExprs)) {
      return limited({ kind: 'sort', input: node, keys, keep, dedupe: true, width: n });
    }
    node = { kind: 'distinct', input: node, types: selectExprs.map((e) => e.info.type), width: n };
    if (keys.length > 0) node = { kind: 'sort', input: node, keys, keep, width: n };
    return limited(node);
  }

  /** Moves placeholders and GROUP BY expressions to their slots (B1). */
  private remapper(
    W0: number,
    G: number,
    W1: number,
    groupBy: readonly PlanExpr[],
    rollup: boolean,
  ): (e: PlanExpr) => PlanExpr {
    const groupKeys = new Map<string, number>();
    groupBy.forEach((g, i) => {
      const key = exprKey(g);
      if (!groupKeys.has(key)) groupKeys.set(key, i);
    });
    return (e) =>
      mapExpr(e, (x) => {
        if (x.kind === 'column' && x.index >= WINDOW_BASE)
          return { ...x, index: W1 + x.index - WINDOW_BASE };
        if (x.kind === 'column' && x.index >= AGGREGATE_BASE) {
          return { ...x, index: W0 + G + x.index - AGGREGATE_BASE };
        }
        if (groupKeys.size === 0 || x.kind === 'const' || x.kind === 'param') return undefined;
        const g = groupKeys.get(exprKey(x));
        if (g === undefined) return undefined;
        const info: ExprInfo = rollup ? { ...x.info, nullable: true } : x.info;
        const name = x.kind === 'column' ? x.name : `group#${g}`;
        return { kind: 'column', info, index: W0 + g, name, qualifiedName: name };
      });
  }

  // -- ONLY_FULL_GROUP_BY ------------------------------------------------------------------------

  private checkGrouping(
    W0: number,
    groupBy: readonly PlanExpr[],
    where: PlanExpr | null,
    exprs: { selectExprs: readonly PlanExpr[]; having: PlanExpr | null; order: readonly SortKey[] },
    grouped: boolean,
  ): void {
    const dependent = dependentColumns(
      groupBy,
      [...conjuncts(where), ...(this.from?.equalities ?? [])],
      this.from?.relations ?? [],
    );
    const offending = (e: PlanExpr): string | undefined => {
      let found: string | undefined;
      visitExpr(e, (x) => {
        if (found !== undefined) return false;
        if (x.kind === 'call' && x.name === 'any_value') return false;
        if (x.kind === 'column' && x.index < W0 && !dependent.has(x.index)) {
          found = x.qualifiedName.replace(/`/g, '');
        }
        return true;
      });
      return found;
    };
    exprs.selectExprs.forEach((e, i) => {
      const bad = offending(e);
      if (bad === undefined) return;
      if (!grouped) throw new SqlError('ER_MIX_OF_GROUP_FUNC_AND_FIELDS', [i + 1, bad]);
      throw new SqlError('ER_WRONG_FIELD_WITH_GROUP', [i + 1, bad]);
    });
    const havingBad = exprs.having === null ? undefined : offending(exprs.having);
    if (havingBad !== undefined)
      throw new SqlError('ER_WRONG_FIELD_WITH_GROUP_V2', [1, 'HAVING clause', havingBad]);
    exprs.order.forEach((k, i) => {
      const bad = offending(k.expr);
      if (bad !== undefined)
        throw new SqlError('ER_WRONG_FIELD_WITH_GROUP_V2', [i + 1, 'ORDER BY clause', bad]);
    });
  }

  // -- output ------------------------------------------------------------------------------------

  private outputColumns(
    exprs: readonly PlanExpr[],
    rollup: boolean,
    groupBy: readonly PlanExpr[],
  ): QueryColumn[] {
    const grouped = new Set(groupBy.map(exprKey));
    return this.items.map((item, i) => {
      const expr = exprs[i] as PlanExpr;
      let meta = this.metaOf(item, expr);
      if (rollup && grouped.has(exprKey(item.expr)))
        meta = { ...meta, flags: meta.flags & ~COLUMN_FLAG.NOT_NULL };
      return { name: item.name, info: expr.info, meta };
    });
  }

  private metaOf(item: Item, expr: PlanExpr): ColumnInfo {
    if (item.column !== null) {
      return {
        ...item.column.meta,
        name: item.name,
        table: item.relationName ?? item.column.meta.table,
      };
    }
    const e = item.expr;
    if (e.kind === 'subquery' && e.test.kind === 'scalar') {
      const column = this.subqueryColumns.get(e.id)?.[0];
      if (column !== undefined) {
        return {
          ...column.meta,
          name: item.name,
          orgName: '',
          table: '',
          orgTable: '',
          db: '',
          flags: column.meta.flags & ~NOT_NULL_FLAGS,
        };
      }
    }
    if (e.kind === 'column' && e.index >= AGGREGATE_BASE) {
      // MIN, MAX, LAG, FIRST_VALUE … of a column keep the column's type (MySQL).
      const call =
        e.index >= WINDOW_BASE
          ? this.windows[e.index - WINDOW_BASE]
          : {
              name: this.aggregates[e.index - AGGREGATE_BASE]?.name,
              args: this.aggregates[e.index - AGGREGATE_BASE]?.args,
            };
      const name = call === undefined ? undefined : 'call' in call ? call.call.name : call.name;
      const first = call?.args?.[0];
      const arg = first === undefined ? undefined : columnOf(first);
      if (name !== undefined && SAME_TYPE_FUNCTIONS.has(name) && arg !== undefined) {
        const relation = relationAt(this.scope.relations, arg.index);
        const column = relation?.columns[arg.index - relation.offset];
        if (column !== undefined) {
          return {
            ...column.meta,
            name: item.name,
            orgName: '',
            table: '',
            orgTable: '',
            db: '',
            flags: column.meta.flags & ~NOT_NULL_FLAGS,
          };
        }
      }
    }
    return expressionInfo(item.name, expr.info);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * A LIMIT right over a scan: the scan hands up at most `keep` rows a batch (its residual already
 * applied), so the LIMIT stops it without reading ahead a whole batch.
 */
function withBatchRows(node: QueryNode, keep: bigint): QueryNode {
  const rows = Number(keep < 256n ? keep : 256n);
  return node.kind === 'scan' ? { ...node, batchRows: Math.max(1, rows) } : node;
}

/**
 * Whether sorting by `keys` can remove DISTINCT's duplicates as it goes: every key a projected
 * column, every column a key, and each column's type one whose sort order puts exactly the values
 * DISTINCT finds equal next to each other (integers, decimals, non-binary character strings).
 */
function sortDedupes(keys: readonly SortKey[], selectExprs: readonly PlanExpr[]): boolean {
  const covered = new Set<number>();
  for (const k of keys) {
    if (k.expr.kind !== 'column' || k.expr.index >= selectExprs.length) return false;
    covered.add(k.expr.index);
  }
  if (covered.size !== selectExprs.length) return false;
  return selectExprs.every(({ info: { type } }) => {
    if (type.kind === 'int' || type.kind === 'decimal') return true;
    return (
      type.kind === 'string' &&
      (type.variant === 'char' || type.variant === 'varchar' || type.variant === 'text') &&
      type.collation !== 'binary' &&
      type.hex !== true
    );
  });
}

/**
 * The column `e` reads as itself: a column reference, or one read through 6b's TIMESTAMP
 * conversion (a 'call' named timestamp_column of the column); undefined for anything else.
 */
function columnOf(e: PlanExpr): (PlanExpr & { kind: 'column' }) | undefined {
  if (e.kind === 'column') return e.index < AGGREGATE_BASE ? e : undefined;
  if (e.kind === 'call' && e.name === 'timestamp_column' && e.args.length === 1) {
    return columnOf(e.args[0] as PlanExpr);
  }
  return undefined;
}

function starItem(relation: Relation, index: number): Item {
  const column = relation.columns[index] as RelationColumn;
  return {
    expr: {
      kind: 'column',
      info: column.info,
      index: relation.offset + index,
      name: column.name,
      qualifiedName: column.qualifiedName,
    },
    name: column.name,
    alias: null,
    column,
    relationName: relation.name,
  };
}

function relationAt(relations: readonly Relation[], index: number): Relation | undefined {
  return relations.find((r) => index >= r.offset && index < r.offset + r.columns.length);
}

function hasPlaceholder(e: PlanExpr, base: number): boolean {
  return someExpr(
    e,
    (x) =>
      x.kind === 'column' && x.index >= base && (base === WINDOW_BASE || x.index < WINDOW_BASE),
  );
}

function remapWindow(f: WindowFunctionSpec, remap: (e: PlanExpr) => PlanExpr): WindowFunctionSpec {
  const agg = f.aggregate;
  return {
    ...f,
    args: f.args.map(remap),
    partitionBy: f.partitionBy.map(remap),
    orderBy: f.orderBy.map((k) => ({ ...k, expr: remap(k.expr) })),
    aggregate:
      agg === null
        ? null
        : {
            ...agg,
            args: agg.args.map(remap),
            orderBy: agg.orderBy.map((k) => ({ ...k, expr: remap(k.expr) })),
          },
    frame: f.frame,
  };
}

/** A sort key over the projected row of a DISTINCT block (3065 when it reads other columns). */
function onProjection(e: PlanExpr, selectExprs: readonly PlanExpr[], position: number): PlanExpr {
  const keys = selectExprs.map(exprKey);
  const produced = new Set<PlanExpr>();
  const mapped = mapExpr(e, (x) => {
    const i = keys.indexOf(exprKey(x));
    if (i === -1) return undefined;
    const ref: PlanExpr = {
      kind: 'column',
      info: x.info,
      index: i,
      name: `#${i}`,
      qualifiedName: `#${i}`,
    };
    produced.add(ref);
    return ref;
  });
  let bad: string | undefined;
  visitExpr(mapped, (x) => {
    if (bad === undefined && x.kind === 'column' && !produced.has(x))
      bad = x.qualifiedName.replace(/`/g, '');
    return bad === undefined;
  });
  if (bad !== undefined) throw new SqlError('ER_FIELD_IN_ORDER_NOT_SELECT', [position + 1, bad]);
  return mapped;
}

/** Block columns functionally dependent on the GROUP BY expressions (the file comment). */
function dependentColumns(
  groupBy: readonly PlanExpr[],
  equalities: readonly PlanExpr[],
  relations: readonly Relation[],
): Set<number> {
  const dependent = new Set<number>();
  for (const g of groupBy) {
    const column = columnOf(g);
    if (column !== undefined) dependent.add(column.index);
  }
  let changed = true;
  const add = (i: number): void => {
    if (!dependent.has(i)) {
      dependent.add(i);
      changed = true;
    }
  };
  while (changed) {
    changed = false;
    for (const c of equalities) {
      if (c.kind !== 'compare' || c.op !== '=') continue;
      const left = columnOf(c.left);
      const right = columnOf(c.right);
      if (
        left !== undefined &&
        (isConstant(c.right) || (right !== undefined && dependent.has(right.index)))
      ) {
        add(left.index);
      }
      if (
        right !== undefined &&
        (isConstant(c.left) || (left !== undefined && dependent.has(left.index)))
      ) {
        add(right.index);
      }
    }
    for (const r of relations) {
      const table = r.columns[0]?.base?.table;
      if (table === undefined) continue;
      const keys: (readonly number[])[] = [];
      if (table.primaryKey.length > 0) keys.push(table.primaryKey);
      for (const index of table.indexes) {
        const cols = index.parts.map((p) => p.column);
        const whole = index.parts.every((p) => p.prefixChars === null);
        if (index.unique && whole && cols.every((c) => !(table.columns[c]?.nullable ?? true)))
          keys.push(cols);
      }
      if (keys.some((k) => k.every((c) => dependent.has(r.offset + c)))) {
        for (let i = 0; i < r.columns.length; i++) add(r.offset + i);
      }
    }
  }
  return dependent;
}

/** The window a call's OVER means, with its named bases merged in (3579–3583). */
function resolveWindow(
  over: NonNullable<PendingWindow['call']['over']>,
  named: SelectStatement['windows'],
): WindowSpec {
  const find = (name: string): WindowSpec => {
    const found = named.filter((w) => w.name === name);
    if (found.length === 0) throw new SqlError('ER_WINDOW_NO_SUCH_WINDOW', [name]);
    if (found.length > 1) throw new SqlError('ER_WINDOW_DUPLICATE_NAME', [name]);
    return (found[0] as (typeof found)[number]).spec;
  };
  const merge = (spec: WindowSpec, seen: Set<string>): WindowSpec => {
    if (spec.base === null) return spec;
    if (seen.has(spec.base)) throw new SqlError('ER_WINDOW_CIRCULARITY_IN_WINDOW_GRAPH');
    seen.add(spec.base);
    const base = merge(find(spec.base), seen);
    if (spec.partitionBy.length > 0) throw new SqlError('ER_WINDOW_NO_CHILD_PARTITIONING');
    if (base.frame !== null) throw new SqlError('ER_WINDOW_NO_INHERIT_FRAME', [spec.base]);
    if (spec.orderBy.length > 0 && base.orderBy.length > 0) {
      throw new SqlError('ER_WINDOW_NO_REDEFINE_ORDER_BY', ['<unnamed window>', spec.base]);
    }
    return {
      base: null,
      partitionBy: base.partitionBy,
      orderBy: spec.orderBy.length > 0 ? spec.orderBy : base.orderBy,
      frame: spec.frame,
    };
  };
  const spec = over.kind === 'named' ? find(over.name) : over.spec;
  return merge(spec, new Set());
}

function onlyFullGroupBy(planner: StatementPlanner): boolean {
  const mode = variableText(planner, 'sql_mode');
  return mode === null ? true : mode.toUpperCase().split(',').includes('ONLY_FULL_GROUP_BY');
}

function variableText(planner: StatementPlanner, name: string): string | null {
  try {
    const v = planner.ctx.variables?.system(name, null);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

function variableNumber(planner: StatementPlanner, name: string, fallback: number): number {
  try {
    const v = planner.ctx.variables?.system(name, null);
    return typeof v === 'bigint' ? Number(v) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * MySQL's special case for finding zero dates: in WHERE, a top-level `col IS NULL` on a NOT NULL
 * DATE or DATETIME column means `col = '0000-00-00'` (datetime.ts DT1). Columns on an outer
 * join's inner side are nullable (query-from.ts), so `LEFT JOIN … WHERE r.d IS NULL` is untouched.
 */
function zeroDateIsNull(where: PlanExpr): PlanExpr {
  const parts = conjuncts(where);
  const rewrite = (e: PlanExpr): PlanExpr => {
    if (e.kind !== 'is' || e.test !== 'null' || e.negated) return e;
    const column = e.operand;
    const type = column.info.type;
    if (column.kind !== 'column' || column.info.nullable) return e;
    if (type.kind !== 'datetime' || type.variant === 'timestamp') return e;
    const zero: PlanExpr = { kind: 'const', info: column.info, value: ZERO_DATETIME };
    const mode = { kind: 'datetime' } as const;
    return { kind: 'compare', info: e.info, op: '=', mode, left: column, right: zero };
  };
  if (!parts.some((p) => rewrite(p) !== p)) return where;
  return andAll(parts.map(rewrite)) ?? where;
}
