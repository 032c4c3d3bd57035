/**
 * A point SELECT by primary key through Session.execute, with the text plan cache and without it
 * (every statement parsed by node-sql-parser and planned afresh). Run: npx vitest bench engine/sql.
 */
import { bench, describe } from 'vitest';
import type { Session } from '../api.js';
import { memoryEngine, ok, openSession, rowsOf } from '../testing/sessions.js';

const ROWS = 10_000;

async function loaded(planCacheEntries: number): Promise<Session> {
  const s = openSession(await memoryEngine({ planCacheEntries }));
  await ok(s, 'CREATE DATABASE sbtest');
  await ok(s, 'USE sbtest');
  await ok(
    s,
    'CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120), pad CHAR(60))',
  );
  const c = 'c'.repeat(119);
  const pad = 'p'.repeat(59);
  for (let i = 1; i <= ROWS; i += 500) {
    const values = [];
    for (let j = i; j < i + 500; j++) values.push(`(${j}, ${j % 97}, '${c}', '${pad}')`);
    await ok(s, `INSERT INTO sbtest1 VALUES ${values.join(',')}`);
  }
  return s;
}

const withCache = await loaded(1_000);
const withoutCache = await loaded(0);
let id = 0;
const next = (): number => (id = (id % ROWS) + 1);

describe('point select by primary key through Session.execute', () => {
  bench('plan cache on', async () => {
    await rowsOf(await withCache.execute(`SELECT c FROM sbtest1 WHERE id=${next()}`));
  });
  bench('plan cache off', async () => {
    await rowsOf(await withoutCache.execute(`SELECT c FROM sbtest1 WHERE id=${next()}`));
  });
});
