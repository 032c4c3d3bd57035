/**
 * The read engine (read-engine.ts, RE1–RE3; read-only.ts, RO1–RO3): a writer over the real page
 * layer on a memory storage client, and a read engine attached to it in the same thread, reading
 * the pages it does not cache through that storage at its read point.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Lsn, StorageError } from '../storage/index.js';
import type { Engine, Session } from './api.js';
import { MemoryStorage, MemoryStorageClient } from './btree/testing.js';
import { openTrees } from './btree/index.js';
import { type WriterEngine, createEngine } from './engine.js';
import { type ReadEngine, attachReadEngine } from './read-engine.js';
import { Prng } from './testing/prng.js';
import { failure, ok, openSession, query, scalar } from './testing/sessions.js';

const log = pino({ level: 'silent' });

interface Pair {
  readonly writer: WriterEngine;
  readonly reader: ReadEngine;
  readonly storage: MemoryStorageClient;
  close(): Promise<void>;
}

const open: Pair[] = [];

afterEach(async () => {
  for (const pair of open.splice(0)) await pair.close();
});

async function writerEngine(): Promise<{ writer: WriterEngine; storage: MemoryStorageClient }> {
  const storage = new MemoryStorageClient(new MemoryStorage());
  const trees = await openTrees({ storage, log });
  const writer = await createEngine({ storage, log, trees });
  return { writer, storage };
}

async function pair(
  setup: (writer: Session) => Promise<void> = async () => undefined,
  bufferPoolPages = 64,
  pageSourceUp: () => boolean = () => true,
): Promise<Pair> {
  const { writer, storage } = await writerEngine();
  await setup(openSession(writer));
  const reader = await attachReadEngine(writer, {
    pages: {
      readPage: async (id, at) => {
        if (!pageSourceUp()) throw new StorageError('quorum-timeout', 'the test cut storage off');
        return storage.readPage(id, at);
      },
    },
    log,
    bufferPoolPages,
  });
  const made: Pair = {
    writer,
    reader,
    storage,
    async close() {
      await reader.close();
      await writer.close();
    },
  };
  open.push(made);
  return made;
}

/** Waits until the reader serves the writer's latest commit, its catalog reloaded (RE1). */
async function caughtUp(p: Pair): Promise<void> {
  const target: Lsn = p.writer.trees.latestLsn();
  await p.writer.trees.waitDurable(target);
  for (let i = 0; i < 1000 && p.reader.vdl < target; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(p.reader.vdl).toBeGreaterThanOrEqual(target);
  await p.reader.settled();
}

async function table(session: Session, sql: string): Promise<string> {
  const rows = await query(session, sql);
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
}

async function sameAnswers(writer: Engine, reader: Engine, statements: readonly string[]) {
  const w = openSession(writer);
  const r = openSession(reader);
  for (const sql of statements) expect(await table(r, sql), sql).toBe(await table(w, sql));
  await w.close();
  await r.close();
}

describe('read engine', () => {
  it('serves what the writer committed before and after it attached', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE shop');
      await ok(w, 'CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT)');
      await ok(w, "INSERT INTO shop.items VALUES (1, 'apple', 5), (2, 'pear', 7)");
    });
    const r = openSession(p.reader);
    expect(await scalar(r, 'SELECT SUM(qty) FROM shop.items')).toBe('12');
    const w = openSession(p.writer);
    await ok(w, "INSERT INTO shop.items VALUES (3, 'plum', 1)");
    await ok(w, 'UPDATE shop.items SET qty = qty + 10 WHERE id = 1');
    await ok(w, 'DELETE FROM shop.items WHERE id = 2');
    await caughtUp(p);
    expect(await query(r, 'SELECT id, name, qty FROM shop.items ORDER BY id')).toEqual([
      [1n, 'apple', 15n],
      [3n, 'plum', 1n],
    ]);
  });

  it('refuses every statement that writes with 1290, and changes nothing (RO1, RE3)', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE d');
      await ok(w, 'CREATE TABLE d.t (id INT PRIMARY KEY)');
    });
    const r = openSession(p.reader);
    for (const sql of [
      'INSERT INTO d.t VALUES (1)',
      'UPDATE d.t SET id = 2',
      'DELETE FROM d.t',
      'CREATE TABLE d.u (id INT)',
      'DROP TABLE d.t',
      'ALTER TABLE d.t ADD COLUMN c INT',
      'CREATE DATABASE e',
      "CREATE USER 'x'@'%' IDENTIFIED BY 'y'",
      'TRUNCATE TABLE d.t',
    ]) {
      const error = await failure(r, sql);
      expect([error.errno, error.sqlState, sql]).toEqual([1290, 'HY000', sql]);
      expect(error.message).toContain('--read-only');
    }
    await ok(r, 'BEGIN');
    expect((await failure(r, 'INSERT INTO d.t VALUES (1)')).errno).toBe(1290);
    expect(await query(r, 'SELECT @@read_only, @@innodb_read_only')).toEqual([[1n, 1n]]);
    const w = openSession(p.writer);
    expect(await query(w, 'SELECT @@read_only, @@innodb_read_only')).toEqual([[0n, 0n]]);
    await ok(r, 'COMMIT');
    expect(await query(w, 'SELECT * FROM d.t')).toEqual([]);
  });

  it('follows DDL: new, altered and dropped tables, new databases (RE1, RE2)', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE d');
    });
    const w = openSession(p.writer);
    const r = openSession(p.reader);
    await ok(w, 'CREATE TABLE d.t (id INT PRIMARY KEY, a INT)');
    await ok(w, 'INSERT INTO d.t VALUES (1, 10), (2, 20)');
    await caughtUp(p);
    expect(await query(r, 'SELECT a FROM d.t ORDER BY id')).toEqual([[10n], [20n]]);
    await ok(w, "ALTER TABLE d.t ADD COLUMN b VARCHAR(5) NOT NULL DEFAULT 'x'");
    await caughtUp(p);
    expect(await query(r, 'SELECT id, b FROM d.t ORDER BY id')).toEqual([
      [1n, 'x'],
      [2n, 'x'],
    ]);
    await ok(w, 'CREATE INDEX by_a ON d.t (a)');
    await ok(w, 'CREATE DATABASE e');
    await ok(w, 'CREATE TABLE e.u (id INT PRIMARY KEY)');
    await caughtUp(p);
    expect(await query(r, 'SELECT id FROM d.t WHERE a = 20')).toEqual([[2n]]);
    expect(await query(r, 'SHOW TABLES FROM e')).toEqual([['u']]);
    await ok(w, 'DROP TABLE d.t');
    await caughtUp(p);
    expect((await failure(r, 'SELECT * FROM d.t')).errno).toBe(1146);
  });

  it('holds a statement that arrives while the catalog reloads until it is in (RO2)', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE d');
    });
    const w = openSession(p.writer);
    const r = openSession(p.reader);
    // A tap attached after the read engine's runs right after it has advanced: the statement
    // then starts while the reload it set off has not run a step yet.
    let arrived: Promise<unknown> | undefined;
    const detach = p.writer.tapRedo({
      shipped: () => undefined,
      durable: () => {
        arrived ??= query(r, 'SELECT id FROM d.t');
      },
    });
    await ok(w, 'CREATE TABLE d.t (id INT PRIMARY KEY)');
    detach();
    expect(await arrived).toEqual([]);
  });

  it('fails statements while it cannot reload the catalog, and recovers (RO2)', async () => {
    let up = true;
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE d');
    }, 64, () => up);
    const r = openSession(p.reader);
    up = false;
    // Its AUTO_INCREMENT counter is read from the new table's tree: a page the reader lacks.
    await ok(openSession(p.writer), 'CREATE TABLE d.t (id INT AUTO_INCREMENT PRIMARY KEY)');
    await p.reader.settled();
    const error = await failure(r, 'SELECT 1');
    expect([error.errno, error.message]).toEqual([1105, expect.stringContaining('catalog')]);
    up = true;
    for (let i = 0; i < 60; i++) {
      const rows = await query(r, 'SELECT COUNT(*) FROM d.t').catch(() => undefined);
      if (rows !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await query(r, 'SELECT COUNT(*) FROM d.t')).toEqual([[0n]]);
  });

  it('follows accounts: a user made on the writer logs in on the reader (RE1)', async () => {
    const p = await pair();
    expect(await p.reader.findAccount('ann', 'localhost')).toBeUndefined();
    await ok(openSession(p.writer), "CREATE USER 'ann'@'%' IDENTIFIED BY 'secret'");
    await caughtUp(p);
    expect((await p.reader.findAccount('ann', 'localhost'))?.user).toBe('ann');
  });

  it('keeps a repeatable-read snapshot while the writer commits (T6 on the replica)', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE d');
      await ok(w, 'CREATE TABLE d.t (id INT PRIMARY KEY, v INT)');
      await ok(w, 'INSERT INTO d.t VALUES (1, 1), (2, 2)');
    });
    const w = openSession(p.writer);
    const r = openSession(p.reader);
    expect(p.reader.readFloor()).toBeUndefined();
    await ok(r, 'START TRANSACTION');
    expect(await scalar(r, 'SELECT SUM(v) FROM d.t')).toBe('3');
    const held = p.reader.vdl;
    for (let i = 3; i < 200; i++) await ok(w, `INSERT INTO d.t VALUES (${i}, ${i})`);
    await ok(w, 'UPDATE d.t SET v = 100 WHERE id = 1');
    await caughtUp(p);
    expect(p.reader.readFloor()).toBe(held); // what storage must keep for it
    expect(await scalar(r, 'SELECT SUM(v) FROM d.t')).toBe('3');
    await ok(r, 'COMMIT');
    expect(p.reader.readFloor()).toBeUndefined();
    expect(await scalar(r, 'SELECT SUM(v) FROM d.t')).toBe(String(100 + 2 + (3 + 199) * 197 / 2));
  });

  it('answers 1412 to a transaction whose snapshot predates a schema change (RO3)', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE d');
      await ok(w, 'CREATE TABLE d.t (id INT PRIMARY KEY)');
    });
    const r = openSession(p.reader);
    await ok(r, 'START TRANSACTION');
    expect(await query(r, 'SELECT * FROM d.t')).toEqual([]);
    await ok(openSession(p.writer), 'ALTER TABLE d.t ADD COLUMN c INT');
    await caughtUp(p);
    const error = await failure(r, 'SELECT * FROM d.t');
    expect([error.errno, error.sqlState]).toEqual([1412, 'HY000']);
    await ok(r, 'ROLLBACK');
    expect(await query(r, 'SELECT * FROM d.t')).toEqual([]);
  });

  it('returns what the writer returns after random work, with a 16-page pool', async () => {
    const p = await pair(async (w) => {
      await ok(w, 'CREATE DATABASE s');
      await ok(
        w,
        'CREATE TABLE s.t (id INT PRIMARY KEY, k INT, c CHAR(120), pad VARCHAR(200), KEY (k))',
      );
    }, 16);
    const w = openSession(p.writer);
    const prng = new Prng(20261122);
    const ids = new Set<number>();
    const checks = [
      'SELECT COUNT(*), SUM(k) FROM s.t',
      'SELECT id, k, c, pad FROM s.t ORDER BY id',
      'SELECT id FROM s.t WHERE k BETWEEN 100 AND 400 ORDER BY k, id',
      'SELECT id, k FROM s.t ORDER BY id DESC LIMIT 7',
    ];
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 40; i++) {
        const id = prng.int(600);
        const k = prng.int(1000);
        const pad = 'p'.repeat(prng.int(200));
        if (!ids.has(id)) {
          await ok(w, `INSERT INTO s.t VALUES (${id}, ${k}, 'c${id}', '${pad}')`);
          ids.add(id);
        } else if (prng.int(3) === 0) {
          await ok(w, `DELETE FROM s.t WHERE id = ${id}`);
          ids.delete(id);
        } else {
          await ok(w, `UPDATE s.t SET k = ${k}, pad = '${pad}' WHERE id = ${id}`);
        }
      }
      await caughtUp(p);
      await sameAnswers(p.writer, p.reader, checks);
    }
    expect(p.reader.vdl).toBeGreaterThan(0);
  });
});
