/**
 * Byte builders for tests: client packets written by hand, as a client would send them. Pure (no
 * sockets); the raw test client in server/testing/raw-client.ts sends what these build.
 */
import { scrambleNativePassword } from '../auth/native-password.js';
import { CLIENT, COM } from './constants.js';
import { framePacket } from './framing.js';
import { encodeHandshakeResponse, type HandshakeResponse41 } from './packets/handshake-response.js';
import { lenEncBytesSize, lenEncIntSize, writeLenEncBytes, writeLenEncInt } from './wire.js';

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

export function u8(n: number): Buffer {
  return Buffer.from([n]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function lenEncInt(n: number | bigint): Buffer {
  const b = Buffer.alloc(lenEncIntSize(n));
  writeLenEncInt(b, 0, n);
  return b;
}

export function lenEncStr(s: string | Buffer): Buffer {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const b = Buffer.alloc(lenEncBytesSize(bytes.length));
  writeLenEncBytes(b, 0, bytes);
  return b;
}

export function nulStr(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf8');
}

/** A framed packet: header + payload. */
export function packet(sequenceId: number, ...parts: Buffer[]): Buffer {
  return framePacket(Buffer.concat(parts), sequenceId);
}

export function comQuery(sql: string | Buffer): Buffer {
  return Buffer.concat([u8(COM.COM_QUERY), typeof sql === 'string' ? Buffer.from(sql) : sql]);
}

export function comInitDb(database: string): Buffer {
  return Buffer.concat([u8(COM.COM_INIT_DB), Buffer.from(database, 'utf8')]);
}

export function comPing(): Buffer {
  return u8(COM.COM_PING);
}

export function comQuit(): Buffer {
  return u8(COM.COM_QUIT);
}

/** What libmariadb-like clients ask for: the usual 4.1 flags, attributes, native password. */
export const TYPICAL_CLIENT_CAPABILITIES =
  (CLIENT.CLIENT_LONG_PASSWORD |
    CLIENT.CLIENT_FOUND_ROWS |
    CLIENT.CLIENT_LONG_FLAG |
    CLIENT.CLIENT_PROTOCOL_41 |
    CLIENT.CLIENT_TRANSACTIONS |
    CLIENT.CLIENT_SECURE_CONNECTION |
    CLIENT.CLIENT_MULTI_RESULTS |
    CLIENT.CLIENT_PLUGIN_AUTH |
    CLIENT.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA |
    CLIENT.CLIENT_CONNECT_ATTRS |
    CLIENT.CLIENT_SESSION_TRACK) >>>
  0;

export interface ResponseOptions {
  readonly capabilities?: number;
  readonly user?: string;
  readonly password?: string;
  readonly scramble: Buffer;
  readonly database?: string | null;
  readonly authPluginName?: string;
  /** Overrides the auth data computed from password and scramble. */
  readonly authResponse?: Buffer;
}

/** A HandshakeResponse41 payload answering a greeting's scramble. */
export function handshakeResponse(options: ResponseOptions): Buffer {
  let capabilities = options.capabilities ?? TYPICAL_CLIENT_CAPABILITIES;
  const database = options.database ?? null;
  if (database !== null) capabilities = (capabilities | CLIENT.CLIENT_CONNECT_WITH_DB) >>> 0;
  const fields: HandshakeResponse41 = {
    capabilities,
    maxPacketSize: 0,
    characterSet: 224,
    username: options.user ?? 'root',
    authResponse:
      options.authResponse ??
      scrambleNativePassword(options.password ?? '', options.scramble),
    database,
    authPluginName: options.authPluginName ?? 'mysql_native_password',
    connectAttributes: new Map([
      ['_client_name', 'borealis-raw-test'],
      ['_os', 'linux'],
    ]),
  };
  return encodeHandshakeResponse(fields);
}
