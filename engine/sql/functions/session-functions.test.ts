/**
 * Functions that need a session: SLEEP() interrupted by KILL QUERY, ROW_COUNT() and FOUND_ROWS(),
 * and TIMESTAMP columns across time_zone changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Session } from '../../api.js';
import { failure, memoryEngine, ok, openSession, query, scalar } from '../../testing/sessions.js';

let engine: Engine;
let s: Session;

beforeAll(async () => {
  engine = await memoryEngine();
  s = openSession(engine, { connectionId: 901 });
  await ok(s, 'CREATE DATABASE sf');
  await ok(s, 'USE sf');
});
afterAll(async () => {
  await s.close();
  await engine.close();
});

describe('SLEEP', () => {
  it('waits, and answers 0', async () => {
    const started = Date.now();
    expect(await scalar(s, 'SELECT SLEEP(0.2)')).toBe(0n);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('ends at once with 1317 when KILL QUERY names the session', async () => {
    const killer = openSession(engine);
    const started = Date.now();
    const sleeping = failure(s, 'SELECT SLEEP(30)');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await ok(killer, 'KILL QUERY 901');
    const error = await sleeping;
    expect(error.errno).toBe(1317);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await scalar(s, 'SELECT 1')).toBe(1n);
    await killer.close();
  });

  it('refuses an argument that is not constant', async () => {
    await ok(s, 'CREATE TABLE sl (id INT PRIMARY KEY)');
    expect((await failure(s, 'SELECT SLEEP(id) FROM sl')).errno).toBe(1235);
  });
});

describe('ROW_COUNT and FOUND_ROWS', () => {
  it('report the previous statement', async () => {
    await ok(s, 'CREATE TABLE rc (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO rc VALUES (1, 1), (2, 2), (3, 3)');
    expect(await scalar(s, 'SELECT ROW_COUNT()')).toBe(3n);
    await ok(s, 'UPDATE rc SET v = 10 WHERE id < 3');
    expect(await scalar(s, 'SELECT ROW_COUNT()')).toBe(2n);
    await query(s, 'SELECT * FROM rc WHERE id > 1');
    expect(await scalar(s, 'SELECT FOUND_ROWS()')).toBe(2n);
    expect(await scalar(s, 'SELECT ROW_COUNT()')).toBe(-1n);
  });
});

describe('TIMESTAMP and time_zone', () => {
  it('stores UTC and shows the session zone', async () => {
    await ok(s, 'CREATE TABLE tz (id INT PRIMARY KEY, ts TIMESTAMP(3) NULL)');
    await ok(s, "SET time_zone = '+03:00'");
    await ok(s, "INSERT INTO tz VALUES (1, '2024-03-01 12:00:00.125')");
    await ok(s, "SET time_zone = '+00:00'");
    expect(await scalar(s, 'SELECT ts FROM tz')).toBe('2024-03-01 09:00:00.125');
    expect(await scalar(s, 'SELECT UNIX_TIMESTAMP(ts) FROM tz')).toBe('1709283600.125');
    await ok(s, "SET time_zone = 'Europe/Berlin'");
    expect(await scalar(s, 'SELECT ts FROM tz')).toBe('2024-03-01 10:00:00.125');
    expect(await scalar(s, "SELECT COUNT(*) FROM tz WHERE ts = '2024-03-01 10:00:00.125'")).toBe(
      1n,
    );
  });
});

describe('TIMESTAMP assignments and DEFAULTs', () => {
  it('keeps the instant when a TIMESTAMP is assigned to itself, stores DEFAULTs as they are',
    async () => {
      await ok(s, "SET time_zone = '-07:00'");
      await ok(s, 'UPDATE tz SET ts = ts WHERE id = 1');
      await ok(s, "SET time_zone = '+00:00'");
      expect(await scalar(s, 'SELECT ts FROM tz WHERE id = 1')).toBe('2024-03-01 09:00:00.125');
      await ok(
        s,
        'CREATE TABLE tzd (id INT PRIMARY KEY, ' +
          "ts TIMESTAMP NOT NULL DEFAULT '2020-01-01 00:00:00')",
      );
      await ok(s, "SET time_zone = '+05:00'");
      await ok(s, 'INSERT INTO tzd (id) VALUES (1)');
      await ok(s, "SET time_zone = '+00:00'");
      expect(await scalar(s, 'SELECT ts FROM tzd')).toBe('2020-01-01 00:00:00');
    });
});
