/**
 * The function registry: every built-in scalar function (and the forms parse-expr.ts turns into
 * calls: CASE, CAST, COLLATE, INTERVAL arithmetic, ->, bit operators) is one entry here, found by
 * its lower-case name. bind.ts asks `callFunction` first; an entry binds its arguments' types into
 * the result's ExprInfo (MySQL's metadata) and a compiler that turns the compiled arguments into
 * an evaluator (plan.ts PlanExpr 'call').
 *
 * Errors at binding: a wrong argument count is ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT (1582); a name
 * that is no function at all falls through to bind.ts (1305 / 1235).
 *
 * Invariants: (F1) a 'strict' function returns NULL when any argument is NULL, without
 * evaluating the rest; (F2) a one-argument strict function allocates nothing per row beyond its
 * result (several arguments share one array per call).
 */
import type { Expr } from '../ast.js';
import { SqlError } from '../../errors.js';
import type { EvalContext } from '../expr.js';
import type { PlanParams } from '../params.js';
import type { CallArgument, CallCompiler, CallEvaluator, ExprInfo, PlanExpr } from '../plan.js';
import { localToUtc, utcToLocal } from '../temporal.js';
import type { SqlType, Value } from '../values.js';

export interface FunctionBindHost {
  bind(e: Expr): PlanExpr;
  binary(op: '+' | '-' | '*' | '/' | 'div' | 'mod', left: PlanExpr, right: PlanExpr): PlanExpr;
  readonly params: PlanParams | undefined;
  readonly currentDatabase: string | null;
}

export interface Bound {
  readonly info: ExprInfo;
  readonly compile: CallCompiler;
  /** False for RAND(), UUID(), NOW()-like functions that must run per evaluation. */
  readonly deterministic?: boolean;
}

export interface FunctionDef {
  /** Argument counts accepted: [min, max]; max Infinity for variadic functions. */
  readonly args: readonly [number, number];
  /** Binds already-bound arguments. */
  bind?(args: readonly PlanExpr[], host: FunctionBindHost): Bound;
  /** Binds the unbound arguments itself (CAST's type text, CASE's shape). */
  bindRaw?(args: readonly Expr[], host: FunctionBindHost): Bound & { args: readonly PlanExpr[] };
}

const REGISTRY = new Map<string, FunctionDef>();

export function register(names: string | readonly string[], def: FunctionDef): void {
  for (const name of typeof names === 'string' ? [names] : names) REGISTRY.set(name, def);
}

export function hasFunction(name: string): boolean {
  return REGISTRY.has(name);
}

/** Every registered name with its argument counts (for tests that sweep the library). */
export function registeredFunctions(): [string, readonly [number, number]][] {
  return [...REGISTRY].map(([name, def]) => [name, def.args]);
}

/** Binds a call to a registered function, or undefined when `name` is none. */
export function callFunction(
  name: string,
  argExprs: readonly Expr[],
  host: FunctionBindHost,
): PlanExpr | undefined {
  const def = REGISTRY.get(name);
  if (def === undefined) return undefined;
  const [min, max] = def.args;
  if (argExprs.length < min || argExprs.length > max) {
    throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', [name]);
  }
  if (def.bindRaw !== undefined) {
    const bound = def.bindRaw(argExprs, host);
    return {
      kind: 'call',
      info: bound.info,
      name,
      args: bound.args,
      deterministic: bound.deterministic ?? true,
      compile: bound.compile,
    };
  }
  const args = argExprs.map((a) => host.bind(a));
  const bound = (def.bind as NonNullable<FunctionDef['bind']>)(args, host);
  return {
    kind: 'call',
    info: bound.info,
    name,
    args,
    deterministic: bound.deterministic ?? true,
    compile: bound.compile,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers for entries

/** F1: evaluates arguments in order, NULL as soon as one is NULL, then `fn` over the values. */
export function strict(
  fn: (
    values: readonly Exclude<Value, null>[],
    ctx: EvalContext,
    args: readonly CallArgument[],
  ) => Value,
): CallCompiler {
  return (args) => {
    const n = args.length;
    if (n === 1) {
      const a = (args[0] as CallArgument).eval;
      return (row, ctx) => {
        const v = a(row, ctx);
        return v === null ? null : fn([v], ctx, args);
      };
    }
    return (row, ctx) => {
      const values: Exclude<Value, null>[] = new Array<Exclude<Value, null>>(n);
      for (let i = 0; i < n; i++) {
        const v = (args[i] as CallArgument).eval(row, ctx);
        if (v === null) return null;
        values[i] = v;
      }
      return fn(values, ctx, args);
    };
  };
}

/** Evaluates every argument (NULLs included) and hands them to `fn`. */
export function lenientCall(
  fn: (values: readonly Value[], ctx: EvalContext, args: readonly CallArgument[]) => Value,
): CallCompiler {
  return (args) => (row, ctx) =>
    fn(
      args.map((a) => a.eval(row, ctx)),
      ctx,
      args,
    );
}

/** The type of argument i. */
export function typeOf(args: readonly CallArgument[], i: number): SqlType {
  return (args[i] as CallArgument).info.type;
}

export function evaluatorOf(args: readonly CallArgument[], i: number): CallEvaluator {
  return (args[i] as CallArgument).eval;
}

// ---------------------------------------------------------------------------------------------
// TIMESTAMP columns

/**
 * A TIMESTAMP column holds UTC µs (temporal.ts); in expressions it is the session's wall clock.
 * bind.ts reads every column through this; other columns pass unchanged.
 */
export function readTimestamp(e: PlanExpr): PlanExpr {
  const t = e.info.type;
  if (e.kind !== 'column' || t.kind !== 'datetime' || t.variant !== 'timestamp') return e;
  return {
    kind: 'call',
    info: { ...e.info, type: { ...t, local: true } },
    name: 'timestamp_column',
    args: [e],
    deterministic: true,
    compile: ([column]) => {
      const read = (column as CallArgument).eval;
      return (row, ctx) => {
        const v = read(row, ctx);
        return typeof v === 'bigint' ? utcToLocal(v, ctx.timeZone ?? '+00:00') : v;
      };
    },
  };
}

/** The UTC µs of a wall-clock time of the session (UNIX_TIMESTAMP, CONVERT_TZ). */
export function sessionToUtc(local: bigint, ctx: EvalContext): bigint {
  return localToUtc(local, ctx.timeZone ?? '+00:00');
}

export function utcToSession(utc: bigint, ctx: EvalContext): bigint {
  return utcToLocal(utc, ctx.timeZone ?? '+00:00');
}
