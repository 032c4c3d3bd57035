/**
 * SHOW CREATE TABLE, SHOW [FULL] COLUMNS / DESCRIBE, SHOW INDEX, SHOW [FULL] TABLES and the rest
 * of the SHOW family, through a Session: MySQL 8's column names, values and text.
 */
import { describe, expect, it } from 'vitest';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';

async function fixture() {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  return s;
}

describe('SHOW CREATE TABLE', () => {
  it('prints MySQL 8 text', async () => {
    const s = await fixture();
    await ok(
      s,
      "CREATE TABLE `t` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT, `name` VARCHAR(100) COLLATE " +
        "utf8mb4_bin DEFAULT NULL COMMENT 'it''s', `n` DECIMAL(12,2) DEFAULT 0, `b` TINYINT(1) " +
        'DEFAULT true, `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE ' +
        'CURRENT_TIMESTAMP(3), `body` TEXT, PRIMARY ' +
        'KEY (`id`), UNIQUE KEY `u_name` (`name`), KEY ' +
        "`k_n` (`n`, `b`)) ENGINE=InnoDB COMMENT='hello'",
    );
    const rows = await query(s, 'SHOW CREATE TABLE t');
    expect(rows[0]?.[0]).toBe('t');
    expect(rows[0]?.[1]).toBe(
      [
        'CREATE TABLE `t` (',
        '  `id` int unsigned NOT NULL AUTO_INCREMENT,',
        "  `name` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL COMMENT 'it''s',",
        "  `n` decimal(12,2) DEFAULT '0.00',",
        "  `b` tinyint(1) DEFAULT '1',",
        '  `at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
        '  `body` text,',
        '  PRIMARY KEY (`id`),',
        '  UNIQUE KEY `u_name` (`name`),',
        '  KEY `k_n` (`n`,`b`)',
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='hello'",
      ].join('\n'),
    );
  });
});

describe('SHOW COLUMNS and DESCRIBE', () => {
  it('describe columns', async () => {
    const s = await fixture();
    await ok(
      s,
      'CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT ' +
        'PRIMARY KEY, email VARCHAR(191) NOT NULL UNIQUE, ' +
        'at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON ' +
        'UPDATE CURRENT_TIMESTAMP(6), k INT, KEY (k))',
    );
    expect(await query(s, 'DESCRIBE t')).toEqual([
      ['id', 'int', 'NO', 'PRI', null, 'auto_increment'],
      ['email', 'varchar(191)', 'NO', 'UNI', null, ''],
      [
        'at',
        'datetime(6)',
        'YES',
        '',
        'CURRENT_TIMESTAMP(6)',
        'DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)',
      ],
      ['k', 'int', 'YES', 'MUL', null, ''],
    ]);
    const full = await query(s, "SHOW FULL COLUMNS FROM t WHERE Field = 'email'");
    expect(full).toEqual([
      [
        'email',
        'varchar(191)',
        'utf8mb4_0900_ai_ci',
        'NO',
        'UNI',
        null,
        '',
        'select,insert,update,references',
        '',
      ],
    ]);
    expect(await query(s, "SHOW COLUMNS FROM t LIKE 'e%'")).toHaveLength(1);
    expect(await query(s, 'DESC t k')).toHaveLength(1);
    expect((await failure(s, 'DESCRIBE nope')).errno).toBe(1146);
  });
});

describe('SHOW INDEX, TABLES, DATABASES, CREATE DATABASE', () => {
  it('lists', async () => {
    const s = await fixture();
    await ok(
      s,
      'CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(20), ' +
        'c INT, UNIQUE KEY ub (b(10)), KEY kc (c, b))',
    );
    const index = await query(s, 'SHOW INDEX FROM t');
    expect(index.map((r) => [r[2], r[3], r[4], r[1], r[7]])).toEqual([
      ['PRIMARY', 1n, 'a', 0n, null],
      ['ub', 1n, 'b', 0n, 10n],
      ['kc', 1n, 'c', 1n, null],
      ['kc', 2n, 'b', 1n, null],
    ]);
    expect(await query(s, 'SHOW TABLES')).toEqual([['t']]);
    expect(await query(s, 'SHOW FULL TABLES')).toEqual([['t', 'BASE TABLE']]);
    expect(await query(s, "SHOW TABLES LIKE 'x%'")).toEqual([]);
    expect(await query(s, 'SHOW CREATE DATABASE IF NOT EXISTS d')).toEqual([
      [
        'd',
        "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
      ],
    ]);
    expect(await query(s, "SHOW PROCEDURE STATUS WHERE Db = 'd'")).toEqual([]);
    expect(await query(s, 'SHOW TRIGGERS')).toEqual([]);
    expect((await failure(s, 'SHOW CREATE PROCEDURE p')).errno).toBe(1305);
  });
});
