/**
 * Query plans: a tree of row sources (QueryNode), plain data like the rest of plan.ts — EXPLAIN
 * FORMAT=TREE prints it (explain-tree.ts), query-run.ts executes it.
 *
 * Rows. Within a query block, every row source of its FROM clause writes into one *block row*:
 * relation r's columns sit at [r.offset, r.offset + r.width). A scan yields block rows with only
 * its own columns set (the others null); a join merges the columns of both sides. Expressions of
 * the block (ON, WHERE) index block rows, whatever order the joins run in. Later stages append:
 *
 *   block row (FROM)  →  aggregate: [block row…, group keys…, aggregates…]
 *                     →  window:    [… , window function values…]
 *                     →  project:   the select list's values (the block's output rows)
 *
 * so an expression bound once stays valid down the pipeline until the projection.
 *
 * Invariants:
 *   (QP1) a node's output rows have exactly `width` values.
 *   (QP2) a scan's TableSource expressions (access path bounds, residual) index the table's own
 *         row; columns of other relations of the block appear as 'outer-column' depth 0 (the
 *         nested-loop row) and of enclosing blocks as depth ≥ 1.
 *   (QP3) every 'subquery' expression's id indexes QueryPlan.subqueries.
 */
import type { ColumnInfo } from '../api.js';
import type { SelectLock } from './ast.js';
import type { TableSource, CompareMode, ExprInfo, PlanExpr, SortKey } from './plan.js';
import type { SqlType } from './values.js';

/** A column as a query produces it: its name, type facts and result-set metadata. */
export interface QueryColumn {
  readonly name: string;
  readonly info: ExprInfo;
  /** Metadata when selected as itself (the selecting query sets name and table alias). */
  readonly meta: ColumnInfo;
}

export type JoinKind = 'inner' | 'left' | 'semi' | 'anti';

/** One aggregate function of an aggregate node. */
export interface AggregateSpec {
  /** count, sum, avg, min, max, group_concat, bit_and, …, json_arrayagg, json_objectagg. */
  readonly name: string;
  /** Arguments over the input row; empty for COUNT(*). */
  readonly args: readonly PlanExpr[];
  readonly distinct: boolean;
  /** GROUP_CONCAT's ORDER BY, over the input row. */
  readonly orderBy: readonly SortKey[];
  readonly separator: string;
  readonly info: ExprInfo;
}

export interface FrameBoundPlan {
  readonly kind:
    'unbounded-preceding' | 'unbounded-following' | 'current-row' | 'preceding' | 'following';
  /** n PRECEDING / FOLLOWING (constant), as a number of rows or an ORDER BY distance. */
  readonly offset: PlanExpr | null;
  /** INTERVAL unit for RANGE over datetimes. */
  readonly unit: string | null;
}

export interface WindowFramePlan {
  readonly unit: 'rows' | 'range';
  readonly start: FrameBoundPlan;
  readonly end: FrameBoundPlan;
}

/** One window function: over the node's input row. */
export interface WindowFunctionSpec {
  readonly name: string;
  /** Aggregate over a window (SUM(x) OVER …): its spec; null for ROW_NUMBER() and kin. */
  readonly aggregate: AggregateSpec | null;
  readonly args: readonly PlanExpr[];
  readonly partitionBy: readonly PlanExpr[];
  readonly orderBy: readonly SortKey[];
  /** null: the default frame (RANGE UNBOUNDED PRECEDING, or the whole partition). */
  readonly frame: WindowFramePlan | null;
  readonly info: ExprInfo;
}

export type QueryNode =
  /** SELECT without FROM: one empty row. */
  | { readonly kind: 'one-row'; readonly width: number }
  | ScanNode
  /** A derived table, view or CTE reference: another plan's rows placed at `offset`. */
  | {
      readonly kind: 'derived';
      readonly name: string;
      readonly input: QueryNode;
      readonly offset: number;
      readonly columns: number;
      readonly width: number;
      /** Its rows are kept after the first read (an uncorrelated table read more than once). */
      readonly materialize: boolean;
      /** LATERAL: it reads columns of the rows it is joined to (run again for each). */
      readonly lateral: boolean;
    }
  /** A common table expression's rows (materialized once per run of the block defining it). */
  | {
      readonly kind: 'cte';
      readonly name: string;
      readonly cte: number;
      readonly offset: number;
      readonly columns: number;
      readonly width: number;
    }
  /** For each outer row, the inner rows (re-read per outer row) that meet `condition`. */
  | {
      readonly kind: 'nested-loop';
      readonly join: JoinKind;
      readonly outer: QueryNode;
      readonly inner: QueryNode;
      readonly condition: PlanExpr | null;
      /** Block-row ranges the inner side fills (set to NULL for an outer row without a match). */
      readonly innerRanges: readonly (readonly [number, number])[];
      readonly width: number;
    }
  /** Equi-join: the inner rows hashed once by `innerKeys`, probed with `outerKeys`. */
  | {
      readonly kind: 'hash-join';
      readonly join: JoinKind;
      readonly outer: QueryNode;
      readonly inner: QueryNode;
      readonly outerKeys: readonly PlanExpr[];
      readonly innerKeys: readonly PlanExpr[];
      readonly modes: readonly CompareMode[];
      readonly condition: PlanExpr | null;
      readonly innerRanges: readonly (readonly [number, number])[];
      readonly width: number;
    }
  | {
      readonly kind: 'filter';
      readonly input: QueryNode;
      readonly condition: PlanExpr;
      readonly width: number;
    }
  /** GROUP BY (or one group): rows [input…, group keys…, aggregates…]. */
  | {
      readonly kind: 'aggregate';
      readonly input: QueryNode;
      readonly groupBy: readonly PlanExpr[];
      readonly aggregates: readonly AggregateSpec[];
      readonly rollup: boolean;
      /** No GROUP BY: one row even for no input. */
      readonly scalar: boolean;
      readonly inputWidth: number;
      readonly width: number;
    }
  | {
      readonly kind: 'window';
      readonly input: QueryNode;
      readonly functions: readonly WindowFunctionSpec[];
      readonly inputWidth: number;
      readonly width: number;
    }
  | {
      readonly kind: 'project';
      readonly input: QueryNode;
      readonly exprs: readonly PlanExpr[];
      readonly width: number;
    }
  | {
      readonly kind: 'sort';
      readonly input: QueryNode;
      readonly keys: readonly SortKey[];
      /** Rows needed from the sorted order (LIMIT offset + count): a top-N sort; null: all. */
      readonly keep: bigint | null;
      /**
       * SELECT DISTINCT done by the sort (MySQL's "Sort with duplicate removal"): the keys are
       * columns covering every column, so a row equal to the one before it in every key is dropped.
       */
      readonly dedupe?: true;
      readonly width: number;
    }
  /** Drops rows equal (under their types' comparison) in their first `columns` values. */
  | {
      readonly kind: 'distinct';
      readonly input: QueryNode;
      readonly types: readonly SqlType[];
      readonly width: number;
    }
  | {
      readonly kind: 'limit';
      readonly input: QueryNode;
      readonly count: bigint;
      readonly offset: bigint;
      readonly width: number;
    }
  | {
      readonly kind: 'set-operation';
      readonly op: 'union' | 'intersect' | 'except';
      readonly distinct: boolean;
      readonly left: QueryNode;
      readonly right: QueryNode;
      /** The result's column types: each side's values convert to them. */
      readonly types: readonly SqlType[];
      /** Each side's own column types. */
      readonly leftTypes: readonly SqlType[];
      readonly rightTypes: readonly SqlType[];
      readonly width: number;
    }
  /** Runs `input` with common table expressions `ctes` available to its cte nodes. */
  | {
      readonly kind: 'with';
      readonly ctes: readonly number[];
      readonly input: QueryNode;
      readonly width: number;
    };

export interface ScanNode {
  readonly kind: 'scan';
  /** The table as the query names it (alias or name). */
  readonly name: string;
  readonly source: TableSource;
  /** Where the table's columns go in the block row. */
  readonly offset: number;
  readonly width: number;
  /** At most this many rows a batch: a LIMIT right above needs no more (early termination). */
  readonly batchRows?: number;
  /** Its query block's locking clause: the rows it reads are locked so (absent: plain read). */
  readonly lock?: SelectLock;
}

/** A common table expression, planned once per statement. */
export interface CtePlan {
  readonly name: string;
  /** Non-recursive: its rows. Recursive: the anchor's rows. */
  readonly anchor: QueryNode;
  /** Recursive part: run with the previous iteration's rows as its cte node's rows. */
  readonly recursive: QueryNode | null;
  /** UNION DISTINCT between the parts of a recursive CTE. */
  readonly distinct: boolean;
  readonly types: readonly SqlType[];
  /** The recursive part's own column types (its values convert to `types`). */
  readonly recursiveTypes: readonly SqlType[];
  readonly columns: number;
}

export interface SubqueryPlan {
  readonly root: QueryNode;
  readonly columns: number;
  /** Reads the row of the block that evaluates it: run again for each row. */
  readonly perRow: boolean;
  /** Reads no enclosing row at all: run once per statement. */
  readonly uncorrelated: boolean;
  /** Rows the test needs: 1 (EXISTS), 2 (scalar: the second is an error), or all (null). */
  readonly rowsNeeded: number | null;
}

export interface QueryPlan {
  readonly root: QueryNode;
  readonly columns: readonly QueryColumn[];
  readonly subqueries: readonly SubqueryPlan[];
  readonly ctes: readonly CtePlan[];
}

/** The number of values in a node's rows. */
export function widthOf(node: QueryNode): number {
  return node.width;
}

const lockingPlans = new WeakMap<QueryPlan, boolean>();

/**
 * True when a query block of the plan (its own, a subquery's, a derived table's, a CTE's, a
 * view's) has a locking clause: some scan locks the rows it reads. Kept per plan.
 */
export function planLocks(plan: QueryPlan): boolean {
  let locks = lockingPlans.get(plan);
  if (locks === undefined) {
    locks = hasLockingScan(plan, new Set());
    lockingPlans.set(plan, locks);
  }
  return locks;
}

function hasLockingScan(x: unknown, seen: Set<object>): boolean {
  if (typeof x !== 'object' || x === null || ArrayBuffer.isView(x) || seen.has(x)) return false;
  seen.add(x);
  const node = x as Partial<ScanNode>;
  if (node.kind === 'scan' && node.lock !== undefined) return true;
  for (const value of Object.values(x)) if (hasLockingScan(value, seen)) return true;
  return false;
}
