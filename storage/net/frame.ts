/**
 * Frames of the storage protocol, and their authentication with the cluster secret. Pure: no
 * sockets (tcp-network.ts and server.ts own those).
 *
 * Every frame (little-endian):
 *
 *   OFFSET SIZE DESCRIPTION
 *   0      4    magic "BRLS"
 *   4      1    protocol version (PROTOCOL_VERSION)
 *   5      1    type (FRAME_TYPE)
 *   6      2    reserved, zero
 *   8      4    payload length n (at most FRAME_PAYLOAD_MAX)
 *   12     8    sequence number: per connection and direction, 0 for the handshake, then 1, 2, …
 *   20     4    request id: a reply carries its request's id
 *   24     n    payload: a message (codec.ts), a nonce (handshake), or a failure
 *   24+n   32   HMAC-SHA256 of bytes 0 .. 24+n-1 under the direction's key
 *
 * Handshake (mutual: each side proves it holds the cluster secret, and every later frame is tied
 * to this connection's fresh nonces, so a recorded frame cannot be replayed, on this connection or
 * another):
 *   client → hello    payload: 32-byte client nonce; MAC key HMAC(secret, "hello")
 *   server → welcome  payload: 32-byte server nonce; MAC key s2c
 *   keys:   c2s = HMAC(secret, "c2s" ‖ cn ‖ sn), s2c = HMAC(secret, "s2c" ‖ cn ‖ sn)
 * Then requests (client → server, key c2s) and replies or failures (server → client, key s2c),
 * each with the next sequence number of its direction (A2). A frame that fails any check closes
 * the connection: there is no error frame for a stranger.
 *
 * Invariants:
 *   (A1) no payload is decoded before its frame's MAC has been verified.
 *   (A2) a receiver accepts sequence numbers 1, 2, 3 … exactly, in order, once each.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WireError } from '../bytes.js';
import { FRAME_PAYLOAD_MAX } from '../config.js';
import { StorageError, type StorageErrorKind } from '../errors.js';

export const PROTOCOL_VERSION = 1;
export const FRAME_MAGIC = Buffer.from('BRLS', 'latin1');
export const FRAME_HEADER_SIZE = 24;
export const FRAME_MAC_SIZE = 32;
export const NONCE_SIZE = 32;

export const FRAME_TYPE = {
  hello: 1,
  welcome: 2,
  request: 3,
  reply: 4,
  /** The node could not answer (StorageError on the client): payload u8 kind, UTF-8 message. */
  failure: 5,
} as const satisfies Record<string, number>;
export type FrameType = (typeof FRAME_TYPE)[keyof typeof FRAME_TYPE];

export interface Frame {
  readonly type: FrameType;
  readonly sequence: number;
  readonly requestId: number;
  readonly payload: Buffer;
}

/** A frame as received: header fields, and the whole frame's bytes for the MAC check. */
export interface RawFrame extends Frame {
  readonly bytes: Buffer;
}

export interface SessionKeys {
  readonly clientToServer: Buffer;
  readonly serverToClient: Buffer;
}

export function helloKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('borealis storage hello').digest();
}

export function sessionKeys(secret: string, clientNonce: Buffer, serverNonce: Buffer): SessionKeys {
  const derive = (label: string): Buffer =>
    createHmac('sha256', secret).update(label).update(clientNonce).update(serverNonce).digest();
  return { clientToServer: derive('c2s'), serverToClient: derive('s2c') };
}

export function encodeFrame(frame: Frame, key: Buffer): Buffer {
  const n = frame.payload.length;
  if (n > FRAME_PAYLOAD_MAX) throw new WireError(`frame payload of ${n} bytes`);
  const buf = Buffer.allocUnsafe(FRAME_HEADER_SIZE + n + FRAME_MAC_SIZE);
  FRAME_MAGIC.copy(buf, 0);
  buf[4] = PROTOCOL_VERSION;
  buf[5] = frame.type;
  buf.writeUInt16LE(0, 6);
  buf.writeUInt32LE(n, 8);
  buf.writeUInt32LE(frame.sequence % 0x1_0000_0000, 12);
  buf.writeUInt32LE(Math.floor(frame.sequence / 0x1_0000_0000), 16);
  buf.writeUInt32LE(frame.requestId, 20);
  frame.payload.copy(buf, FRAME_HEADER_SIZE);
  const mac = createHmac('sha256', key).update(buf.subarray(0, FRAME_HEADER_SIZE + n)).digest();
  mac.copy(buf, FRAME_HEADER_SIZE + n);
  return buf;
}

/** A1: true if the frame's MAC is right under `key`. */
export function frameIsAuthentic(frame: RawFrame, key: Buffer): boolean {
  const n = frame.payload.length;
  const mac = createHmac('sha256', key)
    .update(frame.bytes.subarray(0, FRAME_HEADER_SIZE + n))
    .digest();
  return timingSafeEqual(mac, frame.bytes.subarray(FRAME_HEADER_SIZE + n));
}

/**
 * Splits a byte stream into frames. Checks magic, version, type and length as soon as a header
 * is complete, so garbage or a huge length is refused before it is buffered (WireError).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): RawFrame | undefined {
    if (this.buffered < FRAME_HEADER_SIZE) return undefined;
    const head = this.peek(FRAME_HEADER_SIZE);
    if (!head.subarray(0, 4).equals(FRAME_MAGIC)) throw new WireError('not a Borealis frame');
    if (head[4] !== PROTOCOL_VERSION) throw new WireError(`protocol version ${head[4]}`);
    const type = head[5] ?? 0;
    if (type < FRAME_TYPE.hello || type > FRAME_TYPE.failure) {
      throw new WireError(`frame type ${type}`);
    }
    const n = head.readUInt32LE(8);
    if (n > FRAME_PAYLOAD_MAX) throw new WireError(`frame payload of ${n} bytes`);
    const size = FRAME_HEADER_SIZE + n + FRAME_MAC_SIZE;
    if (this.buffered < size) return undefined;
    const bytes = this.take(size);
    return {
      type: type as FrameType,
      sequence: bytes.readUInt32LE(12) + bytes.readUInt32LE(16) * 0x1_0000_0000,
      requestId: bytes.readUInt32LE(20),
      payload: bytes.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + n),
      bytes,
    };
  }

  private peek(size: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= size) return first.subarray(0, size);
    this.chunks = [Buffer.concat(this.chunks)];
    return (this.chunks[0] ?? Buffer.alloc(0)).subarray(0, size);
  }

  /** Removes `size` bytes from the front; a copy, so it outlives the socket's chunk. */
  private take(size: number): Buffer {
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    const joined = only ?? Buffer.concat(this.chunks);
    const out = Buffer.from(joined.subarray(0, size));
    const rest = joined.subarray(size);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= size;
    return out;
  }
}

const ERROR_KINDS = [
  'quorum-timeout',
  'stale-epoch',
  'unavailable',
  'corrupt',
  'closed',
  'store-failed',
  'misconfigured',
  'unauthenticated',
] as const satisfies readonly StorageErrorKind[];
// Fails to compile if a StorageErrorKind is missing from ERROR_KINDS.
const ERROR_KINDS_COMPLETE: Record<StorageErrorKind, true> = {
  'quorum-timeout': true,
  'stale-epoch': true,
  unavailable: true,
  corrupt: true,
  closed: true,
  'store-failed': true,
  misconfigured: true,
  unauthenticated: true,
};
void ERROR_KINDS_COMPLETE;

/** A failure frame's payload: u8 error kind, then the message (UTF-8). */
export function encodeFailure(error: StorageError): Buffer {
  const message = Buffer.from(error.message, 'utf8');
  const out = Buffer.allocUnsafe(1 + message.length);
  out[0] = ERROR_KINDS.indexOf(error.kind);
  message.copy(out, 1);
  return out;
}

export function decodeFailure(payload: Buffer): StorageError {
  const kind = ERROR_KINDS[payload[0] ?? 255];
  if (kind === undefined) throw new WireError(`unknown error kind ${payload[0]}`);
  return new StorageError(kind, payload.subarray(1).toString('utf8'));
}
