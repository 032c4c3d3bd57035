/**
 * Bytes and text: how statement bytes become the SQL layer's strings, and how binary strings
 * (BINARY, VARBINARY, BLOB, _binary'…', X'…', binary parameters) are held.
 *
 * A binary string is held as a JS string of code units 0x00–0xFF, one per byte ("byte string"),
 * so that the string machinery (comparison, LIKE, keys) works on it unchanged; the seam turns it
 * into a Buffer.
 *
 * Statement text arrives as the client's bytes. For utf8mb4, utf8mb3 and binary clients it is
 * decoded as UTF-8 where each byte that is not part of valid UTF-8 becomes the lone surrogate
 * U+DC00 + byte ("raw byte"; U+DC80–U+DCFF), as Python's surrogateescape does. Encoding text back
 * to bytes reverses this exactly, so a literal holding raw bytes (mysqldump writes BLOBs raw
 * inside '…') reaches a binary column byte for byte; a text column refuses it with
 * ER_TRUNCATED_WRONG_VALUE_FOR_FIELD "Incorrect string value", as MySQL does. latin1 clients
 * are decoded as MySQL's latin1 (Windows-1252).
 *
 * Invariant (B1): textToBytes(decodeStatement(b, utf8)) reproduces every byte of b that lies in a
 * string literal; byte strings only ever hold code units below 0x100.
 */
import type { WireCharset } from '../api.js';

const RAW_BYTE_BASE = 0xdc00;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Windows-1252's characters for bytes 0x80–0x9F (MySQL's latin1); undefined ones map to C1. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Statement bytes as text, per character_set_client (see the file comment). */
export function decodeStatement(bytes: Buffer, charset: WireCharset): string {
  if (charset === 'latin1') return decodeLatin1(bytes);
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return decodeUtf8Escaped(bytes, 0, bytes.length);
  }
}

function decodeLatin1(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    out += String.fromCharCode(b >= 0x80 && b < 0xa0 ? (CP1252_HIGH[b - 0x80] as number) : b);
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 if the byte there starts none. */
function sequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i] as number;
  if (b < 0x80) return 1;
  let n: number;
  let min: number;
  if (b >= 0xc2 && b <= 0xdf) [n, min] = [2, 0x80];
  else if (b >= 0xe0 && b <= 0xef) [n, min] = [3, 0x800];
  else if (b >= 0xf0 && b <= 0xf4) [n, min] = [4, 0x10000];
  else return 0;
  if (i + n > end) return 0;
  let cp = b & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = bytes[i + k] as number;
    if ((c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

function decodeUtf8Escaped(bytes: Uint8Array, start: number, end: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  let run = start;
  let i = start;
  while (i < end) {
    const n = sequenceLength(bytes, i, end);
    if (n > 0) {
      i += n;
      continue;
    }
    out +=
      buffer.toString('utf8', run, i) + String.fromCharCode(RAW_BYTE_BASE + (bytes[i] as number));
    i++;
    run = i;
  }
  return out + buffer.toString('utf8', run, end);
}

/** True when `text` holds raw bytes that are no valid UTF-8 (it cannot go into a text column). */
export function hasRawBytes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
      if (!(prev >= 0xd800 && prev <= 0xdbff)) return true;
    }
  }
  return false;
}

/** Text as the byte string of its UTF-8 encoding, raw bytes restored (B1). */
export function textToBytes(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text;
  let out = '';
  let run = '';
  const flush = (): void => {
    if (run !== '') out += Buffer.from(run, 'utf8').toString('latin1');
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lone = c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHighSurrogate(text.charCodeAt(i - 1)));
    if (lone) {
      flush();
      out += String.fromCharCode(c - RAW_BYTE_BASE);
    } else {
      run += text[i];
    }
  }
  flush();
  return out;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** A byte string read as UTF-8 text; bytes that are no valid UTF-8 stay raw bytes. */
export function bytesToText(bytes: string): string {
  return decodeUtf8Escaped(Buffer.from(bytes, 'latin1'), 0, bytes.length);
}

/** The bytes of a byte string. */
export function byteStringToBuffer(bytes: string): Buffer {
  return Buffer.from(bytes, 'latin1');
}

/**
 * MySQL's rendering of bad bytes in "Incorrect string value: '…'" (convert_to_printable): six
 * bytes from the first bad one, printable ASCII as is, others as \xHH, then '...' if there is more.
 */
export function invalidBytesText(text: string): string {
  const bytes = Buffer.from(textToBytes(text), 'latin1');
  let first = 0;
  while (first < bytes.length && sequenceLength(bytes, first, bytes.length) > 0) {
    first += sequenceLength(bytes, first, bytes.length);
  }
  let out = '';
  for (const b of bytes.subarray(first, first + 6)) {
    out +=
      b >= 0x20 && b < 0x7f
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return first + 6 < bytes.length ? `${out}...` : out;
}
