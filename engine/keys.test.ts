/**
 * keys.ts: encoded keys sort as their SQL values do (K2), for every key part type and for
 * composite keys, over seeded random values. PRNG_SEED replays a run.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnType } from './catalog/definitions.js';
import { ROW_ID_MAX, decodeRowId, encodeKey, encodeRowId, prefixSuccessor } from './keys.js';
import { collation } from './sql/collation.js';
import { Decimal } from './sql/decimal.js';
import { compareForSort } from './sql/expr.js';
import { intRange, type Value } from './sql/values.js';
import { Prng } from './testing/prng.js';

const prng = Prng.fromEnv(20_240_611);
const CASES = 400;

function sign(n: number): number {
  return n === 0 ? 0 : n < 0 ? -1 : 1;
}

function compareTuple(
  types: readonly ColumnType[],
  a: readonly Value[],
  b: readonly Value[],
): number {
  for (const [i, type] of types.entries()) {
    const coll = type.kind === 'string' ? collation(type.collation) : null;
    const c = compareForSort(type, a[i] as Value, b[i] as Value, coll);
    if (c !== 0) return c;
  }
  return 0;
}

const ALPHABET = [
  'a',
  'A',
  'b',
  'é',
  'E',
  'z',
  ' ',
  '\u0000',
  'ß',
  's',
  'ss',
  '😀',
  'ﬁ',
  '\uffff',
  'Ω',
];

function randomValue(type: ColumnType): Value {
  switch (type.kind) {
    case 'int': {
      const { min, max } = intRange(type.bytes, type.unsigned);
      const edge = prng.int(10);
      if (edge === 0) return min;
      if (edge === 1) return max;
      return prng.bigint(min, max);
    }
    case 'decimal': {
      const limit = 10n ** BigInt(type.precision) - 1n;
      return new Decimal(prng.bigint(type.unsigned ? 0n : -limit, limit), type.scale);
    }
    case 'string': {
      const length = prng.int(5);
      let s = '';
      for (let i = 0; i < length; i++) s += prng.pick(ALPHABET);
      return s;
    }
    case 'datetime':
      return prng.bigint(0n, 315_537_897_599_999_999n);
    default:
      throw new Error('no such type');
  }
}

function checkOrder(types: readonly ColumnType[]): void {
  const tuples = Array.from({ length: CASES }, () => types.map(randomValue));
  for (let i = 0; i + 1 < tuples.length; i += 1) {
    const a = tuples[i] as Value[];
    const b = tuples[i + 1] as Value[];
    const expected = sign(compareTuple(types, a, b));
    const actual = sign(Buffer.compare(encodeKey(types, a), encodeKey(types, b)));
    if (expected !== actual) {
      throw new Error(
        `seed ${prng.seed}: ${JSON.stringify(a, replacer)} vs ${JSON.stringify(b, replacer)}`,
      );
    }
  }
  // Sorting by bytes and by values agree on the whole sample.
  const byValue = [...tuples].sort((x, y) => compareTuple(types, x, y));
  const byBytes = [...tuples].sort((x, y) =>
    Buffer.compare(encodeKey(types, x), encodeKey(types, y)),
  );
  for (const [i, t] of byValue.entries())
    expect(compareTuple(types, t, byBytes[i] as Value[])).toBe(0);
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint'
    ? value.toString()
    : value instanceof Decimal
      ? value.toString()
      : value;
}

const ai: ColumnType = {
  kind: 'string',
  variant: 'varchar',
  chars: 10,
  collation: 'utf8mb4_0900_ai_ci',
};
const bin: ColumnType = { kind: 'string', variant: 'varchar', chars: 10, collation: 'utf8mb4_bin' };

describe('keys: order preservation (K2)', () => {
  it('integers of every width, signed and unsigned', () => {
    for (const bytes of [1, 2, 3, 4, 8] as const) {
      for (const unsigned of [false, true]) checkOrder([{ kind: 'int', bytes, unsigned }]);
    }
  });

  it('integers are w bytes, big-endian, sign bit flipped, at the limits and between', () => {
    for (const bytes of [1, 2, 3, 4, 8] as const) {
      for (const unsigned of [false, true]) {
        const { min, max } = intRange(bytes, unsigned);
        const offset = unsigned ? 0n : 2n ** BigInt(bytes * 8 - 1);
        for (const v of [min, max, 0n, min + 1n, max - 1n, prng.bigint(min, max)]) {
          if (v < min || v > max) continue;
          const expected = (v + offset).toString(16).padStart(bytes * 2, '0');
          expect(encodeKey([{ kind: 'int', bytes, unsigned }], [v]).toString('hex')).toBe(expected);
        }
        expect(() => encodeKey([{ kind: 'int', bytes, unsigned }], [max + 1n])).toThrow();
        expect(() => encodeKey([{ kind: 'int', bytes, unsigned }], [min - 1n])).toThrow();
      }
    }
  });

  it('decimals', () => {
    checkOrder([{ kind: 'decimal', precision: 10, scale: 2, unsigned: false }]);
    checkOrder([{ kind: 'decimal', precision: 65, scale: 30, unsigned: false }]);
    checkOrder([{ kind: 'decimal', precision: 1, scale: 0, unsigned: true }]);
  });

  it('strings by collation, with NUL bytes and prefixes', () => {
    checkOrder([ai]);
    checkOrder([bin]);
    checkOrder([{ kind: 'string', variant: 'char', chars: 4, collation: 'utf8mb4_0900_bin' }]);
  });

  it('datetimes', () => {
    checkOrder([{ kind: 'datetime', fsp: 6 }]);
  });

  it('composite keys', () => {
    checkOrder([{ kind: 'int', bytes: 4, unsigned: false }, ai]);
    checkOrder([ai, { kind: 'int', bytes: 8, unsigned: false }]);
    checkOrder([bin, ai, { kind: 'decimal', precision: 5, scale: 1, unsigned: false }]);
    checkOrder([{ kind: 'datetime', fsp: 0 }, bin]);
  });

  it('makes equal strings under ai_ci equal keys', () => {
    const key = (s: string): string => encodeKey([ai], [s]).toString('hex');
    expect(key('Apple')).toBe(key('apple'));
    expect(key('é')).toBe(key('E'));
    expect(key('ß')).toBe(key('ss'));
    expect(key('a ')).not.toBe(key('a'));
    expect(encodeKey([bin], ['a ']).equals(encodeKey([bin], ['a']))).toBe(true);
  });
});

describe('keys: prefixes and row ids', () => {
  it('prefixSuccessor bounds every key with the prefix', () => {
    const types: ColumnType[] = [ai, { kind: 'int', bytes: 4, unsigned: false }];
    for (let i = 0; i < CASES; i++) {
      const a = types.map(randomValue);
      const prefix = encodeKey([ai], [a[0] as Value]);
      const upper = prefixSuccessor(prefix);
      const key = encodeKey(types, a);
      expect(Buffer.compare(key, prefix)).toBeGreaterThan(0);
      if (upper !== undefined) expect(Buffer.compare(key, upper)).toBeLessThan(0);
    }
    expect(prefixSuccessor(Buffer.from([1, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixSuccessor(Buffer.from([0xff, 0xff]))).toBeUndefined();
  });

  it('row ids are 6 bytes, big-endian, round-tripping', () => {
    for (const id of [1n, 255n, 256n, ROW_ID_MAX]) expect(decodeRowId(encodeRowId(id))).toBe(id);
    expect(Buffer.compare(encodeRowId(255n), encodeRowId(256n))).toBe(-1);
  });
});
