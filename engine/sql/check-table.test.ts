/**
 * CHECK TABLE (check-table.ts): MySQL's result set, a clean verdict for tables every kind of
 * change went through, Corrupt for an index that lost an entry, and the implicit commit.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { pageId, type StorageClient } from '../../storage/index.js';
import type { Engine, Session } from '../api.js';
import { MemoryStorage, MemoryStorageClient } from '../btree/testing.js';
import { createEngine } from '../engine.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { failure, ok, openSession, query } from '../testing/sessions.js';

const log = pino({ level: 'silent' });

const backends: { name: string; start: (trees?: MemoryTrees) => Promise<Engine> }[] = [
  {
    name: 'MemoryTrees',
    start: (trees = new MemoryTrees()) =>
      createEngine({ storage: {} as StorageClient, log, trees }),
  },
  {
    name: 'openTrees',
    start: () =>
      createEngine({
        storage: new MemoryStorageClient(new MemoryStorage()),
        log,
        bufferPoolPages: 64,
      }),
  },
];

/** A table with two secondary indexes after inserts (page splits), deletes and updates. */
async function changed(engine: Engine): Promise<Session> {
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(
    s,
    'CREATE TABLE t (id INT PRIMARY KEY, k INT, c VARCHAR(200), KEY k_1 (k), KEY c_1 (c))',
  );
  await ok(s, 'CREATE VIEW v AS SELECT id FROM t');
  for (let i = 0; i < 20; i++) {
    const values = [];
    for (let j = 0; j < 100; j++) {
      const id = i * 100 + j;
      values.push(`(${id}, ${id % 97}, '${'x'.repeat(100)}${id}')`);
    }
    await ok(s, `INSERT INTO t VALUES ${values.join(',')}`);
  }
  await ok(s, 'DELETE FROM t WHERE id % 7 = 0');
  await ok(s, 'UPDATE t SET k = k + 1000, c = CONCAT(c, "y") WHERE id % 5 = 0');
  return s;
}

describe.each(backends)('CHECK TABLE over $name', (backend) => {
  it('answers OK for tables every change went through, and MySQL rows for the rest', async () => {
    const engine = await backend.start();
    const s = await changed(engine);
    expect(await query(s, 'CHECK TABLE t')).toEqual([['d.t', 'check', 'status', 'OK']]);
    expect(
      await query(s, 'CHECK TABLES t, d.v, nope, information_schema.TABLES QUICK EXTENDED'),
    ).toEqual([
      ['d.t', 'check', 'status', 'OK'],
      ['d.v', 'check', 'status', 'OK'],
      ['d.nope', 'check', 'Error', "Table 'd.nope' doesn't exist"],
      ['d.nope', 'check', 'status', 'Operation failed'],
      ['information_schema.TABLES', 'check', 'note',
        "The storage engine for the table doesn't support check"],
    ]);
    expect(await query(s, 'CHECK TABLE t FOR UPGRADE')).toEqual([['d.t', 'check', 'status', 'OK']]);
    expect((await failure(s, 'CHECK TABLE t FOR')).errno).toBe(1064);
    expect((await failure(s, 'CHECK TABLE t UPGRADE')).errno).toBe(1064);
    expect((await failure(s, 'CHECK TABLE')).errno).toBe(1064);
    await engine.close();
  });

  it('checks only the tables LOCK TABLES holds while in force (1100), and keeps them', async () => {
    const engine = await backend.start();
    const s = await changed(engine);
    await ok(s, 'CREATE TABLE u (a INT PRIMARY KEY)');
    await ok(s, 'LOCK TABLES t READ');
    expect(await query(s, 'CHECK TABLE t')).toEqual([['d.t', 'check', 'status', 'OK']]);
    expect((await failure(s, 'CHECK TABLE u')).errno).toBe(1100);
    expect((await failure(s, 'ANALYZE TABLE u')).errno).toBe(1100);
    expect((await failure(s, 'SELECT * FROM u')).errno).toBe(1100); // still locked
    await ok(s, 'UNLOCK TABLES');
    expect(await query(s, 'CHECK TABLE u')).toEqual([['d.u', 'check', 'status', 'OK']]);
    await engine.close();
  });

  it('commits an open transaction first, as MySQL does', async () => {
    const engine = await backend.start();
    const s = await changed(engine);
    await ok(s, 'BEGIN');
    await ok(s, "INSERT INTO t VALUES (100000, 1, 'new')");
    expect(await query(s, 'CHECK TABLE t')).toEqual([['d.t', 'check', 'status', 'OK']]);
    await ok(s, 'ROLLBACK');
    expect(await query(s, 'SELECT COUNT(*) FROM t WHERE id = 100000')).toEqual([[1n]]);
    await engine.close();
  });
});

describe('CHECK TABLE finds', () => {
  it('an index that lost an entry', async () => {
    const trees = new MemoryTrees();
    const engine = await backends[0]!.start(trees);
    const s = await changed(engine);
    const rows = Number((await query(s, 'SELECT COUNT(*) FROM t'))[0]![0]);
    // k_1's tree: one entry per row, keys longer than the primary key's (k, then id).
    let index: { root: number; key: Buffer } | undefined;
    for (let n = 0; n < 1_000; n++) {
      const entries = trees.entries(pageId(n));
      if (entries?.length !== rows) continue;
      const first = entries[0]!;
      if (first.key.length > 5 && (index === undefined || first.key.length < index.key.length)) {
        index = { root: n, key: first.key };
      }
    }
    expect(index).toBeDefined();
    const mtr = trees.beginNow();
    expect(await trees.delete(mtr, pageId(index!.root), index!.key)).toBe(true);
    await trees.commit(mtr);
    const out = await query(s, 'CHECK TABLE t');
    expect(out.at(-1)).toEqual(['d.t', 'check', 'error', 'Corrupt']);
    expect(String(out[0]![3])).toMatch(
      new RegExp(`Index '[kc]_1' contains ${rows - 1} entries, should be ${rows}\\.`),
    );
    await engine.close();
  });
});
