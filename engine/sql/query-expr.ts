/**
 * Evaluation of the two expression kinds queries add (plan.ts): 'outer-column' and 'subquery'.
 * Expressions evaluate synchronously, while a subquery reads tables (asynchronously), so the
 * executor (query-run.ts) runs a subquery *before* the expressions that need it and leaves its
 * rows in the running query's QueryRuntime; the evaluators here only read them:
 *
 *   outer-column depth 0   runtime.joinRow[index]                 (nested-loop join keys)
 *   outer-column depth d   runtime.outer[outer.length - d][index]  (correlated references)
 *   subquery id            runtime.results[id]: its rows, as many as its test needs
 *
 * Invariants: (QE1) an evaluator never runs before the executor prepared what it reads (a
 * missing result is a bug, asserted); (QE2) tests follow SQL's three-valued logic: IN and ANY are
 * true on a match, else NULL when a comparison was NULL, else false; ALL is false on a failed
 * comparison, else NULL when one was NULL, else true; over no rows IN/ANY are false and ALL
 * true, whatever the operand.
 */
import assert from 'node:assert/strict';
import { SqlError } from '../errors.js';
import { unreachable } from '../unreachable.js';
import {
  type EvalContext, type Evaluator, type Row, bool, compareIn, compareOutcome, compile,
} from './expr.js';
import type { CompareMode, CompareOp, PlanExpr, SubqueryTest } from './plan.js';
import { type KeyOf, type KeyPart, NULL_KEY, keyOf, tupleKey } from './query-keys.js';
import type { SqlType, Value, Warnings } from './values.js';

/** The rows a subquery produced for one evaluation, and a hash of them for IN. */
export interface SubqueryResult {
  readonly rows: readonly Row[];
  /** IN's hash set over `rows` (built on first use): keys of rows without NULL. */
  inSet?: { readonly keys: Set<KeyPart>; readonly rowsWithNull: readonly Row[] };
}

/** What a running query block offers its expressions (EvalContext.query). */
export interface QueryRuntime {
  /** Rows of the enclosing query blocks, innermost last. */
  readonly outer: readonly Row[];
  /** The row driving the nested-loop iteration that opened this read (depth-0 references). */
  readonly joinRow: Row | null;
  /** Subquery results by subquery id, prepared by the executor (QE1). */
  readonly results: (SubqueryResult | undefined)[];
}

/** a op b in three-valued logic. */
function compare3(
  op: CompareOp,
  mode: CompareMode,
  ta: SqlType,
  a: Value,
  tb: SqlType,
  b: Value,
  warnings: Warnings,
): boolean | null {
  if (a === null || b === null) return null;
  return compareOutcome(op, compareIn(mode, ta, a, tb, b, warnings));
}

/** (a1, a2, …) op (b1, b2, …): = and <> componentwise, others lexicographically (MySQL). */
export function compareRows(
  op: CompareOp,
  modes: readonly CompareMode[],
  left: readonly Value[],
  leftTypes: readonly SqlType[],
  right: readonly Value[],
  rightTypes: readonly SqlType[],
  warnings: Warnings,
): boolean | null {
  const n = modes.length;
  const cmp = (i: number, o: CompareOp): boolean | null =>
    compare3(
      o,
      modes[i] as CompareMode,
      leftTypes[i] as SqlType,
      left[i] as Value,
      rightTypes[i] as SqlType,
      right[i] as Value,
      warnings,
    );
  if (op === '=' || op === '<>') {
    let unknown = false;
    for (let i = 0; i < n; i++) {
      const eq = cmp(i, '=');
      if (eq === false) return op === '<>';
      if (eq === null) unknown = true;
    }
    return unknown ? null : op === '=';
  }
  // a < b ≡ a1 < b1 OR (a1 = b1 AND rest < rest), in three-valued logic.
  const strict: CompareOp = op === '<=' ? '<' : op === '>=' ? '>' : op;
  const lex = (i: number): boolean | null => {
    if (i === n - 1) return cmp(i, op);
    const first = cmp(i, strict);
    if (first === true) return true;
    const eq = cmp(i, '=');
    const rest = eq === false ? false : lex(i + 1);
    const tail =
      eq === false || rest === false ? false : eq === null || rest === null ? null : true;
    if (tail === true) return true;
    return first === null || tail === null ? null : false;
  };
  return lex(0);
}

function resultOf(ctx: EvalContext, id: number): SubqueryResult {
  const result = ctx.query?.results[id];
  assert(result !== undefined, 'QE1: the executor prepared the subquery');
  return result;
}

function scalarEvaluator(id: number): Evaluator {
  return (_row, ctx) => {
    const { rows } = resultOf(ctx, id);
    if (rows.length > 1) throw new SqlError('ER_SUBQUERY_NO_1_ROW');
    return rows.length === 0 ? null : ((rows[0] as Row)[0] as Value);
  };
}

function inSet(
  result: SubqueryResult,
  keys: readonly KeyOf[],
  warnings: Warnings,
): NonNullable<SubqueryResult['inSet']> {
  if (result.inSet !== undefined) return result.inSet;
  const set = new Set<KeyPart>();
  const withNull: Row[] = [];
  for (const r of result.rows) {
    if (r.some((v) => v === null)) withNull.push(r);
    else set.add(tupleKey(r, keys, warnings));
  }
  result.inSet = { keys: set, rowsWithNull: withNull };
  return result.inSet;
}

function inEvaluator(
  id: number,
  test: SubqueryTest & { kind: 'in' },
  columnTypes: readonly SqlType[],
): Evaluator {
  const operands = test.operands.map(compile);
  const operandTypes = test.operands.map((o) => o.info.type);
  // Both sides hash in the comparison's class, so equal values meet (K1 in query-keys.ts).
  const leftKeys = test.modes.map((m, i) => keyOf(m, operandTypes[i] as SqlType));
  const rightKeys = test.modes.map((m, i) => keyOf(m, columnTypes[i] as SqlType));
  const hashable = test.modes.every((m) => m.kind !== 'datetime');
  const values: Value[] = new Array<Value>(operands.length);
  return (row, ctx) => {
    const result = resultOf(ctx, id);
    if (result.rows.length === 0) return bool(test.negated);
    for (let i = 0; i < operands.length; i++) values[i] = (operands[i] as Evaluator)(row, ctx);
    let found: boolean | null = false;
    if (hashable && !values.some((v) => v === null)) {
      const set = inSet(result, rightKeys, ctx.warnings);
      if (set.keys.has(tupleKey(values, leftKeys, ctx.warnings))) found = true;
      else found = scanIn(set.rowsWithNull, values, operandTypes, columnTypes, test.modes, ctx);
    } else {
      found = scanIn(result.rows, values, operandTypes, columnTypes, test.modes, ctx);
    }
    if (found === null) return null;
    return bool(found !== test.negated);
  };
}

function scanIn(
  rows: readonly Row[],
  values: readonly Value[],
  leftTypes: readonly SqlType[],
  rightTypes: readonly SqlType[],
  modes: readonly CompareMode[],
  ctx: EvalContext,
): boolean | null {
  let unknown = false;
  for (const r of rows) {
    const eq = compareRows('=', modes, values, leftTypes, r, rightTypes, ctx.warnings);
    if (eq === true) return true;
    if (eq === null) unknown = true;
  }
  return unknown ? null : false;
}

function quantifiedEvaluator(
  id: number,
  test: SubqueryTest & { kind: 'quantified' },
  columnType: SqlType,
): Evaluator {
  const operand = compile(test.operand);
  const ot = test.operand.info.type;
  return (row, ctx) => {
    const { rows } = resultOf(ctx, id);
    if (rows.length === 0) return bool(test.all);
    const v = operand(row, ctx);
    let unknown = false;
    for (const r of rows) {
      const c = compare3(test.op, test.mode, ot, v, columnType, r[0] as Value, ctx.warnings);
      if (c === null) unknown = true;
      else if (c !== test.all) return bool(c);
    }
    return unknown ? null : bool(test.all);
  };
}

function rowCompareEvaluator(
  id: number,
  test: SubqueryTest & { kind: 'row-compare' },
  columnTypes: readonly SqlType[],
): Evaluator {
  const operands = test.operands.map(compile);
  const operandTypes = test.operands.map((o) => o.info.type);
  return (row, ctx) => {
    const { rows } = resultOf(ctx, id);
    if (rows.length > 1) throw new SqlError('ER_SUBQUERY_NO_1_ROW');
    const right = rows[0];
    if (right === undefined) return null;
    const left = operands.map((o) => o(row, ctx));
    const c = compareRows(
      test.op,
      test.modes,
      left,
      operandTypes,
      right,
      columnTypes,
      ctx.warnings,
    );
    return c === null ? null : bool(c);
  };
}

/** Compiles 'outer-column' and 'subquery' (expr.ts delegates them here). */
export function compileQueryExpr(e: PlanExpr & { kind: 'outer-column' | 'subquery' }): Evaluator {
  if (e.kind === 'outer-column') {
    const { depth, index } = e;
    if (depth === 0) {
      return (_row, ctx) => {
        const joinRow = ctx.query?.joinRow;
        assert(joinRow !== undefined && joinRow !== null, 'QE1: a join row is set');
        return joinRow[index] as Value;
      };
    }
    return (_row, ctx) => {
      const outer = ctx.query?.outer;
      const row = outer?.[outer.length - depth];
      assert(row !== undefined, 'QE1: the enclosing row is set');
      return row[index] as Value;
    };
  }
  const { id, test } = e;
  switch (test.kind) {
    case 'scalar':
      return scalarEvaluator(id);
    case 'exists':
      return (_row, ctx) => bool(resultOf(ctx, id).rows.length > 0 !== test.negated);
    case 'in':
      return inEvaluator(id, test, e.columnTypes);
    case 'quantified':
      return quantifiedEvaluator(id, test, e.columnTypes[0] as SqlType);
    case 'row-compare':
      return rowCompareEvaluator(id, test, e.columnTypes);
    default:
      return unreachable(test);
  }
}

export { NULL_KEY };
