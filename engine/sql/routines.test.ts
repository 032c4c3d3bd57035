import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine, Result, Row, Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query, scalar } from '../testing/sessions.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { splitStatements } from './split.js';

let engine: Engine;
let s: Session;

beforeEach(async () => {
  engine = await memoryEngine();
  s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
});

afterEach(async () => {
  await s.close();
  await engine.close();
});

async function resultSets(result: Result): Promise<Row[][]> {
  if (result.kind !== 'multi') throw new Error(`expected multi, got ${result.kind}`);
  const sets: Row[][] = [];
  for (const r of result.results) {
    const rows: Row[] = [];
    for await (const batch of r.rows) rows.push(...batch);
    sets.push(rows);
  }
  return sets;
}

describe('procedures', () => {
  it('returns result sets and OUT parameters', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))');
    await ok(s, "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    await ok(
      s,
      'CREATE PROCEDURE p(IN lo INT, OUT n INT) BEGIN SELECT v FROM t WHERE ' +
        'id >= lo ORDER BY id; SELECT COUNT(*) INTO n FROM t WHERE id >= lo; END',
    );
    const sets = await resultSets(await s.execute('CALL p(1, @n)'));
    expect(sets).toEqual([[['a'], ['b']]]);
    expect(await scalar(s, 'SELECT @n')).toBe(2n);
    expect((await failure(s, 'CALL p(1)')).errno).toBe(1318);
    expect((await failure(s, 'CALL p(1, 2)')).errno).toBe(1414);
    expect((await failure(s, 'CALL nope()')).errno).toBe(1305);
    expect((await failure(s, 'CREATE PROCEDURE p() SELECT 1')).errno).toBe(1304);
    await ok(s, 'CREATE PROCEDURE IF NOT EXISTS p() SELECT 1');
    await ok(s, 'DROP PROCEDURE p');
    expect((await failure(s, 'DROP PROCEDURE p')).errno).toBe(1305);
    await ok(s, 'DROP PROCEDURE IF EXISTS p');
  });

  it('runs control flow with typed locals', async () => {
    await ok(
      s,
      `CREATE PROCEDURE loops(IN n INT, OUT total DECIMAL(10,2), OUT word VARCHAR(40))
       BEGIN
         DECLARE i INT DEFAULT 0;
         DECLARE acc DECIMAL(10,2) DEFAULT 0;
         SET word = '';
         outer_loop: WHILE i < n DO
           SET i = i + 1;
           IF i = 2 THEN ITERATE outer_loop; ELSEIF i > 4 THEN LEAVE outer_loop; END IF;
           SET acc = acc + i / 3;
         END WHILE outer_loop;
         REPEAT SET word = CONCAT(word, 'x'); UNTIL LENGTH(word) >= 3 END REPEAT;
         l: LOOP
           CASE WHEN LENGTH(word) > 4 THEN LEAVE l; ELSE SET word = CONCAT(word, 'y'); END CASE;
         END LOOP l;
         SET total = acc;
       END`,
    );
    await ok(s, 'CALL loops(10, @t, @w)');
    expect(await query(s, 'SELECT @t, @w')).toEqual([
      ['2.660000000000000000000000000000', 'xxxyy'],
    ]);
  });

  it('runs its statements in its own database and restores the caller’s', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY)');
    await ok(s, 'CREATE PROCEDURE ins(IN x INT) INSERT INTO t VALUES (x)');
    await ok(s, 'CREATE DATABASE e');
    await ok(s, 'USE e');
    await ok(s, 'CALL d.ins(5)');
    expect(await scalar(s, 'SELECT DATABASE()')).toBe('e');
    expect(await query(s, 'SELECT id FROM d.t')).toEqual([[5n]]);
  });

  it('survives a restart of the engine', async () => {
    const trees = new MemoryTrees();
    const e1 = await memoryEngine({}, trees);
    const s1 = openSession(e1);
    await ok(s1, 'CREATE DATABASE k');
    await ok(s1, 'CREATE TABLE k.t (id INT PRIMARY KEY, v INT)');
    await ok(s1, 'CREATE PROCEDURE k.p(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM t; END');
    await ok(s1, 'CREATE TRIGGER k.tr BEFORE INSERT ON k.t FOR EACH ROW SET NEW.v = NEW.id * 10');
    await s1.close();
    await e1.close();
    const e2 = await memoryEngine({}, trees);
    const s2 = openSession(e2);
    await ok(s2, 'INSERT INTO k.t (id) VALUES (3)');
    await ok(s2, 'CALL k.p(@n)');
    expect(await query(s2, 'SELECT @n, v FROM k.t')).toEqual([[1n, 30n]]);
    await s2.close();
    await e2.close();
  });
});

describe('triggers', () => {
  it('fires BEFORE and AFTER row triggers', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, title VARCHAR(20))');
    await ok(s, 'CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(60))');
    await ok(
      s,
      'CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.title = TRIM(NEW.title)',
    );
    await ok(
      s,
      "CREATE TRIGGER ai AFTER INSERT ON t FOR EACH ROW INSERT INTO " +
        "audit (what) VALUES (CONCAT('ins ', NEW.id, ' ', NEW.title))",
    );
    await ok(
      s,
      "CREATE TRIGGER bu BEFORE UPDATE ON t FOR EACH ROW BEGIN IF " +
        "NEW.title = '' THEN SET NEW.title = OLD.title; END IF; END",
    );
    await ok(
      s,
      "CREATE TRIGGER ad AFTER DELETE ON t FOR EACH ROW INSERT " +
        "INTO audit (what) VALUES (CONCAT('del ', OLD.id))",
    );
    await ok(s, "INSERT INTO t VALUES (1, '  a  '), (2, ' b')");
    await ok(s, "UPDATE t SET title = '' WHERE id = 1");
    await ok(s, 'DELETE FROM t WHERE id = 2');
    expect(await query(s, 'SELECT id, title FROM t')).toEqual([[1n, 'a']]);
    expect(await query(s, 'SELECT what FROM audit ORDER BY n')).toEqual([
      ['ins 1 a'],
      ['ins 2 b'],
      ['del 2'],
    ]);
    expect(
      (await failure(s, 'CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.id = 1')).errno,
    ).toBe(1359);
    expect(
      (await failure(s, 'CREATE TRIGGER x BEFORE INSERT ON nope FOR EACH ROW SET NEW.id = 1'))
        .errno,
    ).toBe(1146);
    await ok(s, 'DROP TRIGGER bi');
    expect((await failure(s, 'DROP TRIGGER bi')).errno).toBe(1360);
    await ok(s, 'DROP TABLE t');
    expect((await failure(s, 'DROP TRIGGER ai')).errno).toBe(1360);
  });

  it('refuses a trigger that changes its own table (1442)', async () => {
    await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY)');
    await ok(
      s,
      'CREATE TRIGGER ai AFTER INSERT ON t FOR EACH ROW INSERT INTO t VALUES (NEW.id + 100)',
    );
    expect((await failure(s, 'INSERT INTO t VALUES (1)')).errno).toBe(1442);
    expect(await query(s, 'SELECT COUNT(*) FROM t')).toEqual([[0n]]);
  });
});

describe('metadata', () => {
  it('shows procedures and triggers as MySQL 8 does', async () => {
    await ok(s, 'CREATE TABLE posts (id INT PRIMARY KEY, title VARCHAR(20))');
    await ok(
      s,
      'CREATE PROCEDURE count_posts(OUT n INT) COMMENT \'hi\' ' +
        'BEGIN SELECT COUNT(*) INTO n FROM posts; END',
    );
    await ok(
      s,
      'CREATE TRIGGER trg BEFORE INSERT ON posts FOR EACH ROW SET NEW.title = TRIM(NEW.title)',
    );
    const [create] = await query(s, 'SHOW CREATE PROCEDURE count_posts');
    expect(create?.[2]).toBe(
      "CREATE DEFINER=`root`@`localhost` PROCEDURE `count_posts`(OUT n INT)\n    COMMENT 'hi'\n" +
        'BEGIN SELECT COUNT(*) INTO n FROM posts; END',
    );
    const [trigger] = await query(s, 'SHOW CREATE TRIGGER trg');
    expect(trigger?.[2]).toBe(
      'CREATE DEFINER=`root`@`localhost` TRIGGER `trg` BEFORE INSERT ON `posts` FOR EACH ROW SET NEW.title = TRIM(NEW.title)',
    );
    const status = await query(s, "SHOW PROCEDURE STATUS WHERE Db = 'd'");
    expect(status.map((r) => [r[0], r[1], r[2], r[3], r[6], r[7]])).toEqual([
      ['d', 'count_posts', 'PROCEDURE', 'root@localhost', 'DEFINER', 'hi'],
    ]);
    expect(await query(s, "SHOW FUNCTION STATUS WHERE Db = 'd'")).toEqual([]);
    expect((await query(s, "SHOW TRIGGERS LIKE 'po%'")).map((r) => r.slice(0, 5))).toEqual([
      ['trg', 'INSERT', 'posts', 'SET NEW.title = TRIM(NEW.title)', 'BEFORE'],
    ]);
    expect(
      await query(
        s,
        "SELECT TRIGGER_NAME, ACTION_ORDER FROM INFORMATION_SCHEMA.TRIGGERS " +
          "WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = 'posts'",
      ),
    ).toEqual([['trg', 1n]]);
    expect(
      await query(
        s,
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM " +
          "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'd'",
      ),
    ).toEqual([['count_posts', 'PROCEDURE', 'BEGIN SELECT COUNT(*) INTO n FROM posts; END']]);
    // What mysqldump writes back parses to the same definitions.
    await ok(s, 'DROP PROCEDURE count_posts');
    await ok(s, String(create?.[2]));
    await ok(s, 'DROP TRIGGER trg');
    await ok(
      s,
      '/*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER trg BEFORE INSERT ' +
        'ON posts FOR EACH ROW SET NEW.title = TRIM(NEW.title) \n*/',
    );
    await ok(s, "INSERT INTO posts VALUES (1, '  x ')");
    expect(await query(s, 'SELECT title FROM posts')).toEqual([['x']]);
    expect((await failure(s, 'CREATE FUNCTION f() RETURNS INT RETURN 1')).errno).toBe(1235);
    expect(
      (await failure(s, 'CREATE PROCEDURE h() BEGIN DECLARE c CURSOR FOR SELECT 1; END')).errno,
    ).toBe(1235);
  });
});

describe('splitStatements and stored programs', () => {
  it('keeps a CREATE PROCEDURE body whole', () => {
    const sql =
      "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT IF(1,2,3); " +
      "END IF; SELECT 'a;b'; END; CALL p(); SELECT 1";
    const parts = splitStatements(Buffer.from(sql)).map((b) => b.toString());
    expect(parts).toEqual([
      "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT IF(1,2,3); END IF; SELECT 'a;b'; END",
      'CALL p()',
      'SELECT 1',
    ]);
    const plain = splitStatements(Buffer.from('CREATE TABLE function (a INT); SELECT 2'));
    expect(plain.map((b) => b.toString())).toEqual(['CREATE TABLE function (a INT)', 'SELECT 2']);
  });
});
