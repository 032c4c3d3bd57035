/**
 * A minimal DER (ITU-T X.690 Distinguished Encoding Rules) writer: just the types an X.509
 * certificate needs. Each function returns one complete TLV (tag, length, value). Pure.
 *
 *   length          < 128: one byte; else 0x80 | n, then n big-endian bytes
 *   INTEGER  0x02   two's complement, minimal, big-endian (a positive value whose top bit is set
 *                   gets a leading 0x00)
 *   BIT STRING 0x03 a leading byte of unused bits (always 0 here), then the bytes
 *   OCTET STRING 0x04, NULL 0x05, OBJECT IDENTIFIER 0x06, UTF8String 0x0C, PrintableString 0x13,
 *   UTCTime 0x17 (YYMMDDHHMMSSZ, years 1950–2049), GeneralizedTime 0x18 (YYYYMMDDHHMMSSZ),
 *   BOOLEAN 0x01 (TRUE is 0xFF), SEQUENCE 0x30, SET 0x31, [n] EXPLICIT 0xA0 | n,
 *   [n] IMPLICIT primitive 0x80 | n
 *
 * Invariant (D1): every encoding is canonical (minimal lengths and integers), as DER requires,
 * so that a signature over the bytes verifies wherever they are re-encoded.
 */
import assert from 'node:assert/strict';

export function tlv(tag: number, value: Buffer): Buffer {
  assert(tag >= 0 && tag <= 0xff, 'one-byte tags only');
  return Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);
}

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]); // D1: no leading zero bytes
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

export function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

/** [n] EXPLICIT: a constructed context-specific wrapper around one element. */
export function explicit(n: number, item: Buffer): Buffer {
  assert(n >= 0 && n < 31, 'low tag numbers only');
  return tlv(0xa0 | n, item);
}

/** [n] IMPLICIT for a primitive value (e.g. GeneralName's dNSName [2], iPAddress [7]). */
export function implicitPrimitive(n: number, value: Buffer): Buffer {
  assert(n >= 0 && n < 31, 'low tag numbers only');
  return tlv(0x80 | n, value);
}

/** An INTEGER from a non-negative bigint or its big-endian magnitude (D1: minimal). */
export function integer(value: bigint | Buffer): Buffer {
  let bytes: Buffer;
  if (typeof value === 'bigint') {
    assert(value >= 0n, 'non-negative integers only');
    const hex = value.toString(16);
    bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  } else {
    bytes = value;
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (((bytes[0] as number) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

export function nullValue(): Buffer {
  return Buffer.from([0x05, 0x00]);
}

export function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

export function utf8String(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

export function printableString(text: string): Buffer {
  assert(/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text), 'PrintableString characters');
  return tlv(0x13, Buffer.from(text, 'ascii'));
}

/** A dotted object identifier, e.g. '2.5.4.3'. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  assert(arcs.length >= 2, 'an OID has two arcs or more');
  const [first, second] = arcs as [bigint, bigint];
  const bytes: number[] = [];
  for (const arc of [first * 40n + second, ...arcs.slice(2)]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) group.unshift(Number(rest & 0x7fn) | 0x80);
    bytes.push(...group);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** X.509 Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const rest =
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds()) +
    'Z';
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(pad2(year % 100) + rest, 'ascii'));
  return tlv(0x18, Buffer.from(String(year).padStart(4, '0') + rest, 'ascii'));
}
