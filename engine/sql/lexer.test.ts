/**
 * lexer.ts: lexTokens (the Scanner's tokens, which the plan cache reads) gives exactly lex()'s
 * tokens (L1), and lex()'s parser text is the original text span for span (L2), over statements
 * with every kind of token, comment, literal, introducer and escape, and over random mixes of
 * their pieces.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../testing/prng.js';
import { type LiteralEntry, type Token, hexLiteralBytes, lex, lexTokens } from './lexer.js';

const STATEMENTS = [
  "INSERT INTO sbtest1 (id, k, c, pad) VALUES (0, 5012, '68487932199-96439406143', '2219')",
  "UPDATE t SET c='it''s', d=\"a\\\\b\\n\" WHERE id=? AND x <=> @v OR y >= @@sql_mode",
  "SELECT `we``ird`, 1.5e-3, .5, 0x4142, X'41', b'101', 0b1, _binary'\\x00', N'n' 'adj'",
  'SELECT a--b, c -- comment\n, d # hash\n, /* block */ e, /*!80000 f */ g /*M! h */',
  'SELECT 1abc, t.1a, 12345678901234567, REAL, DOUBLE PRECISION, a && b || c',
  "SELECT 'unterminated",
  'SELECT /* unterminated',
  'CREATE TABLE t (a BOOL, b BOOL DEFAULT 1) -- BOOL spelled BOOLEAN',
  'SELECT naïve, 😀 FROM ünïcode WHERE \u00e9 = "\u00e9"',
];

const PIECES = [
  'SELECT', ' ', '\n', 'a', '`b`', "'s'", "'it''s'", '"d"', '\\', '1', '1.5', '.5e3', '0x1F',
  "X'00'", '?', '@u', '@@g', '(', ')', ',', '=', '<=>', '--', '-- x\n', '#c\n', '/* c */',
  '/*!1 e */', '&&', '||', "_utf8mb4'x'", "N'y'", 'é', '.', ';',
  // The Scanner's own paths: escapes and doubled quotes found past indexOf, open literals.
  "'a\\'b'", '"x""y"', "x'0", "_binary'q'", '/*!99999 z */', '*/', '<<', '1.', 'ſet', '\t',
  // The parser text's own paths: respelled types, long numbers, blanked spans with newlines.
  'REAL', 'DOUBLE', ' PRECISION', 'BOOL', 'COLUMN', '123456789012345', '1234567890123456',
  "X'4'", '/*\n*/', "'",
];

function randomText(prng: Prng): string {
  let sql = '';
  const n = 1 + prng.int(20);
  for (let j = 0; j < n; j++) sql += PIECES[prng.int(PIECES.length)];
  return sql;
}

describe('lexTokens', () => {
  it('gives lex()’s tokens', () => {
    for (const sql of STATEMENTS) expect(lexTokens(sql)).toEqual(lex(sql).tokens);
  });

  it('gives lex()’s tokens for random mixes of pieces', () => {
    const prng = new Prng(5);
    for (let i = 0; i < 2000; i++) {
      const sql = randomText(prng);
      expect(lexTokens(sql)).toEqual(lex(sql).tokens);
    }
  });
});

/** Whitespace as the Scanner reads it: [ \t\n\r\f\v]. */
const isSpace = (c: string): boolean => /^[ \t\n\r\f\v]$/.test(c);

/**
 * Whether `written` is the parser text of `original`, a run between tokens: each character kept
 * or blanked (newlines kept), and every one that is not whitespace blanked unless `loose`
 * (before an unterminated literal, where the literals it follows are copied).
 */
function isGapText(original: string, written: string, loose: boolean): boolean {
  if (written.length !== original.length) return false;
  for (let i = 0; i < original.length; i++) {
    const c = original[i] as string;
    const w = written[i];
    if (c === '\n' ? w !== '\n' : w !== ' ' && (w !== c || (!loose && !isSpace(c)))) return false;
  }
  return true;
}

const OPERATOR_SPELLINGS = new Map([['&&', ' AND '], ['||', ' OR '], ['<=>', '<= ']]);

/** The parser texts a token that is not a literal reference may be written as. */
function spellings(sql: string, token: Token): readonly string[] {
  const text = sql.slice(token.start, token.end);
  const upper = text.toUpperCase();
  if (token.kind === 'word') {
    if (upper === 'REAL') return ['DOUBLE'];
    // Respelled only in some places: after a column name; after DOUBLE.
    if (upper === 'BOOL') return [text, 'BOOLEAN'];
    if (upper === 'PRECISION') return [text, ' '.repeat(text.length)];
  }
  if (token.kind !== 'op') return [text];
  if (text === '-' && sql[token.end] === '-') return ['- '];
  return [OPERATOR_SPELLINGS.get(text) ?? text];
}

/** The literal a token must be referred to as; undefined: it is written as text. */
function literalOf(sql: string, token: Token): LiteralEntry | undefined {
  const text = sql.slice(token.start, token.end);
  if (token.kind === 'string') return { kind: 'string', value: token.value };
  if (token.kind === 'number' && !/^\d{1,15}$/.test(text)) return { kind: 'number', text };
  const bytes = token.kind === 'hex' ? hexLiteralBytes(text) : undefined;
  return bytes === undefined ? undefined : { kind: 'hex', bytes };
}

/** Whether f is non-decreasing over [0, n]. */
function isMonotonic(f: (offset: number) => number, n: number): boolean {
  for (let i = 1; i <= n; i++) if (f(i) < f(i - 1)) return false;
  return true;
}

/** What breaks L2 in one text's lex() (nothing: []). */
function parserTextFaults(sql: string): string[] {
  const { tokens, parserText, literals, toParser, toOriginal } = lex(sql);
  const faults: string[] = [];
  const check = (ok: boolean, fault: string): void => {
    if (!ok) faults.push(fault);
  };
  check(toParser(0) === 0 && toParser(sql.length) === parserText.length, 'ends');
  check(isMonotonic(toParser, sql.length), 'toParser order');
  check(isMonotonic(toOriginal, parserText.length), 'toOriginal order');
  let references = 0;
  let end = 0;
  for (const token of tokens) {
    const text = sql.slice(token.start, token.end);
    const where = `${token.kind} at ${token.start}`;
    check(token.start >= end && token.start < token.end && token.end <= sql.length, where);
    const named = token.kind === 'string' || token.kind === 'quoted-ident';
    check(named || token.value === text, `${where}: value`);
    const at = toParser(token.start);
    check(toOriginal(at) === token.start, `${where}: toOriginal`);
    const gap = parserText.slice(toParser(end), at);
    check(isGapText(sql.slice(end, token.start), gap, token.kind === 'error'), `${where}: gap`);
    const written = parserText.slice(at, toParser(token.end));
    const literal = literalOf(sql, token);
    if (literal === undefined) {
      check(spellings(sql, token).includes(written), `${where}: written ${written}`);
    } else {
      check(written === `'\u0001${references}'`, `${where}: reference ${written}`);
      const entry = literals[references++];
      check(JSON.stringify(entry) === JSON.stringify(literal), `${where}: literal`);
    }
    end = token.end;
  }
  check(isGapText(sql.slice(end), parserText.slice(toParser(end)), false), 'last gap');
  check(references === literals.length, 'literal count');
  return faults;
}

describe('lex', () => {
  it('writes the parser text span for span (L2)', () => {
    const prng = new Prng(7);
    const texts = [...STATEMENTS, ...Array.from({ length: 2000 }, () => randomText(prng))];
    for (const sql of texts) {
      expect({ sql, faults: parserTextFaults(sql) }).toEqual({ sql, faults: [] });
    }
  });
});
