/**
 * The protocol front end end to end: a listener on port 0 over a fake engine, driven by mysql2 and
 * by a raw socket client (for DEPRECATE_EOF, COM_INIT_DB, pipelining, auth switch and garbage).
 */
import { createConnection as createCallbackConnection } from 'mysql2';
import { createConnection, type Connection, type ResultSetHeader } from 'mysql2/promise';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Row, SqlError } from '../engine/index.js';
import { scrambleNativePassword } from './auth/native-password.js';
import { DEFAULT_CONFIG } from './config.js';
import { type Listener, listen } from './listener.js';
import { type FakeConfig, TEST_IO_THREAD } from './testing/harness.js';
import { CLIENT, COM } from './protocol/constants.js';
import { decodeAuthSwitchRequest } from './protocol/packets/auth-switch.js';
import { decodeColumnDefinition41 } from './protocol/packets/column-definition.js';
import { decodeErr } from './protocol/packets/err.js';
import { decodeOk } from './protocol/packets/ok.js';
import { decodeTextRow } from './protocol/packets/text-row.js';
import {
  comInitDb,
  comPing,
  comQuery,
  handshakeResponse,
  packet,
  TYPICAL_CLIENT_CAPABILITIES,
  u8,
} from './protocol/testing.js';
import { column, FakeEngine, type FakeHandler, ok, rows } from './testing/fake-engine.js';
import { RawClient } from './testing/raw-client.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
const MiB = 1024 * 1024;

interface Running {
  readonly engine: FakeEngine;
  readonly listener: Listener;
  readonly port: number;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function start(handler: FakeHandler, config: FakeConfig = {}): Promise<Running> {
  const engine = new FakeEngine(handler, config.rootPassword ?? '');
  const listener = await listen({
    log,
    engine,
    config: { ...DEFAULT_CONFIG, port: 0, ioThread: TEST_IO_THREAD, ...config },
  });
  cleanups.push(() => listener.close());
  return { engine, listener, port: listener.port };
}

async function mysql2(port: number, options: Record<string, unknown> = {}): Promise<Connection> {
  const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', ...options });
  conn.on('error', () => undefined);
  cleanups.push(async () => conn.destroy());
  return conn;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const one: FakeHandler = (sql) =>
  sql === 'SELECT 1' ? rows([column('1', 'LONGLONG')], [[[1n]]]) : ok();

describe('authentication', () => {
  it('lets root in with an empty password by default', async () => {
    const { engine, port } = await start(one);
    const conn = await mysql2(port);
    const [result] = await conn.query('SELECT 1');
    expect(result).toEqual([{ 1: 1 }]);
    expect(engine.sessions[0]?.init).toMatchObject({ user: 'root', host: 'localhost' });
    expect(engine.sessions[0]?.executed).toEqual(['SELECT 1']);
  });

  it('checks the root password, and refuses other users', async () => {
    const { engine, port } = await start(one, { rootPassword: 's3cret' });
    const conn = await mysql2(port, { password: 's3cret' });
    await conn.query('SELECT 1');
    const denied = (options: Record<string, unknown>): Promise<unknown> =>
      createConnection({ host: '127.0.0.1', port, user: 'root', ...options });
    await expect(denied({ password: 'wrong' })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
      errno: 1045,
      sqlState: '28000',
      message: "Access denied for user 'root'@'localhost' (using password: YES)",
    });
    await expect(denied({})).rejects.toMatchObject({
      errno: 1045,
      message: "Access denied for user 'root'@'localhost' (using password: NO)",
    });
    await expect(denied({ user: 'bob', password: 's3cret' })).rejects.toMatchObject({
      errno: 1045,
      message: "Access denied for user 'bob'@'localhost' (using password: YES)",
    });
    expect(engine.sessions).toHaveLength(1);
  });

  it('switches a client that used another plugin to mysql_native_password', async () => {
    const { port } = await start(one, { rootPassword: 'pw' });
    const { client, greeting } = await RawClient.greeted(port);
    client.send(
      1,
      handshakeResponse({
        scramble: greeting.scramble,
        authPluginName: 'caching_sha2_password',
        authResponse: Buffer.alloc(32, 7),
      }),
    );
    const switchPacket = await client.read();
    expect(switchPacket.sequenceId).toBe(2);
    const request = decodeAuthSwitchRequest(switchPacket.payload);
    expect(request.pluginName).toBe('mysql_native_password');
    expect(request.pluginData.equals(Buffer.concat([greeting.scramble, u8(0)]))).toBe(true);
    client.send(3, scrambleNativePassword('pw', request.pluginData.subarray(0, 20)));
    const answer = await client.read();
    expect(answer.sequenceId).toBe(4);
    expect(decodeOk(answer.payload).header).toBe(0);
    client.destroy();
  });

  it('opens the database a client names at connect, and refuses an unknown one', async () => {
    const { engine, port } = await start(one);
    await mysql2(port, { database: 'appdb' });
    expect(engine.sessions[0]?.status.database).toBe('appdb');
    await expect(
      createConnection({ host: '127.0.0.1', port, user: 'root', database: 'nope' }),
    ).rejects.toMatchObject({ code: 'ER_BAD_DB_ERROR', errno: 1049, sqlState: '42000' });
    await until(() => engine.sessions[1]?.closeCount === 1);
  });

  it('closes a connection that does not finish its handshake in time', async () => {
    const { port } = await start(one, { connectTimeoutMs: 200 });
    const { client } = await RawClient.greeted(port);
    await client.closed;
  });
});

describe('queries', () => {
  it('sends every value representation of the engine seam', async () => {
    const columns = [
      column('big', 'LONGLONG', { flags: 32 }),
      column('neg', 'LONGLONG'),
      column('d1', 'DOUBLE'),
      column('d2', 'DOUBLE'),
      column('f', 'FLOAT'),
      column('money', 'NEWDECIMAL', { decimals: 2 }),
      column('day', 'DATE'),
      column('name', 'VARCHAR'),
      column('bytes', 'BLOB', { collation: 63 }),
      column('nothing', 'VARCHAR'),
    ];
    const row: Row = [
      18446744073709551615n,
      -42n,
      1e20,
      0.1,
      Math.fround(0.1),
      '12.50',
      '2024-02-29',
      'héllo ☃',
      Buffer.from([0, 0xff, 0xfb, 10]),
      null,
    ];
    const { port } = await start(() => rows(columns, [[row]]));
    const conn = await mysql2(port, {
      rowsAsArray: true,
      typeCast: (field: { type: string; string(): string | null; buffer(): Buffer | null }) =>
        field.type === 'BLOB' ? field.buffer() : field.string(),
    });
    const [result, fields] = await conn.query('SELECT everything');
    expect(result).toEqual([
      [
        '18446744073709551615',
        '-42',
        '1e20',
        '0.1',
        '0.1',
        '12.50',
        '2024-02-29',
        'héllo ☃',
        Buffer.from([0, 0xff, 0xfb, 10]),
        null,
      ],
    ]);
    expect(fields.map((f) => [f.name, f.columnType])).toEqual([
      ['big', 8],
      ['neg', 8],
      ['d1', 5],
      ['d2', 5],
      ['f', 4],
      ['money', 246],
      ['day', 10],
      ['name', 253],
      ['bytes', 252],
      ['nothing', 253],
    ]);
    const typed = await mysql2(port, { supportBigNumbers: true, bigNumberStrings: true });
    const [[values]] = (await typed.query({ sql: 'SELECT again', rowsAsArray: true })) as [
      unknown[][],
      unknown,
    ];
    expect(values?.slice(0, 5)).toEqual(['18446744073709551615', '-42', 1e20, 0.1, 0.1]);
  });

  it('answers OK: affected rows per FOUND_ROWS, insert id, status, warnings, info', async () => {
    const handler: FakeHandler = (_sql, session) => {
      session.status = { ...session.status, inTransaction: true, warningCount: 2 };
      return ok({
        affectedRows: 1,
        matchedRows: 3,
        lastInsertId: 42n,
        info: 'Rows matched: 3  Changed: 1  Warnings: 2',
      });
    };
    const { port } = await start(handler);
    const found = await mysql2(port);
    const [header] = (await found.query('UPDATE t SET a = 1')) as [ResultSetHeader, unknown];
    expect(header).toMatchObject({
      affectedRows: 3,
      insertId: 42,
      info: 'Rows matched: 3  Changed: 1  Warnings: 2',
      serverStatus: 3,
      warningStatus: 2,
    });
    const changed = await mysql2(port, { flags: ['-FOUND_ROWS'] });
    const [header2] = (await changed.query('UPDATE t SET a = 1')) as [ResultSetHeader, unknown];
    expect(header2.affectedRows).toBe(1);
  });

  it('passes an SqlError to the client with its errno, SQLSTATE and code', async () => {
    const { engine, port } = await start((sql) => {
      if (sql === 'SELECT * FROM nope') throw new SqlError('ER_NO_SUCH_TABLE', ['test', 'nope']);
      return one(sql, engine.sessions[0] as never);
    });
    const conn = await mysql2(port);
    await expect(conn.query('SELECT * FROM nope')).rejects.toMatchObject({
      code: 'ER_NO_SUCH_TABLE',
      errno: 1146,
      sqlState: '42S02',
      sqlMessage: "Table 'test.nope' doesn't exist",
    });
    const [again] = await conn.query('SELECT 1');
    expect(again).toEqual([{ 1: 1 }]);
  });

  it('sends ERR after rows when the engine fails in the middle of a result', async () => {
    const handler: FakeHandler = (sql) => {
      if (sql === 'SELECT 1') return one(sql, undefined as never);
      return {
        kind: 'rows',
        columns: [column('n', 'LONGLONG')],
        rows: (async function* () {
          yield [[1n], [2n]];
          throw new SqlError('ER_QUERY_INTERRUPTED');
        })(),
      };
    };
    const { port } = await start(handler);
    const conn = await mysql2(port);
    await expect(conn.query('SELECT n FROM big')).rejects.toMatchObject({
      code: 'ER_QUERY_INTERRUPTED',
      errno: 1317,
    });
    expect((await conn.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
  });

  it('passes SQL text to the engine untouched', async () => {
    const { engine, port } = await start(one);
    const conn = await mysql2(port);
    const texts = [
      'select @@version_comment limit 1',
      'SELECT DATABASE()',
      'SHOW DATABASES',
      'USE `test`',
      'BEGIN;',
      "INSERT INTO t VALUES ('it\\'s', \"d\", 'é☃', X'00ff')",
      '/*!40101 SET NAMES utf8mb4 */',
      '',
    ];
    for (const sql of texts) await conn.query(sql);
    expect(engine.sessions[0]?.executed).toEqual(texts);
  });

  it('answers COM_PING', async () => {
    const { port } = await start(one);
    const conn = await mysql2(port);
    await conn.ping();
    await conn.ping();
  });

  it('closes the session when the client quits', async () => {
    const { engine, listener, port } = await start(one);
    const conn = await mysql2(port);
    await conn.end();
    await until(() => engine.sessions[0]?.closeCount === 1);
    await until(() => listener.connectionCount === 0);
  });
});

describe('large packets and results', () => {
  it('receives a 20 MiB query split over packets, intact', async () => {
    const { engine, port } = await start(one);
    const conn = await mysql2(port);
    const body = Array.from({ length: 20 * MiB / 16 }, (_, i) => i.toString(16).padStart(15, '0'));
    const sql = `SELECT '${body.join(',')}'`;
    expect(sql.length).toBeGreaterThan(20 * MiB);
    await conn.query(sql);
    expect(engine.sessions[0]?.executed[0] === sql).toBe(true);
    expect((await conn.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
  });

  it('sends a 17 MiB value split over packets', async () => {
    const value = Buffer.alloc(17 * MiB, 'abcdefghijklmnopq');
    const { port } = await start(() => rows([column('v', 'LONG_BLOB')], [[[value]]]));
    const conn = await mysql2(port);
    const [result] = (await conn.query('SELECT v')) as [{ v: Buffer }[], unknown];
    expect(result[0]?.v.equals(value)).toBe(true);
  });

  it('streams 200k rows with back-pressure, without buffering the result', async () => {
    const total = 200_000;
    const batch = 1_000;
    const filler = 'x'.repeat(240);
    let produced = 0;
    const { port } = await start(() => ({
      kind: 'rows',
      columns: [column('id', 'LONGLONG'), column('pad', 'VARCHAR')],
      rows: (async function* () {
        for (let i = 0; i < total; i += batch) {
          const chunk: Row[] = [];
          for (let j = i; j < i + batch; j++) chunk.push([BigInt(j), filler]);
          produced += batch;
          yield chunk;
        }
      })(),
    }));
    const conn = createCallbackConnection({ host: '127.0.0.1', port, user: 'root' });
    cleanups.push(async () => conn.destroy());
    let received = 0;
    let lastId = -1;
    let producedWhilePaused = -1;
    const settle = async (): Promise<number> => {
      // Wait until the server stops pulling rows: the socket buffers are full.
      let previous = -1;
      for (let i = 0; i < 50 && produced !== previous; i++) {
        previous = produced;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return produced === previous ? produced : -1;
    };
    await new Promise<void>((resolve, reject) => {
      const query = conn.query('SELECT id, pad FROM big');
      query.on('result', (r: unknown) => {
        const id = (r as { id: number }).id;
        if (id !== lastId + 1) reject(new Error(`row ${id} after ${lastId}`));
        lastId = id;
        received++;
        if (received === 2_000) {
          conn.pause();
          void settle().then((n) => {
            producedWhilePaused = n;
            conn.resume();
          });
        }
      });
      query.on('error', reject);
      query.on('end', () => resolve());
    });
    expect(received).toBe(total);
    // While the client was paused the engine stopped being pulled, having produced only what
    // the socket buffers hold: far less than the whole result.
    expect(producedWhilePaused).toBeGreaterThan(2_000);
    expect(producedWhilePaused).toBeLessThan(total / 2);
  });
});

describe('raw clients', () => {
  const twoRows: FakeHandler = () =>
    rows(
      [column('a', 'LONGLONG'), column('b', 'VARCHAR')],
      [[[1n, 'x']], [[2n, null]]],
    );

  it('ends result sets with EOF packets for classic clients', async () => {
    const { port } = await start(twoRows);
    const client = await RawClient.login(port);
    client.command(comQuery('SELECT a, b FROM t'));
    const packets = await client.readUntil((p) => p[0] === 0xfe && p.length < 9 && p !== null);
    const rest = await client.readUntil((p) => p[0] === 0xfe && p.length < 9);
    const all = [...packets, ...rest].map((p) => p.payload);
    expect(all.map((p) => p[0])).toEqual([2, 3, 3, 0xfe, 1, 1, 0xfe]);
    expect(decodeColumnDefinition41(all[1] as Buffer).name).toBe('a');
    expect(decodeTextRow(all[4] as Buffer, 2).map((c) => c?.toString())).toEqual(['1', 'x']);
    expect(decodeTextRow(all[5] as Buffer, 2)[1]).toBeNull();
    expect(all[6]?.toString('hex')).toBe('fe00000200');
    client.destroy();
  });

  it('ends result sets with OK (0xFE) and no middle EOF under DEPRECATE_EOF', async () => {
    const { port } = await start(twoRows);
    const client = await RawClient.login(port, {
      capabilities: (TYPICAL_CLIENT_CAPABILITIES | CLIENT.CLIENT_DEPRECATE_EOF) >>> 0,
    });
    client.command(comQuery('SELECT a, b FROM t'));
    const all = (await client.readUntil((p) => p[0] === 0xfe)).map((p) => p.payload);
    expect(all.map((p) => p[0])).toEqual([2, 3, 3, 1, 1, 0xfe]);
    expect(decodeOk(all[5] as Buffer)).toEqual({
      header: 0xfe,
      affectedRows: 0n,
      lastInsertId: 0n,
      statusFlags: 2,
      warnings: 0,
      info: '',
    });
    client.command(comPing());
    expect(decodeOk((await client.read()).payload).header).toBe(0);
    client.destroy();
  });

  it('changes database with COM_INIT_DB', async () => {
    const { engine, port } = await start(one);
    const client = await RawClient.login(port);
    client.command(comInitDb('appdb'));
    const answer = await client.read();
    expect(answer.sequenceId).toBe(1);
    expect(decodeOk(answer.payload).header).toBe(0);
    expect(engine.sessions[0]?.status.database).toBe('appdb');
    client.command(comInitDb('nope'));
    expect(decodeErr((await client.read()).payload)).toEqual({
      errno: 1049,
      sqlState: '42000',
      message: "Unknown database 'nope'",
    });
    client.destroy();
  });

  it('answers pipelined commands in order', async () => {
    const { port } = await start((sql) =>
      rows([column('q', 'VARCHAR')], [[[sql]]]),
    );
    const client = await RawClient.login(port);
    client.write(
      Buffer.concat([
        packet(0, comQuery('first')),
        packet(0, comPing()),
        packet(0, comQuery('second')),
      ]),
    );
    const answers: string[] = [];
    for (const expectRows of [true, false, true]) {
      client.expect(1);
      if (!expectRows) {
        answers.push(`ping:${(await client.read()).payload[0]}`);
        continue;
      }
      const ps = await client.readUntil((p) => p[0] === 0xfe && p.length < 9);
      const more = await client.readUntil((p) => p[0] === 0xfe && p.length < 9);
      answers.push(decodeTextRow((more[0] as { payload: Buffer }).payload, 1)[0]?.toString() ?? '');
      expect(ps).toHaveLength(3);
    }
    expect(answers).toEqual(['first', 'ping:0', 'second']);
    client.destroy();
  });

  it('answers an unknown command with ER_UNKNOWN_COM_ERROR and carries on', async () => {
    const { port } = await start(one);
    const client = await RawClient.login(port);
    client.command(u8(COM.COM_DAEMON));
    expect(decodeErr((await client.read()).payload)).toEqual({
      errno: 1047,
      sqlState: '08S01',
      message: 'Unknown command',
    });
    client.command(comPing());
    expect(decodeOk((await client.read()).payload).header).toBe(0);
    client.destroy();
  });

  it('refuses a packet above max_allowed_packet and closes', async () => {
    const { port } = await start(one, { maxAllowedPacket: 1024 });
    const conn = await mysql2(port);
    await expect(conn.query(`SELECT '${'x'.repeat(2000)}'`)).rejects.toMatchObject({
      errno: 1153,
    });
  });
});

describe('isolation of failures', () => {
  it('closes only the connection whose engine call threw an unexpected error', async () => {
    const { engine, port } = await start((sql) => {
      if (sql === 'CRASH') throw new TypeError('boom');
      return one(sql, undefined as never);
    });
    const healthy = await mysql2(port);
    const victim = await mysql2(port);
    await expect(victim.query('CRASH')).rejects.toMatchObject({
      code: 'ER_UNKNOWN_ERROR',
      errno: 1105,
      sqlState: 'HY000',
    });
    await until(() => engine.sessions[1]?.closeCount === 1);
    await expect(victim.query('SELECT 1')).rejects.toThrow();
    expect((await healthy.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
  });

  it('drops a socket that sends garbage and keeps serving others', async () => {
    const { listener, port } = await start(one);
    const healthy = await mysql2(port);
    const { client } = await RawClient.greeted(port);
    client.write(Buffer.from('GET / HTTP/1.1\r\nHost: borealis\r\n\r\n'));
    const answer = await client.read();
    expect(decodeErr(answer.payload).errno).toBe(1156);
    await client.closed;

    const malformed = await RawClient.greeted(port);
    malformed.client.send(1, Buffer.from('xx'));
    expect(decodeErr((await malformed.client.read()).payload).errno).toBe(1835);
    await malformed.client.closed;

    const late = await RawClient.login(port);
    late.write(packet(5, comPing()));
    late.expect(3); // the client's count is broken: the server answers after its own last (2)
    expect(decodeErr((await late.read()).payload).errno).toBe(1156);
    await late.closed;

    expect((await healthy.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
    await until(() => listener.connectionCount === 1);
  });
});

describe('listener', () => {
  it('numbers connections from 1 and enforces max_connections', async () => {
    const { engine, listener, port } = await start(one, { maxConnections: 2 });
    const a = await mysql2(port);
    await mysql2(port);
    await expect(
      createConnection({ host: '127.0.0.1', port, user: 'root' }),
    ).rejects.toMatchObject({ code: 'ER_CON_COUNT_ERROR', errno: 1040 });
    expect(engine.sessions.map((s) => s.init.connectionId)).toEqual([1, 2]);
    await a.end();
    await until(() => listener.connectionCount === 1);
    await mysql2(port);
    expect(engine.sessions.map((s) => s.init.connectionId)).toEqual([1, 2, 4]);
  });

  it('closes every connection and session on close()', async () => {
    const { engine, listener, port } = await start(one);
    const conns = [await mysql2(port), await mysql2(port)];
    const closed = conns.map(
      (c) =>
        new Promise<void>((resolve) => {
          const core = (c as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection;
          core.stream.once('close', () => resolve());
        }),
    );
    await listener.close();
    await Promise.all(closed);
    expect(engine.sessions.map((s) => s.closeCount)).toEqual([1, 1]);
    expect(listener.connectionCount).toBe(0);
  });
});
