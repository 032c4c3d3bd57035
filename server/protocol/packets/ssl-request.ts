/**
 * Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41, with CLIENT_SSL set, sent
 * alone. The client then starts TLS on the same socket, and sends its full HandshakeResponse41
 * (with the next sequence id) over TLS.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_ssl_request.html
 *
 *   int<4>       client_flag       with CLIENT_SSL
 *   int<4>       max_packet_size
 *   int<1>       character_set
 *   filler[23]   zeros
 */
import { CLIENT, hasFlag } from '../constants.js';
import { PayloadReader } from '../wire.js';

export const SSL_REQUEST_LENGTH = 32;

export interface SslRequest {
  readonly capabilities: number;
  readonly maxPacketSize: number;
  readonly characterSet: number;
}

/** True for a payload that is an SSLRequest rather than a full handshake response. */
export function isSslRequest(payload: Buffer): boolean {
  return (
    payload.length === SSL_REQUEST_LENGTH &&
    hasFlag(payload.readUInt32LE(0), CLIENT.CLIENT_SSL)
  );
}

export function decodeSslRequest(payload: Buffer): SslRequest {
  const r = new PayloadReader(payload);
  return { capabilities: r.int(4) >>> 0, maxPacketSize: r.int(4), characterSet: r.int(1) };
}

export function encodeSslRequest(request: SslRequest): Buffer {
  const buf = Buffer.alloc(SSL_REQUEST_LENGTH);
  buf.writeUInt32LE((request.capabilities | CLIENT.CLIENT_SSL) >>> 0, 0);
  buf.writeUInt32LE(request.maxPacketSize >>> 0, 4);
  buf[8] = request.characterSet;
  return buf;
}
