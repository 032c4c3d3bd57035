/**
 * The token parser for LOAD DATA:
 *
 *   LOAD DATA [LOW_PRIORITY | CONCURRENT] [LOCAL] INFILE 'file' [REPLACE | IGNORE]
 *     INTO TABLE t [CHARACTER SET cs]
 *     [{FIELDS | COLUMNS} [TERMINATED BY 's'] [[OPTIONALLY] ENCLOSED BY 'c'] [ESCAPED BY 'c']]
 *     [LINES [STARTING BY 's'] [TERMINATED BY 's']]
 *     [IGNORE n {LINES | ROWS}] [(col_or_@var, …)] [SET c = e, …]
 *
 * The defaults are MySQL's: fields end at a tab, lines at a newline, '\' escapes, nothing
 * encloses. LOAD XML and PARTITION answer ER_NOT_SUPPORTED_YET.
 */
import type { Assignment, ColumnRef, Expr, Statement } from './ast.js';
import type { Token } from './lexer.js';
import { Cursor, type ParseContext, isOp, isWord } from './parse-cursor.js';
import { notSupported } from './parse.js';

function columnRef(c: Cursor): ColumnRef {
  const first = c.name();
  if (!isOp(c.peek(), '.')) return { kind: 'column', database: null, table: null, name: first };
  c.at++;
  return { kind: 'column', database: null, table: first, name: c.name() };
}

/** A field target: a column name or a user variable. */
function target(c: Cursor): { kind: 'column' | 'variable'; name: string } {
  const token = c.peek();
  if (token?.kind === 'variable') {
    c.at++;
    return { kind: 'variable', name: token.value.slice(1).toLowerCase() };
  }
  return { kind: 'column', name: c.name() };
}

function setList(c: Cursor): Assignment[] {
  const out: Assignment[] = [];
  do {
    const column = columnRef(c);
    c.expectOp('=');
    let depth = 0;
    let end = c.at;
    for (; end < c.tokens.length; end++) {
      const t = c.tokens[end] as Token;
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth--;
      else if (depth === 0 && isOp(t, ',')) break;
    }
    const value: Expr = c.exprAt(c.at, end);
    c.at = end;
    out.push({ column, value });
  } while (c.op(','));
  return out;
}

export function matchLoadStatement(ctx: ParseContext): Statement | undefined {
  const c = new Cursor(ctx);
  if (!c.word('LOAD')) return undefined;
  if (c.word('XML')) throw notSupported('LOAD XML');
  c.expectWord('DATA');
  c.word('LOW_PRIORITY', 'CONCURRENT');
  const local = c.word('LOCAL');
  c.expectWord('INFILE');
  const filename = c.string();
  const duplicates = c.word('REPLACE') ? 'replace' : c.word('IGNORE') ? 'ignore' : null;
  c.expectWord('INTO');
  c.expectWord('TABLE');
  const table = c.tableName();
  if (isWord(c.peek(), 'PARTITION')) throw notSupported('PARTITION');
  let charset: string | null = null;
  if (c.words('CHARACTER', 'SET') || c.word('CHARSET')) charset = c.name(true);
  let fieldsTerminated = '\t';
  let enclosed = '';
  let optionallyEnclosed = false;
  let escaped = '\\';
  if (c.word('FIELDS', 'COLUMNS')) {
    for (;;) {
      if (c.words('TERMINATED', 'BY')) fieldsTerminated = c.string();
      else if (c.words('OPTIONALLY', 'ENCLOSED', 'BY')) {
        optionallyEnclosed = true;
        enclosed = c.string();
      } else if (c.words('ENCLOSED', 'BY')) enclosed = c.string();
      else if (c.words('ESCAPED', 'BY')) escaped = c.string();
      else break;
    }
  }
  let linesStarting = '';
  let linesTerminated = '\n';
  if (c.word('LINES')) {
    for (;;) {
      if (c.words('STARTING', 'BY')) linesStarting = c.string();
      else if (c.words('TERMINATED', 'BY')) linesTerminated = c.string();
      else break;
    }
  }
  let ignoreLines = 0;
  if (c.word('IGNORE')) {
    ignoreLines = Number(c.integer());
    c.expectWord('LINES', 'ROWS');
  }
  let targets: { kind: 'column' | 'variable'; name: string }[] | null = null;
  if (c.op('(')) {
    targets = [];
    if (!isOp(c.peek(), ')')) {
      do targets.push(target(c));
      while (c.op(','));
    }
    c.expectOp(')');
  }
  const set = c.word('SET') ? setList(c) : [];
  c.end();
  return {
    kind: 'load-data', local, filename, duplicates, table, charset, fieldsTerminated, enclosed,
    optionallyEnclosed, escaped, linesStarting, linesTerminated, ignoreLines, targets, set,
  };
}
