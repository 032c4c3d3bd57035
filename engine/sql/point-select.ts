/**
 * The point-select path (issue 8): a consistent SELECT of one table by whole primary keys,
 * `SELECT … FROM t WHERE pk = ?` (sysbench's oltp_point_select), run as one function instead of
 * the query engine's chain of row-batch generators (query-run.ts). Its result has at most one row
 * per key, so it is collected, not streamed.
 *
 * The shape it takes: the plan's root is a projection straight over a scan of a stored table
 * whose access path is `pk-lookup`, with no subquery and no CTE anywhere in the statement. Every
 * other plan takes the general path.
 *
 * Invariants:
 *   (PS1) the rows, their values, their order and the warnings are exactly those the general
 *         path (runSelect) gives for the same plan: it builds the same read request (readRequest),
 *         reads through the same transaction view (txn/view.ts consistentPoints, also used by
 *         the general path's point reads), and projects with the same compiled expressions.
 *   (PS2) only consistent reads: a locking read goes through the general path, which locks.
 */
import type { Row as SeamRow } from '../api.js';
import { CONSISTENT, type SourceRow } from '../txn/rows.js';
import { andThen, forEachSoon } from '../soon.js';
import { type ExecContext, readRequest } from './execute.js';
import { type EvalContext, type Evaluator, type Row, withQuery } from './expr.js';
import type { QueryNode, QueryPlan } from './plan-query.js';
import { evaluator } from './query-run.js';
import { neededColumns } from './read-columns.js';
import { type SqlType, type Value, toSeamValue } from './values.js';

/** A plan of the point-select shape, with what its execution needs compiled once. */
export interface PointSelect {
  readonly scan: QueryNode & { kind: 'scan' };
  readonly exprs: readonly Evaluator[];
  readonly types: readonly SqlType[];
  /** The scan fills the whole block row: a stored row is the block row as it is. */
  readonly direct: boolean;
  /** The columns the statement reads (read-columns.ts); undefined: all. */
  readonly needed: readonly boolean[] | undefined;
}

const shapes = new WeakMap<QueryPlan, PointSelect | null>();

/** The plan's point-select form, or null when it takes the general path (found once per plan). */
export function pointSelectOf(plan: QueryPlan): PointSelect | null {
  let shape = shapes.get(plan);
  if (shape === undefined) {
    shape = shapeOf(plan);
    shapes.set(plan, shape);
  }
  return shape;
}

function shapeOf(plan: QueryPlan): PointSelect | null {
  const root = plan.root;
  if (root.kind !== 'project' || plan.subqueries.length > 0 || plan.ctes.length > 0) return null;
  const scan = root.input;
  if (scan.kind !== 'scan') return null;
  const source = scan.source;
  if (source.virtual !== undefined || source.access.kind !== 'pk-lookup') return null;
  if (root.exprs.length < plan.columns.length) return null;
  return {
    scan,
    exprs: root.exprs.map(evaluator),
    types: plan.columns.map((c) => c.info.type),
    direct: scan.offset === 0 && scan.width === source.table.columns.length,
    needed: neededColumns(plan, scan),
  };
}

/**
 * The rows of a point select, as the seam carries them (PS1, PS2): at once when its rows are
 * cached and nothing waits (issue 8: a point select then makes no promise here), else a promise.
 */
export function runPointSelect(
  shape: PointSelect,
  exec: ExecContext,
): SeamRow[] | Promise<SeamRow[]> {
  // The context a top-level query block evaluates in (query-run.ts Run).
  const outer = exec.eval.query?.outer ?? [];
  const ctx = withQuery(exec.eval, { outer, joinRow: null, results: [] });
  const read = exec.rows.pointRows(readRequest(shape.scan.source, ctx, CONSISTENT, shape.needed));
  return andThen(read, (rows) => project(shape, ctx, rows));
}

/** The read rows projected; a pause (QR2) makes the rest a promise. */
function project(
  shape: PointSelect,
  ctx: EvalContext,
  read: readonly SourceRow[],
): SeamRow[] | Promise<SeamRow[]> {
  const out: SeamRow[] = [];
  const projected = forEachSoon(read.length, (r) => {
    const pause = ctx.interrupt?.checkpoint(); // QR2
    if (pause === undefined) {
      out.push(projectRow(shape, ctx, read[r] as SourceRow));
      return undefined;
    }
    return pause.then(() => {
      out.push(projectRow(shape, ctx, read[r] as SourceRow));
    });
  });
  return andThen(projected, () => out);
}

function projectRow(shape: PointSelect, ctx: EvalContext, read: SourceRow): SeamRow {
  const { scan, exprs, types, direct } = shape;
  const stored = read.row;
  const row = direct ? stored : blockRow(scan, stored);
  const n = exprs.length;
  const values: Value[] = new Array<Value>(n);
  for (let i = 0; i < n; i++) values[i] = (exprs[i] as Evaluator)(row, ctx);
  const width = types.length;
  const seam = new Array<SeamRow[number]>(width);
  for (let i = 0; i < width; i++) seam[i] = toSeamValue(types[i] as SqlType, values[i] as Value);
  return seam;
}

/** The stored row placed at the scan's offset in a block row of its width (query-run.ts scan). */
function blockRow(scan: QueryNode & { kind: 'scan' }, stored: readonly Value[]): Row {
  const row = new Array<Value>(scan.width).fill(null);
  for (let i = 0; i < stored.length; i++) row[scan.offset + i] = stored[i] as Value;
  return row;
}
