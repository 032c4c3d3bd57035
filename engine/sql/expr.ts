/**
 * Expression evaluation with MySQL's semantics: typed plan expressions (plan.ts) compile once
 * into closures over a source row.
 *
 *   - Three-valued logic: NULL AND 0 = 0, NULL OR 1 = 1, otherwise NULL propagates; IS [NOT]
 *     NULL/TRUE/FALSE never yield NULL.
 *   - Comparisons convert both sides to the CompareMode the binder chose (bind.ts): integers,
 *     exact decimals, doubles (string against number), strings by collation, datetimes.
 *   - Integer arithmetic is BIGINT [UNSIGNED]; overflow is ER_DATA_OUT_OF_RANGE (1690). Exact
 *     arithmetic is Decimal; `/` gives 4 more digits. Division by zero is NULL with warning 1365
 *     when reading, and ER_DIVISION_BY_ZERO when storing (strict mode,
 *     ERROR_FOR_DIVISION_BY_ZERO: MySQL 8's default sql_mode).
 */
import { SERVER_VERSION } from '../config.js';
import { SqlError } from '../errors.js';
import { textToBytes } from './bytes.js';
import { unreachable } from '../unreachable.js';
import type { Collation } from './collation.js';
import { compareDateTime, parseDateTime, timeOfDay } from './datetime.js';
import { compareJson, parseJson } from './json.js';
import { toJson } from './json-values.js';
import { parseTime } from './temporal.js';
import { Decimal, pow10 } from './decimal.js';
import type { CompareMode, PlanExpr } from './plan.js';
import { type QueryRuntime, compileQueryExpr } from './query-expr.js';
import {
  INT64_MAX,
  INT64_MIN,
  type SqlType,
  UINT64_MAX,
  type Value,
  type Warnings,
  memberNumber,
  temporalDigits,
  toBigInt,
  toDecimal,
  toDouble,
  toText,
  truth,
} from './values.js';

/** Who runs the statement: what DATABASE(), USER() and CONNECTION_ID() report. */
export interface SessionFacts {
  readonly database: string | null;
  readonly user: string;
  readonly host: string;
  readonly connectionId: number;
  /** CURRENT_USER(): the account the session logged in as ('user@host'). */
  readonly account?: string;
}

export interface EvalContext {
  readonly warnings: Warnings;
  readonly session: SessionFacts;
  /** The statement's start time (NOW() is constant within a statement). */
  readonly now: bigint;
  /** True while computing values to store (INSERT, UPDATE SET): strict-mode errors. */
  readonly storing: boolean;
  /** The statement's parameter values (prepared statements, plan-cache literals). */
  readonly params?: readonly Value[];
  /** The session's variables (@@x, @x); absent: @@x reads its bound value. */
  readonly variables?: EvalVariables;
  /**
   * KILL QUERY / KILL CONNECTION: `check()` throws 1317 once the statement is killed; row loops
   * await `checkpoint()` when it returns a promise (it also lets other work run now and then).
   */
  readonly interrupt?: { check(): void; checkpoint(): Promise<void> | undefined };
  /** sql_mode as it drives evaluation and storing; absent: MySQL 8's default (strict). */
  readonly sqlMode?: SqlModeFlags;
  /** time_zone (issue 6b): TIMESTAMP columns are read and written in it; absent: UTC. */
  readonly timeZone?: string;
  /** The previous statement's ROW_COUNT() and FOUND_ROWS() (issue 6b). */
  readonly counts?: { readonly rowCount: bigint; readonly foundRows: bigint };
  /** LAST_INSERT_ID(): the session's value, and LAST_INSERT_ID(expr) setting it (issue 5). */
  readonly lastInsertId?: { get(): bigint; set(value: bigint): void };
  /** Issue 6a: the running query's enclosing rows and subquery results (query-expr.ts). */
  readonly query?: QueryRuntime;
}

/** Every field of T, each present (undefined where the source has none). */
type EveryField<T> = { [K in keyof T & string]: T[K] | undefined };

/**
 * `base` with `query` in place of its own, written out field by field (issue 8): a spread that
 * adds a field takes V8's slow property-definition path, measured at ~2.5% of a point select's
 * CPU. EveryField makes the compiler name any field added to EvalContext but missing here.
 */
export function withQuery(base: EvalContext, query: QueryRuntime): EvalContext {
  const ctx: EveryField<EvalContext> = {
    warnings: base.warnings,
    session: base.session,
    now: base.now,
    storing: base.storing,
    params: base.params,
    variables: base.variables,
    interrupt: base.interrupt,
    sqlMode: base.sqlMode,
    timeZone: base.timeZone,
    counts: base.counts,
    lastInsertId: base.lastInsertId,
    query,
  };
  return ctx as EvalContext;
}

/** The sql_mode members evaluation and storing obey. */
export interface SqlModeFlags {
  /** STRICT_TRANS_TABLES or STRICT_ALL_TABLES: bad values are errors, not warnings. */
  readonly strict: boolean;
  /** ERROR_FOR_DIVISION_BY_ZERO: division by zero warns (and, strict and storing, fails). */
  readonly errorForDivisionByZero: boolean;
  /** NO_AUTO_VALUE_ON_ZERO: 0 in an AUTO_INCREMENT column stays 0. */
  readonly noAutoValueOnZero: boolean;
  /** NO_ZERO_DATE / NO_ZERO_IN_DATE: storing zero dates (store-types.ts); absent: set. */
  readonly noZeroDate?: boolean;
  readonly noZeroInDate?: boolean;
}

export interface EvalVariables {
  system(name: string, scope: 'global' | 'session' | null): Value;
  user(name: string): { readonly value: Value; readonly type: SqlType };
  setUser(name: string, value: Value, type: SqlType): void;
}

export type Row = readonly Value[];
export type Evaluator = (row: Row, ctx: EvalContext) => Value;

// ---------------------------------------------------------------------------------------------
// Comparison

function toDateTime(type: SqlType, value: Value): bigint | string {
  if (type.kind === 'datetime' && typeof value === 'bigint') return value;
  const text = toText(type, value) ?? '';
  return parseDateTime(text, 6) ?? text;
}

function toTimeValue(type: SqlType, value: Value): bigint | string {
  if (type.kind === 'time' && typeof value === 'bigint') return value;
  if (type.kind === 'datetime' && typeof value === 'bigint') return timeOfDay(value);
  const text = toText(type, value) ?? '';
  return parseTime(text, 6)?.value ?? text;
}

function compareMixed(a: bigint | string, b: bigint | string): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  const x = String(a);
  const y = String(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * Compares two non-NULL values of static types `ta` and `tb` in `mode`; the result's sign is
 * the order.
 */
export function compareIn(
  mode: CompareMode,
  ta: SqlType,
  a: Exclude<Value, null>,
  tb: SqlType,
  b: Exclude<Value, null>,
  warnings: Warnings,
): number {
  switch (mode.kind) {
    case 'int': {
      const x = a as bigint;
      const y = b as bigint;
      return x === y ? 0 : x < y ? -1 : 1;
    }
    case 'decimal':
      return (toDecimal(ta, a, warnings) as Decimal).compare(toDecimal(tb, b, warnings) as Decimal);
    case 'double': {
      const x = toDouble(ta, a, warnings) as number;
      const y = toDouble(tb, b, warnings) as number;
      return x === y ? 0 : x < y ? -1 : 1;
    }
    case 'string':
      if (mode.collation.name === 'binary') {
        return mode.collation.compare(asBytes(ta, a), asBytes(tb, b));
      }
      return mode.collation.compare(toText(ta, a) as string, toText(tb, b) as string);
    case 'datetime': {
      const x = toDateTime(ta, a);
      const y = toDateTime(tb, b);
      // datetime.ts DT2: zero-part dates are negative and order by their fields.
      if (typeof x === 'bigint' && typeof y === 'bigint') return compareDateTime(x, y);
      return compareMixed(x, y);
    }
    case 'time':
      return compareMixed(toTimeValue(ta, a), toTimeValue(tb, b));
    case 'json':
      return compareJson(toJson(ta, a), toJson(tb, b));
    default:
      return unreachable(mode);
  }
}

/** A value as a byte string, for binary comparison: text becomes its UTF-8 bytes. */
export function asBytes(type: SqlType, value: Exclude<Value, null>): string {
  const text = toText(type, value) as string;
  return type.kind === 'string' && type.collation === 'binary' ? text : textToBytes(text);
}

/** Total order for sorting values of one static type, NULL first (MySQL's ascending order). */
export function compareForSort(
  type: SqlType,
  a: Value,
  b: Value,
  collation: Collation | null,
): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (type.kind === 'datetime' && (a < 0n || b < 0n)) return compareDateTime(a, b);
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (type.kind === 'string' && typeof a === 'string' && typeof b === 'string') {
    // ENUM sorts by index, SET by mask, JSON by its own order (issue 6b).
    if (type.variant === 'enum' || type.variant === 'set') {
      const x = memberNumber(type, a);
      const y = memberNumber(type, b);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    if (type.variant === 'json') return compareJson(parseJson(a), parseJson(b));
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
  if (typeof a === 'string' && typeof b === 'string') {
    if (collation !== null) return collation.compare(a, b);
    return a === b ? 0 : a < b ? -1 : 1;
  }
  return String(toText(type, a)).localeCompare(String(toText(type, b)));
}

// ---------------------------------------------------------------------------------------------
// LIKE

/**
 * MySQL LIKE: '%' any run, '_' one character, `escape` makes the next character literal;
 * characters compare by the collation's per-character weights.
 */
export function likeMatch(
  text: string,
  pattern: string,
  escape: string,
  collation: Collation,
): boolean {
  const t = collation.charWeights(text);
  const chars = Array.from(pattern);
  const p: { kind: 'any' | 'one' | 'char'; weight: string }[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === escape && i + 1 < chars.length) {
      p.push({ kind: 'char', weight: collation.charWeights(chars[++i] as string)[0] ?? '' });
    } else if (c === '%') {
      p.push({ kind: 'any', weight: '' });
    } else if (c === '_') {
      p.push({ kind: 'one', weight: '' });
    } else {
      p.push({ kind: 'char', weight: collation.charWeights(c)[0] ?? '' });
    }
  }
  // Iterative wildcard matching with backtracking to the last '%'.
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    const token = p[pi];
    if (
      token !== undefined &&
      (token.kind === 'one' || (token.kind === 'char' && token.weight === t[ti]))
    ) {
      ti++;
      pi++;
    } else if (token !== undefined && token.kind === 'any') {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi]?.kind === 'any') pi++;
  return pi === p.length;
}

// ---------------------------------------------------------------------------------------------
// Printing, for error messages ('… value is out of range in (`d`.`t`.`a` + 1)')

export function printMysql(e: PlanExpr): string {
  switch (e.kind) {
    case 'const':
      return e.value === null
        ? 'NULL'
        : typeof e.value === 'string'
          ? `'${e.value}'`
          : String(e.value);
    case 'column':
      return e.qualifiedName;
    case 'arith':
      return `(${printMysql(e.left)} ${e.op === 'mod' ? '%' : e.op} ${printMysql(e.right)})`;
    case 'neg':
      return `-(${printMysql(e.operand)})`;
    default:
      return `(${e.kind})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

function outOfRange(e: PlanExpr, unsigned: boolean): SqlError {
  return new SqlError('ER_DATA_OUT_OF_RANGE', [
    unsigned ? 'BIGINT UNSIGNED' : 'BIGINT',
    printMysql(e),
  ]);
}

function checkInt(e: PlanExpr, value: bigint): bigint {
  const unsigned = e.info.type.kind === 'int' && e.info.type.unsigned;
  if (unsigned ? value < 0n || value > UINT64_MAX : value < INT64_MIN || value > INT64_MAX) {
    throw outOfRange(e, unsigned);
  }
  return value;
}

/** An operand of integer arithmetic as a bigint (datetimes as YYYYMMDDhhmmss). */
function asBigInt(type: SqlType, value: Exclude<Value, null>): bigint {
  if (typeof value === 'bigint') {
    if (type.kind === 'datetime' || type.kind === 'time')
      return BigInt(temporalDigits(type, value));
    return value;
  }
  if (value instanceof Decimal) return value.toBigInt();
  // Integer arithmetic sees integers, temporals, and ENUM / SET / hex strings (bind.ts
  // numericClass), which have exact numbers.
  return toBigInt(type, value, { warn: () => undefined, count: () => 0 }) ?? 0n;
}

function divisionByZero(ctx: EvalContext): null {
  const mode = ctx.sqlMode;
  if (mode !== undefined && !mode.errorForDivisionByZero) return null;
  if (ctx.storing && (mode === undefined || mode.strict)) throw new SqlError('ER_DIVISION_BY_ZERO');
  ctx.warnings.warn('Warning', 1365, 'Division by 0');
  return null;
}

function arithInt(e: PlanExpr & { kind: 'arith' }, x: bigint, y: bigint, ctx: EvalContext): Value {
  switch (e.op) {
    case '+':
      return checkInt(e, x + y);
    case '-':
      return checkInt(e, x - y);
    case '*':
      return checkInt(e, x * y);
    case 'div':
      return y === 0n ? divisionByZero(ctx) : checkInt(e, x / y);
    case 'mod':
      return y === 0n ? divisionByZero(ctx) : x % y;
    case '/':
      throw new Error('unreachable: / is never integer');
    default:
      return unreachable(e.op);
  }
}

function arithDecimal(
  e: PlanExpr & { kind: 'arith' },
  x: Decimal,
  y: Decimal,
  ctx: EvalContext,
): Value {
  switch (e.op) {
    case '+':
      return x.add(y);
    case '-':
      return x.sub(y);
    case '*':
      return x.mul(y);
    case '/':
      return x.div(y) ?? divisionByZero(ctx);
    case 'mod':
      return x.mod(y) ?? divisionByZero(ctx);
    case 'div': {
      if (y.isZero()) return divisionByZero(ctx);
      // Exact: x/y = X·10^sy / (Y·10^sx), truncated toward zero.
      return checkInt(e, (x.unscaled * pow10(y.scale)) / (y.unscaled * pow10(x.scale)));
    }
    default:
      return unreachable(e.op);
  }
}

function arithDouble(
  e: PlanExpr & { kind: 'arith' },
  x: number,
  y: number,
  ctx: EvalContext,
): Value {
  switch (e.op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? divisionByZero(ctx) : x / y;
    case 'mod':
      return y === 0 ? divisionByZero(ctx) : x % y;
    case 'div':
      if (y === 0) return divisionByZero(ctx);
      if (!Number.isFinite(x / y)) throw outOfRange(e, false);
      return checkInt(e, BigInt(Math.trunc(x / y)));
    default:
      return unreachable(e.op);
  }
}

function compileArith(e: PlanExpr & { kind: 'arith' }): Evaluator {
  const left = compile(e.left);
  const right = compile(e.right);
  const lt = e.left.info.type;
  const rt = e.right.info.type;
  const result = e.info.type.kind;
  // DIV computes in the operands' class and yields an integer.
  const mode = e.op === 'div' ? divClass(lt, rt) : result;
  return (row, ctx) => {
    const a = left(row, ctx);
    if (a === null) {
      // MySQL evaluates (and converts, with its warnings) both operands.
      const b = right(row, ctx);
      if (b !== null && typeof b === 'string' && mode === 'double') toDouble(rt, b, ctx.warnings);
      return null;
    }
    const b = right(row, ctx);
    if (b === null) return null;
    if (mode === 'int') return arithInt(e, asBigInt(lt, a), asBigInt(rt, b), ctx);
    if (mode === 'decimal') {
      const x = toDecimal(lt, a, ctx.warnings) as Decimal;
      return arithDecimal(e, x, toDecimal(rt, b, ctx.warnings) as Decimal, ctx);
    }
    const x = toDouble(lt, a, ctx.warnings) as number;
    const r = arithDouble(e, x, toDouble(rt, b, ctx.warnings) as number, ctx);
    // A DOUBLE result past ±1.8e308 is MySQL's 1690 "DOUBLE value is out of range" (issue 6b).
    if (typeof r === 'number' && !Number.isFinite(r)) {
      throw new SqlError('ER_DATA_OUT_OF_RANGE', ['DOUBLE', printMysql(e)]);
    }
    return r;
  };
}

/** The class DIV computes in: integers, exact decimals, or doubles. */
export function divClass(a: SqlType, b: SqlType): 'int' | 'decimal' | 'double' {
  const cls = (t: SqlType): 'int' | 'decimal' | 'double' =>
    t.kind === 'int' || t.kind === 'null' || (t.kind === 'datetime' && t.fsp === 0)
      ? 'int'
      : t.kind === 'decimal' || t.kind === 'datetime'
        ? 'decimal'
        : 'double';
  const x = cls(a);
  const y = cls(b);
  if (x === 'double' || y === 'double') return 'double';
  return x === 'decimal' || y === 'decimal' ? 'decimal' : 'int';
}

function compileNeg(e: PlanExpr & { kind: 'neg' }): Evaluator {
  const operand = compile(e.operand);
  const ot = e.operand.info.type;
  const kind = e.info.type.kind;
  return (row, ctx) => {
    const v = operand(row, ctx);
    if (v === null) return null;
    if (kind === 'int') return checkInt(e, -asBigInt(ot, v));
    if (kind === 'decimal') return (toDecimal(ot, v, ctx.warnings) as Decimal).negate();
    return -(toDouble(ot, v, ctx.warnings) as number);
  };
}

// ---------------------------------------------------------------------------------------------
// Predicates

export const bool = (b: boolean): bigint => (b ? 1n : 0n);

/** Whether a three-way comparison's result `c` satisfies `op`. */
export function compareOutcome(op: string, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function compileCompare(e: PlanExpr & { kind: 'compare' }): Evaluator {
  const left = compile(e.left);
  const right = compile(e.right);
  const lt = e.left.info.type;
  const rt = e.right.info.type;
  return (row, ctx) => {
    const a = left(row, ctx);
    if (a === null) return null;
    const b = right(row, ctx);
    if (b === null) return null;
    return bool(compareOutcome(e.op, compareIn(e.mode, lt, a, rt, b, ctx.warnings)));
  };
}

function compileLogic(e: PlanExpr & { kind: 'logic' }): Evaluator {
  const left = compile(e.left);
  const right = compile(e.right);
  const lt = e.left.info.type;
  const rt = e.right.info.type;
  return (row, ctx) => {
    const a = truth(lt, left(row, ctx), ctx.warnings);
    if (e.op === 'and' && a === false) return 0n;
    if (e.op === 'or' && a === true) return 1n;
    const b = truth(rt, right(row, ctx), ctx.warnings);
    if (e.op === 'and') return b === false ? 0n : a === null || b === null ? null : 1n;
    if (e.op === 'or') return b === true ? 1n : a === null || b === null ? null : 0n;
    return a === null || b === null ? null : bool(a !== b);
  };
}

function compileIs(e: PlanExpr & { kind: 'is' }): Evaluator {
  const operand = compile(e.operand);
  const ot = e.operand.info.type;
  return (row, ctx) => {
    const v = operand(row, ctx);
    let result: boolean;
    if (e.test === 'null') result = v === null;
    else result = truth(ot, v, ctx.warnings) === (e.test === 'true');
    return bool(result !== e.negated);
  };
}

function compileBetween(e: PlanExpr & { kind: 'between' }): Evaluator {
  const operand = compile(e.operand);
  const low = compile(e.low);
  const high = compile(e.high);
  const [ot, lt, ht] = [e.operand.info.type, e.low.info.type, e.high.info.type];
  return (row, ctx) => {
    const v = operand(row, ctx);
    const a = low(row, ctx);
    const b = high(row, ctx);
    if (v === null) return null;
    const geLow = a === null ? null : compareIn(e.mode, ot, v, lt, a, ctx.warnings) >= 0;
    const leHigh = b === null ? null : compareIn(e.mode, ot, v, ht, b, ctx.warnings) <= 0;
    // v BETWEEN a AND b ≡ v >= a AND v <= b, in three-valued logic.
    let inside: boolean | null;
    if (geLow === false || leHigh === false) inside = false;
    else if (geLow === null || leHigh === null) inside = null;
    else inside = true;
    return inside === null ? null : bool(inside !== e.negated);
  };
}

function compileIn(e: PlanExpr & { kind: 'in' }): Evaluator {
  const operand = compile(e.operand);
  const items = e.list.map((item) => ({ eval: compile(item), type: item.info.type }));
  const ot = e.operand.info.type;
  return (row, ctx) => {
    const v = operand(row, ctx);
    if (v === null) return null;
    let sawNull = false;
    for (const item of items) {
      const x = item.eval(row, ctx);
      if (x === null) {
        sawNull = true;
      } else if (compareIn(e.mode, ot, v, item.type, x, ctx.warnings) === 0) {
        return bool(!e.negated);
      }
    }
    return sawNull ? null : bool(e.negated);
  };
}

function compileLike(e: PlanExpr & { kind: 'like' }): Evaluator {
  const operand = compile(e.operand);
  const pattern = compile(e.pattern);
  const escape = e.escape === null ? null : compile(e.escape);
  const [ot, pt] = [e.operand.info.type, e.pattern.info.type];
  return (row, ctx) => {
    const v = operand(row, ctx);
    const p = pattern(row, ctx);
    if (v === null || p === null) return null;
    let esc = '\\';
    if (escape !== null && e.escape !== null) {
      const x = escape(row, ctx);
      esc = x === null ? '\\' : (toText(e.escape.info.type, x) ?? '\\');
    }
    const binary = e.collation.name === 'binary';
    const subject = binary ? asBytes(ot, v) : (toText(ot, v) as string);
    const shape = binary ? asBytes(pt, p) : (toText(pt, p) as string);
    const matched = likeMatch(subject, shape, esc, e.collation);
    return bool(matched !== e.negated);
  };
}

function compileFunction(e: PlanExpr & { kind: 'function' }): Evaluator {
  // Arguments are constants folded into e.info (NOW(fsp)); none is evaluated per row.
  switch (e.name) {
    case 'version':
      return () => SERVER_VERSION;
    case 'database':
      return (_row, ctx) => ctx.session.database;
    case 'user':
      return (_row, ctx) => `${ctx.session.user}@${ctx.session.host}`;
    case 'current_user':
      return (_row, ctx) => ctx.session.account ?? `${ctx.session.user}@%`;
    case 'connection_id':
      return (_row, ctx) => BigInt(ctx.session.connectionId);
    case 'last_insert_id': {
      const arg = e.args[0];
      if (arg === undefined) return (_row, ctx) => ctx.lastInsertId?.get() ?? 0n;
      const value = compile(arg);
      return (row, ctx) => {
        const v = toDecimal(arg.info.type, value(row, ctx), ctx.warnings);
        if (v === null) return null;
        const n = BigInt.asUintN(64, v.toBigInt());
        ctx.lastInsertId?.set(n);
        return n;
      };
    }
    case 'now': {
      const fsp = e.info.type.kind === 'datetime' ? e.info.type.fsp : 0;
      const unit = 10n ** BigInt(6 - fsp);
      return (_row, ctx) => ctx.now - (ctx.now % unit);
    }
    default:
      return unreachable(e.name);
  }
}

function compileUserVariable(e: PlanExpr & { kind: 'user-variable' }): Evaluator {
  const { name } = e;
  const bound = e.info.type;
  return (_row, ctx) => {
    const current = ctx.variables?.user(name);
    if (current === undefined || current.value === null) return null;
    if (current.type.kind === bound.kind) return current.value;
    // The variable changed type since the statement was bound: convert, as MySQL does.
    switch (bound.kind) {
      case 'int':
        return (toDecimal(current.type, current.value, ctx.warnings) as Decimal).toBigInt();
      case 'decimal':
        return toDecimal(current.type, current.value, ctx.warnings);
      case 'double':
        return toDouble(current.type, current.value, ctx.warnings);
      case 'string':
        return toText(current.type, current.value);
      default:
        return current.value;
    }
  };
}

/** Compiles a plan expression into a closure over a source row. */
export function compile(e: PlanExpr): Evaluator {
  switch (e.kind) {
    case 'const': {
      const value = e.value;
      return () => value;
    }
    case 'column': {
      const index = e.index;
      return (row) => row[index] as Value;
    }
    case 'system-variable': {
      const { value, name } = e;
      const scope = e.scope ?? null;
      return (_row, ctx) =>
        ctx.variables === undefined ? value : ctx.variables.system(name, scope);
    }
    case 'param': {
      const index = e.index;
      return (_row, ctx) => {
        const params = ctx.params;
        if (params === undefined || index >= params.length) throw new Error('parameter unbound');
        return params[index] as Value;
      };
    }
    case 'user-variable':
      return compileUserVariable(e);
    case 'assign-user-variable': {
      const value = compile(e.value);
      const { name } = e;
      const type = e.value.info.type;
      return (row, ctx) => {
        const v = value(row, ctx);
        ctx.variables?.setUser(name, v, type);
        return v;
      };
    }
    case 'arith':
      return compileArith(e);
    case 'neg':
      return compileNeg(e);
    case 'compare':
      return compileCompare(e);
    case 'logic':
      return compileLogic(e);
    case 'not': {
      const operand = compile(e.operand);
      const ot = e.operand.info.type;
      return (row, ctx) => {
        const t = truth(ot, operand(row, ctx), ctx.warnings);
        return t === null ? null : bool(!t);
      };
    }
    case 'is':
      return compileIs(e);
    case 'between':
      return compileBetween(e);
    case 'in':
      return compileIn(e);
    case 'like':
      return compileLike(e);
    case 'function':
      return compileFunction(e);
    case 'outer-column':
    case 'subquery':
      return compileQueryExpr(e);
    case 'call':
      return e.compile(e.args.map((a) => ({ eval: compile(a), info: a.info })));
    default:
      return unreachable(e);
  }
}

/** A compiled condition: true only when the expression is true (NULL and false filter out). */
export function compilePredicate(e: PlanExpr): (row: Row, ctx: EvalContext) => boolean {
  const evaluator = compile(e);
  const type = e.info.type;
  return (row, ctx) => truth(type, evaluator(row, ctx), ctx.warnings) === true;
}
