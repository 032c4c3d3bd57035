/**
 * The text plan cache: statements that differ only in their literals share one parse and, for
 * literals of the same types, one plan (node-sql-parser costs ~140 µs a statement; the
 * hand-written lexer a few).
 *
 * A text statement is *normalised*: the lexer finds its literals, and those in value positions
 * become `?` parameters; the normalised text is the cache key. Normalising is one pass of the
 * lexer's Scanner (issue 8: it runs for every text statement, so it builds no token objects).
 * On a miss the normalised text is parsed (its `?` numbered in text order, like a prepared
 * statement's) and kept with a PlanStore; every hit binds the literals it lifted out as the
 * parameters, so a cached plan is reused only for literals of the same types and, where the
 * planner read a value, the same value (plan-store.ts, params.ts P1).
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
import { Scanner } from './lexer.js';
import { parseStatement } from './parse.js';
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

/** What a keyword means to normalisation. */
interface Keyword {
  /** The clause it opens, if any. */
  readonly mode?: Mode;
  /** A literal right after it is in a value position (AND, IN, …). */
  readonly valueAfter?: boolean;
  /** A statement starting with it may be cached. */
  readonly cacheable?: boolean;
}

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['SELECT', { mode: 'list', cacheable: true }],
  ['INSERT', { cacheable: true }],
  ['UPDATE', { cacheable: true }],
  ['DELETE', { cacheable: true }],
  ['FROM', { mode: 'other' }],
  ['WHERE', { mode: 'condition' }],
  ['ON', { mode: 'condition' }],
  ['VALUES', { mode: 'values' }],
  ['VALUE', { mode: 'values' }],
  ['SET', { mode: 'values' }],
  ...['ORDER', 'GROUP', 'HAVING', 'LIMIT', 'OFFSET', 'INTO', 'FOR', 'LOCK', 'WINDOW', 'UNION']
    .map((w): [string, Keyword] => [w, { mode: 'other' }]),
  ['USING', { mode: 'other' }],
  ['DUPLICATE', { mode: 'other' }],
  ...['AND', 'OR', 'NOT', 'XOR', 'BETWEEN', 'LIKE', 'IN']
    .map((w): [string, Keyword] => [w, { valueAfter: true }]),
]);

/** KEYWORDS by length, for matching a word in place (issue 8: no substring per word). */
const KEYWORDS_BY_LENGTH: readonly (readonly KeywordEntry[])[] = (() => {
  const byLength: KeywordEntry[][] = [];
  for (const [upper, meaning] of KEYWORDS) {
    (byLength[upper.length] ??= []).push({ upper, first: upper.charCodeAt(0), meaning });
  }
  return byLength;
})();

interface KeywordEntry {
  readonly upper: string;
  readonly first: number;
  readonly meaning: Keyword;
}

/** The keyword the scanner's current word is (as its upper-case text would look it up). */
function keyword(s: Scanner): Keyword | undefined {
  const sql = s.sql;
  // toUpperCase maps some non-ASCII letters to ASCII ones ('ſ' → 'S', 'ﬀ' → 'FF'): such words
  // take the slow way, so a keyword is found exactly as by its upper-case text.
  if (!s.wordAscii) return KEYWORDS.get(sql.slice(s.start, s.end).toUpperCase());
  const candidates = KEYWORDS_BY_LENGTH[s.end - s.start];
  if (candidates === undefined) return undefined;
  // ASCII letters only: folding bit 0x20 maps a lower-case letter to its capital.
  const first = sql.charCodeAt(s.start) & 0xdf;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i] as KeywordEntry;
    if (candidate.first !== first) continue;
    const upper = candidate.upper;
    let k = 1;
    for (; k < upper.length; k++) {
      const c = sql.charCodeAt(s.start + k);
      const u = upper.charCodeAt(k);
      if (c !== u && c !== (u | 0x20)) break;
    }
    if (k === upper.length) return candidate.meaning;
  }
  return undefined;
}

/**
 * True when a literal right after the scanner's operator is in a value position: after one of
 * = <> != < <= > >= ( , + - * / %.
 */
function valueAfterOperator(s: Scanner): boolean {
  const c = s.sql.charCodeAt(s.start);
  if (s.end - s.start === 1) {
    return (
      c === 0x3d || c === 0x3c || c === 0x3e || c === 0x28 || c === 0x2c || c === 0x2b ||
      c === 0x2d || c === 0x2a || c === 0x2f || c === 0x25
    );
  }
  if (s.end - s.start !== 2) return false;
  const d = s.sql.charCodeAt(s.start + 1);
  return d === 0x3d ? c === 0x3c || c === 0x3e || c === 0x21 : c === 0x3c && d === 0x3e;
}

/** The scanner's number as a literal, or undefined when it is not lifted (an exponent). */
function numberAt(s: Scanner): Literal | undefined {
  if (s.numberExponent) return undefined;
  const sql = s.sql;
  if (s.numberDot) {
    // As numberLiteral: '1.' is 1.
    const end = sql.charCodeAt(s.end - 1) === 0x2e ? s.end - 1 : s.end;
    return { kind: 'decimal', text: sql.slice(s.start, end) };
  }
  if (s.end - s.start > 15) return { kind: 'int', value: BigInt(sql.slice(s.start, s.end)) };
  let n = 0;
  for (let i = s.start; i < s.end; i++) n = n * 10 + (sql.charCodeAt(i) - 0x30);
  return { kind: 'int', value: BigInt(n) };
}

/** [A-Za-z0-9_$] or non-ASCII: a character an introducer ends with. */
function isIdentCode(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x5f || c === 0x24 || c >= 0x80
  );
}

/**
 * The statement's cache key and lifted literals, or undefined when it is not cacheable. One pass
 * of the Scanner over the text (issue 8: no token objects; the key is the text's runs between
 * lifted literals, each literal written as `?`).
 */
export function normalise(sql: string): Normalised | undefined {
  if (sql.length > PARSE_CACHE_TEXT_CHARS_MAX) return undefined;
  const s = new Scanner(sql);
  if (s.next() !== 'word' || keyword(s)?.cacheable !== true) return undefined;
  const stack: Mode[] = [];
  let mode: Mode = 'other';
  // Inside parentheses of a select list (subqueries there), literals stay: they name columns.
  let frozen = 0;
  let key = '';
  let copied = 0;
  const literals: Literal[] = [];
  // The token before is an operator or word after which a literal is a value.
  let valueAfter = false;
  for (let kind = s.kind; kind !== undefined; kind = s.next()) {
    let after = false;
    switch (kind) {
      case 'error':
      case 'param':
      case 'variable':
      case 'system-variable':
        return undefined;
      case 'word': {
        const meaning = keyword(s);
        if (meaning === undefined) break;
        if (meaning.mode !== undefined) mode = meaning.mode;
        after = meaning.valueAfter === true;
        break;
      }
      case 'op': {
        const c = sql.charCodeAt(s.start);
        const single = s.end - s.start === 1;
        if (single && c === 0x28) {
          if (mode === 'list' || frozen > 0) frozen++;
          stack.push(mode);
        } else if (single && c === 0x29) {
          if (frozen > 0) frozen--;
          mode = stack.pop() ?? mode;
        }
        after = valueAfterOperator(s);
        break;
      }
      case 'number':
      case 'string': {
        if (!valueAfter || mode === 'list' || mode === 'other' || frozen > 0) break;
        let literal: Literal | undefined;
        if (kind === 'number') literal = numberAt(s);
        // An introducer (_binary'…', N'…', _utf8mb4'…') is glued to the quote: keep such literals.
        else if (!isIdentCode(sql.charCodeAt(s.start - 1))) {
          literal = { kind: 'string', value: s.stringValue() };
        }
        if (literal !== undefined) {
          key += `${sql.slice(copied, s.start)}?`;
          copied = s.end;
          literals.push(literal);
        }
        break;
      }
      default:
        break;
    }
    valueAfter = after;
  }
  if (literals.length === 0) return { key: sql, literals };
  return { key: key + sql.slice(copied), literals };
}

/** A cache entry: the parse (null: the normalised text is not cached), and when it last moved. */
interface Entry {
  readonly cached: CachedStatement | null;
  moved: number;
}

/**
 * Normalised texts → their parse and plans, least recently used dropped first. Issue 8 (cost): a
 * hit moves its entry to the back of the order only when it has not moved for half the capacity
 * of lookups, so a hot statement's lookup is one map read; an entry looked up within the last
 * capacity / 2 − 1 lookups is still never the one dropped.
 */
export class PlanCache {
  private readonly entries = new Map<string, Entry>();
  private lookups = 0;

  constructor(private readonly capacity: number) {}

  /**
   * The cached form of `sql`, parsing its normalised text on a miss; undefined when the text is
   * not cacheable (the caller parses it itself, and reports its errors as written).
   */
  lookup(sql: string): CachedStatement | undefined {
    if (this.capacity === 0) return undefined;
    const normal = normalise(sql);
    if (normal === undefined) return undefined;
    const now = ++this.lookups;
    let entry = this.entries.get(normal.key);
    if (entry === undefined) {
      entry = { cached: this.load(normal), moved: now };
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
      this.entries.set(normal.key, entry);
    } else if (now - entry.moved >= (this.capacity >> 1)) {
      entry.moved = now;
      this.entries.delete(normal.key);
      this.entries.set(normal.key, entry);
    }
    const cached = entry.cached;
    if (cached === null) return undefined;
    return { statement: cached.statement, literals: normal.literals, plans: cached.plans };
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
