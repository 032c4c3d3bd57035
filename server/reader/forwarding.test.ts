/**
 * Write forwarding (--read-thread) over real sockets: a second thread accepts on the writer's
 * port, runs reads on its read engine and forwards the rest to a twin session on the writer
 * (routing-session.ts RS1–RS3). To a client, a routed connection is one MySQL session: it sees
 * its own writes, keeps its transaction's snapshot when the transaction moves to the writer,
 * keeps its variables, and gets the writer's errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import mysql, { type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config.js';
import { type RunningServer, createRootLogger, startServer } from '../main.js';
import { ROUTED, threadConnections } from '../testing/threads.js';

let server: RunningServer;
let dataDir: string;
let plain: Connection;
const opened: Connection[] = [];

const { connect, routed, direct } = threadConnections(() => server.port, 'bank', opened);

const value = async (c: Connection, sql: string, params: unknown[] = []): Promise<unknown> => {
  const [rows] = await c.query<RowDataPacket[]>(sql, params);
  return Object.values(rows[0] ?? {})[0];
};

// Forwarding alone, and with connections that write moving to the writer's thread (handoff.ts):
// to the client both are the same one session.
describe.each([false, true])('write forwarding (--read-thread, moves %s)', (moveConnections) => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'borealis-forwarding-'));
    server = await startServer(
      { ...DEFAULT_CONFIG, port: 0, readThread: true, moveConnections, dataDir,
        logLevel: 'silent' },
      createRootLogger({ logLevel: 'silent' }),
    );
    const setup = await mysql.createConnection({
      host: '127.0.0.1',
      port: server.port,
      user: 'root',
    });
    await setup.query('CREATE DATABASE bank');
    await setup.end();
    plain = await direct();
    await plain.query('CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20), cents INT)');
    await plain.query("INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bob', 200)");
  });

  afterAll(async () => {
    for (const connection of opened.splice(0)) await connection.end().catch(() => undefined);
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts on the writer port in both threads', async () => {
    const ids = new Set<boolean>();
    for (let i = 0; i < 200 && ids.size < 2; i++) ids.add((await connect()).id >= ROUTED);
    expect(ids).toEqual(new Set([true, false]));
  });

  it('forwards writes and reads them back at once, with insert ids and errors', async () => {
    const c = await routed();
    await c.query('CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))');
    const [ok] = await c.query<ResultSetHeader>("INSERT INTO log (note) VALUES ('a'), ('b')");
    expect(ok.affectedRows).toBe(2);
    expect(ok.insertId).toBe(1);
    expect(await value(c, 'SELECT COUNT(*) FROM log')).toBe(2);
    expect(await value(c, 'SELECT LAST_INSERT_ID()')).toBe(1);
    await expect(c.query('INSERT INTO log VALUES (1, "dup")')).rejects.toMatchObject({
      errno: 1062,
      sqlState: '23000',
    });
    await expect(c.query('SELECT * FROM missing')).rejects.toMatchObject({ errno: 1146 });
    await expect(c.query('SELEC 1')).rejects.toMatchObject({ errno: 1064 });
    const [prepared] = await c.execute<ResultSetHeader>('UPDATE log SET note = ? WHERE id = ?', [
      'z',
      2,
    ]);
    expect(prepared.affectedRows).toBe(1);
    const [rows] = await c.execute<RowDataPacket[]>('SELECT note FROM log WHERE id = ?', [2]);
    expect(rows).toEqual([{ note: 'z' }]);
  });

  it('reads the diagnostics of the statement the client ran last, wherever it ran', async () => {
    const c = await routed();
    await c.query('CREATE TABLE diag (id INT AUTO_INCREMENT PRIMARY KEY, n INT)');
    await c.query('INSERT INTO diag (n) VALUES (1), (2)');
    expect(await value(c, 'SELECT COUNT(*) FROM diag')).toBe(2); // on the read thread
    // LAST_INSERT_ID() sends this one to the writer, whose twin ran the INSERT last (RS5).
    const [rows] = await c.query<RowDataPacket[]>(
      'SELECT LAST_INSERT_ID() AS id, ROW_COUNT() AS rc, FOUND_ROWS() AS fr');
    expect(rows).toEqual([{ id: 1, rc: -1, fr: 1 }]);
    await c.query("SELECT CAST('1x' AS SIGNED)"); // a warning, on the read thread
    const [warned] = await c.query<RowDataPacket[]>(
      'SELECT @@warning_count AS w, LAST_INSERT_ID() AS id');
    expect(warned).toEqual([{ w: 1, id: 1 }]);
  });

  it('moves a transaction to the writer with its snapshot (repeatable read)', async () => {
    const c = await routed();
    await c.query('BEGIN');
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 2')).toBe(200);
    await plain.query('UPDATE accounts SET cents = cents + 1 WHERE id = 2');
    await c.query('UPDATE accounts SET cents = cents - 10 WHERE id = 1');
    // Still the snapshot of the first read, with the transaction's own change laid over it.
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 2')).toBe(200);
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 1')).toBe(90);
    await c.query('COMMIT');
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 2')).toBe(201);
    expect(await value(plain, 'SELECT cents FROM accounts WHERE id = 1')).toBe(90);
    await plain.query('UPDATE accounts SET cents = 100 WHERE id = 1');
    await plain.query('UPDATE accounts SET cents = 200 WHERE id = 2');
  });

  it('rolls a moved transaction back', async () => {
    const c = await routed();
    await c.query('SET autocommit = 0');
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 1')).toBe(100);
    await c.query('UPDATE accounts SET cents = 0 WHERE id = 1');
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 1')).toBe(0);
    await c.query('ROLLBACK');
    expect(await value(c, 'SELECT cents FROM accounts WHERE id = 1')).toBe(100);
    await c.query('SET autocommit = 1');
  });

  it('keeps session state alike on both sides', async () => {
    const c = await routed();
    await expect(c.query("UPDATE accounts SET owner = 'a-name-that-is-much-too-long' WHERE id = 1"))
      .rejects.toMatchObject({ errno: 1406 }); // strict mode on the writer
    await c.query("SET sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    expect(await value(c, 'SELECT @@sql_mode')).toBe('NO_ENGINE_SUBSTITUTION');
    const [ok] = await c.query<ResultSetHeader>(
      "UPDATE accounts SET owner = 'a-name-that-is-much-too-long' WHERE id = 1",
    );
    expect(ok.warningStatus).toBe(1); // truncated, not refused: the writer has the mode too
    expect(await value(c, 'SELECT owner FROM accounts WHERE id = 1'))
      .toBe('a-name-that-is-much-too-long'.slice(0, 20));
    await c.query('SET sql_mode = DEFAULT');
    await c.query("UPDATE accounts SET owner = 'ann' WHERE id = 1");
    await c.query("SET @who = CONCAT('b', 'ob')"); // pins the session to the writer
    expect(await value(c, 'SELECT @who')).toBe('bob');
    expect(await value(c, 'SELECT CONCAT(@who, owner) FROM accounts WHERE id = 1')).toBe('bobann');
  });

  it("starts new sessions from the writer's globals, and is no read-only session", async () => {
    await plain.query("SET GLOBAL sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    await plain.query('SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED');
    try {
      const c = await routed();
      // Read on the read thread, from the session's own values, which came from the globals.
      expect(await value(c, 'SELECT @@session.sql_mode')).toBe('NO_ENGINE_SUBSTITUTION');
      expect(await value(c, 'SELECT @@transaction_isolation')).toBe('READ-COMMITTED');
      expect(await value(c, 'SELECT @@read_only')).toBe(0);
    } finally {
      await plain.query('SET GLOBAL sql_mode = DEFAULT');
      await plain.query('SET GLOBAL TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    }
  });

  it('shows the warnings of the statement before, wherever it ran', async () => {
    const c = await routed();
    await c.query('DROP TABLE IF EXISTS nothere'); // forwarded: a note there
    const [there] = await c.query<RowDataPacket[]>('SHOW WARNINGS');
    expect(there.map((w) => w.Code)).toEqual([1051]);
    expect(await value(c, 'SELECT @@warning_count')).toBe(1);
    await c.query('SELECT 1 FROM accounts'); // read here: no warning
    const [here] = await c.query<RowDataPacket[]>('SHOW WARNINGS');
    expect(here).toEqual([]);
  });

  it('forwards LOAD DATA LOCAL INFILE: the file comes from the client', async () => {
    await plain.query('SET GLOBAL local_infile = 1');
    const file = [Buffer.from('7\tgus\t70\n'), Buffer.from('8\thal\t80\n')];
    const c = await routed({ infileStreamFactory: () => Readable.from(file) });
    const [loaded] = await c.query<ResultSetHeader>(
      "LOAD DATA LOCAL INFILE 'people.tsv' INTO TABLE accounts",
    );
    expect(loaded.affectedRows).toBe(2);
    expect(await value(c, 'SELECT SUM(cents) FROM accounts WHERE id IN (7, 8)')).toBe('150');
    await c.query('DELETE FROM accounts WHERE id IN (7, 8)');
  });

  it('reads information_schema and SHOW CREATE TABLE on the writer (the server state)',
    async () => {
      const c = await routed();
      const direct = Number(await value(plain, 'SELECT CONNECTION_ID()'));
      const list = 'SELECT ID FROM information_schema.PROCESSLIST';
      const [rows] = await c.query<RowDataPacket[]>(list);
      expect(rows.map((r) => Number(r['ID']))).toContain(direct); // a session of the writer's
      const [created] = await c.query<RowDataPacket[]>('SHOW CREATE TABLE accounts');
      expect(String(created[0]?.['Create Table'])).toContain('CREATE TABLE `accounts`');
    });

  it('lets KILL QUERY from another connection stop a statement running on the read thread',
    async () => {
      const c = await routed();
      const id = Number(await value(c, 'SELECT CONNECTION_ID()'));
      // Its outcome handled from the start: the statement may fail before KILL QUERY's OK.
      const sleeping = c.query('SELECT SLEEP(5) AS s').then(
        ([rows]) => (rows as RowDataPacket[])[0]?.s,
        (error: { errno?: number }) => error.errno,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await plain.query(`KILL QUERY ${id}`);
      const started = Date.now();
      const outcome = await sleeping;
      expect(Date.now() - started).toBeLessThan(3000);
      expect([1, 1317]).toContain(outcome); // MySQL's SLEEP answers 1 when interrupted
      expect(await value(c, 'SELECT 2')).toBe(2);
    });

  it('rolls back and unlocks a moved transaction when its client goes away', async () => {
    const c = await routed();
    await c.query('BEGIN');
    await c.query('UPDATE accounts SET cents = 5 WHERE id = 2'); // moved: the row lock is taken
    c.destroy();
    await plain.query('SET innodb_lock_wait_timeout = 5');
    const started = Date.now();
    await plain.query('UPDATE accounts SET cents = cents WHERE id = 2');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await value(plain, 'SELECT cents FROM accounts WHERE id = 2')).toBe(200);
  });

  it('closes a routed connection that KILL names, from any connection', async () => {
    const c = await routed();
    const id = Number(await value(c, 'SELECT CONNECTION_ID()'));
    const [list] = await plain.query<RowDataPacket[]>('SHOW PROCESSLIST');
    expect(list.map((row) => Number(row.Id))).toContain(id);
    await plain.query(`KILL ${id}`);
    // The read thread hears of it a message later (the kill itself is the writer's).
    let failed = false;
    for (let i = 0; i < 100 && !failed; i++) {
      failed = await c.query('SELECT 1').then(() => false, () => true);
      if (!failed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(failed).toBe(true);
    let ids: number[] = [];
    for (let i = 0; i < 100; i++) { // the twin closes once the read thread has closed the socket
      const [after] = await plain.query<RowDataPacket[]>('SHOW PROCESSLIST');
      ids = after.map((row) => Number(row.Id));
      if (!ids.includes(id)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ids).not.toContain(id);
  });

  it('keeps money constant while routed and direct sessions move it', async () => {
    await plain.query('CREATE TABLE purse (id INT PRIMARY KEY, cents INT)');
    const values = Array.from({ length: 100 }, (_, i) => `(${i}, 100)`).join(',');
    await plain.query(`INSERT INTO purse VALUES ${values}`);
    const movers = [await routed(), await routed(), await direct(), await direct()];
    const readers = [await routed(), await routed()];
    let stop = false;
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const move = async (c: Connection): Promise<void> => {
      while (!stop) {
        const from = next(100);
        const to = (from + 1 + next(99)) % 100;
        await c.query('BEGIN');
        await c.query('SELECT cents FROM purse WHERE id = ?', [from]);
        try {
          await c.query('UPDATE purse SET cents = cents - 1 WHERE id = ?', [from]);
          await c.query('UPDATE purse SET cents = cents + 1 WHERE id = ?', [to]);
          await c.query('COMMIT');
        } catch (error) {
          await c.query('ROLLBACK');
          if ((error as { errno?: number }).errno !== 1213) throw error;
        }
      }
    };
    const sums: unknown[] = [];
    const read = async (c: Connection): Promise<void> => {
      while (!stop) {
        sums.push(await value(c, 'SELECT SUM(cents) FROM purse'));
        await c.query('BEGIN');
        const first = await value(c, 'SELECT SUM(cents) FROM purse');
        const again = await value(c, 'SELECT SUM(cents) FROM purse');
        await c.query('COMMIT');
        sums.push(first, again);
      }
    };
    const work = [...movers.map(move), ...readers.map(read)];
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop = true;
    await Promise.all(work);
    expect(sums.length).toBeGreaterThan(10);
    expect(new Set(sums)).toEqual(new Set(['10000']));
    expect(await value(plain, 'SELECT SUM(cents) FROM purse')).toBe('10000');
  });
});

describe('max_connections with --read-thread', () => {
  it('counts the connections of both threads together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'borealis-forwarding-max-'));
    const small = await startServer(
      { ...DEFAULT_CONFIG, port: 0, readThread: true, maxConnections: 4, dataDir: dir,
        logLevel: 'silent' },
      createRootLogger({ logLevel: 'silent' }),
    );
    const held: Connection[] = [];
    const open = (): Promise<Connection> =>
      mysql.createConnection({ host: '127.0.0.1', port: small.port, user: 'root' });
    try {
      for (let i = 0; i < 4; i++) held.push(await open());
      // Whichever thread accepts the fifth, it counts the other's four too.
      for (let i = 0; i < 6; i++) await expect(open()).rejects.toMatchObject({ errno: 1040 });
      await held.pop()?.end();
      await new Promise((resolve) => setTimeout(resolve, 50));
      held.push(await open());
    } finally {
      for (const c of held) await c.end().catch(() => undefined);
      await small.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
