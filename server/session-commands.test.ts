/**
 * The session commands end to end over the fake engine: COM_FIELD_LIST, COM_STATISTICS,
 * COM_CHANGE_USER, COM_RESET_CONNECTION, COM_PROCESS_KILL and KILL's onKill, wait_timeout,
 * max_allowed_packet over split packets.
 */
import { describe, expect, it } from 'vitest';
import { COLUMN_FLAG, type FieldListColumn } from '../engine/index.js';
import { scrambleNativePassword } from './auth/native-password.js';
import { COM } from './protocol/constants.js';
import { decodeAuthSwitchRequest } from './protocol/packets/auth-switch.js';
import { encodeChangeUser } from './protocol/packets/change-user.js';
import { decodeColumnDefinition41 } from './protocol/packets/column-definition.js';
import { decodeErr } from './protocol/packets/err.js';
import { encodeFieldList } from './protocol/packets/field-list.js';
import { decodeOk } from './protocol/packets/ok.js';
import { encodeProcessKill } from './protocol/packets/process-kill.js';
import { PayloadReader } from './protocol/wire.js';
import { comQuery, TYPICAL_CLIENT_CAPABILITIES, u8 } from './protocol/testing.js';
import { column, type FakeHandler, ok, rows } from './testing/fake-engine.js';
import { connectMysql2, startFake, until, useCleanups } from './testing/harness.js';
import { RawClient } from './testing/raw-client.js';

useCleanups();

const MiB = 1024 * 1024;
const isEof = (p: Buffer): boolean => p[0] === 0xfe && p.length < 9;
const one: FakeHandler = (sql) =>
  sql === 'SELECT 1' ? rows([column('1', 'LONGLONG')], [[[1n]]]) : ok();

describe('COM_FIELD_LIST', () => {
  const fields: FieldListColumn[] = [
    {
      column: column('id', 'LONG', { flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.PRI_KEY }),
      defaultValue: null,
    },
    { column: column('name', 'VARCHAR', { length: 200 }), defaultValue: 'anon' },
    { column: column('nick', 'VARCHAR'), defaultValue: '' },
  ];

  it('answers column definitions with default values, then EOF', async () => {
    const { engine, port } = await startFake(one);
    engine.fields.set('t1', fields);
    const client = await RawClient.login(port);
    client.command(encodeFieldList({ table: Buffer.from('t1'), wildcard: Buffer.alloc(0) }));
    const packets = (await client.readUntil(isEof)).map((p) => p.payload);
    expect(packets).toHaveLength(4);
    expect(packets.slice(0, 3).map((p) => decodeColumnDefinition41(p).name)).toEqual([
      'id',
      'name',
      'nick',
    ]);
    const defaultOf = (p: Buffer): string | null => {
      const r = new PayloadReader(p);
      for (let i = 0; i < 6; i++) r.lenEncBytes();
      r.lenEncLength();
      r.skip(12);
      if (p[r.pos] === 0xfb) return null;
      return r.lenEncBytes().toString();
    };
    expect(packets.slice(0, 3).map(defaultOf)).toEqual([null, 'anon', '']);
    client.command(encodeFieldList({ table: Buffer.from('t1'), wildcard: Buffer.from('n%') }));
    expect(await client.readUntil(isEof)).toHaveLength(3);
    client.command(encodeFieldList({ table: Buffer.from('nope'), wildcard: Buffer.alloc(0) }));
    expect(decodeErr((await client.read()).payload).errno).toBe(1146);
    client.destroy();
  });
});

describe('COM_STATISTICS', () => {
  it("answers the engine's status line as a bare string", async () => {
    const { port } = await startFake(one);
    const client = await RawClient.login(port);
    client.command(u8(COM.COM_STATISTICS));
    expect((await client.read()).payload.toString()).toBe('Uptime: 1  Threads: 1  Questions: 0');
    client.destroy();
  });
});

describe('COM_CHANGE_USER and COM_RESET_CONNECTION', () => {
  it('re-authenticates with mysql2, closes statements, switches the session', async () => {
    const { engine, port } = await startFake(one, { rootPassword: 'pw' });
    const conn = await connectMysql2(port, { password: 'pw' });
    await conn.execute('SELECT ?', [1]);
    await conn.changeUser({ user: 'root', password: 'pw', database: 'appdb' });
    const session = engine.sessions[0];
    expect(session?.status.database).toBe('appdb');
    expect(session?.prepared[0]?.closeCount).toBe(1);
    expect((await conn.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
    await expect(conn.changeUser({ user: 'root', password: 'wrong' })).rejects.toMatchObject({
      errno: 1045,
    });
    await until(() => session?.closeCount === 1);
  });

  it('switches to the account’s plugin when the client answered for another', async () => {
    const { port } = await startFake(one, { rootPassword: 'pw' });
    const { client, greeting } = await RawClient.greeted(port);
    const { handshakeResponse } = await import('./protocol/testing.js');
    client.send(1, handshakeResponse({ scramble: greeting.scramble, password: 'pw' }));
    expect((await client.read()).payload[0]).toBe(0);
    const request = encodeChangeUser(
      {
        user: 'root',
        authResponse: Buffer.alloc(32, 1),
        database: null,
        characterSet: 224,
        authPluginName: 'caching_sha2_password',
      },
      TYPICAL_CLIENT_CAPABILITIES,
    );
    client.command(request);
    const authSwitch = decodeAuthSwitchRequest((await client.read()).payload);
    expect(authSwitch.pluginName).toBe('mysql_native_password');
    client.send(2, scrambleNativePassword('pw', authSwitch.pluginData.subarray(0, 20)));
    expect(decodeOk((await client.read()).payload).header).toBe(0);
    client.destroy();
  });

  it('resets the session and closes its statements on COM_RESET_CONNECTION', async () => {
    const { engine, port } = await startFake(one);
    const conn = await connectMysql2(port);
    await conn.execute('SELECT ?', [1]);
    await conn.reset();
    const session = engine.sessions[0];
    expect(session?.resetCount).toBe(1);
    expect(session?.prepared[0]?.closeCount).toBe(1);
    expect((await conn.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
  });
});

describe('KILL', () => {
  it('sends COM_PROCESS_KILL to the engine as KILL n; onKill closes the victim', async () => {
    const { engine, port } = await startFake((sql) => {
      const kill = /^KILL (\d+)$/.exec(sql);
      if (kill !== null) {
        const victim = engine.sessions.find((s) => s.init.connectionId === Number(kill[1]));
        victim?.init.onKill?.();
      }
      return ok();
    });
    const victim = await RawClient.login(port);
    const killer = await RawClient.login(port);
    killer.command(encodeProcessKill({ connectionId: 1 }));
    expect(decodeOk((await killer.read()).payload).header).toBe(0);
    await victim.closed;
    expect(engine.sessions[1]?.executed).toEqual(['KILL 1']);
    await until(() => engine.sessions[0]?.closeCount === 1);
    killer.destroy();
  });
});

describe('timeouts and limits', () => {
  it('closes a connection idle past wait_timeout, saying so (4031)', async () => {
    const { engine, port } = await startFake(one);
    const client = await RawClient.login(port);
    const session = engine.sessions[0];
    if (session === undefined) throw new Error('no session');
    session.status = { ...session.status, waitTimeoutSeconds: 0.3 };
    client.command(comQuery('SELECT 1')); // the new wait_timeout applies from the next wait
    await client.readUntil(isEof);
    await client.readUntil(isEof);
    client.expect(0);
    const started = Date.now();
    const error = decodeErr((await client.read()).payload);
    expect(error).toMatchObject({ errno: 4031, sqlState: 'HY000' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await client.closed;
    await until(() => session.closeCount === 1);
  });

  it('counts wait_timeout from the last command, not from the first wait (N4)', async () => {
    const { engine, port } = await startFake(one);
    const client = await RawClient.login(port);
    const session = engine.sessions[0];
    if (session === undefined) throw new Error('no session');
    session.status = { ...session.status, waitTimeoutSeconds: 0.3 };
    const started = Date.now();
    // Commands 150 ms apart for 750 ms: each wait is shorter than wait_timeout, their sum longer.
    for (let i = 0; i < 6; i++) {
      client.command(comQuery('SELECT 1'));
      await client.readUntil(isEof);
      await client.readUntil(isEof);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(Date.now() - started).toBeGreaterThan(600);
    expect(session.closeCount).toBe(0);
    const idleFrom = Date.now();
    client.expect(0);
    const error = decodeErr((await client.read()).payload);
    expect(error).toMatchObject({ errno: 4031, sqlState: 'HY000' });
    expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(120);
    await client.closed;
  });

  it('drops a client that stops in the middle of a packet (net_read_timeout)', async () => {
    const netTimeouts = { netReadTimeoutMs: 200, netWriteTimeoutMs: 60_000 };
    const { engine, listener, port } = await startFake(one, {}, { netTimeouts });
    const client = await RawClient.login(port);
    client.write(Buffer.from([10, 0, 0, 0, COM.COM_QUERY, 0x53])); // 2 of 10 bytes
    const error = decodeErr((await client.read()).payload);
    expect(error).toMatchObject({ errno: 1159, sqlState: '08S01' });
    await client.closed;
    await until(() => engine.sessions[0]?.closeCount === 1 && listener.connectionCount === 0);
  });

  it('drops a client that does not read its results (net_write_timeout)', async () => {
    const netTimeouts = { netReadTimeoutMs: 30_000, netWriteTimeoutMs: 300 };
    const big = 'x'.repeat(64 * 1024);
    const { engine, listener, port } = await startFake(
      () => ({
        kind: 'rows',
        columns: [column('pad', 'VARCHAR')],
        rows: (async function* () {
          for (;;) yield [[big]];
        })(),
      }),
      {},
      { netTimeouts },
    );
    const client = await RawClient.login(port);
    client.pause();
    client.command(comQuery('SELECT pad FROM forever'));
    await until(() => engine.sessions[0]?.closeCount === 1, 10_000);
    await until(() => listener.connectionCount === 0);
    client.destroy();
  });

  it('refuses a payload above max_allowed_packet that spans several packets', async () => {
    const { engine, port } = await startFake(one, { maxAllowedPacket: 17 * MiB });
    const conn = await connectMysql2(port);
    const big = `SELECT '${'x'.repeat(20 * MiB)}'`;
    await expect(conn.query(big)).rejects.toMatchObject({
      code: 'ER_NET_PACKET_TOO_LARGE',
      errno: 1153,
    });
    expect(engine.sessions[0]?.executed).toEqual([]);
    await until(() => engine.sessions[0]?.closeCount === 1);
  });
});
