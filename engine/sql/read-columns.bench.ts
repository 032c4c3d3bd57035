/**
 * sysbench oltp_read_only's four range statements over 100 rows, prepared, through the query
 * path with column masks (read-columns.ts: each reads `c` or `k`, never `pad`). Run:
 * npx vitest bench engine/sql/read-columns.bench.ts
 */
import { bench, describe } from 'vitest';
import type { PreparedStatement } from '../api.js';
import { memoryEngine, ok, openSession, rowsOf } from '../testing/sessions.js';

const ROWS = 10_000;
const C = '68487932199-96439406143-93774651418-41631865787-96406072701-20604855487-25459966574';
const PAD = '22195207048-70116052123-74140395089-76317954521-98694025897';

const s = openSession(await memoryEngine());
await ok(s, 'CREATE DATABASE sbtest');
await ok(s, 'USE sbtest');
await ok(s, 'CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120), pad CHAR(60))');
for (let i = 1; i <= ROWS; i += 500) {
  const values = [];
  for (let j = i; j < i + 500; j++) values.push(`(${j}, ${j % 97}, '${C}-${j % 89}', '${PAD}')`);
  await ok(s, `INSERT INTO sbtest1 VALUES ${values.join(',')}`);
}
const statements: [string, PreparedStatement][] = [];
for (const sql of [
  'SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?',
  'SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?',
  'SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c',
  'SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c',
]) {
  statements.push([sql, await s.prepare(sql)]);
}
let at = 0;
const next = (): bigint => BigInt((at = (at + 37) % (ROWS - 100)) + 1);

describe('a 100-row primary-key range, prepared', () => {
  for (const [sql, statement] of statements) {
    bench(sql, async () => {
      const from = next();
      await rowsOf(await statement.execute([from, from + 99n]));
    });
  }
});
