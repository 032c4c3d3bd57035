/**
 * Generic walks over plan expressions (plan.ts PlanExpr), for the query planner: moving column
 * references between row layouts, finding what an expression reads, and telling when two bound
 * expressions are the same (GROUP BY matching).
 *
 * The walks are structural: a sub-expression is any field holding a PlanExpr (a plain object
 * with a string `kind` and an `info`), or an array or plain object holding some, at any depth.
 * So expression kinds other parts of the engine add need no case here (W1), as long as they keep
 * their sub-expressions in fields, arrays or plain objects. Class instances (Decimal values,
 * …) and functions are leaves.
 */
import { Decimal } from './decimal.js';
import type { PlanExpr } from './plan.js';

type Fields = Record<string, unknown>;

function isPlain(x: unknown): x is Fields {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function isPlanExpr(x: unknown): x is PlanExpr {
  return isPlain(x) && typeof x.kind === 'string' && isPlain(x.info);
}

/** Replaces sub-expressions: `f` returns a replacement, or undefined to look inside (W1). */
export function mapExpr(e: PlanExpr, f: (e: PlanExpr) => PlanExpr | undefined): PlanExpr {
  const replaced = f(e);
  if (replaced !== undefined) return replaced;
  return mapFields(e, f) as PlanExpr;
}

function mapFields(o: Fields, f: (e: PlanExpr) => PlanExpr | undefined): Fields {
  let out: Fields | null = null;
  for (const key of Object.keys(o)) {
    if (key === 'info') continue;
    const v = o[key];
    const w = mapValue(v, f);
    if (w !== v) {
      out ??= { ...o };
      out[key] = w;
    }
  }
  return out ?? o;
}

function mapValue(v: unknown, f: (e: PlanExpr) => PlanExpr | undefined): unknown {
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x: unknown) => {
      const y = mapValue(x, f);
      if (y !== x) changed = true;
      return y;
    });
    return changed ? out : v;
  }
  if (isPlanExpr(v)) return mapExpr(v, f);
  if (isPlain(v)) return mapFields(v, f);
  return v;
}

/**
 * Visits every expression node, outermost first; `visit` returns false to skip a node's
 * sub-expressions.
 */
export function visitExpr(e: PlanExpr, visit: (e: PlanExpr) => boolean | void): void {
  if (visit(e) === false) return;
  for (const key of Object.keys(e)) {
    if (key !== 'info') visitValue((e as unknown as Fields)[key], visit);
  }
}

function visitValue(v: unknown, visit: (e: PlanExpr) => boolean | void): void {
  if (Array.isArray(v)) {
    for (const x of v) visitValue(x, visit);
  } else if (isPlanExpr(v)) {
    visitExpr(v, visit);
  } else if (isPlain(v)) {
    for (const key of Object.keys(v)) visitValue(v[key], visit);
  }
}

/** True when some node satisfies `test`. */
export function someExpr(e: PlanExpr, test: (e: PlanExpr) => boolean): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (found) return false;
    if (test(x)) found = true;
    return !found;
  });
  return found;
}

/** A text equal for structurally equal expressions (types aside): GROUP BY matching. */
export function exprKey(e: PlanExpr): string {
  return valueKey(e);
}

function valueKey(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'u';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return 'fn';
  if (v instanceof Decimal) return `D${v.toString()}`;
  if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
  if (isPlain(v)) {
    const parts = Object.keys(v)
      .filter((k) => k !== 'info')
      .sort()
      .map((k) => `${k}:${valueKey(v[k])}`);
    return `{${parts.join(',')}}`;
  }
  return String(v);
}
