/**
 * The plan cache: which literals normalisation lifts, and PC1 as a property — the same random
 * statements (templates × literal variants of every type) on an engine with the cache and one
 * without give the same rows, metadata, errors and warnings. Normalisation's one-pass scan is
 * also held to a reference written over lex()'s tokens, over random mixes of tokens.
 */
import { describe, expect, it } from 'vitest';
import type { Result, Session } from '../api.js';
import { SqlError } from '../errors.js';
import { Prng } from '../testing/prng.js';
import { memoryEngine, ok, openSession, rowsOf } from '../testing/sessions.js';
import type { Literal } from './ast.js';
import { type Token, lex } from './lexer.js';
import { numberLiteral } from './parse.js';
import { type Normalised, PlanCache, normalise } from './plan-cache.js';

describe('normalise', () => {
  it('lifts literals in value positions of WHERE, VALUES and SET', () => {
    const n = normalise("SELECT a FROM t WHERE id = 5 AND s IN ('x', 'y') AND d > 1.50");
    expect(n?.key).toBe('SELECT a FROM t WHERE id = ? AND s IN (?, ?) AND d > ?');
    expect(n?.literals).toEqual([
      { kind: 'int', value: 5n },
      { kind: 'string', value: 'x' },
      { kind: 'string', value: 'y' },
      { kind: 'decimal', text: '1.50' },
    ]);
    expect(normalise("INSERT INTO t VALUES (1, 'a'), (2, 'b')")?.key).toBe(
      'INSERT INTO t VALUES (?, ?), (?, ?)',
    );
    expect(normalise("UPDATE t SET n = n + 1, s = 'z' WHERE id = 7")?.key).toBe(
      'UPDATE t SET n = n + ?, s = ? WHERE id = ?',
    );
    expect(normalise('DELETE FROM t WHERE id BETWEEN 1 AND 9')?.key).toBe(
      'DELETE FROM t WHERE id BETWEEN ? AND ?',
    );
  });

  it('keeps literals that shape the result: select list, ORDER BY, LIMIT, introducers', () => {
    const unchanged = [
      "SELECT 1, 'a', id + 2 FROM t",
      'SELECT id FROM t ORDER BY 1 LIMIT 10',
      "SELECT id FROM t WHERE s = _binary'x' AND s = N'y'",
      'SELECT id FROM t WHERE n = 1e3',
      'SELECT (SELECT 1) FROM t',
    ];
    for (const sql of unchanged) expect(normalise(sql)).toEqual({ key: sql, literals: [] });
    expect(normalise("SELECT id FROM t WHERE s LIKE 'a%' ESCAPE '!'")?.key).toBe(
      "SELECT id FROM t WHERE s LIKE ? ESCAPE '!'",
    );
    expect(normalise("SELECT id FROM t WHERE id IN (SELECT 1 FROM u WHERE v = 'q')")?.key).toBe(
      'SELECT id FROM t WHERE id IN (SELECT 1 FROM u WHERE v = ?)',
    );
    expect(normalise('SELECT a FROM t WHERE id = ?')).toBeUndefined();
    expect(normalise('SELECT @a FROM t WHERE id = 1')).toBeUndefined();
    expect(normalise('SET @a = 1')).toBeUndefined();
  });

  it('shares one parse between texts that differ in lifted literals', () => {
    const cache = new PlanCache(10);
    const a = cache.lookup('SELECT a FROM t WHERE id = 1');
    const b = cache.lookup("SELECT a FROM t WHERE id = 'x'");
    expect(a?.statement).toBeDefined();
    expect(b?.statement).toBe(a?.statement);
    expect(b?.literals).toEqual([{ kind: 'string', value: 'x' }]);
    expect(cache.lookup('SELECT a FROM t WHERE id = 1 +')).toBeUndefined();
    expect(new PlanCache(0).lookup('SELECT a FROM t WHERE id = 1')).toBeUndefined();
  });

  it('drops the least recently used text when full', () => {
    const cache = new PlanCache(4);
    const parse = (column: string): unknown =>
      cache.lookup(`SELECT ${column} FROM t WHERE id = 1`)?.plans;
    const first = ['a', 'b', 'c', 'd'].map(parse);
    expect(parse('a')).toBe(first[0]);
    parse('e'); // full: b is the least recently used
    expect(cache.size).toBe(4);
    expect(parse('a')).toBe(first[0]);
    expect(parse('c')).toBe(first[2]);
    expect(parse('b')).not.toBe(first[1]);
  });
});

describe('normalise: corners of the one-pass scan', () => {
  it('types literals as the parser would: escapes, adjacent strings, signs, long numbers', () => {
    const n = normalise(
      "SELECT a FROM t WHERE s = 'it''s' AND s = 'a\\nb' AND s = \"d\" 'e' AND n = -5 " +
        'AND n = 123456789012345678901 AND d = 1. AND d = .25 AND h = 0x41 AND h = 7e2',
    );
    expect(n?.key).toBe(
      'SELECT a FROM t WHERE s = ? AND s = ? AND s = ? AND n = -? ' +
        'AND n = ? AND d = ? AND d = ? AND h = 0x41 AND h = 7e2',
    );
    expect(n?.literals).toEqual([
      { kind: 'string', value: "it's" },
      { kind: 'string', value: 'a\nb' },
      { kind: 'string', value: 'de' },
      { kind: 'int', value: 5n },
      { kind: 'int', value: 123456789012345678901n },
      { kind: 'decimal', text: '1' },
      { kind: 'decimal', text: '.25' },
    ]);
  });

  it('reads keywords in any case, skips comments, and gives up on unterminated text', () => {
    expect(normalise('select a from t where id = 1 /* 2 */ -- 3\n and b = 4')?.key).toBe(
      'select a from t where id = ? /* 2 */ -- 3\n and b = ?',
    );
    expect(normalise('/*!40000 DELETE */ FROM t WHERE id = 9')?.key).toBe(
      '/*!40000 DELETE */ FROM t WHERE id = ?',
    );
    // toUpperCase makes 'ſET' SET: the clause's literals are lifted as for SET.
    expect(normalise('UPDATE t ſET a = 1')?.key).toBe('UPDATE t ſET a = ?');
    expect(normalise("SELECT a FROM t WHERE s = 'open")).toBeUndefined();
    expect(normalise('SELECT a FROM t WHERE id = 1 /* open')).toBeUndefined();
    expect(normalise('SHOW TABLES')).toBeUndefined();
  });

  it('agrees with a reference over lex()’s tokens, for random mixes of tokens', () => {
    const prng = new Prng(8);
    for (let i = 0; i < 3000; i++) {
      let sql = STARTS[prng.int(STARTS.length)] as string;
      const n = 1 + prng.int(14);
      for (let j = 0; j < n; j++) {
        sql += `${PIECES[prng.int(PIECES.length)]}${prng.int(3) === 0 ? ' ' : ''}`;
      }
      expect({ sql, n: normalise(sql) }).toEqual({ sql, n: reference(sql) });
    }
  });
});

const STARTS = [
  'SELECT ', 'INSERT INTO t VALUES (', 'UPDATE t SET a=', 'DELETE FROM t WHERE a=', '',
];

const PIECES = [
  'SELECT', 'WHERE', 'where', 'VALUES', 'SET', 'ORDER', 'IN', 'and', 'AnD', 'ſelect', 'oﬀset', ' ',
  '\n', 'a', '`b`', "'s'", "'it''s'", '"d"', '"a\\"b"', "'x\\n'", '\\', '1', '12', '1.5', '1.',
  '.5e3', '7e2', '0x1F', "X'00'", "x'0", '?', '@u', '@@g', '(', ')', ',', '=', '<=', '<>', '!=',
  '>=', '<=>', '<', '+', '-', '*', '/', '%', '--', '-- x\n', '#c\n', '/* c */', '/*!1 e */',
  '/*!99999 z */', '*/', '&&', '||', "_utf8mb4'x'", "N'y'", "_binary'q'", 'é', '.', 't.1a',
  '99999999999999999999', ' BETWEEN ', ' NOT ', ' LIKE ', 'FROM', ' ON ', "'", '"',
];

type Mode = 'list' | 'condition' | 'values' | 'other';

const MODE_WORDS: Readonly<Record<string, Mode>> = {
  SELECT: 'list', FROM: 'other', WHERE: 'condition', ON: 'condition', VALUES: 'values',
  VALUE: 'values', SET: 'values', ORDER: 'other', GROUP: 'other', HAVING: 'other',
  LIMIT: 'other', OFFSET: 'other', INTO: 'other', FOR: 'other', LOCK: 'other', WINDOW: 'other',
  UNION: 'other', USING: 'other', DUPLICATE: 'other',
};
const VALUE_AFTER_OPS = ['=', '<>', '!=', '<', '<=', '>', '>=', '(', ',', '+', '-', '*', '/', '%'];
const VALUE_AFTER_WORDS = ['AND', 'OR', 'NOT', 'XOR', 'BETWEEN', 'LIKE', 'IN'];

/** Normalisation as plan-cache.ts's file comment states it, over lex()'s token objects. */
function reference(sql: string): Normalised | undefined {
  const tokens = lex(sql).tokens;
  const first = tokens[0];
  if (first?.kind !== 'word') return undefined;
  if (!['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(first.value.toUpperCase())) {
    return undefined;
  }
  const stack: Mode[] = [];
  let mode: Mode = 'other';
  let frozen = 0;
  let key = '';
  let copied = 0;
  const literals: Literal[] = [];
  let prev: Token | undefined;
  for (const token of tokens) {
    if (['error', 'param', 'variable', 'system-variable'].includes(token.kind)) return undefined;
    if (token.kind === 'word') mode = MODE_WORDS[token.value.toUpperCase()] ?? mode;
    if (token.kind === 'op' && token.value === '(') {
      if (mode === 'list' || frozen > 0) frozen++;
      stack.push(mode);
    } else if (token.kind === 'op' && token.value === ')') {
      if (frozen > 0) frozen--;
      mode = stack.pop() ?? mode;
    }
    const afterValue =
      (prev?.kind === 'op' && VALUE_AFTER_OPS.includes(prev.value)) ||
      (prev?.kind === 'word' && VALUE_AFTER_WORDS.includes(prev.value.toUpperCase()));
    const lifts = afterValue && (mode === 'condition' || mode === 'values') && frozen === 0;
    let literal: Literal | undefined;
    if (lifts && token.kind === 'number' && /^(\d+|\d+\.\d*|\.\d+)$/.test(token.value)) {
      literal = numberLiteral(token.value);
    } else if (lifts && token.kind === 'string' && !/[A-Za-z0-9_$\u0080-\uffff]/.test(
      sql[token.start - 1] ?? ' ',
    )) {
      literal = { kind: 'string', value: token.value };
    }
    if (literal !== undefined) {
      key += `${sql.slice(copied, token.start)}?`;
      copied = token.end;
      literals.push(literal);
    }
    prev = token;
  }
  return { key: literals.length === 0 ? sql : key + sql.slice(copied), literals };
}

const LITERALS = [
  '0',
  '1',
  '5',
  '12',
  '123',
  '-3',
  '99999999999',
  '18446744073709551615',
  "'5'",
  "'12abc'",
  "'abc'",
  '1.5',
  '12.25',
  '-0.5',
  'NULL',
  "'apple'",
  "'APPLE'",
  "'é'",
  "'2024-01-02'",
  "'2024-01-02 03:04:05'",
  "'a%'",
  "'%e%'",
  '0.00',
];

const TEMPLATES = [
  'SELECT * FROM t WHERE id = L',
  'SELECT id, n FROM t WHERE n > L AND s LIKE L ORDER BY id',
  'SELECT id FROM t WHERE id IN (L, L, L)',
  'SELECT id FROM t WHERE id IN (L)',
  'SELECT id FROM t WHERE id BETWEEN L AND L',
  'SELECT id, n + L FROM t WHERE id = L',
  'SELECT L, L',
  'SELECT id FROM t WHERE d = L OR at < L',
  'SELECT id FROM t ORDER BY 1 DESC LIMIT 3',
  'SELECT id FROM t WHERE s = L',
  'SELECT id FROM t WHERE b = L',
  'SELECT id, n / L FROM t WHERE id < L',
  'SELECT id FROM t WHERE n / L > 1',
  'SELECT id FROM t WHERE (n = L) = (s = L)',
  'SELECT id FROM t WHERE at = L',
  'SELECT id FROM t WHERE NOT (id > L) AND at < NOW()',
  'UPDATE t SET n = n + L WHERE id = L',
  'UPDATE t SET s = L WHERE id = L',
  'DELETE FROM t WHERE id = L',
  'INSERT INTO t (id, n, s, d) VALUES (L, L, L, L)',
];

function statement(prng: Prng): string {
  const template = TEMPLATES[prng.int(TEMPLATES.length)] as string;
  return template.replace(/\bL\b/g, () => LITERALS[prng.int(LITERALS.length)] as string);
}

type Outcome =
  | { readonly kind: 'rows'; readonly columns: unknown; readonly rows: unknown }
  | { readonly kind: 'ok'; readonly result: unknown }
  | { readonly kind: 'error'; readonly errno: number; readonly message: string };

async function outcome(session: Session, sql: string): Promise<[Outcome, unknown]> {
  let result: Outcome;
  try {
    const r: Result = await session.execute(sql);
    result =
      r.kind === 'rows'
        ? { kind: 'rows', columns: r.columns, rows: await rowsOf(r) }
        : { kind: 'ok', result: r };
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
    result = { kind: 'error', errno: e.errno, message: e.message };
  }
  const warnings = await rowsOf(await session.execute('SHOW WARNINGS'));
  return [result, warnings];
}

const NAMES = ['apple', 'pear', 'a%b', 'é', '5'];

async function loaded(planCacheEntries: number): Promise<Session> {
  const clock = { now: () => 0, wallNow: () => Date.UTC(2024, 5, 1) };
  const s = openSession(await memoryEngine({ planCacheEntries, clock }));
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(
    s,
    'CREATE TABLE t (id BIGINT PRIMARY KEY, n INT, s VARCHAR(20), d DECIMAL(8,2), ' +
      'at DATETIME, b VARBINARY(10))',
  );
  for (let i = 1; i <= 30; i++) {
    await ok(
      s,
      `INSERT INTO t VALUES (${i}, ${(i * 7) % 13}, '${NAMES[i % NAMES.length]}', ` +
        `${i}.${i % 4}5, '2024-01-0${(i % 9) + 1} 03:04:05', '${i % 3}')`,
    );
  }
  return s;
}

describe('plan cache (PC1)', () => {
  it('gives the same outcome as parsing afresh, over random literal variants', async () => {
    const prng = Prng.fromEnv(4242);
    const cached = await loaded(1_000);
    const fresh = await loaded(0);
    for (let i = 0; i < 400; i++) {
      const sql = statement(prng);
      const [a, b] = [await outcome(cached, sql), await outcome(fresh, sql)];
      expect({ seed: prng.seed, sql, outcome: a }).toEqual({ seed: prng.seed, sql, outcome: b });
    }
  });
});
