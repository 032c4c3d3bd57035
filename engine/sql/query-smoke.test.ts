import { it } from 'vitest';
import { memoryEngine, openSession, query } from '../testing/sessions.js';
it('smoke', async () => {
  const s = openSession(await memoryEngine());
  for (const sql of ['CREATE DATABASE d', 'USE d', 'CREATE TABLE a (id INT PRIMARY KEY, v INT)', 'CREATE TABLE b (id INT PRIMARY KEY, a_id INT, w INT)']) await s.execute(sql);
  for (const sql of (process.env.Q ?? '').split(';;')) {
    try { console.log(sql, JSON.stringify(await query(s, sql), (_k, v) => typeof v === 'bigint' ? Number(v) : v)); }
    catch (e) { console.log(sql, 'ERR', e); }
  }
});
