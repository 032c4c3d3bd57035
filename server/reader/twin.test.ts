/**
 * Write forwarding's transport end to end: RemoteSessions (TwinClient) whose calls run on twin
 * Sessions of a real writer engine (TwinHost), over a MessageChannel — delivery is
 * asynchronous and Buffers arrive as Uint8Arrays, as across threads, so the codecs are
 * exercised (TW1–TW3).
 */
import { MessageChannel } from 'node:worker_threads';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StorageClient } from '../../storage/index.js';
import {
  type MovableSession,
  type Row,
  type SessionInit,
  type WriterEngine,
  SqlError,
  createEngine,
} from '../../engine/index.js';
import { MemoryTrees } from '../../engine/testing/memory-trees.js';
import { errorOf, ok, query, rowsOf } from '../../engine/testing/sessions.js';
import { type RemoteSession, TwinClient } from './remote-session.js';
import { type TwinEngine, TwinHost } from './twin-host.js';
import {
  type FromTwin,
  type ToTwin,
  fromWireRow,
  toWireBytes,
  toWireRow,
} from './twin-messages.js';

const log = pino({ level: 'silent' });
const BIG_ROWS = 3000;

let engine: WriterEngine;
let host: TwinHost;
let client: TwinClient;
let local: MovableSession;
let channel: MessageChannel;
/** How many rows iterators the host returned early (TW6), seen through spyEngine. */
let returned = 0;
let nextConnectionId = 5000;

/** The writer engine, with every rows iterator its sessions hand out counting return(). */
function spyEngine(writer: WriterEngine): TwinEngine {
  return {
    openSession(init: SessionInit): MovableSession {
      const session = writer.openSession(init);
      const execute = session.execute.bind(session);
      session.execute = async (sql) => {
        const result = await execute(sql);
        if (result.kind !== 'rows' || result.collected !== undefined) return result;
        const rows = result.rows;
        return {
          ...result,
          rows: {
            [Symbol.asyncIterator]() {
              const iterator = rows[Symbol.asyncIterator]();
              return {
                next: () => iterator.next(),
                return: async () => {
                  returned++;
                  return (await iterator.return?.()) ?? { done: true, value: undefined };
                },
              };
            },
          },
        };
      };
      return session;
    },
  };
}

function open(init: Partial<SessionInit> = {}): RemoteSession {
  return client.open({
    connectionId: nextConnectionId++,
    user: 'root',
    host: 'localhost',
    ...init,
  });
}


function identity(e: SqlError): [number, string, string] {
  return [e.errno, e.sqlState, e.message];
}

beforeAll(async () => {
  engine = await createEngine({ storage: {} as StorageClient, log, trees: new MemoryTrees() });
  channel = new MessageChannel();
  const { port1, port2 } = channel;
  host = new TwinHost(spyEngine(engine), (m: FromTwin) => port2.postMessage(m), log);
  port2.on('message', (m: ToTwin) => host.receive(m));
  client = new TwinClient((m: ToTwin) => port1.postMessage(m));
  port1.on('message', (m: FromTwin) => client.receive(m));
  local = engine.openSession({ connectionId: 1, user: 'root', host: 'localhost' });
  await ok(local, 'CREATE DATABASE d');
  await ok(local, 'USE d');
  await ok(local, 'CREATE TABLE big (id INT PRIMARY KEY, name VARCHAR(20), b VARBINARY(8))');
  for (let i = 1; i <= BIG_ROWS; i += 500) {
    const values = [];
    for (let j = i; j < i + 500; j++) {
      values.push(`(${j}, 'n${j}', X'${j.toString(16).padStart(4, '0')}ff')`);
    }
    await ok(local, `INSERT INTO big VALUES ${values.join(',')}`);
  }
});

afterAll(async () => {
  await host.close();
  channel.port1.close();
  channel.port2.close();
  await local.close();
  await engine.close();
});

describe('a RemoteSession runs its calls on a twin of the writer', () => {
  it('executes statements: OK with affectedRows and lastInsertId', async () => {
    const s = open();
    await s.useDatabase('d');
    expect(s.status.database).toBe('d');
    await ok(s, 'CREATE TABLE auto (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5))');
    const first = await ok(s, "INSERT INTO auto (v) VALUES ('a'), ('b'), ('c')");
    expect([first.affectedRows, first.lastInsertId]).toEqual([3, 1n]);
    expect(first.info).toBe('Records: 3  Duplicates: 0  Warnings: 0');
    const next = await ok(s, "INSERT INTO auto (v) VALUES ('d')");
    expect([next.affectedRows, next.lastInsertId]).toEqual([1, 4n]);
    const update = await ok(s, "UPDATE auto SET v = 'x' WHERE id <= 2");
    expect([update.affectedRows, update.matchedRows]).toEqual([2, 2]);
    expect(await query(local, 'SELECT id, v FROM d.auto ORDER BY id')).toEqual([
      [1n, 'x'],
      [2n, 'x'],
      [3n, 'c'],
      [4n, 'd'],
    ]);
    await s.close();
  });

  it('streams rows batch by batch, equal to running them locally', async () => {
    const s = open();
    const result = await s.execute(Buffer.from('SELECT * FROM d.big ORDER BY id'));
    if (result.kind !== 'rows') throw new Error('rows');
    expect(result.collected).toBeUndefined();
    let batches = 0;
    const rows: Row[] = [];
    for await (const batch of result.rows) {
      batches++;
      rows.push(...batch);
    }
    expect(batches).toBeGreaterThan(1);
    expect(rows.length).toBe(BIG_ROWS);
    expect(rows).toEqual(await query(local, 'SELECT * FROM d.big ORDER BY id'));
    expect(rows.every((row) => Buffer.isBuffer(row[2]))).toBe(true); // TW1
    const here = await local.execute('SELECT * FROM d.big LIMIT 0');
    expect(here.kind === 'rows' && result.columns).toEqual(here.kind === 'rows' && here.columns);
    const point = await s.execute('SELECT name FROM d.big WHERE id = 7');
    if (point.kind !== 'rows') throw new Error('rows');
    expect(point.collected).toEqual([['n7']]); // one batch: no second round trip
    await s.close();
  });

  it('cancels a stream in the middle; the twin goes on', async () => {
    const s = open();
    const before = returned;
    const result = await s.execute('SELECT * FROM d.big');
    if (result.kind !== 'rows') throw new Error('rows');
    const iterator = result.rows[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect((await iterator.next()).done).toBe(false);
    await iterator.return?.();
    expect((await iterator.next()).done).toBe(true);
    expect(await query(s, 'SELECT COUNT(*) FROM d.big')).toEqual([[BigInt(BIG_ROWS)]]);
    expect(returned).toBe(before + 1); // TW6
    await s.close();
  });

  it("keeps a cursor's rows open across later calls of the session (TW6)", async () => {
    const s = open();
    const statement = await s.prepare('SELECT id FROM d.big WHERE id > ? ORDER BY id');
    const cursor = await statement.execute([0n]);
    if (cursor.kind !== 'rows') throw new Error('rows');
    const iterator = cursor.rows[Symbol.asyncIterator]();
    const first = await iterator.next();
    const rows: Row[] = first.done === true ? [] : [...first.value];
    expect(await query(s, 'SELECT COUNT(*) FROM d.big WHERE id > 100')).toEqual([
      [BigInt(BIG_ROWS - 100)],
    ]);
    expect((await query(s, 'SELECT id FROM d.big')).length).toBe(BIG_ROWS);
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      rows.push(...next.value);
    }
    expect(rows.map((row) => row[0])).toEqual(
      Array.from({ length: BIG_ROWS }, (_, i) => BigInt(i + 1)),
    );
    statement.close();
    await s.close();
  });

  it('runs prepared statements with Buffer, bigint, null and string parameters', async () => {
    const s = open();
    await ok(local, 'CREATE TABLE d.p (id BIGINT PRIMARY KEY, name VARCHAR(20), data BLOB, x INT)');
    const insert = await s.prepare('INSERT INTO d.p VALUES (?, ?, ?, ?)');
    expect([insert.paramCount, insert.columns]).toEqual([4, []]);
    const page = Buffer.alloc(16_384, 7);
    const blob = page.subarray(100, 104); // a view: crosses with its own bytes (TW2)
    blob.set([0, 1, 2, 255]);
    const big = 9_007_199_254_740_993n;
    const done = await insert.execute([big, 'héllo', blob, null]);
    expect(done.kind === 'ok' && done.affectedRows).toBe(1);
    await insert.execute([2n, Buffer.from('plain'), Buffer.alloc(0), 5n]);
    insert.close();
    const select = await s.prepare('SELECT id, name, data, x FROM d.p WHERE id >= ? ORDER BY id');
    expect(select.paramCount).toBe(1);
    expect(select.columns.map((c) => c.name)).toEqual(['id', 'name', 'data', 'x']);
    const rows = await rowsOf(await select.execute([0n]));
    expect(rows).toEqual([
      [2n, 'plain', Buffer.alloc(0), 5n],
      [big, 'héllo', Buffer.from([0, 1, 2, 255]), null],
    ]);
    expect(Buffer.isBuffer(rows[1]?.[2])).toBe(true);
    select.close();
    const closed = await errorOf(insert.execute([3n, 'x', null, null]));
    expect(closed.errno).toBe(1243);
    await s.close();
  });

  it('keeps errno, SQLSTATE and message of errors', async () => {
    const s = open();
    await s.useDatabase('d');
    for (const sql of [
      'SELECT * FROM nope',
      "INSERT INTO big VALUES (1, 'dup', NULL)",
      'SELEC 1',
    ]) {
      const there = await errorOf(s.execute(sql));
      const here = await errorOf(local.execute(sql));
      expect(there).toBeInstanceOf(SqlError);
      expect(identity(there)).toEqual(identity(here));
    }
    const [e1146, e1062] = [
      await errorOf(s.execute('SELECT * FROM nope')),
      await errorOf(s.execute("INSERT INTO big VALUES (1, 'dup', NULL)")),
    ];
    expect(identity(e1146)).toEqual([1146, '42S02', "Table 'd.nope' doesn't exist"]);
    expect([e1062.errno, e1062.sqlState, e1062.code]).toEqual([1062, '23000', 'ER_DUP_ENTRY']);
    expect((await errorOf(s.execute('SELEC 1'))).errno).toBe(1064);
    const bad = await errorOf(s.useDatabase('nowhere'));
    expect(identity(bad)).toEqual([1049, '42000', "Unknown database 'nowhere'"]);
    await s.close();
  });

  it('carries the twin status: database, transaction, warnings', async () => {
    const s = open({ charset: 'latin1' });
    expect(s.status).toMatchObject({
      database: null,
      autocommit: true,
      inTransaction: false,
      charsetClient: 'latin1',
    });
    await ok(s, 'USE d');
    await ok(s, 'BEGIN');
    expect(s.status).toMatchObject({ database: 'd', inTransaction: true });
    await ok(s, "UPDATE big SET name = 'changed' WHERE id = 10");
    await ok(s, 'COMMIT');
    expect(s.status.inTransaction).toBe(false);
    await ok(s, 'SET autocommit = 0');
    expect(s.status.autocommit).toBe(false);
    await ok(s, 'SET autocommit = 1');
    await query(s, "SELECT CAST('1x' AS SIGNED)");
    expect(s.status.warningCount).toBe(1);
    expect(await query(local, 'SELECT name FROM d.big WHERE id = 10')).toEqual([['changed']]);
    await s.close();
  });

  it('runs LOAD DATA LOCAL INFILE: the file name, then the content', async () => {
    await ok(local, 'SET GLOBAL local_infile = 1');
    await ok(local, 'CREATE TABLE d.l (id INT PRIMARY KEY, name VARCHAR(20))');
    const s = open();
    const asked = await s.execute("LOAD DATA LOCAL INFILE 'f.tsv' INTO TABLE d.l");
    if (asked.kind !== 'local-infile') throw new Error(`expected a file request: ${asked.kind}`);
    expect(asked.filename).toBe('f.tsv');
    const done = await asked.load(Buffer.from('1\tone\n2\ttwo\n3\tthree\n'));
    expect(done).toMatchObject({
      kind: 'ok',
      affectedRows: 3,
      info: 'Records: 3  Deleted: 0  Skipped: 0  Warnings: 0',
    });
    expect(await query(local, 'SELECT * FROM d.l ORDER BY id')).toEqual([
      [1n, 'one'],
      [2n, 'two'],
      [3n, 'three'],
    ]);
    const again = await s.execute("LOAD DATA LOCAL INFILE 'g.tsv' INTO TABLE d.l");
    if (again.kind !== 'local-infile') throw new Error('expected a file request');
    await query(s, 'SELECT 1'); // TW7: the next call drops the pending load
    expect((await errorOf(again.load(Buffer.from('4\tfour\n')))).errno).toBe(1105);
    expect(await query(local, 'SELECT COUNT(*) FROM d.l')).toEqual([[3n]]);
    await s.close();
  });

  it('passes KILL QUERY and KILL CONNECTION on the twin to the session init', async () => {
    const onKill = vi.fn();
    const onKillQuery = vi.fn();
    const s = open({ connectionId: 7001, onKill, onKillQuery });
    await query(s, 'SELECT 1');
    await ok(local, 'KILL QUERY 7001');
    await vi.waitFor(() => expect(onKillQuery).toHaveBeenCalledTimes(1));
    expect(onKill).not.toHaveBeenCalled();
    expect(await query(s, 'SELECT 2')).toEqual([[2n]]);
    // Interrupted in the middle of a stream: the rows so far, then 1317 (TW6).
    const streaming = await s.execute('SELECT * FROM d.big');
    if (streaming.kind !== 'rows') throw new Error('rows');
    const iterator = streaming.rows[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await ok(local, 'KILL QUERY 7001');
    const killed = await errorOf(
      (async () => {
        for (;;) if ((await iterator.next()).done === true) return;
      })(),
    );
    expect(identity(killed)).toEqual([1317, '70100', 'Query execution was interrupted']);
    await vi.waitFor(() => expect(onKillQuery).toHaveBeenCalledTimes(2));
    await ok(local, 'KILL 7001');
    await vi.waitFor(() => expect(onKill).toHaveBeenCalledTimes(1));
    expect((await errorOf(s.execute('SELECT 3'))).errno).toBe(1317);
    await s.close();
  });

  it('adopts with the next call, and runs the call only inside it (TW11)', async () => {
    await ok(local, 'CREATE TABLE d.m (id INT PRIMARY KEY)');
    const reader = engine.openSession({ connectionId: 3, user: 'root', host: 'localhost' });
    await ok(reader, 'BEGIN');
    expect(await query(reader, 'SELECT COUNT(*) FROM d.m')).toEqual([[0n]]);
    const moving = reader.moveTransaction();
    if (moving === undefined) throw new Error('a transaction to move');
    await ok(local, 'CREATE TABLE d.later (id INT)'); // a definition changed after its read point
    const s = open();
    s.adoptWithNextCall(moving.transaction);
    expect((await errorOf(s.execute('INSERT INTO d.m VALUES (1)'))).errno).toBe(1412);
    expect(s.status.inTransaction).toBe(false);
    expect(await query(local, 'SELECT COUNT(*) FROM d.m')).toEqual([[0n]]); // it never ran
    moving.release();
    const again = reader.moveTransaction();
    expect(again).toBeUndefined();
    await ok(reader, 'BEGIN');
    const fresh = reader.moveTransaction();
    if (fresh === undefined) throw new Error('a transaction to move');
    s.adoptWithNextCall(fresh.transaction);
    await ok(s, 'INSERT INTO d.m VALUES (2)');
    fresh.release();
    expect(s.status.inTransaction).toBe(true);
    await ok(s, 'COMMIT');
    expect(await query(local, 'SELECT id FROM d.m')).toEqual([[2n]]);
    await reader.close();
    await s.close();
  });

  it('adopts a moved transaction: reads at its read point, then writes and commits', async () => {
    await ok(local, 'CREATE TABLE d.k (id INT PRIMARY KEY, v VARCHAR(10))');
    await ok(local, "INSERT INTO d.k VALUES (1, 'old'), (2, 'two')");
    const reader = engine.openSession({ connectionId: 2, user: 'root', host: 'localhost' });
    await ok(reader, 'BEGIN');
    expect(await query(reader, 'SELECT v FROM d.k WHERE id = 1')).toEqual([['old']]);
    await ok(local, "UPDATE d.k SET v = 'new' WHERE id = 1");
    // Moved after the commit, while its read point is still held (on a reader thread, the
    // read floor holds it: RF1).
    const moving = reader.moveTransaction();
    expect(moving?.transaction.readPoint).not.toBeNull();
    const s = open();
    if (moving === undefined) throw new Error('a transaction to move');
    s.adoptWithNextCall(moving.transaction);
    expect(await query(s, 'SELECT v FROM d.k WHERE id = 1')).toEqual([['old']]);
    moving.release();
    await reader.close();
    expect(s.status.inTransaction).toBe(true);
    await ok(s, "UPDATE d.k SET v = 'twin' WHERE id = 2");
    await ok(s, 'COMMIT');
    expect(s.status.inTransaction).toBe(false);
    expect(await query(s, 'SELECT v FROM d.k ORDER BY id')).toEqual([['new'], ['twin']]);
    expect(await query(local, 'SELECT v FROM d.k ORDER BY id')).toEqual([['new'], ['twin']]);
    await s.close();
  });

  it('closing the RemoteSession closes its twin', async () => {
    const s = open({ connectionId: 7002 });
    await query(s, 'SELECT 1');
    const ids = async (): Promise<unknown[]> =>
      (await query(local, 'SHOW PROCESSLIST')).map((row) => row[0]);
    expect(await ids()).toContain(7002n);
    await s.close();
    expect(await ids()).not.toContain(7002n);
    expect((await errorOf(s.execute('SELECT 1'))).errno).toBe(1105);
  });

  it('answers a CALL with its materialized result sets', async () => {
    await ok(
      local,
      'CREATE PROCEDURE d.two() BEGIN SELECT 1 AS a; SELECT id FROM d.big LIMIT 2; END',
    );
    const s = open();
    const result = await s.execute('CALL d.two()');
    if (result.kind !== 'multi') throw new Error(`expected multi, got ${result.kind}`);
    expect(result.results.map((r) => r.collected)).toEqual([[[1n]], [[1n], [2n]]]);
    expect(result.final.kind).toBe('ok');
    await s.close();
  });

  it('field lists, reset and change user', async () => {
    const s = open();
    await s.useDatabase('d');
    const fields = await s.fieldList('big', '%');
    expect(fields.map((f) => f.column.name)).toEqual(['id', 'name', 'b']);
    await ok(s, 'SET @x = 5');
    await s.reset();
    expect(await query(s, 'SELECT @x')).toEqual([[null]]);
    expect(s.status.database).toBe('d');
    await s.changeUser('root', 'localhost', null);
    expect(s.status.database).toBeNull();
    expect(s.systemVariable('max_allowed_packet')).toBeUndefined();
    await s.close();
  });
});

describe('the value codecs', () => {
  it('send a view with its own bytes only (TW2) and restore Buffers in place (TW1)', () => {
    const whole = Buffer.from(new Uint8Array([1, 2, 3]).buffer);
    const row = [1n, 'x', null, whole];
    expect(toWireRow(row)).toBe(row); // nothing to copy
    const view = Buffer.alloc(16_384).subarray(10, 13);
    const sent = toWireRow([1n, view])[1];
    expect(sent instanceof Uint8Array && sent.buffer.byteLength).toBe(3);
    expect(toWireBytes(whole)).toBe(whole);
    const arrived = new Uint8Array(new ArrayBuffer(8), 2, 4);
    const back = fromWireRow([arrived, 'y'])[0];
    expect(Buffer.isBuffer(back)).toBe(true);
    expect(back instanceof Buffer && back.buffer).toBe(arrived.buffer); // no copy
    expect(back instanceof Buffer && [back.byteOffset, back.length]).toEqual([2, 4]);
  });
});

describe('TwinClient.failAll', () => {
  it('rejects pending calls and every later one; close still resolves', async () => {
    const sent: ToTwin[] = [];
    const lonely = new TwinClient((m) => sent.push(m));
    const s = lonely.open({ connectionId: 9001, user: 'root', host: 'localhost' });
    const pending = s.execute('SELECT 1');
    expect(sent.map((m) => m.kind)).toEqual(['open', 'call']);
    lonely.failAll(new SqlError('ER_SERVER_SHUTDOWN'));
    expect((await errorOf(pending)).errno).toBe(1053);
    expect((await errorOf(s.execute('SELECT 2'))).errno).toBe(1053);
    await expect(s.close()).resolves.toBeUndefined();
  });
});

describe('TwinHost', () => {
  it('answers every call, also for unknown sessions, streams and handles (TW4)', async () => {
    const replies: FromTwin[] = [];
    const lone = new TwinHost(engine, (m) => replies.push(m), log);
    const init = { connectionId: 9100, user: 'root', host: 'h' };
    lone.receive({ kind: 'call', session: 1, call: 1, request: { kind: 'execute', sql: 'X' } });
    lone.receive({ kind: 'open', session: 2, init });
    lone.receive({ kind: 'call', session: 2, call: 2, request: { kind: 'next', stream: 42 } });
    lone.receive({
      kind: 'call',
      session: 2,
      call: 3,
      request: { kind: 'stmt-execute', handle: 9, params: [] },
    });
    lone.receive({ kind: 'stmt-close', session: 2, handle: 9 });
    lone.receive({ kind: 'cancel', session: 2, stream: 42 });
    await lone.close();
    lone.receive({ kind: 'call', session: 2, call: 4, request: { kind: 'reset' } });
    lone.receive({ kind: 'call', session: 2, call: 5, request: { kind: 'close' } });
    const errors = replies.map((m) =>
      m.kind === 'reply' && m.outcome.kind === 'error' ? [m.call, m.outcome.error.code] : m,
    );
    expect(errors).toEqual([
      [1, 'ER_UNKNOWN_ERROR'],
      [2, 'ER_UNKNOWN_ERROR'],
      [3, 'ER_UNKNOWN_STMT_HANDLER'],
      [4, 'ER_SERVER_SHUTDOWN'],
      { kind: 'reply', call: 5, status: null, outcome: { kind: 'done' } },
    ]);
  });

  it('answers the refusal to every call of a twin the engine would not open', async () => {
    const full: TwinEngine = {
      openSession() {
        throw new SqlError('ER_CON_COUNT_ERROR');
      },
    };
    const { port1, port2 } = new MessageChannel();
    const refusing = new TwinHost(full, (m: FromTwin) => port2.postMessage(m), log);
    port2.on('message', (m: ToTwin) => refusing.receive(m));
    const near = new TwinClient((m: ToTwin) => port1.postMessage(m));
    port1.on('message', (m: FromTwin) => near.receive(m));
    const s = near.open({ connectionId: 9200, user: 'root', host: 'localhost' });
    const e = await errorOf(s.execute('SELECT 1'));
    expect(identity(e)).toEqual([1040, '08004', 'Too many connections']);
    await expect(s.close()).resolves.toBeUndefined();
    port1.close();
    port2.close();
  });
});
