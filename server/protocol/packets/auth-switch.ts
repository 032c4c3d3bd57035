/**
 * Protocol::AuthSwitchRequest: asks the client to authenticate with another plugin, here always
 * mysql_native_password, when its HandshakeResponse named a different one. The client answers with
 * Protocol::AuthSwitchResponse, whose whole payload is the plugin's auth data.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_response.html
 *
 *   int<1>       status tag         0xFE
 *   string<NUL>  plugin name
 *   string<EOF>  auth plugin data   for mysql_native_password: the 20-byte scramble and a NUL,
 *                                   as MySQL sends it
 */
import assert from 'node:assert/strict';
import { nulStringSize, PayloadReader, writeNulString } from '../wire.js';

export const AUTH_SWITCH_HEADER = 0xfe;

export interface AuthSwitchRequest {
  readonly pluginName: string;
  readonly pluginData: Buffer;
}

export function encodeAuthSwitchRequest(request: AuthSwitchRequest): Buffer {
  const size = 1 + nulStringSize(request.pluginName) + request.pluginData.length;
  const buf = Buffer.allocUnsafe(size);
  buf[0] = AUTH_SWITCH_HEADER;
  const pos = writeNulString(buf, 1, request.pluginName);
  request.pluginData.copy(buf, pos);
  return buf;
}

export function decodeAuthSwitchRequest(payload: Buffer): AuthSwitchRequest {
  const r = new PayloadReader(payload);
  assert(r.int(1) === AUTH_SWITCH_HEADER, 'not an AuthSwitchRequest');
  const pluginName = r.nulBytes().toString('utf8');
  return { pluginName, pluginData: Buffer.from(r.rest()) };
}

/** The client's answer: its auth data, copied out of the socket chunk. */
export function decodeAuthSwitchResponse(payload: Buffer): Buffer {
  return Buffer.from(payload);
}

export function encodeAuthSwitchResponse(authData: Buffer): Buffer {
  return Buffer.from(authData);
}
