/**
 * The plan cache: which literals normalisation lifts, and PC1 as a property — the same random
 * statements (templates × literal variants of every type) on an engine with the cache and one
 * without give the same rows, metadata, errors and warnings.
 */
import { describe, expect, it } from 'vitest';
import type { Result, Session } from '../api.js';
import { SqlError } from '../errors.js';
import { Prng } from '../testing/prng.js';
import { memoryEngine, ok, openSession, rowsOf } from '../testing/sessions.js';
import { PlanCache, normalise } from './plan-cache.js';

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
});

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
