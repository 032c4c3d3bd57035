/**
 * Secondary indexes through Session.execute: definitions and their errors, lookups and ranges
 * through them (checked against a full scan), maintenance by INSERT/UPDATE/DELETE, UNIQUE
 * violations, CREATE/DROP INDEX on tables with rows, prefix indexes, NULLs, restart, reading
 * one's own writes through an index, locking through an index, and EXPLAIN for sysbench's shapes.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StorageClient } from '../../storage/index.js';
import type { Engine, Result, Row, Session } from '../api.js';
import { MemoryStorage, MemoryStorageClient } from '../btree/testing.js';
import { createEngine } from '../engine.js';
import { SqlError } from '../errors.js';
import { MemoryTrees } from '../testing/memory-trees.js';

const log = pino({ level: 'silent' });

async function rowsOf(result: Result): Promise<Row[]> {
  if (result.kind !== 'rows') throw new Error(`expected rows, got ${result.kind}`);
  const rows: Row[] = [];
  for await (const batch of result.rows) rows.push(...batch);
  return rows;
}

async function query(s: Session, sql: string): Promise<Row[]> {
  return rowsOf(await s.execute(sql));
}

async function failure(s: Session, sql: string): Promise<SqlError> {
  try {
    await s.execute(sql);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`expected an error from: ${sql}`);
}

let connections = 0;
function open(engine: Engine): Session {
  return engine.openSession({ connectionId: ++connections, user: 'root', host: 'localhost' });
}

interface Backend {
  readonly name: string;
  start(): Promise<{ engine: Engine; restart: () => Promise<Engine> }>;
}

const backends: Backend[] = [
  {
    name: 'MemoryTrees',
    async start() {
      const trees = new MemoryTrees();
      const go = (): Promise<Engine> => createEngine({ storage: {} as StorageClient, log, trees });
      return { engine: await go(), restart: go };
    },
  },
  {
    name: 'openTrees',
    async start() {
      const volume = new MemoryStorage();
      const go = (): Promise<Engine> =>
        createEngine({ storage: new MemoryStorageClient(volume), log, bufferPoolPages: 64 });
      return { engine: await go(), restart: go };
    },
  },
];

async function db(engine: Engine): Promise<Session> {
  const s = open(engine);
  await s.execute('CREATE DATABASE IF NOT EXISTS d');
  await s.useDatabase('d');
  return s;
}

const explainHead = (rows: Row[]): unknown[] => rows.map((r) => [r[4], r[5], r[6], r[7], r[8]]);

for (const backend of backends) {
  describe(`secondary indexes over ${backend.name}`, () => {
    it('answers lookups, IN lists and ranges through an index as a full scan does', async () => {
      const { engine } = await backend.start();
      const s = await db(engine);
      await s.execute(
        'CREATE TABLE t (id INT PRIMARY KEY, k INT, c VARCHAR(20), KEY k_1 (k), INDEX (c, k))',
      );
      const values = Array.from({ length: 300 }, (_, i) => `(${i}, ${(i * 7) % 50}, 'c${i % 13}')`);
      await s.execute(`INSERT INTO t VALUES ${values.join(',')}`);
      const cases = [
        'k = 7',
        'k IN (3, 9, 14)',
        'k BETWEEN 10 AND 12',
        'k > 45',
        "c = 'c3'",
        "c = 'c3' AND k < 20",
        "c IN ('c1', 'c2') AND k = 7",
      ];
      for (const where of cases) {
        const viaIndex = await query(s, `SELECT id FROM t WHERE ${where} ORDER BY id`);
        const scanned = (await query(s, 'SELECT id, k, c FROM t ORDER BY id')).filter((r) =>
          matches(where, r),
        );
        expect(viaIndex).toEqual(scanned.map((r) => [r[0]]));
      }
      expect(await query(s, 'SELECT k FROM t ORDER BY k DESC LIMIT 3')).toEqual([
        [49n], [49n], [49n],
      ]);
      await engine.close();
    });

    it('keeps indexes right through updates, deletes, rollbacks and a restart', async () => {
      const { engine, restart } = await backend.start();
      const s = await db(engine);
      await s.execute('CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, KEY (k))');
      await s.execute('INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
      await s.execute('UPDATE t SET k = 21 WHERE id = 1');
      await s.execute('DELETE FROM t WHERE k = 30');
      expect(await query(s, 'SELECT id FROM t WHERE k = 10')).toEqual([]);
      expect(await query(s, 'SELECT id FROM t WHERE k BETWEEN 20 AND 21 ORDER BY k')).toEqual([
        [2n], [1n],
      ]);
      await s.execute('BEGIN');
      await s.execute('UPDATE t SET k = 99 WHERE id = 2');
      await s.execute('INSERT INTO t VALUES (4, 99)');
      expect(await query(s, 'SELECT id FROM t WHERE k = 99 ORDER BY id')).toEqual([[2n], [4n]]);
      const other = await db(engine);
      expect(await query(other, 'SELECT id FROM t WHERE k = 99')).toEqual([]);
      await s.execute('ROLLBACK');
      expect(await query(s, 'SELECT id FROM t WHERE k = 20')).toEqual([[2n]]);
      await engine.close();
      const again = await db(await restart());
      expect(await query(again, 'SELECT id FROM t WHERE k > 0 ORDER BY k')).toEqual([[2n], [1n]]);
    });

    it('enforces UNIQUE (several NULLs allowed) and names the key in 1062', async () => {
      const { engine } = await backend.start();
      const s = await db(engine);
      await s.execute(
        'CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(50) UNIQUE, a INT, b INT, ' +
          'UNIQUE KEY ab (a, b))',
      );
      await s.execute(
        "INSERT INTO u VALUES (1, 'x@y', 1, 1), (2, NULL, 1, NULL), (3, NULL, 1, NULL)",
      );
      const dup = await failure(s, "INSERT INTO u VALUES (4, 'x@y', 2, 2)");
      expect(dup.message).toBe("Duplicate entry 'x@y' for key 'u.email'");
      expect((await failure(s, 'INSERT INTO u VALUES (5, NULL, 1, 1)')).message).toBe(
        "Duplicate entry '1-1' for key 'u.ab'",
      );
      expect((await failure(s, "UPDATE u SET email = 'x@y' WHERE id = 2")).errno).toBe(1062);
      await s.execute("UPDATE u SET email = 'z@y' WHERE id = 1");
      await s.execute("INSERT INTO u VALUES (6, 'x@y', 3, 3)");
      expect(await query(s, "SELECT id FROM u WHERE email = 'x@y'")).toEqual([[6n]]);
      const ones = await query(s, 'SELECT id FROM u WHERE a = 1 ORDER BY id');
      expect(ones).toEqual([[1n], [2n], [3n]]);
      await engine.close();
    });

    it('builds an index on rows, refuses a UNIQUE one they violate, and drops one', async () => {
      const { engine } = await backend.start();
      const s = await db(engine);
      await s.execute('CREATE TABLE t (id INT PRIMARY KEY, k INT, c TEXT)');
      await s.execute("INSERT INTO t VALUES (1, 5, 'apple'), (2, 5, 'apricot'), (3, 6, 'banana')");
      await s.execute('CREATE INDEX k_1 ON t (k)');
      expect(await query(s, 'SELECT id FROM t WHERE k = 5 ORDER BY id')).toEqual([[1n], [2n]]);
      expect((await failure(s, 'CREATE UNIQUE INDEX uk ON t (k)')).errno).toBe(1062);
      expect((await failure(s, 'CREATE INDEX k_1 ON t (c(2))')).errno).toBe(1061);
      expect((await failure(s, 'CREATE INDEX bad ON t (c)')).errno).toBe(1170);
      expect((await failure(s, 'CREATE INDEX bad ON t (k(2))')).errno).toBe(1089);
      expect((await failure(s, 'CREATE INDEX bad ON t (nope)')).errno).toBe(1072);
      await s.execute('CREATE INDEX cp ON t (c(2))');
      expect(await query(s, "SELECT id FROM t WHERE c = 'apricot'")).toEqual([[2n]]);
      expect(explainHead(await query(s, "EXPLAIN SELECT id FROM t WHERE c = 'apricot'"))).toEqual([
        ['ref', 'cp', 'cp', '11', 'const'],
      ]);
      await s.execute('DROP INDEX k_1 ON t');
      expect((await failure(s, 'DROP INDEX k_1 ON t')).errno).toBe(1091);
      expect(await query(s, 'SELECT id FROM t WHERE k = 5 ORDER BY id')).toEqual([[1n], [2n]]);
      await engine.close();
    });

    it("explains sysbench's statement shapes with the index each uses", async () => {
      const { engine } = await backend.start();
      const s = await db(engine);
      await s.execute(
        "CREATE TABLE sbtest1 (id INTEGER NOT NULL, k INTEGER DEFAULT '0' NOT NULL, " +
          "c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id))",
      );
      const values = Array.from({ length: 50 }, (_, i) => `(${i + 1}, ${i % 10}, 'c', 'p')`);
      await s.execute(`INSERT INTO sbtest1 VALUES ${values.join(',')}`);
      await s.execute('CREATE INDEX k_1 ON sbtest1(k)');
      const explain = async (sql: string): Promise<unknown[]> =>
        (await query(s, `EXPLAIN ${sql}`)).map((r) => [r[1], r[4], r[6], r[7], r[8], r[9], r[11]]);
      expect(await explain('SELECT c FROM sbtest1 WHERE id=7')).toEqual([
        ['SIMPLE', 'const', 'PRIMARY', '4', 'const', 1n, null],
      ]);
      expect(await explain('SELECT c FROM sbtest1 WHERE id BETWEEN 5 AND 14')).toEqual([
        ['SIMPLE', 'range', 'PRIMARY', '4', null, 10n, 'Using where'],
      ]);
      expect(await explain('SELECT c FROM sbtest1 WHERE id BETWEEN 5 AND 14 ORDER BY c')).toEqual(
        [['SIMPLE', 'range', 'PRIMARY', '4', null, 10n, 'Using where; Using filesort']],
      );
      expect(await explain('SELECT c FROM sbtest1 WHERE k = 3')).toEqual([
        ['SIMPLE', 'ref', 'k_1', '4', 'const', 5n, null],
      ]);
      // The index holds every column the read needs (k and the primary key): no row is read.
      expect(await explain('SELECT id FROM sbtest1 WHERE k = 3')).toEqual([
        ['SIMPLE', 'ref', 'k_1', '4', 'const', 5n, 'Using index'],
      ]);
      expect(await explain('SELECT COUNT(*) FROM sbtest1 WHERE k BETWEEN 2 AND 4')).toEqual([
        ['SIMPLE', 'range', 'k_1', '4', null, 15n, 'Using where; Using index'],
      ]);
      const tree = async (sql: string): Promise<unknown> =>
        (await query(s, `EXPLAIN FORMAT=TREE ${sql}`))[0]?.[0];
      expect(await tree('SELECT id FROM sbtest1 WHERE k = 3')).toBe(
        '-> Covering index lookup on sbtest1 using k_1 (k=3)',
      );
      expect(await tree('SELECT c FROM sbtest1 WHERE k = 3')).toBe(
        '-> Index lookup on sbtest1 using k_1 (k=3)',
      );
      expect(await explain('UPDATE sbtest1 SET k=k+1 WHERE id=7')).toEqual([
        ['UPDATE', 'range', 'PRIMARY', '4', null, 1n, 'Using where'],
      ]);
      expect(await explain("UPDATE sbtest1 SET c='x' WHERE id=7")).toEqual([
        ['UPDATE', 'range', 'PRIMARY', '4', null, 1n, 'Using where'],
      ]);
      expect(await explain('DELETE FROM sbtest1 WHERE id=7')).toEqual([
        ['DELETE', 'range', 'PRIMARY', '4', null, 1n, 'Using where'],
      ]);
      expect(await explain("INSERT INTO sbtest1 (id, k, c, pad) VALUES (7, 1, 'c', 'p')")).toEqual([
        ['INSERT', 'ALL', null, null, null, null, null],
      ]);
      await engine.close();
    });

    it('explains a table looked up per row of a join (eq_ref, ref by the outer column)',
      async () => {
        const { engine } = await backend.start();
        const s = await db(engine);
        await s.execute('CREATE TABLE k (id INT PRIMARY KEY, v INT, KEY (v))');
        await s.execute('CREATE TABLE p (id INT PRIMARY KEY, kid INT)');
        await s.execute('INSERT INTO k VALUES (1, 1), (2, 2)');
        await s.execute('INSERT INTO p VALUES (1, 1), (2, 2), (3, 2)');
        const explain = async (sql: string): Promise<unknown[]> =>
          (await query(s, `EXPLAIN ${sql}`)).map((r) => [r[2], r[4], r[6], r[8], r[9]]);
        const inner = ['k', 'eq_ref', 'PRIMARY', 'd.p.kid', 1n];
        expect(await explain('SELECT * FROM p JOIN k ON k.id = p.kid')).toEqual([
          ['p', 'ALL', null, null, 3n],
          inner,
        ]);
        expect(await explain('SELECT * FROM p LEFT JOIN k ON k.id = p.kid')).toEqual([
          ['p', 'ALL', null, null, 3n],
          inner,
        ]);
        expect(await query(s, 'SELECT p.id, k.v FROM p JOIN k ON k.id = p.kid ORDER BY p.id'))
          .toEqual([[1n, 1n], [2n, 2n], [3n, 2n]]);
        await engine.close();
      });

    it('locks through an index: FOR UPDATE on a value blocks inserting it', async () => {
      const { engine } = await backend.start();
      const s1 = await db(engine);
      const s2 = await db(engine);
      await s1.execute('CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, KEY (k))');
      await s1.execute('INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT id FROM t WHERE k = 20 FOR UPDATE')).toEqual([[2n]]);
      let done = false;
      const insert = s2.execute('INSERT INTO t VALUES (4, 20)').then(() => (done = true));
      await new Promise((r) => setTimeout(r, 30));
      expect(done).toBe(false);
      const s3 = await db(engine);
      await s3.execute('INSERT INTO t VALUES (5, 40)'); // past the locked range's next key: free
      await s1.execute('COMMIT');
      await insert;
      expect(await query(s1, 'SELECT id FROM t WHERE k = 20 ORDER BY id')).toEqual([[2n], [4n]]);
      await engine.close();
    });
  });
}

/** The test's WHERE clauses evaluated on [id, k, c] rows. */
function matches(where: string, row: Row): boolean {
  const k = Number(row[1]);
  const c = String(row[2]);
  switch (where) {
    case 'k = 7':
      return k === 7;
    case 'k IN (3, 9, 14)':
      return [3, 9, 14].includes(k);
    case 'k BETWEEN 10 AND 12':
      return k >= 10 && k <= 12;
    case 'k > 45':
      return k > 45;
    case "c = 'c3'":
      return c === 'c3';
    case "c = 'c3' AND k < 20":
      return c === 'c3' && k < 20;
    case "c IN ('c1', 'c2') AND k = 7":
      return (c === 'c1' || c === 'c2') && k === 7;
    default:
      throw new Error(where);
  }
}
