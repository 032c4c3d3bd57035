/**
 * Encoding integer keys (keys.ts): every point read, row lock and index entry of an INT primary
 * key or index encodes one, so the 4- and 8-byte cases are the hot ones. Run:
 * npx vitest bench engine/keys.bench.ts
 */
import { bench, describe } from 'vitest';
import type { ColumnType } from './catalog/definitions.js';
import { encodeKey } from './keys.js';

const INT: ColumnType[] = [{ kind: 'int', bytes: 4, unsigned: false }];
const BIGINT: ColumnType[] = [{ kind: 'int', bytes: 8, unsigned: false }];
const PAIR: ColumnType[] = [INT[0] as ColumnType, INT[0] as ColumnType];
const VALUES = Array.from({ length: 100 }, (_, i) => BigInt(i * 7919 - 300_000));

describe('encode 100 integer keys', () => {
  bench('INT', () => {
    for (const v of VALUES) encodeKey(INT, [v]);
  });
  bench('BIGINT', () => {
    for (const v of VALUES) encodeKey(BIGINT, [v]);
  });
  bench('(INT, INT)', () => {
    for (const v of VALUES) encodeKey(PAIR, [v, v]);
  });
});
