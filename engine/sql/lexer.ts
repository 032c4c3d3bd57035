/**
 * A hand-written MySQL lexer. MySQL's tokenising rules are written once, in the Scanner: what is
 * a word, a string (adjacent ones merged), a quoted identifier, a number, a hex or bit literal,
 * a variable, a `?` parameter, an operator; comments (`#`, `/* *\/`, and `--` followed by a space,
 * a control character or the end: otherwise two minus signs); executable comments
 * (`/*!NNNNN … *\/` runs when NNNNN ≤ VERSION_ID and `/*! … *\/` always: only their markers are
 * skipped; `/*M! … *\/`, MariaDB-only, is a comment); charset introducers (_utf8mb4'x', N'x',
 * not _binary); and unterminated strings, identifiers and comments, which are 'error' tokens.
 * The Scanner gives one token at a time without token objects or substrings: the plan cache
 * (plan-cache.ts) reads every text statement's tokens from it once.
 *
 * lex() is built on a Scanner and serves parse.ts three ways:
 *
 *  1. Tokens with their offsets in the original text: the matcher for the statements
 *     node-sql-parser cannot read (SHOW TABLES, …), the select-list item texts that become column
 *     names, and the 'near …' text of ER_PARSE_ERROR.
 *  2. The text handed to node-sql-parser ("parser text"), in which MySQL's lexical rules that
 *     node-sql-parser gets wrong are settled first. It is written token by token: what lies
 *     between tokens is copied, except the spans the Scanner reports skipping (comments,
 *     executable comments' markers, introducers), which become spaces (newlines kept, so line
 *     numbers hold); and some tokens are written another way:
 *       - `--` that is not a comment is written `- -`; `&&` and `||` are AND and OR (MySQL's
 *         default sql_mode), with MySQL's precedence;
 *       - every string literal (adjacent ones are one: 'a' 'b' = 'ab'), well-formed hex or bit
 *         literal, and number that node-sql-parser would not keep exactly (a decimal point, an
 *         exponent, more than 15 digits), becomes a *literal reference*: the string '\u0001k'
 *         where k indexes `literals`, which holds the exact decoded value. node-sql-parser
 *         rounds long decimals through a double and keeps escapes undecoded; the reference
 *         carries the literal past it unchanged;
 *       - type names node-sql-parser does not know are spelled as ones it does (typeSpelling).
 *  3. `toOriginal(offset)`: maps an offset in the parser text back to the original text.
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

const INTRODUCER = /^_(utf8mb4|utf8mb3|utf8|latin1|ascii|binary)$/i;

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
/** [A-Za-z0-9_$] or any non-ASCII code unit; NaN (past the end) is none. */
const isIdentCode = (c: number): boolean =>
  c < 0x80 ? ((CLASSES[c] as number) & IDENT) !== 0 : c >= 0x80;

/**
 * MySQL's tokenising rules (see the file comment), written over character codes; string
 * literals without escapes are found with indexOf. Issue 8 (cost): no token objects or
 * substrings, for the plan cache, which reads every token of every text statement once. next()
 * moves to the next token and sets `kind`, `start` and `end` (offsets in `sql`, as Token's); a
 * string's decoded value is made only when asked for (stringValue). `skipped`, when given, hears
 * of each span passed over that is neither whitespace nor part of a token, in text order before
 * the token after it: a comment, an executable comment's marker, a charset introducer.
 *
 * Invariant (L1): lex(sql).tokens are the tokens a Scanner gives, kind, offsets and value
 * (lexTokens): the Lexer reads them from a Scanner.
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
  /** End of the last '.' operator (a number right after one is a word: `t.1a`). */
  private dotEnd = -1;
  /** 'string': one literal without escapes or doubled quotes (its value is its body). */
  private plainString = false;
  /** Offset of the next backslash at or after the last string's start; length: none. */
  private backslash = -1;

  constructor(
    readonly sql: string,
    private readonly skipped?: (start: number, end: number) => void,
  ) {}

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

  /** A comment or executable marker at `start`: 0 none, 1 skipped, 2 unterminated. */
  private comment(start: number, c: number): 0 | 1 | 2 {
    const sql = this.sql;
    const next = sql.charCodeAt(start + 1);
    if (c === CH_STAR) {
      if (!this.inExecutableComment || next !== CH_SLASH) return 0;
      this.inExecutableComment = false;
      return this.skip(start, start + 2);
    }
    if (c === CH_HASH || (c === CH_DASH && next === CH_DASH && dashCommentAt(sql, start))) {
      const newline = sql.indexOf('\n', start);
      return this.skip(start, newline === -1 ? sql.length : newline);
    }
    if (c !== CH_SLASH || next !== CH_STAR) return 0;
    if (sql.charCodeAt(start + 2) === CH_BANG && !this.inExecutableComment) {
      const executable = /^\/\*!(\d{5,6})?/.exec(sql.slice(start, start + 9)) as RegExpExecArray;
      const version = executable[1];
      if (version === undefined || Number(version) <= VERSION_ID) {
        this.inExecutableComment = true;
        return this.skip(start, start + executable[0].length);
      }
    }
    const close = sql.indexOf('*/', start + 2);
    if (close === -1) return 2;
    return this.skip(start, close + 2);
  }

  /** Moves past the skipped span [start, end), reporting it. */
  private skip(start: number, end: number): 1 {
    this.i = end;
    this.skipped?.(start, end);
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

  /** The current 'string' token's decoded value (adjacent literals merged). */
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

  /** A number, word, hex literal, variable, `?` or operator at `start`. */
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

  /**
   * The end of a number at `i` ('12', '1.5', '.5', '1e-3'), `i` when none: '1abc' and '1e' are
   * identifiers in MySQL, not numbers.
   */
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

  /** A word, a hex or bit literal, or a string after N or a charset introducer (skipped). */
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
        this.skipped?.(start, j);
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

/** The length of the operator at `start` (first character `c`). */
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

/** The Scanner's current token (of kind `kind`) as a Token. */
function scannedToken(s: Scanner, kind: TokenKind): Token {
  const sql = s.sql;
  let value: string;
  if (kind === 'string') value = s.stringValue();
  else if (kind === 'quoted-ident') value = sql.slice(s.start + 1, s.end - 1).replace(/``/g, '`');
  else value = sql.slice(s.start, s.end);
  return { kind, start: s.start, end: s.end, value };
}

/** lex()'s tokens without its parser text: a Scanner's tokens as Token objects (L1). */
export function lexTokens(sql: string): readonly Token[] {
  const tokens: Token[] = [];
  const s = new Scanner(sql);
  for (let kind = s.next(); kind !== undefined; kind = s.next()) tokens.push(scannedToken(s, kind));
  return tokens;
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

/**
 * lex(): reads a Scanner's tokens and writes the parser text (Emitter): the spans the Scanner
 * skips are blanked, the tokens replacement() names are replaced, the rest is copied.
 *
 * Invariant (L2): the parser text is the original span for span: between tokens, each character
 * copied or (skipped spans) blanked, newlines kept; each token its own text, a respelling or a
 * literal reference (numbered in text order); toParser and toOriginal are monotonic and map each
 * token's start to the other's (lexer.test.ts checks this over random texts).
 */
class Lexer {
  readonly tokens: Token[] = [];
  readonly literals: LiteralEntry[] = [];
  readonly emitter: Emitter;

  constructor(private readonly sql: string) {
    this.emitter = new Emitter(sql);
  }

  run(): void {
    const emitter = this.emitter;
    const s = new Scanner(this.sql, (start, end) => emitter.blank(start, end));
    for (let kind = s.next(); kind !== undefined; kind = s.next()) {
      const token = scannedToken(s, kind);
      this.tokens.push(token);
      const replacement = this.replacement(s, token);
      if (replacement !== undefined) emitter.replace(replacement, token.start, token.end);
    }
    emitter.copyTo(this.sql.length);
  }

  /** What the parser text holds in place of the scanner's token; undefined: its own text. */
  private replacement(s: Scanner, token: Token): string | undefined {
    switch (token.kind) {
      case 'string':
        return this.reference({ kind: 'string', value: token.value });
      case 'number':
        // node-sql-parser keeps integers of up to 15 digits exactly.
        if (!s.numberDot && !s.numberExponent && token.end - token.start <= 15) return undefined;
        return this.reference({ kind: 'number', text: token.value });
      case 'hex': {
        const bytes = hexLiteralBytes(token.value);
        // A malformed X'…' (odd digits, not hex) is left for node-sql-parser to refuse.
        return bytes === undefined ? undefined : this.reference({ kind: 'hex', bytes });
      }
      case 'word':
        return this.typeSpelling(token.value, s.wordAscii);
      case 'op':
        return operatorSpelling(this.sql, token);
      default:
        return undefined;
    }
  }

  private reference(entry: LiteralEntry): string {
    this.literals.push(entry);
    return `'${LITERAL_REFERENCE_MARK}${this.literals.length - 1}'`;
  }

  /**
   * Issue 6b: type names node-sql-parser does not know, spelled as ones it does: REAL → DOUBLE,
   * DOUBLE PRECISION → DOUBLE, a column type BOOL → BOOLEAN. Undefined: keep the word (the last
   * token collected).
   */
  private typeSpelling(word: string, ascii: boolean): string | undefined {
    // Issue 8 (cost): an ASCII word of another length than REAL, BOOL or PRECISION is none.
    if (ascii && word.length !== 4 && word.length !== 9) return undefined;
    const upper = word.toUpperCase();
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
}

/** The parser text's spelling of an operator token; undefined: as written. */
function operatorSpelling(sql: string, token: Token): string | undefined {
  const op = token.value;
  // `--` is a comment only before a space or control character (the Scanner skipped it): else
  // it is minus minus, and node-sql-parser would read a comment, so the signs are written apart.
  if (op === '-') return sql.charCodeAt(token.end) === CH_DASH ? '- ' : undefined;
  if (op === '&&') return ' AND ';
  if (op === '||') return ' OR ';
  // node-sql-parser has no <=>: it reads `<= ` (same length), and parse.ts finds the operator's
  // original text again by the expression's location (null-safe equality).
  if (op === '<=>') return '<= ';
  return undefined;
}

interface Piece {
  readonly out: number;
  readonly origStart: number;
  readonly origEnd: number;
  readonly verbatim: boolean;
}

/**
 * The parser text, written left to right over the original: replaced spans, blanked spans and
 * the runs between them copied; its pieces map offsets between the two texts.
 */
class Emitter {
  text = '';
  readonly pieces: Piece[] = [];
  /** The original text before this offset is written. */
  private copied = 0;

  constructor(private readonly sql: string) {}

  /** Copies the original text from where writing stopped up to `end`, unchanged. */
  copyTo(end: number): void {
    const start = this.copied;
    if (end <= start) return;
    this.pieces.push({ out: this.text.length, origStart: start, origEnd: end, verbatim: true });
    this.text += this.sql.slice(start, end);
    this.copied = end;
  }

  /** Writes `replacement` in place of original text [start, end). */
  replace(replacement: string, start: number, end: number): void {
    this.copyTo(start);
    this.pieces.push({ out: this.text.length, origStart: start, origEnd: end, verbatim: false });
    this.text += replacement;
    this.copied = end;
  }

  /** Blanks original text [start, end): spaces, newlines kept. */
  blank(start: number, end: number): void {
    this.copyTo(start);
    this.pieces.push({ out: this.text.length, origStart: start, origEnd: end, verbatim: true });
    this.text += this.sql.slice(start, end).replace(/[^\n]/g, ' ');
    this.copied = end;
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
