/**
 * ORDER BY and DISTINCT … ORDER BY on collated strings (query-run.ts sorts by collation sort
 * prefixes, collation.ts K2): the same order and the same duplicates as compare() gives, ties
 * kept in input order, NULLs first, DESC reversed, for strings longer than a prefix that share
 * long beginnings. Also the range reads that decode rows in place (txn/view.ts snapshotRows)
 * against a transaction's own changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../api.js';
import { memoryEngine, openSession, query } from '../testing/sessions.js';
import { Prng } from '../testing/prng.js';
import { collation } from './collation.js';

let s: Session;
const ai = collation('utf8mb4_0900_ai_ci');
const words: (string | null)[] = [];

beforeAll(async () => {
  s = openSession(await memoryEngine());
  for (const sql of [
    'CREATE DATABASE qs',
    'USE qs',
    'CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(60), k INT NOT NULL)',
  ]) {
    await s.execute(sql);
  }
  const random = Prng.fromEnv(11);
  const letters = ['a', 'A', 'á', 'b', 'ß', 's', 'S', 'æ', ' ', '-', '1', 'é', 'ẞ', '😀'];
  const stems = ['', 'common-prefix-of-twenty', 'COMMON-PREFIX-OF-TWENTY', 'straße', 'STRASSE'];
  for (let id = 1; id <= 300; id++) {
    let w: string | null = random.pick(stems);
    const n = random.int(5);
    for (let i = 0; i < n; i++) w += random.pick(letters);
    if (random.int(15) === 0) w = null;
    if (random.int(10) === 0) w = `${w ?? ''} `; // trailing space: NO PAD, a different string
    words.push(w);
  }
  const values = words.map((w, i) => `(${i + 1}, ${w === null ? 'NULL' : `'${w}'`}, ${i % 7})`);
  await s.execute(`INSERT INTO t VALUES ${values.join(', ')}`);
});

/** The rows' c in the order MySQL gives: compare(), NULLs first, ties in id order. */
function expected(ids: number[], descending: boolean, tiesDescending = false): (string | null)[] {
  const order = [...ids].sort((x, y) => {
    const a = words[x - 1] as string | null;
    const b = words[y - 1] as string | null;
    const c = a === null || b === null ? (a === b ? 0 : a === null ? -1 : 1) : ai.compare(a, b);
    return c !== 0 ? (descending ? -c : c) : tiesDescending ? y - x : x - y;
  });
  return order.map((id) => words[id - 1] as string | null);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ORDER BY a collated string', () => {
  it('orders as compare() does, ties in read order', async () => {
    const got = await query(s, 'SELECT c FROM t WHERE id BETWEEN 1 AND 300 ORDER BY c');
    expect(got.map((r) => r[0])).toEqual(expected(range(1, 300), false));
  });

  it('orders DESC, with a second key breaking ties', async () => {
    const got = await query(s, 'SELECT c, id FROM t ORDER BY c DESC, id DESC');
    const want = expected(range(1, 300), true, true);
    expect(got.map((r) => r[0])).toEqual(want);
    for (let i = 1; i < got.length; i++) {
      const [a, x] = got[i - 1] as [string | null, bigint];
      const [b, y] = got[i] as [string | null, bigint];
      if (a !== null && b !== null && ai.compare(a, b) === 0) expect(x > y).toBe(true);
    }
  });

  it('keeps one row per collation-equal value for DISTINCT … ORDER BY', async () => {
    const got = (await query(s, 'SELECT DISTINCT c FROM t ORDER BY c')).map((r) => r[0]);
    const all = expected(range(1, 300), false);
    const want = all.filter((w, i) => {
      if (i === 0) return true;
      const p = all[i - 1] as string | null;
      if (w === null || p === null) return w !== p;
      return ai.compare(p, w) !== 0;
    });
    expect(got).toEqual(want);
  });
});

describe('range reads in place', () => {
  it('sees a transaction’s own changes in the range, and not once it rolls back', async () => {
    await s.execute('BEGIN');
    await s.execute("UPDATE t SET c = 'changed' WHERE id = 5");
    await s.execute('DELETE FROM t WHERE id = 6');
    await s.execute("INSERT INTO t VALUES (1000, 'new', 1)");
    const inside = await query(s, 'SELECT id, c FROM t WHERE id BETWEEN 4 AND 1000');
    expect(inside.slice(0, 3).map((r) => [Number(r[0]), r[1]])).toEqual([
      [4, words[3]],
      [5, 'changed'],
      [7, words[6]],
    ]);
    expect(inside.at(-1)?.map(String)).toEqual(['1000', 'new']);
    await s.execute('ROLLBACK');
    const after = await query(s, 'SELECT id, c FROM t WHERE id BETWEEN 4 AND 7 ORDER BY id DESC');
    expect(after.map((r) => [Number(r[0]), r[1]])).toEqual(
      [7, 6, 5, 4].map((id) => [id, words[id - 1]]),
    );
  });

  it('sums an INT column over a range', async () => {
    const [[sum]] = (await query(s, 'SELECT SUM(k) FROM t WHERE id BETWEEN 10 AND 109')) as [
      [unknown],
    ];
    let want = 0;
    for (let id = 10; id <= 109; id++) want += (id - 1) % 7;
    expect(String(sum)).toBe(String(want));
  });
});
