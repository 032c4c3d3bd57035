/**
 * A hand-written MySQL lexer. It serves parse.ts three ways:
 *
 *  1. Tokens with their offsets in the original text: the matcher for the statements
 *     node-sql-parser cannot read (SHOW TABLES, …), the select-list item texts that become column
 *     names, and the 'near …' text of ER_PARSE_ERROR.
 *  2. The text handed to node-sql-parser ("parser text"), in which MySQL's lexical rules that
 *     node-sql-parser gets wrong are settled first:
 *       - `/*!NNNNN … *\/` runs when NNNNN ≤ VERSION_ID and `/*! … *\/` always: the markers become
 *         spaces and the body stays; `/*M! … *\/` (MariaDB-only) and every other comment become
 *         spaces (newlines kept, so line numbers hold);
 *       - `--` not followed by a space or control character is two minus signs, not a comment;
 *       - `&&` and `||` are AND and OR (MySQL's default sql_mode), with MySQL's precedence;
 *       - adjacent string literals are one string ('a' 'b' = 'ab'), and charset introducers
 *         (_utf8mb4'x', N'x') are dropped;
 *       - every string literal, and every number that node-sql-parser would not keep exactly (a
 *         decimal point, an exponent, more than 15 digits), becomes a *literal reference*: the
 *         string '\u0001k' where k indexes `literals`, which holds the exact decoded value.
 *         node-sql-parser rounds long decimals through a double and keeps escapes undecoded; the
 *         reference carries the literal past it unchanged.
 *  3. `toOriginal(offset)`: maps an offset in the parser text back to the original text.
 *
 * It also serves the plan cache (plan-cache.ts), which reads every text statement's tokens once:
 * the Scanner gives the same tokens one at a time, without token objects or substrings (L1).
 *
 * It is not a validator: anything it does not recognise passes through for node-sql-parser to
 * accept or reject.
 */
import { VERSION_ID } from '../config.js';

export type TokenKind =
  | 'word'
  | 'quoted-ident'
  | 'string'
  | 'number'
  | 'hex'
  | 'param'
  | 'variable'
  | 'system-variable'
  | 'op'
  /** An unterminated string, identifier or comment: parse.ts reports ER_PARSE_ERROR here. */
  | 'error';

export interface Token {
  readonly kind: TokenKind;
  /** Offsets in the original text. */
  readonly start: number;
  readonly end: number;
  /** 'string': decoded value (merged when adjacent); 'quoted-ident': the name; else the text. */
  readonly value: string;
}

export type LiteralEntry =
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  /** Issue 6b: X'…', 0x…, B'…', 0b…: the bytes, as a byte string (bytes.ts). */
  | { readonly kind: 'hex'; readonly bytes: string };

export interface Lexed {
  readonly tokens: readonly Token[];
  readonly parserText: string;
  readonly literals: readonly LiteralEntry[];
  toOriginal(parserOffset: number): number;
  /** Maps an offset in the original text to the parser text (a replaced run maps to its start). */
  toParser(originalOffset: number): number;
}

export const LITERAL_REFERENCE_MARK = '\u0001';

/** Reads a literal reference ('\u0001k') back, or undefined when `raw` is not one. */
export function literalReference(raw: string): number | undefined {
  if (!raw.startsWith(LITERAL_REFERENCE_MARK)) return undefined;
  const index = Number(raw.slice(1));
  return Number.isSafeInteger(index) ? index : undefined;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** [A-Za-z0-9_$] or any non-ASCII code unit (issue 8: by code, not a regex per character). */
const isIdentChar = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x24 ||
    code >= 0x80
  );
};
/** [ \t\n\r\f\v] */
const isSpace = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
};

/** MySQL's backslash escapes that stand for a character (string literals and LOAD DATA). */
export const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
};

/** In a string literal \% and \_ keep their backslash (they are LIKE's escapes). */
const STRING_ESCAPES: Readonly<Record<string, string>> = {
  ...BACKSLASH_ESCAPES,
  '%': '\\%',
  _: '\\_',
};

/** Decodes a quoted string body (between the quotes) by MySQL's rules. */
export function decodeStringBody(body: string, quote: string): string {
  // Issue 8 (cost): nothing to decode is the common case (sysbench's strings).
  if (!body.includes('\\') && !body.includes(quote)) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) {
      const next = body[++i] as string;
      out += STRING_ESCAPES[next] ?? next;
    } else if (c === quote && body[i + 1] === quote) {
      out += quote;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Where a quoted run starting at `start` (the opening quote) ends, or -1 if unterminated. */
function quotedEnd(sql: string, start: number, quote: string, escapes: boolean): number {
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql[i];
    if (escapes && c === '\\') {
      i++;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return -1;
}

/** Length of a number at `i` ('12', '1.5', '.5', '1e-3'), 0 when none; word chars after → 0. */
function numberLength(sql: string, i: number): number {
  let j = i;
  while (isDigit(sql[j])) j++;
  const digitsBefore = j - i;
  if (sql[j] === '.' && (digitsBefore > 0 || isDigit(sql[j + 1]))) {
    j++;
    while (isDigit(sql[j])) j++;
  }
  if (j === i) return 0;
  if (sql[j] === 'e' || sql[j] === 'E') {
    let k = j + 1;
    if (sql[k] === '+' || sql[k] === '-') k++;
    if (isDigit(sql[k])) {
      while (isDigit(sql[k])) k++;
      j = k;
    }
  }
  // '1abc' and '1e' are identifiers in MySQL, not numbers.
  if (isIdentChar(sql[j]) && sql[j] !== '.') return 0;
  return j - i;
}

const INTRODUCER = /^_(utf8mb4|utf8mb3|utf8|latin1|ascii|binary)$/i;

interface Piece {
  readonly out: number;
  readonly origStart: number;
  readonly origEnd: number;
  readonly verbatim: boolean;
}

class Emitter {
  text = '';
  readonly pieces: Piece[] = [];

  /** Copies original text [start, end) unchanged. */
  verbatim(sql: string, start: number, end: number): void {
    if (end <= start) return;
    this.pieces.push({ out: this.text.length, origStart: start, origEnd: end, verbatim: true });
    this.text += sql.slice(start, end);
  }

  /** Writes `replacement` in place of original text [start, end). */
  replace(replacement: string, start: number, end: number): void {
    this.pieces.push({ out: this.text.length, origStart: start, origEnd: end, verbatim: false });
    this.text += replacement;
  }

  /** Blanks original text [start, end): spaces, newlines kept. */
  blank(sql: string, start: number, end: number): void {
    this.verbatimText(sql.slice(start, end).replace(/[^\n]/g, ' '), start, end);
  }

  private verbatimText(text: string, start: number, end: number): void {
    this.pieces.push({ out: this.text.length, origStart: start, origEnd: end, verbatim: true });
    this.text += text;
  }

  toParser(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.pieces[mid] as Piece).origStart <= offset) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const piece = this.pieces[at];
    if (piece === undefined) return 0;
    const end = this.pieces[at + 1]?.out ?? this.text.length;
    if (offset >= piece.origEnd) return end;
    return piece.verbatim ? Math.min(piece.out + (offset - piece.origStart), end) : piece.out;
  }

  toOriginal(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    let found: Piece | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const piece = this.pieces[mid] as Piece;
      if (piece.out <= offset) {
        found = piece;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found === undefined) return 0;
    if (!found.verbatim) return found.origStart;
    return Math.min(found.origStart + (offset - found.out), found.origEnd);
  }
}

/**
 * The bytes of a hexadecimal or bit-value literal (X'4142', 0x4142, b'101', 0b101), as a byte
 * string; undefined when malformed. 0x and 0b literals with an odd count are left-padded, as MySQL
 * does; X'…' must have an even count of digits.
 */
export function hexLiteralBytes(text: string): string | undefined {
  let m = /^(?:[xX]'([0-9a-fA-F]*)'|0x([0-9a-fA-F]+))$/.exec(text);
  if (m !== null) {
    const quoted = m[1];
    if (quoted !== undefined && quoted.length % 2 === 1) return undefined;
    const digits = quoted ?? (m[2] as string);
    const even = digits.length % 2 === 1 ? `0${digits}` : digits;
    return Buffer.from(even, 'hex').toString('latin1');
  }
  m = /^(?:[bB]'([01]*)'|0b([01]+))$/.exec(text);
  if (m === null) return undefined;
  const bits = m[1] ?? (m[2] as string);
  if (bits === '') return '';
  let value = BigInt(`0b${bits}`);
  let out = '';
  const size = Math.ceil(bits.length / 8);
  for (let i = 0; i < size; i++) {
    out = String.fromCharCode(Number(value & 0xffn)) + out;
    value >>= 8n;
  }
  return out;
}

/** Lexes `sql`; see the file comment. */
export function lex(sql: string): Lexed {
  const lexer = new Lexer(sql);
  lexer.run();
  const emitter = lexer.emitter;
  return {
    tokens: lexer.tokens,
    parserText: emitter.text,
    literals: lexer.literals,
    toOriginal: (offset) => emitter.toOriginal(offset),
    toParser: (offset) => emitter.toParser(offset),
  };
}

class Lexer {
  readonly tokens: Token[] = [];
  readonly literals: LiteralEntry[] = [];
  readonly emitter = new Emitter();
  private i = 0;
  /** True while inside an executable comment (its closing marker is not a comment start). */
  private inExecutableComment = false;

  constructor(private readonly sql: string) {}

  run(): void {
    const sql = this.sql;
    while (this.i < sql.length) {
      const start = this.i;
      const c = sql[start] as string;
      if (isSpace(c)) {
        while (isSpace(sql[this.i])) this.i++;
        this.emitter.verbatim(sql, start, this.i);
      } else if (this.comment(start)) {
        continue;
      } else if (c === "'" || c === '"') {
        this.string(start, start);
      } else if (c === '`') {
        this.quotedIdent(start);
      } else {
        this.other(start, c);
      }
    }
  }

  private push(kind: TokenKind, start: number, end: number, value?: string): void {
    this.tokens.push({ kind, start, end, value: value ?? this.sql.slice(start, end) });
  }

  /** Handles a comment (or an executable comment's markers) at `start`; false if none. */
  private comment(start: number): boolean {
    const sql = this.sql;
    const c = sql[start];
    if (this.inExecutableComment && c === '*' && sql[start + 1] === '/') {
      this.inExecutableComment = false;
      this.i = start + 2;
      this.emitter.blank(sql, start, this.i);
      return true;
    }
    const dashComment = c === '-' && sql[start + 1] === '-';
    const lineComment =
      c === '#' ||
      (dashComment && (start + 2 >= sql.length || /[\s\x00-\x1f]/.test(sql[start + 2] as string)));
    if (lineComment) {
      const newline = sql.indexOf('\n', start);
      this.i = newline === -1 ? sql.length : newline;
      this.emitter.blank(sql, start, this.i);
      return true;
    }
    if (c !== '/' || sql[start + 1] !== '*') return false;
    const close = sql.indexOf('*/', start + 2);
    const executable = /^\/\*!(\d{5,6})?/.exec(sql.slice(start, start + 9));
    if (executable !== null && !this.inExecutableComment) {
      const version = executable[1];
      if (version === undefined || Number(version) <= VERSION_ID) {
        this.i = start + executable[0].length;
        this.emitter.blank(sql, start, this.i);
        this.inExecutableComment = true;
        return true;
      }
    }
    if (close === -1) {
      this.push('error', start, sql.length);
      this.i = sql.length;
      this.emitter.verbatim(sql, start, sql.length);
      return true;
    }
    this.i = close + 2;
    this.emitter.blank(sql, start, this.i);
    return true;
  }

  /** A string literal from `quoteAt`; `start` includes an introducer before it. */
  private string(start: number, quoteAt: number): void {
    const sql = this.sql;
    let value = '';
    let end = quoteAt;
    let at = quoteAt;
    for (;;) {
      const quote = sql[at] as string;
      const close = quotedEnd(sql, at, quote, true);
      if (close === -1) {
        this.push('error', at, sql.length);
        this.emitter.verbatim(sql, start, sql.length);
        this.i = sql.length;
        return;
      }
      value += decodeStringBody(sql.slice(at + 1, close - 1), quote);
      end = close;
      // Adjacent literals concatenate: 'a' 'b', 'a'\n"b".
      let next = close;
      while (isSpace(sql[next])) next++;
      if (sql[next] !== "'" && sql[next] !== '"') break;
      at = next;
    }
    this.push('string', start, end, value);
    this.emitter.replace(this.reference({ kind: 'string', value }), start, end);
    this.i = end;
  }

  private reference(entry: LiteralEntry): string {
    this.literals.push(entry);
    return `'${LITERAL_REFERENCE_MARK}${this.literals.length - 1}'`;
  }

  private quotedIdent(start: number): void {
    const sql = this.sql;
    const close = quotedEnd(sql, start, '`', false);
    if (close === -1) {
      this.push('error', start, sql.length);
      this.emitter.verbatim(sql, start, sql.length);
      this.i = sql.length;
      return;
    }
    this.push('quoted-ident', start, close, sql.slice(start + 1, close - 1).replace(/``/g, '`'));
    this.emitter.verbatim(sql, start, close);
    this.i = close;
  }

  private other(start: number, c: string): void {
    const sql = this.sql;
    const numberEnd = start + numberLength(sql, start);
    if (numberEnd > start && !this.afterDot()) {
      this.number(start, numberEnd);
    } else if (isIdentChar(c)) {
      this.word(start);
    } else if (c === '@') {
      const system = sql[start + 1] === '@';
      let j = start + (system ? 2 : 1);
      while (isIdentChar(sql[j]) || sql[j] === '.') j++;
      this.push(system ? 'system-variable' : 'variable', start, j);
      this.emitter.verbatim(sql, start, j);
      this.i = j;
    } else if (c === '?') {
      this.push('param', start, start + 1);
      this.emitter.verbatim(sql, start, start + 1);
      this.i = start + 1;
    } else {
      this.operator(start, c);
    }
  }

  /** True right after a '.', where MySQL reads `t.1a` as identifiers, not numbers. */
  private afterDot(): boolean {
    const last = this.tokens.at(-1);
    return last !== undefined && last.kind === 'op' && last.value === '.' && last.end === this.i;
  }

  private number(start: number, end: number): void {
    const text = this.sql.slice(start, end);
    this.push('number', start, end);
    const exact = /^\d{1,15}$/.test(text);
    if (exact) this.emitter.verbatim(this.sql, start, end);
    else this.emitter.replace(this.reference({ kind: 'number', text }), start, end);
    this.i = end;
  }

  private word(start: number): void {
    const sql = this.sql;
    let j = start;
    while (isIdentChar(sql[j])) j++;
    const text = sql.slice(start, j);
    // X'..', B'..' stay for node-sql-parser; N'..' and _charset'..' introduce a plain string.
    if (sql[j] === "'" && (/^[nN]$/.test(text) || INTRODUCER.test(text))) {
      if (!/^_binary$/i.test(text)) {
        this.emitter.blank(sql, start, j);
        this.i = j;
        this.string(j, j);
        return;
      }
    }
    // Issue 8 (cost): only a word starting 0 (0x…, 0b…) or one letter before a quote (X'…',
    // B'…') can be a hex or bit literal; the others skip the patterns.
    const maybeHex = text[0] === '0' || (text.length === 1 && sql[j] === "'");
    if (
      maybeHex &&
      (/^0[xX][0-9a-fA-F]+$|^0[bB][01]+$/.test(text) ||
        (/^[xXbB]$/.test(text) && sql[j] === "'"))
    ) {
      const end = /^[xXbB]$/.test(text) ? quotedEnd(sql, j, "'", false) : j;
      const stop = end === -1 ? sql.length : end;
      this.push('hex', start, stop);
      const bytes = hexLiteralBytes(sql.slice(start, stop));
      // A malformed X'…' (odd digits, not hex) is left for node-sql-parser to refuse.
      if (bytes === undefined) this.emitter.verbatim(sql, start, stop);
      else this.emitter.replace(this.reference({ kind: 'hex', bytes }), start, stop);
      this.i = stop;
      return;
    }
    this.push('word', start, j);
    const spelled = this.typeSpelling(text.toUpperCase());
    if (spelled === undefined) this.emitter.verbatim(sql, start, j);
    else this.emitter.replace(spelled, start, j);
    this.i = j;
  }

  /**
   * Issue 6b: type names node-sql-parser does not know, spelled as ones it does: REAL → DOUBLE,
   * DOUBLE PRECISION → DOUBLE, a column type BOOL → BOOLEAN. Undefined: keep the word.
   */
  private typeSpelling(upper: string): string | undefined {
    const tokens = this.tokens;
    const prev = tokens[tokens.length - 2];
    const before = tokens[tokens.length - 3];
    if (upper === 'REAL') return 'DOUBLE';
    if (upper === 'PRECISION' && prev?.kind === 'word' && prev.value.toUpperCase() === 'DOUBLE') {
      return ' '.repeat(upper.length);
    }
    if (upper === 'BOOL' && (prev?.kind === 'word' || prev?.kind === 'quoted-ident')) {
      const opener =
        before !== undefined &&
        ((before.kind === 'op' && (before.value === '(' || before.value === ',')) ||
          (before.kind === 'word' && /^(COLUMN|ADD|MODIFY)$/i.test(before.value)));
      if (opener) return 'BOOLEAN';
    }
    return undefined;
  }

  private operator(start: number, c: string): void {
    const sql = this.sql;
    const two = sql.slice(start, start + 2);
    const three = sql.slice(start, start + 3);
    if (two === '--') {
      // Not a comment (that was handled before): minus minus. node-sql-parser would read a
      // comment, so the two signs are written apart.
      this.push('op', start, start + 1);
      this.emitter.replace('- ', start, start + 1);
      this.i = start + 1;
      return;
    }
    if (two === '&&' || two === '||') {
      this.push('op', start, start + 2);
      this.emitter.replace(two === '&&' ? ' AND ' : ' OR ', start, start + 2);
      this.i = start + 2;
      return;
    }
    if (three === '<=>') {
      // node-sql-parser has no <=>: it reads `<= ` (same length), and parse.ts finds the
      // operator's original text again by the expression's location (null-safe equality).
      this.push('op', start, start + 3);
      this.emitter.replace('<= ', start, start + 3);
      this.i = start + 3;
      return;
    }
    const length = ['<=', '>=', '<>', '!=', '<<', '>>', ':='].includes(two) ? 2 : 1;
    this.push('op', start, start + length);
    this.emitter.verbatim(sql, start, start + length);
    this.i = start + length;
    void c;
  }
}

/**
 * lex()'s tokens, one at a time, read from a Scanner (tests compare the two: the Scanner keeps
 * lex()'s rules in a second form, so this is where they are held equal).
 */
export function lexTokens(sql: string): readonly Token[] {
  const tokens: Token[] = [];
  const s = new Scanner(sql);
  for (let kind = s.next(); kind !== undefined; kind = s.next()) {
    let value: string;
    if (kind === 'string') value = s.stringValue();
    else if (kind === 'quoted-ident') value = sql.slice(s.start + 1, s.end - 1).replace(/``/g, '`');
    else value = sql.slice(s.start, s.end);
    tokens.push({ kind, start: s.start, end: s.end, value });
  }
  return tokens;
}

const CH_TAB = 0x09;
const CH_CR = 0x0d;
const CH_SPACE = 0x20;
const CH_BANG = 0x21;
const CH_DOUBLE = 0x22;
const CH_HASH = 0x23;
const CH_AMP = 0x26;
const CH_SINGLE = 0x27;
const CH_STAR = 0x2a;
const CH_DASH = 0x2d;
const CH_DOT = 0x2e;
const CH_SLASH = 0x2f;
const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_COLON = 0x3a;
const CH_LT = 0x3c;
const CH_EQ = 0x3d;
const CH_GT = 0x3e;
const CH_QUESTION = 0x3f;
const CH_AT = 0x40;
const CH_BACKTICK = 0x60;
const CH_PIPE = 0x7c;

/** Character classes of ASCII codes, for the Scanner. */
const SPACE = 1;
const IDENT = 2;
const CLASSES = (() => {
  const classes = new Uint8Array(0x80);
  for (let c = 0; c < 0x80; c++) {
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    const digit = c >= CH_0 && c <= CH_9;
    if (c === CH_SPACE || (c >= CH_TAB && c <= CH_CR)) classes[c] = SPACE;
    else if (letter || digit || c === 0x5f || c === 0x24) classes[c] = IDENT;
  }
  return classes;
})();

/** [ \t\n\r\f\v] by code; NaN (past the end) is none. */
const isSpaceCode = (c: number): boolean => c < 0x80 && ((CLASSES[c] as number) & SPACE) !== 0;
const isDigitCode = (c: number): boolean => c >= CH_0 && c <= CH_9;
/** isIdentChar by code (every non-ASCII code unit is one); NaN (past the end) is none. */
const isIdentCode = (c: number): boolean =>
  c < 0x80 ? ((CLASSES[c] as number) & IDENT) !== 0 : c >= 0x80;

/**
 * Issue 8 (cost): lex()'s tokens without token objects or substrings, for the plan cache, which
 * reads every token of every text statement once. next() moves to the next token and sets
 * `kind`, `start` and `end` (offsets in `sql`, as Token's); a string's decoded value is made
 * only when asked for (stringValue). The rules are lex()'s (Lexer above), written over character
 * codes; string literals without escapes are found with indexOf.
 *
 * Invariant (L1): the tokens a Scanner gives are lex(sql).tokens, kind, offsets and value
 * (lexer.test.ts checks lexTokens against lex over random texts).
 */
export class Scanner {
  kind: TokenKind | undefined;
  start = 0;
  end = 0;
  /** 'number': it has a decimal point; an exponent. */
  numberDot = false;
  numberExponent = false;
  /** 'word': every character is ASCII. */
  wordAscii = true;
  private i = 0;
  private inExecutableComment = false;
  /** End of the last '.' operator (a number right after one is a word, as in lex). */
  private dotEnd = -1;
  /** 'string': one literal without escapes or doubled quotes (its value is its body). */
  private plainString = false;
  /** Offset of the next backslash at or after the last string's start; length: none. */
  private backslash = -1;

  constructor(readonly sql: string) {}

  /** The next token's kind, undefined at the end of the text. */
  next(): TokenKind | undefined {
    const sql = this.sql;
    const length = sql.length;
    while (this.i < length) {
      const start = this.i;
      const c = sql.charCodeAt(start);
      if (isSpaceCode(c)) {
        let j = start + 1;
        while (j < length && isSpaceCode(sql.charCodeAt(j))) j++;
        this.i = j;
        continue;
      }
      const comment = this.comment(start, c);
      if (comment === 1) continue;
      if (comment === 2) return this.token('error', start, length);
      if (c === CH_SINGLE || c === CH_DOUBLE) return this.string(start);
      if (c === CH_BACKTICK) {
        const close = quotedEnd(sql, start, '`', false);
        if (close === -1) return this.token('error', start, length);
        return this.token('quoted-ident', start, close);
      }
      return this.other(start, c);
    }
    this.kind = undefined;
    return undefined;
  }

  private token(kind: TokenKind, start: number, end: number): TokenKind {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.i = end;
    return kind;
  }

  /** As Lexer.comment: 0 none, 1 skipped (comment or executable marker), 2 unterminated. */
  private comment(start: number, c: number): 0 | 1 | 2 {
    const sql = this.sql;
    const next = sql.charCodeAt(start + 1);
    if (c === CH_STAR) {
      if (!this.inExecutableComment || next !== CH_SLASH) return 0;
      this.inExecutableComment = false;
      this.i = start + 2;
      return 1;
    }
    if (c === CH_HASH || (c === CH_DASH && next === CH_DASH && dashCommentAt(sql, start))) {
      const newline = sql.indexOf('\n', start);
      this.i = newline === -1 ? sql.length : newline;
      return 1;
    }
    if (c !== CH_SLASH || next !== CH_STAR) return 0;
    if (sql.charCodeAt(start + 2) === CH_BANG && !this.inExecutableComment) {
      const executable = /^\/\*!(\d{5,6})?/.exec(sql.slice(start, start + 9)) as RegExpExecArray;
      const version = executable[1];
      if (version === undefined || Number(version) <= VERSION_ID) {
        this.i = start + executable[0].length;
        this.inExecutableComment = true;
        return 1;
      }
    }
    const close = sql.indexOf('*/', start + 2);
    if (close === -1) return 2;
    this.i = close + 2;
    return 1;
  }

  /** A string literal (adjacent ones merged) from the quote at `start`. */
  private string(start: number): TokenKind {
    const sql = this.sql;
    let at = start;
    this.plainString = true;
    for (;;) {
      const quote = sql.charCodeAt(at);
      let close = this.plainEnd(at, quote);
      if (close === -1) {
        this.plainString = false;
        close = quotedEnd(sql, at, quote === CH_SINGLE ? "'" : '"', true);
        if (close === -1) return this.token('error', at, sql.length);
      }
      let next = close;
      while (isSpaceCode(sql.charCodeAt(next))) next++;
      const after = sql.charCodeAt(next);
      if (after !== CH_SINGLE && after !== CH_DOUBLE) return this.token('string', start, close);
      this.plainString = false;
      at = next;
    }
  }

  /**
   * Just past the closing quote of the literal opened at `at` when it holds no backslash and no
   * doubled quote (found with indexOf); -1 otherwise, or when unterminated.
   */
  private plainEnd(at: number, quote: number): number {
    const sql = this.sql;
    const close = sql.indexOf(quote === CH_SINGLE ? "'" : '"', at + 1);
    if (close === -1 || sql.charCodeAt(close + 1) === quote) return -1;
    if (this.backslash <= at) {
      const b = sql.indexOf('\\', at + 1);
      this.backslash = b === -1 ? sql.length : b;
    }
    return this.backslash < close ? -1 : close + 1;
  }

  /** The current 'string' token's decoded value (adjacent literals merged), as lex()'s. */
  stringValue(): string {
    const sql = this.sql;
    if (this.plainString) return sql.slice(this.start + 1, this.end - 1);
    let value = '';
    let at = this.start;
    while (at < this.end) {
      const quote = sql[at] as string;
      const close = quotedEnd(sql, at, quote, true);
      value += decodeStringBody(sql.slice(at + 1, close - 1), quote);
      at = close;
      while (at < this.end && isSpaceCode(sql.charCodeAt(at))) at++;
    }
    return value;
  }

  /** As Lexer.other: a number, word, hex literal, variable, `?` or operator at `start`. */
  private other(start: number, c: number): TokenKind {
    const sql = this.sql;
    const numberEnd = this.numberEnd(start);
    if (numberEnd > start && this.dotEnd !== start) return this.token('number', start, numberEnd);
    if (isIdentCode(c)) return this.word(start);
    if (c === CH_AT) {
      const system = sql.charCodeAt(start + 1) === CH_AT;
      let j = start + (system ? 2 : 1);
      for (let d = sql.charCodeAt(j); isIdentCode(d) || d === CH_DOT; d = sql.charCodeAt(++j));
      return this.token(system ? 'system-variable' : 'variable', start, j);
    }
    if (c === CH_QUESTION) return this.token('param', start, start + 1);
    const end = start + operatorLength(sql, start, c);
    if (c === CH_DOT && end === start + 1) this.dotEnd = end;
    return this.token('op', start, end);
  }

  /** As numberLength, by code: the end of a number at `i`, `i` when none. */
  private numberEnd(i: number): number {
    const sql = this.sql;
    let j = i;
    while (isDigitCode(sql.charCodeAt(j))) j++;
    this.numberDot = false;
    this.numberExponent = false;
    if (sql.charCodeAt(j) === CH_DOT && (j > i || isDigitCode(sql.charCodeAt(j + 1)))) {
      this.numberDot = true;
      j++;
      while (isDigitCode(sql.charCodeAt(j))) j++;
    }
    if (j === i) return i;
    const e = sql.charCodeAt(j);
    if (e === 0x65 || e === 0x45) {
      let k = j + 1;
      const sign = sql.charCodeAt(k);
      if (sign === 0x2b || sign === CH_DASH) k++;
      if (isDigitCode(sql.charCodeAt(k))) {
        while (isDigitCode(sql.charCodeAt(k))) k++;
        j = k;
        this.numberExponent = true;
      }
    }
    return isIdentCode(sql.charCodeAt(j)) ? i : j;
  }

  /** As Lexer.word: a word, a hex or bit literal, or a string after N or a charset introducer. */
  private word(start: number): TokenKind {
    const sql = this.sql;
    let j = start;
    let ascii = true;
    for (let d = sql.charCodeAt(j); isIdentCode(d); d = sql.charCodeAt(++j)) {
      if (d >= 0x80) ascii = false;
    }
    this.wordAscii = ascii;
    const first = sql.charCodeAt(start);
    const quoted = sql.charCodeAt(j) === CH_SINGLE;
    if (quoted && (first === 0x4e || first === 0x6e || first === 0x5f)) {
      const text = sql.slice(start, j);
      if ((/^[nN]$/.test(text) || INTRODUCER.test(text)) && !/^_binary$/i.test(text)) {
        return this.string(j);
      }
    }
    const letter = first | 0x20;
    if (quoted && j === start + 1 && (letter === 0x78 || letter === 0x62)) {
      const end = quotedEnd(sql, j, "'", false);
      return this.token('hex', start, end === -1 ? sql.length : end);
    }
    if (first === CH_0 && /^0[xX][0-9a-fA-F]+$|^0[bB][01]+$/.test(sql.slice(start, j))) {
      return this.token('hex', start, j);
    }
    return this.token('word', start, j);
  }
}

/** True when `--` at `start` opens a comment: a space, a control character or the end follows. */
function dashCommentAt(sql: string, start: number): boolean {
  return start + 2 >= sql.length || /[\s\x00-\x1f]/.test(sql[start + 2] as string);
}

/** As Lexer.operator: the length of the operator at `start` (first character `c`). */
function operatorLength(sql: string, start: number, c: number): number {
  const d = sql.charCodeAt(start + 1);
  if (c === CH_LT) {
    if (d === CH_EQ) return sql.charCodeAt(start + 2) === CH_GT ? 3 : 2;
    return d === CH_GT || d === CH_LT ? 2 : 1;
  }
  if (c === CH_GT) return d === CH_EQ || d === CH_GT ? 2 : 1;
  if (c === CH_BANG || c === CH_COLON) return d === CH_EQ ? 2 : 1;
  if (c === CH_AMP || c === CH_PIPE) return d === c ? 2 : 1;
  return 1;
}
