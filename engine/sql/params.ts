/**
 * Statement parameters at planning time: the `?` of prepared statements, and the literals the
 * plan cache lifts out of text statements (plan-cache.ts). A plan refers to parameter i as a
 * `param` expression whose type is the type the value would have as a literal (or as a value of
 * the binary protocol), so one plan serves every execution whose parameters have the same types.
 *
 * The planner may need a parameter's *value* (LIMIT ?, ORDER BY position, function arguments that
 * shape the result type): it asks `value(i)`, which records the read. A plan built with
 * parameters P may then be reused for parameters Q only if `signature()` agrees: the same type
 * facts for every parameter, and the same value for every parameter that was read.
 *
 * Invariant (P1): the planner reads parameter values only through `value`, so the signature
 * covers everything the plan depends on.
 */
import type { SqlValue } from '../api.js';
import type { Literal } from './ast.js';
import { binaryInfo, decimalInfo, doubleInfo, intInfo, literalExpr, stringInfo } from './bind.js';
import { Decimal } from './decimal.js';
import type { ExprInfo } from './plan.js';
import { INT64_MAX, UINT64_MAX, type Value } from './values.js';
import { charLength } from './text-length.js';

/**
 * Type facts made once and shared (ExprInfo is immutable): integers' by their length in
 * characters, strings' by theirs. Issue 8 (cost): every execution of a prepared statement types
 * each of its parameters.
 */
const intInfos: ExprInfo[] = [];
const stringInfos = new Map<number, ExprInfo>();
const STRING_INFOS_MAX = 4096;

/** Characters of an integer's decimal text (its sign included), as `${value}`.length. */
function digitCount(value: bigint): number {
  if (value > -1_000_000_000_000_000n && value < 1_000_000_000_000_000n) {
    let n = Number(value);
    let count = n < 0 ? 2 : 1;
    if (n < 0) n = -n;
    while (n >= 10) {
      n = Math.floor(n / 10);
      count++;
    }
    return count;
  }
  return value.toString().length;
}

/** The type facts of a parameter value (as literalExpr gives a literal's). */
export function paramInfo(value: Value | undefined): ExprInfo {
  if (value === undefined || value === null) return literalExpr({ kind: 'null' }).info;
  if (typeof value === 'bigint') {
    if (value >= -(INT64_MAX + 1n) && value <= INT64_MAX) {
      const length = digitCount(value);
      intInfos[length] ??= literalExpr({ kind: 'int', value }).info;
      return intInfos[length];
    }
    if (value >= -(INT64_MAX + 1n) && value <= UINT64_MAX) {
      return literalExpr({ kind: 'int', value }).info;
    }
    return decimalInfo(value.toString().replace('-', '').length, 0, false);
  }
  if (typeof value === 'number') return doubleInfo(false);
  if (typeof value === 'string') {
    const chars = charLength(value);
    let info = stringInfos.get(chars);
    if (info === undefined) {
      info = stringInfo(chars, false);
      if (stringInfos.size < STRING_INFOS_MAX) stringInfos.set(chars, info);
    }
    return info;
  }
  if (value instanceof Decimal)
    return literalExpr({ kind: 'decimal', text: value.toString() }).info;
  return intInfo(1, false);
}

function infoKey(info: ExprInfo): string {
  const t = info.type;
  switch (t.kind) {
    case 'int':
      return `i${t.unsigned ? 'u' : ''}${info.length}`;
    case 'decimal':
      return `d${t.precision},${t.scale}`;
    case 'string':
      return `s${t.chars}:${t.collation}`;
    case 'double':
      return 'f';
    default:
      return t.kind;
  }
}

function valueKey(value: Value | undefined): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return `${typeof value}:${value.toString()}`;
}

export class PlanParams {
  private readonly reads = new Set<number>();
  /** Set when binding met @x or @@x: the plan's types depend on variables, so it is not kept. */
  variablesBound = false;
  private readonly infos: readonly ExprInfo[];

  /**
   * `values[i]` undefined: unknown (while preparing: only the statement's shape is planned).
   * `infos[i]`: the parameter's type facts, by default those of its value as a literal.
   */
  constructor(
    readonly values: readonly (Value | undefined)[],
    infos?: readonly ExprInfo[],
  ) {
    this.infos = infos ?? values.map(paramInfo);
  }

  /** Parameters as the seam hands them over (a Buffer is a binary string). */
  static fromSeam(values: readonly SqlValue[]): PlanParams {
    return new PlanParams(
      values.map(seamToValue),
      values.map((v) =>
        Buffer.isBuffer(v) ? binaryInfo(v.length, false) : paramInfo(seamToValue(v)),
      ),
    );
  }

  /** Parameters that were literals of a text statement (the plan cache). */
  static fromLiterals(literals: readonly Literal[]): PlanParams {
    const values: Value[] = [];
    const infos: ExprInfo[] = [];
    for (const l of literals) {
      // Issue 8 (cost): an integer or string literal's type facts are paramInfo's shared ones
      // (the same as literalExpr's), so a cached plan is found by identity (sameInfos).
      const shared =
        l.kind === 'string' ||
        (l.kind === 'int' && l.value >= -(INT64_MAX + 1n) && l.value <= UINT64_MAX);
      if (shared) {
        values.push(l.value);
        infos.push(paramInfo(l.value));
        continue;
      }
      const c = literalExpr(l);
      values.push(c.kind === 'const' ? c.value : null);
      infos.push(c.info);
    }
    return new PlanParams(values, infos);
  }

  get count(): number {
    return this.values.length;
  }

  info(index: number): ExprInfo {
    const info = this.infos[index];
    if (info === undefined) throw new Error(`parameter ${index} out of range`);
    return info;
  }

  /** Parameter `index`'s value, for the planner (P1): the read becomes part of the signature. */
  value(index: number): Value | undefined {
    this.reads.add(index);
    return this.values[index];
  }

  /** Binding met a user or system variable (plan-store.ts keeps no such plan). */
  noteVariable(): void {
    this.variablesBound = true;
  }

  /** True when some value is unknown (a shape-only plan at prepare time). */
  get preparing(): boolean {
    return this.values.some((v) => v === undefined);
  }

  private typeKeyMade: string | undefined;

  /** The parameters' type facts, to compare by identity (sameInfos) before by key. */
  get infoList(): readonly ExprInfo[] {
    return this.infos;
  }

  /**
   * True when `infos` are this one's, object for object: then their type keys agree too (issue
   * 8: shared type facts, paramInfo, make the common case a few identity checks, no key built).
   */
  sameInfos(infos: readonly ExprInfo[]): boolean {
    if (infos.length !== this.infos.length) return false;
    for (let i = 0; i < infos.length; i++) if (infos[i] !== this.infos[i]) return false;
    return true;
  }

  /** The type facts of every parameter: plans built with equal type keys may share. */
  typeKey(): string {
    // Issue 8 (cost): made once (infos never change); a plan lookup asks for it every statement.
    this.typeKeyMade ??= this.infos.map(infoKey).join(',');
    return this.typeKeyMade;
  }

  /** The indexes the planner read, with their values. */
  readValues(): ReadonlyMap<number, string> {
    return new Map([...this.reads].map((i) => [i, valueKey(this.values[i])]));
  }

  /** True when `other`'s values agree with every value this planning read. */
  sameReads(reads: ReadonlyMap<number, string>): boolean {
    for (const [i, key] of reads) if (valueKey(this.values[i]) !== key) return false;
    return true;
  }
}

/** A value from the seam (api.ts representation) as a SQL-layer value. */
export function seamToValue(value: SqlValue): Value {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return value;
}
