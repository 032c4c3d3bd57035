/**
 * What a text statement costs before the plan cache finds its plan: splitting a COM_QUERY
 * (split.ts), lexing (lexer.ts: lexTokens, the Scanner's tokens, against lex, which also builds the
 * parser text) and normalising (plan-cache.ts), for sysbench's INSERT and a point SELECT. Run:
 * npx vitest bench engine/sql/lexer.bench.ts
 */
import { bench, describe } from 'vitest';
import { lex, lexTokens } from './lexer.js';
import { normalise } from './plan-cache.js';
import { splitStatements } from './split.js';

const INSERT =
  'INSERT INTO sbtest1 (id, k, c, pad) VALUES (0, 5027, ' +
  "'68487932199-96439406143-93774651418-41631865787-96406072701-20604855487-25459966574-" +
  "28203206787-41238978918-19503783441', " +
  "'22195207048-70116052123-74140395089-76317954521-98694025897')";
const SELECT = 'SELECT c FROM sbtest1 WHERE id=4821';
const INSERT_BYTES = Buffer.from(INSERT);

describe('a sysbench INSERT as text', () => {
  bench('lexTokens', () => {
    lexTokens(INSERT);
  });
  bench('lex (tokens and parser text)', () => {
    lex(INSERT);
  });
  bench('normalise', () => {
    normalise(INSERT);
  });
  bench('splitStatements', () => {
    splitStatements(INSERT_BYTES);
  });
});

describe('a point SELECT as text', () => {
  bench('normalise', () => {
    normalise(SELECT);
  });
});
