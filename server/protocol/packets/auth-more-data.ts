/**
 * Protocol::AuthMoreData: extra data in an authentication exchange. caching_sha2_password uses
 * it for its one-byte verdicts (0x03 fast_auth_success, 0x04 perform_full_authentication) and to
 * send the server's RSA public key in PEM.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_more_data.html
 *
 *   int<1>       status  0x01
 *   string<EOF>  authentication method data
 */
import assert from 'node:assert/strict';
import { PayloadReader } from '../wire.js';

export const AUTH_MORE_DATA_HEADER = 0x01;

export function encodeAuthMoreData(data: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(1 + data.length);
  buf[0] = AUTH_MORE_DATA_HEADER;
  data.copy(buf, 1);
  return buf;
}

export function decodeAuthMoreData(payload: Buffer): Buffer {
  const r = new PayloadReader(payload);
  assert(r.int(1) === AUTH_MORE_DATA_HEADER, 'not an AuthMoreData packet');
  return Buffer.from(r.rest());
}
