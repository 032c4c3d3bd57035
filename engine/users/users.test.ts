/**
 * Accounts and privileges through Session.execute and Engine.findAccount: the bootstrap root,
 * password hashes in MySQL's formats, CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, GRANT /
 * REVOKE at every level enforced on statements, SHOW GRANTS as MySQL 8 words it, persistence
 * across a restart, and no password in the logs.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StorageClient } from '../../storage/index.js';
import type { Engine, Session } from '../api.js';
import { createEngine } from '../engine.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import {
  errorOf,
  failure,
  memoryEngine,
  ok,
  openSession,
  query,
  scalar,
} from '../testing/sessions.js';
import { checkPassword, nativePasswordHash, sha256Crypt } from './passwords.js';

async function rootWithData(engine: Engine): Promise<Session> {
  const root = openSession(engine);
  await ok(root, 'CREATE DATABASE d');
  await ok(root, 'CREATE DATABASE other');
  await ok(root, 'CREATE TABLE d.t (id INT PRIMARY KEY, v INT)');
  await ok(root, 'CREATE TABLE d.u (id INT PRIMARY KEY)');
  await ok(root, 'INSERT INTO d.t VALUES (1, 10)');
  return root;
}

describe('password hashes', () => {
  it('are MySQL formats: native *SHA1(SHA1), caching_sha2 $A$005$ + salt + SHA-256-crypt', () => {
    expect(nativePasswordHash('password')).toBe('*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19');
    expect(nativePasswordHash('')).toBe('');
    // Vectors from glibc's crypt($5$…), the algorithm caching_sha2_password stores.
    expect(sha256Crypt(Buffer.from('Hello world!'), Buffer.from('saltstring'), 5000)).toBe(
      '5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    );
    expect(sha256Crypt(Buffer.from('a'.repeat(40)), Buffer.from('0123456789abcdef'), 5000)).toBe(
      'EMA4/G2RRv3DOWxAXvJKBkQm1ALOpFEBeTEouheDOdC',
    );
    expect(checkPassword('mysql_native_password', nativePasswordHash('x'), 'x')).toBe(true);
    expect(checkPassword('mysql_native_password', nativePasswordHash('x'), 'y')).toBe(false);
  });
});

describe('the bootstrap root and findAccount', () => {
  it('creates root@localhost once, with the password of the first start', async () => {
    const trees = new MemoryTrees();
    const log = pino({ level: 'silent' });
    const start = (rootPassword: string): Promise<Engine> =>
      createEngine({ storage: {} as StorageClient, log, trees, rootPassword });
    const first = await start('s3cret');
    const root = await first.findAccount('root', 'localhost');
    expect(root?.plugin).toBe('mysql_native_password');
    expect(root?.authString).toMatch(/^\*[0-9A-F]{40}$/);
    expect(checkPassword('mysql_native_password', root?.authString ?? '', 's3cret')).toBe(true);
    expect(await first.findAccount('root', '10.0.0.1')).toBeUndefined();
    const again = await start('ignored');
    const same = await again.findAccount('root', 'localhost');
    expect(same?.authString).toBe(root?.authString);
  });

  it('matches the most specific host first, a named user before the anonymous one', async () => {
    const engine = await memoryEngine();
    const root = openSession(engine);
    await ok(root, "CREATE USER 'app'@'%', 'app'@'10.%', 'app'@'10.0.0.7', ''@'10.0.0.7'");
    await ok(root, "CREATE USER 'lock'@'%' ACCOUNT LOCK");
    expect((await engine.findAccount('app', '10.0.0.7'))?.host).toBe('10.0.0.7');
    expect((await engine.findAccount('app', '10.9.9.9'))?.host).toBe('10.%');
    expect((await engine.findAccount('app', '192.168.1.1'))?.host).toBe('%');
    expect((await engine.findAccount('zed', '10.0.0.7'))?.user).toBe('');
    expect((await engine.findAccount('lock', 'x'))?.locked).toBe(true);
    expect(await engine.findAccount('nobody', 'localhost')).toBeUndefined();
  });
});

describe('account statements', () => {
  it('CREATE / ALTER / DROP / RENAME USER and SET PASSWORD with MySQL errors', async () => {
    const engine = await memoryEngine();
    const root = openSession(engine);
    await ok(root, "CREATE USER 'a'@'%' IDENTIFIED WITH mysql_native_password BY 'password'");
    expect((await engine.findAccount('a', 'h'))?.authString).toBe(
      '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19',
    );
    await ok(
      root,
      'CREATE USER b IDENTIFIED WITH mysql_native_password AS ' +
        "'*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
    );
    const dup = await failure(root, "CREATE USER 'a'@'%', 'c'@'%'");
    expect([dup.errno, dup.message]).toEqual([1396, "Operation CREATE USER failed for 'a'@'%'"]);
    expect(await engine.findAccount('c', 'h')).toBeUndefined();
    await ok(root, "CREATE USER IF NOT EXISTS 'a'@'%', 'c'@'%'");
    expect(await query(root, 'SHOW WARNINGS')).toEqual([
      ['Note', 3163n, "Authorization ID 'a'@'%' already exists."],
    ]);
    expect(
      (await failure(root, "CREATE USER d IDENTIFIED WITH sha256_password BY 'x'")).errno,
    ).toBe(1524);
    expect(
      (await failure(root, "CREATE USER d IDENTIFIED WITH mysql_native_password AS 'nope'")).errno,
    ).toBe(1827);
    await ok(root, "ALTER USER 'a'@'%' IDENTIFIED BY 'new'");
    expect(
      checkPassword(
        'mysql_native_password',
        (await engine.findAccount('a', 'h'))?.authString ?? '',
        'new',
      ),
    ).toBe(true);
    expect((await failure(root, "ALTER USER 'zz'@'%' IDENTIFIED BY 'x'")).errno).toBe(1396);
    await ok(root, "SET PASSWORD FOR 'a'@'%' = 'newer'");
    expect(
      checkPassword(
        'mysql_native_password',
        (await engine.findAccount('a', 'h'))?.authString ?? '',
        'newer',
      ),
    ).toBe(true);
    await ok(root, "RENAME USER 'c'@'%' TO 'cc'@'localhost'");
    expect((await engine.findAccount('cc', 'localhost'))?.host).toBe('localhost');
    await ok(root, "DROP USER 'cc'@'localhost', b");
    expect(await engine.findAccount('b', 'x')).toBeUndefined();
    const gone = await failure(root, "DROP USER 'b'@'%'");
    expect([gone.errno, gone.message]).toEqual([1396, "Operation DROP USER failed for 'b'@'%'"]);
    await ok(root, "DROP USER IF EXISTS 'b'@'%'");
    expect(await query(root, 'SHOW WARNINGS')).toEqual([
      ['Note', 3162n, "Authorization ID 'b'@'%' does not exist."],
    ]);
    const long = await failure(root, `CREATE USER '${'x'.repeat(33)}'`);
    expect(long.errno).toBe(1470);
  });
});

describe('GRANT, REVOKE and enforcement', () => {
  it('enforces table, database and global privileges on every statement', async () => {
    const engine = await memoryEngine();
    const root = await rootWithData(engine);
    await ok(root, "CREATE USER bob IDENTIFIED BY 'pw'");
    const bob = openSession(engine, { user: 'bob', host: '10.0.0.5' });
    const denied = await failure(bob, 'SELECT * FROM d.t');
    expect([denied.errno, denied.sqlState, denied.message]).toEqual([
      1142,
      '42000',
      "SELECT command denied to user 'bob'@'10.0.0.5' for table 't'",
    ]);
    await ok(root, 'GRANT SELECT ON d.* TO bob');
    expect(await query(bob, 'SELECT * FROM d.t')).toEqual([[1n, 10n]]);
    expect((await failure(bob, 'INSERT INTO d.t VALUES (2, 20)')).errno).toBe(1142);
    await ok(root, "GRANT INSERT, UPDATE ON d.t TO 'bob'@'%'");
    await ok(bob, 'INSERT INTO d.t VALUES (2, 20)');
    await ok(bob, 'UPDATE d.t SET v = v + 1 WHERE id = 2');
    expect((await failure(bob, 'INSERT INTO d.u VALUES (1)')).errno).toBe(1142);
    expect((await failure(bob, 'DELETE FROM d.t')).errno).toBe(1142);
    const db = await failure(bob, 'CREATE DATABASE x');
    expect([db.errno, db.message]).toEqual([
      1044,
      "Access denied for user 'bob'@'10.0.0.5' to database 'x'",
    ]);
    expect((await failure(bob, 'USE other')).errno).toBe(1044);
    expect((await errorOf(bob.useDatabase('other'))).errno).toBe(1044);
    await ok(bob, 'USE d');
    expect(await query(bob, 'SHOW DATABASES')).toEqual([['d'], ['information_schema']]);
    const global = await failure(bob, 'SET GLOBAL wait_timeout = 10');
    expect([global.errno, global.message]).toEqual([
      1227,
      'Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN ' +
        'privilege(s) for this operation',
    ]);
    const stmt = await bob.prepare('DELETE FROM t WHERE id = ?');
    expect((await errorOf(stmt.execute([1n]))).errno).toBe(1142);
    await ok(root, "REVOKE SELECT ON d.* FROM 'bob'@'%'");
    expect((await failure(bob, 'SELECT * FROM d.t')).errno).toBe(1142);
    expect((await failure(root, "REVOKE SELECT ON d.* FROM 'bob'@'%'")).errno).toBe(1141);
    expect((await failure(root, "REVOKE SELECT ON d.u FROM 'bob'@'%'")).errno).toBe(1147);
  });

  it('checks the grantor, the level and the target', async () => {
    const engine = await memoryEngine();
    const root = await rootWithData(engine);
    await ok(root, 'CREATE USER bob, carol');
    await ok(root, 'GRANT SELECT ON d.* TO bob');
    const bob = openSession(engine, { user: 'bob', host: 'h' });
    expect((await failure(bob, 'GRANT SELECT ON d.* TO carol')).errno).toBe(1044);
    expect((await failure(bob, 'CREATE USER dave')).errno).toBe(1227);
    await ok(root, 'GRANT SELECT ON d.* TO bob WITH GRANT OPTION');
    await ok(bob, 'GRANT SELECT ON d.* TO carol');
    expect((await failure(bob, 'GRANT INSERT ON d.* TO carol')).errno).toBe(1044);
    expect((await failure(root, 'GRANT SELECT ON d.* TO nobody')).errno).toBe(1410);
    expect((await failure(root, 'GRANT SUPER ON d.* TO bob')).errno).toBe(1221);
    expect((await failure(root, 'GRANT EXECUTE ON d.t TO bob')).errno).toBe(1144);
    expect((await failure(root, 'GRANT SELECT ON d.nope TO bob')).errno).toBe(1146);
    expect((await failure(root, 'GRANT SELECT (id) ON d.t TO bob')).errno).toBe(1235);
  });

  it('limits KILL and SHOW PROCESSLIST to the own threads without privileges', async () => {
    const engine = await memoryEngine();
    const root = openSession(engine, { connectionId: 501 });
    await ok(root, 'CREATE USER bob');
    const bob = openSession(engine, { connectionId: 502, user: 'bob', host: 'h' });
    const e = await failure(bob, 'KILL QUERY 501');
    expect([e.errno, e.message]).toEqual([1095, 'You are not owner of thread 501']);
    expect((await query(bob, 'SHOW PROCESSLIST')).map((r) => r[0])).toEqual([502n]);
    expect((await query(root, 'SHOW PROCESSLIST')).map((r) => r[0])).toEqual([501n, 502n]);
    await ok(root, 'KILL QUERY 502');
  });

  it('SHOW GRANTS words grants as MySQL 8 does', async () => {
    const engine = await memoryEngine();
    const root = await rootWithData(engine);
    await ok(root, "CREATE USER 'bob'@'%'");
    await ok(root, "GRANT ALL ON d.* TO 'bob'@'%'");
    await ok(root, "GRANT SELECT, INSERT ON d.t TO 'bob'@'%' WITH GRANT OPTION");
    await ok(root, "GRANT PROCESS, CONNECTION_ADMIN ON *.* TO 'bob'@'%'");
    const result = await root.execute("SHOW GRANTS FOR 'bob'@'%'");
    if (result.kind !== 'rows') throw new Error('rows');
    expect(result.columns[0]?.name).toBe('Grants for bob@%');
    expect(await query(root, "SHOW GRANTS FOR 'bob'@'%'")).toEqual([
      ['GRANT PROCESS ON *.* TO `bob`@`%`'],
      ['GRANT CONNECTION_ADMIN ON *.* TO `bob`@`%`'],
      ['GRANT ALL PRIVILEGES ON `d`.* TO `bob`@`%`'],
      ['GRANT SELECT, INSERT ON `d`.`t` TO `bob`@`%` WITH GRANT OPTION'],
    ]);
    const mine = await query(root, 'SHOW GRANTS');
    expect(String(mine[0]?.[0])).toMatch(
      new RegExp(
        '^GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, .*, DROP ROLE ' +
          'ON \\*\\.\\* TO `root`@`localhost` WITH GRANT OPTION$',
      ),
    );
    const bob = openSession(engine, { user: 'bob', host: 'x' });
    expect(await scalar(bob, 'SELECT CURRENT_USER()')).toBe('bob@%');
    expect((await failure(bob, 'SHOW GRANTS FOR root@localhost')).errno).toBe(1044);
    expect((await query(bob, 'SHOW GRANTS FOR CURRENT_USER()')).length).toBe(4);
    await ok(root, "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'bob'@'%'");
    expect(await query(root, "SHOW GRANTS FOR 'bob'@'%'")).toEqual([
      ['GRANT USAGE ON *.* TO `bob`@`%`'],
    ]);
  });

  it('keeps accounts and grants across a restart', async () => {
    const trees = new MemoryTrees();
    const first = await memoryEngine({}, trees);
    const root = await rootWithData(first);
    await ok(root, "CREATE USER bob IDENTIFIED BY 'pw'");
    await ok(root, 'GRANT SELECT ON d.t TO bob');
    const second = await memoryEngine({}, trees);
    const bob = openSession(second, { user: 'bob', host: 'h' });
    expect(await query(bob, 'SELECT id FROM d.t')).toEqual([[1n]]);
    expect((await failure(bob, 'SELECT id FROM d.u')).errno).toBe(1142);
  });
});

describe('secrets', () => {
  it('keeps passwords out of logs and error messages', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ level: 'trace' }, sink);
    const engine = await createEngine({
      storage: {} as StorageClient,
      log,
      trees: new MemoryTrees(),
      rootPassword: 'R00t-Secret',
    });
    const s = openSession(engine);
    await ok(s, "CREATE USER bob IDENTIFIED BY 'Bob-Secret'");
    await failure(s, "CREATE USER bob IDENTIFIED BY 'Bob-Secret-2'");
    await ok(s, "SET PASSWORD FOR bob = 'Bob-Secret-3'");
    const e = await failure(s, "CREATE USER bob IDENTIFIED BY 'Bob-Secret-4' PLEASE");
    expect([e.errno, e.message]).toEqual([
      1064,
      'You have an error in your SQL syntax; check the manual that corresponds to your MySQL ' +
        "server version for the right syntax to use near 'PLEASE' at line 1",
    ]);
    const early = await failure(s, "CREATE USER bob IDENTIFIED WRONGLY 'Bob-Secret-5'");
    expect(early.message).toContain("near 'WRONGLY '************'' at line 1");
    expect(lines.join('\n')).not.toMatch(/Secret/);
  });
});
