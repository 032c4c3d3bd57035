/**
 * mysql2's execute() over a real socket sends every JS number as a DOUBLE parameter: `WHERE id = ?`
 * on an INT primary key must still read the primary key (engine/sql/key-bounds.ts KB1), not scan
 * the table, and answer exactly as MySQL compares an INT with a DOUBLE (5 = 5.0, 5 <> 5.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { type RunningServer, createRootLogger, startServer } from './main.js';

const ROWS = 20_000;
const BATCH = 2_000;

const cleanups: (() => Promise<void> | void)[] = [];
let conn: Connection;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'borealis-numeric-keys-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const log = createRootLogger({ logLevel: 'silent' });
  const server: RunningServer = await startServer(
    { ...DEFAULT_CONFIG, port: 0, dataDir, logLevel: 'silent' },
    log,
  );
  cleanups.push(() => server.close());
  conn = await mysql.createConnection({
    host: '127.0.0.1', port: server.port, user: 'root',
  });
  cleanups.push(() => conn.end());
  await conn.query('CREATE DATABASE n');
  await conn.query('USE n');
  await conn.query('CREATE TABLE t (id INT PRIMARY KEY, c INT NOT NULL, KEY (c))');
  for (let from = 1; from <= ROWS; from += BATCH) {
    const values = Array.from({ length: BATCH }, (_, i) => `(${from + i}, ${(from + i) % 100})`);
    await conn.query(`INSERT INTO t VALUES ${values.join(', ')}`);
  }
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function ids(sql: string, params: (string | number | null)[]): Promise<number[]> {
  const [rows] = await conn.execute<RowDataPacket[]>(sql, params);
  return rows.map((r) => Number(r.id));
}

/** EXPLAIN of the statement, prepared and executed with the same (DOUBLE) parameters. */
async function explain(sql: string, params: (string | number | null)[]): Promise<RowDataPacket> {
  const [rows] = await conn.execute<RowDataPacket[]>(`EXPLAIN ${sql}`, params);
  expect(rows).toHaveLength(1);
  return rows[0] as RowDataPacket;
}

describe('execute() with number parameters on an INT key', () => {
  it('answers point selects by the primary key, with DOUBLE comparison semantics', async () => {
    expect(await ids('SELECT id FROM t WHERE id = ?', [5])).toEqual([5]);
    expect(await ids('SELECT id FROM t WHERE id = ?', [19_999])).toEqual([19_999]);
    expect(await ids('SELECT id FROM t WHERE id = ?', [5.5])).toEqual([]);
    expect(await ids('SELECT id FROM t WHERE id = ?', [5.000001])).toEqual([]);
    expect(await ids('SELECT id FROM t WHERE id = ?', [null])).toEqual([]);
    expect(await ids('SELECT id FROM t WHERE id = ?', ['7'])).toEqual([7]);
    expect(await ids('SELECT id FROM t WHERE id = ?', [-1])).toEqual([]);
    expect(await ids('SELECT id FROM t WHERE id = ?', [1e10])).toEqual([]);
    expect(await ids('SELECT id FROM t WHERE id < ? ORDER BY id', [3.5])).toEqual([1, 2, 3]);
    expect(await ids('SELECT id FROM t WHERE id > ? ORDER BY id', [19_998.5])).toEqual([
      19_999, 20_000,
    ]);
    expect(await ids('SELECT id FROM t WHERE id BETWEEN ? AND ? ORDER BY id', [2, 4.9])).toEqual([
      2, 3, 4,
    ]);
    expect(await ids('SELECT id FROM t WHERE id IN (?, ?, ?) ORDER BY id', [1, 2.5, 3])).toEqual([
      1, 3,
    ]);
    expect(await ids('SELECT id FROM t WHERE c = ? AND id < ? ORDER BY id', [7, 300])).toEqual([
      7, 107, 207,
    ]);
  });

  it('plans PRIMARY for = ? and ranges, and the secondary index for its column', async () => {
    const point = await explain('SELECT c FROM t WHERE id = ?', [5]);
    expect([point.type, point.key, Number(point.rows)]).toEqual(['const', 'PRIMARY', 1]);
    const range = await explain('SELECT c FROM t WHERE id BETWEEN ? AND ?', [2, 4.9]);
    expect([range.type, range.key]).toEqual(['range', 'PRIMARY']);
    const inList = await explain('SELECT c FROM t WHERE id IN (?, ?)', [1, 2.5]);
    expect([inList.type, inList.key]).toEqual(['range', 'PRIMARY']);
    const secondary = await explain('SELECT id FROM t WHERE c = ?', [7]);
    expect([secondary.type, secondary.key]).toEqual(['ref', 'c']);
  });

  it('answers repeated point selects (one cached plan per parameter types)', async () => {
    const [scan] = await conn.execute<RowDataPacket[]>('EXPLAIN SELECT c FROM t WHERE c + 0 = ?', [
      5,
    ]);
    expect((scan[0] as RowDataPacket).type).toBe('ALL');
    for (let i = 0; i < 200; i++) {
      const id = 1 + ((i * 97) % ROWS);
      const [rows] = await conn.execute<RowDataPacket[]>('SELECT c FROM t WHERE id = ?', [id]);
      expect(rows).toEqual([{ c: id % 100 }]);
    }
  });
});
