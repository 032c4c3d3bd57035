/**
 * splitStatements: a multi-statement COM_QUERY (CLIENT_MULTI_STATEMENTS) cut into its statements,
 * on the client's bytes, before any decoding — so raw bytes inside literals stay as they are.
 *
 * A `;` ends a statement unless it is inside a quoted string ('…', "…", with backslash escapes and
 * doubled quotes), a quoted identifier (`…`, doubled backticks), or a comment: `#…` and `-- …` to
 * the end of the line (`--` must be followed by a space, a control character or the end, as in
 * MySQL), `/* … *\/` (executable `/*! … *\/` comments too). Each statement is returned without
 * its `;` and without leading whitespace. Statements that hold nothing but whitespace and
 * comments (an executable comment is not one) are dropped after the last real one (a trailing
 * `;` yields no empty statement); one between two others stays, so that the engine answers it
 * with ER_EMPTY_QUERY as MySQL does.
 *
 * Unterminated quotes or comments run to the end: the last statement then fails to parse with
 * MySQL's error.
 */

const SEMICOLON = 0x3b;
const SINGLE = 0x27;
const DOUBLE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;
const BANG = 0x21;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

/** Where the quoted run opened at `i` ends (just past its closing quote). */
function quotedEnd(sql: Buffer, i: number, quote: number): number {
  const escapes = quote !== BACKTICK;
  for (let j = i + 1; j < sql.length; j++) {
    const b = sql[j];
    if (escapes && b === BACKSLASH) j++;
    else if (b === quote) {
      if (sql[j + 1] === quote) j++;
      else return j + 1;
    }
  }
  return sql.length;
}

/** Where the comment starting at `i` ends, or -1 when none starts there. */
function commentEnd(sql: Buffer, i: number): number {
  const b = sql[i];
  const next = sql[i + 1];
  const dashComment =
    b === DASH && next === DASH && (i + 2 >= sql.length || (sql[i + 2] as number) <= 0x20);
  if (b === HASH || dashComment) {
    const newline = sql.indexOf(NEWLINE, i);
    return newline === -1 ? sql.length : newline + 1;
  }
  if (b === SLASH && next === STAR) {
    const close = sql.indexOf('*/', i + 2, 'latin1');
    return close === -1 ? sql.length : close + 2;
  }
  return -1;
}

/** True when `part` holds only whitespace and comments. */
function isBlank(part: Buffer): boolean {
  let i = 0;
  while (i < part.length) {
    if (isSpace(part[i])) {
      i++;
      continue;
    }
    const end = commentEnd(part, i);
    // An executable comment (/*! … */) is a statement, not a comment.
    if (end === -1 || (part[i] === SLASH && part[i + 2] === BANG)) return false;
    i = end;
  }
  return true;
}

function trimStart(sql: Buffer, start: number, end: number): Buffer {
  let i = start;
  while (i < end && isSpace(sql[i])) i++;
  return sql.subarray(i, end);
}

export function splitStatements(sql: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const b = sql[i] as number;
    if (b === SINGLE || b === DOUBLE || b === BACKTICK) {
      i = quotedEnd(sql, i, b);
      continue;
    }
    const end = commentEnd(sql, i);
    if (end !== -1) {
      i = end;
      continue;
    }
    if (b === SEMICOLON) {
      parts.push(trimStart(sql, start, i));
      start = i + 1;
    }
    i++;
  }
  parts.push(trimStart(sql, start, sql.length));
  while (parts.length > 1 && isBlank(parts[parts.length - 1] as Buffer)) parts.pop();
  return parts;
}
