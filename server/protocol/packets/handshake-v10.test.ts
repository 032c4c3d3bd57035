/**
 * The greeting byte for byte, the capabilities offered and withheld, and mysql2's reading.
 */
import { describe, expect, it } from 'vitest';
import { mysql2, mysql2Packet } from '../../testing/mysql2-packets.js';
import { CLIENT, greetingCapabilities, hasFlag, SERVER_CAPABILITIES } from '../constants.js';
import { hex } from '../testing.js';
import { decodeHandshakeV10, encodeHandshakeV10, type HandshakeV10 } from './handshake-v10.js';

const scramble = Buffer.from('abcdefghijklmnopqrst');

const greeting: HandshakeV10 = {
  protocolVersion: 10,
  serverVersion: '8.0.36-borealis',
  connectionId: 7,
  scramble,
  capabilities: SERVER_CAPABILITIES,
  characterSet: 255,
  statusFlags: 2,
  authPluginName: 'mysql_native_password',
};

describe('HandshakeV10', () => {
  it('encodes the layout of the manual, byte for byte', () => {
    expect(SERVER_CAPABILITIES.toString(16)).toBe('1ffb68f');
    expect(hex(encodeHandshakeV10(greeting))).toBe(
      '0a' +
        hex(Buffer.from('8.0.36-borealis\0')) +
        '07000000' +
        hex(Buffer.from('abcdefgh')) +
        '00' +
        '8fb6' + // capability flags, lower 16 bits (CLIENT_LOCAL_FILES: 0x80)
        'ff' + // utf8mb4_0900_ai_ci
        '0200' + // SERVER_STATUS_AUTOCOMMIT
        'ff01' + // capability flags, upper 16 bits
        '15' + // 21 = scramble + NUL
        '00000000000000000000' + // reserved, MariaDB extended capabilities zero
        hex(Buffer.from('ijklmnopqrst\0')) +
        hex(Buffer.from('mysql_native_password\0')),
    );
  });

  it('offers what the client traces ask for and withholds SSL, COMPRESS, QUERY_ATTRIBUTES', () => {
    expect(hasFlag(SERVER_CAPABILITIES, CLIENT.CLIENT_SESSION_TRACK)).toBe(true); // K2
    expect(hasFlag(greetingCapabilities(true), CLIENT.CLIENT_SSL)).toBe(true); // K1, with TLS
    expect(greetingCapabilities(false)).toBe(SERVER_CAPABILITIES);
    for (const flag of [
      CLIENT.CLIENT_LONG_PASSWORD,
      CLIENT.CLIENT_PROTOCOL_41,
      CLIENT.CLIENT_SECURE_CONNECTION,
      CLIENT.CLIENT_PLUGIN_AUTH,
      CLIENT.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
      CLIENT.CLIENT_CONNECT_WITH_DB,
      CLIENT.CLIENT_CONNECT_ATTRS,
      CLIENT.CLIENT_TRANSACTIONS,
      CLIENT.CLIENT_MULTI_STATEMENTS,
      CLIENT.CLIENT_MULTI_RESULTS,
      CLIENT.CLIENT_PS_MULTI_RESULTS,
      CLIENT.CLIENT_FOUND_ROWS,
      CLIENT.CLIENT_LONG_FLAG,
      CLIENT.CLIENT_DEPRECATE_EOF,
      CLIENT.CLIENT_LOCAL_FILES, // LOAD DATA LOCAL INFILE (commands/local-infile.ts)
    ]) {
      expect(hasFlag(SERVER_CAPABILITIES, flag)).toBe(true);
    }
    for (const flag of [
      CLIENT.CLIENT_SSL,
      CLIENT.CLIENT_COMPRESS,
      CLIENT.CLIENT_QUERY_ATTRIBUTES,
    ]) {
      expect(hasFlag(SERVER_CAPABILITIES, flag)).toBe(false);
    }
  });

  it('parses in mysql2 as a MySQL (not MariaDB) greeting', () => {
    const parsed = mysql2.Handshake.fromPacket(mysql2Packet(encodeHandshakeV10(greeting)));
    expect(parsed).toMatchObject({
      protocolVersion: 10,
      serverVersion: '8.0.36-borealis',
      connectionId: 7,
      capabilityFlags: SERVER_CAPABILITIES,
      characterSet: 255,
      statusFlags: 2,
      authPluginName: 'mysql_native_password',
    });
    const data = Buffer.concat([
      parsed['authPluginData1'] as Buffer,
      parsed['authPluginData2'] as Buffer,
    ]);
    expect(data.subarray(0, 20).equals(scramble)).toBe(true);
    expect(parsed['mariadbExtendedCapabilityFlags'] ?? 0).toBe(0);
  });

  it('round-trips through its own decoder', () => {
    expect(decodeHandshakeV10(encodeHandshakeV10(greeting))).toEqual(greeting);
  });

  it('refuses a scramble with a NUL byte', () => {
    const bad = Buffer.from(scramble);
    bad[12] = 0;
    expect(() => encodeHandshakeV10({ ...greeting, scramble: bad })).toThrow();
  });
});
