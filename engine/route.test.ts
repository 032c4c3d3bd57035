/**
 * SR1 (route.ts): statements that only read run on the read engine; whatever changes data,
 * locks, or reads state only the writer holds goes to the writer; session state too rich to
 * mirror pins the session there.
 */
import { describe, expect, it } from 'vitest';
import type { MovableSession } from './api.js';
import { routeOf } from './route.js';
import { parse } from './sql/parse.js';
import { memoryEngine, openSession, query } from './testing/sessions.js';

const route = (sql: string): string => routeOf(parse(sql));

describe('routeOf (SR1)', () => {
  it.each([
    ['SELECT c FROM t WHERE id = 1', 'read'],
    ['SELECT * FROM t JOIN u ON t.id = u.id ORDER BY 1', 'read'],
    ['SELECT 1 UNION SELECT 2', 'read'],
    ['SELECT @@session.sql_mode, @@autocommit, @x', 'read'],
    ['SELECT CONNECTION_ID(), DATABASE(), NOW()', 'read'],
    ['EXPLAIN SELECT * FROM t', 'read'],
    ['SHOW TABLES', 'read'],
    ['SHOW COLUMNS FROM t', 'read'],
    ['SELECT * FROM processlist', 'read'], // a table of the current database
  ])('%s runs on the read engine', (sql, expected) => {
    expect(route(sql)).toBe(expected);
  });

  it.each([
    ['INSERT INTO t VALUES (1)', 'write'],
    ['UPDATE t SET c = 1 WHERE id = 2', 'write'],
    ['DELETE FROM t WHERE id = 2', 'write'],
    ['CREATE TABLE z (id INT PRIMARY KEY)', 'write'],
    ['SELECT c FROM t WHERE id = 1 FOR UPDATE', 'write'],
    ['SELECT c FROM t WHERE id = 1 LOCK IN SHARE MODE', 'write'],
    // A query block's own clause locks too (a subquery's, a union part's, a CTE's).
    ['SELECT c FROM t WHERE id IN (SELECT id FROM u FOR UPDATE)', 'write'],
    ['SELECT id FROM t UNION SELECT id FROM u FOR UPDATE', 'write'],
    ['WITH w AS (SELECT id FROM u LOCK IN SHARE MODE) SELECT * FROM w', 'write'],
    ['SELECT LAST_INSERT_ID()', 'write'],
    ['SELECT @@identity', 'write'],
    ['SELECT @@global.sql_mode', 'write'],
    ['SHOW GLOBAL VARIABLES', 'write'],
    ['SHOW SESSION VARIABLES LIKE "read%"', 'write'],
    ['SELECT @@read_only, @@global.super_read_only', 'write'],
    ['SHOW PROCESSLIST', 'write'],
    ['SELECT COUNT(*) FROM information_schema.PROCESSLIST', 'write'],
    ['SELECT * FROM INFORMATION_SCHEMA.borealis_segments', 'write'],
    ['SELECT t.id FROM t JOIN information_schema.TABLES i ON i.TABLE_NAME = t.c', 'write'],
    ['SELECT 1 FROM t WHERE id IN (SELECT ID FROM information_schema.processlist)', 'write'],
    ['SHOW TABLE STATUS', 'write'],
    ['SHOW CREATE TABLE t', 'write'],
    ['KILL QUERY 7', 'write'],
    ['SAVEPOINT a', 'write'],
  ])('%s goes to the writer', (sql, expected) => {
    expect(route(sql)).toBe(expected);
  });

  it.each([
    ['SET @a = 1', 'pin'],
    ['SET sql_mode = CONCAT(@@sql_mode, ",X")', 'pin'],
    ['SELECT @a := 1', 'pin'],
    ['SELECT c, @n := c FROM t WHERE id = 3', 'pin'],
    ['SELECT LAST_INSERT_ID(5)', 'pin'],
    ['SELECT GET_LOCK("x", 1)', 'pin'],
    ['PREPARE s FROM "SELECT 1"', 'pin'],
    ['LOCK TABLES t READ', 'pin'],
    ['CALL p()', 'pin'],
    ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'pin'],
  ])('%s pins the session to the writer', (sql, expected) => {
    expect(route(sql)).toBe(expected);
  });

  it.each([
    ['SET NAMES utf8mb4', 'mirror'],
    ['SET autocommit = 0, sql_mode = "ANSI_QUOTES"', 'mirror'],
    ['SET SESSION time_zone = "+00:00", @@session.max_execution_time = -1', 'mirror'],
    ['SET GLOBAL max_connections = DEFAULT', 'mirror'],
    ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', 'mirror'],
    ['USE test', 'mirror'],
    ['BEGIN', 'begin'],
    ['START TRANSACTION READ ONLY', 'begin'],
    ['COMMIT', 'end'],
    ['ROLLBACK', 'end'],
    ['SHOW WARNINGS', 'diagnostics'],
    ['SHOW COUNT(*) ERRORS', 'diagnostics'],
    ['SELECT ROW_COUNT()', 'diagnostics'],
    ['SELECT FOUND_ROWS(), @@warning_count', 'diagnostics'],
  ])('%s: %s', (sql, expected) => {
    expect(route(sql)).toBe(expected);
  });

  it('keeps one route per parsed statement', () => {
    const statement = parse('SELECT 1');
    expect(routeOf(statement)).toBe(routeOf(statement));
  });
});

describe('EngineSession.route', () => {
  it('routes a text as its session decodes it, and execute() of that text runs it', async () => {
    const engine = await memoryEngine();
    const session = openSession(engine) as MovableSession;
    const text = Buffer.from('SELECT 1 + 1');
    expect(session.route(text)).toBe('read');
    expect(await query(session, text)).toEqual([[2n]]);
    // Another text after a route: execute does not take the routed one's lookup.
    expect(session.route('SELECT 5')).toBe('read');
    expect(await query(session, 'SELECT 7')).toEqual([[7n]]);
    expect(session.route('SELECT c FROM t WHERE id = ? FOR UPDATE')).toBe('write');
    expect(session.route('SELEC 1')).toBe('read'); // the syntax error is the executing side's
    await session.close();
    await engine.close();
  });

  it('sends every query to the writer while information_schema is the database', async () => {
    const engine = await memoryEngine();
    const session = openSession(engine) as MovableSession;
    expect(session.route('SELECT * FROM processlist')).toBe('read');
    await session.useDatabase('INFORMATION_SCHEMA');
    expect(session.route('SELECT * FROM processlist')).toBe('write');
    expect(session.route('SELECT 1')).toBe('write');
    await session.close();
    await engine.close();
  });
});
