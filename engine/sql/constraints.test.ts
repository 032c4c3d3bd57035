/**
 * FOREIGN KEY (names, enforcement, cascades, foreign_key_checks), CHECK constraints, generated
 * columns, DEFAULT expressions and ON UPDATE CURRENT_TIMESTAMP, through a Session.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

async function fixture(): Promise<Session> {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  return s;
}

describe('FOREIGN KEY', () => {
  it('names, indexes and SHOW CREATE TABLE', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await ok(
      s,
      'CREATE TABLE c (id INT PRIMARY KEY, pid INT, qid INT, ' +
        'FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE, ' +
        'CONSTRAINT fk_q FOREIGN KEY (qid) REFERENCES p (id) ON UPDATE SET NULL)',
    );
    const rows = await query(s, 'SHOW CREATE TABLE c');
    expect(rows[0]?.[1]).toBe(
      [
        'CREATE TABLE `c` (',
        '  `id` int NOT NULL,',
        '  `pid` int DEFAULT NULL,',
        '  `qid` int DEFAULT NULL,',
        '  PRIMARY KEY (`id`),',
        '  KEY `pid` (`pid`),',
        '  KEY `fk_q` (`qid`),',
        '  CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE,',
        '  CONSTRAINT `fk_q` FOREIGN KEY (`qid`) REFERENCES `p` (`id`) ON UPDATE SET NULL',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
      ].join('\n'),
    );
    expect(
      (await failure(s, 'CREATE TABLE e (x INT, FOREIGN KEY (x) REFERENCES nope (id))')).errno,
    ).toBe(1824);
    expect(
      (await failure(s, 'CREATE TABLE e (x BIGINT, FOREIGN KEY (x) REFERENCES p (id))')).errno,
    ).toBe(3780);
    expect(
      (await failure(s, 'CREATE TABLE e (x INT, FOREIGN KEY (x) REFERENCES p (nope))')).errno,
    ).toBe(3734);
  });

  it('enforces, cascades, and obeys foreign_key_checks', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE p (id INT PRIMARY KEY, v INT)');
    await ok(
      s,
      'CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY ' +
        '(pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE)',
    );
    await ok(
      s,
      'CREATE TABLE r (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id))',
    );
    await ok(s, 'INSERT INTO p VALUES (1, 0), (2, 0), (3, 0)');
    await ok(s, 'INSERT INTO c VALUES (10, 1), (11, 1), (12, 2), (13, NULL)');
    expect((await failure(s, 'INSERT INTO c VALUES (14, 9)')).errno).toBe(1452);
    await ok(s, 'INSERT INTO r VALUES (1, 3)');
    expect((await failure(s, 'DELETE FROM p WHERE id = 3')).errno).toBe(1451);
    const del = await ok(s, 'DELETE FROM p WHERE id = 1');
    expect(del.affectedRows).toBe(1);
    expect(await query(s, 'SELECT id FROM c ORDER BY id')).toEqual([[12n], [13n]]);
    await ok(s, 'UPDATE p SET id = 20 WHERE id = 2');
    expect(await query(s, 'SELECT pid FROM c WHERE id = 12')).toEqual([[20n]]);
    await ok(s, 'SET foreign_key_checks = 0');
    await ok(s, 'INSERT INTO c VALUES (15, 99)');
    await ok(s, 'SET foreign_key_checks = 1');
    expect((await failure(s, 'DROP TABLE p')).errno).toBe(3730);
    expect((await failure(s, 'TRUNCATE p')).errno).toBe(1701);
    await ok(s, 'INSERT IGNORE INTO r VALUES (2, 77)');
    expect(await query(s, 'SHOW WARNINGS')).toHaveLength(1);
  });

  it('ALTER TABLE ADD / DROP FOREIGN KEY, with the rows checked', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await ok(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT)');
    await ok(s, 'INSERT INTO p VALUES (1)');
    await ok(s, 'INSERT INTO c VALUES (1, 1), (2, 5)');
    expect((await failure(s, 'ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p (id)')).errno).toBe(
      1452,
    );
    await ok(s, 'DELETE FROM c WHERE id = 2');
    await ok(s, 'ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p (id)');
    await ok(s, 'ALTER TABLE c DROP FOREIGN KEY c_ibfk_1');
    await ok(s, 'ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p (id)');
    const kcu = await query(s, 'SHOW CREATE TABLE c');
    expect(String(kcu[0]?.[1])).toContain(
      'CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`)',
    );
    await ok(s, 'ALTER TABLE p RENAME COLUMN id TO pk');
    expect(String((await query(s, 'SHOW CREATE TABLE c'))[0]?.[1])).toContain(
      'REFERENCES `p` (`pk`)',
    );
  });
});

describe('CHECK, generated columns, DEFAULT expressions, ON UPDATE', () => {
  it('enforces CHECK constraints', async () => {
    const s = await fixture();
    await ok(s, 'CREATE TABLE t (a INT CHECK (a > 0), b INT, CONSTRAINT b_small CHECK (b < 10))');
    expect(String((await query(s, 'SHOW CREATE TABLE t'))[0]?.[1])).toContain(
      '  CONSTRAINT `b_small` CHECK ((`b` < 10)),\n  CONSTRAINT `t_chk_1` CHECK ((`a` > 0))',
    );
    await ok(s, 'INSERT INTO t VALUES (1, 1), (2, NULL)');
    expect((await failure(s, 'INSERT INTO t VALUES (0, 1)')).errno).toBe(3819);
    expect((await failure(s, 'UPDATE t SET b = 20')).errno).toBe(3819);
    expect((await failure(s, 'ALTER TABLE t ADD CHECK (a > 1)')).errno).toBe(3819);
    await ok(s, 'ALTER TABLE t DROP CHECK b_small');
    await ok(s, 'UPDATE t SET b = 20');
  });

  it('computes generated columns and DEFAULT expressions', async () => {
    const s = await fixture();
    await ok(
      s,
      'CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, c INT AS (b + 1), ' +
        "d VARCHAR(10) DEFAULT (CONCAT('x', 'y')), at DATETIME " +
        "DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
    );
    await ok(s, 'INSERT INTO t (a) VALUES (1), (5)');
    expect(await query(s, 'SELECT a, b, c FROM t ORDER BY a')).toEqual([
      [1n, 2n, 3n],
      [5n, 10n, 11n],
    ]);
    await ok(s, 'UPDATE t SET a = 7 WHERE a = 1');
    expect(await query(s, 'SELECT b, c FROM t WHERE a = 7')).toEqual([[14n, 15n]]);
    expect((await failure(s, 'INSERT INTO t (a, b) VALUES (1, 2)')).errno).toBe(3105);
    const show = String((await query(s, 'SHOW CREATE TABLE t'))[0]?.[1]);
    expect(show).toContain('`b` int GENERATED ALWAYS AS ((`a` * 2)) STORED');
    expect(show).toContain('`c` int GENERATED ALWAYS AS ((`b` + 1)) VIRTUAL');
    expect(show).toContain('`at` datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP');
  });
});
