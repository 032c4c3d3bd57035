/**
 * Binding the expressions that belong to queries (bind.ts delegates them here through its
 * QueryBinding hook): subqueries, EXISTS, IN / ANY / ALL, row comparisons, aggregate and window
 * calls, each checked against the clause it appears in:
 *
 *   clause                    aggregates                      window functions
 *   WHERE, ON                 ER_INVALID_GROUP_FUNC_USE 1111  ER_WINDOW_INVALID_WINDOW_FUNC_USE
 *   GROUP BY                  ER_WRONG_GROUP_FIELD 1056       3593
 *   select list, ORDER BY     yes                             yes
 *   HAVING                    yes                             3593
 *   aggregate arguments       1111 (nested)                   3593
 *   PARTITION / ORDER BY      yes                             3595 (nested in a window)
 *   of a window
 *
 * An aggregate or window call binds to a *placeholder* column reference (index AGGREGATE_BASE
 * + k, WINDOW_BASE + k) that the planner moves to the aggregate's or window's output slot once
 * the block's row layout is known (B1: no placeholder survives planning).
 *
 * Row constructors appear only in comparisons and IN: rewriteRows() turns (a, b) = (c, d) into
 * a = c AND b = d, (a, b) < (c, d) into a < c OR (a = c AND b < d), (a, b) IN ((…), (…)) into
 * ORs of those, and (a, b) = (SELECT …) into a 'row-compare'; any row left is 1241.
 */
import { SqlError } from '../errors.js';
import type {
  AggregateCall,
  BinaryOp,
  CompareOperator,
  Expr,
  QueryExpr,
  QueryExprNode,
  WindowCall,
} from './ast.js';
import {
  type Binder,
  type BindScope,
  type QueryBinding,
  Binder as BinderClass,
  compareMode,
  decimalInfo,
  doubleInfo,
  intInfo,
  stringInfo,
} from './bind.js';
import { binaryInfo } from './bind.js';
import type { ExprInfo, PlanExpr, SortKey, SubqueryTest } from './plan.js';
import type { AggregateSpec, QueryColumn } from './plan-query.js';
import type { Scope } from './query-scope.js';

/** Placeholder column indexes (B1): far beyond any real row. */
export const AGGREGATE_BASE = 1 << 24;
export const WINDOW_BASE = 1 << 25;

export type ClauseRole =
  | 'where'
  | 'on'
  | 'group'
  | 'select'
  | 'having'
  | 'order'
  | 'aggregate-argument'
  /** A window function's arguments: aggregates (of the block's groups) allowed, windows not. */
  | 'window-argument'
  | 'window-spec';

/** A subquery planned for an expression: its id in the statement, and its columns. */
export interface PlannedSubquery {
  readonly id: number;
  readonly columns: readonly QueryColumn[];
}

/** A window call waiting for its window (the planner resolves names and binds the spec). */
export interface PendingWindow {
  readonly call: WindowCall | AggregateCall;
  readonly args: readonly PlanExpr[];
  readonly aggregate: AggregateSpec | null;
  readonly info: ExprInfo;
}

/** What a block's bindings register and need (query-planner.ts implements it). */
export interface BlockBindingHost {
  readonly scope: Scope;
  /** The binder settings shared by the block's clauses. */
  readonly bindBase: Omit<BindScope, 'clause' | 'names' | 'query' | 'table' | 'tableName'>;
  /** Plans `query` as a subquery of this block, needing `rowsNeeded` rows (null: all). */
  planSubquery(query: QueryExpr, rowsNeeded: number | null): PlannedSubquery;
  readonly aggregates: AggregateSpec[];
  readonly windows: PendingWindow[];
  /** group_concat_max_len at plan time (GROUP_CONCAT's result length). */
  readonly groupConcatMax: number;
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>=']);

// ---------------------------------------------------------------------------------------------
// Row constructors

function isRow(e: Expr): e is Expr & { kind: 'row' } {
  return e.kind === 'row';
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right };
}

function rowItems(e: Expr, n: number): readonly Expr[] {
  if (!isRow(e) || e.items.length !== n) throw new SqlError('ER_OPERAND_COLUMNS', [n]);
  return e.items;
}

/** (a…) op (b…) as scalar comparisons, by MySQL's definition of row comparison. */
function rowCompare(op: CompareOperator, left: readonly Expr[], right: readonly Expr[]): Expr {
  if (op === '=' || op === '<>') {
    const eq = left
      .map((l, i) => binary('=', l, right[i] as Expr))
      .reduce((a, b) => binary('and', a, b));
    return op === '=' ? eq : { kind: 'unary', op: 'not', operand: eq };
  }
  const strict: CompareOperator = op === '<=' ? '<' : op === '>=' ? '>' : op;
  const build = (i: number): Expr => {
    const l = left[i] as Expr;
    const r = right[i] as Expr;
    if (i === left.length - 1) return binary(op, l, r);
    return binary('or', binary(strict, l, r), binary('and', binary('=', l, r), build(i + 1)));
  };
  return build(0);
}

/** Rewrites row constructors in comparisons and IN lists (the file comment). */
export function rewriteRows(e: Expr): Expr {
  if (e.kind === 'binary' && COMPARE_OPS.has(e.op)) {
    const op = e.op as CompareOperator;
    if (isRow(e.left) && e.right.kind === 'subquery') {
      return { kind: 'row-compare', op, operand: rewriteInner(e.left), query: e.right.query };
    }
    if (isRow(e.right) && e.left.kind === 'subquery') {
      const flipped = FLIP[op];
      return {
        kind: 'row-compare',
        op: flipped,
        operand: rewriteInner(e.right),
        query: e.left.query,
      };
    }
    if (isRow(e.left) || isRow(e.right)) {
      const n = isRow(e.left)
        ? e.left.items.length
        : (e.right as Expr & { kind: 'row' }).items.length;
      const left = rowItems(e.left, n).map(rewriteRows);
      const right = rowItems(e.right, n).map(rewriteRows);
      return rowCompare(op, left, right);
    }
  }
  if (e.kind === 'in' && (isRow(e.operand) || e.list.some(isRow))) {
    const n = isRow(e.operand) ? e.operand.items.length : 1;
    const left = rowItems(e.operand, n).map(rewriteRows);
    const matchesOne = e.list
      .map((item) => rowCompare('=', left, rowItems(item, n).map(rewriteRows)))
      .reduce((a, b) => binary('or', a, b));
    return e.negated ? { kind: 'unary', op: 'not', operand: matchesOne } : matchesOne;
  }
  return rewriteInner(e);
}

const FLIP: Readonly<Record<CompareOperator, CompareOperator>> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/** rewriteRows applied to every sub-expression (queries inside are planned on their own). */
function rewriteInner(e: Expr): Expr {
  let changed = false;
  const out: Record<string, unknown> = { ...e };
  for (const [key, value] of Object.entries(e)) {
    if (key === 'query') continue;
    const next = rewriteValue(value);
    if (next !== value) {
      out[key] = next;
      changed = true;
    }
  }
  return changed ? (out as unknown as Expr) : e;
}

function rewriteValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x: unknown) => {
      const y = rewriteValue(x);
      if (y !== x) changed = true;
      return y;
    });
    return changed ? out : v;
  }
  if (isExprLike(v)) return rewriteRows(v);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const [key, value] of Object.entries(v)) {
      const next = rewriteValue(value);
      if (next !== value) {
        out[key] = next;
        changed = true;
      }
    }
    return changed ? out : v;
  }
  return v;
}

const QUERY_KINDS = new Set(['select', 'set-operation']);

function isExprLike(v: unknown): v is Expr {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { kind?: unknown }).kind === 'string' &&
    !QUERY_KINDS.has((v as { kind: string }).kind)
  );
}

// ---------------------------------------------------------------------------------------------
// Aggregate result types (MySQL 8's resolve_type of each Item_sum)

/** Digits an integer or decimal expression can have (MySQL's decimal_precision()). */
function decimalPrecision(info: ExprInfo): number {
  const t = info.type;
  if (t.kind === 'decimal') return t.precision;
  if (t.kind === 'int') return Math.max(1, info.length - (t.unsigned ? 0 : 1));
  return 17;
}

export function aggregateInfo(
  name: string,
  args: readonly PlanExpr[],
  groupConcatMax: number,
): ExprInfo {
  const first = args[0]?.info;
  const exact = first !== undefined && (first.type.kind === 'int' || first.type.kind === 'decimal');
  const scale = first?.type.kind === 'decimal' ? first.type.scale : 0;
  switch (name) {
    case 'count':
      return intInfo(21, false);
    case 'sum':
      return exact
        ? decimalInfo(Math.min(decimalPrecision(first) + 22, 65), scale, true)
        : doubleInfo(true);
    case 'avg':
      return exact
        ? decimalInfo(Math.min(decimalPrecision(first) + 4, 65), Math.min(scale + 4, 30), true)
        : doubleInfo(true);
    case 'min':
    case 'max':
      return { ...(first as ExprInfo), nullable: true };
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
      return intInfo(21, false, true);
    case 'stddev':
    case 'stddev_pop':
    case 'stddev_samp':
    case 'var_pop':
    case 'var_samp': {
      // MySQL shows them with the argument's decimals + 4 (div_precision_increment).
      const decimals = Math.min((first?.decimals ?? 0) + 4, exact ? 30 : 31);
      return { ...doubleInfo(true), decimals };
    }
    case 'group_concat': {
      const binary = args.some(
        (a) => a.info.type.kind === 'string' && a.info.type.collation === 'binary',
      );
      if (binary) return binaryInfo(groupConcatMax, true);
      const info = stringInfo(groupConcatMax, true);
      if (groupConcatMax * 4 <= 2048) return info;
      // Longer than CONVERT_IF_BIGGER_TO_BLOB: MySQL types it as TEXT.
      return { ...info, type: { ...info.type, variant: 'text' } as ExprInfo['type'] };
    }
    case 'json_arrayagg':
    case 'json_objectagg':
      return JSON_INFO;
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`aggregate ${name.toUpperCase()}`]);
  }
}

/** JSON results (as functions/types.ts's jsonInfo; not imported, to keep module loading simple). */
const JSON_INFO: ExprInfo = {
  type: { kind: 'string', variant: 'json', chars: 4_294_967_295, collation: 'utf8mb4_bin' },
  nullable: true,
  length: 4_294_967_295,
  decimals: 31,
  collationId: 63,
};

const ARG_COUNTS: Readonly<Record<string, readonly number[]>> = {
  json_objectagg: [2],
  count: [1, 2, 3, 4, 5, 6, 7, 8],
  group_concat: [1, 2, 3, 4, 5, 6, 7, 8],
};

// ---------------------------------------------------------------------------------------------
// The hook

export class BlockBinding implements QueryBinding {
  constructor(
    private readonly host: BlockBindingHost,
    private readonly role: ClauseRole,
  ) {}

  bind(e: QueryExprNode, binder: Binder): PlanExpr {
    switch (e.kind) {
      case 'row':
        throw new SqlError('ER_OPERAND_COLUMNS', [1]);
      case 'subquery':
        return this.scalar(e.query);
      case 'exists': {
        const planned = this.host.planSubquery(e.query, 1);
        return subqueryExpr(planned, intInfo(1, false), { kind: 'exists', negated: e.negated });
      }
      case 'in-subquery':
        return this.inSubquery(e, binder);
      case 'quantified':
        return this.quantified(e, binder);
      case 'row-compare':
        return this.rowCompare(e, binder);
      case 'aggregate':
        return e.over === null ? this.aggregate(e, binder.clause) : this.window(e, binder.clause);
      case 'window':
        return this.window(e, binder.clause);
      default:
        throw new Error(`query binding: ${(e as { kind: string }).kind}`);
    }
  }

  private scalar(query: QueryExpr): PlanExpr {
    const planned = this.host.planSubquery(query, 2);
    const column = planned.columns[0] as QueryColumn;
    if (planned.columns.length !== 1) throw new SqlError('ER_OPERAND_COLUMNS', [1]);
    return subqueryExpr(planned, { ...column.info, nullable: true }, { kind: 'scalar' });
  }

  private operands(operand: Expr, binder: Binder): PlanExpr[] {
    return operand.kind === 'row'
      ? operand.items.map((i) => binder.bind(i))
      : [binder.bind(operand)];
  }

  private inSubquery(e: QueryExprNode & { kind: 'in-subquery' }, binder: Binder): PlanExpr {
    refuseLimit(e.query);
    const operands = this.operands(e.operand, binder);
    const planned = this.host.planSubquery(e.query, null);
    if (planned.columns.length !== operands.length) {
      throw new SqlError('ER_OPERAND_COLUMNS', [operands.length]);
    }
    const modes = operands.map((o, i) =>
      compareMode([o, columnExpr(planned.columns[i] as QueryColumn)]),
    );
    const nullable =
      operands.some((o) => o.info.nullable) || planned.columns.some((c) => c.info.nullable);
    return subqueryExpr(planned, intInfo(1, nullable), {
      kind: 'in',
      operands,
      modes,
      negated: e.negated,
    });
  }

  private quantified(e: QueryExprNode & { kind: 'quantified' }, binder: Binder): PlanExpr {
    refuseLimit(e.query);
    const operand = binder.bind(e.operand);
    const planned = this.host.planSubquery(e.query, null);
    if (planned.columns.length !== 1) throw new SqlError('ER_OPERAND_COLUMNS', [1]);
    const mode = compareMode([operand, columnExpr(planned.columns[0] as QueryColumn)]);
    return subqueryExpr(planned, intInfo(1, true), {
      kind: 'quantified',
      op: e.op,
      all: e.all,
      operand,
      mode,
    });
  }

  private rowCompare(e: QueryExprNode & { kind: 'row-compare' }, binder: Binder): PlanExpr {
    const operands = this.operands(e.operand, binder);
    const planned = this.host.planSubquery(e.query, 2);
    if (planned.columns.length !== operands.length) {
      throw new SqlError('ER_OPERAND_COLUMNS', [operands.length]);
    }
    const modes = operands.map((o, i) =>
      compareMode([o, columnExpr(planned.columns[i] as QueryColumn)]),
    );
    return subqueryExpr(planned, intInfo(1, true), {
      kind: 'row-compare',
      op: e.op,
      operands,
      modes,
    });
  }

  private aggregate(e: AggregateCall, clause: BindScope['clause']): PlanExpr {
    switch (this.role) {
      case 'where':
      case 'on':
      case 'aggregate-argument':
        throw new SqlError('ER_INVALID_GROUP_FUNC_USE');
      case 'group':
        throw new SqlError('ER_WRONG_GROUP_FIELD', [`${e.name.toUpperCase()}(…)`]);
      default:
        break;
    }
    const spec = this.aggregateSpec(e, clause);
    this.host.aggregates.push(spec);
    return placeholder(AGGREGATE_BASE + this.host.aggregates.length - 1, spec.info, e.name);
  }

  /**
   * Binds an aggregate's arguments and types its result: nested aggregates are forbidden, except
   * in a window aggregate's arguments (`role` 'window-argument': SUM(SUM(x)) OVER …).
   */
  aggregateSpec(
    e: AggregateCall,
    clause: BindScope['clause'],
    role: ClauseRole = 'aggregate-argument',
  ): AggregateSpec {
    const counts = ARG_COUNTS[e.name] ?? [1];
    if (!e.star && !counts.includes(e.args.length)) {
      throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', [e.name]);
    }
    if (e.star && e.name !== 'count') throw new SqlError('ER_PARSE_ERROR', ['*', 1]);
    const inner = this.binderFor(role, clause);
    const args = e.args.map((a) => inner.bind(rewriteRows(a)));
    const orderBy: SortKey[] = e.orderBy.map((o) => ({
      expr: inner.bind(rewriteRows(o.expr)),
      descending: o.descending,
    }));
    return {
      name: e.name,
      args,
      distinct: e.distinct,
      orderBy,
      separator: e.separator ?? ',',
      info: aggregateInfo(e.name, args, this.host.groupConcatMax),
    };
  }

  private window(e: WindowCall | AggregateCall, clause: BindScope['clause']): PlanExpr {
    const name = e.name;
    if (this.role !== 'select' && this.role !== 'order') {
      if (this.role === 'window-spec') {
        throw new SqlError('ER_WINDOW_NESTED_WINDOW_FUNC_USE_IN_WINDOW_SPEC', ['<unnamed window>']);
      }
      throw new SqlError('ER_WINDOW_INVALID_WINDOW_FUNC_USE', [name]);
    }
    let aggregate: AggregateSpec | null = null;
    let args: PlanExpr[];
    let info: ExprInfo;
    if (e.kind === 'aggregate') {
      aggregate = this.aggregateSpec(e, clause, 'window-argument');
      args = [...aggregate.args];
      info = aggregate.info;
    } else {
      const inner = this.binderFor('window-argument', clause);
      args = e.args.map((a) => inner.bind(rewriteRows(a)));
      info = windowInfo(name, args);
    }
    this.host.windows.push({ call: e, args, aggregate, info });
    return placeholder(WINDOW_BASE + this.host.windows.length - 1, info, name);
  }

  private binderFor(role: ClauseRole, clause: BindScope['clause']): Binder {
    return new BinderClass({
      ...this.host.bindBase,
      table: null,
      tableName: null,
      clause,
      names: this.host.scope,
      query: new BlockBinding(this.host, role),
    });
  }
}

const WINDOW_ARGS: Readonly<Record<string, readonly number[]>> = {
  row_number: [0],
  rank: [0],
  dense_rank: [0],
  percent_rank: [0],
  cume_dist: [0],
  ntile: [1],
  lag: [1, 2, 3],
  lead: [1, 2, 3],
  first_value: [1],
  last_value: [1],
  nth_value: [2],
};

export function windowInfo(name: string, args: readonly PlanExpr[]): ExprInfo {
  if (!(WINDOW_ARGS[name] ?? []).includes(args.length)) {
    throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', [name]);
  }
  switch (name) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'ntile':
      return intInfo(21, false, true);
    case 'percent_rank':
    case 'cume_dist':
      return doubleInfo(false);
    default: {
      const first = (args[0] as PlanExpr).info;
      return { ...first, nullable: true };
    }
  }
}

function placeholder(index: number, info: ExprInfo, name: string): PlanExpr {
  return { kind: 'column', info, index, name, qualifiedName: name };
}

function columnExpr(c: QueryColumn): PlanExpr {
  return { kind: 'column', info: c.info, index: 0, name: c.name, qualifiedName: c.name };
}

function subqueryExpr(planned: PlannedSubquery, info: ExprInfo, test: SubqueryTest): PlanExpr {
  return {
    kind: 'subquery',
    info,
    id: planned.id,
    test,
    columnTypes: planned.columns.map((c) => c.info.type),
  };
}

/** MySQL refuses LIMIT in IN / ANY / ALL subqueries (ER_NOT_SUPPORTED_YET). */
function refuseLimit(query: QueryExpr): void {
  if (query.limit !== null) {
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['LIMIT & IN/ALL/ANY/SOME subquery']);
  }
}
