/**
 * Golden bytes for AuthSwitchRequest and mysql2's reading of it.
 */
import { describe, expect, it } from 'vitest';
import { mysql2, mysql2Packet } from '../../testing/mysql2-packets.js';
import { hex } from '../testing.js';
import { decodeAuthSwitchRequest, encodeAuthSwitchRequest } from './auth-switch.js';

describe('AuthSwitchRequest', () => {
  const pluginData = Buffer.concat([Buffer.from('abcdefghijklmnopqrst'), Buffer.from([0])]);

  it('is 0xFE, the plugin name, then the scramble and a NUL', () => {
    const payload = encodeAuthSwitchRequest({ pluginName: 'mysql_native_password', pluginData });
    expect(hex(payload)).toBe(
      'fe' +
        hex(Buffer.from('mysql_native_password\0')) +
        hex(Buffer.from('abcdefghijklmnopqrst\0')),
    );
    expect(decodeAuthSwitchRequest(payload)).toEqual({
      pluginName: 'mysql_native_password',
      pluginData,
    });
  });

  it('parses in mysql2', () => {
    const payload = encodeAuthSwitchRequest({ pluginName: 'mysql_native_password', pluginData });
    const parsed = mysql2.AuthSwitchRequest.fromPacket(mysql2Packet(payload));
    expect(parsed.pluginName).toBe('mysql_native_password');
    expect(parsed.pluginData.equals(pluginData)).toBe(true);
  });
});
