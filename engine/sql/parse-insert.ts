/**
 * The token parser for INSERT and REPLACE (node-sql-parser cannot read DEFAULT in VALUES,
 * `INSERT  IGNORE`, the row alias, nor much of what ORMs send):
 *
 *   {INSERT [LOW_PRIORITY | DELAYED | HIGH_PRIORITY] [IGNORE] | REPLACE [LOW_PRIORITY | DELAYED]}
 *     [INTO] t [(c, …)]
 *     { {VALUES | VALUE} (v, …), … | VALUES ROW(v, …), … | SET c = v, …
 *     | SELECT … | TABLE … | WITH … | (SELECT …) }
 *     [AS alias [(c, …)]]
 *     [ON DUPLICATE KEY UPDATE c = e, …]
 *
 * A value is DEFAULT, DEFAULT(col), a literal (read straight from its token: bulk INSERTs of
 * literals never reach node-sql-parser), a `?`, or any expression (node-sql-parser, one value at
 * a time so that `?` placeholders are numbered in text order).
 */
import type { Assignment, Expr, Statement } from './ast.js';
import type { Token } from './lexer.js';
import { Cursor, type ParseContext, columnRef, isOp, isWord } from './parse-cursor.js';
import { notSupported, numberLiteral } from './parse.js';
import { textToBytes } from './bytes.js';

export function matchInsertStatement(ctx: ParseContext): Statement | undefined {
  const c = new Cursor(ctx);
  const replace = c.word('REPLACE');
  if (!replace && !c.word('INSERT')) return undefined;
  c.word('LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY');
  const ignore = !replace && c.word('IGNORE');
  c.word('INTO');
  const table = c.tableName();
  if (isWord(c.peek(), 'PARTITION')) throw notSupported('PARTITION');
  let columns: string[] | null = null;
  if (isOp(c.peek(), '(') && !isWord(c.peek(1), 'SELECT', 'WITH', 'TABLE', 'VALUES')) {
    columns = isOp(c.peek(1), ')') ? (c.at += 2, []) : c.nameList();
  }
  const duplicateAt = onDuplicateStart(c);
  const base = {
    kind: 'insert' as const,
    table,
    ...(replace ? { replace } : {}),
    ...(ignore ? { ignore } : {}),
  };
  let body: { columns: string[] | null; rows: Expr[][]; query?: Statement };
  if (c.word('VALUES', 'VALUE')) body = { columns, rows: valueRows(c) };
  else if (c.word('SET')) {
    if (columns !== null) c.error();
    body = setRow(c);
  } else if (isWord(c.peek(), 'SELECT', 'WITH', 'TABLE') || isOp(c.peek(), '(')) {
    body = { columns, rows: [], query: c.ctx.query(c.at, duplicateAt) };
    c.at = duplicateAt;
  } else return c.error();
  const rowAlias = c.word('AS') ? alias(c) : undefined;
  let onDuplicate: Assignment[] | undefined;
  if (c.words('ON', 'DUPLICATE', 'KEY', 'UPDATE')) {
    if (replace) c.error();
    onDuplicate = assignments(c);
  }
  c.end();
  return {
    ...base,
    columns: body.columns,
    rows: body.rows,
    ...(body.query === undefined ? {} : { query: body.query }),
    ...(rowAlias === undefined ? {} : { rowAlias }),
    ...(onDuplicate === undefined ? {} : { onDuplicate }),
  };
}

/** Where a top-level ON DUPLICATE KEY UPDATE starts (the end when there is none). */
function onDuplicateStart(c: Cursor): number {
  let depth = 0;
  for (let i = c.at; i < c.tokens.length; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, 'ON') && isWord(c.tokens[i + 1], 'DUPLICATE')) return i;
  }
  return c.tokens.length;
}

function alias(c: Cursor): { name: string; columns: string[] | null } {
  const name = c.name();
  const columns = isOp(c.peek(), '(') ? c.nameList() : null;
  return { name, columns };
}

/** The end of a value or expression: the next `,` or `)` at depth 0, or the end. */
function valueEnd(c: Cursor, from: number): number {
  let depth = 0;
  for (let i = from; i < c.tokens.length; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && isOp(t, ',')) return i;
    else if (depth === 0 && isWord(t, 'ON') && isWord(c.tokens[i + 1], 'DUPLICATE')) return i;
    else if (depth === 0 && isWord(t, 'AS')) return i;
  }
  return c.tokens.length;
}

/** A literal read straight from its tokens [from, to), or undefined. */
function literalValue(c: Cursor, from: number, to: number): Expr | undefined {
  const first = c.tokens[from] as Token;
  const n = to - from;
  if (n === 1) {
    if (first.kind === 'string')
      return { kind: 'literal', literal: { kind: 'string', value: first.value } };
    if (first.kind === 'param') return c.ctx.param();
    if (isWord(first, 'NULL')) return { kind: 'literal', literal: { kind: 'null' } };
    if (isWord(first, 'TRUE', 'FALSE')) {
      return {
        kind: 'literal',
        literal: { kind: 'bool', value: first.value.toUpperCase() === 'TRUE' },
      };
    }
    if (isWord(first, 'DEFAULT')) return { kind: 'default', column: null };
    if (first.kind === 'number' && /^\d+(\.\d*)?$|^\.\d+$/.test(first.value)) {
      return { kind: 'literal', literal: numberLiteral(first.value) };
    }
    return undefined;
  }
  const second = c.tokens[from + 1] as Token;
  if (n === 2 && (isOp(first, '-') || isOp(first, '+')) && second.kind === 'number' &&
      /^\d+(\.\d*)?$|^\.\d+$/.test(second.value)) {
    const text = isOp(first, '-') ? `-${second.value}` : second.value;
    return { kind: 'literal', literal: numberLiteral(text) };
  }
  if (n === 2 && isWord(first, '_binary') && second.kind === 'string') {
    return { kind: 'literal', literal: { kind: 'binary', value: textToBytes(second.value) } };
  }
  if (n === 4 && isWord(first, 'DEFAULT') && isOp(second, '(') && isOp(c.tokens[from + 3], ')')) {
    const name = c.tokens[from + 2] as Token;
    if (name.kind === 'word' || name.kind === 'quoted-ident')
      return { kind: 'default', column: name.value };
  }
  return undefined;
}

/** One value at the cursor (consumed up to its end). */
function value(c: Cursor): Expr {
  const from = c.at;
  const to = valueEnd(c, from);
  if (to === from) c.error();
  c.at = to;
  return literalValue(c, from, to) ?? c.exprAt(from, to);
}

/** `(v, …), (v, …)` or `ROW(v, …), …`. */
function valueRows(c: Cursor): Expr[][] {
  const rows: Expr[][] = [];
  do {
    c.word('ROW');
    c.expectOp('(');
    const row: Expr[] = [];
    if (!isOp(c.peek(), ')')) {
      do row.push(value(c));
      while (c.op(','));
    }
    c.expectOp(')');
    rows.push(row);
  } while (c.op(','));
  return rows;
}

/** `c = v, …` (SET form and ON DUPLICATE KEY UPDATE). */
function assignments(c: Cursor): Assignment[] {
  const out: Assignment[] = [];
  do {
    const column = columnRef(c);
    if (!c.op('=') && !c.op(':=')) c.error();
    out.push({ column, value: value(c) });
  } while (c.op(','));
  return out;
}

function setRow(c: Cursor): { columns: string[]; rows: Expr[][] } {
  const list = assignments(c);
  return { columns: list.map((a) => a.column.name), rows: [list.map((a) => a.value)] };
}
