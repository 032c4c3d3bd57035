/**
 * Order-preserving key encoding: SQL values → bytes whose unsigned byte order (Buffer.compare, the
 * Trees' order) is the SQL order of the values.
 *
 *   TYPE                  BYTES                      ENCODING
 *   int signed, w bytes   w                          big-endian two's complement, sign bit flipped
 *   int unsigned          w                          big-endian
 *   DECIMAL(p,s)          decimalKeyBytes(p)         unscaled value (at scale s) + 10^p, big-endian
 *   DATETIME              8                          datetime.ts orderKey (MySQL's packed
 *                                                    year·13+month, day, time: zero dates
 *                                                    order too), big-endian (DATE likewise;
 *                                                    TIMESTAMP: UTC)
 *   TIME                  8                          microseconds + 2^63, big-endian
 *   DOUBLE / FLOAT        8                          IEEE 754 big-endian, sign bit flipped
 *                                                    (negatives: every bit flipped); -0 as 0
 *   ENUM                  2                          member index (MySQL sorts ENUM by index)
 *   SET                   8                          member bit mask
 *   string                n + 2                      collation sort key, each 0x00 as 0x00 0xFF,
 *                                                    then the terminator 0x00 0x00
 *   hidden row id         6                          big-endian (InnoDB's DB_ROW_ID)
 *
 * A composite key is the concatenation of its parts. Fixed-width parts need no separator; the
 * string terminator sorts below every escaped byte, so a shorter string sorts before its
 * extensions and a key is never a prefix of a different key's first parts.
 *
 * Invariants: (K1, collation.ts) string order = sort-key byte order; (K2) for two tuples of one key
 * schema, compareValues order = Buffer.compare order of their encodings; (K3) keys never hold NULL
 * (primary key columns are NOT NULL).
 */
import assert from 'node:assert/strict';
import { collation } from './sql/collation.js';
import { fromOrderKey, orderKey } from './sql/datetime.js';
import { Decimal, pow10 } from './sql/decimal.js';
import { type SqlType, type Value, memberNumber } from './sql/values.js';
import { unreachable } from './unreachable.js';

export const ROW_ID_BYTES = 6;
export const ROW_ID_MAX = 2n ** 48n - 1n;

/** Bytes of a DECIMAL(p, s) key part: enough for 2·10^p. */
export function decimalKeyBytes(precision: number): number {
  return Math.ceil((2n * pow10(precision)).toString(16).length / 2);
}

function writeBigUIntBE(value: bigint, bytes: number): Buffer {
  assert(value >= 0n, 'unsigned key part');
  const out = Buffer.alloc(bytes);
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  assert(v === 0n, 'key part fits its width');
  return out;
}

function readBigUIntBE(bytes: Buffer): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function encodeRowId(rowId: bigint): Buffer {
  assert(rowId >= 1n && rowId <= ROW_ID_MAX, 'row id in 1..2^48-1');
  return writeBigUIntBE(rowId, ROW_ID_BYTES);
}

export function decodeRowId(key: Buffer): bigint {
  assert(key.length === ROW_ID_BYTES, 'a row id key is 6 bytes');
  return readBigUIntBE(key);
}

function escapeTerminated(bytes: Buffer): Buffer {
  let zeros = 0;
  for (const b of bytes) if (b === 0) zeros++;
  const out = Buffer.alloc(bytes.length + zeros + 2);
  let at = 0;
  for (const b of bytes) {
    out[at++] = b;
    if (b === 0) out[at++] = 0xff;
  }
  // Terminator 0x00 0x00: Buffer.alloc already zeroed the last two bytes.
  return out;
}

/** 2^(8·w) for the int widths w ≤ 6, whose keys a double holds exactly. */
const INT_KEY_MODULUS = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48];
const U64_LIMIT = 2n ** 64n;
/** 2^(8·w-1): the sign-bit flip of a signed w-byte key, by width. */
const SIGN_OFFSET = Array.from({ length: 9 }, (_, w) => (w === 0 ? 0n : 2n ** BigInt(w * 8 - 1)));

/**
 * An int key part (the hot case: primary keys, lock names). Issue 8 (cost): a double and one
 * pooled buffer for widths ≤ 6, not a BigInt power, BigInt arithmetic and a zeroed buffer.
 */
function intKey(bytes: number, unsigned: boolean, value: bigint): Buffer {
  const modulus = INT_KEY_MODULUS[bytes];
  if (modulus !== undefined) {
    const v = Number(value) + (unsigned ? 0 : modulus / 2);
    assert(v >= 0 && v < modulus, 'key part fits its width');
    const out = Buffer.allocUnsafe(bytes);
    out.writeUIntBE(v, 0, bytes);
    return out;
  }
  const biased = value + (unsigned ? 0n : (SIGN_OFFSET[bytes] as bigint));
  if (bytes === 8) {
    assert(biased >= 0n && biased < U64_LIMIT, 'key part fits its width');
    const out = Buffer.allocUnsafe(8);
    out.writeBigUInt64BE(biased);
    return out;
  }
  return writeBigUIntBE(biased, bytes);
}

/** One key part. `value` must already be of the column's type (store.ts converts). */
export function encodeKeyPart(type: SqlType, value: Value): Buffer {
  assert(value !== null, 'K3: keys hold no NULL');
  switch (type.kind) {
    case 'int': {
      assert(typeof value === 'bigint', 'int key part is bigint');
      return intKey(type.bytes, type.unsigned, value);
    }
    case 'decimal': {
      assert(value instanceof Decimal, 'decimal key part is Decimal');
      assert(value.scale === type.scale, 'decimal key part at the column scale');
      const biased = value.unscaled + pow10(type.precision);
      return writeBigUIntBE(biased, decimalKeyBytes(type.precision));
    }
    case 'datetime':
      assert(typeof value === 'bigint', 'datetime key part is bigint');
      return writeBigUIntBE(orderKey(value), 8);
    case 'time':
      assert(typeof value === 'bigint', 'time key part is bigint');
      return writeBigUIntBE(value + 2n ** 63n, 8);
    case 'double':
      assert(typeof value === 'number', 'double key part is number');
      return doubleKey(value);
    case 'string':
      assert(typeof value === 'string', 'string key part is string');
      if (type.variant === 'enum') return writeBigUIntBE(memberNumber(type, value), 2);
      if (type.variant === 'set') return writeBigUIntBE(memberNumber(type, value), 8);
      assert(type.variant !== 'json', 'no key on JSON');
      return escapeTerminated(collation(type.collation).sortKey(value));
    case 'null':
      return assert.fail(`no key encoding for ${type.kind}`);
    default:
      return unreachable(type);
  }
}

/** IEEE 754 bits made order-preserving: positives get the sign bit, negatives are inverted. */
function doubleKey(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeDoubleBE(value === 0 ? 0 : value);
  if ((out[0] as number) & 0x80) {
    for (let i = 0; i < 8; i++) out[i] = ~(out[i] as number) & 0xff;
  } else {
    out[0] = (out[0] as number) | 0x80;
  }
  return out;
}

export function encodeKey(types: readonly SqlType[], values: readonly Value[]): Buffer {
  assert(types.length === values.length, 'one value per key part');
  if (types.length === 1) return encodeKeyPart(types[0] as SqlType, values[0] as Value);
  return Buffer.concat(types.map((type, i) => encodeKeyPart(type, values[i] as Value)));
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or undefined
 * when there is none (all 0xFF): the exclusive upper bound of a prefix scan.
 */
export function prefixSuccessor(prefix: Buffer): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1] = (out[end - 1] as number) + 1;
  return out;
}

/** Largest encoded size of a key part, for the CREATE TABLE key-length check. */
export function keyPartBytesMax(type: SqlType): number {
  switch (type.kind) {
    case 'int':
      return type.bytes;
    case 'decimal':
      return decimalKeyBytes(type.precision);
    case 'datetime':
    case 'time':
      return 8;
    case 'string':
      if (type.variant === 'enum') return 2;
      if (type.variant === 'set') return 8;
      // MySQL counts 4 bytes a character for utf8mb4 (bytes for binary strings); the weight
      // bytes are checked per row.
      return type.collation === 'binary' ? type.chars : type.chars * 4;
    case 'double':
    case 'null':
      return 8;
    default:
      return unreachable(type);
  }
}

/**
 * The value of an int key part at `at` (the inverse of intKey: big-endian, the sign bit flipped
 * for a signed column), as its column holds it (a bigint).
 */
function decodeIntKeyPart(
  bytes: number,
  unsigned: boolean,
  key: Buffer,
  at: number,
): bigint {
  assert(at + bytes <= key.length, 'an int key part within the key');
  if (bytes === 8) {
    const raw = key.readBigUInt64BE(at);
    return unsigned ? raw : raw - (SIGN_OFFSET[8] as bigint);
  }
  let v = 0;
  for (let i = 0; i < bytes; i++) v = v * 256 + (key[at + i] as number);
  const modulus = INT_KEY_MODULUS[bytes] as number;
  return BigInt(unsigned ? v : v - modulus / 2);
}

/**
 * True when a key part of `type` can be read back as the column's value (decodeKeyPart): the
 * integers, DECIMAL, the temporal types, ENUM and binary strings. Not another string's (its
 * collation weights, not its characters), a SET's, nor a DOUBLE's (its key has no -0).
 */
export function keyPartDecodable(type: SqlType): boolean {
  switch (type.kind) {
    case 'int':
    case 'decimal':
    case 'datetime':
    case 'time':
      return true;
    case 'string':
      // A binary string's key is its bytes (collation.ts: binary); other collations' are weights.
      return type.variant === 'enum' || (type.collation === 'binary' && type.variant !== 'set');
    default:
      return false;
  }
}

/** The value of the key part of `type` at `at` (keyPartDecodable types only). */
export function decodeKeyPart(type: SqlType, key: Buffer, at: number): Value {
  switch (type.kind) {
    case 'int':
      return decodeIntKeyPart(type.bytes, type.unsigned, key, at);
    case 'decimal': {
      const bytes = decimalKeyBytes(type.precision);
      const biased = readBigUIntBE(key.subarray(at, at + bytes));
      return new Decimal(biased - pow10(type.precision), type.scale);
    }
    case 'datetime':
      return fromOrderKey(key.readBigUInt64BE(at));
    case 'time':
      return key.readBigUInt64BE(at) - 2n ** 63n;
    case 'string': {
      if (type.variant !== 'enum') {
        assert(type.collation === 'binary', 'a decodable string key part is binary or an ENUM');
        return unescapeTerminated(key, at).toString('latin1');
      }
      const member = key.readUInt16BE(at);
      return member === 0 ? '' : ((type.members ?? [])[member - 1] ?? '');
    }
    default:
      return assert.fail(`no decoding of a ${type.kind} key part`);
  }
}

/** The bytes escapeTerminated wrote at `at`, as they were. */
function unescapeTerminated(key: Buffer, at: number): Buffer {
  const out: number[] = [];
  terminatedEnd(key, at, out);
  return Buffer.from(out);
}

/**
 * Where the part escapeTerminated wrote at `at` ends (0x00 is written 0x00 0xFF; 0x00 0x00 ends
 * it); its bytes, unescaped, go to `out` when given.
 */
function terminatedEnd(key: Buffer, at: number, out?: number[]): number {
  for (let i = at; i + 1 < key.length; i++) {
    const b = key[i] as number;
    if (b === 0) {
      if (key[i + 1] === 0) return i + 2;
      i++;
    }
    out?.push(b);
  }
  return assert.fail('a string key part ends with its terminator');
}

/** Where the key part of `type` that starts at `at` ends, without decoding it. */
export function keyPartEnd(type: SqlType, key: Buffer, at: number): number {
  if (type.kind !== 'string' || type.variant === 'enum' || type.variant === 'set') {
    return at + keyPartBytesMax(type);
  }
  return terminatedEnd(key, at);
}
