/**
 * R7 (view.ts): COUNT(*) over a secondary-index range counts the index's entries without
 * fetching a row when the transaction has written nothing, and reads through the rows (R6)
 * when it has: an entry the transaction's own change left behind in the snapshot is not counted.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { PageId, StorageClient } from '../../storage/index.js';
import type { Snapshot } from '../btree/api.js';
import { createEngine } from '../engine.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { ok, openSession, query } from '../testing/sessions.js';

/** MemoryTrees that counts point reads (a row fetched through an index entry is one). */
class CountingTrees extends MemoryTrees {
  pointReads = 0;
  override get(root: PageId, key: Buffer, at?: Snapshot): Promise<Buffer | undefined> {
    this.pointReads++;
    return super.get(root, key, at);
  }
  override getCached(root: PageId, key: Buffer, at: Snapshot): Buffer | null {
    this.pointReads++;
    return super.getCached(root, key, at);
  }
}

describe('COUNT(*) over an index range (R7)', () => {
  it('counts entries without fetching rows, and through the rows after own writes', async () => {
    const trees = new CountingTrees();
    const engine = await createEngine({
      storage: {} as StorageClient,
      log: pino({ level: 'silent' }),
      trees,
    });
    const s = openSession(engine);
    await ok(s, 'CREATE DATABASE d');
    await ok(s, 'USE d');
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, k INT, KEY k_1 (k))');
    const values = Array.from({ length: 600 }, (_, id) => `(${id}, ${id % 100})`);
    await ok(s, `INSERT INTO t VALUES ${values.join(',')}`);
    const count = 'SELECT COUNT(*) FROM t WHERE k BETWEEN 10 AND 29';
    trees.pointReads = 0;
    expect(await query(s, count)).toEqual([[120n]]);
    expect(trees.pointReads).toBe(0);
    // A column of the row, or a write of the transaction's own: the rows are read (R6).
    expect(await query(s, 'SELECT COUNT(id), SUM(k) FROM t WHERE k BETWEEN 10 AND 29')).toEqual([
      [120n, '2340'],
    ]);
    await ok(s, 'BEGIN');
    await ok(s, 'UPDATE t SET k = 500 WHERE id = 15'); // leaves k_1's (15, 15) in the snapshot
    trees.pointReads = 0;
    expect(await query(s, count)).toEqual([[119n]]);
    expect(trees.pointReads).toBeGreaterThan(0);
    await ok(s, 'ROLLBACK');
    expect(await query(s, count)).toEqual([[120n]]);
    await engine.close();
  });
});
