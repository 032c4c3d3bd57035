/**
 * Collations: how strings compare, equal and sort, in ONE module, so that the real UCA 9.0.0
 * weights can replace the approximation below without touching anything else (issue 6).
 *
 * A collation gives each string a *weight string*; two strings compare as their weight strings
 * compare code point by code point, and `sortKey` is the UTF-8 of the weight string, so the
 * unsigned byte order of sort keys is the collation's order (engine/keys.ts relies on it).
 *
 *   utf8mb4_0900_ai_ci (255, MySQL 8's default): UCA 9.0.0 primary weights (uca.ts: accent- and
 *       case-insensitive, expansions æ = ae, ß = ss, punctuation and spaces significant), NO PAD
 *       (trailing spaces count). The sort key is the weights, two bytes each.
 *   utf8mb4_0900_as_ci (305), utf8mb4_0900_as_cs (278): UCA with the accent (and case) levels,
 *       approximated in uca.ts; NO PAD.
 *   utf8mb4_0900_bin (309): code points, NO PAD.
 *   utf8mb4_bin (46): code points, PAD SPACE (trailing spaces ignored).
 *   utf8mb4_general_ci (45), utf8mb4_unicode_ci (224): the ai_ci folding, PAD SPACE.
 *   binary (63): the collation of binary strings (BINARY, VARBINARY, BLOB), held as byte strings
 *       (bytes.ts): bytes compare unsigned, NO PAD; the sort key is the bytes themselves.
 *
 * Invariants:
 *   (K1) compare(a, b) === Buffer.compare(sortKey(a), sortKey(b)) for all strings.
 *   (K2) sortPrefix, where given, orders as compare() does whenever two prefixes differ, and
 *        equal prefixes with their low 16 bits 0 mean compare() === 0 (uca.ts U2).
 */

import {
  ucaCodePointWeights,
  ucaCompare,
  ucaLevelsKey,
  ucaSortKey,
  ucaSortPrefix,
  ucaWeights,
} from './uca.js';

export const COLLATION_NAMES = [
  'utf8mb4_0900_ai_ci',
  'utf8mb4_0900_bin',
  'utf8mb4_bin',
  'utf8mb4_general_ci',
  'utf8mb4_unicode_ci',
  'binary',
  'utf8mb4_0900_as_ci',
  'utf8mb4_0900_as_cs',
] as const;
export type CollationName = (typeof COLLATION_NAMES)[number];

export interface Collation {
  readonly name: CollationName;
  /** MySQL's collation id, sent in column definitions. */
  readonly id: number;
  /** True for the _bin collations: the column gets BINARY_FLAG in its metadata. */
  readonly binary: boolean;
  /** The weight string: equal weights ⇔ equal strings under this collation. */
  weights(s: string): string;
  compare(a: string, b: string): number;
  sortKey(s: string): Buffer;
  /** One weight per code point of `s`, for LIKE ('_' matches one code point). */
  charWeights(s: string): string[];
  /**
   * Where a collation has it (K2): a number from the start of the string's weights. Two strings
   * whose prefixes differ compare as the numbers do; equal prefixes whose low 16 bits are 0 mean
   * equal strings; otherwise compare() decides.
   */
  readonly sortPrefix?: (s: string) => number;
}

export const DEFAULT_COLLATION: CollationName = 'utf8mb4_0900_ai_ci';

const foldCache = new Map<number, string>();

/** The ai_ci weight of one code point. ASCII takes a fast path. */
function foldCodePoint(cp: number): string {
  if (cp < 0x80) {
    return String.fromCharCode(cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp);
  }
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const folded = String.fromCodePoint(cp)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .toLowerCase();
  if (foldCache.size < 65_536) foldCache.set(cp, folded);
  return folded;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function foldString(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += foldCodePoint(ch.codePointAt(0) as number);
  return out;
}

function stripTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Compares two strings by code point (UTF-16 order differs for surrogate pairs). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Map UTF-16 units so that their order is code point order: surrogates above U+FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function makeCollation(
  name: CollationName,
  id: number,
  weights: (s: string) => string,
  charWeight: (cp: number) => string,
): Collation {
  const binary = name.endsWith('_bin');
  return {
    name,
    id,
    binary,
    weights,
    compare: (a, b) => (a === b ? 0 : compareCodePoints(weights(a), weights(b))),
    sortKey: (s) => Buffer.from(weights(s), 'utf8'),
    charWeights: (s) => Array.from(s, (ch) => charWeight(ch.codePointAt(0) as number)),
  };
}

const identity = (s: string): string => s;
const codePoint = (cp: number): string => String.fromCodePoint(cp);

/** utf8mb4_0900_ai_ci over uca.ts: no per-character allocation in compare (sysbench sorts). */
const UCA_AI_CI: Collation = {
  name: 'utf8mb4_0900_ai_ci',
  id: 255,
  binary: false,
  weights: ucaWeights,
  compare: (a, b) => (a === b ? 0 : ucaCompare(a, b)),
  sortKey: ucaSortKey,
  sortPrefix: ucaSortPrefix,
  charWeights: (s) => {
    const out: string[] = [];
    for (const ch of s) {
      const w = ucaCodePointWeights(ch.codePointAt(0) as number);
      if (w !== '') out.push(w);
    }
    return out;
  },
};

/** utf8mb4_0900_as_ci / _as_cs: uca.ts's multi-level keys, compared as bytes (K1 by design). */
function levelsCollation(name: CollationName, id: number, levels: 2 | 3): Collation {
  const key = (s: string): Buffer => ucaLevelsKey(s, levels);
  return {
    name,
    id,
    binary: false,
    weights: (s) => key(s).toString('latin1'),
    compare: (a, b) => (a === b ? 0 : Buffer.compare(key(a), key(b))),
    sortKey: key,
    charWeights: (s) => Array.from(s.normalize('NFC'), (ch) => key(ch).toString('latin1')),
  };
}

const COLLATIONS: Readonly<Record<CollationName, Collation>> = {
  utf8mb4_0900_ai_ci: UCA_AI_CI,
  utf8mb4_0900_bin: makeCollation('utf8mb4_0900_bin', 309, identity, codePoint),
  utf8mb4_bin: makeCollation('utf8mb4_bin', 46, stripTrailingSpaces, codePoint),
  utf8mb4_general_ci: makeCollation(
    'utf8mb4_general_ci',
    45,
    (s) => foldString(stripTrailingSpaces(s)),
    foldCodePoint,
  ),
  utf8mb4_unicode_ci: makeCollation(
    'utf8mb4_unicode_ci',
    224,
    (s) => foldString(stripTrailingSpaces(s)),
    foldCodePoint,
  ),
  utf8mb4_0900_as_ci: levelsCollation('utf8mb4_0900_as_ci', 305, 2),
  utf8mb4_0900_as_cs: levelsCollation('utf8mb4_0900_as_cs', 278, 3),
  binary: {
    name: 'binary',
    id: 63,
    binary: true,
    weights: identity,
    // Byte strings hold code units below 0x100, so code-unit order is byte order (K1).
    compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
    sortKey: (s) => Buffer.from(s, 'latin1'),
    charWeights: (s) => s.split(''),
  },
};

export function collation(name: CollationName): Collation {
  return COLLATIONS[name];
}

/** The collation named `name` (any case), or undefined when we do not have it. */
export function findCollation(name: string): Collation | undefined {
  const lower = name.toLowerCase();
  for (const candidate of COLLATION_NAMES) if (candidate === lower) return COLLATIONS[candidate];
  return undefined;
}

/** Character sets we accept in definitions; every string is stored as utf8mb4. */
export function isKnownCharset(name: string): boolean {
  return ['utf8mb4', 'utf8', 'utf8mb3'].includes(name.toLowerCase());
}

/** The default collation of a character set we accept. */
export function defaultCollationOf(_charset: string): CollationName {
  return DEFAULT_COLLATION;
}
