/**
 * splitStatements: a multi-statement COM_QUERY (CLIENT_MULTI_STATEMENTS) cut into its statements,
 * on the client's bytes, before any decoding — so raw bytes inside literals stay as they are.
 *
 * A `;` ends a statement unless it is inside a quoted string ('…', "…", with backslash escapes and
 * doubled quotes), a quoted identifier (`…`, doubled backticks), or a comment: `#…` and `-- …` to
 * the end of the line (`--` must be followed by a space, a control character or the end, as in
 * MySQL), `/* … *\/` (executable `/*! … *\/` comments too), or the body of a CREATE PROCEDURE /
 * FUNCTION / TRIGGER / EVENT (BEGIN … END and the other compound statements). Each statement is
 * returned without its `;` and without leading whitespace. Statements that hold nothing but
 * whitespace and comments (an executable comment is not one) are dropped after the last real one
 * (a trailing `;` yields no empty statement); one between two others stays, so that the engine
 * answers it with ER_EMPTY_QUERY as MySQL does.
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

function isIdentByte(b: number | undefined): boolean {
  return (
    b !== undefined &&
    ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
      b === 0x5f || b === 0x24 || b >= 0x80)
  );
}

function isWordStart(b: number): boolean {
  return isIdentByte(b) && !(b >= 0x30 && b <= 0x39);
}

/** The first word after `at` (spaces skipped) in upper case, or the next byte as text. */
function nextToken(sql: Buffer, at: number): string {
  let i = at;
  while (i < sql.length && isSpace(sql[i])) i++;
  if (i >= sql.length) return '';
  if (!isWordStart(sql[i] as number)) return String.fromCharCode(sql[i] as number);
  let j = i;
  while (isIdentByte(sql[j])) j++;
  return sql.toString('latin1', i, j).toUpperCase();
}

/**
 * The compound statement of a CREATE PROCEDURE / FUNCTION / TRIGGER / EVENT: its body's `;`s
 * do not end it. Blocks are counted by their words: BEGIN, IF (the statement, not IF( or IF
 * [NOT] EXISTS), CASE, LOOP, WHILE, REPEAT (not REPEAT() open one; END closes one, with the word
 * after it (END IF, END LOOP, …).
 */
class CompoundTracker {
  private words = 0;
  private program = false;
  private depth = 0;
  private afterEnd = false;

  reset(): void {
    this.words = 0;
    this.program = false;
    this.depth = 0;
    this.afterEnd = false;
  }

  /** True while a `;` is inside the body of a stored program. */
  get open(): boolean {
    return this.program && this.depth > 0;
  }

  word(sql: Buffer, start: number, end: number): void {
    this.words++;
    // Issue 8 (cost): past its first words a statement is no program; its words are not read.
    if (!this.program && this.words > 8) return;
    const word = sql.toString('latin1', start, end).toUpperCase();
    if (!this.program) {
      if (this.words === 1 && word !== 'CREATE') this.words = 100;
      else if (this.words > 1 && this.words <= 8 && PROGRAM_WORDS.has(word)) this.program = true;
      else if (this.words === 2 && word !== 'DEFINER') this.words = 100;
      return;
    }
    if (this.afterEnd) {
      this.afterEnd = false;
      if (BLOCK_ENDS.has(word)) return;
    }
    const next = nextToken(sql, end);
    switch (word) {
      case 'END':
        this.depth = Math.max(0, this.depth - 1);
        this.afterEnd = BLOCK_ENDS.has(next);
        return;
      case 'BEGIN':
        if (next !== 'WORK' && next !== ';') this.depth++;
        return;
      case 'IF':
        if (next !== '(' && next !== 'NOT' && next !== 'EXISTS') this.depth++;
        return;
      case 'REPEAT':
        if (next !== '(') this.depth++;
        return;
      case 'CASE':
      case 'LOOP':
      case 'WHILE':
        this.depth++;
        return;
      default:
        return;
    }
  }
}

const PROGRAM_WORDS: ReadonlySet<string> = new Set(['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT']);
const BLOCK_ENDS: ReadonlySet<string> = new Set(['IF', 'CASE', 'LOOP', 'WHILE', 'REPEAT']);

export function splitStatements(sql: Buffer): Buffer[] {
  // Issue 8 (cost): without a `;` byte there is one statement (sysbench's every statement).
  if (sql.indexOf(SEMICOLON) === -1) return [trimStart(sql, 0, sql.length)];
  const parts: Buffer[] = [];
  const compound = new CompoundTracker();
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
    if (isWordStart(b) && !isIdentByte(sql[i - 1])) {
      let j = i;
      while (isIdentByte(sql[j])) j++;
      compound.word(sql, i, j);
      i = j;
      continue;
    }
    if (b === SEMICOLON && !compound.open) {
      parts.push(trimStart(sql, start, i));
      start = i + 1;
      compound.reset();
    }
    i++;
  }
  parts.push(trimStart(sql, start, sql.length));
  while (parts.length > 1 && isBlank(parts[parts.length - 1] as Buffer)) parts.pop();
  return parts;
}
