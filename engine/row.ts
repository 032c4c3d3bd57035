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
 *                         DATETIME       8 bytes big-endian microseconds (datetime.ts); DATE and
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

function readVarint(buf: Buffer, at: number): { value: number; at: number } {
  let value = 0;
  let shift = 1;
  for (;;) {
    const b = buf[at++];
    assert(b !== undefined, 'row: varint within the row');
    value += (b & 0x7f) * shift;
    if (b < 0x80) return { value, at };
    shift *= 0x80;
  }
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
      out.writeBigUInt64BE(value);
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

function readValue(type: SqlType, buf: Buffer, at: number): { value: Value; at: number } {
  switch (type.kind) {
    case 'int': {
      const size = type.bytes;
      let v = 0n;
      for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(buf[at + i] as number);
      if (!type.unsigned) v = BigInt.asIntN(size * 8, v);
      return { value: v, at: at + size };
    }
    case 'decimal': {
      const size = buf[at] as number;
      const unscaled = readSigned(buf, at + 1, size);
      return { value: new Decimal(unscaled, type.scale), at: at + 1 + size };
    }
    case 'datetime':
      return { value: buf.readBigUInt64BE(at), at: at + 8 };
    case 'double':
      return { value: buf.readDoubleBE(at), at: at + 8 };
    case 'time':
      return { value: buf.readBigInt64BE(at), at: at + 8 };
    case 'string': {
      if (type.variant === 'enum') {
        const index = readVarint(buf, at);
        const member = index.value === 0 ? '' : type.members?.[index.value - 1];
        assert(member !== undefined, 'row: ENUM index names a member');
        return { value: member, at: index.at };
      }
      if (type.variant === 'set') {
        return { value: setText(type.members ?? [], buf.readBigUInt64BE(at)), at: at + 8 };
      }
      const length = readVarint(buf, at);
      const end = length.at + length.value;
      assert(end <= buf.length, 'row: string within the row');
      const encoding = type.collation === 'binary' ? 'latin1' : 'utf8';
      return { value: buf.toString(encoding, length.at, end), at: end };
    }
    case 'null':
      return assert.fail('row: no column has type NULL');
    default:
      return unreachable(type);
  }
}

/**
 * Decodes a row. Columns the row was written without (added later) take `missing(i)`.
 */
export function decodeRow(
  types: readonly SqlType[],
  buf: Buffer,
  missing: (column: number) => Value = () => null,
): Value[] {
  assert.equal(buf[0], ROW_FORMAT_VERSION, 'row: known format version');
  const count = readVarint(buf, 1);
  const n = count.value;
  assert(n <= types.length, 'row: no more columns than the table has');
  const bitmapAt = count.at;
  let at = bitmapAt + ((n + 7) >> 3);
  const values: Value[] = new Array<Value>(types.length);
  for (let i = 0; i < n; i++) {
    if (((buf[bitmapAt + (i >> 3)] as number) & (1 << (i & 7))) !== 0) {
      values[i] = null;
      continue;
    }
    const read = readValue(types[i] as SqlType, buf, at);
    values[i] = read.value;
    at = read.at;
  }
  assert.equal(at, buf.length, 'row: every byte read');
  for (let i = n; i < types.length; i++) values[i] = missing(i);
  return values;
}
