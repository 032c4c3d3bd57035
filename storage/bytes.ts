/**
 * ByteWriter / ByteReader: the little-endian field codecs that the storage protocol (net/codec.ts)
 * and the membership record (membership.ts) are written with. Pure, no sockets.
 *
 * Strings are UTF-8 with a u32 length; byte strings are a u32 length then the bytes; an LSN is
 * a u64 (it is a safe integer, asserted on both sides). A reader that runs past its buffer, or
 * meets a value out of range, throws WireError: bytes from the network are never trusted.
 */
import assert from 'node:assert/strict';

export class WireError extends Error {
  override readonly name = 'WireError';
}

export class ByteWriter {
  private buf: Buffer;
  private at = 0;

  constructor(initialBytes = 256) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.at;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  u8(v: number): this {
    assert(Number.isInteger(v) && v >= 0 && v <= 0xff, 'u8 range');
    this.room(1);
    this.buf[this.at++] = v;
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  u32(v: number): this {
    assert(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff, 'u32 range');
    this.room(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
    return this;
  }

  /** A safe non-negative integer as a u64 (LSNs, byte counts, times). */
  u64(v: number): this {
    assert(Number.isSafeInteger(v) && v >= 0, 'u64 is a safe non-negative integer');
    this.room(8);
    this.buf.writeUInt32LE(v % 0x1_0000_0000, this.at);
    this.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.at + 4);
    this.at += 8;
    return this;
  }

  bytes(v: Buffer): this {
    this.u32(v.length);
    this.room(v.length);
    v.copy(this.buf, this.at);
    this.at += v.length;
    return this;
  }

  /** Raw bytes without a length. */
  raw(v: Buffer): this {
    this.room(v.length);
    v.copy(this.buf, this.at);
    this.at += v.length;
    return this;
  }

  string(v: string): this {
    return this.bytes(Buffer.from(v, 'utf8'));
  }

  list<T>(items: readonly T[], each: (item: T) => void): this {
    this.u32(items.length);
    for (const item of items) each(item);
    return this;
  }

  /** Reserves a u32 that patchU32 fills in: a length known only once its bytes are written. */
  reserveU32(): number {
    this.room(4);
    const at = this.at;
    this.at += 4;
    return at;
  }

  patchU32(at: number, v: number): void {
    assert(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff, 'u32 range');
    assert(at + 4 <= this.at, 'patchU32 of a reserved u32');
    this.buf.writeUInt32LE(v, at);
  }

  /** The bytes written, copied out (the writer's buffer is reused no further). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }

  /** The bytes written, as a view of the writer's buffer: for a caller that copies them now. */
  view(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

export class ByteReader {
  private at: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.at = start;
  }

  get done(): boolean {
    return this.at === this.end;
  }

  private need(n: number): void {
    if (this.at + n > this.end) throw new WireError('message truncated');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.at++] ?? 0;
  }

  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw new WireError(`bad boolean ${v}`);
    return v === 1;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.at);
    const hi = this.buf.readUInt32LE(this.at + 4);
    this.at += 8;
    const v = hi * 0x1_0000_0000 + lo;
    if (!Number.isSafeInteger(v)) throw new WireError('u64 beyond 2^53');
    return v;
  }

  /** A copy of the next length-prefixed byte string: it outlives the frame it came in. */
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return v;
  }

  /**
   * The next length-prefixed byte string as a view of the buffer read, not a copy: only for a
   * buffer the reader's caller owns and keeps (a transferred batch, batch.ts).
   */
  view(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  string(): string {
    const n = this.u32();
    this.need(n);
    const v = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }

  list<T>(each: () => T, max = 1 << 24): T[] {
    const n = this.u32();
    if (n > max) throw new WireError(`list of ${n} items`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each());
    return out;
  }

  /** Asserts that nothing is left: a message is exactly its fields. */
  expectEnd(): void {
    if (!this.done) throw new WireError(`${this.end - this.at} bytes left over`);
  }
}
