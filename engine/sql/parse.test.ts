/**
 * parse(): our AST from MySQL text, and ER_PARSE_ERROR's 'near' text and line number as MySQL
 * prints them (checked against a MySQL-family server for the garbage inputs below).
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../errors.js';
import type { Expr, Statement } from './ast.js';
import { lex } from './lexer.js';
import { parse, parseCacheSize, selectItemTexts } from './parse.js';

function error(sql: string): SqlError {
  try {
    parse(sql);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`expected an error for ${sql}`);
}

function near(sql: string): { near: string; line: number } {
  const e = error(sql);
  expect(e.errno).toBe(1064);
  expect(e.sqlState).toBe('42000');
  const match = /near '([\s\S]*)' at line (\d+)$/.exec(e.message);
  if (match === null) throw new Error(`no near in: ${e.message}`);
  return { near: match[1] as string, line: Number(match[2]) };
}

function select(sql: string): Statement & { kind: 'select' } {
  const s = parse(sql);
  if (s.kind !== 'select') throw new Error('select expected');
  return s;
}

function firstExpr(sql: string): Expr {
  const item = select(sql).items[0];
  if (item?.kind !== 'expr') throw new Error('expression item expected');
  return item.expr;
}

const int = (value: bigint): Expr => ({ kind: 'literal', literal: { kind: 'int', value } });
const col = (name: string, table: string | null = null): Expr => ({
  kind: 'column',
  database: null,
  table,
  name,
});

describe('parse: statements', () => {
  it('reads the skeleton scenario', () => {
    expect(parse('CREATE DATABASE shop;')).toEqual({
      kind: 'create-database',
      name: 'shop',
      ifNotExists: false,
    });
    expect(parse('CREATE SCHEMA IF NOT EXISTS `my db`')).toEqual({
      kind: 'create-database',
      name: 'my db',
      ifNotExists: true,
    });
    expect(
      parse('CREATE TABLE shop.items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INT)'),
    ).toEqual({
      kind: 'create-table',
      table: { database: 'shop', name: 'items' },
      ifNotExists: false,
      columns: [
        {
          name: 'id',
          type: { kind: 'int', name: 'BIGINT', unsigned: false },
          nullable: null,
          default: null,
          primaryKey: true,
          collation: null,
        },
        {
          name: 'name',
          type: { kind: 'varchar', length: 100 },
          nullable: false,
          default: null,
          primaryKey: false,
          collation: null,
        },
        {
          name: 'qty',
          type: { kind: 'int', name: 'INT', unsigned: false },
          nullable: null,
          default: null,
          primaryKey: false,
          collation: null,
        },
      ],
      primaryKeys: [],
      collation: null,
    });
    expect(parse("INSERT INTO shop.items VALUES (1,'apple',3),(2,'pear',5)")).toEqual({
      kind: 'insert',
      table: { database: 'shop', name: 'items' },
      columns: null,
      rows: [
        [int(1n), { kind: 'literal', literal: { kind: 'string', value: 'apple' } }, int(3n)],
        [int(2n), { kind: 'literal', literal: { kind: 'string', value: 'pear' } }, int(5n)],
      ],
    });
    expect(parse('UPDATE shop.items SET qty = qty + 1 WHERE id = 2')).toEqual({
      kind: 'update',
      table: { table: { database: 'shop', name: 'items' }, alias: null },
      assignments: [
        {
          column: col('qty'),
          value: { kind: 'binary', op: '+', left: col('qty'), right: int(1n) },
        },
      ],
      where: { kind: 'binary', op: '=', left: col('id'), right: int(2n) },
      orderBy: [],
      limit: null,
    });
    expect(parse('SELECT * FROM shop.items')).toEqual({
      kind: 'select',
      with: null,
      distinct: false,
      items: [{ kind: 'star', table: null }],
      from: { kind: 'table', table: { database: 'shop', name: 'items' }, alias: null },
      where: null,
      groupBy: null,
      having: null,
      windows: [],
      orderBy: [],
      limit: null,
    });
  });

  it('reads DDL variants', () => {
    const t = parse(
      'CREATE TABLE IF NOT EXISTS t (a INT UNSIGNED NOT NULL DEFAULT 5, ' +
        'b DECIMAL(10,2) DEFAULT -1.5, c DATETIME(3), d CHAR(4) COLLATE utf8mb4_bin, e TEXT, ' +
        'PRIMARY KEY (a, d)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    if (t.kind !== 'create-table') throw new Error('create-table');
    expect(t.ifNotExists).toBe(true);
    expect(t.primaryKeys).toEqual([['a', 'd']]);
    expect(t.columns.map((c) => c.type)).toEqual([
      { kind: 'int', name: 'INT', unsigned: true },
      { kind: 'decimal', precision: 10, scale: 2, unsigned: false },
      { kind: 'datetime', fsp: 3 },
      { kind: 'char', length: 4 },
      { kind: 'text' },
    ]);
    expect(t.columns[1]?.default).toEqual({
      kind: 'literal',
      literal: { kind: 'decimal', text: '-1.5' },
    });
    expect(t.columns[3]?.collation).toBe('utf8mb4_bin');
    expect(parse('DROP TABLE IF EXISTS a, db.b')).toEqual({
      kind: 'drop-table',
      tables: [
        { database: null, name: 'a' },
        { database: 'db', name: 'b' },
      ],
      ifExists: true,
    });
    expect(parse('DROP DATABASE IF EXISTS shop')).toEqual({
      kind: 'drop-database',
      name: 'shop',
      ifExists: true,
    });
  });

  it('reads the statements node-sql-parser cannot', () => {
    expect(parse('SHOW DATABASES')).toEqual({ kind: 'show-databases', like: null });
    expect(parse("show tables from `shop` like 'it%'")).toEqual({
      kind: 'show-tables',
      database: 'shop',
      like: 'it%',
    });
    expect(parse('SHOW TABLES')).toEqual({ kind: 'show-tables', database: null, like: null });
    expect(parse('use shop')).toEqual({ kind: 'use', database: 'shop' });
    expect(parse('SHOW WARNINGS')).toEqual({
      kind: 'show-diagnostics',
      which: 'warnings',
      count: false,
      limit: null,
    });
  });

  it('reads SELECT clauses', () => {
    const s = select(
      'SELECT a AS x, t.b, t.*, 1+2*3 FROM db.t AS t WHERE a IN (1,2) ' +
        'ORDER BY 1, x DESC LIMIT 10 OFFSET 5',
    );
    expect(s.items.map((i) => (i.kind === 'expr' ? [i.alias, i.text] : ['*', i.table]))).toEqual([
      ['x', 'a AS x'],
      [null, 't.b'],
      ['*', 't'],
      [null, '1+2*3'],
    ]);
    expect(s.orderBy.map((o) => o.descending)).toEqual([false, true]);
    expect(s.limit).toEqual({ count: int(10n), offset: int(5n) });
    expect(select('SELECT 1 LIMIT 5, 10').limit).toEqual({ count: int(10n), offset: int(5n) });
  });

  it('keeps literals exact', () => {
    expect(firstExpr('SELECT 1.2345678901234567890123')).toEqual({
      kind: 'literal',
      literal: { kind: 'decimal', text: '1.2345678901234567890123' },
    });
    expect(firstExpr('SELECT -9223372036854775808')).toEqual(int(-9223372036854775808n));
    expect(firstExpr('SELECT 18446744073709551615')).toEqual(int(18446744073709551615n));
    expect(firstExpr("SELECT 'it''s', 1")).toEqual({
      kind: 'literal',
      literal: { kind: 'string', value: "it's" },
    });
    expect(firstExpr("SELECT 'a\\nb\\\\c\\%'")).toEqual({
      kind: 'literal',
      literal: { kind: 'string', value: 'a\nb\\c\\%' },
    });
    expect(firstExpr("SELECT 'a' 'b' \"c\"")).toEqual({
      kind: 'literal',
      literal: { kind: 'string', value: 'abc' },
    });
    expect(firstExpr("SELECT _utf8mb4'x'")).toEqual({
      kind: 'literal',
      literal: { kind: 'string', value: 'x' },
    });
    expect(firstExpr('SELECT 5--3')).toEqual({
      kind: 'binary',
      op: '-',
      left: int(5n),
      right: int(-3n),
    });
    expect(firstExpr('SELECT `a``b` FROM t')).toEqual(col('a`b'));
  });

  it('gives AND precedence over OR for && and ||', () => {
    expect(firstExpr('SELECT a || b && c')).toEqual({
      kind: 'binary',
      op: 'or',
      left: col('a'),
      right: { kind: 'binary', op: 'and', left: col('b'), right: col('c') },
    });
  });

  it('runs /*!NNNNN */ up to 8.0.36 and /*! */ always, and ignores /*M! */', () => {
    expect(select('SELECT 1 /*!40101 + 1 */').items).toHaveLength(1);
    expect(firstExpr('SELECT 1 /*!40101 + 1 */')).toEqual({
      kind: 'binary',
      op: '+',
      left: int(1n),
      right: int(1n),
    });
    expect(firstExpr('SELECT 1 /*!90000 + 1 */')).toEqual(int(1n));
    expect(firstExpr('SELECT 1 /*! + 2 */')).toEqual({
      kind: 'binary',
      op: '+',
      left: int(1n),
      right: int(2n),
    });
    expect(firstExpr('SELECT 1 /*M!100101 + 2 */')).toEqual(int(1n));
    expect(firstExpr('SELECT 1 -- comment\n')).toEqual(int(1n));
    expect(firstExpr('SELECT 1 # comment')).toEqual(int(1n));
  });

  it('reads index hints and leaves them out: they choose a plan, never the rows', () => {
    const same = (hinted: string, plain: string): void => {
      const { indexHints, ...rest } = parse(hinted) as Statement & { indexHints?: unknown };
      expect(rest, hinted).toEqual(parse(plain));
      expect(indexHints, hinted).toBeDefined();
    };
    same('SELECT * FROM t USE INDEX (k_1) WHERE k > 1', 'SELECT * FROM t WHERE k > 1');
    same('SELECT id FROM t IGNORE KEY (k_1, `c`) ORDER BY id', 'SELECT id FROM t ORDER BY id');
    same(
      'SELECT a.id FROM t AS a FORCE INDEX FOR JOIN (PRIMARY) JOIN u USE INDEX () ON a.id = u.id',
      'SELECT a.id FROM t AS a JOIN u ON a.id = u.id',
    );
    same(
      'SELECT * FROM t USE INDEX FOR ORDER BY (k) IGNORE INDEX FOR GROUP BY (k) ORDER BY k',
      'SELECT * FROM t ORDER BY k',
    );
    same('UPDATE t FORCE INDEX (k) SET k = 1 WHERE k = 2', 'UPDATE t SET k = 1 WHERE k = 2');
    same(
      'DELETE FROM t WHERE id IN (SELECT id FROM u USE INDEX (k))',
      'DELETE FROM t WHERE id IN (SELECT id FROM u)',
    );
    // The tables the hints follow, for the planner's 1176.
    const hinted = 'SELECT 1 FROM d.t AS a USE INDEX (k, c) JOIN u b FORCE KEY (PRIMARY)';
    expect(parse(hinted)).toMatchObject({
      indexHints: [
        { table: { database: 'd', name: 't' }, indexes: ['k', 'c'] },
        { table: { database: null, name: 'u' }, indexes: ['PRIMARY'] },
      ],
    });
    // What MySQL refuses stays a syntax error, at the same place.
    expect(near('SELECT * FROM t FORCE INDEX () WHERE id = 1').near).toBe(
      'FORCE INDEX () WHERE id = 1',
    );
    expect(near('SELECT * FROM t USE INDEX (k,) WHERE id = 1').near).toBe(
      'USE INDEX (k,) WHERE id = 1',
    );
    expect(near('SELECT * FROM t USE INDEX (k) WHER id = 1').near).toBe('id = 1');
    expect(near('DELETE FROM t USE INDEX (k) WHERE k = 2').near).toBe(
      'USE INDEX (k) WHERE k = 2', // a single-table DELETE's table takes no hint
    );
  });

  it('names the statements it does not run yet (1235)', () => {
    const unsupported: [string, string][] = [
      [
        '(SELECT a FROM t LIMIT 1) ORDER BY a',
        'ORDER BY or LIMIT after a parenthesized query with its own',
      ],
      ['CREATE TABLE t (a INT, KEY k (a DESC))', 'descending indexes'],
      ['SET PERSIST max_connections = 10', 'SET PERSIST'],
      ['SELECT 1 FROM t WHERE a IS UNKNOWN', 'IS UNKNOWN'],
    ];
    for (const [sql, what] of unsupported) {
      const e = error(sql);
      expect([sql, e.errno, e.message]).toEqual([
        sql,
        1235,
        `This version of MySQL doesn't yet support '${what}'`,
      ]);
    }
  });

  it('says an empty statement is empty (1065)', () => {
    expect(error('   ').errno).toBe(1065);
    expect(error('/* nothing */ ;').errno).toBe(1065);
  });

  it('caches parsed statements by text', () => {
    const sql = 'SELECT 424242 AS cached';
    const first = parse(sql);
    expect(parse(sql)).toBe(first);
    expect(parseCacheSize()).toBeGreaterThan(0);
  });
});

describe('parse: ER_PARSE_ERROR as MySQL words it', () => {
  // Each expectation is what the server printed for the same text.
  const cases: [string, string, number][] = [
    ['selec 1', 'selec 1', 1],
    ['SELECT 1 FROM WHERE', 'WHERE', 1],
    ['SELECT * FROM', '', 1],
    ['SELECT * FRM t', 'FRM t', 1],
    ['SELECT 1 +', '', 1],
    ['INSERT INTO t VALUES (1,2', '', 1],
    ['SELECT (1', '', 1],
    ['SELECT 1 FROM t WHERE a = = 2', '= 2', 1],
    ['CREATE TABLE t (a INT,)', ')', 1],
    ["SELECT 'abc", "'abc", 1],
    ["SELECT 1 LIMIT 'a'", "'a'", 1],
    ['DELETE t WHERE a = 1', 'WHERE a = 1', 1],
    ['SELECT a b c FROM t', 'c FROM t', 1],
    ['SELECT *\nFROM t\nWHERE', '', 3],
    ['SELECT *\nFROM t\nWHERE a = = 1\n AND b = 2', '= 1\n AND b = 2', 3],
    ['SELECT 1; SELECT 2', 'SELECT 2', 1],
  ];
  for (const [sql, text, line] of cases) {
    it(JSON.stringify(sql), () => {
      expect(near(sql)).toEqual({ near: text, line });
    });
  }

  it('cuts the near text at 80 characters', () => {
    const long = 'b'.repeat(120);
    expect(near(`SELECT 1 FROM t WHERE a = = 2 AND ${long}`).near).toBe(
      `= 2 AND ${long}`.slice(0, 80),
    );
  });
});

describe('selectItemTexts', () => {
  it('splits the select list at top-level commas', () => {
    const sql = 'SELECT DISTINCT  f(a, b) , c + 1 AS x, `d` FROM t';
    expect(selectItemTexts(sql, lex(sql).tokens)).toEqual(['f(a, b)', 'c + 1 AS x', '`d`']);
  });
});
