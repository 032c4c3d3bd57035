/**
 * Character sets and collations as the session variables name them (character_set_client,
 * collation_connection, SET NAMES …): the names MySQL 8 accepts, their aliases, each character
 * set's default collation, and the collation ids clients send in the handshake.
 *
 * Only the wire character sets (api.ts WireCharset: utf8mb4, utf8mb3, latin1, binary) and ascii
 * (a subset of each) can be chosen; the other character sets MySQL has are known by name so that
 * choosing one is ER_NOT_SUPPORTED_YET (1235) rather than ER_UNKNOWN_CHARACTER_SET (1115).
 *
 * Invariant (C1): every collation listed belongs to a listed character set, and every character
 * set's default collation is listed.
 */
import assert from 'node:assert/strict';
import type { WireCharset } from '../api.js';
import { SqlError } from '../errors.js';

export type CharsetName = WireCharset | 'ascii';

interface CharsetInfo {
  readonly name: CharsetName;
  readonly defaultCollation: string;
  /** The wire character set strings travel in. */
  readonly wire: WireCharset;
}

const CHARSETS: Readonly<Record<CharsetName, CharsetInfo>> = {
  utf8mb4: { name: 'utf8mb4', defaultCollation: 'utf8mb4_0900_ai_ci', wire: 'utf8mb4' },
  utf8mb3: { name: 'utf8mb3', defaultCollation: 'utf8mb3_general_ci', wire: 'utf8mb3' },
  latin1: { name: 'latin1', defaultCollation: 'latin1_swedish_ci', wire: 'latin1' },
  binary: { name: 'binary', defaultCollation: 'binary', wire: 'binary' },
  ascii: { name: 'ascii', defaultCollation: 'ascii_general_ci', wire: 'latin1' },
};

/** Collations by name → [id, character set]: the ones the handshake and SET NAMES use. */
const COLLATIONS: Readonly<Record<string, readonly [number, CharsetName]>> = {
  utf8mb4_0900_ai_ci: [255, 'utf8mb4'],
  utf8mb4_0900_as_ci: [305, 'utf8mb4'],
  utf8mb4_0900_as_cs: [278, 'utf8mb4'],
  utf8mb4_0900_bin: [309, 'utf8mb4'],
  utf8mb4_bin: [46, 'utf8mb4'],
  utf8mb4_general_ci: [45, 'utf8mb4'],
  utf8mb4_unicode_ci: [224, 'utf8mb4'],
  utf8mb4_unicode_520_ci: [246, 'utf8mb4'],
  utf8mb3_general_ci: [33, 'utf8mb3'],
  utf8mb3_bin: [83, 'utf8mb3'],
  utf8mb3_unicode_ci: [192, 'utf8mb3'],
  latin1_swedish_ci: [8, 'latin1'],
  latin1_bin: [47, 'latin1'],
  latin1_general_ci: [48, 'latin1'],
  latin1_general_cs: [49, 'latin1'],
  ascii_general_ci: [11, 'ascii'],
  ascii_bin: [65, 'ascii'],
  binary: [63, 'binary'],
};

/** Character sets MySQL 8 has that we do not carry: choosing one is ER_NOT_SUPPORTED_YET. */
const OTHER_MYSQL_CHARSETS = new Set(
  (
    'armscii8 big5 cp1250 cp1251 cp1256 cp1257 cp850 cp852 cp866 cp932 dec8 eucjpms euckr ' +
    'gb18030 ' +
    'gb2312 gbk geostd8 greek hebrew hp8 keybcs2 koi8r koi8u latin2 latin5 latin7 macce macroman ' +
    'sjis swe7 tis620 ucs2 ujis utf16 utf16le utf32'
  ).split(' '),
);

for (const [name, [, charset]] of Object.entries(COLLATIONS)) {
  assert(CHARSETS[charset] !== undefined, `C1: ${name} belongs to a known character set`);
}
for (const info of Object.values(CHARSETS)) {
  assert(COLLATIONS[info.defaultCollation] !== undefined, 'C1: default collations listed');
}

function normaliseCharsetName(name: string): string {
  const folded = name.toLowerCase();
  return folded === 'utf8' ? 'utf8mb3' : folded;
}

/** The character set named `name` (aliases: utf8 → utf8mb3), or 1115 / 1235. */
export function charsetByName(name: string): CharsetName {
  const folded = normaliseCharsetName(name);
  if (Object.hasOwn(CHARSETS, folded)) return folded as CharsetName;
  if (OTHER_MYSQL_CHARSETS.has(folded)) {
    throw new SqlError('ER_NOT_SUPPORTED_YET', [`character set '${folded}'`]);
  }
  throw new SqlError('ER_UNKNOWN_CHARACTER_SET', [name]);
}

/** The collation named `name` (utf8_* → utf8mb3_*), or ER_UNKNOWN_COLLATION. */
export function collationByName(name: string): string {
  let folded = name.toLowerCase();
  if (folded.startsWith('utf8_')) folded = `utf8mb3_${folded.slice(5)}`;
  if (Object.hasOwn(COLLATIONS, folded)) return folded;
  throw new SqlError('ER_UNKNOWN_COLLATION', [name]);
}

/** The collation with MySQL id `id` (as sent in a handshake), if we know it. */
export function collationById(id: number): string | undefined {
  for (const [name, [collationId]] of Object.entries(COLLATIONS)) {
    if (collationId === id) return name;
  }
  return undefined;
}

export function collationId(name: string): number {
  const entry = COLLATIONS[name];
  assert(entry !== undefined, 'collationId: a known collation');
  return entry[0];
}

export function charsetOfCollation(name: string): CharsetName {
  const entry = COLLATIONS[name];
  assert(entry !== undefined, 'charsetOfCollation: a known collation');
  return entry[1];
}

export function defaultCollation(charset: CharsetName): string {
  return CHARSETS[charset].defaultCollation;
}

/** The character set a wire-facing variable's value names, as a WireCharset. */
export function wireCharset(charset: string | null): WireCharset {
  if (charset === null) return 'binary';
  return CHARSETS[charsetByName(charset)].wire;
}
