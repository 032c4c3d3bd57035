/**
 * row.ts: rows round-trip through the row format, NULLs and every column type included, and a
 * row written with fewer columns reads the missing ones from the caller, and a read that needs
 * only some columns gets exactly those (the others null) from every layout.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnType } from './catalog/definitions.js';
import { decodeRow, decodeRowAt, encodeRow, encodedRowSize } from './row.js';
import { Decimal } from './sql/decimal.js';
import { intRange, type Value } from './sql/values.js';
import { Prng } from './testing/prng.js';

const TYPES: ColumnType[] = [
  { kind: 'int', bytes: 1, unsigned: false },
  { kind: 'int', bytes: 3, unsigned: true },
  { kind: 'int', bytes: 8, unsigned: false },
  { kind: 'int', bytes: 8, unsigned: true },
  { kind: 'decimal', precision: 65, scale: 30, unsigned: false },
  { kind: 'decimal', precision: 10, scale: 0, unsigned: false },
  { kind: 'string', variant: 'varchar', chars: 100, collation: 'utf8mb4_0900_ai_ci' },
  { kind: 'string', variant: 'text', chars: 65_535, collation: 'utf8mb4_bin' },
  { kind: 'datetime', fsp: 6 },
  { kind: 'int', bytes: 4, unsigned: false },
  { kind: 'int', bytes: 2, unsigned: true },
  { kind: 'string', variant: 'enum', chars: 1, collation: 'utf8mb4_bin', members: ['a', 'b'] },
  { kind: 'string', variant: 'set', chars: 3, collation: 'utf8mb4_bin', members: ['x', 'y'] },
  { kind: 'double' },
  { kind: 'time', fsp: 0 },
];

function randomValue(prng: Prng, type: ColumnType): Value {
  if (prng.int(5) === 0) return null;
  switch (type.kind) {
    case 'int': {
      const { min, max } = intRange(type.bytes, type.unsigned);
      return prng.pick([min, max, 0n, prng.bigint(min, max)]);
    }
    case 'decimal': {
      const limit = 10n ** BigInt(type.precision) - 1n;
      return new Decimal(
        prng.pick([limit, -limit, 0n, -1n, prng.bigint(-limit, limit)]),
        type.scale,
      );
    }
    case 'string':
      if (type.variant === 'enum') return prng.pick(['a', 'b', '']);
      if (type.variant === 'set') return prng.pick(['', 'x', 'x,y']);
      return prng.pick(['', 'apple', 'naïve 😀', 'x'.repeat(300), '\u0000']);
    case 'datetime':
      return prng.bigint(0n, 315_537_897_599_999_999n);
    case 'double':
      return prng.pick([0, -1.5, 1e300]);
    case 'time':
      return prng.bigint(-3_020_399_000_000n, 3_020_399_000_000n);
    default:
      throw new Error('no such type');
  }
}

describe('row codec', () => {
  it('round-trips random rows', () => {
    const prng = Prng.fromEnv(7);
    for (let i = 0; i < 500; i++) {
      const row = TYPES.map((t) => randomValue(prng, t));
      const encoded = encodeRow(TYPES, row);
      expect(encodedRowSize(TYPES, row)).toBe(encoded.length);
      const decoded = decodeRow(TYPES, encoded);
      expect(decoded.map(String)).toEqual(row.map(String));
      decoded.forEach((v, c) => {
        if (v instanceof Decimal) expect((row[c] as Decimal).compare(v)).toBe(0);
      });
    }
  });

  it('decodes a row in place from a larger buffer as from its own (decodeRowAt)', () => {
    const prng = Prng.fromEnv(9);
    for (let i = 0; i < 200; i++) {
      const row = TYPES.map((t) => randomValue(prng, t));
      const stored = encodeRow(TYPES, row);
      const before = prng.int(40);
      const page = Buffer.concat([Buffer.alloc(before, 0xee), stored, Buffer.alloc(17, 0xdd)]);
      const needed = TYPES.map(() => prng.int(2) === 0);
      const end = before + stored.length;
      const got = decodeRowAt(TYPES, page, before, end, undefined, needed);
      expect(got.map(String)).toEqual(decodeRow(TYPES, stored, undefined, needed).map(String));
      // The row's end is checked: a wrong end is a wrong row.
      expect(() => decodeRowAt(TYPES, page, before, end + 1)).toThrow(/every byte read/);
    }
  });

  it('writes the documented bytes (ints, strings, a NULL bitmap)', () => {
    const types: ColumnType[] = [
      { kind: 'int', bytes: 4, unsigned: false },
      { kind: 'int', bytes: 3, unsigned: true },
      { kind: 'int', bytes: 8, unsigned: false },
      { kind: 'string', variant: 'varchar', chars: 9, collation: 'utf8mb4_bin' },
      { kind: 'string', variant: 'varchar', chars: 9, collation: 'binary' },
      { kind: 'double' },
    ];
    const row: Value[] = [-2n, 0xabcdefn, -(2n ** 63n), 'é', '\u00ff\u0000', null];
    // version 1, 6 columns, bitmap 0b100000, then each non-NULL value.
    expect(encodeRow(types, row).toString('hex')).toBe(
      '0106' + '20' + 'fffffffe' + 'abcdef' + '8000000000000000' + '02c3a9' + '02ff00',
    );
  });

  it('stores a NULL as one bit', () => {
    const types = TYPES.slice(0, 3);
    expect(encodeRow(types, [null, null, null])).toHaveLength(3);
    expect(encodeRow(types, [1n, null, 2n])).toHaveLength(3 + 1 + 8);
  });

  it('reads columns added after the row was written from `missing`', () => {
    const old = encodeRow(TYPES.slice(0, 1), [5n]);
    expect(decodeRow(TYPES.slice(0, 2), old, () => 42n)).toEqual([5n, 42n]);
  });

  it('decodes only the needed columns, skipping the others whatever their type (issue 8)', () => {
    const prng = Prng.fromEnv(11);
    for (let i = 0; i < 500; i++) {
      const row = TYPES.map((t) => randomValue(prng, t));
      const needed = TYPES.map(() => prng.int(2) === 0);
      const decoded = decodeRow(TYPES, encodeRow(TYPES, row), () => null, needed);
      expect(decoded.map(String)).toEqual(row.map((v, c) => String(needed[c] ? v : null)));
    }
  });

  it('reads every int width at its limits', () => {
    for (const bytes of [1, 2, 3, 4, 8] as const) {
      for (const unsigned of [false, true]) {
        const types: ColumnType[] = [{ kind: 'int', bytes, unsigned }];
        const { min, max } = intRange(bytes, unsigned);
        for (const v of [min, max, 0n, min + 1n, max - 1n]) {
          expect(decodeRow(types, encodeRow(types, [v]))).toEqual([v]);
        }
      }
    }
  });
});
