/**
 * INFORMATION_SCHEMA.BOREALIS_SEGMENTS over a real socket: the storage tier's segments, as the
 * writer's quorum client reports them (storage/client-api.ts C6), queryable like any table; a
 * stopped storage node shows as unreachable and catches up once it is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { type RunningServer, createRootLogger, startServer } from './main.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function segments(conn: Connection): Promise<RowDataPacket[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT SLOT, REACHABLE, STATE, SCL, RECORDS FROM information_schema.BOREALIS_SEGMENTS ' +
      'WHERE PROTECTION_GROUP = 0 ORDER BY SLOT',
  );
  return rows;
}

describe('information_schema.BOREALIS_SEGMENTS', () => {
  it('lists the six segments and shows a stopped node as unreachable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'borealis-segments-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const log = createRootLogger({ logLevel: 'silent' });
    const server: RunningServer = await startServer(
      { ...DEFAULT_CONFIG, port: 0, dataDir, logLevel: 'silent' },
      log,
    );
    cleanups.push(() => server.close());
    const conn = await mysql.createConnection({
      host: '127.0.0.1', port: server.port, user: 'root',
    });
    cleanups.push(() => conn.end());
    await conn.query('CREATE DATABASE s');
    await conn.query('CREATE TABLE s.t (id INT PRIMARY KEY)');
    await conn.query('INSERT INTO s.t VALUES (1), (2), (3)');

    const before = await segments(conn);
    expect(before.map((r) => r.SLOT)).toEqual(['0', '1', '2', '3', '4', '5'].map(Number));
    expect(before.every((r) => r.REACHABLE === 'YES' && Number(r.RECORDS) > 0)).toBe(true);

    await server.storageNodes[2]?.stop();
    await conn.query('INSERT INTO s.t VALUES (4)');
    const down = await segments(conn);
    expect(down.map((r) => r.REACHABLE)).toEqual(['YES', 'YES', 'NO', 'YES', 'YES', 'YES']);
    expect(down[2]?.SCL).toBeNull();
    const [[counted]] = await conn.query<RowDataPacket[][]>(
      "SELECT COUNT(*) AS n FROM information_schema.BOREALIS_SEGMENTS WHERE REACHABLE = 'NO'",
    );
    expect(counted).toEqual({ n: 1 });

    await server.storageNodes[2]?.start();
    const highest = Math.max(...down.map((r) => Number(r.SCL ?? 0)));
    const deadline = Date.now() + 20_000;
    let back = await segments(conn);
    while (Number(back[2]?.SCL ?? 0) < highest && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await segments(conn);
    }
    expect(back[2]?.REACHABLE).toBe('YES');
    expect(Number(back[2]?.SCL)).toBeGreaterThanOrEqual(highest);
  }, 60_000);
});
