import { it } from 'vitest';
import { memoryEngine, ok, openSession, query, rowsOf } from '../testing/sessions.js';

it('probe', async () => {
  const s = openSession(await memoryEngine());
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, c INT)');
  await ok(s, 'INSERT INTO t VALUES (1,1),(5,5),(7,7)');
  for (const sql of ['EXPLAIN SELECT c FROM t WHERE id = 5.0', 'EXPLAIN SELECT c FROM t WHERE id = 5e0',
    "EXPLAIN SELECT c FROM t WHERE id = '7'", 'EXPLAIN SELECT c FROM t WHERE id < 5.5']) {
    console.log(sql, JSON.stringify(await query(s, sql), (_k, v) => typeof v === 'bigint' ? String(v) : v));
  }
  const st = await s.prepare('EXPLAIN SELECT c FROM t WHERE id = ?');
  console.log(JSON.stringify(await rowsOf(await st.execute([5])), (_k, v) => typeof v === 'bigint' ? String(v) : v));
  const st2 = await s.prepare('SELECT c FROM t WHERE id = ?');
  console.log(JSON.stringify(await rowsOf(await st2.execute([5])), (_k, v) => typeof v === 'bigint' ? String(v) : v));
});
