/**
 * Protocol::HandshakeResponse41: the client's answer to the greeting (user, auth data, database,
 * plugin, connection attributes). The encoder is for tests and the raw test client.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html
 *
 *   int<4>       client_flag       capabilities the client wants
 *   int<4>       max_packet_size   ignored (mysql2 sends 0, the mariadb connector 1 GiB)
 *   int<1>       character_set
 *   filler[23]   zeros
 *   string<NUL>  username
 *   auth_response:
 *     CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA   string<lenenc>
 *     else CLIENT_SECURE_CONNECTION          int<1> length + bytes
 *     else                                   string<NUL>
 *   string<NUL>  database              (CLIENT_CONNECT_WITH_DB)
 *   string<NUL>  client_plugin_name    (CLIENT_PLUGIN_AUTH)
 *   int<lenenc>  attributes length     (CLIENT_CONNECT_ATTRS), then key/value string<lenenc> pairs
 *   int<1>       zstd level            (CLIENT_ZSTD_COMPRESSION_ALGORITHM; never offered, ignored)
 *
 * Fields are parsed by the flags the *client* set, since that is how it laid them out. A payload
 * that does not parse is a ProtocolError. An SSLRequest (the 32-byte prefix alone, with
 * CLIENT_SSL) never reaches this decoder when TLS was offered (connection.ts switches to TLS
 * first); without TLS it is ER_HANDSHAKE_ERROR here.
 */
import { CLIENT, hasFlag } from '../constants.js';
import { malformed, ProtocolError } from '../errors.js';
import { lenEncBytesSize, PayloadReader, writeLenEncBytes } from '../wire.js';

const FILLER_LENGTH = 23;
const FIXED_PREFIX_LENGTH = 4 + 4 + 1 + FILLER_LENGTH;

export interface HandshakeResponse41 {
  readonly capabilities: number;
  readonly maxPacketSize: number;
  readonly characterSet: number;
  readonly username: string;
  /** Secret-bearing: never log it (the root logger redacts `authResponse`). */
  readonly authResponse: Buffer;
  /** null when CONNECT_WITH_DB is unset or the name is empty. */
  readonly database: string | null;
  /** null when CLIENT_PLUGIN_AUTH is unset or the name is absent. */
  readonly authPluginName: string | null;
  readonly connectAttributes: ReadonlyMap<string, string>;
}

export function decodeHandshakeResponse(payload: Buffer): HandshakeResponse41 {
  const r = new PayloadReader(payload);
  const capabilities = r.int(4) >>> 0;
  const has = (flag: number): boolean => hasFlag(capabilities, flag);
  if (!has(CLIENT.CLIENT_PROTOCOL_41)) {
    throw new ProtocolError('ER_HANDSHAKE_ERROR', 'client without CLIENT_PROTOCOL_41');
  }
  if (has(CLIENT.CLIENT_SSL) && payload.length === FIXED_PREFIX_LENGTH) {
    throw new ProtocolError('ER_HANDSHAKE_ERROR', 'SSLRequest, but TLS was not offered');
  }
  const maxPacketSize = r.int(4);
  const characterSet = r.int(1);
  r.skip(FILLER_LENGTH);
  const username = r.nulBytes().toString('utf8');
  let authResponse: Buffer;
  if (has(CLIENT.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) authResponse = r.lenEncBytes();
  else if (has(CLIENT.CLIENT_SECURE_CONNECTION)) authResponse = r.bytes(r.int(1));
  else authResponse = r.nulBytes();
  let database: string | null = null;
  if (has(CLIENT.CLIENT_CONNECT_WITH_DB) && !r.atEnd()) {
    database = r.nulBytes().toString('utf8') || null;
  }
  let authPluginName: string | null = null;
  if (has(CLIENT.CLIENT_PLUGIN_AUTH) && !r.atEnd()) {
    authPluginName = r.nulBytes().toString('utf8') || null;
  }
  const connectAttributes =
    has(CLIENT.CLIENT_CONNECT_ATTRS) && !r.atEnd() ? decodeAttributes(r) : new Map();
  return {
    capabilities,
    maxPacketSize,
    characterSet,
    username,
    authResponse: Buffer.from(authResponse),
    database,
    authPluginName,
    connectAttributes,
  };
}

function decodeAttributes(r: PayloadReader): Map<string, string> {
  const length = r.lenEncLength();
  const end = r.pos + length;
  if (end > r.payload.length) throw malformed('connection attributes run past the payload');
  const attributes = new Map<string, string>();
  while (r.pos < end) {
    const key = r.lenEncBytes().toString('utf8');
    const value = r.lenEncBytes().toString('utf8');
    attributes.set(key, value);
  }
  if (r.pos !== end) throw malformed('connection attributes overrun their length');
  return attributes;
}

export function encodeHandshakeResponse(h: HandshakeResponse41): Buffer {
  const has = (flag: number): boolean => hasFlag(h.capabilities, flag);
  const nul = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');
  const prefix = Buffer.alloc(FIXED_PREFIX_LENGTH);
  prefix.writeUInt32LE(h.capabilities >>> 0, 0);
  prefix.writeUInt32LE(h.maxPacketSize, 4);
  prefix.writeUInt8(h.characterSet, 8);
  const parts = [prefix, nul(h.username)];
  if (has(CLIENT.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) parts.push(lenEnc(h.authResponse));
  else if (has(CLIENT.CLIENT_SECURE_CONNECTION)) {
    parts.push(Buffer.from([h.authResponse.length]), h.authResponse);
  } else parts.push(h.authResponse, Buffer.from([0]));
  if (has(CLIENT.CLIENT_CONNECT_WITH_DB)) parts.push(nul(h.database ?? ''));
  if (has(CLIENT.CLIENT_PLUGIN_AUTH)) parts.push(nul(h.authPluginName ?? ''));
  if (has(CLIENT.CLIENT_CONNECT_ATTRS)) {
    const pairs = [...h.connectAttributes].flatMap(([k, v]) => [
      lenEnc(Buffer.from(k, 'utf8')),
      lenEnc(Buffer.from(v, 'utf8')),
    ]);
    parts.push(lenEnc(Buffer.concat(pairs)));
  }
  return Buffer.concat(parts);
}

function lenEnc(bytes: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(lenEncBytesSize(bytes.length));
  writeLenEncBytes(buf, 0, bytes);
  return buf;
}
