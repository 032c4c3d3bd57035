/**
 * R7 (view.ts): an index read whose columns the entries hold (none: COUNT(*); columns of the
 * index and the primary key whose keys read back) reads them from the entries without fetching
 * a row; with writes of the transaction's own, the entries of the rows it changed go through
 * those rows (R6): an entry the change left behind in the snapshot is not counted.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { PageId, StorageClient } from '../../storage/index.js';
import type { Snapshot } from '../btree/api.js';
import type { Engine, Session } from '../api.js';
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

/** An engine over CountingTrees, and a session in a fresh database `d`. */
async function countingEngine(): Promise<{ trees: CountingTrees; engine: Engine; s: Session }> {
  const trees = new CountingTrees();
  const engine = await createEngine({
    storage: {} as StorageClient,
    log: pino({ level: 'silent' }),
    trees,
  });
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  return { trees, engine, s };
}

describe('COUNT(*) over an index range (R7)', () => {
  it('counts entries without fetching rows, and through the rows after own writes', async () => {
    const { trees, engine, s } = await countingEngine();
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, k INT, KEY k_1 (k))');
    const values = Array.from({ length: 600 }, (_, id) => `(${id}, ${id % 100})`);
    await ok(s, `INSERT INTO t VALUES ${values.join(',')}`);
    const count = 'SELECT COUNT(*) FROM t WHERE k BETWEEN 10 AND 29';
    trees.pointReads = 0;
    expect(await query(s, count)).toEqual([[120n]]);
    expect(trees.pointReads).toBe(0);
    // A column the entries hold (id, k) is read from them too.
    expect(await query(s, 'SELECT COUNT(id), SUM(k) FROM t WHERE k BETWEEN 10 AND 29')).toEqual([
      [120n, '2340'],
    ]);
    expect(trees.pointReads).toBe(0);
    // A write of the transaction's own: the entry its change left behind in the snapshot is
    // checked against the row, which the write set holds (R6), and not counted.
    await ok(s, 'BEGIN');
    await ok(s, 'UPDATE t SET k = 500 WHERE id = 15'); // leaves k_1's (15, 15) in the snapshot
    trees.pointReads = 0;
    expect(await query(s, count)).toEqual([[119n]]);
    expect(trees.pointReads).toBe(0);
    await ok(s, 'ROLLBACK');
    expect(await query(s, count)).toEqual([[120n]]);
    await engine.close();
  });

  it('reads the columns of the index and the primary key from the entries', async () => {
    const { trees, engine, s } = await countingEngine();
    // Every integer width and sign, a nullable part, a string part before an integer part,
    // a two-column primary key; then DECIMAL, the temporal types, ENUM and binary strings.
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
    await ok(s, 'CREATE TABLE e (id INT PRIMARY KEY, d DECIMAL(12,3), dt DATETIME(6), da DATE, ' +
      "ti TIME(3), ts TIMESTAMP NULL, en ENUM('x','y','z'), pad CHAR(10), " +
      'KEY kd (d, dt, da, ti, ts, en))');
    const others = Array.from({ length: 200 }, (_, i) => {
      const ts = i % 5 === 0 ? 'NULL' : `'2021-03-0${1 + (i % 9)} 0${i % 10}:00:00'`;
      return `(${i}, ${(i - 100) * 12.345}, '20${10 + (i % 80)}-0${1 + (i % 9)}-1${i % 10} ` +
        `0${i % 10}:1${i % 6}:22.${String(i).padStart(6, '0')}', ` +
        `'19${50 + (i % 40)}-12-3${i % 2}', ` +
        `'${i % 2 === 0 ? '-' : ''}${i}:0${i % 10}:59.${i % 1000}', ${ts}, ` +
        `'${'xyz'[i % 3]}', 'p')`;
    });
    await ok(s, `INSERT INTO e VALUES ${others.join(',')}`);
    // Binary strings: their keys are their bytes (0x00 escaped), so they read back too.
    await ok(s, 'CREATE TABLE bin (id INT PRIMARY KEY, vb VARBINARY(16), fb BINARY(4), ' +
      'pad CHAR(10), KEY kb (vb, fb))');
    const blobs = Array.from({ length: 60 }, (_, i) => {
      const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
      const vb = i % 10 === 0 ? "''" : `X'${hex(i)}00${hex(255 - i)}${i % 3 === 0 ? '0000' : ''}'`;
      return `(${i}, ${i % 7 === 0 ? 'NULL' : vb}, X'${hex(i * 7)}00', 'p')`;
    });
    await ok(s, `INSERT INTO bin VALUES ${blobs.join(',')}`);
    reads.push(
      ['SELECT id, vb, fb FROM bin WHERE vb >= X\'00\' ORDER BY id', 'kb'],
      ['SELECT id, d, dt, da, ti, ts, en FROM e WHERE d BETWEEN -500 AND 600 ORDER BY id', 'kd'],
      ['SELECT en, COUNT(*), MAX(ts), MIN(ti) FROM e WHERE d > 0 GROUP BY en ORDER BY en', 'kd'],
    );
    for (const [sql, index] of reads) {
      trees.pointReads = 0;
      const hinted = sql.replace(/FROM (\w+)/, `FROM $1 FORCE INDEX (${index})`);
      const covered = await query(s, hinted);
      expect(trees.pointReads, sql).toBe(0);
      // The same read through the rows (a column no entry holds), for the expected answer.
      const aggregated = sql.includes('SUM') || sql.includes('COUNT');
      const through = await query(s, hinted
        .replace('SELECT ', aggregated ? 'SELECT MIN(pad), ' : 'SELECT pad, '));
      expect(trees.pointReads, sql).toBeGreaterThan(0);
      expect(covered.length, sql).toBeGreaterThan(0);
      expect(covered, sql).toEqual(through.map((r) => r.slice(1)));
    }
    // Writes of the transaction's own: only the entries of the rows it changed are read
    // through their rows (R6); the answer is the rows' as the transaction sees them.
    await ok(s, 'BEGIN');
    await ok(s, 'UPDATE t SET k = k + 1 WHERE a BETWEEN -400 AND -300');
    await ok(s, 'DELETE FROM t WHERE a BETWEEN 0 AND 60');
    await ok(s, "INSERT INTO t VALUES (5000, 1, 7, 'new', 3, 9, 'p'), " +
      "(5001, 2, NULL, 'n', -3, 8, 'p')");
    const own = 'SELECT a, b, k, c FROM t FORCE INDEX (kn) WHERE k BETWEEN -10 AND 10 ORDER BY a';
    trees.pointReads = 0;
    const covered = await query(s, own);
    expect(trees.pointReads).toBe(0);
    const through = await query(s, own.replace('SELECT ', 'SELECT pad, '));
    expect(trees.pointReads).toBeGreaterThan(0);
    expect(covered).toEqual(through.map((r) => r.slice(1)));
    expect(covered.some((r) => r[0] === 5000n)).toBe(true);
    expect(covered.some((r) => r[0] === 3n)).toBe(false);
    await ok(s, 'ROLLBACK');
    await engine.close();
  });
});
