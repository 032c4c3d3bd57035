/**
 * Early lock release (txn/manager.ts, M2 and M4): a commit releases its row locks as soon as its
 * redo is shipped, before it is durable, so the next writer of a hot row goes ahead; but no
 * transaction that read such a commit is acknowledged before that commit is durable. Runs over
 * the real page layer, with storage that holds every shipped record until told to release them.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Lsn } from '../../storage/index.js';
import type { Engine, Result, Row, Session } from '../api.js';
import { MemoryStorage, MemoryStorageClient } from '../btree/testing.js';
import { createEngine } from '../engine.js';

const log = pino({ level: 'silent' });

/** Holds durability as long as a test needs: no timeout while records are held. */
class HeldStorage extends MemoryStorageClient {
  override waitDurable(target: Lsn): Promise<void> {
    const hold = this.hold;
    this.hold = false;
    try {
      return super.waitDurable(target);
    } finally {
      this.hold = hold;
    }
  }
}

async function rows(result: Result): Promise<Row[]> {
  if (result.kind !== 'rows') throw new Error(`expected rows, got ${result.kind}`);
  const out: Row[] = [];
  for await (const batch of result.rows) out.push(...batch);
  return out;
}

/** Lets every pending continuation run (no timers). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Whether the promise has settled by now (after letting pending work run). */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}

let connections = 0;
async function session(engine: Engine): Promise<Session> {
  const s = engine.openSession({ connectionId: ++connections, user: 'root', host: 'localhost' });
  await s.useDatabase('t');
  return s;
}

async function start(): Promise<{ engine: Engine; storage: HeldStorage; s1: Session }> {
  const storage = new HeldStorage(new MemoryStorage());
  const engine = await createEngine({ storage, log, bufferPoolPages: 64 });
  const s1 = engine.openSession({ connectionId: ++connections, user: 'root', host: 'localhost' });
  await s1.execute('CREATE DATABASE t');
  await s1.useDatabase('t');
  await s1.execute('CREATE TABLE counter (id INT PRIMARY KEY, n INT)');
  await s1.execute('INSERT INTO counter VALUES (1, 0)');
  return { engine, storage, s1 };
}

describe('early lock release', () => {
  it('lets the next writer of a row go ahead, acknowledging it only after both are durable',
    async () => {
      const { engine, storage, s1 } = await start();
      const s2 = await session(engine);
      storage.hold = true;
      const first = s1.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
      expect(await isSettled(first)).toBe(false); // not durable: no OK yet
      await s2.execute('BEGIN');
      // The lock is free already: this current read sees the shipped commit, without waiting.
      await s2.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
      const second = s2.execute('COMMIT');
      expect(await isSettled(second)).toBe(false);
      expect(await isSettled(first)).toBe(false);
      storage.hold = false;
      storage.release();
      await first;
      await second;
      const s3 = await session(engine);
      expect(await rows(await s3.execute('SELECT n FROM counter WHERE id = 1'))).toEqual([[2n]]);
    });

  it('makes a locking reader wait for the durability of what it read before its commit',
    async () => {
      const { engine, storage, s1 } = await start();
      const reader = await session(engine);
      storage.hold = true;
      const write = s1.execute('UPDATE counter SET n = 7 WHERE id = 1');
      await settle();
      await reader.execute('BEGIN');
      const seen = await rows(
        await reader.execute('SELECT n FROM counter WHERE id = 1 FOR UPDATE'),
      );
      expect(seen).toEqual([[7n]]); // the latest state, as a current read
      // A plain read of the snapshot (at VDL) does not see the commit that is not durable.
      const other = await session(engine);
      expect(await rows(await other.execute('SELECT n FROM counter WHERE id = 1'))).toEqual([[0n]]);
      const commit = reader.execute('COMMIT');
      expect(await isSettled(commit)).toBe(false); // M4: it read a commit that is not durable
      storage.hold = false;
      storage.release();
      await commit;
      await write;
    });

  it('makes a duplicate-key check that met an undurable insert wait at its commit', async () => {
    const { engine, storage, s1 } = await start();
    const s2 = await session(engine);
    storage.hold = true;
    const insert = s1.execute('INSERT INTO counter VALUES (2, 0)');
    await settle();
    await s2.execute('BEGIN');
    await expect(s2.execute('INSERT INTO counter VALUES (2, 5)')).rejects.toMatchObject({
      code: 'ER_DUP_ENTRY',
    });
    const commit = s2.execute('COMMIT');
    expect(await isSettled(commit)).toBe(false);
    storage.hold = false;
    storage.release();
    await commit;
    await insert;
  });

  it('acknowledges a transaction that made only consistent reads at once', async () => {
    const { engine, storage, s1 } = await start();
    const reader = await session(engine);
    storage.hold = true;
    const write = s1.execute('UPDATE counter SET n = 3 WHERE id = 1');
    await settle();
    await reader.execute('BEGIN');
    expect(await rows(await reader.execute('SELECT n FROM counter'))).toEqual([[0n]]);
    expect(await isSettled(reader.execute('COMMIT'))).toBe(true);
    storage.hold = false;
    storage.release();
    await write;
  });
});
