/**
 * The character sets the wire carries (utf8mb4, utf8mb3, latin1, binary): which collation ids
 * name them in the handshake, and how strings become bytes for results and bytes become strings
 * for parameters. Pure; no sockets.
 *
 *   https://dev.mysql.com/doc/refman/8.0/en/charset-connection.html
 *
 *   charset   results: string → bytes                    mbmaxlen  collation sent
 *   utf8mb4   UTF-8                                       4         255 utf8mb4_0900_ai_ci
 *   utf8mb3   UTF-8; a character outside the BMP → '?'    3         33 utf8mb3_general_ci
 *   latin1    MySQL's latin1, i.e. cp1252; others → '?'   1         8 latin1_swedish_ci
 *   binary    no conversion: the column's own bytes        1         the column's own
 *
 * Invariants:
 *   (CS1) Encoding never fails: a character the charset cannot hold becomes '?', as MySQL's
 *         conversion does.
 *   (CS2) Decoding never fails: bytes that are not valid in the charset decode to U+FFFD (UTF-8)
 *         or to their cp1252 characters (latin1 maps every byte).
 */
import type { WireCharset } from '../../engine/index.js';
import { COLLATION } from './constants.js';

export interface CharsetInfo {
  /** The collation id MySQL sends for this charset as character_set_results. */
  readonly collation: number;
  readonly mbmaxlen: number;
}

export const CHARSETS = {
  utf8mb4: { collation: COLLATION.utf8mb4_0900_ai_ci, mbmaxlen: 4 },
  utf8mb3: { collation: COLLATION.utf8mb3_general_ci, mbmaxlen: 3 },
  latin1: { collation: COLLATION.latin1_swedish_ci, mbmaxlen: 1 },
  binary: { collation: COLLATION.binary, mbmaxlen: 1 },
} as const satisfies Record<WireCharset, CharsetInfo>;

/** MySQL's collation ids (those a one-byte handshake field can carry) of each charset. */
const COLLATION_IDS: Readonly<Record<WireCharset, readonly number[]>> = {
  latin1: [5, 8, 15, 31, 47, 48, 49, 94],
  utf8mb3: [33, 76, 83, ...range(192, 215), 223],
  utf8mb4: [45, 46, ...range(224, 247), 255],
  binary: [63],
};

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

const CHARSET_BY_COLLATION = new Map<number, WireCharset>(
  (Object.entries(COLLATION_IDS) as [WireCharset, readonly number[]][]).flatMap(
    ([charset, ids]) => ids.map((id): [number, WireCharset] => [id, charset]),
  ),
);

/** The charset of a collation id (the handshake's character_set byte); undefined if unknown. */
export function charsetOfCollation(collation: number): WireCharset | undefined {
  return CHARSET_BY_COLLATION.get(collation);
}

/** MySQL's latin1 is cp1252: bytes 0x80–0x9F hold these characters (five stay C1 controls). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
  0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
  0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
] as const;
const CP1252_BYTE_OF = new Map<number, number>(CP1252_HIGH.map((code, i) => [code, 0x80 + i]));
const QUESTION_MARK = 0x3f;

function latin1Encode(s: string): Buffer {
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    let byte: number;
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) byte = code;
    else byte = CP1252_BYTE_OF.get(code) ?? QUESTION_MARK; // CS1
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

function latin1Decode(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const high = byte >= 0x80 && byte < 0xa0;
    out += String.fromCharCode(high ? (CP1252_HIGH[byte - 0x80] as number) : byte);
  }
  return out;
}

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Strings to bytes and back in one wire charset. */
export interface StringCodec {
  readonly charset: WireCharset;
  /** True when strings travel as UTF-8 unchanged: encoders may write them directly. */
  readonly utf8: boolean;
  encode(s: string): Buffer;
  decode(bytes: Buffer): string;
}

const UTF8: StringCodec = {
  charset: 'utf8mb4',
  utf8: true,
  encode: (s) => Buffer.from(s, 'utf8'),
  decode: (bytes) => bytes.toString('utf8'),
};

const CODECS: Readonly<Record<WireCharset, StringCodec>> = {
  utf8mb4: UTF8,
  // Results in binary are the column's own bytes: the engine holds strings as utf8mb4.
  binary: { ...UTF8, charset: 'binary' },
  utf8mb3: {
    charset: 'utf8mb3',
    utf8: false,
    encode: (s) => Buffer.from(s.replace(ASTRAL, '?'), 'utf8'),
    decode: (bytes) => bytes.toString('utf8'),
  },
  latin1: { charset: 'latin1', utf8: false, encode: latin1Encode, decode: latin1Decode },
};

export function stringCodec(charset: WireCharset): StringCodec {
  return CODECS[charset];
}
