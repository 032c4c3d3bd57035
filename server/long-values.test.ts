/**
 * 16 MiB values end to end: through mysql2's binary protocol (a prepared INSERT with a 16 MiB
 * parameter) and its text protocol (the 16 MiB value read back in a result row split over
 * packets), into overflow pages on the embedded six-node storage tier, across a restart.
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
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function start(dataDir: string): Promise<RunningServer> {
  const log = createRootLogger({ logLevel: 'silent' });
  return startServer({ ...DEFAULT_CONFIG, port: 0, dataDir, logLevel: 'silent' }, log);
}

async function connect(port: number): Promise<Connection> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    maxPreparedStatements: 4,
  });
  cleanups.push(() => conn.destroy());
  return conn;
}

const MIB = 1024 * 1024;

describe('16 MiB values', () => {
  it('stores, reads back and keeps across a restart a 16 MiB LONGBLOB', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'borealis-long-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let server = await start(dataDir);
    let conn = await connect(server.port);
    await conn.query('CREATE DATABASE l');
    await conn.query('CREATE TABLE l.t (id INT PRIMARY KEY, v LONGBLOB, note VARCHAR(10))');
    const value = Buffer.alloc(16 * MIB);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31 + (i >> 12)) & 0xff;
    await conn.execute('INSERT INTO l.t VALUES (?, ?, ?)', [1, value, 'big']);
    const [rows] = await conn.query<RowDataPacket[]>('SELECT v, note FROM l.t WHERE id = 1');
    expect(Buffer.compare(rows[0]?.v as Buffer, value)).toBe(0);
    expect(rows[0]?.note).toBe('big');
    await conn.end();
    await server.close();

    server = await start(dataDir);
    cleanups.push(() => server.close());
    conn = await connect(server.port);
    const [again] = await conn.query<RowDataPacket[]>('SELECT v FROM l.t');
    expect(Buffer.compare(again[0]?.v as Buffer, value)).toBe(0);
    await conn.query('DELETE FROM l.t');
  }, 120_000);
});
