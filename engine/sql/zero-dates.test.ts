/**
 * Zero dates end to end through a Session (datetime.ts DT1, DT2): '0000-00-00' and zero months
 * or days stored, refused or adjusted by sql_mode (NO_ZERO_DATE, NO_ZERO_IN_DATE, strict),
 * ordered first, compared, keyed, printed and read by the date functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

let engine: Engine;
let s: Session;

beforeAll(async () => {
  engine = await memoryEngine();
  s = openSession(engine);
  await ok(s, 'CREATE DATABASE zd');
  await ok(s, 'USE zd');
});
afterAll(async () => {
  await s.close();
  await engine.close();
});

const show = (rows: readonly (readonly unknown[])[]): string[][] =>
  rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))));

const STRICT = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE';

describe('storing zero dates by sql_mode', () => {
  it('MySQL 8 default sql_mode refuses them with 1292, DEFAULT with 1067', async () => {
    await ok(s, 'SET sql_mode = DEFAULT');
    await ok(s, 'CREATE TABLE d1 (id INT PRIMARY KEY, d DATE, dt DATETIME, ts TIMESTAMP NULL)');
    for (const v of ["'0000-00-00'", "'2024-00-15'", "'2024-02-00'", '0']) {
      expect((await failure(s, `INSERT INTO d1 (id, d) VALUES (1, ${v})`)).errno).toBe(1292);
    }
    expect((await failure(s, "INSERT INTO d1 (id, ts) VALUES (1, '0000-00-00')")).errno).toBe(
      1292,
    );
    expect(
      (await failure(s, "CREATE TABLE d2 (d DATE NOT NULL DEFAULT '0000-00-00')")).errno,
    ).toBe(1067);
  });

  it("sql_mode '' stores them as they are", async () => {
    await ok(s, "SET sql_mode = ''");
    await ok(
      s,
      "CREATE TABLE z (id INT PRIMARY KEY, d DATE NOT NULL DEFAULT '0000-00-00', " +
        "dt DATETIME(2) NOT NULL DEFAULT '0000-00-00 00:00:00', ts TIMESTAMP NULL, KEY (d))",
    );
    await ok(
      s,
      "INSERT INTO z (id, d, dt, ts) VALUES (1, '2024-03-01', '2024-03-01 10:00:00', " +
        "'2024-03-01 10:00:00'), (2, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00'), " +
        "(3, '2024-00-15', '2024-02-00 12:30:00.5', NULL), (4, '2023-12-31', '2023-12-31', NULL)",
    );
    await ok(s, 'INSERT INTO z (id) VALUES (5)');
    expect(show(await query(s, 'SELECT id, d, dt, ts FROM z ORDER BY d, id'))).toEqual([
      ['2', '0000-00-00', '0000-00-00 00:00:00.00', '0000-00-00 00:00:00'],
      ['5', '0000-00-00', '0000-00-00 00:00:00.00', 'NULL'],
      ['4', '2023-12-31', '2023-12-31 00:00:00.00', 'NULL'],
      ['3', '2024-00-15', '2024-02-00 12:30:00.50', 'NULL'],
      ['1', '2024-03-01', '2024-03-01 10:00:00.00', '2024-03-01 10:00:00'],
    ]);
  });

  it('compares, uses the index and reads fields', async () => {
    expect(show(await query(s, "SELECT id FROM z WHERE d = '0000-00-00' ORDER BY id"))).toEqual([
      ['2'],
      ['5'],
    ]);
    expect(show(await query(s, "SELECT id FROM z WHERE d > '2023-06-01' ORDER BY id"))).toEqual([
      ['1'],
      ['3'],
      ['4'],
    ]);
    expect(show(await query(s, 'SELECT MIN(d), MAX(dt) FROM z'))).toEqual([
      ['0000-00-00', '2024-03-01 10:00:00.00'],
    ]);
    expect(
      show(
        await query(
          s,
          'SELECT YEAR(d), MONTH(d), DAYOFMONTH(d), d IS NULL, DATE(dt), ' +
            "DATE_FORMAT(d, '%Y/%m/%d') FROM z WHERE id = 3",
        ),
      ),
    ).toEqual([['2024', '0', '15', '0', '2024-02-00', '2024/00/15']]);
    expect(
      show(await query(s, 'SELECT DATE_ADD(d, INTERVAL 1 DAY), DAYOFWEEK(d) FROM z WHERE id = 2')),
    ).toEqual([['NULL', 'NULL']]);
    expect(show(await query(s, "SELECT YEAR('0000-00-00'), d + 0 FROM z WHERE id = 2"))).toEqual([
      ['0', '0'],
    ]);
  });

  it("finds a NOT NULL column's zero dates with IS NULL in WHERE, as MySQL does", async () => {
    expect(show(await query(s, 'SELECT id FROM z WHERE d IS NULL ORDER BY id'))).toEqual([
      ['2'],
      ['5'],
    ]);
    expect(show(await query(s, 'SELECT id, d IS NULL FROM z WHERE id = 2'))).toEqual([['2', '0']]);
    await ok(s, 'CREATE TABLE other (id INT PRIMARY KEY, d DATE NOT NULL)');
    await ok(s, "INSERT INTO other VALUES (1, '2024-03-01'), (2, '0000-00-00')");
    const anti =
      'SELECT z.id FROM z LEFT JOIN other o ON o.id = z.id WHERE o.d IS NULL ORDER BY z.id';
    expect(show(await query(s, anti))).toEqual([['3'], ['4'], ['5']]);
    await ok(s, 'CREATE TABLE n (id INT PRIMARY KEY, d DATE NULL)');
    await ok(s, "INSERT INTO n VALUES (1, '0000-00-00'), (2, NULL)");
    expect(show(await query(s, 'SELECT id FROM n WHERE d IS NULL'))).toEqual([['2']]);
  });

  it('without strict mode NO_ZERO_DATE stores the zero date with warning 1264', async () => {
    await ok(s, "SET sql_mode = 'NO_ZERO_DATE,NO_ZERO_IN_DATE'");
    await ok(s, "INSERT INTO z (id, d, dt) VALUES (6, '2024-00-15', '0000-00-00')");
    expect(show(await query(s, 'SHOW WARNINGS')).map((r) => r[1])).toEqual(['1264', '1264']);
    expect(show(await query(s, 'SELECT d, dt FROM z WHERE id = 6'))).toEqual([
      ['0000-00-00', '0000-00-00 00:00:00.00'],
    ]);
    await ok(s, `SET sql_mode = '${STRICT}'`);
    expect((await failure(s, "UPDATE z SET d = '0000-00-00' WHERE id = 1")).errno).toBe(1292);
    await ok(s, 'SET sql_mode = DEFAULT');
  });
});
