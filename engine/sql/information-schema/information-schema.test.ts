/**
 * information_schema through a Session: MySQL 8's values for the tables ORMs read, queryable
 * with filters and joins like any table.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../../testing/sessions.js';

async function fixture(): Promise<Session> {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'CREATE DATABASE appdb');
  await ok(s, 'USE appdb');
  await ok(
    s,
    'CREATE TABLE users (id INT NOT NULL AUTO_INCREMENT ' +
      'PRIMARY KEY, email VARCHAR(191) NOT NULL UNIQUE, ' +
      "name VARCHAR(100) NULL DEFAULT 'x', active TINYINT(1) NOT NULL DEFAULT 1, " +
      'created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))',
  );
  await ok(
    s,
    'CREATE TABLE posts (id BIGINT PRIMARY KEY, uid INT, CONSTRAINT ' +
      'fk_u FOREIGN KEY (uid) REFERENCES users (id) ON DELETE CASCADE)',
  );
  return s;
}

describe('information_schema', () => {
  it('can be the current database (USE, COM_INIT_DB): its tables by their own names', async () => {
    const s = await fixture();
    await ok(s, 'USE INFORMATION_SCHEMA');
    expect(await query(s, 'SELECT DATABASE()')).toEqual([['information_schema']]);
    expect(await query(s, "SHOW TABLES LIKE 'PROC%'")).toEqual([['PROCESSLIST']]);
    expect(
      await query(s, "SELECT TABLE_NAME FROM tables WHERE TABLE_SCHEMA = 'appdb' ORDER BY 1"),
    ).toEqual([['posts'], ['users']]);
    expect((await failure(s, 'CREATE TABLE x (a INT)')).errno).toBe(1044);
    expect((await failure(s, 'SELECT * FROM users')).errno).toBe(1109); // not appdb's
    await s.useDatabase('appdb');
    await s.useDatabase('information_schema');
    expect(await query(s, 'SELECT COUNT(*) > 0 FROM processlist')).toEqual([[1n]]);
    expect((await failure(s, 'USE no_such_db')).errno).toBe(1049);
  });

  it('TABLES and SCHEMATA', async () => {
    const s = await fixture();
    expect(
      await query(
        s,
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM INFORMATION_SCHEMA.TABLES " +
          "WHERE TABLE_SCHEMA = 'appdb' ORDER BY TABLE_NAME",
      ),
    ).toEqual([
      ['posts', 'BASE TABLE', 'InnoDB'],
      ['users', 'BASE TABLE', 'InnoDB'],
    ]);
    expect(
      await query(
        s,
        'SELECT table_name FROM information_schema.tables ' +
          "WHERE table_schema = database() AND table_name = 'users'",
      ),
    ).toEqual([['users']]);
    expect(
      await query(
        s,
        'SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME ' +
          "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'appdb'",
      ),
    ).toEqual([
      ['appdb', 'utf8mb4', 'utf8mb4_0900_ai_ci'],
    ]);
  });

  it('COLUMNS as MySQL 8 reports them', async () => {
    const s = await fixture();
    const rows = await query(
      s,
      'SELECT COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, ' +
        'DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, ' +
        "COLUMN_TYPE, COLUMN_KEY, EXTRA FROM information_schema.COLUMNS WHERE " +
        "TABLE_SCHEMA = 'appdb' AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION",
    );
    expect(rows).toEqual([
      ['id', null, 'NO', 'int', null, 10n, 'int', 'PRI', 'auto_increment'],
      ['email', null, 'NO', 'varchar', 191n, null, 'varchar(191)', 'UNI', ''],
      ['name', 'x', 'YES', 'varchar', 100n, null, 'varchar(100)', '', ''],
      ['active', '1', 'NO', 'tinyint', null, 3n, 'tinyint(1)', '', ''],
      [
        'created',
        'CURRENT_TIMESTAMP(6)',
        'NO',
        'datetime',
        null,
        null,
        'datetime(6)',
        '',
        'DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)',
      ],
    ]);
  });

  it('constraints: KEY_COLUMN_USAGE, REFERENTIAL_CONSTRAINTS, TABLE_CONSTRAINTS, STATISTICS',
    async () => {
      const s = await fixture();
      expect(
        await query(
          s,
          "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME " +
            "FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'appdb' " +
            "AND TABLE_NAME = 'posts' AND REFERENCED_TABLE_NAME IS NOT NULL",
        ),
      ).toEqual([['fk_u', 'uid', 'users', 'id']]);
      expect(
        await query(
          s,
          "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM " +
            "information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'appdb'",
        ),
      ).toEqual([['fk_u', 'PRIMARY', 'NO ACTION', 'CASCADE']]);
      expect(
        await query(
          s,
          "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS " +
            "WHERE TABLE_SCHEMA = 'appdb' ORDER BY TABLE_NAME, CONSTRAINT_NAME",
        ),
      ).toEqual([
        ['fk_u', 'FOREIGN KEY'],
        ['PRIMARY', 'PRIMARY KEY'],
        ['email', 'UNIQUE'],
        ['PRIMARY', 'PRIMARY KEY'],
      ]);
      expect(
        await query(
          s,
          "SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS " +
            "WHERE TABLE_SCHEMA = 'appdb' AND TABLE_NAME = 'posts' ORDER BY INDEX_NAME",
        ),
      ).toEqual([
        ['fk_u', 'uid', 1n],
        ['PRIMARY', 'id', 0n],
      ]);
    });

  it('joins, UNION and derived tables over information_schema', async () => {
    const s = await fixture();
    const rows = await query(
      s,
      'SELECT t.TABLE_NAME, COUNT(*) AS n FROM ' +
        'information_schema.TABLES t JOIN information_schema.COLUMNS c ' +
        'USING (TABLE_SCHEMA, TABLE_NAME) WHERE t.TABLE_SCHEMA ' +
        '= \'appdb\' GROUP BY t.TABLE_NAME ORDER BY t.TABLE_NAME',
    );
    expect(rows).toEqual([['posts', 2n], ['users', 5n]]);
    const union = await query(
      s,
      "SELECT * FROM (SELECT TABLE_NAME AS x FROM information_schema.TABLES " +
        "WHERE TABLE_SCHEMA = 'appdb' UNION SELECT 'z') d ORDER BY x",
    );
    expect(union).toEqual([['posts'], ['users'], ['z']]);
  });
});
