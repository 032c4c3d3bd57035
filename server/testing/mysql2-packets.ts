/**
 * mysql2's own packet classes, for golden tests: our encoders' output must parse in mysql2 to the
 * values we meant. Test-only (mysql2 is imported only by tests and conformance/).
 *
 * mysql2 does not export its packet classes, so they are loaded by file path from the installed
 * package. The types below describe only what the tests read.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('mysql2'));

export interface Mysql2Packet {
  offset: number;
  readonly buffer: Buffer;
  readLengthCodedNumber(bigNumberStrings?: boolean): number | string | null;
  readLengthCodedString(encoding?: string): string | null;
  haveMoreData(): boolean;
  isEOF(): boolean;
  eofWarningCount(): number;
  eofStatusFlags(): number;
  isError(): boolean;
  asError(encoding?: string): Error & { code?: string; errno?: number; sqlState?: string };
}

interface Mysql2Packets {
  Packet: new (id: number, buffer: Buffer, start: number, end: number) => Mysql2Packet;
  Handshake: { fromPacket(p: Mysql2Packet): Record<string, unknown> };
  HandshakeResponse: new (args: Record<string, unknown>) => { toPacket(): Mysql2Packet };
  AuthSwitchRequest: { fromPacket(p: Mysql2Packet): { pluginName: string; pluginData: Buffer } };
  ColumnDefinition: new (p: Mysql2Packet, encoding: string) => Record<string, unknown>;
  ResultSetHeader: new (p: Mysql2Packet, connection: unknown) => Record<string, unknown>;
  /** COM_STMT_EXECUTE: (statement id, values, charset number, timezone). */
  Execute: new (id: number, values: unknown[], charset: number, tz: string) => {
    toPacket(): Mysql2Packet;
  };
  /** COM_CHANGE_USER as mysql2 writes it. */
  ChangeUser: new (options: Record<string, unknown>) => { toPacket(): Mysql2Packet };
  SSLRequest: new (flags: number, charset: number) => { toPacket(): Mysql2Packet };
}

export const mysql2 = require(join(root, 'lib', 'packets', 'index.js')) as Mysql2Packets;

/** A payload as a mysql2 Packet (mysql2 expects the 4 header bytes in front). */
export function mysql2Packet(payload: Buffer, sequenceId = 0): Mysql2Packet {
  const buffer = Buffer.concat([Buffer.alloc(4), payload]);
  buffer.writeUIntLE(payload.length, 0, 3);
  buffer[3] = sequenceId;
  return new mysql2.Packet(sequenceId, buffer, 0, buffer.length);
}

/** The payload of a packet mysql2 built (its toPacket() output). */
export function payloadOf(packet: Mysql2Packet): Buffer {
  return Buffer.from(packet.buffer.subarray(4));
}

/** The minimum of a mysql2 connection that ResultSetHeader reads. */
export function fakeMysql2Connection(capabilityFlags: number): unknown {
  return {
    config: { bigNumberStrings: false, supportBigNumbers: true },
    serverEncoding: 'utf8',
    _handshakePacket: { capabilityFlags },
  };
}
