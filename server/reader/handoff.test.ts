/**
 * A routed connection moves to the writer's thread (--read-thread; handoff.ts, connection.ts C6,
 * routing-session.ts RS4, twin-host.ts TW12) over real sockets: after its first statement that
 * ran on the writer it is served there, with the same id, session state, prepared statements and
 * the commands it sent ahead; KILL reaches it; a TLS connection stays and forwards.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config.js';
import { type RunningServer, createRootLogger, startServer } from '../main.js';
import { ROUTED, threadConnections } from '../testing/threads.js';
import { duplicateDescriptor } from '../native/descriptors.js';
import { decodeOk } from '../protocol/packets/ok.js';
import { decodeTextRow } from '../protocol/packets/text-row.js';
import { comQuery, packet } from '../protocol/testing.js';
import { RawClient } from '../testing/raw-client.js';

let server: RunningServer;
let dataDir: string;
let plain: Connection;
const opened: Connection[] = [];

const { routed, direct } = threadConnections(() => server.port, 'bank', opened);

const value = async (c: Connection, sql: string, params: unknown[] = []): Promise<unknown> => {
  const [rows] = await c.query<RowDataPacket[]>(sql, params);
  return Object.values(rows[0] ?? {})[0];
};

/** Waits until `moved` connections have arrived on the writer's thread. */
async function movedTo(count: number): Promise<void> {
  for (let i = 0; i < 100 && server.movedConnections < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(server.movedConnections).toBe(count);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'borealis-handoff-'));
  server = await startServer(
    { ...DEFAULT_CONFIG, port: 0, readThread: true, dataDir, logLevel: 'silent' },
    createRootLogger({ logLevel: 'silent' }),
  );
  const setup = await mysql.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
  });
  await setup.query('CREATE DATABASE bank');
  await setup.query('CREATE TABLE bank.accounts (id INT PRIMARY KEY, cents INT)');
  await setup.query('INSERT INTO bank.accounts VALUES (1, 100), (2, 200)');
  await setup.end();
  plain = await direct();
});

afterAll(async () => {
  for (const connection of opened) await connection.end().catch(() => undefined);
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the native helper', () => {
  it('is built wherever a C compiler is (npm run build / npm test build it)', () => {
    const compiler = spawnSync(process.env.CC ?? 'cc', ['--version']).status === 0;
    expect(duplicateDescriptor !== null).toBe(compiler);
  });

  it('duplicates a descriptor: a distinct number for the same file', () => {
    if (duplicateDescriptor === null) return;
    const path = join(dataDir, 'dup-probe');
    writeFileSync(path, 'x');
    const fd = openSync(path, 'r');
    const copy = duplicateDescriptor(fd);
    expect(copy).not.toBe(fd);
    closeSync(fd);
    expect(readFileSync(copy, 'utf8')).toBe('x'); // still open through the copy
    closeSync(copy);
    expect(() => duplicateDescriptor?.(fd)).toThrow();
  });
});

describe.runIf(duplicateDescriptor !== null)('a routed connection moving to the writer', () => {
  it('moves after its first write and stays one session: id, variables, statements', async () => {
    const c = await routed();
    const id = Number(await value(c, 'SELECT CONNECTION_ID()'));
    await c.query('SET SESSION group_concat_max_len = 77'); // runs on both sides: no move
    const [read] = await c.execute<RowDataPacket[]>('SELECT cents FROM accounts WHERE id = ?', [1]);
    expect(read).toEqual([{ cents: 100 }]);
    const before = server.movedConnections;
    await c.execute('UPDATE accounts SET cents = cents + 1 WHERE id = ?', [1]);
    await movedTo(before + 1);
    // The statements prepared on the read thread run by the same ids on the writer's thread.
    const select = 'SELECT cents FROM accounts WHERE id = ?';
    const [again] = await c.execute<RowDataPacket[]>(select, [1]);
    expect(again).toEqual([{ cents: 101 }]);
    await c.execute('UPDATE accounts SET cents = cents - 1 WHERE id = ?', [1]);
    expect(await value(c, 'SELECT @@group_concat_max_len')).toBe(77);
    expect(Number(await value(c, 'SELECT CONNECTION_ID()'))).toBe(id);
    const [list] = await plain.query<RowDataPacket[]>('SHOW PROCESSLIST');
    expect(list.filter((row) => Number(row.Id) === id)).toHaveLength(1);
    await c.query('BEGIN');
    await c.query('UPDATE accounts SET cents = 0 WHERE id = 2');
    await c.query('ROLLBACK');
    expect(await value(plain, 'SELECT cents FROM accounts WHERE id = 2')).toBe(200);
    expect(server.movedConnections).toBe(before + 1); // it moved once
    await c.changeUser({ user: 'root' });
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 1')).toBe(100);
  });

  it('carries the commands a client sent ahead of the move, in order', async () => {
    let client: RawClient | undefined;
    for (let i = 0; i < 200 && client === undefined; i++) {
      const candidate = await RawClient.login(server.port, { database: 'bank' });
      candidate.command(comQuery('SELECT CONNECTION_ID()'));
      await candidate.readUntil((p) => p[0] === 0xfe && p.length < 9); // count, column, EOF
      const [row] = await candidate.readUntil((p) => p[0] === 0xfe && p.length < 9);
      const id = Number(decodeTextRow((row as { payload: Buffer }).payload, 1)[0]?.toString());
      if (id >= ROUTED) client = candidate;
      else candidate.destroy();
    }
    if (client === undefined) throw new Error('no raw connection reached the read thread');
    const before = server.movedConnections;
    // One write of three commands: the move happens after the first is answered.
    client.write(
      Buffer.concat([
        packet(0, comQuery('UPDATE accounts SET cents = cents + 5 WHERE id = 2')),
        packet(0, comQuery('SELECT cents FROM accounts WHERE id = 2')),
        packet(0, comQuery('UPDATE accounts SET cents = cents - 5 WHERE id = 2')),
      ]),
    );
    client.expect(1);
    expect(decodeOk((await client.read()).payload).affectedRows).toBe(1n);
    client.expect(1);
    const rows = await client.readUntil((p) => p[0] === 0xfe && p.length < 9);
    const more = await client.readUntil((p) => p[0] === 0xfe && p.length < 9);
    expect(rows).toHaveLength(3);
    expect(decodeTextRow((more[0] as { payload: Buffer }).payload, 1)[0]?.toString()).toBe('205');
    client.expect(1);
    expect(decodeOk((await client.read()).payload).affectedRows).toBe(1n);
    await movedTo(before + 1);
    client.destroy();
    expect(await value(plain, 'SELECT cents FROM accounts WHERE id = 2')).toBe(200);
  });

  it('closes a moved connection that KILL names; a moved transaction rolls back', async () => {
    const c = await routed();
    const id = Number(await value(c, 'SELECT CONNECTION_ID()'));
    const before = server.movedConnections;
    await c.query('BEGIN');
    // RS6: it moves once as many of its recent statements ran on the writer as here (two).
    for (const cents of [7, 8, 9]) {
      await c.query(`UPDATE accounts SET cents = ${cents} WHERE id = 1`);
    }
    await movedTo(before + 1);
    await plain.query(`KILL ${id}`);
    await expect(c.query('SELECT 1')).rejects.toBeTruthy();
    await plain.query('SET innodb_lock_wait_timeout = 5');
    const started = Date.now();
    await plain.query<ResultSetHeader>('UPDATE accounts SET cents = cents WHERE id = 1');
    expect(Date.now() - started).toBeLessThan(3000); // the lock went with the rollback
    expect(await value(plain, 'SELECT cents FROM accounts WHERE id = 1')).toBe(100);
    const [list] = await plain.query<RowDataPacket[]>('SHOW PROCESSLIST');
    expect(list.map((row) => Number(row.Id))).not.toContain(id);
  });

  it('keeps a TLS connection on the read thread, forwarding its writes', async () => {
    const c = await routed({ ssl: { rejectUnauthorized: false } });
    const before = server.movedConnections;
    await c.query('UPDATE accounts SET cents = cents + 1 WHERE id = 1');
    await c.query('UPDATE accounts SET cents = cents - 1 WHERE id = 1');
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 1')).toBe(100);
    expect(server.movedConnections).toBe(before);
  });

  it('leaves one that mostly reads on the read thread, forwarding its writes (RS6)', async () => {
    const c = await routed();
    const before = server.movedConnections;
    for (let i = 0; i < 3; i++) {
      await c.query('BEGIN');
      for (let j = 0; j < 3; j++) await c.execute('SELECT cents FROM accounts WHERE id = ?', [2]);
      await c.query('UPDATE accounts SET cents = cents + 1 WHERE id = 2');
      await c.query('UPDATE accounts SET cents = cents - 1 WHERE id = 2');
      await c.query('COMMIT');
    }
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 2')).toBe(200);
    expect(server.movedConnections).toBe(before);
  });

  it('leaves a connection that only reads on the read thread', async () => {
    const c = await routed();
    const before = server.movedConnections;
    for (let i = 0; i < 5; i++) await c.execute('SELECT cents FROM accounts WHERE id = ?', [2]);
    await c.query('SET SESSION sql_mode = DEFAULT');
    expect(await value(c, 'SELECT SUM(cents) FROM accounts')).toBe('300');
    expect(server.movedConnections).toBe(before);
  });
});
