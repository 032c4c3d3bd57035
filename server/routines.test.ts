/**
 * Stored procedures end to end through mysql2 over a socket: CALL answers each result set of the
 * body with SERVER_MORE_RESULTS_EXISTS, then its OK (engine 'multi' → server/results.ts), in the
 * text protocol, under multi-statements (the CREATE PROCEDURE body's `;`s do not split it), and
 * as a prepared statement; OUT parameters land in user variables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { type RunningServer, createRootLogger, startServer } from './main.js';

let server: RunningServer;
let conn: Connection;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'borealis-routines-'));
  const log = createRootLogger({ logLevel: 'silent' });
  server = await startServer({ ...DEFAULT_CONFIG, port: 0, dataDir: dir, logLevel: 'silent' }, log);
  conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    multipleStatements: true,
  });
});

afterAll(async () => {
  await conn?.end();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CALL over the wire', () => {
  it('returns every result set of the body, then the OK', async () => {
    await conn.query(
      'CREATE DATABASE r; USE r; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5)); ' +
        "INSERT INTO t VALUES (1, 'a'), (2, 'b'); " +
        'CREATE PROCEDURE two(IN lo INT, OUT n INT) BEGIN ' +
        'SELECT id, v FROM t WHERE id >= lo ORDER BY id; ' +
        'SELECT COUNT(*) AS c FROM t; SELECT COUNT(*) INTO ' +
        'n FROM t WHERE id >= lo; END; SELECT 1 AS after',
    );
    const [results] = await conn.query('CALL two(2, @n)');
    expect(Array.isArray(results)).toBe(true);
    const sets = results as unknown[];
    expect(sets).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(sets[0]))).toEqual([{ id: 2, v: 'b' }]);
    expect(JSON.parse(JSON.stringify(sets[1]))).toEqual([{ c: 2 }]);
    expect(sets[2]).toMatchObject({ affectedRows: 1 });
    const [rows] = await conn.query('SELECT @n AS n');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('works as a prepared statement and after another statement in one query', async () => {
    const [prepared] = await conn.execute('CALL two(?, @m)', [1]);
    const sets = prepared as unknown[];
    expect(sets).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(sets[0]))).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    const [multi] = await conn.query('SELECT @m AS m; CALL two(1, @m); SELECT 7 AS seven');
    const all = multi as unknown[];
    expect(all).toHaveLength(5);
    expect(all[0]).toEqual([{ m: 2 }]);
    expect(all[4]).toEqual([{ seven: 7 }]);
  });
});
