/**
 * Transactions through Session.execute: autocommit, BEGIN/COMMIT/ROLLBACK, reading one's own
 * writes, REPEATABLE READ and READ COMMITTED snapshots, savepoints, statement rollback, READ ONLY,
 * the IN_TRANS flag, implicit commit on DDL, streaming reads at a snapshot while writers commit.
 * Runs over the MemoryTrees double and over the real page layer.
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

export async function query(s: Session, sql: string): Promise<Row[]> {
  return rowsOf(await s.execute(sql));
}

export async function failure(s: Session, sql: string): Promise<SqlError> {
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

const backends = [
  {
    name: 'MemoryTrees',
    start: () =>
      createEngine({ storage: {} as StorageClient, log, trees: new MemoryTrees() }),
  },
  {
    name: 'openTrees',
    start: () =>
      createEngine({
        storage: new MemoryStorageClient(new MemoryStorage()),
        log,
        bufferPoolPages: 64,
      }),
  },
];

async function setup(engine: Engine): Promise<Session> {
  const s = open(engine);
  await s.execute('CREATE DATABASE t');
  await s.useDatabase('t');
  await s.execute('CREATE TABLE a (id INT PRIMARY KEY, v INT)');
  await s.execute('INSERT INTO a VALUES (1, 10), (2, 20)');
  return s;
}

async function other(engine: Engine): Promise<Session> {
  const s = open(engine);
  await s.useDatabase('t');
  return s;
}

for (const backend of backends) {
  describe(`transactions over ${backend.name}`, () => {
    it('keeps uncommitted writes to the transaction, and shows them after COMMIT', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      expect(s1.status.inTransaction).toBe(true);
      await s1.execute('INSERT INTO a VALUES (3, 30)');
      await s1.execute('UPDATE a SET v = v + 1 WHERE id = 1');
      await s1.execute('DELETE FROM a WHERE id = 2');
      expect(await query(s1, 'SELECT * FROM a')).toEqual([
        [1n, 11n],
        [3n, 30n],
      ]);
      expect(await query(s2, 'SELECT * FROM a')).toEqual([
        [1n, 10n],
        [2n, 20n],
      ]);
      await s1.execute('COMMIT');
      expect(s1.status.inTransaction).toBe(false);
      expect(await query(s2, 'SELECT * FROM a')).toEqual([
        [1n, 11n],
        [3n, 30n],
      ]);
      await engine.close();
    });

    it('forgets everything on ROLLBACK', async () => {
      const engine = await backend.start();
      const s = await setup(engine);
      await s.execute('start transaction');
      await s.execute('INSERT INTO a VALUES (3, 30)');
      await s.execute('DELETE FROM a');
      expect(await query(s, 'SELECT * FROM a')).toEqual([]);
      await s.execute('ROLLBACK');
      expect(await query(s, 'SELECT id FROM a')).toEqual([[1n], [2n]]);
      await engine.close();
    });

    it('reads one snapshot under REPEATABLE READ, a fresh one under READ COMMITTED', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[10n]]);
      await s2.execute('UPDATE a SET v = 99 WHERE id = 1');
      await s2.execute('INSERT INTO a VALUES (5, 50)');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[10n]]);
      expect(await query(s1, 'SELECT id FROM a')).toEqual([[1n], [2n]]);
      await s1.execute('COMMIT');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[99n]]);

      await s1.execute('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[99n]]);
      await s2.execute('UPDATE a SET v = 7 WHERE id = 1');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[7n]]);
      await s1.execute('COMMIT');
      await engine.close();
    });

    it('takes the snapshot at START TRANSACTION WITH CONSISTENT SNAPSHOT', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('START TRANSACTION WITH CONSISTENT SNAPSHOT');
      await s2.execute('INSERT INTO a VALUES (3, 30)');
      expect(await query(s1, 'SELECT id FROM a')).toEqual([[1n], [2n]]);
      await s1.execute('COMMIT');
      await engine.close();
    });

    it('rolls back to savepoints and releases them', async () => {
      const engine = await backend.start();
      const s = await setup(engine);
      await s.execute('begin');
      await s.execute('INSERT INTO a VALUES (3, 30)');
      await s.execute('savepoint x');
      await s.execute('INSERT INTO a VALUES (4, 40)');
      await s.execute('SAVEPOINT y');
      await s.execute('DELETE FROM a');
      await s.execute('ROLLBACK TO SAVEPOINT y');
      expect(await query(s, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n], [4n]]);
      await s.execute('ROLLBACK WORK TO x');
      expect(await query(s, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n]]);
      expect((await failure(s, 'ROLLBACK TO y')).errno).toBe(1305);
      await s.execute('release savepoint x');
      expect((await failure(s, 'RELEASE SAVEPOINT x')).message).toBe('SAVEPOINT x does not exist');
      await s.execute('COMMIT');
      expect(await query(s, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n]]);
      await engine.close();
    });

    it('rolls back only the failed statement and keeps the transaction', async () => {
      const engine = await backend.start();
      const s = await setup(engine);
      await s.execute('BEGIN');
      await s.execute('INSERT INTO a VALUES (3, 30)');
      expect((await failure(s, 'INSERT INTO a VALUES (4, 40), (1, 1)')).errno).toBe(1062);
      expect(s.status.inTransaction).toBe(true);
      await s.execute('COMMIT');
      expect(await query(s, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n]]);
      await engine.close();
    });

    it('refuses writes in READ ONLY transactions, and characteristics changes in one', async () => {
      const engine = await backend.start();
      const s = await setup(engine);
      await s.execute('START TRANSACTION READ ONLY');
      expect((await failure(s, 'INSERT INTO a VALUES (3, 30)')).errno).toBe(1792);
      expect((await failure(s, 'CREATE TABLE b (x INT)')).errno).toBe(1792);
      expect(
        (await failure(s, 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')).errno,
      ).toBe(1568);
      await s.execute('SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE');
      await s.execute('COMMIT');
      await s.execute('INSERT INTO a VALUES (3, 30)');
      await engine.close();
    });

    it('follows autocommit and the transaction variables', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      expect(await query(s1, 'SELECT @@autocommit, @@transaction_isolation')).toEqual([
        [1n, 'REPEATABLE-READ'],
      ]);
      await s1.execute('SET autocommit = 0');
      expect(s1.status.autocommit).toBe(false);
      expect(s1.status.inTransaction).toBe(false);
      await s1.execute('INSERT INTO a VALUES (3, 30)');
      expect(s1.status.inTransaction).toBe(true);
      expect(await query(s2, 'SELECT id FROM a')).toEqual([[1n], [2n]]);
      await s1.execute('SET autocommit = 1'); // commits
      expect(s1.status.inTransaction).toBe(false);
      expect(await query(s2, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n]]);
      await s1.execute("SET SESSION transaction_isolation = 'READ-COMMITTED'");
      await s1.execute('SET innodb_lock_wait_timeout = 7');
      expect(await query(s1, 'SELECT @@transaction_isolation, @@innodb_lock_wait_timeout')).toEqual(
        [['READ-COMMITTED', 7n]],
      );
      expect((await failure(s1, "SET autocommit = 'maybe'")).errno).toBe(1231);
      await engine.close();
    });

    it('commits an open transaction before DDL', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      await s1.execute('INSERT INTO a VALUES (3, 30)');
      await s1.execute('CREATE TABLE b (x INT)');
      expect(s1.status.inTransaction).toBe(false);
      expect(await query(s2, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n]]);
      await s1.execute('BEGIN');
      await s1.execute('INSERT INTO a VALUES (4, 40)');
      await s1.execute('BEGIN'); // BEGIN commits too
      await s1.execute('ROLLBACK');
      expect(await query(s2, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n], [4n]]);
      await engine.close();
    });

    it('streams a large result at its snapshot while writers commit', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200))');
      const pad = 'x'.repeat(150);
      for (let i = 0; i < 20; i++) {
        const values = Array.from({ length: 100 }, (_, j) => `(${i * 100 + j}, '${pad}')`);
        await s1.execute(`INSERT INTO big VALUES ${values.join(',')}`);
      }
      const result = await s1.execute('SELECT id, pad FROM big');
      if (result.kind !== 'rows') throw new Error('rows');
      let seen = 0;
      let batches = 0;
      let next = 0;
      for await (const batch of result.rows) {
        batches++;
        for (const row of batch) {
          expect(row[0]).toBe(BigInt(next++));
          seen++;
        }
        if (batches === 2) {
          // Writers change rows the stream has not reached yet, and add and remove others.
          await s2.execute(`UPDATE big SET pad = 'changed' WHERE id >= 1000`);
          await s2.execute('DELETE FROM big WHERE id >= 1500');
          await s2.execute(`INSERT INTO big VALUES (5000, 'new')`);
        }
      }
      expect(seen).toBe(2000);
      expect(batches).toBeGreaterThan(2);
      expect(await query(s1, 'SELECT pad FROM big WHERE id = 1000')).toEqual([['changed']]);
      await engine.close();
    });
  });
}

describe('the write set bound', () => {
  it('fails a statement past it with 1197 and keeps the transaction', async () => {
    const engine = await createEngine({
      storage: {} as StorageClient,
      log,
      trees: new MemoryTrees(),
      writeSetBytesMax: 64 * 1024,
    });
    const s = await setup(engine);
    await s.execute('CREATE TABLE w (id INT PRIMARY KEY, pad VARCHAR(1000))');
    await s.execute('BEGIN');
    const pad = 'p'.repeat(900);
    await s.execute(`INSERT INTO w VALUES (1, '${pad}')`);
    const values = Array.from({ length: 100 }, (_, i) => `(${i + 2}, '${pad}')`);
    const error = await failure(s, `INSERT INTO w VALUES ${values.join(',')}`);
    expect(error.errno).toBe(1197);
    expect(s.status.inTransaction).toBe(true);
    await s.execute('COMMIT');
    expect(await query(s, 'SELECT id FROM w')).toEqual([[1n]]);
    await engine.close();
  });
});

/** The state of a statement in flight: 'pending' until it settles. */
function inFlight(p: Promise<unknown>): { state: string; error?: SqlError } {
  const seen: { state: string; error?: SqlError } = { state: 'pending' };
  p.then(
    () => (seen.state = 'done'),
    (e: unknown) => {
      seen.state = e instanceof SqlError ? `error ${e.errno}` : `error ${String(e)}`;
      if (e instanceof SqlError) seen.error = e;
    },
  );
  return seen;
}

const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function setLockWait(s: Session, seconds: number): void {
  (s as unknown as { txn: { lockWaitTimeoutS: number } }).txn.lockWaitTimeoutS = seconds;
}

for (const backend of backends) {
  describe(`row locks over ${backend.name}`, () => {
    it('loses no update among concurrent increments', async () => {
      const engine = await backend.start();
      const s = await setup(engine);
      await s.execute('CREATE TABLE counter (id INT PRIMARY KEY, n INT)');
      await s.execute('INSERT INTO counter VALUES (1, 0)');
      const sessions = await Promise.all(Array.from({ length: 8 }, () => other(engine)));
      await Promise.all(
        sessions.map(async (c) => {
          for (let i = 0; i < 50; i++) await c.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
        }),
      );
      expect(await query(s, 'SELECT n FROM counter')).toEqual([[400n]]);
      await engine.close();
    });

    it('makes FOR UPDATE wait for the holder and read the committed row', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1 FOR UPDATE')).toEqual([[10n]]);
      await s1.execute('UPDATE a SET v = 11 WHERE id = 1');
      await s2.execute('BEGIN');
      const waiting = s2.execute('SELECT v FROM a WHERE id = 1 FOR UPDATE');
      const seen = inFlight(waiting);
      await settle();
      expect(seen.state).toBe('pending');
      // A plain SELECT does not wait: it reads its snapshot.
      expect(await query(s2, 'SELECT v FROM a WHERE id = 2')).toEqual([[20n]]);
      await s1.execute('COMMIT');
      expect(await rowsOf(await waiting)).toEqual([[11n]]);
      await s2.execute('COMMIT');
      await engine.close();
    });

    it("locks by each query block's own clause, as MariaDB does", async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('CREATE TABLE b (id INT PRIMARY KEY, v INT)');
      await s1.execute('INSERT INTO b VALUES (1, 10), (2, 20)');
      await s1.execute('CREATE VIEW merged AS SELECT * FROM a');
      await s1.execute('CREATE VIEW kept AS SELECT * FROM a WHERE id < 10 LIMIT 5');
      await s1.execute('CREATE VIEW counted AS SELECT COUNT(*) AS n, MAX(id) AS top FROM a');
      await s1.execute('CREATE VIEW ranked AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) r FROM a');
      await s1.execute('CREATE VIEW asks AS SELECT id, (SELECT MAX(v) FROM b) AS most FROM a');
      await s1.execute('CREATE ALGORITHM=TEMPTABLE VIEW apart AS SELECT * FROM a');
      // Which of a's and b's row 1 each statement locks (MariaDB 10.11, the same statements;
      // not the last four: FOR SHARE and OF are MySQL 8's syntax, which MariaDB lacks).
      const cases: [string, string][] = [
        ['SELECT id FROM a WHERE id = 1 UNION SELECT id FROM b WHERE id = 1 FOR UPDATE', 'b'],
        ['SELECT * FROM a WHERE id IN (SELECT id FROM b WHERE id = 1 FOR UPDATE)', 'b'],
        ['SELECT * FROM a WHERE id IN (SELECT id FROM b WHERE id = 1) FOR UPDATE', 'a'],
        ['SELECT * FROM (SELECT * FROM a WHERE id = 1) d FOR UPDATE', ''],
        ['WITH c AS (SELECT * FROM a WHERE id = 1) SELECT * FROM c FOR UPDATE', ''],
        ['SELECT * FROM (SELECT * FROM a WHERE id = 1 FOR UPDATE) d', 'a'],
        ['WITH c AS (SELECT * FROM b WHERE id = 1 FOR UPDATE NOWAIT) SELECT * FROM c', 'b'],
        ['(SELECT id FROM a WHERE id = 1 FOR UPDATE) UNION (SELECT id FROM b WHERE id = 1)', 'a'],
        ['SELECT * FROM a WHERE id = 1 AND EXISTS (SELECT 1 FROM b WHERE b.id = a.id ' +
          'LOCK IN SHARE MODE)', 'b'],
        ['SELECT * FROM a JOIN (SELECT id FROM b WHERE id = 1) d ON d.id = a.id FOR UPDATE', 'a'],
        ['SELECT * FROM merged WHERE id = 1 FOR UPDATE', 'a'],
        ['SELECT * FROM kept WHERE id = 1 FOR UPDATE', ''],
        ['SELECT * FROM counted FOR UPDATE', ''],
        ['SELECT * FROM ranked WHERE id = 1 FOR UPDATE', ''],
        ['SELECT * FROM asks WHERE id = 1 FOR UPDATE', 'a'],
        ['SELECT * FROM apart WHERE id = 1 FOR UPDATE', ''],
        ['SELECT id FROM a WHERE id = 1 FOR UPDATE', 'a'],
        ['(SELECT id FROM a WHERE id = 1) FOR UPDATE', 'a'],
        // Inside a query, the forms node-sql-parser cannot read itself (query-text.ts).
        ['SELECT * FROM a WHERE id IN (SELECT id FROM b WHERE id = 1 FOR SHARE)', 'b'],
        ['SELECT * FROM (SELECT * FROM a WHERE id = 1 FOR UPDATE OF a) d', 'a'],
        ['SELECT * FROM a WHERE id IN (SELECT id FROM b WHERE id = 1 FOR SHARE OF b NOWAIT)', 'b'],
        ['WITH c AS (SELECT * FROM b WHERE id = 1 LOCK IN SHARE MODE SKIP LOCKED) ' +
          'SELECT * FROM c', 'b'],
      ];
      for (const [sql, locked] of cases) {
        await s1.execute('BEGIN');
        await s1.execute(sql);
        await s2.execute('BEGIN');
        for (const table of ['a', 'b']) {
          const probe = `SELECT id FROM ${table} WHERE id = 1 FOR UPDATE NOWAIT`;
          const outcome = await s2.execute(probe).then(
            () => 'free',
            (e: unknown) => (e instanceof SqlError ? e.errno : e),
          );
          expect(outcome, `${sql}: ${table}`).toBe(locked === table ? 3572 : 'free');
        }
        await s2.execute('ROLLBACK');
        await s1.execute('ROLLBACK');
      }
      await engine.close();
    });

    it("waits at most WAIT n's seconds (MariaDB), then 1205", async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      await s1.execute('SELECT * FROM a WHERE id = 1 FOR UPDATE');
      await s2.execute('BEGIN');
      for (const sql of [
        'SELECT * FROM a WHERE id = 1 FOR UPDATE WAIT 0',
        'SELECT * FROM a WHERE id = 1 LOCK IN SHARE MODE WAIT 0',
        'SELECT * FROM a WHERE id IN (SELECT id FROM a WHERE id = 1 FOR UPDATE WAIT 0)',
      ]) {
        expect((await failure(s2, sql)).errno, sql).toBe(1205);
      }
      // A wait long enough sees the holder commit and reads the row.
      const waiting = s2.execute('SELECT v FROM a WHERE id = 1 FOR UPDATE WAIT 30');
      const seen = inFlight(waiting);
      await settle();
      expect(seen.state).toBe('pending');
      await s1.execute('COMMIT');
      expect(await rowsOf(await waiting)).toEqual([[10n]]);
      await s2.execute('COMMIT');
      expect((await failure(s2, 'SELECT * FROM a FOR UPDATE WAIT')).errno).toBe(1064);
      // A miss locks the gap around the key (REPEATABLE READ), which waits for a pending insert
      // into it: as long as WAIT says too. (InnoDB does not wait here: the pending row is in its
      // tree and bounds the gap; here it is in no tree until it commits.)
      await s1.execute('BEGIN');
      await s1.execute('INSERT INTO a VALUES (5, 50)');
      await s2.execute('BEGIN');
      const started = Date.now();
      const gap = await failure(s2, 'SELECT * FROM a WHERE id = 7 FOR UPDATE WAIT 0');
      expect(gap.errno).toBe(1205);
      expect(Date.now() - started).toBeLessThan(5000); // not innodb_lock_wait_timeout's 50 s
      await s2.execute('ROLLBACK');
      await s1.execute('ROLLBACK');
      await engine.close();
    });

    it('answers NOWAIT with 3572 and SKIP LOCKED without the locked rows', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      await s1.execute('SELECT * FROM a WHERE id = 1 FOR UPDATE');
      await s2.execute('BEGIN');
      const nowait = await failure(s2, 'SELECT * FROM a WHERE id = 1 FOR UPDATE NOWAIT');
      expect(nowait.errno).toBe(3572);
      expect(await query(s2, 'SELECT id FROM a FOR UPDATE SKIP LOCKED')).toEqual([[2n]]);
      const skip = 'SELECT id FROM a ORDER BY id LIMIT 1 FOR SHARE SKIP LOCKED';
      expect(await query(s2, skip)).toEqual([
        [2n],
      ]);
      await s1.execute('COMMIT');
      await s2.execute('COMMIT');
      await engine.close();
    });

    it('locks only the rows a LIMIT reads, so SKIP LOCKED workers take different jobs',
      async () => {
        const engine = await backend.start();
        const s1 = await setup(engine);
        const s2 = await other(engine);
        await s1.execute('INSERT INTO a VALUES (3, 30), (4, 40)');
        const take = 'SELECT id FROM a ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED';
        await s1.execute('BEGIN');
        expect(await query(s1, take)).toEqual([[1n]]);
        await s2.execute('BEGIN');
        expect(await query(s2, take)).toEqual([[2n]]);
        const s3 = await other(engine);
        await s3.execute('BEGIN');
        expect(await query(s3, 'SELECT id FROM a ORDER BY id FOR UPDATE SKIP LOCKED')).toEqual([
          [3n],
          [4n],
        ]);
        for (const s of [s1, s2, s3]) await s.execute('COMMIT');
        await engine.close();
      });

    it('times a lock wait out with 1205, rolling back the statement only', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      setLockWait(s2, 1);
      await s1.execute('BEGIN');
      await s1.execute('UPDATE a SET v = 0 WHERE id = 1');
      await s2.execute('BEGIN');
      await s2.execute('UPDATE a SET v = 21 WHERE id = 2');
      const started = Date.now();
      expect((await failure(s2, 'UPDATE a SET v = 1 WHERE id = 1')).errno).toBe(1205);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(s2.status.inTransaction).toBe(true);
      await s1.execute('COMMIT');
      await s2.execute('COMMIT');
      expect(await query(s1, 'SELECT v FROM a')).toEqual([[0n], [21n]]);
      await engine.close();
    });

    it('detects a deadlock, rolls the victim back whole, and lets the other go on', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      await s2.execute('BEGIN');
      await s1.execute('UPDATE a SET v = 100 WHERE id = 1');
      await s2.execute('UPDATE a SET v = 200 WHERE id = 2');
      const first = s1.execute('UPDATE a SET v = 101 WHERE id = 2');
      const seen = inFlight(first);
      await settle();
      expect(seen.state).toBe('pending');
      expect((await failure(s2, 'UPDATE a SET v = 201 WHERE id = 1')).errno).toBe(1213);
      expect(s2.status.inTransaction).toBe(false);
      await first;
      await s1.execute('COMMIT');
      expect(await query(s2, 'SELECT v FROM a')).toEqual([[100n], [101n]]);
      await engine.close();
    });

    it('prevents phantoms in a locked range, and not outside it', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('INSERT INTO a VALUES (10, 1), (20, 2)');
      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT id FROM a WHERE id BETWEEN 5 AND 15 FOR UPDATE')).toEqual([
        [10n],
      ]);
      await s2.execute('INSERT INTO a VALUES (30, 3)'); // outside: goes through
      const phantom = s2.execute('INSERT INTO a VALUES (7, 7)');
      const seen = inFlight(phantom);
      await settle();
      expect(seen.state).toBe('pending');
      expect(await query(s1, 'SELECT id FROM a WHERE id BETWEEN 5 AND 15 FOR UPDATE')).toEqual([
        [10n],
      ]);
      await s1.execute('COMMIT');
      await phantom;
      expect(await query(s1, 'SELECT id FROM a WHERE id BETWEEN 5 AND 15')).toEqual([[7n], [10n]]);
      await engine.close();
    });

    it('turns plain SELECTs into shared locking reads under SERIALIZABLE', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[10n]]); // autocommit
      await s2.execute('UPDATE a SET v = 12 WHERE id = 1');
      await s1.execute('BEGIN');
      expect(await query(s1, 'SELECT v FROM a WHERE id = 1')).toEqual([[12n]]);
      const blocked = inFlight(s2.execute('UPDATE a SET v = 13 WHERE id = 1'));
      await settle();
      expect(blocked.state).toBe('pending');
      await s1.execute('COMMIT');
      await settle();
      expect(blocked.state).toBe('done');
      await engine.close();
    });

    it('orders two inserts of one key: the second waits, then fails or succeeds', async () => {
      const engine = await backend.start();
      const s1 = await setup(engine);
      const s2 = await other(engine);
      await s1.execute('BEGIN');
      await s1.execute('INSERT INTO a VALUES (9, 1)');
      const second = inFlight(s2.execute('INSERT INTO a VALUES (9, 2)'));
      await settle();
      expect(second.state).toBe('pending');
      await s1.execute('COMMIT');
      await settle();
      expect(second.state).toBe('error 1062');

      await s1.execute('BEGIN');
      await s1.execute('INSERT INTO a VALUES (8, 1)');
      const third = inFlight(s2.execute('INSERT INTO a VALUES (8, 2)'));
      await settle();
      expect(third.state).toBe('pending');
      await s1.execute('ROLLBACK');
      await settle();
      expect(third.state).toBe('done');
      expect(await query(s1, 'SELECT v FROM a WHERE id IN (8, 9)')).toEqual([[2n], [1n]]);
      await engine.close();
    });
  });
}

describe('metadata locks', () => {
  it('make DDL wait for the transactions using its table, and time out with 1205', async () => {
    const engine = await backends[1]!.start();
    const s1 = await setup(engine);
    const s2 = await other(engine);
    await s1.execute('BEGIN');
    await s1.execute('INSERT INTO a VALUES (3, 30)');
    const index = inFlight(s2.execute('CREATE INDEX v_1 ON a (v)'));
    await settle();
    expect(index.state).toBe('pending');
    expect(await query(s1, 'SELECT id FROM a')).toEqual([[1n], [2n], [3n]]);
    await s1.execute('COMMIT'); // no 1412: the index waited for the transaction
    await settle();
    expect(index.state).toBe('done');
    expect(await query(s2, 'SELECT id FROM a WHERE v = 30')).toEqual([[3n]]);

    await s1.execute('BEGIN');
    await query(s1, 'SELECT * FROM a');
    await s2.execute('SET SESSION lock_wait_timeout = 1');
    const started = Date.now();
    expect((await failure(s2, 'DROP TABLE a')).errno).toBe(1205);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await s1.execute('COMMIT');
    await s2.execute('DROP TABLE a');
    await engine.close();
  });
});
