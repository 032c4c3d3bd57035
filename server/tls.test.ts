/**
 * TLS end to end: CLIENT_SSL offered only with a certificate, the SSLRequest → TLS upgrade in the
 * middle of the handshake (mysql2 verifying the self-signed certificate), caching_sha2_password's
 * cleartext full authentication over TLS, and a ClientHello arriving in the same read as the
 * SSLRequest.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../engine/index.js';
import { cachingSha2AuthString } from './auth/caching-sha2-password.js';
import type { TlsIdentity } from './listener.js';
import { CLIENT, hasFlag } from './protocol/constants.js';
import { PacketReader } from './protocol/framing.js';
import { decodeHandshakeV10 } from './protocol/packets/handshake-v10.js';
import { decodeOk } from './protocol/packets/ok.js';
import { encodeSslRequest } from './protocol/packets/ssl-request.js';
import { handshakeResponse, packet, TYPICAL_CLIENT_CAPABILITIES } from './protocol/testing.js';
import { column, type FakeHandler, rows } from './testing/fake-engine.js';
import { connectMysql2, startFake, useCleanups } from './testing/harness.js';
import { RawClient } from './testing/raw-client.js';
import { createSelfSignedCertificate } from './tls/certificate.js';

useCleanups();

const whoami: FakeHandler = (_sql, session) => rows([column('u', 'VARCHAR')], [[[session.user]]]);
let identity: TlsIdentity;

beforeAll(async () => {
  const made = await createSelfSignedCertificate({
    commonName: 'borealis-test',
    altNames: ['localhost', '127.0.0.1'],
    validityDays: 1,
  });
  identity = { cert: made.certPem, key: made.keyPem };
});

function socketOf(conn: unknown): TLSSocket {
  return (conn as { connection: { stream: TLSSocket } }).connection.stream;
}

describe('TLS', () => {
  it('offers CLIENT_SSL only when the listener has a certificate', async () => {
    const plain = await startFake(whoami);
    const withTls = await startFake(whoami, {}, { tls: identity });
    const a = await RawClient.greeted(plain.port);
    const b = await RawClient.greeted(withTls.port);
    expect(hasFlag(a.greeting.capabilities, CLIENT.CLIENT_SSL)).toBe(false);
    expect(hasFlag(b.greeting.capabilities, CLIENT.CLIENT_SSL)).toBe(true);
    a.client.destroy();
    b.client.destroy();
  });

  it('upgrades mysql2 to TLS, verifying the certificate, and serves queries over it', async () => {
    const { port } = await startFake(whoami, { rootPassword: 'pw' }, { tls: identity });
    const conn = await connectMysql2(port, { password: 'pw', ssl: { ca: identity.cert } });
    expect((await conn.query('SELECT USER()'))[0]).toEqual([{ u: 'root' }]);
    const socket = socketOf(conn);
    expect(socket.encrypted).toBe(true);
    expect(socket.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    const plain = await connectMysql2(port, { password: 'pw' });
    expect((await plain.query('SELECT USER()'))[0]).toEqual([{ u: 'root' }]);
  });

  it('takes caching_sha2_password’s cleartext full authentication over TLS only', async () => {
    const { engine, port } = await startFake(whoami, {}, { tls: identity });
    const sha: Account = {
      user: 'sha',
      host: '%',
      plugin: 'caching_sha2_password',
      authString: cachingSha2AuthString('s3cret'),
      locked: false,
    };
    engine.accounts.push(sha);
    const conn = await connectMysql2(port, {
      user: 'sha',
      password: 's3cret',
      ssl: { rejectUnauthorized: false },
    });
    expect((await conn.query('SELECT USER()'))[0]).toEqual([{ u: 'sha' }]);
  });

  it('hands a ClientHello that arrived with the SSLRequest to TLS', async () => {
    const { port } = await startFake(whoami, { rootPassword: 'pw' }, { tls: identity });
    const socket = netConnect({ port, host: '127.0.0.1' });
    const reader = new PacketReader(1 << 20);
    const greeting = await new Promise<Buffer>((resolve) => {
      socket.on('data', function onData(chunk: Buffer) {
        reader.push(chunk);
        const p = reader.read(0);
        if (p !== undefined) {
          socket.off('data', onData);
          resolve(Buffer.from(p.payload));
        }
      });
    });
    const { scramble } = decodeHandshakeV10(greeting);
    const capabilities = (TYPICAL_CLIENT_CAPABILITIES | CLIENT.CLIENT_SSL) >>> 0;
    socket.cork(); // the SSLRequest and the ClientHello leave in one write
    const sslRequest = encodeSslRequest({ capabilities, maxPacketSize: 0, characterSet: 224 });
    socket.write(packet(1, sslRequest));
    const secure = tlsConnect({ socket, rejectUnauthorized: false });
    process.nextTick(() => socket.uncork());
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    const tlsReader = new PacketReader(1 << 20);
    const answer = new Promise<Buffer>((resolve) => {
      secure.on('data', (chunk: Buffer) => {
        tlsReader.push(chunk);
        const p = tlsReader.read(3);
        if (p !== undefined) resolve(Buffer.from(p.payload));
      });
    });
    secure.write(
      packet(2, handshakeResponse({ scramble, password: 'pw', capabilities })),
    );
    expect(decodeOk(await answer).header).toBe(0);
    secure.destroy();
  });
});
