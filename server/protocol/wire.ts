/**
 * The MySQL protocol's basic data types as pure (buffer, position) codecs: fixed-length integers,
 * length-encoded integers and strings, NUL-terminated strings. No sockets, no packets.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_strings.html
 *
 * Length-encoded integer (int<lenenc>), little-endian:
 *   value < 0xFB          1 byte: the value
 *   value < 2^16          0xFC + int<2>
 *   value < 2^24          0xFD + int<3>
 *   otherwise             0xFE + int<8>
 *   0xFB                  is NULL in a text row, never an integer; 0xFF starts an ERR packet.
 *
 * Invariants:
 *   (W1) Readers never read past the buffer: bytes that run out or do not parse throw a
 *        ProtocolError (ER_MALFORMED_PACKET), because they come from a client.
 *   (W2) Writers are given a buffer sized with the *Size functions; writing past it is a bug in
 *        the caller and fails an assertion.
 *   (W3) Values read as `bigint` may exceed 2^53; `readLenEncLength` returns a number and refuses
 *        values above Number.MAX_SAFE_INTEGER.
 */
import assert from 'node:assert/strict';
import { malformed } from './errors.js';

/** First byte of a NULL cell in a text row. */
export const LENENC_NULL = 0xfb;
const LENENC_2 = 0xfc;
const LENENC_3 = 0xfd;
const LENENC_8 = 0xfe;

const TWO_16 = 0x1_0000;
const TWO_24 = 0x100_0000;
const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

export interface Read<T> {
  readonly value: T;
  readonly pos: number;
}

function need(buf: Buffer, pos: number, size: number, what: string): void {
  if (pos < 0 || pos + size > buf.length) {
    throw malformed(`${what}: needs ${size} bytes at ${pos}, payload has ${buf.length}`);
  }
}

// ---- length-encoded integers ----

export function lenEncIntSize(n: number | bigint): number {
  if (typeof n === 'bigint') {
    assert(n >= 0n && n <= UINT64_MAX, 'W2: lenenc integer out of range');
    return n < 0xfbn ? 1 : n < BigInt(TWO_16) ? 3 : n < BigInt(TWO_24) ? 4 : 9;
  }
  assert(Number.isSafeInteger(n) && n >= 0, 'W2: lenenc integer must be a safe integer ≥ 0');
  return n < 0xfb ? 1 : n < TWO_16 ? 3 : n < TWO_24 ? 4 : 9;
}

export function writeLenEncInt(buf: Buffer, pos: number, n: number | bigint): number {
  const size = lenEncIntSize(n);
  assert(pos + size <= buf.length, 'W2: lenenc integer does not fit');
  if (size === 9) {
    buf[pos] = LENENC_8;
    buf.writeBigUInt64LE(BigInt(n), pos + 1);
    return pos + 9;
  }
  const v = Number(n);
  if (size === 1) {
    buf[pos] = v;
  } else if (size === 3) {
    buf[pos] = LENENC_2;
    buf.writeUInt16LE(v, pos + 1);
  } else {
    buf[pos] = LENENC_3;
    buf.writeUIntLE(v, pos + 1, 3);
  }
  return pos + size;
}

export function readLenEncInt(buf: Buffer, pos: number): Read<bigint> {
  need(buf, pos, 1, 'lenenc integer');
  const first = buf[pos] as number;
  if (first < LENENC_NULL) return { value: BigInt(first), pos: pos + 1 };
  switch (first) {
    case LENENC_2:
      need(buf, pos + 1, 2, 'lenenc integer');
      return { value: BigInt(buf.readUInt16LE(pos + 1)), pos: pos + 3 };
    case LENENC_3:
      need(buf, pos + 1, 3, 'lenenc integer');
      return { value: BigInt(buf.readUIntLE(pos + 1, 3)), pos: pos + 4 };
    case LENENC_8:
      need(buf, pos + 1, 8, 'lenenc integer');
      return { value: buf.readBigUInt64LE(pos + 1), pos: pos + 9 };
    default:
      throw malformed(`lenenc integer: first byte 0x${first.toString(16)} at ${pos}`);
  }
}

/** A lenenc integer used as a length or count: a number, at most Number.MAX_SAFE_INTEGER (W3). */
export function readLenEncLength(buf: Buffer, pos: number): Read<number> {
  const { value, pos: next } = readLenEncInt(buf, pos);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`lenenc length ${value} too big`);
  return { value: Number(value), pos: next };
}

// ---- length-encoded strings ----

export function lenEncBytesSize(byteLength: number): number {
  return lenEncIntSize(byteLength) + byteLength;
}

export function writeLenEncBytes(buf: Buffer, pos: number, bytes: Uint8Array): number {
  const start = writeLenEncInt(buf, pos, bytes.length);
  assert(start + bytes.length <= buf.length, 'W2: lenenc string does not fit');
  buf.set(bytes, start);
  return start + bytes.length;
}

/** Writes `s` as UTF-8; `byteLength` must be Buffer.byteLength(s, 'utf8'), computed for sizing. */
export function writeLenEncString(buf: Buffer, pos: number, s: string, byteLength: number): number {
  const start = writeLenEncInt(buf, pos, byteLength);
  assert(start + byteLength <= buf.length, 'W2: lenenc string does not fit');
  const written = buf.write(s, start, byteLength, 'utf8');
  assert(written === byteLength, 'W2: lenenc string byteLength was wrong');
  return start + byteLength;
}

/** The bytes of a lenenc string. The result is a view of `buf`: copy it to keep it. */
export function readLenEncBytes(buf: Buffer, pos: number): Read<Buffer> {
  const { value: length, pos: start } = readLenEncLength(buf, pos);
  need(buf, start, length, 'lenenc string');
  return { value: buf.subarray(start, start + length), pos: start + length };
}

// ---- NUL-terminated strings ----

/** The bytes up to the next NUL (excluded); a view of `buf`. */
export function readNulBytes(buf: Buffer, pos: number): Read<Buffer> {
  need(buf, pos, 0, 'NUL string');
  const end = buf.indexOf(0, pos);
  if (end < 0) throw malformed(`NUL string at ${pos} has no terminator`);
  return { value: buf.subarray(pos, end), pos: end + 1 };
}

export function nulStringSize(s: string): number {
  return Buffer.byteLength(s, 'utf8') + 1;
}

export function writeNulString(buf: Buffer, pos: number, s: string): number {
  assert(!s.includes('\0'), 'W2: a NUL string may not contain NUL');
  const length = Buffer.byteLength(s, 'utf8');
  assert(pos + length + 1 <= buf.length, 'W2: NUL string does not fit');
  buf.write(s, pos, length, 'utf8');
  buf[pos + length] = 0;
  return pos + length + 1;
}

// ---- fixed-length integers ----

export type FixedIntSize = 1 | 2 | 3 | 4 | 6;

export function readFixedInt(buf: Buffer, pos: number, size: FixedIntSize): Read<number> {
  need(buf, pos, size, `int<${size}>`);
  return { value: buf.readUIntLE(pos, size), pos: pos + size };
}

export function writeFixedInt(buf: Buffer, pos: number, value: number, size: FixedIntSize): number {
  assert(pos + size <= buf.length, 'W2: fixed integer does not fit');
  buf.writeUIntLE(value, pos, size);
  return pos + size;
}

export function readFixedInt8(buf: Buffer, pos: number): Read<bigint> {
  need(buf, pos, 8, 'int<8>');
  return { value: buf.readBigUInt64LE(pos), pos: pos + 8 };
}

/**
 * A cursor over one payload, for decoders: each method reads at `pos` and advances it. Every read
 * is bounds-checked (W1). Buffers it returns are views of the payload.
 */
export class PayloadReader {
  pos: number;

  constructor(
    readonly payload: Buffer,
    pos = 0,
  ) {
    this.pos = pos;
  }

  get remaining(): number {
    return this.payload.length - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.payload.length;
  }

  int(size: FixedIntSize): number {
    return this.#take(readFixedInt(this.payload, this.pos, size));
  }

  int8(): bigint {
    return this.#take(readFixedInt8(this.payload, this.pos));
  }

  lenEncInt(): bigint {
    return this.#take(readLenEncInt(this.payload, this.pos));
  }

  lenEncLength(): number {
    return this.#take(readLenEncLength(this.payload, this.pos));
  }

  lenEncBytes(): Buffer {
    return this.#take(readLenEncBytes(this.payload, this.pos));
  }

  nulBytes(): Buffer {
    return this.#take(readNulBytes(this.payload, this.pos));
  }

  bytes(length: number): Buffer {
    need(this.payload, this.pos, length, 'fixed string');
    const value = this.payload.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  skip(length: number): void {
    need(this.payload, this.pos, length, 'filler');
    this.pos += length;
  }

  /** string<EOF>: everything left. */
  rest(): Buffer {
    const value = this.payload.subarray(this.pos);
    this.pos = this.payload.length;
    return value;
  }

  #take<T>(read: Read<T>): T {
    this.pos = read.pos;
    return read.value;
  }
}
