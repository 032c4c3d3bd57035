/**
 * Catalog definitions survive their persisted form, and a table too wide for one catalog entry
 * is refused rather than breaking the Trees' entry limit (T5).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { pageId, type StorageClient } from '../../storage/index.js';
import { createEngine } from '../engine.js';
import { SqlError } from '../errors.js';
import { Decimal } from '../sql/decimal.js';
import { parseDateTime } from '../sql/datetime.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import {
  type ColumnType,
  decodeTable,
  decodeTypeCode,
  encodeTable,
  makeTableDef,
  typeCode,
} from './definitions.js';

describe('catalog definitions', () => {
  it('round-trip every column type and DEFAULT', () => {
    const types: ColumnType[] = [
      { kind: 'int', bytes: 1, unsigned: false },
      { kind: 'int', bytes: 8, unsigned: true },
      { kind: 'decimal', precision: 65, scale: 30, unsigned: true },
      { kind: 'string', variant: 'char', chars: 4, collation: 'utf8mb4_bin' },
      { kind: 'string', variant: 'varchar', chars: 100, collation: 'utf8mb4_0900_ai_ci' },
      { kind: 'string', variant: 'text', chars: 65_535, collation: 'utf8mb4_0900_bin' },
      { kind: 'datetime', fsp: 3 },
    ];
    for (const t of types) expect(decodeTypeCode(typeCode(t))).toEqual(t);
    const def = makeTableDef({
      database: 'd',
      name: 't',
      root: pageId(42),
      columns: [
        { name: 'k', type: types[1] as ColumnType, nullable: false, defaultValue: null },
        { name: 'n', type: types[0] as ColumnType, nullable: true, defaultValue: { value: null } },
        {
          name: 'm',
          type: types[2] as ColumnType,
          nullable: false,
          defaultValue: { value: new Decimal(15n, 1).rescale(30) },
        },
        {
          name: 's',
          type: types[4] as ColumnType,
          nullable: true,
          defaultValue: { value: "it's" },
        },
        {
          name: 'at',
          type: types[6] as ColumnType,
          nullable: true,
          defaultValue: { value: parseDateTime('2020-01-01 00:00:00.5', 3) ?? null },
        },
      ],
      primaryKey: [0],
    });
    const back = decodeTable(encodeTable(def));
    expect(back.columns.map((c) => [c.name, c.nullable, String(c.defaultValue?.value)])).toEqual(
      def.columns.map((c) => [c.name, c.nullable, String(c.defaultValue?.value)]),
    );
    expect(back).toMatchObject({ database: 'd', name: 't', root: 42, primaryKey: [0] });
  });

  it('takes a wide table and refuses one that does not fit a catalog entry', async () => {
    const engine = await createEngine({
      storage: {} as StorageClient,
      log: pino({ level: 'silent' }),
      trees: new MemoryTrees(),
    });
    const s = engine.openSession({ connectionId: 1, user: 'root', host: 'localhost' });
    await s.execute('CREATE DATABASE d');
    const columns = (n: number): string =>
      Array.from({ length: n }, (_, i) => `c${i} INT`).join(', ');
    await s.execute(`CREATE TABLE d.wide (${columns(200)})`);
    const error = await s
      .execute(`CREATE TABLE d.wider (${columns(1000)})`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).errno).toBe(1117);
  });
});
