/**
 * COM_CHANGE_USER: log in again as another user on the same connection. The server
 * authenticates (possibly with an AuthSwitchRequest, as at connect), resets the session, and
 * answers OK, or ERR and closes.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_change_user.html
 *
 *   int<1>       command                0x11
 *   string<NUL>  user
 *   auth_response:
 *     CLIENT_SECURE_CONNECTION           int<1> length + bytes
 *     else                               string<NUL>
 *   string<NUL>  schema
 *   int<2>       character_set          (if more data)
 *   string<NUL>  auth_plugin_name       (CLIENT_PLUGIN_AUTH, if more data)
 *   int<lenenc>  attributes length      (CLIENT_CONNECT_ATTRS, if more data), then the pairs
 *
 * Fields are laid out by the capabilities negotiated at connect.
 */
import { CLIENT, COM, hasFlag } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface ChangeUser {
  readonly user: string;
  /** Secret-bearing: never log it. */
  readonly authResponse: Buffer;
  /** null when empty. */
  readonly database: string | null;
  /** null when absent. */
  readonly characterSet: number | null;
  /** null when absent or empty. */
  readonly authPluginName: string | null;
}

export function decodeChangeUser(payload: Buffer, capabilities: number): ChangeUser {
  const has = (flag: number): boolean => hasFlag(capabilities, flag);
  const r = new PayloadReader(payload, 1);
  const user = r.nulBytes().toString('utf8');
  const authResponse = Buffer.from(
    has(CLIENT.CLIENT_SECURE_CONNECTION) ? r.bytes(r.int(1)) : r.nulBytes(),
  );
  const database = r.nulBytes().toString('utf8') || null;
  const characterSet = r.remaining >= 2 ? r.int(2) : null;
  let authPluginName: string | null = null;
  if (has(CLIENT.CLIENT_PLUGIN_AUTH) && !r.atEnd()) {
    authPluginName = r.nulBytes().toString('utf8') || null;
  }
  // Connection attributes may follow; nothing here uses them.
  return { user, authResponse, database, characterSet, authPluginName };
}

export function encodeChangeUser(request: ChangeUser, capabilities: number): Buffer {
  const nul = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');
  const parts = [Buffer.from([COM.COM_CHANGE_USER]), nul(request.user)];
  if (hasFlag(capabilities, CLIENT.CLIENT_SECURE_CONNECTION)) {
    parts.push(Buffer.from([request.authResponse.length]), request.authResponse);
  } else {
    parts.push(request.authResponse, Buffer.from([0]));
  }
  parts.push(nul(request.database ?? ''));
  if (request.characterSet !== null) {
    const charset = Buffer.alloc(2);
    charset.writeUInt16LE(request.characterSet);
    parts.push(charset);
  }
  if (hasFlag(capabilities, CLIENT.CLIENT_PLUGIN_AUTH) && request.authPluginName !== null) {
    parts.push(nul(request.authPluginName));
  }
  return Buffer.concat(parts);
}
