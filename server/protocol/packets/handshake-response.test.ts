/**
 * HandshakeResponse41 as mysql2 and hand-written clients send it, and the malformed ones.
 */
import { describe, expect, it } from 'vitest';
import { scrambleNativePassword } from '../../auth/native-password.js';
import { mysql2, mysql2Packet, payloadOf } from '../../testing/mysql2-packets.js';
import { CLIENT } from '../constants.js';
import { ProtocolError } from '../errors.js';
import { fromHex, hex, lenEncInt, lenEncStr, nulStr, u32, u8 } from '../testing.js';
import { decodeHandshakeResponse, encodeHandshakeResponse } from './handshake-response.js';

const scramble = Buffer.from('abcdefghijklmnopqrst');

/** mysql2 3.24's default flags (connection_config.js), with PLUGIN_AUTH and LENENC data. */
const MYSQL2_FLAGS =
  (CLIENT.CLIENT_LONG_PASSWORD |
    CLIENT.CLIENT_FOUND_ROWS |
    CLIENT.CLIENT_LONG_FLAG |
    CLIENT.CLIENT_CONNECT_WITH_DB |
    CLIENT.CLIENT_ODBC |
    CLIENT.CLIENT_LOCAL_FILES |
    CLIENT.CLIENT_IGNORE_SPACE |
    CLIENT.CLIENT_PROTOCOL_41 |
    CLIENT.CLIENT_IGNORE_SIGPIPE |
    CLIENT.CLIENT_TRANSACTIONS |
    CLIENT.CLIENT_RESERVED |
    CLIENT.CLIENT_SECURE_CONNECTION |
    CLIENT.CLIENT_MULTI_RESULTS |
    CLIENT.CLIENT_SESSION_TRACK |
    CLIENT.CLIENT_CONNECT_ATTRS |
    CLIENT.CLIENT_QUERY_ATTRIBUTES |
    CLIENT.CLIENT_PLUGIN_AUTH |
    CLIENT.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) >>>
  0;

describe('HandshakeResponse41', () => {
  it('decodes what mysql2 sends', () => {
    const packet = new mysql2.HandshakeResponse({
      flags: MYSQL2_FLAGS,
      user: 'root',
      database: 'appdb',
      password: 'pw',
      authPluginData1: scramble.subarray(0, 8),
      authPluginData2: scramble.subarray(8),
      charsetNumber: 224,
      connectAttributes: { _client_name: 'Node-MySQL-2', _client_version: '3.24.6' },
    }).toPacket();
    const decoded = decodeHandshakeResponse(payloadOf(packet));
    expect(decoded.capabilities).toBe(MYSQL2_FLAGS);
    expect(decoded.maxPacketSize).toBe(0);
    expect(decoded.characterSet).toBe(224);
    expect(decoded.username).toBe('root');
    expect(decoded.database).toBe('appdb');
    expect(decoded.authPluginName).toBe('mysql_native_password');
    expect(decoded.authResponse.equals(scrambleNativePassword('pw', scramble))).toBe(true);
    expect([...decoded.connectAttributes]).toEqual([
      ['_client_name', 'Node-MySQL-2'],
      ['_client_version', '3.24.6'],
    ]);
  });

  it('decodes a hand-written minimal response (1-byte auth length, no attributes)', () => {
    const flags =
      CLIENT.CLIENT_PROTOCOL_41 | CLIENT.CLIENT_SECURE_CONNECTION | CLIENT.CLIENT_PLUGIN_AUTH;
    const payload = Buffer.concat([
      u32(flags),
      u32(16777216),
      u8(33),
      Buffer.alloc(23),
      nulStr('root'),
      u8(0),
      nulStr('mysql_native_password'),
    ]);
    expect(hex(payload.subarray(0, 9))).toBe('0082080000000001' + '21');
    expect(decodeHandshakeResponse(payload)).toEqual({
      capabilities: flags,
      maxPacketSize: 16777216,
      characterSet: 33,
      username: 'root',
      authResponse: Buffer.alloc(0),
      database: null,
      authPluginName: 'mysql_native_password',
      connectAttributes: new Map(),
    });
  });

  it('round-trips through its own encoder, and mysql2 reads that encoding', () => {
    const fields = {
      capabilities: MYSQL2_FLAGS,
      maxPacketSize: 1 << 30,
      characterSet: 45,
      username: 'app',
      authResponse: scrambleNativePassword('secret', scramble),
      database: 'sbtest',
      authPluginName: 'caching_sha2_password',
      connectAttributes: new Map([['program_name', 'sysbench']]),
    };
    const payload = encodeHandshakeResponse(fields);
    expect(decodeHandshakeResponse(payload)).toEqual(fields);
    const m = mysql2Packet(payload);
    const parsed = (
      mysql2 as unknown as {
        HandshakeResponse: { fromPacket(p: unknown): Record<string, unknown> };
      }
    ).HandshakeResponse.fromPacket(m);
    expect(parsed).toMatchObject({ user: 'app', database: 'sbtest' });
    expect(parsed['connectAttributes']).toEqual({ program_name: 'sysbench' });
  });

  it('refuses pre-4.1 clients, SSLRequests and truncated packets', () => {
    const bad = (payload: Buffer, code: string): void => {
      expect(() => decodeHandshakeResponse(payload)).toThrow(
        expect.objectContaining({ name: 'ProtocolError', code }),
      );
    };
    bad(Buffer.concat([u32(CLIENT.CLIENT_LONG_PASSWORD), Buffer.alloc(28)]), 'ER_HANDSHAKE_ERROR');
    const ssl = CLIENT.CLIENT_PROTOCOL_41 | CLIENT.CLIENT_SSL;
    bad(Buffer.concat([u32(ssl), u32(0), u8(33), Buffer.alloc(23)]), 'ER_HANDSHAKE_ERROR');
    bad(fromHex('00020000'), 'ER_MALFORMED_PACKET');
    const noNul = Buffer.concat([u32(CLIENT.CLIENT_PROTOCOL_41), u32(0), u8(33), Buffer.alloc(23)]);
    bad(Buffer.concat([noNul, Buffer.from('root')]), 'ER_MALFORMED_PACKET');
  });

  it('refuses connection attributes that overrun the payload', () => {
    const flags = CLIENT.CLIENT_PROTOCOL_41 | CLIENT.CLIENT_CONNECT_ATTRS;
    const head = Buffer.concat([u32(flags), u32(0), u8(33), Buffer.alloc(23), nulStr('root')]);
    const auth = nulStr('');
    const attrs = Buffer.concat([lenEncStr('k'), lenEncStr('v')]);
    const ok = Buffer.concat([head, auth, lenEncInt(attrs.length), attrs]);
    expect(decodeHandshakeResponse(ok).connectAttributes.get('k')).toBe('v');
    const overrun = Buffer.concat([head, auth, lenEncInt(attrs.length + 5), attrs]);
    expect(() => decodeHandshakeResponse(overrun)).toThrow(ProtocolError);
    const inner = Buffer.concat([head, auth, lenEncInt(3), attrs]);
    expect(() => decodeHandshakeResponse(inner)).toThrow(ProtocolError);
  });
});
