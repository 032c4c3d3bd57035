/**
 * The engine end to end through Session.execute: the walking skeleton's scenario, MySQL's error
 * cases, restart over the same Trees, and atomicity of failed statements. Runs over the
 * MemoryTrees double and over the real page layer (openTrees over a memory storage client).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StorageClient } from '../storage/index.js';
import type { Engine, Result, Row, Session } from './api.js';
import { COLUMN_FLAG } from './api.js';
import { MemoryStorage, MemoryStorageClient } from './btree/testing.js';
import { createEngine } from './engine.js';
import { SqlError } from './errors.js';
import { MemoryTrees } from './testing/memory-trees.js';

const log = pino({ level: 'silent' });
const unusedStorage = {} as StorageClient;

async function rowsOf(result: Result): Promise<Row[]> {
  if (result.kind !== 'rows') throw new Error(`expected rows, got ${result.kind}`);
  const rows: Row[] = [];
  for await (const batch of result.rows) rows.push(...batch);
  return rows;
}

async function query(session: Session, sql: string): Promise<Row[]> {
  return rowsOf(await session.execute(sql));
}

async function ok(session: Session, sql: string): Promise<Result & { kind: 'ok' }> {
  const result = await session.execute(sql);
  if (result.kind !== 'ok') throw new Error(`expected ok for ${sql}`);
  return result;
}

async function failure(session: Session, sql: string): Promise<SqlError> {
  try {
    await session.execute(sql);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`expected an error from: ${sql}`);
}

function session(engine: Engine): Session {
  return engine.openSession({ connectionId: 7, user: 'root', host: 'localhost' });
}

interface Backend {
  readonly name: string;
  /** A fresh volume; `restart` reopens an engine over the same one. */
  open(): Promise<{ engine: Engine; restart: () => Promise<Engine> }>;
}

const memoryBackend: Backend = {
  name: 'MemoryTrees',
  async open() {
    const trees = new MemoryTrees();
    const start = (): Promise<Engine> => createEngine({ storage: unusedStorage, log, trees });
    return { engine: await start(), restart: start };
  },
};

const pagedBackend: Backend = {
  name: 'openTrees',
  async open() {
    const volume = new MemoryStorage();
    const start = async (): Promise<Engine> => {
      const storage = new MemoryStorageClient(volume);
      return createEngine({ storage, log, bufferPoolPages: 256 });
    };
    return { engine: await start(), restart: start };
  },
};

const SCENARIO = [
  'CREATE DATABASE shop',
  'CREATE TABLE shop.items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INT)',
  "INSERT INTO shop.items VALUES (1,'apple',3),(2,'pear',5)",
  'UPDATE shop.items SET qty = qty + 1 WHERE id = 2',
];

for (const backend of [memoryBackend, pagedBackend]) {
  describe(`engine over ${backend.name}`, () => {
    it('runs the walking skeleton scenario with MySQL results and metadata', async () => {
      const { engine } = await backend.open();
      const s = session(engine);
      expect(await ok(s, 'CREATE DATABASE shop;')).toMatchObject({ affectedRows: 1 });
      expect(await ok(s, SCENARIO[1] as string)).toMatchObject({ affectedRows: 0 });
      const insert = await ok(s, SCENARIO[2] as string);
      expect(insert).toMatchObject({
        affectedRows: 2,
        info: 'Records: 2  Duplicates: 0  Warnings: 0',
      });
      const update = await ok(s, SCENARIO[3] as string);
      expect(update).toMatchObject({
        affectedRows: 1,
        matchedRows: 1,
        info: 'Rows matched: 1  Changed: 1  Warnings: 0',
      });
      const result = await s.execute('SELECT * FROM shop.items');
      expect(await rowsOf(result)).toEqual([
        [1n, 'apple', 3n],
        [2n, 'pear', 6n],
      ]);
      if (result.kind !== 'rows') throw new Error('rows');
      const [id, name, qty] = result.columns;
      expect(id).toMatchObject({
        name: 'id',
        orgName: 'id',
        table: 'items',
        orgTable: 'items',
        db: 'shop',
      });
      expect(id).toMatchObject({ type: 'LONGLONG', length: 20, collation: 63 });
      expect(id?.flags).toBe(
        COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.PRI_KEY | 16384 | COLUMN_FLAG.NO_DEFAULT_VALUE,
      );
      expect(name).toMatchObject({ type: 'VAR_STRING', length: 400, collation: 255 });
      expect(name?.flags).toBe(COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.NO_DEFAULT_VALUE);
      expect(qty).toMatchObject({ type: 'LONG', length: 11, flags: 0 });
      await engine.close();
    });

    it('keeps the catalog and rows across a restart', async () => {
      const { engine, restart } = await backend.open();
      const s = session(engine);
      for (const sql of SCENARIO) await s.execute(sql);
      await s.execute('CREATE TABLE shop.log (msg TEXT, at DATETIME(3))');
      await s.execute("INSERT INTO shop.log VALUES ('a', '2024-01-02 03:04:05.678'), ('b', NULL)");
      await engine.close();
      const again = await restart();
      const t = session(again);
      await t.useDatabase('shop');
      expect(await query(t, 'SELECT id, name, qty FROM items ORDER BY id')).toEqual([
        [1n, 'apple', 3n],
        [2n, 'pear', 6n],
      ]);
      expect(await query(t, 'SHOW TABLES')).toEqual([['items'], ['log']]);
      // The hidden row id counter continues past the rows already there.
      await t.execute("INSERT INTO log VALUES ('c', NULL)");
      expect(await query(t, 'SELECT msg, at FROM log')).toEqual([
        ['a', '2024-01-02 03:04:05.678'],
        ['b', null],
        ['c', null],
      ]);
      await again.close();
    });
  });
}

describe('engine errors', () => {
  async function shop(): Promise<Session> {
    const { engine } = await memoryBackend.open();
    const s = session(engine);
    for (const sql of SCENARIO) await s.execute(sql);
    return s;
  }

  const cases: [string, number, string][] = [
    ['SELECT * FROM shop.nope', 1146, "Table 'shop.nope' doesn't exist"],
    ['SELECT x FROM shop.items', 1054, "Unknown column 'x' in 'field list'"],
    ['SELECT id FROM shop.items WHERE x = 1', 1054, "Unknown column 'x' in 'where clause'"],
    ['SELECT id FROM shop.items ORDER BY x', 1054, "Unknown column 'x' in 'order clause'"],
    [
      "INSERT INTO shop.items VALUES (1,'again',1)",
      1062,
      "Duplicate entry '1' for key 'items.PRIMARY'",
    ],
    [
      "INSERT INTO shop.items VALUES (9,'a',1),(9,'b',2)",
      1062,
      "Duplicate entry '9' for key 'items.PRIMARY'",
    ],
    [
      'SELEC 1',
      1064,
      'You have an error in your SQL syntax; check the manual that corresponds to your MySQL ' +
        "server version for the right syntax to use near 'SELEC 1' at line 1",
    ],
    ['CREATE TABLE shop.items (a INT)', 1050, "Table 'items' already exists"],
    ['CREATE DATABASE shop', 1007, "Can't create database 'shop'; database exists"],
    ['DROP DATABASE nope', 1008, "Can't drop database 'nope'; database doesn't exist"],
    ['INSERT INTO shop.items VALUES (3, NULL, 1)', 1048, "Column 'name' cannot be null"],
    ['INSERT INTO shop.items VALUES (3)', 1136, "Column count doesn't match value count at row 1"],
    [
      'SELECT id FROM shop.items a JOIN shop.items b ON a.id = b.id',
      1052,
      "Column 'id' in field list is ambiguous",
    ],
    [
      'INSERT INTO shop.items (id, qty) VALUES (3, 1)',
      1364,
      "Field 'name' doesn't have a default value",
    ],
    [
      "INSERT INTO shop.items VALUES (3, 'x', 'abc')",
      1366,
      "Incorrect integer value: 'abc' for column 'qty' at row 1",
    ],
    [
      "INSERT INTO shop.items VALUES (3, 'x', 99999999999)",
      1264,
      "Out of range value for column 'qty' at row 1",
    ],
    [
      `INSERT INTO shop.items VALUES (3, '${'x'.repeat(101)}', 1)`,
      1406,
      "Data too long for column 'name' at row 1",
    ],
    ['SELECT * FROM items', 1046, 'No database selected'],
    ['SELECT nofunc(1)', 1305, 'FUNCTION nofunc does not exist'],
    [
      'UPDATE shop.items SET id = 1 WHERE id = 2',
      1062,
      "Duplicate entry '1' for key 'items.PRIMARY'",
    ],
    ['DROP TABLE shop.items, shop.nope', 1051, "Unknown table 'shop.nope'"],
    [
      'CREATE TABLE shop.t (a INT PRIMARY KEY, b INT PRIMARY KEY)',
      1068,
      'Multiple primary key defined',
    ],
    [
      'CREATE TABLE shop.t (a DECIMAL(66,2))',
      1426,
      "Too-big precision 66 specified for 'a'. Maximum is 65.",
    ],
    [
      'CREATE TABLE shop.t (a DECIMAL(40,31))',
      1425,
      "Too big scale 31 specified for column 'a'. Maximum is 30.",
    ],
    [
      'CREATE TABLE shop.t (a DECIMAL(5,6))',
      1427,
      "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column 'a').",
    ],
    [
      'CREATE TABLE shop.t (a INT, FULLTEXT KEY (a))',
      1283,
      "Column 'a' cannot be part of FULLTEXT index",
    ],
    [
      'CREATE TABLE shop.t (a INT AUTO_INCREMENT)',
      1075,
      'Incorrect table definition; there can be only one auto column and it must be defined as a key',
    ],
    [
      'SELECT * FROM shop.items a JOIN shop.items a ON 1',
      1066,
      "Not unique table/alias: 'a'",
    ],
  ];
  for (const [sql, errno, message] of cases) {
    it(`${errno}: ${sql.slice(0, 60)}`, async () => {
      const s = await shop();
      const error = await failure(s, sql);
      expect({ errno: error.errno, message: error.message }).toEqual({ errno, message });
    });
  }

  it('1049 for an unknown database on COM_INIT_DB and USE', async () => {
    const s = await shop();
    await expect(s.useDatabase('nope')).rejects.toMatchObject({
      errno: 1049,
      message: "Unknown database 'nope'",
    });
    expect((await failure(s, 'USE nope')).errno).toBe(1049);
    await s.useDatabase('shop');
    expect(s.status.database).toBe('shop');
  });

  it('leaves no trace of a failed statement', async () => {
    const s = await shop();
    // The second row collides: neither row may be inserted.
    await failure(s, "INSERT INTO shop.items VALUES (10,'ten',1),(1,'dup',1)");
    // The update fails on the second row after changing the first.
    await s.execute("INSERT INTO shop.items VALUES (3,'fig',1)");
    await failure(s, 'UPDATE shop.items SET id = id + 1 WHERE id >= 1');
    expect(await query(s, 'SELECT id, name, qty FROM shop.items')).toEqual([
      [1n, 'apple', 3n],
      [2n, 'pear', 6n],
      [3n, 'fig', 1n],
    ]);
    // The same update in descending order moves every row.
    const moved = await ok(s, 'UPDATE shop.items SET id = id + 1 ORDER BY id DESC');
    expect(moved.affectedRows).toBe(3);
    expect(await query(s, 'SELECT id FROM shop.items')).toEqual([[2n], [3n], [4n]]);
  });

  it('reports an unknown commit outcome as the SqlError the Trees throw', async () => {
    const trees = new MemoryTrees();
    const engine = await createEngine({ storage: unusedStorage, log, trees });
    const s = session(engine);
    await s.execute('CREATE DATABASE d');
    trees.failNextCommit = true;
    const error = await failure(s, 'CREATE TABLE d.t (a INT)');
    expect(error.errno).toBe(1180);
  });
});

describe('engine types, defaults and keys', () => {
  async function db(): Promise<Session> {
    const { engine } = await memoryBackend.open();
    const s = session(engine);
    await s.execute('CREATE DATABASE d');
    await s.useDatabase('d');
    return s;
  }

  it('stores and returns every column type exactly, with metadata', async () => {
    const s = await db();
    await s.execute(
      'CREATE TABLE t (i TINYINT, u INT UNSIGNED, b BIGINT, p DECIMAL(10,2), p0 DECIMAL, ' +
        'c CHAR(4), v VARCHAR(5) COLLATE utf8mb4_bin, x TEXT, dt DATETIME, d3 DATETIME(3))',
    );
    await s.execute(
      "INSERT INTO t VALUES (-128, 4294967295, -9223372036854775808, '12.345', 7.5, 'ab  ', " +
        "'Q', 'long text', '2024-02-29 10:11:12.6', '2024-02-29 10:11:12.3456')",
    );
    // Notes 1265: 12.345 rounded to 12.35, and 7.5 to 8.
    expect(s.status.warningCount).toBe(2);
    const result = await s.execute('SELECT * FROM t');
    expect(await rowsOf(result)).toEqual([
      [
        -128n,
        4294967295n,
        -9223372036854775808n,
        '12.35',
        '8',
        'ab',
        'Q',
        'long text',
        '2024-02-29 10:11:13',
        '2024-02-29 10:11:12.346',
      ],
    ]);
    if (result.kind !== 'rows') throw new Error('rows');
    expect(result.columns.map((c) => [c.type, c.length, c.decimals, c.flags, c.collation])).toEqual(
      [
        ['TINY', 4, 0, 0, 63],
        ['LONG', 10, 0, COLUMN_FLAG.UNSIGNED, 63],
        ['LONGLONG', 20, 0, 0, 63],
        ['NEWDECIMAL', 12, 2, 0, 63],
        ['NEWDECIMAL', 11, 0, 0, 63],
        ['STRING', 16, 0, 0, 255],
        ['VAR_STRING', 20, 0, COLUMN_FLAG.BINARY, 46],
        ['BLOB', 262140, 0, COLUMN_FLAG.BLOB, 255],
        ['DATETIME', 19, 0, COLUMN_FLAG.BINARY, 63],
        ['DATETIME', 23, 3, COLUMN_FLAG.BINARY, 63],
      ],
    );
  });

  it('fills omitted columns with their DEFAULT and checks definitions', async () => {
    const s = await db();
    await s.execute(
      "CREATE TABLE t (k INT PRIMARY KEY, n INT NOT NULL DEFAULT -5, s VARCHAR(3) DEFAULT 'x', " +
        "at DATETIME DEFAULT '2020-01-01', m DECIMAL(4,1) DEFAULT 1.25)",
    );
    await s.execute('INSERT INTO t (k) VALUES (1)');
    expect(await query(s, 'SELECT * FROM t')).toEqual([
      [1n, -5n, 'x', '2020-01-01 00:00:00', '1.3'],
    ]);
    const errors = [
      ["CREATE TABLE e (a INT DEFAULT 'abc')", 1067],
      ['CREATE TABLE e (a INT NOT NULL DEFAULT NULL)', 1067],
      ["CREATE TABLE e (a TEXT DEFAULT 'x')", 1101],
      ['CREATE TABLE e (a TEXT PRIMARY KEY)', 1170],
      ['CREATE TABLE e (a INT NULL PRIMARY KEY)', 1171],
      ['CREATE TABLE e (a VARCHAR(1000), b VARCHAR(100), PRIMARY KEY (a, b))', 1071],
      ['CREATE TABLE e (a INT, A INT)', 1060],
      ['CREATE TABLE e (a INT, PRIMARY KEY (b))', 1072],
      ['CREATE TABLE e (a VARCHAR(20000))', 1074],
      ['CREATE TABLE e (a INT COLLATE nope)', 1273],
      ['CREATE TABLE nodb.e (a INT)', 1049],
    ] as const;
    for (const [sql, errno] of errors)
      expect([sql, (await failure(s, sql)).errno]).toEqual([sql, errno]);
  });

  it('words duplicate composite and case-insensitive keys as MySQL 8 does', async () => {
    const s = await db();
    await s.execute('CREATE TABLE c (a INT, b VARCHAR(5), PRIMARY KEY (a, b))');
    await s.execute("INSERT INTO c VALUES (1, 'x')");
    expect((await failure(s, "INSERT INTO c VALUES (1, 'X')")).message).toBe(
      "Duplicate entry '1-X' for key 'c.PRIMARY'",
    );
    await s.execute('CREATE TABLE n (name VARCHAR(10) PRIMARY KEY)');
    await s.execute("INSERT INTO n VALUES ('Émile')");
    expect((await failure(s, "INSERT INTO n VALUES ('emile')")).errno).toBe(1062);
    expect(await query(s, "SELECT name FROM n WHERE name = 'EMILE'")).toEqual([['Émile']]);
  });

  it('keys tables without a primary key by a hidden row id', async () => {
    const s = await db();
    await s.execute('CREATE TABLE h (v INT)');
    await s.execute('INSERT INTO h VALUES (1), (1), (2)');
    expect((await ok(s, 'UPDATE h SET v = 3 WHERE v = 1')).affectedRows).toBe(2);
    expect(await query(s, 'SELECT v FROM h')).toEqual([[3n], [3n], [2n]]);
    expect((await ok(s, 'DELETE FROM h WHERE v = 3 LIMIT 1')).affectedRows).toBe(1);
    expect(await query(s, 'SELECT v FROM h')).toEqual([[3n], [2n]]);
  });

  it('counts matched and changed rows of an UPDATE apart', async () => {
    const s = await db();
    await s.execute('CREATE TABLE t (k INT PRIMARY KEY, v INT)');
    await s.execute('INSERT INTO t VALUES (1, 1), (2, 2)');
    const update = await ok(s, 'UPDATE t SET v = 2');
    expect(update).toMatchObject({
      affectedRows: 1,
      matchedRows: 2,
      info: 'Rows matched: 2  Changed: 1  Warnings: 0',
    });
    const single = await ok(s, 'INSERT INTO t VALUES (3, 3)');
    expect(single).toMatchObject({ affectedRows: 1, info: '' });
  });

  it('notes instead of failing with IF [NOT] EXISTS', async () => {
    const s = await db();
    await ok(s, 'CREATE TABLE t (a INT)');
    expect(await ok(s, 'CREATE TABLE IF NOT EXISTS t (a INT)')).toMatchObject({ affectedRows: 0 });
    expect(await query(s, 'SHOW WARNINGS')).toEqual([['Note', 1050n, "Table 't' already exists"]]);
    expect(await ok(s, 'CREATE DATABASE IF NOT EXISTS d')).toMatchObject({ affectedRows: 0 });
    expect(s.status.warningCount).toBe(1);
    await ok(s, 'DROP DATABASE IF EXISTS nope');
    expect(await query(s, 'SHOW WARNINGS')).toEqual([
      ['Note', 1008n, "Can't drop database 'nope'; database doesn't exist"],
    ]);
  });
});

describe('engine statements', () => {
  async function fresh(): Promise<Session> {
    const { engine } = await memoryBackend.open();
    return session(engine);
  }

  it('answers what the mysql CLI and drivers ask first', async () => {
    const s = await fresh();
    expect(await query(s, 'select @@version_comment limit 1')).toEqual([['Borealis']]);
    expect(await query(s, 'SELECT VERSION()')).toEqual([['8.0.36-borealis']]);
    expect(await query(s, 'SELECT 1+1 AS result')).toEqual([[2n]]);
    expect(await query(s, 'SELECT DATABASE()')).toEqual([[null]]);
    expect(await query(s, 'SELECT USER(), CONNECTION_ID()')).toEqual([['root@localhost', 7n]]);
    expect(await query(s, 'SHOW DATABASES')).toEqual([['information_schema']]);
    await s.execute('CREATE DATABASE IF NOT EXISTS a');
    await s.execute('CREATE SCHEMA b');
    expect(await query(s, 'SHOW DATABASES')).toEqual([['a'], ['b'], ['information_schema']]);
    await s.execute('USE b');
    expect(await query(s, 'SELECT DATABASE()')).toEqual([['b']]);
    const now = await query(s, 'SELECT NOW()');
    expect(now[0]?.[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('reports expression metadata as MySQL 8 does', async () => {
    const s = await fresh();
    const result = await s.execute("SELECT 1, 1+1 AS result, 'abc', NULL, 1.5, 5/2");
    if (result.kind !== 'rows') throw new Error('rows');
    expect(result.columns.map((c) => [c.name, c.type, c.length, c.decimals, c.flags])).toEqual([
      ['1', 'LONGLONG', 1, 0, 129],
      ['result', 'LONGLONG', 3, 0, 129],
      ['abc', 'VAR_STRING', 12, 31, 1],
      ['NULL', 'NULL', 0, 0, 128],
      ['1.5', 'NEWDECIMAL', 4, 1, 129],
      ['5/2', 'NEWDECIMAL', 7, 4, 128],
    ]);
    expect(await rowsOf(result)).toEqual([[1n, 2n, 'abc', null, '1.5', '2.5000']]);
  });

  it('warns on division by zero when reading and fails when storing', async () => {
    const s = await fresh();
    expect(await query(s, 'SELECT 1/0')).toEqual([[null]]);
    expect(s.status.warningCount).toBe(1);
    expect(await query(s, 'SHOW WARNINGS')).toEqual([['Warning', 1365n, 'Division by 0']]);
    await s.execute('CREATE DATABASE d');
    await s.execute('CREATE TABLE d.t (a INT)');
    expect((await failure(s, 'INSERT INTO d.t VALUES (1/0)')).errno).toBe(1365);
  });

  it('deletes with WHERE, ORDER BY and LIMIT', async () => {
    const s = await fresh();
    await s.execute('CREATE DATABASE d');
    await s.execute('CREATE TABLE d.t (k INT PRIMARY KEY, v VARCHAR(10))');
    await s.execute("INSERT INTO d.t VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')");
    expect((await ok(s, 'DELETE FROM d.t WHERE k > 1 ORDER BY k DESC LIMIT 2')).affectedRows).toBe(
      2,
    );
    expect(await query(s, 'SELECT k FROM d.t')).toEqual([[1n], [2n], [3n]]);
    expect((await ok(s, 'DELETE FROM d.t')).affectedRows).toBe(3);
    expect(await query(s, 'SELECT k FROM d.t')).toEqual([]);
  });

  it('drops tables and databases', async () => {
    const s = await fresh();
    await s.execute('CREATE DATABASE d');
    await s.execute('USE d');
    await s.execute('CREATE TABLE a (x INT)');
    await s.execute('CREATE TABLE b (x INT)');
    await s.execute('DROP TABLE IF EXISTS a, nope');
    expect(s.status.warningCount).toBe(1);
    expect(await query(s, 'SHOW TABLES')).toEqual([['b']]);
    expect((await ok(s, 'DROP DATABASE d')).affectedRows).toBe(1);
    expect(s.status.database).toBeNull();
    expect(await query(s, 'SHOW DATABASES')).toEqual([['information_schema']]);
  });

  it('orders by columns, aliases, positions, with NULLs first ascending', async () => {
    const s = await fresh();
    await s.execute('CREATE DATABASE d');
    await s.execute('USE d');
    await s.execute('CREATE TABLE t (k INT PRIMARY KEY, v INT, s VARCHAR(5))');
    await s.execute(
      "INSERT INTO t VALUES (1, 30, 'b'), (2, NULL, 'A'), (3, 10, 'c'), (4, 20, 'a')",
    );
    expect(await query(s, 'SELECT k FROM t ORDER BY v')).toEqual([[2n], [3n], [4n], [1n]]);
    expect(await query(s, 'SELECT k, v AS w FROM t ORDER BY w DESC LIMIT 2')).toEqual([
      [1n, 30n],
      [4n, 20n],
    ]);
    expect(await query(s, 'SELECT k, s FROM t ORDER BY 2, 1 LIMIT 1, 2')).toEqual([
      [4n, 'a'],
      [1n, 'b'],
    ]);
    expect(await query(s, "SELECT k FROM t WHERE s = 'A'")).toEqual([[2n], [4n]]);
    expect(await query(s, 'SELECT *, v AS w FROM t ORDER BY w DESC LIMIT 1')).toEqual([
      [1n, 30n, 'b', 30n],
    ]);
  });
});
