/**
 * The token parser for multi-table UPDATE and DELETE (single-table ones stay with
 * node-sql-parser, but for an UPDATE … SET c = DEFAULT without ORDER BY / LIMIT, read here):
 *
 *   UPDATE [LOW_PRIORITY] [IGNORE] table_refs SET c = e, … [WHERE e]     (refs with ',' or JOIN)
 *   DELETE [LOW_PRIORITY] [QUICK] [IGNORE] t1[.*], … FROM table_refs [WHERE e]
 *   DELETE [LOW_PRIORITY] [QUICK] [IGNORE] FROM t1[.*], … USING table_refs [WHERE e]
 *
 * The table references are read as a query's FROM clause (`SELECT 1 FROM …`, through parse.ts),
 * so joins, aliases and derived tables read as they do in SELECT. Parts are read in text order,
 * which numbers `?` placeholders as MySQL does.
 */
import type { Assignment, Expr, Statement, TableExpr, TableName } from './ast.js';
import type { Token } from './lexer.js';
import { Cursor, type ParseContext, columnRef, isOp, isWord } from './parse-cursor.js';

/** Where the first top-level `word` is at or after `from`, or the end. */
function topLevel(c: Cursor, from: number, ...words: string[]): number {
  let depth = 0;
  for (let i = from; i < c.tokens.length; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, ...words)) return i;
  }
  return c.tokens.length;
}

/** True when tokens [from, to) hold a top-level ',' or JOIN: more than one table. */
function multiTable(c: Cursor, from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && (isOp(t, ',') || isWord(t, 'JOIN', 'STRAIGHT_JOIN'))) return true;
  }
  return false;
}

/** The FROM clause in tokens [from, to), read as `SELECT 1 FROM …`'s. */
function fromClause(c: Cursor, from: number, to: number): TableExpr {
  if (to <= from) c.error();
  return c.ctx.fromClause(from, to);
}

/** The end of a SET value: the next top-level ',' or WHERE, or the end. */
function valueEnd(c: Cursor, from: number): number {
  let depth = 0;
  for (let i = from; i < c.tokens.length; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && (isOp(t, ',') || isWord(t, 'WHERE', 'ORDER', 'LIMIT'))) return i;
  }
  return c.tokens.length;
}

function whereClause(c: Cursor): Expr | null {
  if (c.done()) return null;
  c.expectWord('WHERE');
  if (c.done()) c.error();
  const where = c.exprAt(c.at, c.tokens.length);
  c.at = c.tokens.length;
  return where;
}

function update(c: Cursor): Statement | undefined {
  c.word('LOW_PRIORITY');
  const ignore = c.word('IGNORE');
  const refsStart = c.at;
  const set = topLevel(c, refsStart, 'SET');
  if (set === c.tokens.length) return undefined;
  const single = !multiTable(c, refsStart, set);
  // node-sql-parser reads single-table UPDATEs, except `SET c = DEFAULT` (read here).
  if (single && !bareDefault(c, set + 1)) return undefined;
  const from = fromClause(c, refsStart, set);
  c.at = set + 1;
  const assignments: Assignment[] = [];
  do {
    const column = columnRef(c);
    c.expectOp('=');
    const end = valueEnd(c, c.at);
    const token = c.tokens[c.at];
    const value: Expr =
      end === c.at + 1 && isWord(token, 'DEFAULT')
        ? { kind: 'default', column: null }
        : c.exprAt(c.at, end);
    c.at = end;
    assignments.push({ column, value });
  } while (c.op(','));
  if (single && topLevel(c, c.at, 'ORDER', 'LIMIT') !== c.tokens.length) return undefined;
  if (isWord(c.peek(), 'ORDER', 'LIMIT')) {
    // MySQL: "Incorrect usage of UPDATE and ORDER BY / LIMIT".
    return {
      kind: 'update-join',
      from,
      assignments,
      where: null,
      ignore,
      misuse: c.peek()?.value.toUpperCase() === 'LIMIT' ? 'LIMIT' : 'ORDER BY',
    };
  }
  if (single) {
    if (from.kind !== 'table' || ignore) return undefined;
    const table = { table: from.table, alias: from.alias };
    return { kind: 'update', table, assignments, where: whereClause(c), orderBy: [], limit: null };
  }
  return { kind: 'update-join', from, assignments, where: whereClause(c), ignore };
}

/** True when a SET list from `from` assigns a bare DEFAULT (`c = DEFAULT`, top level). */
function bareDefault(c: Cursor, from: number): boolean {
  let depth = 0;
  for (let i = from; i + 1 < c.tokens.length; i++) {
    const t = c.tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, 'WHERE', 'ORDER', 'LIMIT')) return false;
    else if (depth === 0 && isOp(t, '=') && isWord(c.tokens[i + 1], 'DEFAULT')) {
      const after = c.tokens[i + 2];
      if (after === undefined || isOp(after, ',') || isWord(after, 'WHERE', 'ORDER', 'LIMIT'))
        return true;
    }
  }
  return false;
}

/** `t1[.*], t2[.*] …` (DELETE's targets). */
function targets(c: Cursor): TableName[] {
  const out: TableName[] = [];
  do {
    const table = c.tableName();
    if (isOp(c.peek(), '.') && isOp(c.peek(1), '*')) c.at += 2;
    out.push(table);
  } while (c.op(','));
  return out;
}

function del(c: Cursor): Statement | undefined {
  c.word('LOW_PRIORITY');
  c.word('QUICK');
  const ignore = c.word('IGNORE');
  let list: TableName[];
  if (c.word('FROM')) {
    const start = c.at;
    const using = topLevel(c, start, 'USING');
    if (using === c.tokens.length) return undefined;
    list = targets(c);
    if (c.at !== using) c.error();
    c.at = using + 1;
  } else {
    list = targets(c);
    c.expectWord('FROM');
  }
  const refsStart = c.at;
  const where = topLevel(c, refsStart, 'WHERE');
  const from = fromClause(c, refsStart, where);
  c.at = where;
  return { kind: 'delete-join', targets: list, from, where: whereClause(c), ignore };
}

export function matchMultiTableStatement(ctx: ParseContext): Statement | undefined {
  const c = new Cursor(ctx);
  if (c.word('UPDATE')) return update(c);
  if (c.word('DELETE')) return del(c);
  return undefined;
}
