/**
 * Primary weights of the Unicode Collation Algorithm, as utf8mb4_0900_ai_ci compares strings:
 * UCA 9.0.0's DUCET, primary level only (accent- and case-insensitive), non-ignorable variable
 * weighting (spaces and punctuation count), NO PAD.
 *
 * The DUCET is not shipped here. Its order is derived on first use from the runtime's ICU root
 * collator (Intl.Collator('und', { sensitivity: 'base' })), which implements the CLDR root
 * collation — the DUCET with few changes:
 *   1. every BMP code point is sorted with the collator; code points it finds equal get one
 *      weight, the others increasing weights (1 …), and ignorable ones (equal to '': controls,
 *      combining marks, format characters) weight 0 and are skipped;
 *   2. expansions — a character equal to a sequence, æ = ae, œ = oe, ß = ss, ĳ = ij, ﬁ = fi, ½ …
 *      (NFKD decompositions and a short list of letters the DUCET expands) — are checked against
 *      the collator and get the weights of their sequence;
 *   3. code points beyond the BMP (emoji, historic scripts, CJK extensions) get implicit weights
 *      above every BMP weight, in code point order.
 * Known differences from MySQL's tables: CLDR root sorts a few symbols and currency signs apart
 * from DUCET 9.0.0 and follows a newer Unicode (characters unassigned in 9.0.0 get weights here,
 * implicit ones there); supplementary characters (emoji) are ordered by code point, not by DUCET;
 * Hangul syllables compare as one weight rather than their jamo; DUCET contractions are not
 * modelled (the root collation has none for Latin, Greek, Cyrillic).
 *
 * Invariants:
 *   (U1) for all strings, compare(a, b) has the sign of the byte comparison of their sort keys
 *        (collation.ts K1): both walk the same weight sequence.
 *   (U2) ucaSortPrefix(s) packs the first three weights of that sequence (0 for those it lacks),
 *        so two different prefixes order their strings as compare does, and equal prefixes
 *        whose third weight is missing (low 16 bits 0) mean equal strings.
 */

const BMP = 0x10000;
/** Implicit weights for supplementary code points start above every BMP weight. */
const SUPPLEMENTARY_BASE = 0xf000;

interface Table {
  /** Primary weight of each BMP code point; 0 = ignorable; EXPANDS = see `expansions`. */
  readonly weights: Uint16Array;
  readonly expansions: Map<number, Uint16Array>;
}

const EXPANDS = 0xffff;

/** Letters the DUCET expands that NFKD leaves whole. */
const EXTRA_EXPANSIONS: Readonly<Record<string, string>> = {
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ẞ: 'SS',
  ǽ: 'ae',
  Ǽ: 'AE',
};

let table: Table | undefined;

function isSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}

/** Builds the weight table (see the file comment); ~1 s, once per process. */
function build(): Table {
  const collator = new Intl.Collator('und', { sensitivity: 'base', usage: 'sort' });
  const weights = new Uint16Array(BMP);
  const expansions = new Map<number, Uint16Array>();
  const candidates: string[] = [];
  const expanding: [number, string][] = [];
  for (let cp = 0; cp < BMP; cp++) {
    if (isSurrogate(cp)) continue;
    const ch = String.fromCharCode(cp);
    if (collator.compare(ch, '') === 0) continue;
    const expansion = expansionOf(ch);
    if (expansion !== undefined && collator.compare(ch, expansion) === 0) {
      expanding.push([cp, expansion]);
      weights[cp] = EXPANDS;
      continue;
    }
    candidates.push(ch);
  }
  candidates.sort(collator.compare);
  let weight = 0;
  let previous: string | undefined;
  for (const ch of candidates) {
    if (previous === undefined || collator.compare(previous, ch) !== 0) weight++;
    weights[ch.charCodeAt(0)] = weight;
    previous = ch;
  }
  if (weight >= SUPPLEMENTARY_BASE) throw new Error('uca: too many primary weights');
  const built: Table = { weights, expansions };
  for (const [cp, expansion] of expanding) {
    const parts: number[] = [];
    for (const ch of expansion) {
      forEachWeight(built, ch.codePointAt(0) as number, (w) => parts.push(w));
    }
    expansions.set(cp, Uint16Array.from(parts));
  }
  return built;
}

function expansionOf(ch: string): string | undefined {
  const extra = EXTRA_EXPANSIONS[ch];
  if (extra !== undefined) return extra;
  const decomposed = ch.normalize('NFKD').replace(/\p{M}/gu, '');
  return Array.from(decomposed).length > 1 ? decomposed : undefined;
}

function tableNow(): Table {
  table ??= build();
  return table;
}

/** Calls `fn` with each primary weight of code point `cp`, in order (none if ignorable). */
function forEachWeight(t: Table, cp: number, fn: (weight: number) => void): void {
  if (cp >= BMP) {
    // Implicit weights: two units keep code point order above the BMP's.
    fn(SUPPLEMENTARY_BASE + (cp >> 12));
    fn((cp & 0xfff) + 1);
    return;
  }
  const w = t.weights[cp] as number;
  if (w === 0) return;
  if (w !== EXPANDS) {
    fn(w);
    return;
  }
  for (const x of t.expansions.get(cp) ?? []) fn(x);
}

/**
 * A cursor over the weights of a string without allocating: `next()` returns the next weight,
 * or -1 at the end.
 */
class WeightCursor {
  private i = 0;
  private pending: Uint16Array | null = null;
  private pendingAt = 0;
  private low = -1;

  constructor(
    private readonly t: Table,
    private s: string,
  ) {}

  reset(s: string): void {
    this.s = s;
    this.i = 0;
    this.pending = null;
    this.low = -1;
  }

  next(): number {
    for (;;) {
      if (this.low >= 0) {
        const w = this.low;
        this.low = -1;
        return w;
      }
      if (this.pending !== null) {
        if (this.pendingAt < this.pending.length) return this.pending[this.pendingAt++] as number;
        this.pending = null;
      }
      if (this.i >= this.s.length) return -1;
      const cp = this.s.codePointAt(this.i) as number;
      this.i += cp >= BMP ? 2 : 1;
      if (cp >= BMP) {
        this.low = (cp & 0xfff) + 1;
        return SUPPLEMENTARY_BASE + (cp >> 12);
      }
      const w = this.t.weights[cp] as number;
      if (w === 0) continue;
      if (w !== EXPANDS) return w;
      this.pending = this.t.expansions.get(cp) ?? null;
      this.pendingAt = 0;
    }
  }
}

let left: WeightCursor | undefined;
let right: WeightCursor | undefined;

/** utf8mb4_0900_ai_ci order of two strings (U1). */
export function ucaCompare(a: string, b: string): number {
  const t = tableNow();
  left ??= new WeightCursor(t, '');
  right ??= new WeightCursor(t, '');
  left.reset(a);
  right.reset(b);
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x !== y) return x < y ? -1 : 1;
    if (x === -1) return 0;
  }
}

/** The sort key: each weight as two bytes, big-endian (U1). */
export function ucaSortKey(s: string): Buffer {
  const t = tableNow();
  keyCursor ??= new WeightCursor(t, '');
  const cursor = keyCursor;
  cursor.reset(s);
  let out = Buffer.allocUnsafe(Math.max(8, s.length * 2));
  let at = 0;
  for (let w = cursor.next(); w !== -1; w = cursor.next()) {
    if (at + 2 > out.length) {
      const bigger = Buffer.allocUnsafe(out.length * 2);
      out.copy(bigger, 0, 0, at);
      out = bigger;
    }
    out[at++] = w >> 8;
    out[at++] = w & 0xff;
  }
  return out.subarray(0, at);
}

/**
 * The first three weights of `s` as one number, w1·2³² + w2·2¹⁶ + w3, a missing weight 0 (U2;
 * weights are 1 … 0xfffe, so a shorter sequence is the smaller number). A sort computes it once
 * per row and compares numbers instead of walking both strings per comparison.
 */
export function ucaSortPrefix(s: string): number {
  const t = tableNow();
  prefixCursor ??= new WeightCursor(t, '');
  const cursor = prefixCursor;
  cursor.reset(s);
  const w1 = cursor.next();
  if (w1 === -1) return 0;
  const w2 = cursor.next();
  if (w2 === -1) return w1 * 2 ** 32;
  const w3 = cursor.next();
  return w1 * 2 ** 32 + w2 * 2 ** 16 + (w3 === -1 ? 0 : w3);
}

let prefixCursor: WeightCursor | undefined;

/** The weights as a string of 16-bit units: equal ⇔ equal under the collation. */
export function ucaWeights(s: string): string {
  const t = tableNow();
  weightCursor ??= new WeightCursor(t, '');
  weightCursor.reset(s);
  // Weights gather in a reused buffer, decoded as one UTF-16 string (DISTINCT / GROUP BY keys
  // over long CHAR columns: no string per character). Only equality matters for these keys.
  let n = 0;
  let out = '';
  for (let w = weightCursor.next(); w !== -1; w = weightCursor.next()) {
    if (n === WEIGHT_CHUNK) {
      out += weightBytes.toString('utf16le', 0, n * 2);
      n = 0;
    }
    weightUnits[n++] = w;
  }
  return out + weightBytes.toString('utf16le', 0, n * 2);
}

const WEIGHT_CHUNK = 1024;
let weightCursor: WeightCursor | undefined;
let keyCursor: WeightCursor | undefined;
const weightBytes = Buffer.alloc(WEIGHT_CHUNK * 2);
const weightUnits = new Uint16Array(weightBytes.buffer, weightBytes.byteOffset, WEIGHT_CHUNK);

/** The weights of one code point as a string ('' when ignorable), for LIKE. */
export function ucaCodePointWeights(cp: number): string {
  const t = tableNow();
  let out = '';
  forEachWeight(t, cp, (w) => {
    out += String.fromCharCode(w);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Accent- and case-sensitive levels (utf8mb4_0900_as_ci, utf8mb4_0900_as_cs)
//
// The secondary and tertiary levels are approximated from the primary table: the string is put
// in NFD, so accents are combining marks; a mark's secondary weight is its rank among the marks
// (ordered by the ICU root collator at accent strength), every other weight's is the common 0x20;
// the tertiary weight is 0x08 for an upper-case letter and 0x02 otherwise (expansions, whose
// parts DUCET marks 0x04, too). The key is level 1, 0x0000, level 2[, 0x0000, level 3].

const COMMON_SECONDARY = 0x20;
let markRanks: Map<number, number> | undefined;

function marks(): Map<number, number> {
  if (markRanks !== undefined) return markRanks;
  const collator = new Intl.Collator('und', { sensitivity: 'accent' });
  const all: string[] = [];
  for (let cp = 0x300; cp < BMP; cp++) {
    if (isSurrogate(cp)) continue;
    const ch = String.fromCharCode(cp);
    if (/\p{Mn}/u.test(ch)) all.push(ch);
  }
  all.sort((x, y) => collator.compare(`a${x}`, `a${y}`));
  markRanks = new Map();
  let rank = COMMON_SECONDARY;
  let previous: string | undefined;
  for (const ch of all) {
    if (previous === undefined || collator.compare(`a${previous}`, `a${ch}`) !== 0) rank++;
    markRanks.set(ch.charCodeAt(0), rank);
    previous = ch;
  }
  return markRanks;
}

/** The multi-level sort key (see above); `levels` 2 for as_ci, 3 for as_cs. */
export function ucaLevelsKey(s: string, levels: 2 | 3): Buffer {
  const t = tableNow();
  const nfd = s.normalize('NFD');
  const primary: number[] = [];
  const secondary: number[] = [];
  const tertiary: number[] = [];
  const markRank = marks();
  for (const ch of nfd) {
    const cp = ch.codePointAt(0) as number;
    const before = primary.length;
    forEachWeight(t, cp, (w) => primary.push(w));
    const added = primary.length - before;
    if (added === 0) {
      const rank = markRank.get(cp);
      if (rank !== undefined) secondary.push(rank);
      continue;
    }
    const expanded = cp < BMP && t.weights[cp] === EXPANDS;
    const upper = ch !== ch.toLowerCase() && ch === ch.toUpperCase();
    for (let i = 0; i < added; i++) {
      secondary.push(COMMON_SECONDARY);
      tertiary.push(expanded ? 0x04 : upper ? 0x08 : 0x02);
    }
  }
  const words = [...primary, 0, ...secondary, ...(levels === 3 ? [0, ...tertiary] : [])];
  const out = Buffer.allocUnsafe(words.length * 2);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}
