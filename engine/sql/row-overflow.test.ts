/**
 * Long values through Session.execute: a LONGBLOB of megabytes and rows of several long TEXT
 * values go
 * to overflow chains and come back whole; an older snapshot still reads the value it saw after a
 * commit replaced it (and its pages were reused); chains are freed by UPDATE and DELETE; values
 * survive a restart; CREATE INDEX reads chained values; and a row that cannot fit even with its
 * long values out is 1118. mayOverflow knows which tables can never need a chain.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StorageClient } from '../../storage/index.js';
import type { Engine, Result, Row, Session } from '../api.js';
import { MemoryStorage, MemoryStorageClient } from '../btree/testing.js';
import { createEngine } from '../engine.js';
import { SqlError } from '../errors.js';
import { type ColumnDef, type ColumnType, makeTableDef } from '../catalog/definitions.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { pageId } from '../../storage/index.js';
import { mayOverflow } from './row-overflow.js';

const log = pino({ level: 'silent' });

async function query(s: Session, sql: string): Promise<Row[]> {
  const result: Result = await s.execute(sql);
  if (result.kind !== 'rows') throw new Error('rows expected');
  const rows: Row[] = [];
  for await (const batch of result.rows) rows.push(...batch);
  return rows;
}

let connections = 0;
async function session(engine: Engine): Promise<Session> {
  const s = engine.openSession({ connectionId: ++connections, user: 'root', host: 'localhost' });
  await s.execute('CREATE DATABASE IF NOT EXISTS o');
  await s.useDatabase('o');
  return s;
}

const MIB = 1024 * 1024;

/** A deterministic long text of `bytes` ASCII characters, different per seed. */
function text(bytes: number, seed: number): string {
  const unit = `${seed}-abcdefghijklmnopqrstuvwxyz-`;
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

/**
 * 4 MiB on the MemoryTrees double, 2 MiB on the page layer over the memory storage double (which
 * rebuilds a page from every record it holds on each miss); 16 MiB values through the real
 * storage tier and the wire are in server/long-values.test.ts.
 */
const backends = [
  {
    name: 'MemoryTrees',
    bigBytes: 4 * MIB,
    start: async () => {
      const trees = new MemoryTrees();
      const go = (): Promise<Engine> => createEngine({ storage: {} as StorageClient, log, trees });
      return { engine: await go(), restart: go };
    },
  },
  {
    name: 'openTrees',
    bigBytes: 2 * MIB,
    start: async () => {
      const volume = new MemoryStorage();
      const go = (): Promise<Engine> =>
        createEngine({ storage: new MemoryStorageClient(volume), log, bufferPoolPages: 256 });
      return { engine: await go(), restart: go };
    },
  },
];

for (const backend of backends) {
  describe(`overflow pages over ${backend.name}`, () => {
    it('stores a long value, reads it at snapshots across replacement, frees it', async () => {
      const { engine, restart } = await backend.start();
      const s1 = await session(engine);
      const s2 = await session(engine);
      await s1.execute('CREATE TABLE b (id INT PRIMARY KEY, v LONGBLOB, n INT)');
      const big = text(backend.bigBytes, 1);
      await s1.execute(`INSERT INTO b VALUES (1, '${big}', 7)`);
      const [row] = await query(s1, 'SELECT v, n FROM b WHERE id = 1');
      expect((row?.[0] as Buffer).length).toBe(backend.bigBytes);
      expect((row?.[0] as Buffer).toString('latin1') === big).toBe(true);
      expect(row?.[1]).toBe(7n);

      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT n FROM b')).toEqual([[7n]]); // the snapshot is taken
      const other = text(backend.bigBytes / 8, 2);
      await s2.execute(`UPDATE b SET v = '${other}', n = 8 WHERE id = 1`);
      const third = text(backend.bigBytes / 2, 3);
      await s2.execute(`INSERT INTO b VALUES (2, '${third}', 9)`); // may reuse the freed pages
      const [old] = await query(s1, 'SELECT v, n FROM b WHERE id = 1');
      expect((old?.[0] as Buffer).toString('latin1') === big).toBe(true);
      expect(old?.[1]).toBe(7n);
      await s1.execute('COMMIT');
      const [now] = await query(s1, 'SELECT v FROM b WHERE id = 1');
      expect((now?.[0] as Buffer).toString('latin1') === other).toBe(true);
      await s1.execute('DELETE FROM b WHERE id = 2');
      await engine.close();

      const again = await session(await restart());
      const [kept] = await query(again, 'SELECT v FROM b');
      expect((kept?.[0] as Buffer).toString('latin1') === other).toBe(true);
    }, 120_000);

    it('moves the longest of several long values out, and indexes a chained value', async () => {
      const { engine } = await backend.start();
      const s = await session(engine);
      await s.execute('CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT, c TEXT, d VARCHAR(10))');
      const [a, b, c] = [text(4_000, 4), text(30_000, 5), text(3_000, 6)];
      await s.execute(`INSERT INTO t VALUES (1, '${a}', '${b}', '${c}', 'short')`);
      await s.execute(`INSERT INTO t VALUES (2, 'x', 'y', 'z', 'tiny')`);
      expect(await query(s, 'SELECT a, b, c, d FROM t WHERE id = 1')).toEqual([[a, b, c, 'short']]);
      await s.execute('CREATE INDEX bp ON t (b(8))');
      expect(await query(s, `SELECT id FROM t WHERE b = '${b}'`)).toEqual([[1n]]);
      await s.execute(`UPDATE t SET d = 'changed' WHERE id = 1`);
      const changed = await query(s, 'SELECT a, b, c, d FROM t WHERE id = 1');
      expect(changed).toEqual([[a, b, c, 'changed']]);
      await engine.close();
    });

    it('refuses a row that cannot fit even with its long values out (1118)', async () => {
      const { engine } = await backend.start();
      const s = await session(engine);
      const columns = Array.from({ length: 200 }, (_, i) => `c${i} DECIMAL(65)`).join(', ');
      await s.execute(`CREATE TABLE w (id INT PRIMARY KEY, ${columns})`);
      const values = Array.from({ length: 200 }, () => '9'.repeat(60)).join(', ');
      try {
        await s.execute(`INSERT INTO w VALUES (1, ${values})`);
        throw new Error('expected 1118');
      } catch (e) {
        expect(e instanceof SqlError && e.errno).toBe(1118);
      }
      await engine.close();
    });
  });
}

describe('mayOverflow', () => {
  const column = (name: string, type: ColumnType): ColumnDef => ({
    name,
    type,
    nullable: false,
    defaultValue: null,
  });
  const int: ColumnType = { kind: 'int', bytes: 4, unsigned: false };
  const chars = (n: number, variant: 'char' | 'varchar' = 'char'): ColumnType => ({
    kind: 'string',
    variant,
    chars: n,
    collation: 'utf8mb4_0900_ai_ci',
  });
  const table = (columns: ColumnDef[], primaryKey: number[]) =>
    makeTableDef({ database: 'd', name: 't', root: pageId(9), columns, primaryKey });

  it('is false when no row can exceed an entry: its key bounded by its fixed-width parts', () => {
    // sysbench's table: an INT key (4 bytes), CHAR(120) and CHAR(60) (4 bytes a character).
    const sbtest = [column('id', int), column('k', int), column('c', chars(120)),
      column('pad', chars(60))];
    expect(mayOverflow(table(sbtest, [0]))).toBe(false);
    expect(mayOverflow(table(sbtest, []))).toBe(false); // the hidden row id
  });

  it('is true when the key is a string (bounded only by KEY_SIZE_MAX) or the row is long', () => {
    // A VARCHAR(500) fits beside a 4-byte key, not beside a 3072-byte one.
    const keyed = [column('name', chars(100, 'varchar')), column('id', int),
      column('c', chars(500, 'varchar'))];
    expect(mayOverflow(table(keyed, [0]))).toBe(true);
    expect(mayOverflow(table(keyed, [1]))).toBe(false);
    const long = [column('id', int), column('a', chars(1000, 'varchar')),
      column('b', chars(1000, 'varchar'))];
    expect(mayOverflow(table(long, [0]))).toBe(true);
  });
});
