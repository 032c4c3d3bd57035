/**
 * The query planner: a query (ast.ts QueryExpr — a block, or blocks under UNION / INTERSECT /
 * EXCEPT, with WITH) → a QueryPlan (plan-query.ts). This file plans queries as wholes: WITH and
 * CTEs (recursive ones as anchor + recursive part), set operations with their result types and
 * ORDER BY / LIMIT, and FROM clauses (tables, views, derived tables, CTE references, joins with
 * ON / USING / NATURAL). A single query block is query-block.ts's.
 *
 * Errors as MySQL gives them: 1066 a table alias twice in one FROM, 1146 no such table, 1222
 * set operation sides of different widths, 1353 a column list of the wrong length, 1060
 * duplicate column names in a derived table, 357x for malformed recursive CTEs.
 */
import type { ColumnInfo } from '../api.js';
import { SqlError } from '../errors.js';
import type {
  CommonTableExpr,
  Expr,
  OrderItem,
  QueryExpr,
  SelectLock,
  SelectStatement,
  SetOperation,
  TableExpr,
  WithClause,
} from './ast.js';
import { Binder } from './bind.js';
import { parse } from './parse.js';
import type { PlanContext } from './planner.js';
import { limitPlan } from './planner.js';
import type { PlanExpr, SortKey } from './plan.js';
import type { CtePlan, QueryColumn, QueryNode, QueryPlan, SubqueryPlan } from './plan-query.js';
import { planBlock } from './query-block.js';
import { BlockBinding, rewriteRows } from './query-bind.js';
import {
  type LogicalFrom,
  naturalColumns,
  nullable,
  relationsOf,
  tableRelation,
  usingConditions,
} from './query-from.js';
import { BlockFrame, type Relation, Scope, sameName } from './query-scope.js';
import { mergedColumn } from './query-types.js';
import { SCHEMA_NAME, isSystemSchema, virtualTable } from './information-schema/index.js';

/** Where a query is planned: its enclosing scope, its level, the CTEs it sees. */
export interface QueryEnv {
  /** The enclosing block's scope (correlated references), or null. */
  readonly parent: Scope | null;
  readonly frame: BlockFrame;
  readonly ctes: CteScope | null;
  /** The database unqualified table names mean (a view's own, inside a view). */
  readonly database: string | null;
  /**
   * The locking clause of the block whose FROM clause is being planned: a view it names that
   * MySQL would merge into it (a plain SELECT) reads with it too (relationFor).
   */
  readonly viewLock?: SelectLock;
}

export interface CteEntry {
  readonly id: number;
  readonly name: string;
  columns: readonly QueryColumn[] | null;
}

export class CteScope {
  constructor(
    readonly parent: CteScope | null,
    readonly entries: ReadonlyMap<string, CteEntry>,
  ) {}

  find(name: string): CteEntry | undefined {
    for (let s: CteScope | null = this; s !== null; s = s.parent) {
      const e = s.entries.get(name);
      if (e !== undefined) return e;
    }
    return undefined;
  }
}

export interface PlannedQuery {
  readonly root: QueryNode;
  readonly columns: readonly QueryColumn[];
}

/** A star column by relation id, while relations may still be rebuilt. */
interface StarRef {
  readonly id: number;
  readonly index: number;
}

/** One item of a FROM clause's star expansion: a relation column. */
export interface StarColumn {
  readonly relation: Relation;
  readonly index: number;
}

/** A FROM clause, ready for its block. */
export interface FromClause {
  readonly tree: LogicalFrom;
  readonly relations: readonly Relation[];
  readonly width: number;
  readonly scope: Scope;
  /** SELECT * (null) or t.*: its columns, USING/NATURAL columns once. */
  star(table: string | null): StarColumn[] | undefined;
  /** ON conjuncts of inner joins and USING equalities (functional dependence). */
  readonly equalities: readonly PlanExpr[];
}

export class StatementPlanner {
  readonly subqueries: SubqueryPlan[] = [];
  readonly ctes: CtePlan[] = [];

  constructor(readonly ctx: PlanContext) {}

  query(q: QueryExpr, env: QueryEnv): PlannedQuery {
    if (q.with === null) return this.body(q, env);
    const { scope, ids } = this.withClause(q.with, env);
    const inner = this.body({ ...q, with: null }, { ...env, ctes: scope });
    const root: QueryNode = { kind: 'with', ctes: ids, input: inner.root, width: inner.root.width };
    return { root, columns: inner.columns };
  }

  /**
   * A view's query, planned in the view's database; a table, column or function it names that is
   * gone makes the view invalid (1356), as MySQL reports it.
   */
  private viewQuery(q: QueryExpr, env: QueryEnv, database: string, name: string): PlannedQuery {
    try {
      return this.query(q, { ...env, parent: null, ctes: null, database });
    } catch (e) {
      const gone = ['ER_NO_SUCH_TABLE', 'ER_BAD_FIELD_ERROR', 'ER_SP_DOES_NOT_EXIST'];
      if (e instanceof SqlError && gone.includes(e.code)) {
        throw new SqlError('ER_VIEW_INVALID', [database, name]);
      }
      throw e;
    }
  }

  private body(q: QueryExpr, env: QueryEnv): PlannedQuery {
    return q.kind === 'select' ? planBlock(this, q, env) : this.setOperation(q, env);
  }

  // -- set operations ------------------------------------------------------------------------

  private setOperation(q: SetOperation, env: QueryEnv): PlannedQuery {
    const left = this.query(q.left, env);
    const right = this.query(q.right, env);
    if (left.columns.length !== right.columns.length) {
      throw new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT');
    }
    const columns = left.columns.map((c, i) => mergedColumn([c, right.columns[i] as QueryColumn]));
    const width = columns.length;
    let root: QueryNode = {
      kind: 'set-operation',
      op: q.op,
      distinct: q.distinct,
      left: left.root,
      right: right.root,
      types: columns.map((c) => c.info.type),
      leftTypes: left.columns.map((c) => c.info.type),
      rightTypes: right.columns.map((c) => c.info.type),
      width,
    };
    root = this.orderAndLimit(root, columns, q.orderBy, q.limit, env);
    return { root, columns };
  }

  /** ORDER BY / LIMIT over a set operation's result columns (names and positions). */
  private orderAndLimit(
    input: QueryNode,
    columns: readonly QueryColumn[],
    orderBy: readonly OrderItem[],
    limitAst: SetOperation['limit'],
    env: QueryEnv,
  ): QueryNode {
    const limit = limitPlan(limitAst, this.ctx);
    let root = input;
    if (orderBy.length > 0) {
      const relation: Relation = {
        id: -1,
        name: '',
        database: null,
        offset: 0,
        columns: columns.map((c) => ({
          name: c.name,
          info: c.info,
          meta: c.meta,
          qualifiedName: c.name,
          base: null,
        })),
      };
      const scope = new Scope(env.frame, [relation], env.parent);
      const binder = this.binder(scope, 'order clause', {
        scope,
        bindBase: this.bindBase(),
        aggregates: [],
        windows: [],
        planSubquery: () => {
          throw new SqlError('ER_NOT_SUPPORTED_YET', ['subqueries in the ORDER BY of a UNION']);
        },
        groupConcatMax: 1024,
      });
      const keys: SortKey[] = orderBy.map((o, n) => {
        const e = o.expr;
        if (e.kind === 'literal' && e.literal.kind === 'int') {
          const c = columns[Number(e.literal.value) - 1];
          if (e.literal.value < 1n || c === undefined) {
            throw new SqlError('ER_BAD_FIELD_ERROR', [e.literal.value.toString(), 'order clause']);
          }
          const index = Number(e.literal.value) - 1;
          return { expr: columnRef(c, index), descending: o.descending };
        }
        if (e.kind === 'column' && e.table !== null) {
          throw new SqlError('ER_TABLENAME_NOT_ALLOWED_HERE', [
            e.table,
            'SELECT',
            'global ORDER clause',
          ]);
        }
        if (e.kind === 'aggregate') throw new SqlError('ER_AGGREGATE_ORDER_FOR_UNION', [n + 1]);
        return { expr: binder.bind(rewriteRows(e)), descending: o.descending };
      });
      const keep = limit === null ? null : limit.offset + limit.count;
      root = { kind: 'sort', input: root, keys, keep, width: root.width };
    }
    if (limit !== null) {
      root = {
        kind: 'limit',
        input: root,
        count: limit.count,
        offset: limit.offset,
        width: root.width,
      };
    }
    return root;
  }

  bindBase(): ConstructorParameters<typeof Binder>[0] extends infer S
    ? Omit<S & object, 'clause' | 'names' | 'query' | 'table' | 'tableName'>
    : never {
    const { ctx } = this;
    return {
      currentDatabase: ctx.database,
      ...(ctx.params === undefined ? {} : { params: ctx.params }),
      ...(ctx.variables === undefined ? {} : { variables: ctx.variables }),
    };
  }

  binder(
    scope: Scope,
    clause: ConstructorParameters<typeof Binder>[0]['clause'],
    host: ConstructorParameters<typeof BlockBinding>[0],
    role: ConstructorParameters<typeof BlockBinding>[1] = 'order',
  ): Binder {
    return new Binder({
      ...this.bindBase(),
      table: null,
      tableName: null,
      clause,
      names: scope,
      query: new BlockBinding(host, role),
    });
  }

  // -- WITH ------------------------------------------------------------------------------------

  private withClause(w: WithClause, env: QueryEnv): { scope: CteScope; ids: number[] } {
    const entries = new Map<string, CteEntry>();
    const scope = new CteScope(env.ctes, entries);
    const ids: number[] = [];
    for (const cte of w.ctes) {
      if (entries.has(cte.name)) throw new SqlError('ER_NONUNIQ_TABLE', [cte.name]);
      const id = this.ctes.length;
      const entry: CteEntry = { id, name: cte.name, columns: null };
      // Placeholder until planned: a CTE reference needs its id (and a recursive one its columns).
      this.ctes.push(undefined as unknown as CtePlan);
      ids.push(id);
      const recursive = w.recursive && referencesTable(cte.query, cte.name);
      if (recursive) entries.set(cte.name, entry);
      this.ctes[id] = recursive
        ? this.recursiveCte(cte, entry, { ...env, ctes: scope })
        : this.plainCte(cte, entry, { ...env, ctes: scope });
      entries.set(cte.name, entry);
    }
    return { scope, ids };
  }

  private plainCte(cte: CommonTableExpr, entry: CteEntry, env: QueryEnv): CtePlan {
    const planned = this.query(cte.query, env);
    entry.columns = renamed(planned.columns, cte.columns, cte.name);
    return {
      name: cte.name,
      anchor: planned.root,
      recursive: null,
      distinct: false,
      types: entry.columns.map((c) => c.info.type),
      recursiveTypes: [],
      columns: entry.columns.length,
    };
  }

  private recursiveCte(cte: CommonTableExpr, entry: CteEntry, env: QueryEnv): CtePlan {
    const q = cte.query;
    if (q.kind !== 'set-operation' || q.op !== 'union') {
      throw new SqlError('ER_CTE_RECURSIVE_REQUIRES_UNION', [cte.name]);
    }
    const parts = unionParts(q);
    const firstRecursive = parts.findIndex((p) => referencesTable(p.query, cte.name));
    if (
      firstRecursive <= 0 ||
      parts.slice(firstRecursive).some((p) => !referencesTable(p.query, cte.name))
    ) {
      throw new SqlError('ER_CTE_RECURSIVE_REQUIRES_NONRECURSIVE_FIRST', [cte.name]);
    }
    const anchorQuery = rebuildUnion(parts.slice(0, firstRecursive));
    const recursiveQuery = rebuildUnion(parts.slice(firstRecursive));
    for (const p of parts.slice(firstRecursive)) checkRecursivePart(p.query, cte.name);
    const hidden = new Map<string, CteEntry>();
    const anchorEnv: QueryEnv = { ...env, ctes: new CteScope(env.ctes, hidden) };
    hidden.set(cte.name, { id: -1, name: cte.name, columns: [] });
    const anchor = this.query(anchorQuery, { ...anchorEnv, ctes: env.ctes?.parent ?? null });
    entry.columns = renamed(anchor.columns, cte.columns, cte.name).map((c) => ({
      ...c,
      info: { ...c.info, nullable: true },
    }));
    const recursive = this.query(recursiveQuery, env);
    if (recursive.columns.length !== entry.columns.length) {
      throw new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT');
    }
    return {
      name: cte.name,
      anchor: anchor.root,
      recursive: recursive.root,
      distinct: parts.slice(firstRecursive).some((p) => p.distinct) || q.distinct,
      types: entry.columns.map((c) => c.info.type),
      recursiveTypes: recursive.columns.map((c) => c.info.type),
      columns: entry.columns.length,
    };
  }

  // -- FROM ------------------------------------------------------------------------------------

  /** The relations and joins of a FROM clause; ON conditions bound here. */
  from(from: TableExpr, env: QueryEnv, blockScope: (relations: Relation[]) => Scope): FromClause {
    const builder = new FromBuilder(this, env, blockScope);
    const tree = builder.build(from);
    const relations = relationsOf(tree);
    return {
      tree,
      relations,
      width: builder.width,
      scope: builder.scopeOf(relations),
      star: (table) => builder.star(tree, table),
      equalities: builder.equalities,
    };
  }

  /** A relation's rows: a base table, a view, or a CTE (when the name is one in scope). */
  relationFor(
    ref: TableExpr & { kind: 'table' },
    env: QueryEnv,
    id: number,
    offset: number,
  ): { relation: Relation; tree: LogicalFrom } {
    const alias = ref.alias;
    if (ref.table.database === null) {
      const cte = env.ctes?.find(ref.table.name);
      if (cte !== undefined) {
        if (cte.columns === null || cte.id < 0)
          throw new SqlError('ER_NO_SUCH_TABLE', [env.database ?? '', ref.table.name]);
        const relation = derivedRelation(id, offset, alias ?? cte.name, cte.columns);
        return {
          relation,
          tree: {
            kind: 'leaf',
            relation,
            source: { kind: 'cte', cte: cte.id, columns: cte.columns.length },
          },
        };
      }
    }
    const database = ref.table.database ?? env.database;
    if (database === null) throw new SqlError('ER_NO_DB_ERROR');
    const virtual = virtualTable(database, ref.table.name);
    if (virtual !== undefined) {
      // information_schema: names match whatever their case (Relation.folded).
      const relation = { ...tableRelation(id, offset, virtual.def, alias), folded: true };
      return {
        relation,
        tree: { kind: 'leaf', relation, source: { kind: 'table', table: virtual.def, virtual } },
      };
    }
    if (isSystemSchema(database)) {
      throw new SqlError('ER_UNKNOWN_TABLE', [ref.table.name, SCHEMA_NAME]); // MySQL: 1109
    }
    const table = this.ctx.catalog.table(database, ref.table.name);
    if (table !== undefined) {
      const relation = tableRelation(id, offset, table, alias);
      return { relation, tree: { kind: 'leaf', relation, source: { kind: 'table', table } } };
    }
    const view = this.ctx.catalog.view(database, ref.table.name);
    if (view === undefined) throw new SqlError('ER_NO_SUCH_TABLE', [database, ref.table.name]);
    const parsed = parse(view.query);
    if (parsed.kind !== 'select' && parsed.kind !== 'set-operation') {
      throw new SqlError('ER_VIEW_INVALID', [database, ref.table.name]);
    }
    const statement = view.algorithm === 'TEMPTABLE' ? parsed : lockedView(parsed, env.viewLock);
    const planned = this.viewQuery(statement, env, view.database, ref.table.name);
    const columns = renamed(planned.columns, view.columns, view.name);
    const relation = derivedRelation(id, offset, alias ?? view.name, columns);
    return {
      relation,
      tree: {
        kind: 'leaf',
        relation,
        source: { kind: 'derived', root: planned.root, columns: columns.length, lateral: false },
      },
    };
  }

  /** Registers a planned subquery; its id. */
  addSubquery(plan: SubqueryPlan): number {
    this.subqueries.push(plan);
    return this.subqueries.length - 1;
  }
}

/** Builds a FROM clause's logical tree, assigning relations their offsets in FROM order. */
class FromBuilder {
  width = 0;
  private nextId = 0;
  readonly equalities: PlanExpr[] = [];
  /** Columns USING / NATURAL coalesced: "relation:column" of the hidden copies. */
  private readonly hidden = new Set<string>();
  /** SELECT *'s columns of each join built (by relation id: nullable() rebuilds relations). */
  private readonly coalesced = new Map<LogicalFrom, StarRef[]>();

  constructor(
    private readonly planner: StatementPlanner,
    private readonly env: QueryEnv,
    private readonly blockScope: (relations: Relation[]) => Scope,
  ) {}

  scopeOf(relations: readonly Relation[]): Scope {
    const scope = this.blockScope([...relations]);
    for (const h of this.hidden) scope.hidden.add(h);
    return scope;
  }

  build(e: TableExpr): LogicalFrom {
    switch (e.kind) {
      case 'table': {
        const { relation, tree } = this.planner.relationFor(e, this.env, this.nextId++, this.width);
        this.width += relation.columns.length;
        return tree;
      }
      case 'derived':
        return this.derived(e);
      case 'join':
        return this.join(e);
      default:
        throw new Error('FromBuilder: unknown table expression');
    }
  }

  private derived(e: TableExpr & { kind: 'derived' }): LogicalFrom {
    const left = this.relationsSoFar();
    const frame = e.lateral
      ? new BlockFrame(this.env.frame.level + 1, this.env.frame)
      : this.env.frame;
    const parent = e.lateral ? this.scopeOf(left) : this.env.parent;
    const planned = this.planner.query(e.query, { ...this.env, parent, frame });
    const columns = renamed(planned.columns, e.columns, e.alias);
    const relation = derivedRelation(this.nextId++, this.width, e.alias, columns);
    this.width += columns.length;
    this.all.push(relation);
    return {
      kind: 'leaf',
      relation,
      source: { kind: 'derived', root: planned.root, columns: columns.length, lateral: e.lateral },
    };
  }

  private readonly all: Relation[] = [];

  private relationsSoFar(): Relation[] {
    return this.all;
  }

  private join(e: TableExpr & { kind: 'join' }): LogicalFrom {
    let left = this.build(e.left);
    this.track(left);
    let right = this.build(e.right);
    this.track(right);
    const sides = { left, right };
    const leftRelations = relationsOf(left);
    const rightRelations = relationsOf(right);
    checkUnique([...leftRelations, ...rightRelations]);
    const scope = this.scopeOf([...leftRelations, ...rightRelations]);
    const binder = this.planner.binder(scope, 'on clause', this.bindingHost(scope), 'on');
    const conds: PlanExpr[] = [];
    let shared: string[] = [];
    if (e.natural || e.using !== null) {
      shared = e.natural
        ? naturalColumns(leftRelations, rightRelations)
        : [...(e.using as string[])];
      const preserved = e.join === 'right' ? rightRelations : leftRelations;
      const other = e.join === 'right' ? leftRelations : rightRelations;
      conds.push(...usingConditions(preserved, other, shared, binder, scope));
      for (const h of scope.hidden) this.hidden.add(h);
    }
    if (e.on !== null) conds.push(binder.bind(rewriteRows(e.on)));
    const on = conds.length === 0 ? null : conds.reduce((a, b) => binder.binary('and', a, b));
    if (e.join === 'inner' || e.join === 'cross') this.equalities.push(...conds);
    let node: LogicalFrom;
    if (e.join === 'left') {
      right = nullable(right);
      node = { kind: 'join', join: 'left', left, right, on };
    } else if (e.join === 'right') {
      left = nullable(left);
      node = { kind: 'join', join: 'left', left: right, right: left, on };
    } else {
      node = { kind: 'join', join: 'inner', left, right, on };
    }
    this.coalesced.set(node, this.starOfJoin(e, sides.left, sides.right, shared));
    return node;
  }

  private track(node: LogicalFrom): void {
    if (node.kind === 'leaf' && !this.all.includes(node.relation)) this.all.push(node.relation);
  }

  private bindingHost(scope: Scope): ConstructorParameters<typeof BlockBinding>[0] {
    return {
      scope,
      bindBase: this.planner.bindBase(),
      aggregates: [],
      windows: [],
      planSubquery: (query, rowsNeeded) => {
        const frame = new BlockFrame(this.env.frame.level + 1, this.env.frame);
        const planned = this.planner.query(query, { ...this.env, parent: scope, frame });
        const id = this.planner.addSubquery({
          root: planned.root,
          columns: planned.columns.length,
          perRow: frame.outerLevels.has(this.env.frame.level),
          uncorrelated: frame.outerLevels.size === 0,
          rowsNeeded,
        });
        return { id, columns: planned.columns };
      },
      groupConcatMax: 1024,
    };
  }

  /**
   * SELECT *'s columns of a join: without USING/NATURAL the left side's then the right side's;
   * with them the shared columns once (the preserved side's: the right one of a RIGHT JOIN),
   * then the rest of the preserved side, then the rest of the other (MySQL's order).
   */
  private starOfJoin(
    e: TableExpr & { kind: 'join' },
    left: LogicalFrom,
    right: LogicalFrom,
    shared: readonly string[],
  ): StarRef[] {
    const a = this.starOf(left);
    const b = this.starOf(right);
    if (shared.length === 0) return [...a, ...b];
    const [first, second] = e.join === 'right' ? [b, a] : [a, b];
    const byId = new Map(
      relationsOf(left)
        .concat(relationsOf(right))
        .map((r) => [r.id, r]),
    );
    const name = (c: StarRef): string =>
      (byId.get(c.id)?.columns[c.index]?.name ?? '').toLowerCase();
    const folded = new Set(shared.map((s) => s.toLowerCase()));
    const common = shared.map((s) => first.find((c) => name(c) === s.toLowerCase()) as StarRef);
    const rest = (side: StarRef[]): StarRef[] => side.filter((c) => !folded.has(name(c)));
    return [...common, ...rest(first), ...rest(second)];
  }

  private starOf(node: LogicalFrom): StarRef[] {
    const joined = this.coalesced.get(node);
    if (joined !== undefined) return joined;
    if (node.kind === 'leaf') {
      return node.relation.columns.map((_, index) => ({ id: node.relation.id, index }));
    }
    return [...this.starOf(node.left), ...this.starOf(node.right)];
  }

  /** SELECT * (table null) or t.*, over the final relations (nullable where outer-joined). */
  star(tree: LogicalFrom, table: string | null): StarColumn[] | undefined {
    const relations = relationsOf(tree);
    if (table !== null) {
      const relation = relations.find((r) => sameName(r.name, table, r));
      if (relation === undefined) return undefined;
      return relation.columns.map((_, index) => ({ relation, index }));
    }
    const byId = new Map(relations.map((r) => [r.id, r]));
    return this.starOf(tree).map((c) => ({ relation: byId.get(c.id) as Relation, index: c.index }));
  }
}

function checkUnique(relations: readonly Relation[]): void {
  const seen = new Set<string>();
  for (const r of relations) {
    if (seen.has(r.name)) throw new SqlError('ER_NONUNIQ_TABLE', [r.name]);
    seen.add(r.name);
  }
}

/**
 * A view's query read by a block with locking clause `lock`: MySQL and MariaDB merge a view of
 * one plain SELECT (no DISTINCT, GROUP BY, HAVING or LIMIT, and no aggregate or window
 * function in its select list; a subquery there does not matter) into the block that names
 * it, so the block's clause locks the rows the view reads; a view they materialize reads
 * without it, as a derived table does (a locking clause never reaches into a derived table or
 * CTE), and so does one defined with ALGORITHM=TEMPTABLE (relationFor).
 */
function lockedView(q: QueryExpr, lock: SelectLock | undefined): QueryExpr {
  if (lock === undefined || q.kind !== 'select' || q.lock !== undefined) return q;
  const plain = !q.distinct && q.groupBy === null && q.having === null && q.limit === null;
  const merged = plain && !q.items.some((item) => mentions(item, MATERIALIZING));
  return merged ? { ...q, lock } : q;
}

/** Expression kinds in a select list that keep MySQL from merging a view. */
const MATERIALIZING: ReadonlySet<unknown> = new Set(['aggregate', 'window']);

/** True when an expression or anything under it, but a subquery's own query, is of `kinds`. */
function mentions(node: unknown, kinds: ReadonlySet<unknown>): boolean {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return false;
  if (Array.isArray(node)) return node.some((n) => mentions(n, kinds));
  const record = node as Record<string, unknown>;
  const kind = record['kind'];
  if (kinds.has(kind)) return true;
  if (kind === 'select' || kind === 'set-operation') return false; // another query block
  return Object.values(record).some((v) => mentions(v, kinds));
}

/** A derived table's (view's, CTE's) relation over `columns`. */
export function derivedRelation(
  id: number,
  offset: number,
  name: string,
  columns: readonly QueryColumn[],
): Relation {
  return {
    id,
    name,
    database: null,
    offset,
    columns: columns.map((c) => ({
      name: c.name,
      info: c.info,
      meta: { ...c.meta, name: c.name, table: name, orgTable: name } satisfies ColumnInfo,
      qualifiedName: `\`${name}\`.\`${c.name}\``,
      base: null,
    })),
  };
}

/** Columns under a column list `names` (1353 when its length differs); 1060 on duplicates. */
export function renamed(
  columns: readonly QueryColumn[],
  names: readonly string[] | null,
  _of: string,
): QueryColumn[] {
  if (names !== null && names.length !== columns.length) throw new SqlError('ER_VIEW_WRONG_LIST');
  const out = columns.map((c, i) => (names === null ? c : { ...c, name: names[i] as string }));
  const seen = new Set<string>();
  for (const c of out) {
    const folded = c.name.toLowerCase();
    if (seen.has(folded)) throw new SqlError('ER_DUP_FIELDNAME', [c.name]);
    seen.add(folded);
  }
  return out;
}

function columnRef(c: QueryColumn, index: number): PlanExpr {
  return { kind: 'column', info: c.info, index, name: c.name, qualifiedName: c.name };
}

// -- recursive CTE helpers ---------------------------------------------------------------------

interface UnionPart {
  readonly query: QueryExpr;
  /** The operator joining this part to the ones before it was UNION DISTINCT. */
  readonly distinct: boolean;
}

function unionParts(q: QueryExpr): UnionPart[] {
  if (
    q.kind === 'set-operation' &&
    q.op === 'union' &&
    q.orderBy.length === 0 &&
    q.limit === null
  ) {
    const left = unionParts(q.left);
    const right = unionParts(q.right);
    const [head, ...tail] = right;
    return [...left, { query: (head as UnionPart).query, distinct: q.distinct }, ...tail];
  }
  return [{ query: q, distinct: false }];
}

function rebuildUnion(parts: readonly UnionPart[]): QueryExpr {
  let q = (parts[0] as UnionPart).query;
  for (const p of parts.slice(1)) {
    q = {
      kind: 'set-operation',
      op: 'union',
      distinct: p.distinct,
      left: q,
      right: p.query,
      with: null,
      orderBy: [],
      limit: null,
    };
  }
  return q;
}

function checkRecursivePart(q: QueryExpr, name: string): void {
  if (q.kind !== 'select') return;
  const aggregated =
    q.groupBy !== null ||
    q.distinct ||
    q.items.some((i) => i.kind === 'expr' && hasKind(i.expr, ['aggregate', 'window']));
  if (aggregated) throw new SqlError('ER_CTE_RECURSIVE_FORBIDS_AGGREGATION', [name]);
}

function hasKind(e: Expr, kinds: readonly string[]): boolean {
  let found = false;
  walkAst(e, (node) => {
    if (kinds.includes(node.kind)) found = true;
    return !found && node.kind !== 'subquery';
  });
  return found;
}

/** True when `q` reads a table named `name` (unqualified) anywhere, subqueries included. */
export function referencesTable(q: unknown, name: string): boolean {
  let found = false;
  walkAst(q, (node) => {
    const table = (node as { table?: unknown }).table;
    if (node.kind === 'table' && typeof table === 'object' && table !== null) {
      const t = table as { database: unknown; name: unknown };
      if (t.database === null && t.name === name) found = true;
    }
    return !found;
  });
  return found;
}

function walkAst(v: unknown, visit: (node: { kind: string }) => boolean): void {
  if (Array.isArray(v)) {
    for (const x of v) walkAst(x, visit);
    return;
  }
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return;
  const o = v as Record<string, unknown>;
  if (typeof o.kind === 'string' && !visit(o as { kind: string })) return;
  for (const x of Object.values(o)) walkAst(x, visit);
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** Plans a statement's query (or INSERT … SELECT's, CREATE TABLE … SELECT's). */
export function planQuery(query: QueryExpr, ctx: PlanContext): QueryPlan {
  const planner = new StatementPlanner(ctx);
  const frame = new BlockFrame(0, null);
  const planned = planner.query(query, { parent: null, frame, ctes: null, database: ctx.database });
  return {
    root: planned.root,
    columns: planned.columns,
    subqueries: planner.subqueries,
    ctes: planner.ctes,
  };
}

export type { SelectStatement };
