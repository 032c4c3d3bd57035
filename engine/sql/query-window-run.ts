/**
 * Window functions: the window node (plan-query.ts) holds its input rows, and for each window
 * function orders them by PARTITION BY then ORDER BY, walks each partition, and appends the
 * function's value to every row: rows become [input row…, one value per function…].
 *
 *   ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE(n)   by position and peers
 *   LAG / LEAD (x [, n [, default]])                                  n rows back / ahead
 *   FIRST_VALUE, LAST_VALUE, NTH_VALUE(x, n), aggregates               over the frame
 *
 * Frames: ROWS counts rows from the current one; RANGE measures the ORDER BY value's distance
 * (CURRENT ROW = the current row's peers: rows with an equal ORDER BY). Without a frame clause
 * the frame is the whole partition, or with ORDER BY RANGE UNBOUNDED PRECEDING … CURRENT ROW.
 *
 * Invariants: (WN1) each function sees its partition in ORDER BY order, ties in input order, so
 * results are deterministic for a given input; (WN2) a frame is a contiguous range of its
 * partition, clipped to it, and may be empty.
 */
import { RESULT_BATCH_ROWS, SORT_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { collation as collationNamed } from './collation.js';
import { Decimal } from './decimal.js';
import { type EvalContext, type Evaluator, type Row, compareForSort } from './expr.js';
import type { FrameBoundPlan, QueryNode, WindowFunctionSpec } from './plan-query.js';
import { type Accumulator, accumulator, compileAggregate } from './query-aggregate-run.js';
import { type Run, evaluator, prepareInvariant, subqueryUses } from './query-run.js';
import { type SqlType, type Value, toDecimal } from './values.js';

interface KeyEval {
  readonly eval: Evaluator;
  readonly type: SqlType;
  readonly coll: ReturnType<typeof collationNamed> | null;
  readonly sign: number;
}

function keyEvals(
  exprs: readonly { expr: { info: { type: SqlType } }; descending: boolean }[],
): KeyEval[] {
  return exprs.map((k) => {
    const type = k.expr.info.type;
    return {
      eval: evaluator(k.expr as never),
      type,
      coll: type.kind === 'string' ? collationNamed(type.collation) : null,
      sign: k.descending ? -1 : 1,
    };
  });
}

function compareKeys(keys: readonly KeyEval[], a: readonly Value[], b: readonly Value[]): number {
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j] as KeyEval;
    const c = compareForSort(k.type, a[j] as Value, b[j] as Value, k.coll);
    if (c !== 0) return c * k.sign;
  }
  return 0;
}

/** A constant integer argument (NTILE's n, LAG's offset, frame offsets): ≥ 0 or an error. */
function constantCount(e: Evaluator, type: SqlType, ctx: EvalContext, what: string): number {
  const v = e([], ctx);
  const d = v === null ? null : toDecimal(type, v, ctx.warnings);
  if (d === null || d.sign() < 0 || d.rescale(0).compare(d) !== 0) {
    throw new SqlError('ER_WRONG_ARGUMENTS', [what]);
  }
  return Number(d.toBigInt());
}

interface Sorted {
  /** Input row indexes in window order. */
  readonly order: number[];
  /** Partition key values per input row. */
  readonly parts: Value[][];
  /** ORDER BY values per input row. */
  readonly orders: Value[][];
}

function sortForWindow(
  rows: readonly Row[],
  f: WindowFunctionSpec,
  ctx: EvalContext,
  partKeys: readonly KeyEval[],
  orderKeys: readonly KeyEval[],
): Sorted {
  const parts = rows.map((r) => partKeys.map((k) => k.eval(r, ctx)));
  const orders = rows.map((r) => orderKeys.map((k) => k.eval(r, ctx)));
  const order = rows.map((_, i) => i);
  if (f.partitionBy.length + f.orderBy.length > 0) {
    order.sort((a, b) => {
      const p = compareKeys(partKeys, parts[a] as Value[], parts[b] as Value[]);
      if (p !== 0) return p;
      const o = compareKeys(orderKeys, orders[a] as Value[], orders[b] as Value[]);
      return o !== 0 ? o : a - b;
    });
  }
  return { order, parts, orders };
}

/** The partitions of a sorted order, as [start, end) positions. */
function partitions(sorted: Sorted, partKeys: readonly KeyEval[]): [number, number][] {
  const out: [number, number][] = [];
  const { order, parts } = sorted;
  let start = 0;
  for (let i = 1; i <= order.length; i++) {
    if (
      i === order.length ||
      compareKeys(
        partKeys,
        parts[order[i - 1] as number] as Value[],
        parts[order[i] as number] as Value[],
      ) !== 0
    ) {
      out.push([start, i]);
      start = i;
    }
  }
  return out;
}

class PartitionView {
  /** Peer group [start, end) of each position (equal ORDER BY values). */
  readonly peerStart: number[] = [];
  readonly peerEnd: number[] = [];

  constructor(
    readonly sorted: Sorted,
    readonly start: number,
    readonly end: number,
    readonly orderKeys: readonly KeyEval[],
  ) {
    let groupStart = start;
    for (let i = start; i < end; i++) {
      if (i > start && !this.peers(i - 1, i)) groupStart = i;
      this.peerStart[i] = groupStart;
    }
    let groupEnd = end;
    for (let i = end - 1; i >= start; i--) {
      if (i < end - 1 && !this.peers(i, i + 1)) groupEnd = i + 1;
      this.peerEnd[i] = groupEnd;
    }
  }

  orderValues(i: number): Value[] {
    return this.sorted.orders[this.sorted.order[i] as number] as Value[];
  }

  private peers(a: number, b: number): boolean {
    return compareKeys(this.orderKeys, this.orderValues(a), this.orderValues(b)) === 0;
  }
}

/** Rank-like functions: by position and peers, frame ignored. */
function rankValue(name: string, p: PartitionView, i: number, ntile: number): Value {
  const n = p.end - p.start;
  const position = i - p.start;
  switch (name) {
    case 'row_number':
      return BigInt(position + 1);
    case 'rank':
      return BigInt((p.peerStart[i] as number) - p.start + 1);
    case 'dense_rank': {
      let groups = 0;
      for (let j = p.start; j <= i; j = p.peerEnd[j] as number) groups++;
      return BigInt(groups);
    }
    case 'percent_rank':
      return n <= 1 ? 0 : ((p.peerStart[i] as number) - p.start) / (n - 1);
    case 'cume_dist':
      return ((p.peerEnd[i] as number) - p.start) / n;
    case 'ntile': {
      const size = Math.floor(n / ntile);
      const extra = n % ntile;
      const big = (size + 1) * extra;
      return BigInt(
        position < big
          ? Math.floor(position / (size + 1)) + 1
          : extra + Math.floor((position - big) / Math.max(size, 1)) + 1,
      );
    }
    default:
      throw new Error(`not a rank function: ${name}`);
  }
}

interface FrameContext {
  readonly f: WindowFunctionSpec;
  readonly ctx: EvalContext;
  readonly offsets: { start: number | Decimal | null; end: number | Decimal | null };
}

/** The frame of position i as [from, to) within the partition (WN2). */
function frameOf(fc: FrameContext, p: PartitionView, i: number): [number, number] {
  const { f } = fc;
  if (f.frame === null) {
    if (f.orderBy.length === 0) return [p.start, p.end];
    return [p.start, p.peerEnd[i] as number];
  }
  const from = boundPosition(fc, p, i, f.frame.start, true, fc.offsets.start);
  const to = boundPosition(fc, p, i, f.frame.end, false, fc.offsets.end);
  const a = Math.max(from, p.start);
  const b = Math.min(to, p.end);
  return a < b ? [a, b] : [a, a];
}

/** Where a frame bound puts the frame's start (inclusive) or end (exclusive). */
function boundPosition(
  fc: FrameContext,
  p: PartitionView,
  i: number,
  bound: FrameBoundPlan,
  isStart: boolean,
  offset: number | Decimal | null,
): number {
  const rows = fc.f.frame?.unit === 'rows';
  switch (bound.kind) {
    case 'unbounded-preceding':
      return p.start;
    case 'unbounded-following':
      return p.end;
    case 'current-row':
      if (rows) return isStart ? i : i + 1;
      return isStart ? (p.peerStart[i] as number) : (p.peerEnd[i] as number);
    case 'preceding':
    case 'following': {
      if (rows) {
        const n = offset as number;
        const at = bound.kind === 'preceding' ? i - n : i + n;
        return isStart ? at : at + 1;
      }
      return rangePosition(fc, p, i, bound.kind, isStart, offset as Decimal);
    }
    default:
      return p.start;
  }
}

/** RANGE n PRECEDING / FOLLOWING: the first (start) or past-last (end) row within distance. */
function rangePosition(
  fc: FrameContext,
  p: PartitionView,
  i: number,
  kind: 'preceding' | 'following',
  isStart: boolean,
  n: Decimal,
): number {
  const key = fc.f.orderBy[0];
  if (key === undefined) return isStart ? p.start : p.end;
  const type = key.expr.info.type;
  const descending = key.descending;
  const current = p.orderValues(i)[0] as Value;
  if (current === null) return isStart ? (p.peerStart[i] as number) : (p.peerEnd[i] as number);
  const base = toDecimal(type, current, fc.ctx.warnings) as Decimal;
  // In the ORDER BY direction, PRECEDING lies before: subtract n (ascending) or add it.
  const toward = (kind === 'preceding') !== descending ? base.sub(n) : base.add(n);
  const inside = (j: number): boolean => {
    const v = p.orderValues(j)[0] as Value;
    if (v === null) return false;
    const d = toDecimal(type, v, fc.ctx.warnings) as Decimal;
    const c = d.compare(toward) * (descending ? -1 : 1);
    return isStart ? c >= 0 : c <= 0;
  };
  if (isStart) {
    let j = p.start;
    while (j < p.end && !inside(j)) j++;
    return j;
  }
  let j = p.end;
  while (j > p.start && !inside(j - 1)) j--;
  return j;
}

function frameOffsets(f: WindowFunctionSpec, ctx: EvalContext): FrameContext['offsets'] {
  const of = (b: FrameBoundPlan | undefined): number | Decimal | null => {
    if (b === undefined || b.offset === null) return null;
    const e = evaluator(b.offset);
    if (f.frame?.unit === 'rows') return constantCount(e, b.offset.info.type, ctx, 'window frame');
    if (b.unit !== null) throw new SqlError('ER_NOT_SUPPORTED_YET', ['RANGE frames with INTERVAL']);
    const v = e([], ctx);
    const d = v === null ? null : toDecimal(b.offset.info.type, v, ctx.warnings);
    if (d === null || d.sign() < 0)
      throw new SqlError('ER_WINDOW_FRAME_ILLEGAL', ['<unnamed window>']);
    return d;
  };
  return { start: of(f.frame?.start), end: of(f.frame?.end) };
}

/** Values of one window function for every input row (by input index). */
function computeFunction(rows: readonly Row[], f: WindowFunctionSpec, ctx: EvalContext): Value[] {
  const partKeys = keyEvals(f.partitionBy.map((expr) => ({ expr, descending: false })));
  const orderKeys = keyEvals(f.orderBy);
  const sorted = sortForWindow(rows, f, ctx, partKeys, orderKeys);
  const values = new Array<Value>(rows.length).fill(null);
  const args = f.args.map(evaluator);
  const fc: FrameContext = { f, ctx, offsets: frameOffsets(f, ctx) };
  const ntile = f.name === 'ntile' ? ntileCount(f, args, ctx) : 0;
  const compiledAgg = f.aggregate === null ? null : compileAggregate(f.aggregate, ctx);
  for (const [start, end] of partitions(sorted, partKeys)) {
    const p = new PartitionView(sorted, start, end, orderKeys);
    const rowAt = (i: number): Row => rows[sorted.order[i] as number] as Row;
    let running: { acc: Accumulator; to: number; from: number } | null = null;
    for (let i = start; i < end; i++) {
      const index = sorted.order[i] as number;
      if (compiledAgg !== null) {
        const [a, b] = frameOf(fc, p, i);
        if (running === null || running.from !== a || b < running.to) {
          running = { acc: accumulator(compiledAgg), to: a, from: a };
        }
        for (; running.to < b; running.to++) running.acc.add(rowAt(running.to), ctx);
        values[index] = running.acc.result(ctx, i + 1);
        continue;
      }
      values[index] = plainValue(f, args, p, i, rowAt, fc, ntile);
    }
  }
  return values;
}

function ntileCount(f: WindowFunctionSpec, args: readonly Evaluator[], ctx: EvalContext): number {
  const n = constantCount(
    args[0] as Evaluator,
    (f.args[0] as { info: { type: SqlType } }).info.type,
    ctx,
    'ntile',
  );
  if (n <= 0) throw new SqlError('ER_WRONG_ARGUMENTS', ['ntile']);
  return n;
}

function plainValue(
  f: WindowFunctionSpec,
  args: readonly Evaluator[],
  p: PartitionView,
  i: number,
  rowAt: (i: number) => Row,
  fc: FrameContext,
  ntile: number,
): Value {
  const ctx = fc.ctx;
  switch (f.name) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'percent_rank':
    case 'cume_dist':
    case 'ntile':
      return rankValue(f.name, p, i, ntile);
    case 'lag':
    case 'lead': {
      const offsetExpr = args[1];
      const n =
        offsetExpr === undefined
          ? 1
          : constantCount(
              offsetExpr,
              (f.args[1] as { info: { type: SqlType } }).info.type,
              ctx,
              f.name,
            );
      const j = f.name === 'lag' ? i - n : i + n;
      if (j >= p.start && j < p.end) return (args[0] as Evaluator)(rowAt(j), ctx);
      const fallback = args[2];
      return fallback === undefined ? null : fallback(rowAt(i), ctx);
    }
    case 'first_value':
    case 'last_value':
    case 'nth_value': {
      const [a, b] = frameOf(fc, p, i);
      if (a >= b) return null;
      if (f.name === 'first_value') return (args[0] as Evaluator)(rowAt(a), ctx);
      if (f.name === 'last_value') return (args[0] as Evaluator)(rowAt(b - 1), ctx);
      const n = constantCount(
        args[1] as Evaluator,
        (f.args[1] as { info: { type: SqlType } }).info.type,
        ctx,
        'nth_value',
      );
      if (n < 1) throw new SqlError('ER_WRONG_ARGUMENTS', ['nth_value']);
      return a + n - 1 < b ? (args[0] as Evaluator)(rowAt(a + n - 1), ctx) : null;
    }
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`window function ${f.name.toUpperCase()}`]);
  }
}

export async function* runWindow(
  node: QueryNode & { kind: 'window' },
  run: Run,
  input: AsyncGenerator<Row[]>,
): AsyncGenerator<Row[]> {
  const ctx = run.eval;
  const exprs = node.functions.flatMap((f) => [
    ...f.args,
    ...f.partitionBy,
    ...f.orderBy.map((o) => o.expr),
    ...(f.aggregate?.args ?? []),
  ]);
  const uses = subqueryUses(node, run.q.plan, exprs);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const rows: Row[] = [];
  for await (const batch of input) {
    const pause = ctx.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    for (const row of batch) {
      if (uses.perRow.length > 0) {
        // A row-dependent subquery in a window argument: its value is fixed per row now.
        throw new SqlError('ER_NOT_SUPPORTED_YET', ['correlated subqueries in window functions']);
      }
      rows.push(row);
    }
    if (rows.length > SORT_ROWS_MAX) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`windows over more than ${SORT_ROWS_MAX} rows`]);
    }
  }
  const columns = node.functions.map((f) => computeFunction(rows, f, ctx));
  let out: Row[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const wide = new Array<Value>(node.width);
    for (let i = 0; i < node.inputWidth; i++) wide[i] = row[i] as Value;
    for (let f = 0; f < columns.length; f++)
      wide[node.inputWidth + f] = (columns[f] as Value[])[r] as Value;
    out.push(wide);
    if (out.length >= RESULT_BATCH_ROWS) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
