/**
 * Aggregation: the aggregate node (plan-query.ts) groups its input rows by the GROUP BY values
 * (query-keys.ts: equal under the values' comparison, NULLs together) and folds each group
 * through one accumulator per aggregate function, with MySQL's semantics:
 *
 *   COUNT(*) rows; COUNT(x, …) rows with no argument NULL; SUM / AVG of integers and decimals
 *   exact (AVG with div_precision_increment = 4 more digits), of others DOUBLE; MIN / MAX by the
 *   argument's order (collation for strings); BIT_AND / OR / XOR on BIGINT UNSIGNED (BIT_AND of
 *   no rows is 18446744073709551615); STDDEV / VARIANCE in DOUBLE (the _SAMP forms NULL for
 *   fewer than two values); GROUP_CONCAT joined by SEPARATOR in its ORDER BY, cut at
 *   group_concat_max_len bytes with warning 1260; JSON_ARRAYAGG / JSON_OBJECTAGG as JSON.
 *   NULL arguments are skipped (JSON_ARRAYAGG keeps them); DISTINCT folds each distinct
 *   argument tuple once. Over no rows every aggregate but COUNT (0) and BIT_* is NULL.
 *
 * Output rows are [first input row of the group…, group values…, aggregate results…]. WITH
 * ROLLUP adds, after each run of groups sharing a prefix, the super-aggregate row of that
 * prefix (the rolled-up group values NULL), groups in key order.
 *
 * Invariants: (AG1) without GROUP BY there is exactly one output row; (AG2) every input row is
 * folded into exactly one group per rollup level.
 */
import { RESULT_BATCH_ROWS, SORT_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { collation as collationNamed } from './collation.js';
import { Decimal } from './decimal.js';
import { type EvalContext, type Evaluator, type Row, compareForSort } from './expr.js';
import { type Json, type JsonObject, serializeJson, sortObject } from './json.js';
import { toJson } from './json-values.js';
import type { AggregateSpec, QueryNode } from './plan-query.js';
import { type KeyOf, type KeyPart, classOf, keyOf, tupleKey } from './query-keys.js';
import {
  type Run,
  evaluator,
  prepareInvariant,
  prepareRow,
  subqueryUses,
  tooMany,
} from './query-run.js';
import { type SqlType, type Value, toDecimal, toDouble, toText } from './values.js';

const UINT64_ALL = 2n ** 64n - 1n;

/** One aggregate's running state for one group. */
export interface Accumulator {
  add(row: Row, ctx: EvalContext): void;
  result(ctx: EvalContext, group: number): Value;
}

/** What an accumulator needs from its spec, compiled once per run. */
export interface CompiledAggregate {
  readonly spec: AggregateSpec;
  readonly args: readonly Evaluator[];
  readonly argTypes: readonly SqlType[];
  readonly distinctKeys: readonly KeyOf[];
  /** GROUP_CONCAT's order keys. */
  readonly order: readonly { eval: Evaluator; type: SqlType; sign: number }[];
  readonly concatMax: number;
}

export function compileAggregate(spec: AggregateSpec, ctx: EvalContext): CompiledAggregate {
  const argTypes = spec.args.map((a) => a.info.type);
  return {
    spec,
    args: spec.args.map(evaluator),
    argTypes,
    distinctKeys: argTypes.map((t) => keyOf(classOf(t), t)),
    order: spec.orderBy.map((k) => ({
      eval: evaluator(k.expr),
      type: k.expr.info.type,
      sign: k.descending ? -1 : 1,
    })),
    concatMax: spec.name === 'group_concat' ? groupConcatMax(ctx) : 0,
  };
}

function groupConcatMax(ctx: EvalContext): number {
  try {
    const v = ctx.variables?.system('group_concat_max_len', null);
    return typeof v === 'bigint' ? Number(v) : 1024;
  } catch {
    return 1024;
  }
}

/** The argument values of a row; null when one of them is NULL (the row is skipped). */
function argValues(c: CompiledAggregate, row: Row, ctx: EvalContext): Value[] | null {
  const values = new Array<Value>(c.args.length);
  for (let i = 0; i < c.args.length; i++) {
    const v = (c.args[i] as Evaluator)(row, ctx);
    if (v === null) return null;
    values[i] = v;
  }
  return values;
}

class CountAcc implements Accumulator {
  private n = 0n;
  constructor(private readonly c: CompiledAggregate) {}
  add(row: Row, ctx: EvalContext): void {
    if (this.c.args.length === 0 || argValues(this.c, row, ctx) !== null) this.n++;
  }
  result(): Value {
    return this.n;
  }
}

class SumAcc implements Accumulator {
  private int = 0n;
  private decimal: Decimal | null = null;
  private double = 0;
  private n = 0;
  constructor(
    private readonly c: CompiledAggregate,
    private readonly average: boolean,
  ) {}
  add(row: Row, ctx: EvalContext): void {
    const v = (this.c.args[0] as Evaluator)(row, ctx);
    if (v === null) return;
    this.n++;
    const result = this.c.spec.info.type.kind;
    if (result === 'double') {
      this.double += toDouble(this.c.argTypes[0] as SqlType, v, ctx.warnings) ?? 0;
    } else if (typeof v === 'bigint' && (this.c.argTypes[0] as SqlType).kind === 'int') {
      this.int += v;
    } else {
      const d = toDecimal(this.c.argTypes[0] as SqlType, v, ctx.warnings) as Decimal;
      this.decimal = this.decimal === null ? d : this.decimal.add(d);
    }
  }
  result(): Value {
    if (this.n === 0) return null;
    const info = this.c.spec.info;
    if (info.type.kind === 'double') return this.average ? this.double / this.n : this.double;
    let sum = Decimal.fromBigInt(this.int);
    if (this.decimal !== null) sum = sum.add(this.decimal);
    if (!this.average) return sum;
    const avg = sum.div(Decimal.fromBigInt(BigInt(this.n))) as Decimal;
    return avg.rescale(info.decimals);
  }
}

class MinMaxAcc implements Accumulator {
  private best: Value = null;
  private readonly type: SqlType;
  private readonly coll: ReturnType<typeof collationNamed> | null;
  constructor(
    private readonly c: CompiledAggregate,
    private readonly sign: number,
  ) {
    this.type = c.argTypes[0] as SqlType;
    this.coll = this.type.kind === 'string' ? collationNamed(this.type.collation) : null;
  }
  add(row: Row, ctx: EvalContext): void {
    const v = (this.c.args[0] as Evaluator)(row, ctx);
    if (v === null) return;
    if (this.best === null || compareForSort(this.type, v, this.best, this.coll) * this.sign < 0) {
      this.best = v;
    }
  }
  result(): Value {
    return this.best;
  }
}

class BitAcc implements Accumulator {
  private acc: bigint;
  constructor(
    private readonly c: CompiledAggregate,
    private readonly op: 'and' | 'or' | 'xor',
  ) {
    this.acc = op === 'and' ? UINT64_ALL : 0n;
  }
  add(row: Row, ctx: EvalContext): void {
    const v = (this.c.args[0] as Evaluator)(row, ctx);
    if (v === null) return;
    const d = toDecimal(this.c.argTypes[0] as SqlType, v, ctx.warnings);
    const x = BigInt.asUintN(64, d === null ? 0n : d.rescale(0).toBigInt());
    this.acc = this.op === 'and' ? this.acc & x : this.op === 'or' ? this.acc | x : this.acc ^ x;
  }
  result(): Value {
    return this.acc;
  }
}

class VarianceAcc implements Accumulator {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  constructor(
    private readonly c: CompiledAggregate,
    private readonly sample: boolean,
    private readonly root: boolean,
  ) {}
  add(row: Row, ctx: EvalContext): void {
    const v = (this.c.args[0] as Evaluator)(row, ctx);
    if (v === null) return;
    const x = toDouble(this.c.argTypes[0] as SqlType, v, ctx.warnings) ?? 0;
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }
  result(): Value {
    if (this.n === 0 || (this.sample && this.n < 2)) return null;
    const variance = this.m2 / (this.sample ? this.n - 1 : this.n);
    return this.root ? Math.sqrt(variance) : variance;
  }
}

class GroupConcatAcc implements Accumulator {
  private readonly entries: { text: string; keys: Value[]; at: number }[] = [];
  constructor(private readonly c: CompiledAggregate) {}
  add(row: Row, ctx: EvalContext): void {
    const values = argValues(this.c, row, ctx);
    if (values === null) return;
    let text = '';
    for (let i = 0; i < values.length; i++) {
      text += toText(this.c.argTypes[i] as SqlType, values[i] as Value) ?? '';
    }
    const keys = this.c.order.map((o) => o.eval(row, ctx));
    this.entries.push({ text, keys, at: this.entries.length });
  }
  result(ctx: EvalContext, group: number): Value {
    if (this.entries.length === 0) return null;
    const order = this.c.order;
    if (order.length > 0) {
      this.entries.sort((a, b) => {
        for (let j = 0; j < order.length; j++) {
          const o = order[j] as (typeof order)[number];
          const coll = o.type.kind === 'string' ? collationNamed(o.type.collation) : null;
          const c = compareForSort(o.type, a.keys[j] as Value, b.keys[j] as Value, coll);
          if (c !== 0) return c * o.sign;
        }
        return a.at - b.at;
      });
    }
    const joined = this.entries.map((e) => e.text).join(this.c.spec.separator);
    return cut(joined, this.c, ctx, group);
  }
}

/** GROUP_CONCAT's result cut to group_concat_max_len bytes, with warning 1260. */
function cut(text: string, c: CompiledAggregate, ctx: EvalContext, group: number): string {
  const binary = c.spec.info.type.kind === 'string' && c.spec.info.type.collation === 'binary';
  const bytes = binary ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes <= c.concatMax) return text;
  let out: string;
  if (binary) out = text.slice(0, c.concatMax);
  else {
    out = '';
    let used = 0;
    for (const ch of text) {
      const n = Buffer.byteLength(ch, 'utf8');
      if (used + n > c.concatMax) break;
      out += ch;
      used += n;
    }
  }
  const error = new SqlError('ER_CUT_VALUE_GROUP_CONCAT', [group]);
  ctx.warnings.warn('Warning', error.errno, error.message);
  return out;
}

class JsonArrayAcc implements Accumulator {
  private readonly items: Json[] = [];
  constructor(private readonly c: CompiledAggregate) {}
  add(row: Row, ctx: EvalContext): void {
    const v = (this.c.args[0] as Evaluator)(row, ctx);
    this.items.push(toJson(this.c.argTypes[0] as SqlType, v));
  }
  result(): Value {
    return this.items.length === 0 ? null : serializeJson(this.items);
  }
}

class JsonObjectAcc implements Accumulator {
  private readonly members: JsonObject = new Map();
  private any = false;
  constructor(private readonly c: CompiledAggregate) {}
  add(row: Row, ctx: EvalContext): void {
    const k = (this.c.args[0] as Evaluator)(row, ctx);
    if (k === null) throw new SqlError('ER_JSON_DOCUMENT_NULL_KEY');
    const v = (this.c.args[1] as Evaluator)(row, ctx);
    this.any = true;
    this.members.set(
      toText(this.c.argTypes[0] as SqlType, k) ?? '',
      toJson(this.c.argTypes[1] as SqlType, v),
    );
  }
  result(): Value {
    return this.any ? serializeJson(sortObject(this.members)) : null;
  }
}

/** Folds each distinct argument tuple once into `inner`. */
class DistinctAcc implements Accumulator {
  private readonly seen = new Set<KeyPart>();
  constructor(
    private readonly c: CompiledAggregate,
    private readonly inner: Accumulator,
  ) {}
  add(row: Row, ctx: EvalContext): void {
    const values = argValues(this.c, row, ctx);
    if (values === null) return;
    const k = tupleKey(values, this.c.distinctKeys, ctx.warnings);
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.inner.add(row, ctx);
  }
  result(ctx: EvalContext, group: number): Value {
    return this.inner.result(ctx, group);
  }
}

export function accumulator(c: CompiledAggregate): Accumulator {
  const inner = baseAccumulator(c);
  return c.spec.distinct ? new DistinctAcc(c, inner) : inner;
}

function baseAccumulator(c: CompiledAggregate): Accumulator {
  switch (c.spec.name) {
    case 'count':
      return new CountAcc(c);
    case 'sum':
      return new SumAcc(c, false);
    case 'avg':
      return new SumAcc(c, true);
    case 'min':
      return new MinMaxAcc(c, 1);
    case 'max':
      return new MinMaxAcc(c, -1);
    case 'bit_and':
      return new BitAcc(c, 'and');
    case 'bit_or':
      return new BitAcc(c, 'or');
    case 'bit_xor':
      return new BitAcc(c, 'xor');
    case 'stddev':
    case 'stddev_pop':
      return new VarianceAcc(c, false, true);
    case 'stddev_samp':
      return new VarianceAcc(c, true, true);
    case 'var_pop':
      return new VarianceAcc(c, false, false);
    case 'var_samp':
      return new VarianceAcc(c, true, false);
    case 'group_concat':
      return new GroupConcatAcc(c);
    case 'json_arrayagg':
      return new JsonArrayAcc(c);
    case 'json_objectagg':
      return new JsonObjectAcc(c);
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`aggregate ${c.spec.name.toUpperCase()}`]);
  }
}

// ---------------------------------------------------------------------------------------------
// The node

interface Group {
  readonly first: Row;
  readonly keys: readonly Value[];
  readonly accs: Accumulator[];
  /** Rollup level: 0 for a full group, l for the group of the first (G - l) keys. */
  readonly level: number;
}

/** The groups of an aggregate node's run, one hash map per rollup level (AG2). */
class Grouper {
  readonly order: Group[] = [];
  private readonly maps: Map<KeyPart, Group>[];
  private readonly keyValues: Value[];
  private readonly groupEvals: readonly Evaluator[];
  private readonly groupKeys: readonly KeyOf[];
  readonly levels: number;

  constructor(
    private readonly node: QueryNode & { kind: 'aggregate' },
    private readonly aggs: readonly CompiledAggregate[],
  ) {
    this.groupEvals = node.groupBy.map(evaluator);
    this.groupKeys = node.groupBy.map((g) => keyOf(classOf(g.info.type), g.info.type));
    this.levels = node.rollup ? node.groupBy.length + 1 : 1;
    this.maps = Array.from({ length: this.levels }, () => new Map());
    this.keyValues = new Array<Value>(node.groupBy.length);
  }

  /** Folds one row without GROUP BY: no keys to compute or hash. */
  foldScalar(row: Row, ctx: EvalContext): void {
    let group = this.order[0];
    if (group === undefined) {
      group = { first: row, keys: [], accs: this.aggs.map(accumulator), level: 0 };
      this.order.push(group);
    }
    const accs = group.accs;
    for (let a = 0; a < accs.length; a++) (accs[a] as Accumulator).add(row, ctx);
  }

  /** Folds one row into its group at every rollup level (AG2). */
  fold(row: Row, ctx: EvalContext): void {
    const G = this.groupEvals.length;
    const values = this.keyValues;
    for (let i = 0; i < G; i++) values[i] = (this.groupEvals[i] as Evaluator)(row, ctx);
    for (let level = 0; level < this.levels; level++) {
      const n = G - level;
      const prefix = level === 0 ? values : values.slice(0, n);
      const keys = level === 0 ? this.groupKeys : this.groupKeys.slice(0, n);
      const tuple = n === 0 ? '' : tupleKey(prefix, keys, ctx.warnings);
      const k = level === 0 ? tuple : `${level}|${String(tuple)}`;
      const map = this.maps[level] as Map<KeyPart, Group>;
      let group = map.get(k);
      if (group === undefined) {
        group = { first: row, keys: values.slice(0, n), accs: this.aggs.map(accumulator), level };
        map.set(k, group);
        this.order.push(group);
        if (this.order.length > SORT_ROWS_MAX) tooMany('grouping');
      }
      for (const acc of group.accs) acc.add(row, ctx);
    }
  }

  /** AG1: no GROUP BY gives one group even without rows. */
  finish(): void {
    if (this.node.scalar && this.order.length === 0) {
      const first = new Array<Value>(this.node.inputWidth).fill(null);
      this.order.push({ first, keys: [], accs: this.aggs.map(accumulator), level: 0 });
    }
    if (this.node.rollup) sortRollup(this.order, this.node);
  }
}

export async function* runAggregate(
  node: QueryNode & { kind: 'aggregate' },
  run: Run,
  input: AsyncGenerator<Row[]>,
): AsyncGenerator<Row[]> {
  const ctx = run.eval;
  const exprs = [
    ...node.groupBy,
    ...node.aggregates.flatMap((a) => [...a.args, ...a.orderBy.map((o) => o.expr)]),
  ];
  const uses = subqueryUses(node, run.q.plan, exprs);
  if (uses.invariant.length > 0) await prepareInvariant(uses, run);
  const grouper = new Grouper(
    node,
    node.aggregates.map((a) => compileAggregate(a, ctx)),
  );
  const scalar = node.groupBy.length === 0 && grouper.levels === 1 && uses.perRow.length === 0;
  for await (const batch of input) {
    const pause = ctx.interrupt?.checkpoint();
    if (pause !== undefined) await pause;
    for (const row of batch) {
      if (scalar) {
        grouper.foldScalar(row, ctx);
        continue;
      }
      if (uses.perRow.length > 0) await prepareRow(uses, run, row);
      grouper.fold(row, ctx);
    }
  }
  grouper.finish();
  yield* groupRows(node, grouper.order, ctx);
}

/** The output rows of the groups: [first row…, group values…, aggregate results…]. */
function* groupRows(
  node: QueryNode & { kind: 'aggregate' },
  groups: readonly Group[],
  ctx: EvalContext,
): Generator<Row[]> {
  const G = node.groupBy.length;
  let out: Row[] = [];
  let number = 0;
  let detail: Group | null = null;
  for (const group of groups) {
    number++;
    if (group.level === 0) detail = group;
    // A super-aggregate row shows the group values of the last group it rolls up (MySQL).
    const shown = group.level === 0 || detail === null ? group : detail;
    const row = new Array<Value>(node.width);
    const first = shown.first;
    for (let i = 0; i < node.inputWidth; i++) row[i] = first[i] as Value;
    for (let i = 0; i < G; i++) {
      row[node.inputWidth + i] = i < group.keys.length ? (shown.keys[i] as Value) : null;
    }
    const at = node.inputWidth + G;
    for (let i = 0; i < group.accs.length; i++) {
      row[at + i] = (group.accs[i] as Accumulator).result(ctx, number);
    }
    out.push(row);
    if (out.length >= RESULT_BATCH_ROWS) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** Groups in key order, each prefix's super-aggregate after its groups (MySQL's ROLLUP order). */
function sortRollup(groups: Group[], node: QueryNode & { kind: 'aggregate' }): void {
  const types = node.groupBy.map((g) => g.info.type);
  const colls = types.map((t) => (t.kind === 'string' ? collationNamed(t.collation) : null));
  const G = types.length;
  groups.sort((a, b) => {
    for (let i = 0; i < G; i++) {
      const aRolled = i >= G - a.level;
      const bRolled = i >= G - b.level;
      if (aRolled && bRolled) return 0;
      if (aRolled) return 1;
      if (bRolled) return -1;
      const c = compareForSort(
        types[i] as SqlType,
        a.keys[i] as Value,
        b.keys[i] as Value,
        colls[i] ?? null,
      );
      if (c !== 0) return c;
    }
    return a.level - b.level;
  });
}
