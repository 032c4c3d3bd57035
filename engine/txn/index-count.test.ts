/**
 * R7 (view.ts): an index read whose columns the entries hold (none: COUNT(*); integer columns
 * of the index and the primary key) reads them from the entries without fetching a row when
 * the transaction has written nothing, and reads through the rows (R6) when it has: an entry
 * the transaction's own change left behind in the snapshot is not counted.
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

  it('reads integer columns of the index and the primary key from the entries', async () => {
    const trees = new CountingTrees();
    const engine = await createEngine({
      storage: {} as StorageClient,
      log: pino({ level: 'silent' }),
      trees,
    });
    const s = openSession(engine);
    await ok(s, 'CREATE DATABASE d');
    await ok(s, 'USE d');
    // Every integer width and sign, a nullable part, a string part before an integer part,
    // and a two-column primary key.
    await ok(s, 'CREATE TABLE t (a BIGINT, b SMALLINT UNSIGNED, c MEDIUMINT, name VARCHAR(20), ' +
      'k TINYINT, big BIGINT UNSIGNED, pad CHAR(10), PRIMARY KEY (a, b), ' +
      'KEY kn (k, name, c), KEY kb (big))');
    const rows = Array.from({ length: 300 }, (_, i) => {
      const k = i % 7 === 0 ? 'NULL' : String((i % 50) - 25);
      const c = i % 11 === 0 ? 'NULL' : String(i * 1000 - 150000);
      return `(${i * 3 - 400}, ${i % 4 === 0 ? 65535 : i}, ${c}, 'n${i % 9}', ${k}, ` +
        `${2n ** 64n - 1n - BigInt(i)}, 'p')`;
    });
    await ok(s, `INSERT INTO t VALUES ${rows.join(',')}`);
    const reads: [string, string][] = [
      ['SELECT a, b, k, c FROM t WHERE k BETWEEN -10 AND 10 ORDER BY a, b', 'kn'],
      ['SELECT k, c, a FROM t WHERE k = -3 ORDER BY a', 'kn'],
      ['SELECT a, big FROM t WHERE big > 18446744073709551500 ORDER BY big', 'kb'],
      ['SELECT SUM(c), MIN(a), MAX(b), COUNT(k) FROM t WHERE k < 0', 'kn'],
    ];
    for (const [sql, index] of reads) {
      trees.pointReads = 0;
      const covered = await query(s, sql.replace('FROM t', `FROM t FORCE INDEX (${index})`));
      expect(trees.pointReads, sql).toBe(0);
      // The same read through the rows (a column no entry holds), for the expected answer.
      const through = await query(s, sql.replace('FROM t', `FROM t FORCE INDEX (${index})`)
        .replace('SELECT ', sql.includes('SUM') ? 'SELECT MIN(pad), ' : 'SELECT pad, '));
      expect(trees.pointReads, sql).toBeGreaterThan(0);
      expect(covered.length, sql).toBeGreaterThan(0);
      expect(covered, sql).toEqual(through.map((r) => r.slice(1)));
    }
    await engine.close();
  });
});

