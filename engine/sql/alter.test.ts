/**
 * ALTER TABLE on tables with rows (rebuilds and in-place changes), RENAME TABLE, TRUNCATE, views,
 * LOCK TABLES — through a Session, with MySQL's results and errors.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

async function fixture(): Promise<Session> {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), n INT)');
  await ok(s, "INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', NULL)");
  return s;
}

async function createText(s: Session, table: string): Promise<string> {
  const rows = await query(s, `SHOW CREATE TABLE ${table}`);
  return String(rows[0]?.[1]);
}

describe('ALTER TABLE', () => {
  it('adds, drops, moves and retypes columns of a table with rows', async () => {
    const s = await fixture();
    await ok(
      s,
      "ALTER TABLE t ADD COLUMN flag TINYINT(1) NOT NULL DEFAULT 1 AFTER id, DROP COLUMN n",
    );
    expect(await query(s, 'SELECT * FROM t ORDER BY id')).toEqual([
      [1n, 1n, 'a'],
      [2n, 1n, 'b'],
      [3n, 1n, 'c'],
    ]);
    const r = await ok(s, 'ALTER TABLE t MODIFY name VARCHAR(50) NOT NULL FIRST');
    // A VARCHAR made longer within its length bytes, moved, made NOT NULL: InnoDB does it in
    // place, so MySQL 8 reports no rows copied.
    expect([r.affectedRows, r.info]).toEqual([0, 'Records: 0  Duplicates: 0  Warnings: 0']);
    await ok(s, 'ALTER TABLE t CHANGE name title VARCHAR(50) NOT NULL, RENAME COLUMN flag TO f');
    expect(await createText(s, 't')).toBe(
      [
        'CREATE TABLE `t` (',
        '  `title` varchar(50) NOT NULL,',
        '  `id` int NOT NULL,',
        "  `f` tinyint(1) NOT NULL DEFAULT '1',",
        '  PRIMARY KEY (`id`)',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
      ].join('\n'),
    );
    expect((await failure(s, 'ALTER TABLE t ADD COLUMN id INT')).errno).toBe(1060);
    expect((await failure(s, 'ALTER TABLE t DROP COLUMN nope')).errno).toBe(1091);
    expect((await failure(s, 'ALTER TABLE t MODIFY nope INT')).errno).toBe(1054);
  });

  it('adds indexes, a primary key, AUTO_INCREMENT, defaults and options', async () => {
    const s = await fixture();
    await ok(s, 'ALTER TABLE t ADD INDEX k_n (n), ADD UNIQUE KEY u_name (name)');
    expect((await failure(s, "INSERT INTO t VALUES (4, 'a', 1)")).errno).toBe(1062);
    expect(await query(s, 'SELECT id FROM t WHERE n = 20')).toEqual([[2n]]);
    await ok(s, 'ALTER TABLE t DROP INDEX k_n, ALTER COLUMN n SET DEFAULT 7');
    await ok(s, 'INSERT INTO t (id, name) VALUES (4, \'d\')');
    expect(await query(s, 'SELECT n FROM t WHERE id = 4')).toEqual([[7n]]);
    await ok(s, 'CREATE TABLE u (name VARCHAR(10))');
    await ok(s, "INSERT INTO u VALUES ('x'), ('y')");
    await ok(s, 'ALTER TABLE u ADD id INT NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST');
    expect(await query(s, 'SELECT * FROM u ORDER BY id')).toEqual([[1n, 'x'], [2n, 'y']]);
    await ok(s, "INSERT INTO u (name) VALUES ('z')");
    expect(await query(s, "SELECT id FROM u WHERE name = 'z'")).toEqual([[3n]]);
    await ok(s, "ALTER TABLE u COMMENT = 'hello', AUTO_INCREMENT = 10");
    expect(await createText(s, 'u')).toContain(
      "AUTO_INCREMENT=10 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='hello'",
    );
  });

  it('renames, truncates, locks', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE x (a INT)');
    await ok(s, 'RENAME TABLE t TO tmp, x TO t, tmp TO x');
    expect(await query(s, 'SELECT COUNT(*) FROM x')).toEqual([[3n]]);
    await ok(s, 'ALTER TABLE x RENAME TO y');
    expect(await query(s, 'SHOW TABLES')).toEqual([['t'], ['y']]);
    await ok(s, 'TRUNCATE TABLE y');
    expect(await query(s, 'SELECT * FROM y')).toEqual([]);
    await ok(s, 'LOCK TABLES y READ, t WRITE');
    expect((await failure(s, 'INSERT INTO y VALUES (1, NULL, NULL)')).errno).toBe(1099);
    await ok(s, 'INSERT INTO t VALUES (1)');
    await ok(s, 'CREATE TABLE z (a INT)');
    expect((await failure(s, 'SELECT * FROM z')).errno).toBe(1100);
    await ok(s, 'UNLOCK TABLES');
    expect(await query(s, 'SELECT * FROM z')).toEqual([]);
    const note = await ok(s, 'ALTER TABLE z DISABLE KEYS');
    // MySQL's simple rename / keys path: a bare OK, with Note 1031.
    expect([note.info, s.status.warningCount]).toEqual(['', 1]);
    await ok(s, 'DROP PROCEDURE IF EXISTS p');
    expect((await failure(s, 'DROP PROCEDURE p')).errno).toBe(1305);
  });

  it('views', async () => {
    const s = await fixture();
    await ok(s, 'CREATE VIEW v AS SELECT id, name FROM t WHERE n > 5');
    expect(await query(s, 'SELECT * FROM v ORDER BY id')).toEqual([[1n, 'a'], [2n, 'b']]);
    expect(await query(s, 'SHOW FULL TABLES')).toEqual([['t', 'BASE TABLE'], ['v', 'VIEW']]);
    const create = await query(s, 'SHOW CREATE VIEW v');
    expect(create[0]?.[1]).toBe(
      'CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS SELECT id, name FROM t WHERE n > 5',
    );
    expect(await query(s, 'DESCRIBE v')).toEqual([
      ['id', 'int', 'NO', '', null, ''],
      ['name', 'varchar(20)', 'YES', '', null, ''],
    ]);
    expect((await failure(s, 'CREATE VIEW v AS SELECT 1')).errno).toBe(1050);
    await ok(s, 'CREATE OR REPLACE VIEW v (x) AS SELECT 1');
    expect(await query(s, 'SELECT x FROM v')).toEqual([[1n]]);
    expect((await failure(s, 'DROP VIEW t')).errno).toBe(1347);
    await ok(s, 'DROP VIEW v');
    await ok(s, 'DROP VIEW IF EXISTS v');
  });
});

describe('CREATE TABLE … LIKE / … SELECT', () => {
  it('copies a definition, or makes one from a query and fills it', async () => {
    const s = await fixture();
    await ok(s, 'ALTER TABLE t ADD UNIQUE KEY u_name (name), ADD CONSTRAINT c_n CHECK (n > 0)');
    await ok(s, 'CREATE TABLE t2 LIKE t');
    const text = String((await query(s, 'SHOW CREATE TABLE t2'))[0]?.[1]);
    expect(text).toContain('UNIQUE KEY `u_name` (`name`)');
    expect(await query(s, 'SELECT * FROM t2')).toEqual([]);
    const r = await ok(s, 'CREATE TABLE t3 AS SELECT id, name, n * 2 AS m FROM t WHERE id < 3');
    expect([r.affectedRows, r.info]).toEqual([2, 'Records: 2  Duplicates: 0  Warnings: 0']);
    expect(await query(s, 'SELECT * FROM t3 ORDER BY id')).toEqual([
      [1n, 'a', 20n],
      [2n, 'b', 40n],
    ]);
    expect(await query(s, 'DESCRIBE t3')).toEqual([
      ['id', 'int', 'NO', '', null, ''],
      ['name', 'varchar(20)', 'YES', '', null, ''],
      ['m', 'bigint', 'YES', '', null, ''],
    ]);
    await ok(s, 'CREATE TABLE t4 (k INT PRIMARY KEY) SELECT id AS k FROM t');
    expect(await query(s, 'SELECT k FROM t4 ORDER BY k')).toEqual([[1n], [2n], [3n]]);
    expect(
      (await failure(s, 'CREATE TABLE t5 (k INT PRIMARY KEY) SELECT 1 AS k UNION ALL SELECT 1'))
        .errno,
    ).toBe(1062);
    expect((await failure(s, 'SELECT * FROM t5')).errno).toBe(1146);
  });
});
