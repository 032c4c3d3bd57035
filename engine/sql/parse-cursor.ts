/**
 * A cursor over a statement's tokens (lexer.ts) for the hand-written statement parsers
 * (parse-ddl.ts, parse-ddl-table.ts, parse-show.ts, parse-insert.ts): keyword and name matching,
 * balanced parentheses, and the two ways back into node-sql-parser — expressions at token ranges,
 * and a whole query (SELECT …) from a token on.
 *
 * Errors are MySQL's: ER_PARSE_ERROR (1064) at the token where the text stops making sense.
 */
import type { AccountName, ColumnRef, Expr, Statement, TableExpr, TableName } from './ast.js';
import type { Token } from './lexer.js';
import { parseErrorAt } from './parse.js';

export interface ParseContext {
  readonly sql: string;
  /** The statement's tokens, without a trailing ';'. */
  readonly tokens: readonly Token[];
  /** Parses the expressions at original-text ranges [start, end) (node-sql-parser). */
  expressions(ranges: readonly (readonly [number, number])[]): Expr[];
  /**
   * Parses the query (SELECT …, a parenthesized SELECT, TABLE t) in tokens [at, end) (to the
   * statement's end when `end` is absent).
   */
  query(at: number, end?: number): Statement;
  /** The next `?` placeholder (numbered in text order). */
  param(): Expr;
  /** Tokens [at, end) read as the FROM clause of a query (`SELECT 1 FROM …`). */
  fromClause(at: number, end: number): TableExpr;
}

/** The text as written of the expressions the cursors parsed. */
const WRITTEN = new WeakMap<Expr, string>();

/**
 * An expression's text as written, when a cursor parsed it (DDL keeps it when it cannot print
 * it).
 */
export function writtenText(expr: Expr): string | undefined {
  return WRITTEN.get(expr);
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value.toUpperCase());
}

export function isOp(token: Token | undefined, op: string): boolean {
  return token !== undefined && token.kind === 'op' && token.value === op;
}

export class Cursor {
  at = 0;
  constructor(readonly ctx: ParseContext) {}

  get tokens(): readonly Token[] {
    return this.ctx.tokens;
  }

  get sql(): string {
    return this.ctx.sql;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  /** ER_PARSE_ERROR at the current token (or the end). */
  error(): never {
    throw parseErrorAt(this.sql, this.peek()?.start ?? this.sql.length);
  }

  /** Consumes one of `words` (case-insensitive); false, consuming nothing, otherwise. */
  word(...words: string[]): boolean {
    if (!isWord(this.peek(), ...words)) return false;
    this.at++;
    return true;
  }

  /** The word consumed, upper-cased, if it is one of `words`. */
  oneOf<W extends string>(...words: W[]): W | null {
    const token = this.peek();
    if (!isWord(token, ...words)) return null;
    this.at++;
    return (token as Token).value.toUpperCase() as W;
  }

  /** Consumes the words in sequence, or nothing. */
  words(...sequence: string[]): boolean {
    for (let i = 0; i < sequence.length; i++) {
      if (!isWord(this.peek(i), sequence[i] as string)) return false;
    }
    this.at += sequence.length;
    return true;
  }

  expectWord(...words: string[]): string {
    const token = this.peek();
    if (!isWord(token, ...words)) this.error();
    this.at++;
    return (token as Token).value.toUpperCase();
  }

  op(op: string): boolean {
    if (!isOp(this.peek(), op)) return false;
    this.at++;
    return true;
  }

  expectOp(op: string): void {
    if (!this.op(op)) this.error();
  }

  /** An optional `=` (table options, ALGORITHM = …). */
  optionalEquals(): void {
    this.op('=');
  }

  /** A name: a word or a `quoted identifier` (and a 'string' where MySQL allows one). */
  name(strings = false): string {
    const token = this.peek();
    if (
      token !== undefined &&
      (token.kind === 'word' ||
        token.kind === 'quoted-ident' ||
        (strings && token.kind === 'string'))
    ) {
      this.at++;
      return token.value;
    }
    return this.error();
  }

  /** True when the current token can be a name. */
  atName(): boolean {
    const token = this.peek();
    return token !== undefined && (token.kind === 'word' || token.kind === 'quoted-ident');
  }

  /** `name` or `db`.`name`. */
  tableName(): TableName {
    const first = this.name();
    if (isOp(this.peek(), '.')) {
      this.at++;
      return { database: first, name: this.name() };
    }
    return { database: null, name: first };
  }

  /** A 'string' literal's value. */
  string(): string {
    const token = this.peek();
    if (token === undefined || token.kind !== 'string') this.error();
    this.at++;
    return token.value;
  }

  /** A non-negative integer literal. */
  integer(): bigint {
    const token = this.peek();
    if (token === undefined || token.kind !== 'number' || !/^\d+$/.test(token.value)) this.error();
    this.at++;
    return BigInt(token.value);
  }

  /** `(name, name, …)`. */
  nameList(): string[] {
    this.expectOp('(');
    const names: string[] = [];
    do names.push(this.name());
    while (this.op(','));
    this.expectOp(')');
    return names;
  }

  /** The index of the `)` closing the `(` at token `open`. */
  closing(open: number): number {
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      const t = this.tokens[i] as Token;
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')') && --depth === 0) return i;
    }
    throw parseErrorAt(this.sql, this.sql.length);
  }

  /** The original-text range of tokens [from, to). */
  range(from: number, to: number): [number, number] {
    const a = this.tokens[from];
    const b = this.tokens[to - 1];
    if (a === undefined || b === undefined || to <= from) this.error();
    return [a.start, b.end];
  }

  /** The text of tokens [from, to) as written. */
  text(from: number, to: number): string {
    const [a, b] = this.range(from, to);
    return this.sql.slice(a, b);
  }

  /** `( expr )`: the expression inside the parentheses (which are consumed). */
  parenthesizedExpr(): Expr {
    if (!isOp(this.peek(), '(')) this.error();
    const open = this.at;
    const close = this.closing(open);
    const expr = this.exprAt(open + 1, close);
    this.at = close + 1;
    return expr;
  }

  /** The expression in tokens [from, to); its text as written is kept (`writtenText`). */
  exprAt(from: number, to: number): Expr {
    const range = this.range(from, to);
    const [expr] = this.ctx.expressions([range]);
    WRITTEN.set(expr as Expr, this.sql.slice(range[0], range[1]));
    return expr as Expr;
  }

  end(): void {
    if (!this.done()) this.error();
  }
}

/** `col`, `t.col` or `db.t.col`, as a column reference. */
export function columnRef(c: Cursor): ColumnRef {
  const first = c.name();
  if (!isOp(c.peek(), '.')) return { kind: 'column', database: null, table: null, name: first };
  c.at++;
  const second = c.name();
  if (!isOp(c.peek(), '.')) return { kind: 'column', database: null, table: first, name: second };
  c.at++;
  return { kind: 'column', database: first, table: second, name: c.name() };
}

/** After DEFINER: `= user[@host] | CURRENT_USER[()]`; null for CURRENT_USER. */
export function definerClause(c: Cursor): AccountName | null {
  c.optionalEquals();
  if (c.word('CURRENT_USER')) {
    if (c.op('(')) c.expectOp(')');
    return null;
  }
  const user = c.name(true);
  const at = c.peek();
  if (at === undefined || at.kind !== 'variable') return { user, host: '%' };
  c.at++;
  const host = at.value === '@' ? c.name(true) : unquoteHost(at.value.slice(1));
  return { user, host };
}

/** A host name as the lexer left it after `@`: quotes (and doubled quotes) removed. */
export function unquoteHost(text: string): string {
  const quote = text[0];
  if (quote === '`' || quote === "'" || quote === '"') {
    return text.slice(1, -1).split(quote + quote).join(quote);
  }
  return text;
}
