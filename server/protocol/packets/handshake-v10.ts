/**
 * Protocol::HandshakeV10: the server's greeting, the first packet on every connection.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html
 *
 *   int<1>       protocol version        10
 *   string<NUL>  server version          '8.0.36-borealis'
 *   int<4>       thread id               the connection id
 *   string[8]    auth-plugin-data-part-1 first 8 bytes of the scramble
 *   int<1>       filler                  0
 *   int<2>       capability_flags_1      lower 16 bits
 *   int<1>       character_set           collation id
 *   int<2>       status_flags
 *   int<2>       capability_flags_2      upper 16 bits
 *   int<1>       auth_plugin_data_len    scramble length + 1 (CLIENT_PLUGIN_AUTH), else 0
 *   string[10]   reserved                zeros (MariaDB reads its extended capabilities from the
 *                                        last 4; zero says "not MariaDB")
 *   string[$len] auth-plugin-data-part-2 the rest of the scramble and a NUL:
 *                                        max(13, auth_plugin_data_len - 8) bytes
 *   string<NUL>  auth_plugin_name        (CLIENT_PLUGIN_AUTH)
 */
import assert from 'node:assert/strict';
import { CLIENT, hasFlag } from '../constants.js';
import { nulStringSize, PayloadReader, writeNulString } from '../wire.js';

const PART_1_LENGTH = 8;
const RESERVED_LENGTH = 10;

export interface HandshakeV10 {
  readonly protocolVersion: number;
  readonly serverVersion: string;
  readonly connectionId: number;
  /** The whole scramble (auth-plugin-data), without the trailing NUL. */
  readonly scramble: Buffer;
  readonly capabilities: number;
  readonly characterSet: number;
  readonly statusFlags: number;
  readonly authPluginName: string;
}

export function encodeHandshakeV10(h: HandshakeV10): Buffer {
  assert(hasFlag(h.capabilities, CLIENT.CLIENT_PLUGIN_AUTH), 'the greeting names its plugin');
  assert(h.scramble.length >= PART_1_LENGTH, 'scramble has at least 8 bytes');
  assert(!h.scramble.includes(0), 'the scramble has no NUL (part 2 is NUL-terminated)');
  assert(h.connectionId >= 0 && h.connectionId <= 0xffff_ffff, 'connection id is int<4>');
  const part2Length = Math.max(13, h.scramble.length + 1 - PART_1_LENGTH);
  const size =
    1 + nulStringSize(h.serverVersion) + 4 + PART_1_LENGTH + 1 + 2 + 1 + 2 + 2 + 1 +
    RESERVED_LENGTH + part2Length + nulStringSize(h.authPluginName);
  const buf = Buffer.alloc(size);
  let pos = buf.writeUInt8(h.protocolVersion, 0);
  pos = writeNulString(buf, pos, h.serverVersion);
  pos = buf.writeUInt32LE(h.connectionId, pos);
  pos += h.scramble.copy(buf, pos, 0, PART_1_LENGTH);
  pos = buf.writeUInt8(0, pos);
  pos = buf.writeUInt16LE(h.capabilities & 0xffff, pos);
  pos = buf.writeUInt8(h.characterSet, pos);
  pos = buf.writeUInt16LE(h.statusFlags, pos);
  pos = buf.writeUInt16LE(h.capabilities >>> 16, pos);
  pos = buf.writeUInt8(h.scramble.length + 1, pos);
  pos += RESERVED_LENGTH; // zeros from Buffer.alloc
  h.scramble.copy(buf, pos, PART_1_LENGTH);
  pos += part2Length; // the NUL and any padding are zeros from Buffer.alloc
  pos = writeNulString(buf, pos, h.authPluginName);
  assert(pos === size, 'greeting size');
  return buf;
}

export function decodeHandshakeV10(payload: Buffer): HandshakeV10 {
  const r = new PayloadReader(payload);
  const protocolVersion = r.int(1);
  const serverVersion = r.nulBytes().toString('utf8');
  const connectionId = r.int(4);
  const part1 = r.bytes(PART_1_LENGTH);
  r.skip(1);
  const low = r.int(2);
  const characterSet = r.int(1);
  const statusFlags = r.int(2);
  const capabilities = (low | (r.int(2) << 16)) >>> 0;
  const dataLength = r.int(1);
  r.skip(RESERVED_LENGTH);
  const part2 = r.bytes(Math.max(13, dataLength - PART_1_LENGTH));
  const scramble = Buffer.concat([part1, part2.subarray(0, Math.max(0, dataLength - 1 - 8))]);
  const authPluginName = r.nulBytes().toString('utf8');
  return {
    protocolVersion,
    serverVersion,
    connectionId,
    scramble,
    capabilities,
    characterSet,
    statusFlags,
    authPluginName,
  };
}
