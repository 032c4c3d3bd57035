/**
 * The text plan cache: statements that differ only in their literals share one parse and, for
 * literals of the same types, one plan (node-sql-parser costs ~140 µs a statement; the
 * hand-written lexer a few).
 *
 * A text statement is *normalised*: the lexer finds its literals, and those in value positions
 * become `?` parameters; the normalised text is the cache key. On a miss the normalised text is
 * parsed (its `?` numbered in text order, like a prepared statement's) and kept with a PlanStore;
 * every hit binds the literals it lifted out as the parameters, so a cached plan is reused only
 * for literals of the same types and, where the planner read a value, the same value
 * (plan-store.ts, params.ts P1).
 *
 * Which literals are lifted: a number (integer or decimal) or a string (not _binary'…', N'…' or
 * other introduced ones), right after a comparison or arithmetic operator, `(`, `,`, or AND / OR
 * / NOT / XOR / BETWEEN / LIKE / IN, inside a WHERE, ON, VALUES or SET clause of a SELECT, INSERT,
 * UPDATE or DELETE. Literals elsewhere stay in the key, because they shape the result or its
 * metadata: the select list (`SELECT 1` vs `SELECT 'a'`, column names are the literal text),
 * ORDER BY and GROUP BY positions, LIMIT, HAVING. IN-list lengths are in the key by
 * construction. Statements with `?`, user or system variables, or lexical errors are not cached.
 *
 * Invariant (PC1): running a statement through the cache gives the same rows, metadata, errors
 * and warnings as parsing and planning its text afresh (plan-cache.test.ts checks this over
 * random literal variants).
 */
import { PARSE_CACHE_TEXT_CHARS_MAX } from '../config.js';
import type { Literal, Statement } from './ast.js';
import { type Token, lexTokens } from './lexer.js';
import { numberLiteral, parseStatement } from './parse.js';
import { PlanStore } from './plan-store.js';

/** Plans kept per normalised text (one per distinct literal typing). */
export const PLAN_CACHE_PLANS_PER_TEXT = 8;

export interface Normalised {
  readonly key: string;
  readonly literals: readonly Literal[];
}

export interface CachedStatement {
  readonly statement: Statement;
  readonly literals: readonly Literal[];
  readonly plans: PlanStore;
}

type Mode = 'list' | 'condition' | 'values' | 'other';

const CACHEABLE_STARTS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);

const MODE_WORDS: Readonly<Record<string, Mode>> = {
  SELECT: 'list',
  FROM: 'other',
  WHERE: 'condition',
  ON: 'condition',
  VALUES: 'values',
  VALUE: 'values',
  SET: 'values',
  ORDER: 'other',
  GROUP: 'other',
  HAVING: 'other',
  LIMIT: 'other',
  OFFSET: 'other',
  INTO: 'other',
  FOR: 'other',
  LOCK: 'other',
  WINDOW: 'other',
  UNION: 'other',
  USING: 'other',
  DUPLICATE: 'other',
};

const VALUE_AFTER_OPS = new Set([
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '(',
  ',',
  '+',
  '-',
  '*',
  '/',
  '%',
]);
const VALUE_AFTER_WORDS = new Set(['AND', 'OR', 'NOT', 'XOR', 'BETWEEN', 'LIKE', 'IN']);

const isIdentChar = (c: string | undefined): boolean =>
  c !== undefined && (/[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80);

function liftable(sql: string, token: Token, prev: Token | undefined): Literal | undefined {
  if (prev === undefined) return undefined;
  const afterValueOp =
    (prev.kind === 'op' && VALUE_AFTER_OPS.has(prev.value)) ||
    (prev.kind === 'word' && VALUE_AFTER_WORDS.has(prev.value.toUpperCase()));
  if (!afterValueOp) return undefined;
  if (token.kind === 'number') {
    if (!/^(\d+|\d+\.\d*|\.\d+)$/.test(token.value)) return undefined;
    return numberLiteral(token.value);
  }
  if (token.kind === 'string') {
    // An introducer (_binary'…', N'…', _utf8mb4'…') is glued to the quote: keep such literals.
    if (isIdentChar(sql[token.start - 1])) return undefined;
    return { kind: 'string', value: token.value };
  }
  return undefined;
}

/** The statement's cache key and lifted literals, or undefined when it is not cacheable. */
export function normalise(sql: string): Normalised | undefined {
  if (sql.length > PARSE_CACHE_TEXT_CHARS_MAX) return undefined;
  const tokens = lexTokens(sql);
  const first = tokens[0];
  if (first === undefined || first.kind !== 'word') return undefined;
  if (!CACHEABLE_STARTS.has(first.value.toUpperCase())) return undefined;
  const stack: Mode[] = [];
  let mode: Mode = 'other';
  // Inside parentheses of a select list (subqueries there), literals stay: they name columns.
  let frozen = 0;
  let key = '';
  let copied = 0;
  const literals: Literal[] = [];
  let prev: Token | undefined;
  for (const token of tokens) {
    switch (token.kind) {
      case 'error':
      case 'param':
      case 'variable':
      case 'system-variable':
        return undefined;
      case 'word': {
        const next = MODE_WORDS[token.value.toUpperCase()];
        if (next !== undefined) mode = next;
        break;
      }
      case 'op':
        if (token.value === '(') {
          if (mode === 'list' || frozen > 0) frozen++;
          stack.push(mode);
        } else if (token.value === ')') {
          if (frozen > 0) frozen--;
          mode = stack.pop() ?? mode;
        }
        break;
      case 'number':
      case 'string': {
        const literal =
          mode === 'list' || mode === 'other' || frozen > 0
            ? undefined
            : liftable(sql, token, prev);
        if (literal !== undefined) {
          key += `${sql.slice(copied, token.start)}?`;
          copied = token.end;
          literals.push(literal);
        }
        break;
      }
      default:
        break;
    }
    prev = token;
  }
  if (literals.length === 0) return { key: sql, literals };
  return { key: key + sql.slice(copied), literals };
}

/** Normalised texts → their parse and plans, least recently used dropped first. */
export class PlanCache {
  private readonly entries = new Map<string, CachedStatement | null>();

  constructor(private readonly capacity: number) {}

  /**
   * The cached form of `sql`, parsing its normalised text on a miss; undefined when the text is
   * not cacheable (the caller parses it itself, and reports its errors as written).
   */
  lookup(sql: string): CachedStatement | undefined {
    if (this.capacity === 0) return undefined;
    const normal = normalise(sql);
    if (normal === undefined) return undefined;
    let entry = this.entries.get(normal.key);
    if (entry === undefined) {
      entry = this.load(normal);
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
    } else {
      this.entries.delete(normal.key);
    }
    this.entries.set(normal.key, entry);
    if (entry === null) return undefined;
    return { statement: entry.statement, literals: normal.literals, plans: entry.plans };
  }

  private load(normal: Normalised): CachedStatement | null {
    let parsed;
    try {
      parsed = parseStatement(normal.key);
    } catch {
      // The original text reports its own error (with its own 'near …' text).
      return null;
    }
    // Every lifted literal must have become a parameter, in order (PC1).
    if (parsed.paramCount !== normal.literals.length) return null;
    return {
      statement: parsed.statement,
      literals: [],
      plans: new PlanStore(PLAN_CACHE_PLANS_PER_TEXT),
    };
  }

  get size(): number {
    return this.entries.size;
  }
}
