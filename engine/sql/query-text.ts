/**
 * Token-level work on a statement's text before node-sql-parser reads it (for parse-query.ts):
 *
 *   1. Select-list item texts per query block: MySQL names an unaliased expression column after
 *      its text as written, so each SELECT keyword's items are cut from the original text.
 *      Blocks are numbered in text order of their SELECT keyword (Q1).
 *   2. Rewrites of what node-sql-parser 5 cannot read, into forms it can, carried back:
 *        OVER (spec)                   → OVER __w<k>   (spec k read here, from the tokens)
 *        WINDOW w AS (spec), …         → blanks        (kept per block)
 *        NATURAL [LEFT|RIGHT] JOIN t   → [LEFT|RIGHT] JOIN t USING (__natural__)
 *        SUM(DISTINCT x) and kin       → __DISTINCT_SUM(x);  COUNT(ALL x) → COUNT(x)
 *        STD( / VARIANCE(              → STDDEV_POP( / VAR_POP(   (MySQL's synonyms)
 *        INTERSECT | EXCEPT ALL        → INTERSECT | EXCEPT   (ALL kept aside, in text order)
 *        USE | IGNORE | FORCE INDEX | KEY [FOR JOIN | FOR ORDER BY | FOR GROUP BY] (names)
 *                                      → blanks  (index hints choose a plan, never the rows;
 *                                                 planner.ts checks the names: 1176)
 *        FOR SHARE / OF t, … inside a statement (a query block's locking clause)
 *                                      → LOCK IN SHARE MODE / blanks
 *      The rewritten text maps offsets back to the original (error positions stay right).
 *
 * Invariants:
 *   (Q1) blocks[i] is the i-th SELECT keyword of the text; the converter takes blocks in the
 *        same order because it converts a query's WITH first, then its select list, then FROM,
 *        WHERE, GROUP BY, HAVING, ORDER BY, which is text order.
 *   (Q2) edits never overlap; an edit inside a replaced OVER (…) is dropped (the window spec's
 *        expressions are read from the original text).
 */
import type { IndexHint } from './ast.js';
import type { Lexed, Token } from './lexer.js';
import { notSupportedYet } from './parse-nodes.js';

/** A range [start, end) of the original text. */
export type TextRange = readonly [number, number];

export interface OrderText {
  readonly range: TextRange;
  readonly descending: boolean;
}

export type BoundText =
  | { readonly kind: 'unbounded-preceding' | 'unbounded-following' | 'current-row' }
  | {
      readonly kind: 'preceding' | 'following';
      readonly offset: TextRange;
      readonly unit: string | null;
    };

export interface WindowSpecText {
  readonly base: string | null;
  readonly partitionBy: readonly TextRange[];
  readonly orderBy: readonly OrderText[];
  readonly frame: {
    readonly unit: 'rows' | 'range';
    readonly start: BoundText;
    readonly end: BoundText;
  } | null;
}

export interface BlockText {
  readonly items: readonly string[];
  readonly windows: readonly { readonly name: string; readonly spec: WindowSpecText }[];
}

export interface QueryText {
  readonly lexed: Lexed;
  readonly blocks: readonly BlockText[];
  /** The spec of `OVER __w<k>`, by k. */
  readonly overs: readonly WindowSpecText[];
  /** Each INTERSECT / EXCEPT in text order: ALL (true) or DISTINCT (false, the default). */
  readonly setOpAll: readonly boolean[];
  /** The index hints taken out, with the table each follows (ast.ts IndexHint). */
  readonly indexHints: readonly IndexHint[];
}

export const NATURAL_MARK = '__natural__';
export const WINDOW_MARK = '__w';
export const DISTINCT_AGGREGATE_MARK = '__distinct_';

const SELECT_OPTIONS = new Set(
  (
    'ALL DISTINCT DISTINCTROW HIGH_PRIORITY STRAIGHT_JOIN SQL_SMALL_RESULT SQL_BIG_RESULT ' +
    'SQL_BUFFER_RESULT SQL_NO_CACHE SQL_CACHE SQL_CALC_FOUND_ROWS'
  ).split(' '),
);
const SELECT_LIST_ENDS = new Set(
  'FROM WHERE GROUP HAVING ORDER LIMIT INTO FOR LOCK UNION WINDOW EXCEPT INTERSECT'.split(' '),
);
const BLOCK_ENDS = new Set(['UNION', 'EXCEPT', 'INTERSECT']);
const DISTINCT_AGGREGATES = new Set(
  (
    'SUM AVG MIN MAX STD STDDEV STDDEV_POP STDDEV_SAMP VARIANCE VAR_POP VAR_SAMP BIT_AND BIT_OR ' +
    'BIT_XOR JSON_ARRAYAGG JSON_OBJECTAGG'
  ).split(' '),
);
const SYNONYMS: Readonly<Record<string, string>> = { STD: 'STDDEV_POP', VARIANCE: 'VAR_POP' };
const TABLE_FACTOR_ENDS = new Set(
  (
    'ON USING WHERE GROUP HAVING ORDER LIMIT JOIN INNER LEFT RIGHT CROSS NATURAL STRAIGHT_JOIN ' +
    'UNION EXCEPT INTERSECT WINDOW FOR LOCK INTO'
  ).split(' '),
);

function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === 'word' && words.includes(t.value.toUpperCase());
}

function isOp(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.kind === 'op' && t.value === value;
}

/** The index of the ')' closing the '(' at `open`, or -1. */
function closing(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isOp(tokens[i], '(')) depth++;
    else if (isOp(tokens[i], ')') && --depth === 0) return i;
  }
  return -1;
}

/** The table an index hint at token `at` follows: `[db.]name [[AS] alias]`, if that is it. */
function hintedTable(tokens: readonly Token[], at: number): IndexHint['table'] | undefined {
  const isName = (t: Token | undefined): boolean =>
    t !== undefined &&
    (t.kind === 'quoted-ident' || (t.kind === 'word' && !HINT_BEFORE.has(t.value.toUpperCase())));
  let end = at - 1;
  if (isWord(tokens[end - 1], 'AS')) end -= 2; // name AS alias
  else if (isName(tokens[end]) && isName(tokens[end - 1])) end -= 1; // name alias
  if (!isName(tokens[end])) return undefined;
  const name = (tokens[end] as Token).value;
  if (!isOp(tokens[end - 1], '.')) return { database: null, name };
  const database = tokens[end - 2];
  return isName(database) ? { database: (database as Token).value, name } : undefined;
}

/** Words a table factor's name cannot be (what comes before one). */
const HINT_BEFORE = new Set(['FROM', 'JOIN', 'UPDATE', 'STRAIGHT_JOIN', 'AS']);

/** How many parentheses are open at token `at`. */
function depthAt(tokens: readonly Token[], at: number): number {
  let depth = 0;
  for (let i = 0; i < at; i++) {
    if (isOp(tokens[i], '(')) depth++;
    else if (isOp(tokens[i], ')')) depth--;
  }
  return depth;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

class Analyzer {
  readonly edits: Edit[] = [];
  readonly overs: WindowSpecText[] = [];
  readonly setOpAll: boolean[] = [];
  readonly indexHints: IndexHint[] = [];
  /** Ranges whose text is replaced whole (OVER specs, WINDOW clauses): Q2. */
  private readonly covered: TextRange[] = [];

  constructor(
    private readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  run(): BlockText[] {
    const blocks: BlockText[] = [];
    const { tokens } = this;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (isWord(t, 'SELECT')) blocks.push(this.block(i));
      else if (isWord(t, 'OVER') && isOp(tokens[i + 1], '(')) this.over(i);
      else if (isWord(t, 'NATURAL')) this.natural(i);
      else if (isWord(t, 'INTERSECT', 'EXCEPT')) this.setOperator(i);
      else if (isWord(t, 'USE', 'IGNORE', 'FORCE') && isWord(tokens[i + 1], 'INDEX', 'KEY')) {
        this.indexHint(i);
      }
      else if (isWord(t, 'FOR') && isWord(tokens[i + 1], 'SHARE', 'UPDATE')) this.lockingClause(i);
      else if (t.kind === 'word' && isOp(tokens[i + 1], '(')) this.aggregate(i);
    }
    return blocks;
  }

  private edit(start: number, end: number, text: string): void {
    if (this.covered.some(([a, b]) => start >= a && end <= b)) return;
    this.edits.push({ start, end, text });
  }

  private cover(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
    this.covered.push([start, end]);
  }

  private block(at: number): BlockText {
    const { tokens } = this;
    let i = at + 1;
    while (i < tokens.length && isWord(tokens[i], ...SELECT_OPTIONS)) i++;
    const items: string[] = [];
    let depth = 0;
    let itemStart = i;
    const close = (end: number): void => {
      const a = tokens[itemStart];
      const b = tokens[end - 1];
      if (a !== undefined && b !== undefined && end > itemStart) {
        items.push(this.sql.slice(a.start, b.end));
      }
    };
    for (; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) {
        if (--depth < 0) break;
      } else if (depth === 0 && isOp(t, ',')) {
        close(i);
        itemStart = i + 1;
      } else if (depth === 0 && (isWord(t, ...SELECT_LIST_ENDS) || isOp(t, ';'))) {
        break;
      }
    }
    close(i);
    return { items, windows: this.windowClause(i) };
  }

  /** WINDOW w AS (spec), … at the block's depth, from token `from` on. */
  private windowClause(from: number): { name: string; spec: WindowSpecText }[] {
    const { tokens } = this;
    let depth = 0;
    for (let i = from; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')') && --depth < 0) return [];
      else if (depth === 0 && (isWord(t, ...BLOCK_ENDS) || isOp(t, ';'))) return [];
      else if (depth === 0 && isWord(t, 'WINDOW')) return this.windowDefinitions(i);
    }
    return [];
  }

  private windowDefinitions(at: number): { name: string; spec: WindowSpecText }[] {
    const { tokens } = this;
    const out: { name: string; spec: WindowSpecText }[] = [];
    let i = at + 1;
    for (;;) {
      const name = tokens[i];
      const open = i + 2;
      if (name === undefined || !isWord(tokens[i + 1], 'AS') || !isOp(tokens[open], '(')) {
        throw syntax(this.sql, tokens[i]);
      }
      const end = closing(tokens, open);
      if (end === -1) throw syntax(this.sql, tokens[open]);
      out.push({ name: name.value, spec: this.spec(open + 1, end) });
      i = end + 1;
      if (!isOp(tokens[i], ',')) break;
      i++;
    }
    const last = tokens[i - 1] as Token;
    this.cover((tokens[at] as Token).start, last.end, ' ');
    return out;
  }

  private over(at: number): void {
    const { tokens } = this;
    const open = at + 1;
    const end = closing(tokens, open);
    if (end === -1) throw syntax(this.sql, tokens[open]);
    const spec = this.spec(open + 1, end);
    this.cover(
      (tokens[open] as Token).start,
      (tokens[end] as Token).end,
      ` ${WINDOW_MARK}${this.overs.length}`,
    );
    this.overs.push(spec);
  }

  /** A window specification between tokens [from, to). */
  private spec(from: number, to: number): WindowSpecText {
    const { tokens } = this;
    for (let i = from; i < to; i++) {
      if ((tokens[i] as Token).kind === 'param')
        throw notSupportedYet('parameters in window specifications');
    }
    let i = from;
    let base: string | null = null;
    const first = tokens[i];
    if (first !== undefined && i < to && !isWord(first, 'PARTITION', 'ORDER', 'ROWS', 'RANGE')) {
      if (first.kind !== 'word' && first.kind !== 'quoted-ident') throw syntax(this.sql, first);
      base = first.value;
      i++;
    }
    let partitionBy: TextRange[] = [];
    let orderBy: OrderText[] = [];
    if (isWord(tokens[i], 'PARTITION') && isWord(tokens[i + 1], 'BY')) {
      const read = this.expressionList(i + 2, to, ['ORDER', 'ROWS', 'RANGE']);
      partitionBy = read.items.map((r) => r.range);
      i = read.next;
    }
    if (isWord(tokens[i], 'ORDER') && isWord(tokens[i + 1], 'BY')) {
      const read = this.expressionList(i + 2, to, ['ROWS', 'RANGE']);
      orderBy = read.items;
      i = read.next;
    }
    let frame: WindowSpecText['frame'] = null;
    if (isWord(tokens[i], 'ROWS', 'RANGE')) {
      const unit = (tokens[i] as Token).value.toLowerCase() as 'rows' | 'range';
      i++;
      if (isWord(tokens[i], 'BETWEEN')) {
        const and = this.findWord(i + 1, to, 'AND');
        const start = this.bound(i + 1, and);
        frame = { unit, start, end: this.bound(and + 1, to) };
      } else {
        frame = { unit, start: this.bound(i, to), end: { kind: 'current-row' } };
      }
      i = to;
    }
    if (i !== to) throw syntax(this.sql, tokens[i]);
    return { base, partitionBy, orderBy, frame };
  }

  private findWord(from: number, to: number, word: string): number {
    let depth = 0;
    for (let i = from; i < to; i++) {
      const t = this.tokens[i];
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth--;
      else if (depth === 0 && isWord(t, word)) return i;
    }
    throw syntax(this.sql, this.tokens[to]);
  }

  private bound(from: number, to: number): BoundText {
    const { tokens } = this;
    const words = tokens
      .slice(from, to)
      .map((t) => (t.kind === 'word' ? t.value.toUpperCase() : ''));
    const joined = words.join(' ');
    if (joined === 'UNBOUNDED PRECEDING') return { kind: 'unbounded-preceding' };
    if (joined === 'UNBOUNDED FOLLOWING') return { kind: 'unbounded-following' };
    if (joined === 'CURRENT ROW') return { kind: 'current-row' };
    const last = words[words.length - 1];
    if (to - from < 2 || (last !== 'PRECEDING' && last !== 'FOLLOWING')) {
      throw syntax(this.sql, tokens[from]);
    }
    const kind = last === 'PRECEDING' ? 'preceding' : 'following';
    if (isWord(tokens[from], 'INTERVAL')) {
      if (to - from < 4) throw syntax(this.sql, tokens[from]);
      const unit = (tokens[to - 2] as Token).value.toUpperCase();
      const offset = this.range(from + 1, to - 2);
      return { kind, offset, unit };
    }
    return { kind, offset: this.range(from, to - 1), unit: null };
  }

  private range(from: number, to: number): TextRange {
    const a = this.tokens[from];
    const b = this.tokens[to - 1];
    if (a === undefined || b === undefined || to <= from) throw syntax(this.sql, a);
    return [a.start, b.end];
  }

  /** `expr [ASC|DESC], …` from `from` until a depth-0 word of `ends` or `to`. */
  private expressionList(
    from: number,
    to: number,
    ends: readonly string[],
  ): { items: OrderText[]; next: number } {
    const { tokens } = this;
    const items: OrderText[] = [];
    let depth = 0;
    let start = from;
    let i = from;
    const push = (end: number): void => {
      let last = end;
      let descending = false;
      if (isWord(tokens[last - 1], 'ASC', 'DESC')) {
        descending = isWord(tokens[last - 1], 'DESC');
        last--;
      }
      items.push({ range: this.range(start, last), descending });
    };
    for (; i < to; i++) {
      const t = tokens[i] as Token;
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth--;
      else if (depth === 0 && isOp(t, ',')) {
        push(i);
        start = i + 1;
      } else if (depth === 0 && isWord(t, ...ends)) break;
    }
    push(i);
    return { items, next: i };
  }

  /** INTERSECT / EXCEPT [ALL | DISTINCT]: node-sql-parser reads neither word after them. */
  private setOperator(at: number): void {
    const next = this.tokens[at + 1];
    const all = isWord(next, 'ALL');
    if (all || isWord(next, 'DISTINCT')) {
      const t = next as Token;
      this.edit(t.start, t.end, ' ');
    }
    this.setOpAll.push(all);
  }

  /**
   * A query block's locking clause inside the statement (its own, at its end, parse.ts takes
   * off first): FOR SHARE becomes LOCK IN SHARE MODE and OF t [, t …] goes, forms
   * node-sql-parser cannot read; the block's rows are locked either way (OF narrows nothing
   * here, as for the statement's own clause).
   */
  private lockingClause(at: number): void {
    const { tokens } = this;
    if (depthAt(tokens, at) === 0) return;
    const strength = tokens[at + 1] as Token;
    if (isWord(tokens[at + 2], 'OF')) {
      const isName = (t: Token | undefined): boolean =>
        t !== undefined && (t.kind === 'word' || t.kind === 'quoted-ident');
      let last = at + 3;
      while (isName(tokens[last]) && isOp(tokens[last + 1], ',')) last += 2;
      if (isName(tokens[last])) {
        this.edit((tokens[at + 2] as Token).start, (tokens[last] as Token).end, ' ');
      }
    }
    if (isWord(strength, 'SHARE')) {
      this.edit((tokens[at] as Token).start, strength.end, 'LOCK IN SHARE MODE');
    }
  }

  /** An index hint after a table factor: blanked whole (see the file comment). */
  private indexHint(at: number): void {
    const { tokens } = this;
    // A single-table DELETE's own table takes none (MySQL's grammar), nor does a derived table
    // (`(SELECT …) [AS] d`): their syntax errors stand.
    if (isWord(tokens[0], 'DELETE') && depthAt(tokens, at) === 0) return;
    const alias = isWord(tokens[at - 2], 'AS') ? at - 3 : at - 2;
    if (isOp(tokens[alias], ')')) return;
    let i = at + 2;
    if (isWord(tokens[i], 'FOR')) {
      if (isWord(tokens[i + 1], 'JOIN')) i += 2;
      else if (isWord(tokens[i + 1], 'ORDER', 'GROUP') && isWord(tokens[i + 2], 'BY')) i += 3;
      else return; // not a hint node-sql-parser can be spared: its syntax error stands
    }
    if (!isOp(tokens[i], '(')) return;
    const close = closing(tokens, i);
    if (close < 0) return;
    // USE INDEX () names none (the table scan); the others name at least one index.
    for (let k = i + 1; k < close; k++) {
      const t = tokens[k] as Token;
      const name = t.kind === 'word' || t.kind === 'quoted-ident';
      if ((k - i) % 2 === 1 ? !name : !isOp(t, ',')) return;
    }
    if (close > i + 1 && (close - i) % 2 === 1) return; // ends with a ','
    if (close === i + 1 && !isWord(tokens[at], 'USE')) return;
    this.edit((tokens[at] as Token).start, (tokens[close] as Token).end, ' ');
    const table = hintedTable(tokens, at);
    const indexes: string[] = [];
    for (let k = i + 1; k < close; k += 2) indexes.push((tokens[k] as Token).value);
    if (table !== undefined && indexes.length > 0) this.indexHints.push({ table, indexes });
  }

  private natural(at: number): void {
    const { tokens } = this;
    let i = at + 1;
    if (isWord(tokens[i], 'LEFT', 'RIGHT')) i++;
    if (isWord(tokens[i], 'OUTER')) i++;
    if (isWord(tokens[i], 'INNER')) i++;
    if (!isWord(tokens[i], 'JOIN')) return;
    const end = this.tableFactorEnd(i + 1);
    const natural = tokens[at] as Token;
    this.edit(natural.start, natural.end, ' ');
    const last = tokens[end - 1] as Token;
    this.edit(last.end, last.end, ` USING (${NATURAL_MARK})`);
  }

  /** The token index just past the table factor starting at `at`. */
  private tableFactorEnd(at: number): number {
    const { tokens } = this;
    let i = at;
    if (isOp(tokens[i], '(')) {
      const end = closing(tokens, i);
      if (end === -1) throw syntax(this.sql, tokens[i]);
      i = end + 1;
    } else {
      i++;
      while (isOp(tokens[i], '.')) i += 2;
    }
    if (isWord(tokens[i], 'AS')) return i + 2;
    const alias = tokens[i];
    if (
      alias !== undefined &&
      (alias.kind === 'quoted-ident' ||
        (alias.kind === 'word' && !TABLE_FACTOR_ENDS.has(alias.value.toUpperCase())))
    ) {
      return i + 1;
    }
    return i;
  }

  /** name( DISTINCT | ALL …: the aggregate forms node-sql-parser does not read. */
  private aggregate(at: number): void {
    const { tokens } = this;
    const name = tokens[at] as Token;
    const upper = name.value.toUpperCase();
    const synonym = SYNONYMS[upper];
    const modifier = tokens[at + 2];
    if (isWord(modifier, 'ALL') && (DISTINCT_AGGREGATES.has(upper) || upper === 'COUNT')) {
      const m = modifier as Token;
      this.edit(m.start, m.end, ' ');
    } else if (isWord(modifier, 'DISTINCT') && DISTINCT_AGGREGATES.has(upper)) {
      const m = modifier as Token;
      this.edit(name.start, name.end, `${DISTINCT_AGGREGATE_MARK}${synonym ?? upper}`);
      this.edit(m.start, m.end, ' ');
      return;
    }
    if (synonym !== undefined) this.edit(name.start, name.end, synonym);
  }
}

function syntax(sql: string, at: Token | undefined): Error {
  // parse.ts turns this into ER_PARSE_ERROR at the offset.
  return new QueryTextSyntaxError(at?.start ?? sql.length);
}

/** A window specification that does not parse, at `offset` of the original text. */
export class QueryTextSyntaxError extends Error {
  override readonly name = 'QueryTextSyntaxError';
  constructor(readonly offset: number) {
    super(`syntax error at ${offset}`);
  }
}

/** Lexed text with `edits` (original offsets, sorted, disjoint) applied to its parser text. */
function rewrite(lexed: Lexed, edits: readonly Edit[]): Lexed {
  if (edits.length === 0) return lexed;
  const mapped = edits
    .map((e) => ({ a: lexed.toParser(e.start), b: lexed.toParser(e.end), text: e.text }))
    .sort((x, y) => x.a - y.a || x.b - y.b);
  let text = '';
  let at = 0;
  const pieces: { oldA: number; oldB: number; newA: number; newB: number }[] = [];
  for (const m of mapped) {
    if (m.a < at) continue; // overlapping: Q2 keeps the first
    text += lexed.parserText.slice(at, m.a);
    const newA = text.length;
    text += m.text;
    pieces.push({ oldA: m.a, oldB: m.b, newA, newB: text.length });
    at = m.b;
  }
  text += lexed.parserText.slice(at);
  const toNew = (old: number): number => {
    let shift = 0;
    for (const p of pieces) {
      if (old < p.oldA) break;
      if (old < p.oldB) return p.newA;
      shift = p.newB - p.oldB;
    }
    return old + shift;
  };
  const toOld = (offset: number): number => {
    let shift = 0;
    for (const p of pieces) {
      if (offset < p.newA) break;
      if (offset < p.newB) return p.oldA;
      shift = p.oldB - p.newB;
    }
    return offset + shift;
  };
  return {
    tokens: lexed.tokens,
    literals: lexed.literals,
    parserText: text,
    toParser: (original) => toNew(lexed.toParser(original)),
    toOriginal: (offset) => lexed.toOriginal(toOld(offset)),
  };
}

/** The statement's query blocks and window specs, and its text rewritten for node-sql-parser. */
export function analyzeQueryText(sql: string, lexed: Lexed, tokens: readonly Token[]): QueryText {
  const analyzer = new Analyzer(sql, tokens);
  const blocks = analyzer.run();
  const edits = [...analyzer.edits].sort((x, y) => x.start - y.start || x.end - y.end);
  return {
    lexed: rewrite(lexed, edits),
    blocks,
    overs: analyzer.overs,
    setOpAll: analyzer.setOpAll,
    indexHints: analyzer.indexHints,
  };
}
