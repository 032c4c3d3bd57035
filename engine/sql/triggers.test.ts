/**
 * Which triggers each row-changing statement form fires, and in what order (triggers.ts): every
 * trigger writes a line to a log table, checked after each statement — REPLACE, INSERT … ON
 * DUPLICATE KEY UPDATE, multi-table UPDATE / DELETE, LOAD DATA — and triggers following their
 * table through RENAME TABLE / ALTER TABLE … RENAME.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine, Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';
import { MemoryTrees } from '../testing/memory-trees.js';

let engine: Engine;
let s: Session;

beforeEach(async () => {
  engine = await memoryEngine();
  s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, 'CREATE TABLE log (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(80))');
});

afterEach(async () => {
  await s.close();
  await engine.close();
});

/** Six triggers on `table` (id, v columns), each logging its timing, event, OLD and NEW. */
async function logTriggers(table: string): Promise<void> {
  const row = (which: 'OLD' | 'NEW'): string => `${which}.id, '/', IFNULL(${which}.v, 'null')`;
  for (const timing of ['BEFORE', 'AFTER'] as const) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE'] as const) {
      const parts = [`'${table} ${timing[0]}${event[0]}'`];
      if (event !== 'INSERT') parts.push(`' old '`, row('OLD'));
      if (event !== 'DELETE') parts.push(`' new '`, row('NEW'));
      const name = `${table}_${timing[0]}${event[0]}`.toLowerCase();
      await ok(
        s,
        `CREATE TRIGGER ${name} ${timing} ${event} ON ${table} FOR EACH ROW ` +
          `INSERT INTO log (what) VALUES (CONCAT(${parts.join(', ')}))`,
      );
    }
  }
}

/** The log since the last call, emptied. */
async function drain(): Promise<string[]> {
  const rows = await query(s, 'SELECT what FROM log ORDER BY n');
  await ok(s, 'DELETE FROM log');
  return rows.map((r) => String(r[0]));
}

describe('trigger firing by statement form', () => {
  it('REPLACE: BEFORE INSERT, BEFORE / AFTER DELETE per conflict, AFTER INSERT', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v INT, u INT, UNIQUE KEY (u))');
    await ok(s, 'INSERT INTO t VALUES (1, 10, 100), (2, 20, 200)');
    await logTriggers('t');
    await ok(s, 'REPLACE INTO t VALUES (3, 30, 300)');
    expect(await drain()).toEqual(['t BI new 3/30', 't AI new 3/30']);
    await ok(s, 'REPLACE INTO t VALUES (1, 11, 100)');
    expect(await drain()).toEqual([
      't BI new 1/11', 't BD old 1/10', 't AD old 1/10', 't AI new 1/11',
    ]);
    // One new row meeting two old ones (by PRIMARY KEY and by UNIQUE u): both deleted.
    const two = await ok(s, 'REPLACE INTO t VALUES (2, 22, 300)');
    expect(two.affectedRows).toBe(3);
    expect(await drain()).toEqual([
      't BI new 2/22', 't BD old 2/20', 't AD old 2/20', 't BD old 3/30', 't AD old 3/30',
      't AI new 2/22',
    ]);
    expect(await query(s, 'SELECT id, v, u FROM t ORDER BY id')).toEqual([
      [1n, 11n, 100n], [2n, 22n, 300n],
    ]);
  });

  it('INSERT … ON DUPLICATE KEY UPDATE: BEFORE INSERT, then BEFORE / AFTER UPDATE', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO t VALUES (1, 10)');
    await logTriggers('t');
    const r = await ok(
      s, 'INSERT INTO t VALUES (1, 15), (2, 20) ON DUPLICATE KEY UPDATE v = v + 1',
    );
    expect(r.affectedRows).toBe(3);
    expect(await drain()).toEqual([
      't BI new 1/15', 't BU old 1/10 new 1/11', 't AU old 1/10 new 1/11',
      't BI new 2/20', 't AI new 2/20',
    ]);
    // Unchanged by its SET: BEFORE and AFTER UPDATE still fire (as an UPDATE's matched row).
    const same = await ok(s, 'INSERT INTO t VALUES (2, 0) ON DUPLICATE KEY UPDATE v = v');
    expect(same.affectedRows).toBe(0);
    expect(await drain()).toEqual([
      't BI new 2/0', 't BU old 2/20 new 2/20', 't AU old 2/20 new 2/20',
    ]);
    // A BEFORE UPDATE trigger's SET NEW.v is what is written.
    await ok(s, 'CREATE TABLE w (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO w VALUES (1, 1)');
    await ok(s, 'CREATE TRIGGER w_bu BEFORE UPDATE ON w FOR EACH ROW SET NEW.v = NEW.v * 100');
    await ok(s, 'INSERT INTO w VALUES (1, 0) ON DUPLICATE KEY UPDATE v = 5');
    expect(await query(s, 'SELECT v FROM w WHERE id = 1')).toEqual([[500n]]);
  });

  it('multi-table UPDATE fires each target table’s UPDATE triggers per row', async () => {
    await ok(s, 'CREATE TABLE a (id INT PRIMARY KEY, v INT)');
    await ok(s, 'CREATE TABLE b (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)');
    await ok(s, 'INSERT INTO b VALUES (1, 1), (2, 2)');
    await logTriggers('a');
    await logTriggers('b');
    const r = await ok(s, 'UPDATE a JOIN b ON a.id = b.id SET a.v = a.v + b.v, b.v = 0');
    expect(r.affectedRows).toBe(4);
    expect((await drain()).sort()).toEqual([
      'a AU old 1/10 new 1/11', 'a AU old 2/20 new 2/22', 'a BU old 1/10 new 1/11',
      'a BU old 2/20 new 2/22', 'b AU old 1/1 new 1/0', 'b AU old 2/2 new 2/0',
      'b BU old 1/1 new 1/0', 'b BU old 2/2 new 2/0',
    ]);
    // Per row, BEFORE comes before AFTER.
    await ok(s, 'UPDATE a JOIN b ON a.id = b.id SET a.v = 7 WHERE a.id = 1');
    expect(await drain()).toEqual(['a BU old 1/11 new 1/7', 'a AU old 1/11 new 1/7']);
  });

  it('multi-table DELETE fires each target table’s DELETE triggers per row', async () => {
    await ok(s, 'CREATE TABLE a (id INT PRIMARY KEY, v INT)');
    await ok(s, 'CREATE TABLE b (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)');
    await ok(s, 'INSERT INTO b VALUES (1, 1), (2, 2)');
    await logTriggers('a');
    await logTriggers('b');
    await ok(s, 'DELETE a FROM a JOIN b ON a.id = b.id WHERE b.v = 2');
    expect(await drain()).toEqual(['a BD old 2/20', 'a AD old 2/20']);
    await ok(s, 'DELETE a, b FROM a JOIN b ON a.id = b.id');
    expect((await drain()).sort()).toEqual([
      'a AD old 1/10', 'a BD old 1/10', 'b AD old 1/1', 'b BD old 1/1',
    ]);
    expect(await query(s, 'SELECT id FROM a')).toEqual([[3n]]);
    expect(await query(s, 'SELECT id FROM b')).toEqual([[2n]]);
  });

  it('a trigger’s multi-table change of its own table is 1442', async () => {
    await ok(s, 'CREATE TABLE a (id INT PRIMARY KEY, v INT)');
    await ok(s, 'CREATE TABLE b (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO b VALUES (1, 1)');
    await ok(
      s,
      'CREATE TRIGGER a_ai AFTER INSERT ON a FOR EACH ROW ' +
        'UPDATE a JOIN b ON a.id = b.id SET a.v = b.v',
    );
    expect((await failure(s, 'INSERT INTO a VALUES (1, 0)')).errno).toBe(1442);
    expect(await query(s, 'SELECT COUNT(*) FROM a')).toEqual([[0n]]);
  });

  it('LOAD DATA fires INSERT triggers per row (and REPLACE’s DELETE ones)', async () => {
    await ok(s, 'SET GLOBAL local_infile = 1');
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    await ok(s, 'INSERT INTO t VALUES (1, 10)');
    await logTriggers('t');
    const asked = await s.execute("LOAD DATA LOCAL INFILE 'f' REPLACE INTO TABLE t");
    if (asked.kind !== 'local-infile') throw new Error(`expected a file request: ${asked.kind}`);
    const done = await asked.load(Buffer.from('1\t11\n2\t20\n', 'utf8'));
    expect(done.kind).toBe('ok');
    expect(await drain()).toEqual([
      't BI new 1/11', 't BD old 1/10', 't AD old 1/10', 't AI new 1/11',
      't BI new 2/20', 't AI new 2/20',
    ]);
  });
});

describe('triggers and RENAME', () => {
  it('RENAME TABLE and ALTER TABLE … RENAME keep the table’s triggers', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    await ok(s, 'CREATE TABLE u (id INT PRIMARY KEY, v INT)');
    await logTriggers('t');
    await ok(
      s,
      "CREATE TRIGGER u_bi BEFORE INSERT ON u FOR EACH ROW INSERT INTO log (what) VALUES ('u BI')",
    );
    await ok(s, 'RENAME TABLE t TO t2');
    await ok(s, 'INSERT INTO t2 VALUES (1, 1)');
    expect(await drain()).toEqual(['t BI new 1/1', 't AI new 1/1']);
    const tables = "SELECT DISTINCT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS " +
      "WHERE TRIGGER_NAME LIKE 't\\_%'";
    expect(await query(s, tables)).toEqual([['t2']]);
    await ok(s, 'ALTER TABLE t2 RENAME TO t3');
    await ok(s, 'DELETE FROM t3');
    expect(await drain()).toEqual(['t BD old 1/1', 't AD old 1/1']);
    // A swap through a temporary name: each table keeps its own triggers.
    await ok(s, 'RENAME TABLE t3 TO tmp, u TO t3, tmp TO u');
    await ok(s, 'INSERT INTO t3 VALUES (5, 5)');
    await ok(s, 'INSERT INTO u VALUES (6, 6)');
    expect(await drain()).toEqual(['u BI', 't BI new 6/6', 't AI new 6/6']);
    // A table with triggers cannot move to another database (MySQL's 1435).
    await ok(s, 'CREATE DATABASE e');
    expect((await failure(s, 'RENAME TABLE u TO e.u')).errno).toBe(1435);
    expect((await failure(s, 'ALTER TABLE u RENAME TO e.u')).errno).toBe(1435);
    await ok(s, 'CREATE TABLE plain (id INT PRIMARY KEY)');
    await ok(s, 'RENAME TABLE plain TO e.plain');
    // DROP TABLE of the renamed table drops the triggers it took along.
    await ok(s, 'DROP TABLE u');
    const count = "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'd'";
    expect(await query(s, count)).toEqual([[1n]]);
  });

  it('a renamed table’s triggers survive a restart', async () => {
    const trees = new MemoryTrees();
    const e1 = await memoryEngine({}, trees);
    const s1 = openSession(e1);
    await ok(s1, 'CREATE DATABASE k');
    await ok(s1, 'CREATE TABLE k.t (id INT PRIMARY KEY, v INT)');
    await ok(s1, 'CREATE TRIGGER k.tr BEFORE INSERT ON k.t FOR EACH ROW SET NEW.v = NEW.id * 10');
    await ok(s1, 'RENAME TABLE k.t TO k.t2');
    await s1.close();
    await e1.close();
    const e2 = await memoryEngine({}, trees);
    const s2 = openSession(e2);
    await ok(s2, 'INSERT INTO k.t2 (id) VALUES (3)');
    expect(await query(s2, 'SELECT v FROM k.t2')).toEqual([[30n]]);
    await s2.close();
    await e2.close();
  });
});
