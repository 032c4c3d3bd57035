/**
 * Decoding a sysbench row (id INT, k INT, c CHAR(120), pad CHAR(60)): every column against only
 * `c` (row.ts decodeRow `needed`, what `SELECT c … WHERE id …` reads); and encoding it (every
 * INSERT and UPDATE encodes its rows). Run:
 * npx vitest bench engine/row.bench.ts
 */
import { bench, describe } from 'vitest';
import type { ColumnType } from './catalog/definitions.js';
import { decodeRow, encodeRow } from './row.js';

const TYPES: ColumnType[] = [
  { kind: 'int', bytes: 4, unsigned: false },
  { kind: 'int', bytes: 4, unsigned: false },
  { kind: 'string', variant: 'char', chars: 120, collation: 'utf8mb4_0900_ai_ci' },
  { kind: 'string', variant: 'char', chars: 60, collation: 'utf8mb4_0900_ai_ci' },
];
const C = '68487932199-96439406143-93774651418-41631865787-96406072701-20604855487-25459966574';
const PAD = '22195207048-70116052123-74140395089-76317954521-98694025897';
const ROWS = Array.from({ length: 100 }, (_, i) =>
  encodeRow(TYPES, [BigInt(i + 1), BigInt(50_000 + i), `${C}-${i}`, PAD]),
);
const ONLY_C = [false, false, true, false];
const VALUES = Array.from({ length: 100 }, (_, i) => [
  BigInt(i + 1),
  BigInt(50_000 + i),
  `${C}-${i}`,
  PAD,
]);

describe('encode 100 sysbench rows', () => {
  bench('encodeRow', () => {
    for (const values of VALUES) encodeRow(TYPES, values);
  });
});

describe('decode 100 sysbench rows', () => {
  bench('every column', () => {
    for (const row of ROWS) decodeRow(TYPES, row);
  });
  bench('only c (needed mask)', () => {
    for (const row of ROWS) decodeRow(TYPES, row, undefined, ONLY_C);
  });
});
