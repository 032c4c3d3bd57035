/**
 * Executes query plans (plan-query.ts): each node is an async generator of row batches, pulled
 * by its parent, so rows stream from the table reads through joins, filters and projections;
 * only aggregation, sorting, windows, DISTINCT's seen-set, hash joins' build side and
 * materialized derived tables and CTEs hold rows.
 *
 * A *run* is one execution of one query block (the statement's, a subquery's for one outer row,
 * a derived table's). It carries the EvalContext its expressions see, whose `query` field
 * (query-expr.ts QueryRuntime) holds the enclosing rows and the subquery results.
 *
 * Subqueries run before the expressions that read them (query-expr.ts QE1):
 *   uncorrelated       once per statement (cached);
 *   block-invariant    once per run of the block (they read only enclosing blocks);
 *   row-dependent      for each row, just before the row is evaluated.
 *
 * Invariants:
 *   (QR1) open(node, run, base) yields rows extending `base`: its values stay, the node fills
 *         its own columns (a nested loop passes each outer row down as the inner side's base).
 *   (QR2) every row loop awaits the interrupt checkpoint (KILL QUERY, other sessions' turns).
 *   (QR3) a consumer that stops early (LIMIT, EXISTS, a scalar subquery's second row) returns
 *         the generators, which close their table reads (txn/rows.ts R3).
 */
import assert from 'node:assert/strict';
import { RESULT_BATCH_ROWS, SORT_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { clauseLocking, type Locking } from '../txn/rows.js';
import { unreachable } from '../unreachable.js';
import { collation as collationNamed } from './collation.js';
import { type ExecContext, readRequest } from './execute.js';
import { virtualRows } from './information-schema/index.js';
import {
  type EvalContext,
  type Evaluator,
  type Row,
  compareForSort,
  compile,
  withQuery,
} from './expr.js';
import type { PlanExpr, SortKey } from './plan.js';
import type { CtePlan, QueryNode, QueryPlan } from './plan-query.js';
import { visitExpr } from './plan-walk.js';
import { runAggregate } from './query-aggregate-run.js';
import { neededColumns } from './read-columns.js';
import type { QueryRuntime, SubqueryResult } from './query-expr.js';
import { type KeyOf, type KeyPart, classOf, keyOf, tupleKey } from './query-keys.js';
import { coerceValue } from './query-types.js';
import { runWindow } from './query-window-run.js';
import { statisticsOf } from './statistics.js';
import { type SqlType, type Value, truth } from './values.js';

const EMPTY_ROW: Row = [];

/** What a statement's query runs with. */
export interface QueryContext {
  readonly exec: ExecContext;
  /**
   * How a query block without a locking clause of its own reads (plain, or shared under
   * SERIALIZABLE); a block's clause is on its scans (ScanNode.lock), for its rows alone.
   */
  readonly locking: Locking;
  readonly plan: QueryPlan;
  /** Results of subqueries that read no enclosing row, for the whole statement. */
  readonly uncorrelated: Map<number, SubqueryResult>;
}

interface CteState {
  rows: Row[] | null;
  /** While a recursive CTE iterates: the rows its recursive part reads. */
  working: Row[] | null;
}

/** One execution of one query block. */
export class Run {
  readonly eval: EvalContext;
  /** Common table expressions the block's WITH defined, by id. */
  readonly ctes = new Map<number, CteState>();
  /** Materialized derived tables, by node. */
  readonly derived = new Map<QueryNode, Row[]>();

  constructor(
    readonly q: QueryContext,
    readonly parent: Run | null,
    readonly runtime: QueryRuntime,
  ) {
    this.eval = withQuery(q.exec.eval, runtime);
  }

  /** The same block with `joinRow` as the nested-loop row (depth-0 references). */
  withJoinRow(joinRow: Row): EvalContext {
    const { outer, results } = this.runtime; // per outer row: no spread (withQuery)
    return withQuery(this.eval, { outer, joinRow, results });
  }

  cte(id: number): CteState {
    for (let run: Run | null = this; run !== null; run = run.parent) {
      const state = run.ctes.get(id);
      if (state !== undefined) return state;
    }
    throw new Error(`CTE ${id} is not defined in this run`);
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled expressions, once per plan (plans are immutable and shared by executions)

const compiled = new WeakMap<PlanExpr, Evaluator>();

export function evaluator(e: PlanExpr): Evaluator {
  let f = compiled.get(e);
  if (f === undefined) {
    f = compile(e);
    compiled.set(e, f);
  }
  return f;
}

export function predicate(e: PlanExpr): (row: Row, ctx: EvalContext) => boolean {
  const f = evaluator(e);
  const type = e.info.type;
  return (row, ctx) => truth(type, f(row, ctx), ctx.warnings) === true;
}

// ---------------------------------------------------------------------------------------------
// Subqueries

interface SubqueryUses {
  /** Read no row of this block: prepared once per run (or statement). */
  readonly invariant: readonly number[];
  /** Read this block's row: prepared for each row. */
  readonly perRow: readonly number[];
}

const NO_USES: SubqueryUses = { invariant: [], perRow: [] };
const usesCache = new WeakMap<object, SubqueryUses>();

/** The subqueries `exprs` use, by how often they must run. */
export function subqueryUses(
  key: object,
  plan: QueryPlan,
  exprs: readonly (PlanExpr | null)[],
): SubqueryUses {
  const cached = usesCache.get(key);
  if (cached !== undefined) return cached;
  const invariant = new Set<number>();
  const perRow = new Set<number>();
  for (const e of exprs) {
    if (e === null) continue;
    visitExpr(e, (x) => {
      if (x.kind !== 'subquery') return true;
      const sub = plan.subqueries[x.id];
      assert(sub !== undefined, 'QP3: subquery ids index the plan');
      (sub.perRow ? perRow : invariant).add(x.id);
      return true;
    });
  }
  const uses =
    invariant.size + perRow.size === 0
      ? NO_USES
      : { invariant: [...invariant], perRow: [...perRow] };
  usesCache.set(key, uses);
  return uses;
}

/** Runs subquery `id` for `row` of the current block (null: it reads no row of it). */
async function runSubquery(id: number, run: Run, row: Row | null): Promise<SubqueryResult> {
  const sub = run.q.plan.subqueries[id];
  assert(sub !== undefined, 'QP3: subquery ids index the plan');
  const runtime: QueryRuntime = {
    outer: [...run.runtime.outer, row ?? EMPTY_ROW],
    joinRow: null,
    results: [],
  };
  const child = new Run(run.q, run, runtime);
  const rows: Row[] = [];
  const needed = sub.rowsNeeded;
  const stream = open(sub.root, child, null);
  try {
    for await (const batch of stream) {
      for (const r of batch) {
        rows.push(r.length === sub.columns ? r : r.slice(0, sub.columns));
        if (needed !== null && rows.length >= needed) return { rows };
      }
    }
  } finally {
    await stream.return(undefined);
  }
  return { rows };
}

/** Prepares the block-invariant subqueries of `uses` (statement cache for uncorrelated ones). */
export async function prepareInvariant(uses: SubqueryUses, run: Run): Promise<void> {
  for (const id of uses.invariant) {
    if (run.runtime.results[id] !== undefined) continue;
    let result = run.q.uncorrelated.get(id);
    if (result === undefined) {
      result = await runSubquery(id, run, null);
      if (run.q.plan.subqueries[id]?.uncorrelated === true) run.q.uncorrelated.set(id, result);
    }
    run.runtime.results[id] = result;
  }
}

/** Prepares the row-dependent subqueries of `uses` for `row`. */
export async function prepareRow(uses: SubqueryUses, run: Run, row: Row): Promise<void> {
  for (const id of uses.perRow) run.runtime.results[id] = await runSubquery(id, run, row);
}

// ---------------------------------------------------------------------------------------------
// Nodes

/** Past the rows an operator may hold in memory (there is no spilling to disk yet). */
export function tooMany(what: string): never {
  throw new SqlError('ER_NOT_SUPPORTED_YET', [`${what} more than ${SORT_ROWS_MAX} rows`]);
}

/** The interrupt checkpoint of a row loop: a pause to await now and then, else undefined. */
function checkpoint(ctx: EvalContext): Promise<void> | undefined {
  return ctx.interrupt?.checkpoint();
}

/** A node's rows, in batches (QR1). */
export function open(node: QueryNode, run: Run, base: Row | null): AsyncGenerator<Row[]> {
  switch (node.kind) {
    case 'one-row':
      return oneRow(node.width, base);
    case 'scan':
      return scan(node, run, base);
    case 'derived':
      return derived(node, run, base);
    case 'cte':
      return cteRows(node, run, base);
    case 'nested-loop':
      return nestedLoop(node, run, base);
    case 'hash-join':
      return hashJoin(node, run, base);
    case 'filter':
      return filter(node, run, base);
    case 'aggregate':
      return runAggregate(node, run, open(node.input, run, base));
    case 'window':
      return runWindow(node, run, open(node.input, run, base));
    case 'project':
      return project(node, run, base);
    case 'sort':
      return sort(node, run, base);
    case 'distinct':
      return distinct(node, run, base);
    case 'limit':
      return limit(node, run, base);
    case 'set-operation':
      return setOperation(node, run);
    case 'with':
      return withCtes(node, run, base);
    default:
      return unreachable(node);
  }
}

async function* oneRow(width: number, base: Row | null): AsyncGenerator<Row[]> {
  yield [base ?? new Array<Value>(width).fill(null)];
}

function blank(width: number, base: Row | null): Value[] {
  return base === null ? new Array<Value>(width).fill(null) : base.slice();
}

async function* scan(
  node: QueryNode & { kind: 'scan' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const ctx = base === null ? run.eval : run.withJoinRow(base);
  const uses = subqueryUses(node, run.q.plan, [node.source.residual]);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const { offset, width } = node;
  const direct = base === null && offset === 0 && width === node.source.table.columns.length;
  const locking = node.lock === undefined ? run.q.locking : clauseLocking(node.lock);
  const source =
    node.source.virtual === undefined
      ? run.q.exec.rows.readBatches(
          readRequest(node.source, ctx, locking, neededColumns(run.q.plan, node)),
        )
      : singles(virtualRows(node.source.virtual, node.source.residual, run.q.exec.info, ctx));
  // A locking read locks each row as it reads it: hand rows up one at a time so a LIMIT above
  // stops the read (and its locking) where InnoDB would (SKIP LOCKED job queues rely on it).
  const batchRows = locking.mode === 'none' ? (node.batchRows ?? RESULT_BATCH_ROWS) : 1;
  // A full scan without a filter reads the whole table: its row count is a statistic for free.
  const counts =
    node.source.access.kind === 'full-scan' &&
    node.source.residual === null &&
    node.source.virtual === undefined;
  let seen = 0;
  let batch: Row[] = [];
  for await (const read of source) {
    for (const r of read) {
      const pause = ctx.interrupt?.checkpoint();
      if (pause !== undefined) await pause;
      seen++;
      if (direct) {
        batch.push(r);
      } else {
        const row = blank(width, base);
        const values = r;
        for (let i = 0; i < values.length; i++) row[offset + i] = values[i] as Value;
        batch.push(row);
      }
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
  if (counts) statisticsOf(run.q.exec.catalog).record(node.source.table, seen);
}

/** A row-at-a-time source's rows as one-row batches. */
async function* singles(rows: AsyncIterable<{ readonly row: Value[] }>): AsyncGenerator<Row[]> {
  for await (const r of rows) yield [r.row];
}

/** Rows of a derived table (its own block), placed at its offset. */
async function* derived(
  node: QueryNode & { kind: 'derived' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const place = (rows: readonly Row[]): Row[] =>
    rows.map((r) => {
      const row = blank(node.width, base);
      for (let i = 0; i < node.columns; i++) row[node.offset + i] = r[i] as Value;
      return row;
    });
  const kept = run.derived.get(node);
  if (kept !== undefined) {
    for (let i = 0; i < kept.length; i += RESULT_BATCH_ROWS) {
      yield place(kept.slice(i, i + RESULT_BATCH_ROWS));
    }
    return;
  }
  const outer = node.lateral ? [...run.runtime.outer, base ?? EMPTY_ROW] : run.runtime.outer;
  const child = new Run(run.q, run, { outer, joinRow: null, results: [] });
  const all: Row[] | null = node.materialize ? [] : null;
  for await (const batch of open(node.input, child, null)) {
    await checkpoint(run.eval);
    all?.push(...batch);
    yield place(batch);
  }
  if (all !== null) run.derived.set(node, all);
}

async function* withCtes(
  node: QueryNode & { kind: 'with' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  for (const id of node.ctes) run.ctes.set(id, { rows: null, working: null });
  yield* open(node.input, run, base);
}

async function* cteRows(
  node: QueryNode & { kind: 'cte' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const state = run.cte(node.cte);
  const rows = state.working ?? state.rows ?? (await materializeCte(node.cte, state, run));
  for (let i = 0; i < rows.length; i += RESULT_BATCH_ROWS) {
    await checkpoint(run.eval);
    yield rows.slice(i, i + RESULT_BATCH_ROWS).map((r) => {
      const row = blank(node.width, base);
      for (let c = 0; c < node.columns; c++) row[node.offset + c] = r[c] as Value;
      return row;
    });
  }
}

async function collect(node: QueryNode, run: Run): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of open(node, run, null)) {
    await checkpoint(run.eval);
    rows.push(...batch);
    if (rows.length > SORT_ROWS_MAX) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`materializing more than ${SORT_ROWS_MAX} rows`]);
    }
  }
  return rows;
}

async function materializeCte(id: number, state: CteState, run: Run): Promise<Row[]> {
  const cte = run.q.plan.ctes[id] as CtePlan;
  const owner = ownerOf(run, id);
  const child = (): Run =>
    new Run(run.q, owner, { outer: owner.runtime.outer, joinRow: null, results: [] });
  const anchor = (await collect(cte.anchor, child())).map((r) => r.slice(0, cte.columns));
  if (cte.recursive === null) {
    state.rows = anchor;
    return anchor;
  }
  const keys = cte.types.map((t) => keyOf(classOf(t), t));
  const seen = new Set<KeyPart>();
  const warnings = run.eval.warnings;
  const fresh = (rows: Row[]): Row[] => {
    if (!cte.distinct) return rows;
    return rows.filter((r) => {
      const k = tupleKey(r, keys, warnings);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  const all = fresh(anchor);
  let working = all.slice();
  const depthMax = recursionDepthMax(run.eval);
  for (let iteration = 1; working.length > 0; iteration++) {
    if (iteration > depthMax) throw new SqlError('ER_CTE_MAX_RECURSION_DEPTH', [iteration]);
    state.working = working;
    const produced = (await collect(cte.recursive, child())).map((r) =>
      r
        .slice(0, cte.columns)
        .map((v, i) =>
          coerceValue(cte.types[i] as SqlType, cte.recursiveTypes[i] as SqlType, v, warnings),
        ),
    );
    state.working = null;
    working = fresh(produced);
    all.push(...working);
    if (all.length > SORT_ROWS_MAX) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`materializing more than ${SORT_ROWS_MAX} rows`]);
    }
  }
  state.rows = all;
  return all;
}

function ownerOf(run: Run, id: number): Run {
  for (let r: Run | null = run; r !== null; r = r.parent) if (r.ctes.has(id)) return r;
  return run;
}

function recursionDepthMax(ctx: EvalContext): number {
  try {
    const v = ctx.variables?.system('cte_max_recursion_depth', null);
    return typeof v === 'bigint' ? Number(v) : 1000;
  } catch {
    return 1000;
  }
}

// -- joins ---------------------------------------------------------------------------------------

function nullInner(row: Row, ranges: readonly (readonly [number, number])[]): Row {
  const out = row.slice();
  for (const [a, b] of ranges) for (let i = a; i < b; i++) out[i] = null;
  return out;
}

/** What an outer row adds after its matches: NULL-extended (LEFT), or itself (SEMI/ANTI). */
function pushOuter(
  node: { readonly join: string; readonly innerRanges: readonly (readonly [number, number])[] },
  o: Row,
  matched: boolean,
  out: Row[],
): void {
  if (!matched && node.join === 'left') out.push(nullInner(o, node.innerRanges));
  else if (matched ? node.join === 'semi' : node.join === 'anti') out.push(o);
}

async function* nestedLoop(
  node: QueryNode & { kind: 'nested-loop' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const test = node.condition === null ? null : predicate(node.condition);
  const uses = subqueryUses(node, run.q.plan, [node.condition]);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  let out: Row[] = [];
  for await (const batch of open(node.outer, run, base)) {
    for (const o of batch) {
      let matched = false;
      const inner = open(node.inner, run, o);
      try {
        for await (const rows of inner) {
          for (const row of rows) {
            await checkpoint(run.eval);
            if (uses.perRow.length > 0) await prepareRow(uses, run, row);
            if (test !== null && !test(row, run.eval)) continue;
            matched = true;
            if (node.join === 'inner' || node.join === 'left') out.push(row);
            else break;
          }
          if (matched && (node.join === 'semi' || node.join === 'anti')) break;
        }
      } finally {
        await inner.return(undefined);
      }
      pushOuter(node, o, matched, out);
      if (out.length >= RESULT_BATCH_ROWS) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length > 0) yield out;
}

async function* hashJoin(
  node: QueryNode & { kind: 'hash-join' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const warnings = run.eval.warnings;
  const innerEval = node.innerKeys.map(evaluator);
  const outerEval = node.outerKeys.map(evaluator);
  const innerKeys = node.modes.map((m, i) => keyOf(m, (node.innerKeys[i] as PlanExpr).info.type));
  const outerKeys = node.modes.map((m, i) => keyOf(m, (node.outerKeys[i] as PlanExpr).info.type));
  const uses = subqueryUses(node, run.q.plan, [node.condition]);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const table = new Map<KeyPart, Row[]>();
  let built = 0;
  const values: Value[] = new Array<Value>(innerEval.length);
  for await (const batch of open(node.inner, run, null)) {
    for (const row of batch) {
      await checkpoint(run.eval);
      if (!keysOf(innerEval, row, run.eval, values)) continue; // NULL never matches
      const k = tupleKey(values, innerKeys, warnings);
      const bucket = table.get(k);
      if (bucket === undefined) table.set(k, [row]);
      else bucket.push(row);
      if (++built > SORT_ROWS_MAX) tooMany('hashing');
    }
  }
  const test = node.condition === null ? null : predicate(node.condition);
  let out: Row[] = [];
  for await (const batch of open(node.outer, run, base)) {
    for (const o of batch) {
      await checkpoint(run.eval);
      let matched = false;
      const bucket = keysOf(outerEval, o, run.eval, values)
        ? table.get(tupleKey(values, outerKeys, warnings))
        : undefined;
      for (const i of bucket ?? []) {
        const row = o.slice();
        for (const [a, b] of node.innerRanges) for (let c = a; c < b; c++) row[c] = i[c] as Value;
        if (uses.perRow.length > 0) await prepareRow(uses, run, row);
        if (test !== null && !test(row, run.eval)) continue;
        matched = true;
        if (node.join === 'inner' || node.join === 'left') out.push(row);
        else break;
      }
      pushOuter(node, o, matched, out);
      if (out.length >= RESULT_BATCH_ROWS) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length > 0) yield out;
}

/** Evaluates join keys into `values`; false when one is NULL. */
function keysOf(keys: readonly Evaluator[], row: Row, ctx: EvalContext, values: Value[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const v = (keys[i] as Evaluator)(row, ctx);
    if (v === null) return false;
    values[i] = v;
  }
  return true;
}

// -- row-at-a-time stages ------------------------------------------------------------------------

async function* filter(
  node: QueryNode & { kind: 'filter' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const test = predicate(node.condition);
  const uses = subqueryUses(node, run.q.plan, [node.condition]);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const ctx = run.eval;
  for await (const batch of open(node.input, run, base)) {
    const out: Row[] = [];
    for (const row of batch) {
      if (uses.perRow.length > 0) {
        await checkpoint(ctx);
        await prepareRow(uses, run, row);
      }
      if (test(row, ctx)) out.push(row);
    }
    if (out.length > 0) yield out;
  }
}

async function* project(
  node: QueryNode & { kind: 'project' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const exprs = node.exprs.map(evaluator);
  const n = exprs.length;
  const uses = subqueryUses(node, run.q.plan, node.exprs);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const ctx = run.eval;
  for await (const batch of open(node.input, run, base)) {
    const out: Row[] = new Array<Row>(batch.length);
    for (let r = 0; r < batch.length; r++) {
      const row = batch[r] as Row;
      if (uses.perRow.length > 0) {
        await checkpoint(ctx);
        await prepareRow(uses, run, row);
      }
      const values = new Array<Value>(n);
      for (let i = 0; i < n; i++) values[i] = (exprs[i] as Evaluator)(row, ctx);
      out[r] = values;
    }
    yield out;
  }
}

interface SortPlanKey {
  readonly eval: Evaluator;
  readonly type: SqlType;
  readonly collation: ReturnType<typeof collationNamed> | null;
  readonly sign: number;
}

function sortKeysOf(keys: readonly SortKey[]): SortPlanKey[] {
  return keys.map((k) => ({
    eval: evaluator(k.expr),
    type: k.expr.info.type,
    collation:
      k.expr.info.type.kind === 'string' ? collationNamed(k.expr.info.type.collation) : null,
    sign: k.descending ? -1 : 1,
  }));
}

interface Decorated {
  readonly row: Row;
  readonly values: Value[];
  readonly at: number;
  /** The first key's collation sort prefix (collation.ts K2), or -1: compare the values. */
  readonly prefix: number;
}

/** K2: a sort prefix that is a multiple of this holds its string's every weight. */
const WHOLE_PREFIX = 0x10000;

/**
 * The first key's sort prefix function, when it is a string compared by a collation that has
 * one (K2): ENUM, SET and JSON sort otherwise (expr.ts compareForSort).
 */
function sortPrefixOf(keys: readonly SortPlanKey[]): ((s: string) => number) | null {
  const k = keys[0];
  if (k === undefined || k.type.kind !== 'string' || k.collation === null) return null;
  const variant = k.type.variant;
  if (variant === 'enum' || variant === 'set' || variant === 'json') return null;
  return k.collation.sortPrefix ?? null;
}

function compareDecorated(keys: readonly SortPlanKey[]): (a: Decorated, b: Decorated) => number {
  const sign0 = keys[0]?.sign ?? 1;
  return (a, b) => {
    let j = 0;
    const p = a.prefix;
    const q = b.prefix;
    if (p >= 0 && q >= 0) {
      // K2: differing prefixes decide; equal whole ones are equal strings.
      if (p !== q) return p < q ? -sign0 : sign0;
      if (p % WHOLE_PREFIX === 0) j = 1;
    }
    for (; j < keys.length; j++) {
      const k = keys[j] as SortPlanKey;
      const c = compareForSort(k.type, a.values[j] as Value, b.values[j] as Value, k.collation);
      if (c !== 0) return c * k.sign;
    }
    return a.at - b.at;
  };
}

async function* sort(
  node: QueryNode & { kind: 'sort' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const keys = sortKeysOf(node.keys);
  const compareRows = compareDecorated(keys);
  const prefixOf = sortPrefixOf(keys);
  const keep = node.keep === null ? null : Number(node.keep);
  if (keep === 0) return;
  const uses = subqueryUses(
    node,
    run.q.plan,
    node.keys.map((k) => k.expr),
  );
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const ctx = run.eval;
  let rows: Decorated[] = [];
  let at = 0;
  for await (const batch of open(node.input, run, base)) {
    await checkpoint(ctx);
    for (const row of batch) {
      if (uses.perRow.length > 0) await prepareRow(uses, run, row);
      const values = new Array<Value>(keys.length);
      for (let j = 0; j < keys.length; j++) values[j] = (keys[j] as SortPlanKey).eval(row, ctx);
      const v0 = values[0];
      const prefix = prefixOf !== null && typeof v0 === 'string' ? prefixOf(v0) : -1;
      rows.push({ row, values, at: at++, prefix });
    }
    // Top-N: keep the buffer bounded by sorting and cutting it now and then.
    if (keep !== null && rows.length > Math.max(2 * keep, 1024)) {
      rows.sort(compareRows);
      rows.length = keep;
    }
    if (rows.length > SORT_ROWS_MAX) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`sorting more than ${SORT_ROWS_MAX} rows`]);
    }
  }
  rows.sort(compareRows);
  if (keep !== null && rows.length > keep) rows.length = keep;
  if (node.dedupe === true) rows = withoutRepeats(rows, keys);
  for (let i = 0; i < rows.length; i += RESULT_BATCH_ROWS) {
    yield rows.slice(i, i + RESULT_BATCH_ROWS).map((d) => d.row);
  }
  rows = [];
}

/** Sorted rows without those equal to the row before them in every key (Sort with dedupe). */
function withoutRepeats(rows: readonly Decorated[], keys: readonly SortPlanKey[]): Decorated[] {
  const out: Decorated[] = [];
  let last: Decorated | undefined;
  for (const d of rows) {
    if (last !== undefined && sameKeys(last, d, keys)) continue;
    out.push(d);
    last = d;
  }
  return out;
}

function sameKeys(a: Decorated, b: Decorated, keys: readonly SortPlanKey[]): boolean {
  let j = 0;
  if (a.prefix >= 0 && b.prefix >= 0) {
    if (a.prefix !== b.prefix) return false; // K2
    if (a.prefix % WHOLE_PREFIX === 0) j = 1;
  }
  for (; j < keys.length; j++) {
    const k = keys[j] as SortPlanKey;
    if (compareForSort(k.type, a.values[j] as Value, b.values[j] as Value, k.collation) !== 0) {
      return false;
    }
  }
  return true;
}

async function* distinct(
  node: QueryNode & { kind: 'distinct' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  const keys: KeyOf[] = node.types.map((t) => keyOf(classOf(t), t));
  const seen = new Set<KeyPart>();
  const warnings = run.eval.warnings;
  for await (const batch of open(node.input, run, base)) {
    await checkpoint(run.eval);
    const out: Row[] = [];
    for (const row of batch) {
      const k = tupleKey(row, keys, warnings);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(row);
    }
    if (seen.size > SORT_ROWS_MAX) tooMany('removing duplicates from');
    if (out.length > 0) yield out;
  }
}

async function* limit(
  node: QueryNode & { kind: 'limit' },
  run: Run,
  base: Row | null,
): AsyncGenerator<Row[]> {
  let skip = node.offset;
  let left = node.count;
  if (left === 0n) return;
  for await (const batch of open(node.input, run, base)) {
    let from = 0;
    if (skip > 0n) {
      const n = skip >= BigInt(batch.length) ? batch.length : Number(skip);
      skip -= BigInt(n);
      from = n;
    }
    if (from >= batch.length) continue;
    const available = BigInt(batch.length - from);
    if (available >= left) {
      yield batch.slice(from, from + Number(left));
      return;
    }
    left -= available;
    yield from === 0 ? batch : batch.slice(from);
  }
}

// -- set operations ------------------------------------------------------------------------------

async function* setOperation(
  node: QueryNode & { kind: 'set-operation' },
  run: Run,
): AsyncGenerator<Row[]> {
  const warnings = run.eval.warnings;
  const convert = (batch: readonly Row[], from: readonly SqlType[]): Row[] =>
    batch.map((r) =>
      node.types.map((t, i) => coerceValue(t, from[i] as SqlType, r[i] as Value, warnings)),
    );
  const keys = node.types.map((t) => keyOf(classOf(t), t));
  if (node.op === 'union') {
    const seen = node.distinct ? new Set<KeyPart>() : null;
    for (const [side, from] of [
      [node.left, node.leftTypes],
      [node.right, node.rightTypes],
    ] as const) {
      for await (const batch of open(side, run, null)) {
        await checkpoint(run.eval);
        const rows = convert(batch, from);
        if (seen === null) {
          yield rows;
          continue;
        }
        const out = rows.filter((r) => {
          const k = tupleKey(r, keys, warnings);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        if (out.length > 0) yield out;
      }
    }
    return;
  }
  // INTERSECT / EXCEPT: count the right side's rows, then stream the left side.
  const counts = new Map<KeyPart, number>();
  for await (const batch of open(node.right, run, null)) {
    await checkpoint(run.eval);
    for (const r of convert(batch, node.rightTypes)) {
      const k = tupleKey(r, keys, warnings);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const emitted = new Set<KeyPart>();
  for await (const batch of open(node.left, run, null)) {
    await checkpoint(run.eval);
    const out: Row[] = [];
    for (const r of convert(batch, node.leftTypes)) {
      const k = tupleKey(r, keys, warnings);
      const n = counts.get(k) ?? 0;
      const keepIt = node.op === 'intersect' ? n > 0 : n === 0;
      if (node.distinct) {
        if (!keepIt || emitted.has(k)) continue;
        emitted.add(k);
        out.push(r);
      } else if (node.op === 'intersect') {
        if (n > 0) {
          counts.set(k, n - 1);
          out.push(r);
        }
      } else if (n > 0) {
        counts.set(k, n - 1);
      } else {
        out.push(r);
      }
    }
    if (out.length > 0) yield out;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** A statement's query: rows of its output columns (internal values), in batches. */
export async function* runQuery(
  plan: QueryPlan,
  exec: ExecContext,
  locking: Locking,
): AsyncGenerator<Row[]> {
  const q: QueryContext = { exec, locking, plan, uncorrelated: new Map() };
  const outer = exec.eval.query?.outer ?? [];
  const run = new Run(q, null, { outer, joinRow: null, results: [] });
  const width = plan.columns.length;
  for await (const batch of open(plan.root, run, null)) {
    yield batch.every((r) => r.length === width) ? batch : batch.map((r) => r.slice(0, width));
  }
}
