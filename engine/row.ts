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

/** Encoded values of one row, computed once so the buffer is allocated once. */
function valueBytes(type: SqlType, value: Value): Buffer {
  switch (type.kind) {
    case 'int': {
      assert(typeof value === 'bigint', 'row: int is bigint');
      const out = Buffer.alloc(type.bytes);
      let v = type.unsigned ? value : BigInt.asUintN(type.bytes * 8, value);
      for (let i = type.bytes - 1; i >= 0; i--) {
        out[i] = Number(v & 0xffn);
        v >>= 8n;
      }
      return out;
    }
    case 'decimal': {
      assert(value instanceof Decimal, 'row: decimal is Decimal');
      const digits = signedBytes(value.rescale(type.scale).unscaled);
      assert(digits.length < 256, 'row: decimal fits a u8 length');
      return Buffer.concat([Buffer.from([digits.length]), digits]);
    }
    case 'datetime': {
      assert(typeof value === 'bigint', 'row: datetime is bigint');
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(value);
      return out;
    }
    case 'double': {
      assert(typeof value === 'number', 'row: double is number');
      const out = Buffer.alloc(8);
      out.writeDoubleBE(value);
      return out;
    }
    case 'time': {
      assert(typeof value === 'bigint', 'row: time is bigint');
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(value);
      return out;
    }
    case 'string': {
      assert(typeof value === 'string', 'row: string is string');
      if (type.variant === 'enum' || type.variant === 'set') return memberBytes(type, value);
      // Binary strings are byte strings (sql/bytes.ts): one byte per code unit.
      const text = Buffer.from(value, type.collation === 'binary' ? 'latin1' : 'utf8');
      const out = Buffer.alloc(varintSize(text.length) + text.length);
      text.copy(out, writeVarint(out, 0, text.length));
      return out;
    }
    case 'null':
      return assert.fail('row: no column has type NULL');
    default:
      return unreachable(type);
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

export function encodeRow(types: readonly SqlType[], values: readonly Value[]): Buffer {
  assert(types.length === values.length, 'row: one value per column');
  const n = types.length;
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i] as Value;
    if (value === null) continue;
    const bytes = valueBytes(types[i] as SqlType, value);
    parts.push(bytes);
    size += bytes.length;
  }
  const bitmapBytes = (n + 7) >> 3;
  const headerBytes = 1 + varintSize(n) + bitmapBytes;
  const out = Buffer.alloc(headerBytes + size);
  out[0] = ROW_FORMAT_VERSION;
  let at = writeVarint(out, 1, n);
  for (let i = 0; i < n; i++) {
    if (values[i] === null) out[at + (i >> 3)] = (out[at + (i >> 3)] as number) | (1 << (i & 7));
  }
  at += bitmapBytes;
  for (const part of parts) at += part.copy(out, at);
  assert.equal(at, out.length, 'row: every byte written');
  return out;
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
