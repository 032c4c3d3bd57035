/**
 * Column types end to end through a Session: CREATE TABLE, storing with strict and non-strict
 * sql_mode, the row codec and key encoding (types as primary keys), reading back, metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

let engine: Engine;
let s: Session;

beforeAll(async () => {
  engine = await memoryEngine();
  s = openSession(engine);
  await ok(s, 'CREATE DATABASE ty');
  await ok(s, 'USE ty');
});
afterAll(async () => {
  await s.close();
  await engine.close();
});

const show = (rows: readonly (readonly unknown[])[]): string[][] =>
  rows.map((r) =>
    r.map((v) => (v === null ? 'NULL' : Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : String(v))),
  );

describe('FLOAT and DOUBLE', () => {
  it('stores, rounds FLOAT to float32, keys and orders', async () => {
    await ok(s, 'CREATE TABLE f (k DOUBLE PRIMARY KEY, f FLOAT, d DOUBLE(10,2), r REAL)');
    await ok(
      s,
      'INSERT INTO f VALUES (2.5, 3.14159265, 1.005, 1e300), (-1, 1e20, 12345678.9, -0.5)',
    );
    const rows = await query(s, 'SELECT k, f, d, r FROM f ORDER BY k');
    expect(show(rows)).toEqual([
      ['-1', String(Math.fround(1e20)), '12345678.9', '-0.5'],
      ['2.5', String(Math.fround(3.14159265)), '1', '1e+300'],
    ]);
    expect(show(await query(s, 'SELECT k FROM f WHERE k = 2.5'))).toEqual([['2.5']]);
    expect((await failure(s, 'INSERT INTO f (k, d) VALUES (9, 1e9)')).errno).toBe(1264);
  });
});

describe('temporal types', () => {
  it('DATE, TIME, YEAR, TIMESTAMP in UTC shown in time_zone', async () => {
    await ok(s, 'CREATE TABLE t (d DATE PRIMARY KEY, t TIME(2), y YEAR, ts TIMESTAMP NULL)');
    await ok(s, "SET time_zone = '+00:00'");
    await ok(s, "INSERT INTO t VALUES ('2020-02-29', '-12:30:01.257', 69, '2021-06-01 10:00:00')");
    await ok(s, "INSERT INTO t VALUES (20200301, 101112, '1999', NULL)");
    expect(show(await query(s, 'SELECT d, t, y, ts FROM t ORDER BY d'))).toEqual([
      ['2020-02-29', '-12:30:01.26', '2069', '2021-06-01 10:00:00'],
      ['2020-03-01', '10:11:12.00', '1999', 'NULL'],
    ]);
    await ok(s, "SET time_zone = '+02:00'");
    expect(show(await query(s, "SELECT ts FROM t WHERE d = '2020-02-29'"))).toEqual([
      ['2021-06-01 12:00:00'],
    ]);
    expect((await failure(s, "INSERT INTO t (d) VALUES ('2020-02-30')")).errno).toBe(1292);
    expect((await failure(s, "INSERT INTO t (d, y) VALUES ('2020-01-01', 1800)")).errno).toBe(1264);
    expect(
      (await failure(s, "INSERT INTO t (d, ts) VALUES ('2020-01-01', '1960-01-01')")).errno,
    ).toBe(1292);
  });
});

describe('ENUM, SET, BIT, JSON', () => {
  it('stores members, orders ENUM by index, refuses others in strict mode', async () => {
    await ok(
      s,
      "CREATE TABLE e (id INT PRIMARY KEY, e " +
        "ENUM('small','medium','large'), st SET('a','b','c'), b BIT(4), j JSON)",
    );
    await ok(
      s,
      `INSERT INTO e VALUES (1, 'LARGE', 'c,a', b'101', '{"b": 1, "a": [1, 2]}'), ` +
        `(2, 'small', '', 9, 'null'), (3, 2, 7, 0, '"x"')`,
    );
    expect(show(await query(s, 'SELECT id, e, st, b + 0, j FROM e ORDER BY e'))).toEqual([
      ['2', 'small', '', '9', 'null'],
      ['3', 'medium', 'a,b,c', '0', '"x"'],
      ['1', 'large', 'a,c', '5', '{"a": [1, 2], "b": 1}'],
    ]);
    expect(show(await query(s, 'SELECT e + 0, st + 0 FROM e WHERE id = 1'))).toEqual([['3', '5']]);
    expect((await failure(s, "INSERT INTO e (id, e) VALUES (4, 'huge')")).errno).toBe(1265);
    expect((await failure(s, "INSERT INTO e (id, st) VALUES (4, 'a,z')")).errno).toBe(1265);
    expect((await failure(s, 'INSERT INTO e (id, b) VALUES (4, 16)')).errno).toBe(1406);
    expect((await failure(s, "INSERT INTO e (id, j) VALUES (4, '{bad')")).errno).toBe(3140);
  });

  it('non-strict mode stores adjusted values with warnings', async () => {
    await ok(s, "SET sql_mode = ''");
    await ok(s, "INSERT INTO e (id, e, b) VALUES (10, 'huge', 16)");
    expect(show(await query(s, 'SELECT e, b + 0 FROM e WHERE id = 10'))).toEqual([['', '15']]);
    await ok(s, 'SET sql_mode = DEFAULT');
  });
});

describe('conversions on storing', () => {
  it('stores hexadecimal literals, ENUM indexes and TIME digits as numbers', async () => {
    await ok(
      s,
      "CREATE TABLE cn (id INT PRIMARY KEY, i INT, d DECIMAL(10,0), e ENUM('p','q'), t TIME)",
    );
    await ok(s, "INSERT INTO cn VALUES (1, 0x10, X'0100', 'q', '10:11:12')");
    await ok(s, 'INSERT INTO cn (id, i, d) SELECT 2, e, t FROM cn WHERE id = 1');
    expect(show(await query(s, 'SELECT id, i, d FROM cn ORDER BY id'))).toEqual([
      ['1', '16', '256'],
      ['2', '2', '101112'],
    ]);
  });
});
