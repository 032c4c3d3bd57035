/**
 * sysbench oltp_read_only's range queries through Session.execute on a 10,000-row table, each
 * over 100 consecutive ids (sysbench's range_size): the aggregate, the sorted range and the
 * DISTINCT sorted range. Run: npx vitest bench engine/sql/query.bench.ts
 */
import { bench, describe } from 'vitest';
import type { Session } from '../api.js';
import { memoryEngine, ok, openSession, rowsOf } from '../testing/sessions.js';

const ROWS = 10_000;
const RANGE = 100;

async function loaded(): Promise<Session> {
  const s = openSession(await memoryEngine());
  await ok(s, 'CREATE DATABASE sbtest');
  await ok(s, 'USE sbtest');
  await ok(
    s,
    'CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120), pad CHAR(60))',
  );
  const pad = 'p'.repeat(59);
  for (let i = 1; i <= ROWS; i += 500) {
    const values = [];
    for (let j = i; j < i + 500; j++) {
      // sysbench's c: groups of digits; some repeat so DISTINCT has work to do.
      const c = `${String((j * 7919) % 3001).padStart(11, '0')}-`.repeat(10).slice(0, 119);
      values.push(`(${j}, ${(j * 31) % 997}, '${c}', '${pad}')`);
    }
    await ok(s, `INSERT INTO sbtest1 VALUES ${values.join(',')}`);
  }
  return s;
}

const s = await loaded();
let at = 0;
const range = (): [number, number] => {
  at = (at + 37) % (ROWS - RANGE);
  return [at + 1, at + RANGE];
};

describe('sysbench oltp_read_only range queries (100 rows of 10,000)', () => {
  bench('SELECT SUM(k) … WHERE id BETWEEN', async () => {
    const [a, b] = range();
    await rowsOf(await s.execute(`SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ${a} AND ${b}`));
  });
  bench('SELECT c … WHERE id BETWEEN … ORDER BY c', async () => {
    const [a, b] = range();
    await rowsOf(
      await s.execute(`SELECT c FROM sbtest1 WHERE id BETWEEN ${a} AND ${b} ORDER BY c`),
    );
  });
  bench('SELECT DISTINCT c … WHERE id BETWEEN … ORDER BY c', async () => {
    const [a, b] = range();
    await rowsOf(
      await s.execute(`SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ${a} AND ${b} ORDER BY c`),
    );
  });
  bench('SELECT c … WHERE id = (point select, for scale)', async () => {
    const [a] = range();
    await rowsOf(await s.execute(`SELECT c FROM sbtest1 WHERE id = ${a}`));
  });
});
