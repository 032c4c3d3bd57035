/**
 * The handshake's collation id sets collation_connection, as MySQL's thd_init_client_charset
 * does: mysql2 with `charset: 'UTF8MB4_UNICODE_CI'` (id 224) sees utf8mb4_unicode_ci in
 * @@collation_connection and in SHOW CREATE VIEW, like a SET NAMES … COLLATE. (mysql2's default
 * is that id 224; MySQL answers it the same way.) Also zero dates through the binary protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { type RunningServer, createRootLogger, startServer } from './main.js';

let server: RunningServer;
let dataDir: string;
const connections: Connection[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'borealis-collation-'));
  const log = createRootLogger({ logLevel: 'silent' });
  server = await startServer({ ...DEFAULT_CONFIG, port: 0, dataDir, logLevel: 'silent' }, log);
}, 60_000);
afterAll(async () => {
  for (const conn of connections) conn.destroy();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function connect(charset?: string): Promise<Connection> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    ...(charset === undefined ? {} : { charset }),
  });
  connections.push(conn);
  return conn;
}

async function connectionCollation(conn: Connection): Promise<unknown[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT @@collation_connection AS c, @@character_set_client AS s',
  );
  return [rows[0]?.['c'], rows[0]?.['s']];
}

describe('collation_connection', () => {
  it('follows the handshake collation id', async () => {
    const plain = await connect('UTF8MB4_0900_AI_CI');
    expect(await connectionCollation(plain)).toEqual(['utf8mb4_0900_ai_ci', 'utf8mb4']);
    const latin = await connect('LATIN1_BIN');
    expect(await connectionCollation(latin)).toEqual(['latin1_bin', 'latin1']);
    const unicode = await connect('UTF8MB4_UNICODE_CI');
    expect(await connectionCollation(unicode)).toEqual(['utf8mb4_unicode_ci', 'utf8mb4']);
    await unicode.query('CREATE DATABASE hc');
    await unicode.query('CREATE VIEW hc.v AS SELECT 1 AS one');
    const [rows] = await unicode.query<RowDataPacket[]>('SHOW CREATE VIEW hc.v');
    expect(rows[0]?.['collation_connection']).toBe('utf8mb4_unicode_ci');
    // COM_RESET_CONNECTION returns to the handshake's collation.
    await unicode.query('SET NAMES latin1');
    await unicode.reset();
    expect(await connectionCollation(unicode)).toEqual(['utf8mb4_unicode_ci', 'utf8mb4']);
  });

  it('follows SET NAMES … COLLATE', async () => {
    const conn = await connect('UTF8MB4_0900_AI_CI');
    await conn.query('SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci');
    expect(await connectionCollation(conn)).toEqual(['utf8mb4_unicode_ci', 'utf8mb4']);
    await conn.query('CREATE VIEW hc.w AS SELECT 2 AS two');
    const [rows] = await conn.query<RowDataPacket[]>('SHOW CREATE VIEW hc.w');
    expect(rows[0]?.['collation_connection']).toBe('utf8mb4_unicode_ci');
  });

  it('sends zero dates in the binary protocol (zero-length MYSQL_TIME) and takes them',
    async () => {
      const conn = await connect('UTF8MB4_0900_AI_CI');
      await conn.query("SET sql_mode = ''");
      await conn.query('CREATE TABLE hc.z (id INT PRIMARY KEY, d DATE, dt DATETIME(3))');
      await conn.execute('INSERT INTO hc.z VALUES (?, ?, ?)', [
        1,
        '0000-00-00',
        '2024-00-15 10:00:00',
      ]);
      await conn.query("INSERT INTO hc.z VALUES (2, '2024-02-00', '0000-00-00 00:00:00')");
      const [rows] = await conn.execute<RowDataPacket[]>(
        'SELECT id, d, dt, CAST(dt AS CHAR) AS t FROM hc.z WHERE d <= ? ORDER BY id',
        ['2024-03-01'],
      );
      // mysql2 turns a zero-length DATE into an invalid Date and the parts into Dates it rolls;
      // the text column shows what the server holds.
      expect(rows.map((r) => [r['id'], r['t']])).toEqual([
        [1, '2024-00-15 10:00:00.000'],
        [2, '0000-00-00 00:00:00.000'],
      ]);
      expect(Number.isNaN((rows[0]?.['d'] as Date).getTime())).toBe(true);
    });
});
