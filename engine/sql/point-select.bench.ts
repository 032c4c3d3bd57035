/**
 * A prepared point SELECT by primary key (the point-select path, point-select.ts) against the
 * same one row read through the general query path (`id BETWEEN ? AND ?`, the chain of row-batch
 * generators in query-run.ts). Run: npx vitest bench engine/sql/point-select.bench.ts
 */
import { bench, describe } from 'vitest';
import type { PreparedStatement } from '../api.js';
import { memoryEngine, ok, openSession, rowsOf } from '../testing/sessions.js';

const ROWS = 10_000;

const s = openSession(await memoryEngine());
await ok(s, 'CREATE DATABASE sbtest');
await ok(s, 'USE sbtest');
await ok(s, 'CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120), pad CHAR(60))');
for (let i = 1; i <= ROWS; i += 500) {
  const values = [];
  for (let j = i; j < i + 500; j++) values.push(`(${j}, ${j % 97}, '${'c'.repeat(119)}', 'p')`);
  await ok(s, `INSERT INTO sbtest1 VALUES ${values.join(',')}`);
}
const point: PreparedStatement = await s.prepare('SELECT c FROM sbtest1 WHERE id=?');
const range: PreparedStatement = await s.prepare('SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?');
let id = 0;
const next = (): bigint => BigInt((id = (id % ROWS) + 1));

describe('one row by primary key, prepared', () => {
  bench('point-select path (id = ?)', async () => {
    await rowsOf(await point.execute([next()]));
  });
  bench('general query path (id BETWEEN ? AND ?, one row)', async () => {
    const at = next();
    await rowsOf(await range.execute([at, at]));
  });
});
