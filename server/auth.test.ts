/**
 * Authentication end to end over the fake engine's accounts: mysql_native_password and
 * caching_sha2_password (full authentication with the RSA key exchange, then the fast path from
 * the cache), AuthSwitchRequest, locked and unknown accounts, and the fallback root account.
 */
import { constants, publicEncrypt } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import type { Account } from '../engine/index.js';
import { cachingSha2AuthString, scrambleCachingSha2 } from './auth/caching-sha2-password.js';
import { nativeAuthString } from './auth/native-password.js';
import { decodeAuthMoreData } from './protocol/packets/auth-more-data.js';
import { decodeAuthSwitchRequest } from './protocol/packets/auth-switch.js';
import { decodeErr } from './protocol/packets/err.js';
import { decodeOk } from './protocol/packets/ok.js';
import { handshakeResponse } from './protocol/testing.js';
import { column, type FakeHandler, ok, rows } from './testing/fake-engine.js';
import { connectMysql2, startFake, useCleanups } from './testing/harness.js';
import { RawClient } from './testing/raw-client.js';

useCleanups();

const whoami: FakeHandler = (_sql, session) => rows([column('u', 'VARCHAR')], [[[session.user]]]);

function account(user: string, plugin: Account['plugin'], password: string): Account {
  const authString =
    plugin === 'caching_sha2_password'
      ? cachingSha2AuthString(password)
      : nativeAuthString(password);
  return { user, host: '%', plugin, authString, locked: false };
}

describe('caching_sha2_password with mysql2', () => {
  it('authenticates fully with the RSA key exchange, then by the fast path', async () => {
    const { engine, port } = await startFake(whoami);
    engine.accounts.push(account('sha', 'caching_sha2_password', 's3cret'));
    const first = await connectMysql2(port, { user: 'sha', password: 's3cret' });
    expect((await first.query('SELECT USER()'))[0]).toEqual([{ u: 'sha' }]);
    const second = await connectMysql2(port, { user: 'sha', password: 's3cret' });
    expect((await second.query('SELECT USER()'))[0]).toEqual([{ u: 'sha' }]);
    await expect(
      createConnection({ host: '127.0.0.1', port, user: 'sha', password: 'nope' }),
    ).rejects.toMatchObject({ errno: 1045, sqlState: '28000' });
    await expect(
      createConnection({ host: '127.0.0.1', port, user: 'sha' }),
    ).rejects.toMatchObject({ errno: 1045 });
  });

  it('lets an account with an empty caching_sha2 password in without a password', async () => {
    const { engine, port } = await startFake(whoami);
    engine.accounts.push(account('open', 'caching_sha2_password', ''));
    const conn = await connectMysql2(port, { user: 'open' });
    expect((await conn.query('SELECT USER()'))[0]).toEqual([{ u: 'open' }]);
  });

  it('changes user to a caching_sha2 account (AuthSwitch from the native answer)', async () => {
    const { engine, port } = await startFake(whoami);
    engine.accounts.push(account('root', 'mysql_native_password', 'rootpw'));
    engine.accounts.push(account('sha', 'caching_sha2_password', 's3cret'));
    const conn = await connectMysql2(port, { password: 'rootpw' });
    await conn.changeUser({ user: 'sha', password: 's3cret' });
    expect((await conn.query('SELECT USER()'))[0]).toEqual([{ u: 'sha' }]);
  });
});

describe('the caching_sha2 exchange, packet by packet', () => {
  it('switches plugin, asks for full auth, serves the PEM key, takes the RSA answer', async () => {
    const { engine, port } = await startFake(whoami);
    engine.accounts.push(account('sha', 'caching_sha2_password', 'pw'));
    const { client, greeting } = await RawClient.greeted(port);
    client.send(1, handshakeResponse({ scramble: greeting.scramble, user: 'sha', password: 'pw' }));
    const request = decodeAuthSwitchRequest((await client.read()).payload);
    expect(request.pluginName).toBe('caching_sha2_password');
    const scramble = request.pluginData.subarray(0, 20);
    expect(request.pluginData).toHaveLength(21);
    client.send(3, scrambleCachingSha2('pw', scramble));
    expect(decodeAuthMoreData((await client.read()).payload)).toEqual(Buffer.from([4]));
    client.send(5, Buffer.from([2]));
    const pem = decodeAuthMoreData((await client.read()).payload).toString();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const secret = Buffer.from([...Buffer.from('pw\0')].map((b, i) => b ^ (scramble[i] as number)));
    const encrypted = publicEncrypt(
      { key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      secret,
    );
    client.send(7, encrypted);
    const answer = await client.read();
    expect(answer.sequenceId).toBe(8);
    expect(decodeOk(answer.payload).header).toBe(0);
    client.destroy();

    // Now cached: the fast path answers 0x03 and OK, with no further exchange.
    const again = await RawClient.greeted(port);
    const token = scrambleCachingSha2('pw', again.greeting.scramble);
    again.client.send(
      1,
      handshakeResponse({
        scramble: again.greeting.scramble,
        user: 'sha',
        authPluginName: 'caching_sha2_password',
        authResponse: token,
      }),
    );
    expect(decodeAuthMoreData((await again.client.read()).payload)).toEqual(Buffer.from([3]));
    expect(decodeOk((await again.client.read()).payload).header).toBe(0);
    again.client.destroy();
  });

  it('refuses a cleartext password without TLS', async () => {
    const { engine, port } = await startFake(whoami);
    engine.accounts.push(account('sha', 'caching_sha2_password', 'pw'));
    const { client, greeting } = await RawClient.greeted(port);
    const token = scrambleCachingSha2('pw', greeting.scramble);
    client.send(
      1,
      handshakeResponse({
        scramble: greeting.scramble,
        user: 'sha',
        authPluginName: 'caching_sha2_password',
        authResponse: token,
      }),
    );
    expect(decodeAuthMoreData((await client.read()).payload)).toEqual(Buffer.from([4]));
    client.send(3, Buffer.from('pw\0'));
    expect(decodeErr((await client.read()).payload).errno).toBe(1045);
    await client.closed;
  });
});

describe('accounts', () => {
  it('uses the engine’s accounts; root from the config only when it has none', async () => {
    const { engine, port } = await startFake(whoami, { rootPassword: 'config-pw' });
    const viaConfig = await connectMysql2(port, { password: 'config-pw' });
    expect((await viaConfig.query('SELECT USER()'))[0]).toEqual([{ u: 'root' }]);
    engine.accounts.push(account('root', 'mysql_native_password', 'engine-pw'));
    await expect(
      createConnection({ host: '127.0.0.1', port, user: 'root', password: 'config-pw' }),
    ).rejects.toMatchObject({ errno: 1045 });
    await connectMysql2(port, { password: 'engine-pw' });
    engine.accounts.push(account('app', 'mysql_native_password', 'apppw'));
    await connectMysql2(port, { user: 'app', password: 'apppw' });
  });

  it('refuses a locked account with 3118 and an unknown user with 1045', async () => {
    const { engine, port } = await startFake(() => ok());
    engine.accounts.push({ ...account('gone', 'mysql_native_password', ''), locked: true });
    const login = (user: string): Promise<unknown> =>
      createConnection({ host: '127.0.0.1', port, user });
    await expect(login('gone')).rejects.toMatchObject({
      errno: 3118,
      message: "Access denied for user 'gone'@'localhost'. Account is locked.",
    });
    await expect(login('nobody')).rejects.toMatchObject({ errno: 1045 });
  });
});
