/**
 * Narrowing node-sql-parser's loose AST (`unknown` in, checked shapes out), for the converters
 * beside parse.ts (parse-query.ts and later ones). A shape we do not know is ER_NOT_SUPPORTED_YET
 * naming what it was: we never guess what a statement meant.
 */
import { SqlError } from '../errors.js';

export type Obj = Readonly<Record<string, unknown>>;

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function notSupportedYet(what: string): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', [what]);
}

export function obj(x: unknown, what: string): Obj {
  if (!isObj(x)) throw notSupportedYet(what);
  return x;
}

export function list(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

export function text(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

/** Truthy in node-sql-parser's sense: present and not null/empty. */
export function present(x: unknown): boolean {
  if (x === null || x === undefined || x === false) return false;
  if (Array.isArray(x)) return x.length > 0;
  return true;
}

/** Unquotes a name node-sql-parser hands over raw (`a``b` keeps its doubled backticks). */
export function nameOf(x: unknown, what: string): string {
  if (typeof x === 'string') return x.replace(/``/g, '`');
  if (isObj(x) && isObj(x.expr)) return nameOf(x.expr.value, what);
  if (isObj(x) && typeof x.value === 'string') return nameOf(x.value, what);
  throw notSupportedYet(what);
}
