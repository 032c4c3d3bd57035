/**
 * The row format: a table row as the value of its primary-key B-tree entry.
 *
 *   OFFSET  SIZE        DESCRIPTION
 *   0       1           format version (ROW_FORMAT_VERSION)
 *   1       varint      column count n (rows written before an ADD COLUMN keep their count)
 *   …       ⌈n/8⌉       null bitmap: bit i (byte i>>3, bit i&7) set ⇔ column i is NULL
 *   …       …           each non-NULL column in order:
 *                         int w bytes    w bytes, big-endian two's complement
 *                         DECIMAL        u8 length, then big-endian two's complement unscaled
 *                                        value at the column's scale
 *                         DATETIME       8 bytes big-endian two's complement microseconds
 *                                        (datetime.ts; negative: a zero date, DT1); DATE and
 *                                        TIMESTAMP (UTC) likewise
 *                         TIME           8 bytes big-endian two's complement microseconds
 *                         DOUBLE         8 bytes IEEE 754 big-endian (FLOAT: float32-rounded)
 *                         ENUM           varint member index (0: the error value '')
 *                         SET            8 bytes big-endian member bit mask
 *                         string         varint byte length, then UTF-8 (binary strings:
 *                                        the bytes; JSON: its canonical text)
 *
 * Every column is stored, primary-key columns too, so decoding needs only the value. Decoding
 * is one forward pass with no allocation beyond the values.
 */
import assert from 'node:assert/strict';
import { Decimal } from './sql/decimal.js';
import { type SqlType, type Value, memberNumber } from './sql/values.js';
import { unreachable } from './unreachable.js';

export const ROW_FORMAT_VERSION = 1;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[at++] = n;
  return at;
}

/** Minimal big-endian two's complement of `value` (at least one byte). */
function signedBytes(value: bigint): Buffer {
  const magnitudeBits = (value < 0n ? -value - 1n : value).toString(2).length;
  const size = Math.floor(magnitudeBits / 8) + 1;
  const out = Buffer.alloc(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function readSigned(buf: Buffer, at: number, size: number): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(buf[at + i] as number);
  return BigInt.asIntN(size * 8, v);
}

/**
 * A DECIMAL's bytes ([u8 length][unscaled value]): encoded ahead of the row's buffer (its size
 * depends on the value), as are ENUM and SET (memberBytes).
 */
function decimalBytes(scale: number, value: Value): Buffer {
  assert(value instanceof Decimal, 'row: decimal is Decimal');
  const digits = signedBytes(value.rescale(scale).unscaled);
  assert(digits.length < 256, 'row: decimal fits a u8 length');
  return Buffer.concat([Buffer.from([digits.length]), digits]);
}

/** 2^(8·w) for int widths w ≤ 6, whose values a double holds exactly. */
const INT_MODULUS = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48];
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = -SAFE_MAX;

/** An int column's w bytes, big-endian two's complement (unsigned: the plain value). */
function writeInt(out: Buffer, at: number, bytes: number, unsigned: boolean, value: Value): void {
  assert(typeof value === 'bigint', 'row: int is bigint');
  const modulus = INT_MODULUS[bytes];
  if (modulus !== undefined && value <= SAFE_MAX && value >= SAFE_MIN) {
    // Issue 8 (cost): a double, not a BigInt per byte.
    const v = Number(value) % modulus;
    out.writeUIntBE(v < 0 ? v + modulus : v, at, bytes);
    return;
  }
  let v = unsigned ? value : BigInt.asUintN(bytes * 8, value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** ENUM: varint index; SET: 8-byte mask (the row format above). */
function memberBytes(type: SqlType & { kind: 'string' }, value: string): Buffer {
  const number = memberNumber(type, value);
  if (type.variant === 'set') {
    const out = Buffer.alloc(8);
    out.writeBigUInt64BE(number);
    return out;
  }
  assert(number > 0n || value === '', 'row: an ENUM value is a member');
  const n = Number(number);
  const out = Buffer.alloc(varintSize(n));
  writeVarint(out, 0, n);
  return out;
}

/** A SET bit mask as its text: the members present, in definition order. */
export function setText(members: readonly string[], mask: bigint): string {
  const present: string[] = [];
  for (let i = 0; i < members.length; i++) {
    if ((mask >> BigInt(i)) & 1n) present.push(members[i] as string);
  }
  return present.join(',');
}

/**
 * Per column of the row being encoded: a string's byte length, or -1 when its bytes were
 * encoded ahead into `ahead` (DECIMAL, ENUM, SET). Scratch for encodeRow, which is synchronous.
 */
let lengths: number[] = [];
let ahead: Buffer[] = [];

/**
 * Issue 8 (cost): sized first, then written straight into one buffer — no Buffer per value (an
 * INT column's bytes were a Buffer of their own, a string's two).
 */
export function encodeRow(types: readonly SqlType[], values: readonly Value[]): Buffer {
  assert(types.length === values.length, 'row: one value per column');
  const n = types.length;
  const bitmapBytes = (n + 7) >> 3;
  const headerBytes = 1 + varintSize(n) + bitmapBytes;
  if (lengths.length < n) lengths = new Array<number>(n).fill(0);
  ahead.length = 0;
  let size = headerBytes;
  for (let i = 0; i < n; i++) {
    const value = values[i] as Value;
    if (value !== null) size += sizeOf(types[i] as SqlType, value, i);
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = ROW_FORMAT_VERSION;
  let at = writeVarint(out, 1, n);
  out.fill(0, at, at + bitmapBytes);
  for (let i = 0; i < n; i++) {
    if (values[i] === null) out[at + (i >> 3)] = (out[at + (i >> 3)] as number) | (1 << (i & 7));
  }
  at += bitmapBytes;
  let next = 0; // the next of `ahead`
  for (let i = 0; i < n; i++) {
    const value = values[i] as Value;
    if (value === null) continue;
    const type = types[i] as SqlType;
    if (lengths[i] === -1) {
      at += (ahead[next++] as Buffer).copy(out, at);
      continue;
    }
    at = writeValue(out, at, type, value, lengths[i] as number);
  }
  assert.equal(at, out.length, 'row: every byte written');
  ahead.length = 0;
  return out;
}

/** Bytes of a row's encoding (what encodeRow(...).length would be), without encoding it. */
export function encodedRowSize(types: readonly SqlType[], values: readonly Value[]): number {
  assert(types.length === values.length, 'row: one value per column');
  const n = types.length;
  if (lengths.length < n) lengths = new Array<number>(n).fill(0);
  let size = 1 + varintSize(n) + ((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const value = values[i] as Value;
    if (value !== null) size += sizeOf(types[i] as SqlType, value, i);
  }
  ahead.length = 0;
  return size;
}

/** The encoded size of column i's non-NULL value; notes its length (or its bytes) for writing. */
function sizeOf(type: SqlType, value: Exclude<Value, null>, i: number): number {
  switch (type.kind) {
    case 'int':
      lengths[i] = 0;
      return type.bytes;
    case 'datetime':
    case 'double':
    case 'time':
      lengths[i] = 0;
      return 8;
    case 'decimal':
      return encodedAhead(decimalBytes(type.scale, value), i);
    case 'string': {
      assert(typeof value === 'string', 'row: string is string');
      if (type.variant === 'enum' || type.variant === 'set') {
        return encodedAhead(memberBytes(type, value), i);
      }
      // Binary strings are byte strings (sql/bytes.ts): one byte per code unit.
      const length = type.collation === 'binary' ? value.length : Buffer.byteLength(value, 'utf8');
      lengths[i] = length;
      return varintSize(length) + length;
    }
    case 'null':
      return assert.fail('row: no column has type NULL');
    default:
      return unreachable(type);
  }
}

function encodedAhead(bytes: Buffer, i: number): number {
  lengths[i] = -1;
  ahead.push(bytes);
  return bytes.length;
}

/** Writes a non-NULL value sized by sizeOf (`length`: a string's bytes); returns its end. */
function writeValue(out: Buffer, at: number, type: SqlType, value: Value, length: number): number {
  switch (type.kind) {
    case 'int':
      writeInt(out, at, type.bytes, type.unsigned, value);
      return at + type.bytes;
    case 'datetime':
    case 'time':
      assert(typeof value === 'bigint', `row: ${type.kind} is bigint`);
      out.writeBigInt64BE(value, at);
      return at + 8;
    case 'double':
      assert(typeof value === 'number', 'row: double is number');
      out.writeDoubleBE(value, at);
      return at + 8;
    case 'string': {
      assert(typeof value === 'string', 'row: string is string');
      at = writeVarint(out, at, length);
      const written = out.write(value, at, type.collation === 'binary' ? 'latin1' : 'utf8');
      assert.equal(written, length, 'row: the string is as long as measured');
      return at + length;
    }
    case 'decimal':
    case 'null':
      return assert.fail('row: encoded ahead, or no such column');
    default:
      return unreachable(type);
  }
}

/** Where the last readValue / skipValue call stopped (no object per decoded column). */
let readEnd = 0;

/** 2^(8·w) for the widths an int column may have that fit a double exactly (w ≤ 6). */
const INT_RANGE = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48];

function readInt(buf: Buffer, at: number, size: number, unsigned: boolean): bigint {
  if (size === 8) return unsigned ? buf.readBigUInt64BE(at) : buf.readBigInt64BE(at);
  if (size <= 6) {
    // Issue 8: one BigInt per value instead of a BigInt shift per byte.
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + (buf[at + i] as number);
    const range = INT_RANGE[size] as number;
    if (!unsigned && v >= range / 2) v -= range;
    return BigInt(v);
  }
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(buf[at + i] as number);
  return unsigned ? v : BigInt.asIntN(size * 8, v);
}

/** The varint at `at`; its end goes to readEnd. */
function readVarintAt(buf: Buffer, at: number): number {
  let value = 0;
  let shift = 1;
  for (;;) {
    const b = buf[at++];
    assert(b !== undefined, 'row: varint within the row');
    value += (b & 0x7f) * shift;
    if (b < 0x80) {
      readEnd = at;
      return value;
    }
    shift *= 0x80;
  }
}

/** The value at `at`; where it ends goes to readEnd. */
function readValue(type: SqlType, buf: Buffer, at: number): Value {
  switch (type.kind) {
    case 'int':
      readEnd = at + type.bytes;
      return readInt(buf, at, type.bytes, type.unsigned);
    case 'decimal': {
      const size = buf[at] as number;
      readEnd = at + 1 + size;
      return new Decimal(readSigned(buf, at + 1, size), type.scale);
    }
    case 'datetime':
    case 'time':
      readEnd = at + 8;
      return buf.readBigInt64BE(at);
    case 'double':
      readEnd = at + 8;
      return buf.readDoubleBE(at);
    case 'string': {
      if (type.variant === 'enum') {
        const index = readVarintAt(buf, at);
        const member = index === 0 ? '' : type.members?.[index - 1];
        assert(member !== undefined, 'row: ENUM index names a member');
        return member;
      }
      if (type.variant === 'set') {
        readEnd = at + 8;
        return setText(type.members ?? [], buf.readBigUInt64BE(at));
      }
      const length = readVarintAt(buf, at);
      const start = readEnd;
      const end = start + length;
      assert(end <= buf.length, 'row: string within the row');
      readEnd = end;
      return buf.toString(type.collation === 'binary' ? 'latin1' : 'utf8', start, end);
    }
    case 'null':
      return assert.fail('row: no column has type NULL');
    default:
      return unreachable(type);
  }
}

/** Where the value at `at` ends, without decoding it (a column the reader does not need). */
function skipValue(type: SqlType, buf: Buffer, at: number): number {
  switch (type.kind) {
    case 'int':
      return at + type.bytes;
    case 'decimal':
      return at + 1 + (buf[at] as number);
    case 'datetime':
    case 'time':
    case 'double':
      return at + 8;
    case 'string': {
      if (type.variant === 'set') return at + 8;
      const length = readVarintAt(buf, at);
      return type.variant === 'enum' ? readEnd : readEnd + length;
    }
    case 'null':
      return assert.fail('row: no column has type NULL');
    default:
      return unreachable(type);
  }
}

/**
 * Decodes a row. Columns the row was written without (added later) take `missing(i)`. With
 * `needed`, a column whose entry is false is skipped and left null (issue 8: a read that uses
 * only some columns does not decode the others; the caller guarantees nothing reads them).
 */
export function decodeRow(
  types: readonly SqlType[],
  buf: Buffer,
  missing: (column: number) => Value = () => null,
  needed?: readonly boolean[],
): Value[] {
  return decodeRowAt(types, buf, 0, buf.length, missing, needed);
}

const NO_VALUE = (): Value => null;

/**
 * decodeRow() of the row stored in buf[start, end), e.g. in place in a page (issue 8: a scan
 * decodes without a Buffer per row).
 */
export function decodeRowAt(
  types: readonly SqlType[],
  buf: Buffer,
  start: number,
  end: number,
  missing: (column: number) => Value = NO_VALUE,
  needed?: readonly boolean[],
): Value[] {
  assert.equal(buf[start], ROW_FORMAT_VERSION, 'row: known format version');
  const n = readVarintAt(buf, start + 1);
  assert(n <= types.length, 'row: no more columns than the table has');
  const bitmapAt = readEnd;
  let at = bitmapAt + ((n + 7) >> 3);
  const values: Value[] = new Array<Value>(types.length);
  for (let i = 0; i < n; i++) {
    if (((buf[bitmapAt + (i >> 3)] as number) & (1 << (i & 7))) !== 0) {
      values[i] = null;
      continue;
    }
    const type = types[i] as SqlType;
    if (needed !== undefined && needed[i] !== true) {
      values[i] = null;
      at = skipValue(type, buf, at);
      continue;
    }
    values[i] = readValue(type, buf, at);
    at = readEnd;
  }
  assert.equal(at, end, 'row: every byte read');
  for (let i = n; i < types.length; i++) values[i] = missing(i);
  return values;
}
