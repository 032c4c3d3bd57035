/**
 * The token matcher for session and administration statements node-sql-parser cannot read (or
 * reads only in part), called by parse.ts before its other matchers:
 *
 *   SET [GLOBAL|SESSION|LOCAL] var = value [, …]   user (@x), system (x, @@[scope.]x) variables;
 *                                                  the last scope keyword carries to later ones
 *   SET NAMES cs [COLLATE coll] | DEFAULT          SET {CHARACTER SET | CHARSET} cs | DEFAULT
 *   SHOW [GLOBAL|SESSION] {VARIABLES|STATUS} [LIKE 'p' | WHERE expr]
 *   SHOW {WARNINGS|ERRORS} [LIMIT [o,] n]          SHOW COUNT(*) {WARNINGS|ERRORS}
 *   SHOW [FULL] PROCESSLIST                        KILL [QUERY|CONNECTION] id
 *   PREPARE s FROM {'text' | @var}                 EXECUTE s [USING @a, …]
 *   {DEALLOCATE | DROP} PREPARE s
 *   account statements (CREATE / ALTER / DROP / RENAME USER, GRANT, REVOKE, SET PASSWORD,
 *   SHOW GRANTS): parse-users.ts
 *
 * SET … TRANSACTION is left to the transaction statements' matcher. Value expressions (SET's
 * right-hand sides, SHOW … WHERE, KILL's id) are read by node-sql-parser through the context's
 * `expressions`. Anything else returns undefined, for the other matchers.
 */
import type {
  AdminStatement,
  Expr,
  SetAssignment,
  SetTarget,
  SetValue,
  ShowFilter,
  Statement,
} from './ast.js';
import type { Token } from './lexer.js';
import { notSupported, parseErrorAt } from './parse.js';
import { matchUserStatement } from './parse-users.js';

export interface AdminParseContext {
  readonly sql: string;
  /** The statement's tokens, without a trailing ';'. */
  readonly tokens: readonly Token[];
  /** Parses the expressions at original-text ranges [start, end). */
  expressions(ranges: readonly (readonly [number, number])[]): Expr[];
}

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value.toUpperCase());
}

function isOp(token: Token | undefined, op: string): boolean {
  return token !== undefined && token.kind === 'op' && token.value === op;
}

/** A name: a word, a `quoted identifier`, or (where MySQL allows) a 'string'. */
function nameToken(token: Token | undefined, strings: boolean): string | undefined {
  if (token === undefined) return undefined;
  if (token.kind === 'word' || token.kind === 'quoted-ident') return token.value;
  if (strings && token.kind === 'string') return token.value;
  return undefined;
}

class Cursor {
  at = 0;
  constructor(readonly ctx: AdminParseContext) {}

  get tokens(): readonly Token[] {
    return this.ctx.tokens;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  /** ER_PARSE_ERROR at the current token (or the end). */
  error(): never {
    throw parseErrorAt(this.ctx.sql, this.peek()?.start ?? this.ctx.sql.length);
  }

  word(...words: string[]): boolean {
    if (!isWord(this.peek(), ...words)) return false;
    this.at++;
    return true;
  }

  expectWord(...words: string[]): void {
    if (!this.word(...words)) this.error();
  }

  name(strings = false): string {
    const name = nameToken(this.peek(), strings);
    if (name === undefined) this.error();
    this.at++;
    return name;
  }

  end(): void {
    if (!this.done()) this.error();
  }

  /** The original-text range of tokens [from, to). */
  range(from: number, to: number): [number, number] {
    const a = this.tokens[from];
    const b = this.tokens[to - 1];
    if (a === undefined || b === undefined) this.error();
    return [a.start, b.end];
  }
}

export function matchAdminStatement(ctx: AdminParseContext): Statement | undefined {
  const account = matchUserStatement(ctx);
  if (account !== undefined) return account;
  const c = new Cursor(ctx);
  if (c.word('SET')) return matchSet(c);
  if (c.word('SHOW')) return matchShow(c);
  if (c.word('KILL')) return matchKill(c);
  if (c.word('PREPARE')) return matchPrepare(c);
  if (c.word('EXECUTE')) return matchExecute(c);
  if (c.word('DEALLOCATE', 'DROP')) {
    if (!c.word('PREPARE')) return undefined;
    const name = c.name();
    c.end();
    return { kind: 'deallocate-sql', name };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// SET

const SCOPES: Readonly<Record<string, 'global' | 'session'>> = {
  GLOBAL: 'global',
  SESSION: 'session',
  LOCAL: 'session',
};

function matchSet(c: Cursor): AdminStatement | undefined {
  const first = c.peek();
  const second = c.peek(1);
  if (isWord(first, 'TRANSACTION')) return undefined;
  if (isWord(first, 'GLOBAL', 'SESSION', 'LOCAL') && isWord(second, 'TRANSACTION'))
    return undefined;
  if (c.word('NAMES')) return matchSetNames(c);
  if (
    c.word('CHARSET') ||
    (isWord(first, 'CHARACTER') && isWord(second, 'SET') && c.word('CHARACTER'))
  ) {
    c.word('SET');
    const charset = c.word('DEFAULT') ? null : c.name(true);
    c.end();
    return { kind: 'set-charset', charset };
  }
  if (isWord(first, 'PASSWORD', 'ROLE') || (isWord(first, 'DEFAULT') && isWord(second, 'ROLE'))) {
    return undefined;
  }
  if (isWord(first, 'PERSIST', 'PERSIST_ONLY')) throw notSupported('SET PERSIST');
  return matchAssignments(c);
}

function matchSetNames(c: Cursor): AdminStatement {
  if (c.word('DEFAULT')) {
    c.end();
    return { kind: 'set-names', charset: null, collation: null };
  }
  const charset = c.name(true);
  let collation: string | null = null;
  if (c.word('COLLATE')) collation = c.word('DEFAULT') ? null : c.name(true);
  c.end();
  return { kind: 'set-names', charset, collation };
}

/** Splits tokens [from, length) at commas outside parentheses. */
function segments(c: Cursor): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = c.at;
  for (let i = c.at; i < c.tokens.length; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isOp(t, ',')) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, c.tokens.length]);
  return out;
}

function matchAssignments(c: Cursor): AdminStatement {
  let scope: 'global' | 'session' | null = null;
  const pending: { target: SetTarget; value: SetValue | number }[] = [];
  const ranges: [number, number][] = [];
  for (const [from, to] of segments(c)) {
    c.at = from;
    const keyword = c.peek()?.value.toUpperCase() ?? '';
    if (isWord(c.peek(), 'GLOBAL', 'SESSION', 'LOCAL')) {
      scope = SCOPES[keyword] ?? null;
      c.at++;
    } else if (isWord(c.peek(), 'PERSIST', 'PERSIST_ONLY')) {
      throw notSupported('SET PERSIST');
    }
    const target = setTarget(c, scope);
    if (!(isOp(c.peek(), '=') || isOp(c.peek(), ':='))) c.error();
    c.at++;
    if (c.at >= to) c.error();
    const value = simpleValue(c, target, to);
    if (value !== undefined) {
      pending.push({ target, value });
    } else {
      pending.push({ target, value: ranges.length });
      ranges.push(c.range(c.at, to));
    }
  }
  const exprs = c.ctx.expressions(ranges);
  const assignments: SetAssignment[] = pending.map(({ target, value }) => ({
    target,
    value: typeof value === 'number' ? { kind: 'expr', expr: exprs[value] as Expr } : value,
  }));
  return { kind: 'set-variables', assignments };
}

function setTarget(c: Cursor, scope: 'global' | 'session' | null): SetTarget {
  const token = c.peek();
  if (token === undefined) c.error();
  if (token.kind === 'variable') {
    c.at++;
    if (token.value !== '@')
      return { kind: 'user-variable', name: token.value.slice(1).toLowerCase() };
    const quoted = c.peek();
    if (quoted === undefined || quoted.start !== token.end) c.error();
    return { kind: 'user-variable', name: c.name(true).toLowerCase() };
  }
  if (token.kind === 'system-variable') {
    c.at++;
    const parts = token.value.slice(2).split('.');
    if (parts.length === 1)
      return { kind: 'system-variable', scope: null, name: parts[0] as string };
    const [prefix, name] = parts;
    const explicit = SCOPES[(prefix ?? '').toUpperCase()];
    if (parts.length !== 2 || explicit === undefined || name === undefined || name === '') {
      throw notSupported('structured system variables');
    }
    return { kind: 'system-variable', scope: explicit, name };
  }
  const name = c.name();
  if (isOp(c.peek(), '.')) throw notSupported('structured system variables');
  return { kind: 'system-variable', scope: scope ?? 'session', name };
}

/** A one-token value a system variable takes as a word, or DEFAULT; undefined → expression. */
function simpleValue(c: Cursor, target: SetTarget, to: number): SetValue | undefined {
  if (to - c.at !== 1) return undefined;
  const token = c.peek() as Token;
  if (isWord(token, 'DEFAULT')) {
    if (target.kind === 'user-variable') c.error();
    return { kind: 'default' };
  }
  if (target.kind === 'user-variable') return undefined;
  if (isWord(token, 'NULL', 'TRUE', 'FALSE')) return undefined;
  if (token.kind === 'word' || token.kind === 'quoted-ident') {
    return { kind: 'word', word: token.value };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// SHOW

function matchShow(c: Cursor): AdminStatement | undefined {
  const start = c.at;
  let global = false;
  if (c.word('GLOBAL')) global = true;
  else c.word('SESSION', 'LOCAL');
  if (c.word('VARIABLES')) return { kind: 'show-variables', global, filter: showFilter(c) };
  if (c.word('STATUS')) return { kind: 'show-status', global, filter: showFilter(c) };
  c.at = start;
  if (c.word('WARNINGS', 'ERRORS')) {
    const which = (c.tokens[c.at - 1] as Token).value.toLowerCase() as 'warnings' | 'errors';
    const limit = limitClause(c);
    c.end();
    return { kind: 'show-diagnostics', which, count: false, limit };
  }
  if (c.word('COUNT')) {
    if (!isOp(c.peek(), '(') || !isOp(c.peek(1), '*') || !isOp(c.peek(2), ')')) c.error();
    c.at += 3;
    c.expectWord('WARNINGS', 'ERRORS');
    const which = (c.tokens[c.at - 1] as Token).value.toLowerCase() as 'warnings' | 'errors';
    c.end();
    return { kind: 'show-diagnostics', which, count: true, limit: null };
  }
  const full = c.word('FULL');
  if (c.word('PROCESSLIST')) {
    c.end();
    return { kind: 'show-processlist', full };
  }
  c.at = start;
  return undefined;
}

function showFilter(c: Cursor): ShowFilter {
  if (c.done()) return { like: null, where: null };
  if (c.word('LIKE')) {
    const pattern = c.peek();
    if (pattern === undefined || pattern.kind !== 'string') c.error();
    c.at++;
    c.end();
    return { like: pattern.value, where: null };
  }
  if (c.word('WHERE')) {
    if (c.done()) c.error();
    const [where] = c.ctx.expressions([c.range(c.at, c.tokens.length)]);
    return { like: null, where: where as Expr };
  }
  return c.error();
}

function limitNumber(c: Cursor): bigint {
  const token = c.peek();
  if (token === undefined || token.kind !== 'number' || !/^\d+$/.test(token.value)) c.error();
  c.at++;
  return BigInt(token.value);
}

function limitClause(c: Cursor): { offset: bigint; count: bigint } | null {
  if (!c.word('LIMIT')) return null;
  const first = limitNumber(c);
  if (isOp(c.peek(), ',')) {
    c.at++;
    return { offset: first, count: limitNumber(c) };
  }
  if (c.word('OFFSET')) return { offset: limitNumber(c), count: first };
  return { offset: 0n, count: first };
}

// ---------------------------------------------------------------------------------------------
// KILL, PREPARE, EXECUTE

function matchKill(c: Cursor): AdminStatement {
  let query = false;
  if (c.word('QUERY')) query = true;
  else c.word('CONNECTION');
  if (c.done()) c.error();
  const [id] = c.ctx.expressions([c.range(c.at, c.tokens.length)]);
  return { kind: 'kill', query, id: id as Expr };
}

function matchPrepare(c: Cursor): AdminStatement {
  const name = c.name();
  c.expectWord('FROM');
  const source = c.peek();
  if (source === undefined) c.error();
  c.at++;
  c.end();
  if (source.kind === 'string')
    return { kind: 'prepare-sql', name, source: { kind: 'text', text: source.value } };
  if (source.kind === 'variable' && source.value.length > 1) {
    return {
      kind: 'prepare-sql',
      name,
      source: { kind: 'user-variable', name: source.value.slice(1).toLowerCase() },
    };
  }
  throw parseErrorAt(c.ctx.sql, source.start);
}

function matchExecute(c: Cursor): AdminStatement {
  const name = c.name();
  const using: string[] = [];
  if (c.word('USING')) {
    for (;;) {
      const token = c.peek();
      if (token === undefined || token.kind !== 'variable' || token.value.length < 2) c.error();
      using.push(token.value.slice(1).toLowerCase());
      c.at++;
      if (!isOp(c.peek(), ',')) break;
      c.at++;
    }
  }
  c.end();
  return { kind: 'execute-sql', name, using };
}
