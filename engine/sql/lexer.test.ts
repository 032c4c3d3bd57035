/**
 * lexer.ts: lexTokens (the Scanner's tokens, which the plan cache reads) gives exactly lex()'s
 * tokens (L1), over statements with every kind of token, comment, literal, introducer and escape,
 * and over random mixes of their pieces.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../testing/prng.js';
import { lex, lexTokens } from './lexer.js';

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
];

describe('lexTokens', () => {
  it('gives lex()’s tokens', () => {
    for (const sql of STATEMENTS) expect(lexTokens(sql)).toEqual(lex(sql).tokens);
  });

  it('gives lex()’s tokens for random mixes of pieces', () => {
    const prng = new Prng(5);
    for (let i = 0; i < 2000; i++) {
      let sql = '';
      const n = 1 + prng.int(20);
      for (let j = 0; j < n; j++) sql += PIECES[prng.int(PIECES.length)];
      expect(lexTokens(sql)).toEqual(lex(sql).tokens);
    }
  });
});
