/**
 * utf8mb4_0900_ai_ci (uca.ts) and the other collations: MySQL 8's equalities and order, and the
 * sort-key property K1 on random strings (a seeded PRNG).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../testing/prng.js';
import { COLLATION_NAMES, collation } from './collation.js';

const ai = collation('utf8mb4_0900_ai_ci');

describe('utf8mb4_0900_ai_ci', () => {
  it('is accent- and case-insensitive, with expansions', () => {
    for (const [a, b] of [
      ['a', 'A'],
      ['a', 'á'],
      ['resume', 'Résumé'],
      ['ae', 'æ'],
      ['Straße', 'STRASSE'],
      ['fi', 'ﬁ'],
      ['e\u0301', 'é'],
      ['o', 'ø'],
    ]) {
      expect([a, b, ai.compare(a as string, b as string)]).toEqual([a, b, 0]);
    }
  });

  it('keeps trailing spaces and punctuation significant (NO PAD, non-ignorable)', () => {
    expect(ai.compare('a ', 'a')).toBe(1);
    expect(ai.compare('a-b', 'ab')).not.toBe(0);
  });

  it('orders as MySQL does', () => {
    const sorted = ['b', 'Z', 'a', '_x', ' x', '10', '9', 'ad', 'æ', 'af', 'ä'].sort((x, y) =>
      ai.compare(x, y),
    );
    expect(sorted).toEqual([' x', '_x', '10', '9', 'a', 'ä', 'ad', 'æ', 'af', 'b', 'Z']);
  });

  it('gives LIKE one weight per non-ignorable character', () => {
    expect(ai.charWeights('Ab́c').length).toBe(3);
  });
});

describe('sort keys (K1)', () => {
  const alphabet = [
    'a',
    'A',
    'á',
    'b',
    'ß',
    's',
    'æ',
    ' ',
    '-',
    '1',
    'é',
    'e\u0301',
    'Ω',
    '中',
    '😀',
    '\u0000',
    'ﬁ',
  ];
  for (const name of COLLATION_NAMES) {
    it(`${name}: compare agrees with the byte order of sort keys`, () => {
      const c = collation(name);
      const random = new Prng(42);
      const word = (): string => {
        let s = '';
        const n = random.int(6);
        for (let i = 0; i < n; i++) s += random.pick(alphabet);
        return name === 'binary' ? Buffer.from(s, 'utf8').toString('latin1') : s;
      };
      for (let i = 0; i < 2_000; i++) {
        const a = word();
        const b = word();
        const byKey = Math.sign(Buffer.compare(c.sortKey(a), c.sortKey(b)));
        expect([a, b, Math.sign(c.compare(a, b))]).toEqual([a, b, byKey]);
        expect(c.weights(a) === c.weights(b)).toBe(byKey === 0);
      }
    });
  }
});

describe('utf8mb4_0900_as_ci and _as_cs', () => {
  const asCi = collation('utf8mb4_0900_as_ci');
  const asCs = collation('utf8mb4_0900_as_cs');
  it('tell accents apart, and case only when case-sensitive', () => {
    expect(asCi.compare('a', 'A')).toBe(0);
    expect(asCi.compare('a', 'á')).not.toBe(0);
    expect(asCi.compare('é', 'e\u0301')).toBe(0);
    expect(asCs.compare('a', 'A')).toBe(-1);
    expect(asCs.compare('résumé', 'resume')).toBe(1);
    const sorted = ['b', 'B', 'á', 'a', 'A'].sort((x, y) => asCs.compare(x, y));
    expect(sorted).toEqual(['a', 'A', 'á', 'b', 'B']);
  });
});

describe('sort prefixes (K2)', () => {
  const alphabet = ['a', 'A', 'á', 'b', 'ß', 's', 'æ', ' ', '-', '1', 'é', 'e\u0301', 'Ω', '中'];
  const more = ['😀', '\u0000', 'ﬁ', '\u0301', 'ǽ', 'ẞ', '\u00a0', '\t'];
  const sortable = COLLATION_NAMES.filter((name) => collation(name).sortPrefix !== undefined);

  it('is given by utf8mb4_0900_ai_ci', () => {
    expect(sortable).toContain('utf8mb4_0900_ai_ci');
  });

  /** compare() as the sort uses prefixes: they decide when they differ or are whole. */
  const byPrefix = (c: ReturnType<typeof collation>, a: string, b: string): number => {
    const prefix = c.sortPrefix as (s: string) => number;
    const p = prefix(a);
    const q = prefix(b);
    if (p !== q) return p < q ? -1 : 1;
    return p % 0x10000 === 0 ? 0 : Math.sign(c.compare(a, b));
  };

  for (const name of sortable) {
    it(`${name}: prefixes order as compare does, on random and tricky strings`, () => {
      const c = collation(name);
      const random = Prng.fromEnv(8);
      const letters = [...alphabet, ...more];
      const word = (): string => {
        let s = '';
        const n = random.int(6);
        for (let i = 0; i < n; i++) s += random.pick(letters);
        return s;
      };
      const tricky = [
        ['a', 'A'],
        ['a ', 'a'],
        ['ab', 'a b'],
        ['Straße', 'STRASSE'],
        ['æ', 'ae'],
        ['resume', 'Résumé'],
        ['ﬁ', 'fi'],
        ['e\u0301', 'é'],
        ['a\u0301', 'a'],
        ['😀', '😁'],
        ['', '\u0301'],
        ['ab', 'abc'],
        ['abc', 'ab\u0301c'],
        ['a😀', 'a😀b'],
        ['83868641912-28773972837', '83868641912-28773972836'],
        ['x'.repeat(30), 'X'.repeat(30)],
        ['x'.repeat(30), `${'x'.repeat(29)}y`],
      ];
      for (const [a, b] of tricky) {
        const want = Math.sign(c.compare(a as string, b as string));
        expect([a, b, byPrefix(c, a as string, b as string)]).toEqual([a, b, want]);
      }
      for (let i = 0; i < 10_000; i++) {
        const a = word();
        const b = random.int(4) === 0 ? a.toUpperCase() : word();
        const want = Math.sign(c.compare(a, b));
        expect([a, b, byPrefix(c, a, b)]).toEqual([a, b, want]);
      }
    });
  }
});
