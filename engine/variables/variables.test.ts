/**
 * System and user variables through Session.execute: SELECT @@x in its scopes, SET in every form
 * the traced clients send, MySQL's errors, SET NAMES and the status the server reads,
 * SHOW VARIABLES / STATUS, SHOW WARNINGS / ERRORS, sql_mode driving strict storing, time_zone
 * and timestamp driving NOW() (and wallClockAt, which NOW() reads, against a fresh computation).
 */
import { describe, expect, it } from 'vitest';
import type { EngineClock } from '../clock.js';
import { Prng } from '../testing/prng.js';
import { computeWallClock, wallClockAt } from './time-zone.js';
import { failure, memoryEngine, ok, openSession, query, scalar } from '../testing/sessions.js';

describe('system variables', () => {
  it('reads @@x in its scopes with MySQL 8 defaults', async () => {
    const s = openSession(await memoryEngine());
    expect(
      await query(s, 'SELECT @@version_comment, @@autocommit, @@global.max_connections'),
    ).toEqual([['Borealis', 1n, 151n]]);
    expect(await scalar(s, 'SELECT @@session.sql_mode')).toBe(
      'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,' +
        'ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
    );
    expect(await scalar(s, 'SELECT @@transaction_isolation')).toBe('REPEATABLE-READ');
    expect((await failure(s, 'SELECT @@nope')).errno).toBe(1193);
    expect((await failure(s, 'SELECT @@tx_isolation')).errno).toBe(1193);
    const global = await failure(s, 'SELECT @@session.max_connections');
    expect([global.errno, global.message]).toEqual([
      1238,
      "Variable 'max_connections' is a GLOBAL variable",
    ]);
    expect((await failure(s, 'SELECT @@global.timestamp')).message).toBe(
      "Variable 'timestamp' is a SESSION variable",
    );
  });

  it('SET changes the session value; SET GLOBAL the value later sessions start with', async () => {
    const engine = await memoryEngine();
    const a = openSession(engine);
    const b = openSession(engine);
    await ok(a, 'SET wait_timeout = 100');
    expect(await scalar(a, 'SELECT @@wait_timeout')).toBe(100n);
    expect(await scalar(a, 'SELECT @@global.wait_timeout')).toBe(28_800n);
    expect(a.status.waitTimeoutSeconds).toBe(100);
    expect(await scalar(b, 'SELECT @@wait_timeout')).toBe(28_800n);
    await ok(a, 'SET GLOBAL wait_timeout = 200');
    expect(await scalar(b, 'SELECT @@wait_timeout')).toBe(28_800n);
    const c = openSession(engine);
    expect(await scalar(c, 'SELECT @@wait_timeout')).toBe(200n);
    await ok(c, 'SET @@session.wait_timeout = DEFAULT');
    expect(await scalar(c, 'SELECT @@wait_timeout')).toBe(200n);
    await ok(c, 'SET GLOBAL wait_timeout = DEFAULT');
    expect(await scalar(c, 'SELECT @@global.wait_timeout')).toBe(28_800n);
    expect(c.systemVariable('wait_timeout')).toBe(200n);
    expect(c.systemVariable('max_allowed_packet')).toBe(67_108_864n);
    expect(c.systemVariable('no_such_thing')).toBeUndefined();
  });

  it('answers bad SETs with MySQL errors and changes nothing (S2)', async () => {
    const s = openSession(await memoryEngine());
    const cases: [string, number, string][] = [
      ['SET nope = 1', 1193, "Unknown system variable 'nope'"],
      [
        "SET autocommit = 'maybe'",
        1231,
        "Variable 'autocommit' can't be set to the value of 'maybe'",
      ],
      ['SET autocommit = 2', 1231, "Variable 'autocommit' can't be set to the value of '2'"],
      ["SET wait_timeout = 'abc'", 1232, "Incorrect argument type to variable 'wait_timeout'"],
      [
        'SET max_connections = 10',
        1229,
        "Variable 'max_connections' is a GLOBAL variable and should be set with SET GLOBAL",
      ],
      [
        'SET GLOBAL timestamp = 1',
        1228,
        "Variable 'timestamp' is a SESSION variable and can't be used with SET GLOBAL",
      ],
      ["SET version = 'x'", 1238, "Variable 'version' is a read only variable"],
      [
        'SET max_allowed_packet = 1024',
        1621,
        "SESSION variable 'max_allowed_packet' is read-only. Use SET GLOBAL to assign the value",
      ],
      [
        "SET sql_mode = 'NO_AUTO_CREATE_USER'",
        1231,
        "Variable 'sql_mode' can't be set to the value of 'NO_AUTO_CREATE_USER'",
      ],
      ["SET time_zone = 'Mars/Olympus'", 1298, "Unknown or incorrect time zone: 'Mars/Olympus'"],
      ['SET NAMES klingon', 1115, "Unknown character set: 'klingon'"],
      [
        'SET NAMES utf8mb4 COLLATE latin1_bin',
        1253,
        "COLLATION 'latin1_bin' is not valid for CHARACTER SET 'utf8mb4'",
      ],
      [
        "SET sql_mode = 'ANSI_QUOTES'",
        1235,
        "This version of MySQL doesn't yet support 'sql_mode ANSI_QUOTES'",
      ],
      [
        'SET character_set_client = NULL',
        1231,
        "Variable 'character_set_client' can't be set to the value of 'NULL'",
      ],
    ];
    for (const [sql, errno, message] of cases) {
      const e = await failure(s, sql);
      expect([sql, e.errno, e.message]).toEqual([sql, errno, message]);
    }
    await ok(s, 'SET @a = 5');
    expect((await failure(s, "SET @a = 6, autocommit = 'bad'")).errno).toBe(1231);
    expect(await scalar(s, 'SELECT @a')).toBe(5n);
  });

  it('clamps an integer out of range with warning 1292', async () => {
    const s = openSession(await memoryEngine());
    await ok(s, 'SET wait_timeout = 0');
    expect(await query(s, 'SHOW WARNINGS')).toEqual([
      ['Warning', 1292n, "Truncated incorrect wait_timeout value: '0'"],
    ]);
    expect(await scalar(s, 'SELECT @@wait_timeout')).toBe(1n);
  });

  it('runs every SET the traced clients send', async () => {
    const s = openSession(await memoryEngine());
    const statements = [
      "SET time_zone = '+00:00'",
      '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */',
      '/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */',
      '/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */',
      '/*!40101 SET NAMES utf8mb4 */',
      '/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */',
      "/*!40103 SET TIME_ZONE='+00:00' */",
      '/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */',
      '/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */',
      "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */",
      '/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */',
      "/*!40100 SET @@SQL_MODE='' */",
      '/*M!100100 SET @@MAX_STATEMENT_TIME=0.000000 */ SELECT 1',
      'SET SQL_QUOTE_SHOW_CREATE=1',
      "set optimizer_switch='semijoin=off'",
      'set optimizer_switch=default',
      "SET SESSION character_set_results = 'binary'",
      'SET @saved_cs_client     = @@character_set_client',
      'SET character_set_client = utf8mb4',
      'SET character_set_client = @saved_cs_client',
      '/*!50003 SET @saved_sql_mode       = @@sql_mode */',
      "/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO," +
        "NO_ENGINE_SUBSTITUTION' */",
      '/*!50003 SET sql_mode              = @saved_sql_mode */',
      '/*!50003 SET character_set_results = utf8mb3 */',
      '/*!50003 SET collation_connection  = utf8mb3_general_ci */',
      '/*!40101 SET SQL_MODE=@OLD_SQL_MODE */',
      '/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */',
      '/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */',
      '/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */',
      '/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */',
      '/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */',
      '/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */',
      '/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */',
      'SET autocommit = 0',
      'SET autocommit = ON',
    ];
    for (const sql of statements) await s.execute(sql);
    expect(
      await query(s, 'SELECT @@sql_mode, @@unique_checks, @@foreign_key_checks, @@time_zone'),
    ).toEqual([
      [
        'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,' +
          'ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
        1n,
        1n,
        '+00:00',
      ],
    ]);
    expect(await query(s, 'SELECT @@character_set_results, @@collation_connection')).toEqual([
      ['utf8mb4', 'utf8mb4_0900_ai_ci'],
    ]);
    expect(await scalar(s, 'SELECT @@optimizer_switch')).toContain('semijoin=on');
  });

  it('SET NAMES and character_set_* drive the wire charsets the server reads', async () => {
    const engine = await memoryEngine();
    const s = openSession(engine, { charset: 'utf8mb3' });
    expect(await query(s, 'SELECT @@character_set_client, @@collation_connection')).toEqual([
      ['utf8mb3', 'utf8mb3_general_ci'],
    ]);
    expect([s.status.charsetClient, s.status.charsetResults]).toEqual(['utf8mb3', 'utf8mb3']);
    await ok(s, 'SET NAMES latin1');
    expect([s.status.charsetClient, s.status.charsetResults]).toEqual(['latin1', 'latin1']);
    expect(await query(s, 'SELECT @@character_set_connection, @@collation_connection')).toEqual([
      ['latin1', 'latin1_swedish_ci'],
    ]);
    await ok(s, "SET NAMES 'utf8' COLLATE 'utf8_bin'");
    expect(await query(s, 'SELECT @@character_set_client, @@collation_connection')).toEqual([
      ['utf8mb3', 'utf8mb3_bin'],
    ]);
    await ok(s, 'SET character_set_results = NULL');
    expect(s.status.charsetResults).toBe('binary');
    expect(await scalar(s, 'SELECT @@character_set_results')).toBeNull();
    await ok(s, 'SET character_set_connection = latin1');
    expect(await scalar(s, 'SELECT @@collation_connection')).toBe('latin1_swedish_ci');
    await ok(s, 'SET collation_connection = utf8mb4_bin');
    expect(await scalar(s, 'SELECT @@character_set_connection')).toBe('utf8mb4');
    await ok(s, 'SET CHARACTER SET latin1');
    expect(await query(s, 'SELECT @@character_set_client, @@character_set_connection')).toEqual([
      ['latin1', 'utf8mb4'],
    ]);
  });
});

describe('user variables', () => {
  it('hold typed values, case-insensitively, NULL when never set', async () => {
    const s = openSession(await memoryEngine());
    await ok(s, "SET @a = 1, @B = 'two', @c = 1.5, @d = NULL");
    expect(await query(s, 'SELECT @a, @b, @C, @d, @never')).toEqual([
      [1n, 'two', '1.500000000000000000000000000000', null, null],
    ]);
    await ok(s, 'SET @a := @a + 41');
    expect(await scalar(s, 'SELECT @a')).toBe(42n);
    expect(await query(s, 'SELECT @x := 5, @x + 1')).toEqual([[5n, 6n]]);
    await ok(s, 'SET @@session.sql_notes = 0, @saved = @@sql_notes');
    expect(await scalar(s, 'SELECT @saved')).toBe(1n);
    expect((await failure(s, 'SET @a = no_such_column')).errno).toBe(1054);
  });

  it('are per session', async () => {
    const engine = await memoryEngine();
    const a = openSession(engine);
    const b = openSession(engine);
    await ok(a, 'SET @x = 1');
    expect(await scalar(b, 'SELECT @x')).toBeNull();
  });
});

describe('SHOW VARIABLES and SHOW STATUS', () => {
  it('lists variables with LIKE and WHERE, booleans as ON/OFF', async () => {
    const s = openSession(await memoryEngine());
    await ok(s, 'SET autocommit = 0');
    expect(await query(s, "SHOW VARIABLES LIKE 'AUTOCOMMIT'")).toEqual([['autocommit', 'OFF']]);
    expect(await query(s, "SHOW GLOBAL VARIABLES LIKE 'autocommit'")).toEqual([
      ['autocommit', 'ON'],
    ]);
    const result = await s.execute("SHOW SESSION VARIABLES LIKE 'character\\_set\\_%'");
    if (result.kind !== 'rows') throw new Error('rows');
    expect(result.columns.map((c) => c.name)).toEqual(['Variable_name', 'Value']);
    const names = (await query(s, "SHOW VARIABLES LIKE 'character_set_%'")).map((r) => r[0]);
    expect(names).toEqual([
      'character_set_client',
      'character_set_connection',
      'character_set_database',
      'character_set_filesystem',
      'character_set_results',
      'character_set_server',
      'character_set_system',
    ]);
    expect(
      await query(
        s,
        "SHOW VARIABLES WHERE Variable_name = 'wait_timeout' OR Value = 'REPEATABLE-READ'",
      ),
    ).toEqual([
      ['transaction_isolation', 'REPEATABLE-READ'],
      ['wait_timeout', '28800'],
    ]);
    expect(await query(s, "SHOW GLOBAL VARIABLES LIKE 'timestamp'")).toEqual([]);
  });

  it('counts statements for the session and the engine', async () => {
    const engine = await memoryEngine();
    const a = openSession(engine);
    const b = openSession(engine);
    await query(a, 'SELECT 1');
    await query(a, 'SELECT 2');
    await query(b, 'SELECT 3');
    expect(await query(a, "SHOW STATUS LIKE 'Com_select'")).toEqual([['Com_select', '2']]);
    expect(await query(a, "SHOW GLOBAL STATUS LIKE 'Com_select'")).toEqual([['Com_select', '3']]);
    expect(
      await query(
        a,
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Connections')",
      ),
    ).toEqual([
      ['Connections', '2'],
      ['Threads_connected', '2'],
    ]);
    await b.close();
    expect(await query(a, "SHOW STATUS LIKE 'Threads_connected'")).toEqual([
      ['Threads_connected', '1'],
    ]);
    expect(engine.statistics()).toMatch(
      new RegExp(
        '^Uptime: \\d+ {2}Threads: 1 {2}Questions: \\d+ {2}Slow queries: 0 {2}Opens: 0 {2}' +
          'Flush tables: 1 {2}Open tables: 0 {2}Queries per second avg: \\d+\\.\\d{3}$',
      ),
    );
  });
});

describe('diagnostics', () => {
  it('SHOW WARNINGS / ERRORS with LIMIT and COUNT(*), @@warning_count, @@error_count', async () => {
    const s = openSession(await memoryEngine());
    await query(s, 'SELECT 1/0, 2/0, 3/0');
    expect(await scalar(s, 'SELECT @@warning_count')).toBe(3n);
    await query(s, 'SELECT 1/0, 2/0, 3/0');
    expect(await query(s, 'SHOW WARNINGS LIMIT 1, 1')).toEqual([
      ['Warning', 1365n, 'Division by 0'],
    ]);
    expect(await query(s, 'SHOW COUNT(*) WARNINGS')).toEqual([[3n]]);
    expect(await query(s, 'SHOW WARNINGS')).toHaveLength(3);
    expect((await failure(s, 'SELECT * FROM nowhere.t')).errno).toBe(1146);
    expect(await query(s, 'SHOW ERRORS')).toEqual([
      ['Error', 1146n, "Table 'nowhere.t' doesn't exist"],
    ]);
    expect(await query(s, 'SHOW COUNT(*) ERRORS')).toEqual([[1n]]);
    expect(await scalar(s, 'SELECT @@error_count')).toBe(1n);
  });
});

describe('sql_mode', () => {
  it('drives strict storing: errors when strict, warnings, adjusted values when not', async () => {
    const s = openSession(await memoryEngine());
    await ok(s, 'CREATE DATABASE d');
    await ok(s, 'CREATE TABLE d.t (id INT PRIMARY KEY, n TINYINT, v VARCHAR(3))');
    expect((await failure(s, "INSERT INTO d.t VALUES (1, 300, 'a')")).errno).toBe(1264);
    expect((await failure(s, "INSERT INTO d.t VALUES (1, 'x', 'a')")).errno).toBe(1366);
    expect((await failure(s, "INSERT INTO d.t VALUES (1, 1, 'abcd')")).errno).toBe(1406);
    await ok(s, "SET sql_mode = ''");
    const done = await ok(s, "INSERT INTO d.t VALUES (1, 300, 'abcd'), (2, 'x', 'a')");
    expect(done.affectedRows).toBe(2);
    expect(await query(s, 'SHOW WARNINGS')).toEqual([
      ['Warning', 1264n, "Out of range value for column 'n' at row 1"],
      ['Warning', 1265n, "Data truncated for column 'v' at row 1"],
      ['Warning', 1366n, "Incorrect integer value: 'x' for column 'n' at row 2"],
    ]);
    expect(await query(s, 'SELECT * FROM d.t')).toEqual([
      [1n, 127n, 'abc'],
      [2n, 0n, 'a'],
    ]);
    expect(await query(s, 'SELECT 1/0')).toEqual([[null]]);
    expect(await query(s, 'SHOW WARNINGS')).toEqual([]);
  });
});

describe('time', () => {
  it('NOW() follows time_zone and SET timestamp', async () => {
    let wall = Date.UTC(2024, 0, 2, 3, 4, 5);
    const clock: EngineClock = { now: () => 0, wallNow: () => wall };
    const s = openSession(await memoryEngine({ clock }));
    await ok(s, "SET time_zone = '+00:00'");
    expect(await scalar(s, 'SELECT NOW()')).toBe('2024-01-02 03:04:05');
    await ok(s, "SET time_zone = '-05:30'");
    expect(await scalar(s, 'SELECT NOW()')).toBe('2024-01-01 21:34:05');
    await ok(s, "SET time_zone = 'Europe/Berlin'");
    expect(await scalar(s, 'SELECT NOW()')).toBe('2024-01-02 04:04:05');
    await ok(s, "SET time_zone = 'UTC', timestamp = 86400");
    expect(await scalar(s, 'SELECT NOW()')).toBe('1970-01-02 00:00:00');
    expect(await scalar(s, 'SELECT @@timestamp')).toBe(86_400);
    await ok(s, 'SET timestamp = DEFAULT');
    wall += 1000;
    expect(await scalar(s, 'SELECT NOW()')).toBe('2024-01-02 03:04:06');
    // NOW(6) within one second and across a DST change (the wall clock is kept per second).
    await ok(s, "SET time_zone = 'Europe/Berlin'");
    wall = Date.UTC(2024, 2, 31, 0, 59, 59, 250);
    expect(await scalar(s, 'SELECT NOW(6)')).toBe('2024-03-31 01:59:59.250000');
    wall += 500;
    expect(await scalar(s, 'SELECT NOW(6)')).toBe('2024-03-31 01:59:59.750000');
    wall += 500;
    expect(await scalar(s, 'SELECT NOW(6)')).toBe('2024-03-31 03:00:00.250000');
    await ok(s, "SET time_zone = '+01:00'");
    expect(await scalar(s, 'SELECT NOW(6)')).toBe('2024-03-31 02:00:00.250000');
  });

  it('wallClockAt answers as wallClock, within a second and across seconds and zones', () => {
    const prng = new Prng(9);
    const zones = ['SYSTEM', '+00:00', '-05:30', 'Europe/Berlin', 'America/New_York'];
    const base = Date.UTC(2024, 2, 10, 6, 59, 58);
    for (let i = 0; i < 500; i++) {
      const zone = zones[prng.int(zones.length)] as string;
      const ms = base + prng.int(4000) + (prng.int(4) === 0 ? 0.5 : 0);
      expect(wallClockAt(zone, ms)).toBe(computeWallClock(zone, new Date(ms)));
    }
  });
});
