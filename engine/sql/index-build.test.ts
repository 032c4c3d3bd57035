/**
 * Index builds in bounded memory (index-build.ts IB1–IB4, entry-sort.ts ES1): the external sort
 * against a plain sort; a build over paged trees with small limits, which commits in many
 * mini-transactions and whose index answers as a table scan does; a UNIQUE violation found late
 * frees every page of the partial tree; a build interrupted by a "crash" leaves, after the
 * restart, neither the index nor an orphan tree; ALTER TABLE … ADD INDEX builds the same way;
 * an ALTER TABLE copy sorts rows by their new key in steps and frees the old trees and chains;
 * DROP INDEX, TRUNCATE and DROP TABLE free theirs.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRedo } from '../../storage/index.js';
import type { Engine, Row, Session } from '../api.js';
import { MemoryStorage, MemoryStorageClient } from '../btree/testing.js';
import { type OpenTrees, openTrees } from '../btree/trees.js';
import { Catalog } from '../catalog/catalog.js';
import type { IndexSpec } from '../catalog/definitions.js';
import { pendingTrees } from '../catalog/pending-trees.js';
import { createEngine } from '../engine.js';
import { SqlError } from '../errors.js';
import { Prng } from '../testing/prng.js';
import { failure, ok, openSession, query } from '../testing/sessions.js';
import { EntrySorter } from './entry-sort.js';
import { type BuildLimits, createIndex, setBuildLimits } from './index-build.js';

const log = pino({ level: 'silent' });

/** Small limits: runs spill to a file and a step holds a few pages. */
const SMALL: BuildLimits = { runBytes: 16 * 1024, stepBytes: 4 * 1024 };

interface Volume {
  readonly storage: MemoryStorage;
  trees: OpenTrees;
  engine: Engine;
  s: Session;
}

/** Opens (or reopens, as after a crash) the engine over `storage`. */
async function start(storage: MemoryStorage, client = new MemoryStorageClient(storage)) {
  const trees = await openTrees({ storage: client, log, bufferPoolPages: 128 });
  const engine = await createEngine({ storage: client, log, trees });
  const s = openSession(engine);
  await s.execute('CREATE DATABASE IF NOT EXISTS d');
  await s.useDatabase('d');
  return { trees, engine, s };
}

/** t (id, k, c, u) with `rows` rows: k repeats, c is unique, u too but for ids dupU, dupU + 1. */
async function volumeWithRows(rows: number, dupU?: number): Promise<Volume> {
  const storage = new MemoryStorage();
  const v = { storage, ...(await start(storage)) };
  await ok(v.s, 'CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(30), u INT NULL)');
  const prng = new Prng(11);
  for (let from = 0; from < rows; from += 500) {
    const values: string[] = [];
    for (let id = from; id < Math.min(rows, from + 500); id++) {
      const k = Math.floor(prng.next() * (rows / 4));
      const dup = dupU !== undefined && (id === dupU || id === dupU + 1);
      const u = id % 10 === 0 ? 'NULL' : String(dup ? rows * 10 : id * 3 + 1);
      values.push(`(${id}, ${k}, 'c${(id * 7919) % 100_003}', ${u})`);
    }
    await ok(v.s, `INSERT INTO t VALUES ${values.join(',')}`);
  }
  return v;
}

/** CREATE INDEX with `limits`, straight through index-build (the engine's cache is then stale). */
async function build(trees: OpenTrees, spec: IndexSpec, limits: BuildLimits): Promise<void> {
  const catalog = await Catalog.load(trees);
  const table = catalog.table('d', 't');
  if (table === undefined) throw new Error('no table');
  const mtr = await trees.begin();
  try {
    await createIndex(trees, catalog, mtr, table, spec, limits);
  } catch (e) {
    trees.rollback(mtr);
    throw e;
  }
  await trees.commit(mtr);
}

function commits(storage: MemoryStorage): number {
  return storage.records.filter((r) => decodeRedo(r).cpl).length;
}

async function pagesInUse(trees: OpenTrees): Promise<number> {
  const h = await trees.header();
  return h.nextPageId - h.freePages;
}

async function indexNames(s: Session): Promise<unknown[]> {
  return (await query(s, 'SHOW INDEX FROM t')).map((r) => r[2]);
}

const column = (c: number, prefixChars: number | null = null) => ({ column: c, prefixChars });

describe('the external sort', () => {
  it('yields every entry once in key order, from memory or from spilled runs', async () => {
    const prng = new Prng(5);
    for (const runBytes of [1 << 20, 2048]) {
      const sorter = new EntrySorter(runBytes);
      const added: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const key = Buffer.from(Array.from({ length: 1 + Math.floor(prng.next() * 12) }, () =>
          Math.floor(prng.next() * 4)));
        const big = i % 700 === 0; // larger than a whole run now and then
        const value = Buffer.alloc(big ? 3000 : Math.floor(prng.next() * 8), i % 251);
        await sorter.add(key, value, i % 2);
        added.push(`${key.toString('hex')}/${value.length}.${value[0] ?? ''}/${i % 2}`);
      }
      const out: string[] = [];
      let last: Buffer | undefined;
      for await (const e of sorter.sorted()) {
        if (last !== undefined) expect(Buffer.compare(last, e.key)).toBeLessThanOrEqual(0);
        last = Buffer.from(e.key);
        out.push(`${e.key.toString('hex')}/${e.value.length}.${e.value[0] ?? ''}/${e.tag}`);
      }
      await sorter.close();
      expect(out.sort()).toEqual(added.sort());
      expect(sorter.spilledRuns > 1).toBe(runBytes === 2048);
    }
  });
});

describe('CREATE INDEX in bounded steps', () => {
  it('commits in many mini-transactions and answers as a table scan does', async () => {
    const v = await volumeWithRows(4000);
    const before = commits(v.storage);
    await build(v.trees, { name: 'k_1', unique: false, parts: [column(1)] }, SMALL);
    // 4000 entries of about 12 bytes in steps of 4 KiB: a dozen steps and more.
    expect(commits(v.storage) - before).toBeGreaterThan(10);
    await v.engine.close();
    const { trees, s } = await start(v.storage);
    const table = (await Catalog.load(trees)).table('d', 't');
    const root = table?.indexes.find((i) => i.name === 'k_1')?.root;
    if (root === undefined) throw new Error('k_1 was not recorded');
    expect((await trees.check(root)).entries).toBe(4000);
    const plan = (await query(s, 'EXPLAIN SELECT id FROM t WHERE k = 7')).flat().map(String);
    expect(plan).toContain('k_1');
    const all = await query(s, 'SELECT id, k FROM t ORDER BY id');
    for (const [lo, hi] of [[7, 7], [0, 30], [500, 650], [990, 2000]] as const) {
      const where = `k BETWEEN ${lo} AND ${hi}`;
      const viaIndex = await query(s, `SELECT id FROM t WHERE ${where} ORDER BY id`);
      const scanned = all.filter((r) => Number(r[1]) >= lo && Number(r[1]) <= hi);
      expect(viaIndex).toEqual(scanned.map((r) => [r[0]]));
      expect(viaIndex.length).toBeGreaterThan(0);
    }
    expect(await pendingTrees(trees)).toEqual([]);
  });

  it('answers 1062 for a duplicate found late and frees the partial tree', async () => {
    // u's largest value appears twice: the duplicate is met after most of the tree is written.
    const v = await volumeWithRows(4000, 3001);
    const inUse = await pagesInUse(v.trees);
    const before = commits(v.storage);
    const spec = { name: 'uk', unique: true, parts: [column(3)] };
    const error = await build(v.trees, spec, SMALL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).errno).toBe(1062);
    expect((error as SqlError).message).toBe("Duplicate entry '40000' for key 't.uk'");
    expect(commits(v.storage) - before).toBeGreaterThan(5); // steps had been committed
    expect(await pagesInUse(v.trees)).toBe(inUse);
    expect(await pendingTrees(v.trees)).toEqual([]);
    await v.engine.close();
    const { trees, s } = await start(v.storage);
    expect(await indexNames(s)).toEqual(['PRIMARY']);
    expect(await pagesInUse(trees)).toBe(inUse);
    // NULLs never collide, and without the duplicate the same index builds.
    await ok(s, 'UPDATE t SET u = NULL WHERE id = 3001');
    await ok(s, 'CREATE UNIQUE INDEX uk ON t (u)');
    expect(await query(s, 'SELECT COUNT(*) FROM t WHERE u IS NULL')).toEqual([[401n]]);
  });

  it('leaves neither the index nor an orphan tree after a crash in the middle', async () => {
    const v = await volumeWithRows(4000);
    const inUse = await pagesInUse(v.trees);
    await v.engine.close();
    const client = new MemoryStorageClient(v.storage);
    const trees = await openTrees({ storage: client, log, bufferPoolPages: 128 });
    // Four steps become durable, then storage stops answering and the process "dies".
    let shipped = 0;
    const ship = client.ship.bind(client);
    client.ship = (records) => {
      if (++shipped === 5) client.hold = true;
      ship(records);
    };
    const spec = { name: 'k_1', unique: false, parts: [column(1)] };
    const error = await build(trees, spec, SMALL).catch((e: unknown) => e);
    expect((error as SqlError).errno).toBe(1180); // ER_ERROR_DURING_COMMIT: outcome unknown
    const after = await openTrees({
      storage: new MemoryStorageClient(v.storage), log, bufferPoolPages: 128,
    });
    const left = await pendingTrees(after);
    expect(left.map((p) => p.what)).toEqual(['index k_1 of d.t']);
    expect(await pagesInUse(after)).toBeGreaterThan(inUse); // the partial tree is on storage
    const catalog = await Catalog.load(after); // drops it
    expect(catalog.droppedPendingTrees.length).toBe(1);
    expect(catalog.table('d', 't')?.indexes).toEqual([]);
    expect(await pendingTrees(after)).toEqual([]);
    expect(await pagesInUse(after)).toBe(inUse);
    const storage = new MemoryStorageClient(v.storage);
    const engine = await createEngine({ storage, log, trees: after });
    const s = openSession(engine);
    await s.useDatabase('d');
    expect(await indexNames(s)).toEqual(['PRIMARY']);
    await ok(s, 'CREATE INDEX k_1 ON t (k)');
    expect(await query(s, 'SELECT COUNT(*) FROM t WHERE k < 10')).toEqual(
      await query(s, 'SELECT COUNT(*) FROM t WHERE k + 0 < 10'),
    );
  });
});

describe('ALTER TABLE … ADD INDEX', () => {
  it('builds several indexes from one scan, and a failure leaves none of them', async () => {
    const v = await volumeWithRows(1500, 701);
    const inUse = await pagesInUse(v.trees);
    const e = await failure(v.s, 'ALTER TABLE t ADD INDEX kc (k, c), ADD UNIQUE KEY uk (u)');
    expect(e.errno).toBe(1062);
    expect(await indexNames(v.s)).toEqual(['PRIMARY']);
    expect(await pagesInUse(v.trees)).toBe(inUse);
    expect(await pendingTrees(v.trees)).toEqual([]);
    await ok(v.s, 'ALTER TABLE t ADD INDEX kc (k, c), ADD INDEX cp (c(3))');
    expect(await indexNames(v.s)).toEqual(['PRIMARY', 'kc', 'kc', 'cp']);
    const rows = (sql: string): Promise<Row[]> => query(v.s, sql);
    expect(await rows("SELECT id FROM t WHERE k = 5 AND c > 'c5' ORDER BY id")).toEqual(
      await rows("SELECT id FROM t WHERE k + 0 = 5 AND CONCAT(c) > 'c5' ORDER BY id"),
    );
    expect(await rows("SELECT id FROM t WHERE c = 'c7919' ORDER BY id")).toEqual([[1n]]);
  });
});

describe('ALTER TABLE copies, and the trees DDL frees', () => {
  afterEach(() => setBuildLimits(undefined));

  it('copies a table in steps, sorted by its new key, and frees the old trees', async () => {
    const v = await volumeWithRows(3000);
    await ok(v.s, 'CREATE INDEX k_1 ON t (k)');
    const byC = await query(v.s, 'SELECT id, k, c, u FROM t ORDER BY c');
    // Pages in use besides the table's trees and the catalog's.
    const others = async (): Promise<number> => {
      const table = (await Catalog.load(v.trees)).table('d', 't');
      if (table === undefined) throw new Error('no table');
      let pages = await pagesInUse(v.trees);
      for (const root of [table.root, ...table.indexes.map((i) => i.root), v.trees.catalogRoot]) {
        const shape = await v.trees.check(root);
        pages -= shape.leaves + shape.internalPages;
      }
      return pages;
    };
    const outside = await others();
    setBuildLimits(SMALL);
    const before = commits(v.storage);
    await ok(v.s, 'ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (c), MODIFY k BIGINT NOT NULL');
    expect(commits(v.storage) - before).toBeGreaterThan(10);
    expect(await query(v.s, 'SELECT id, k, c, u FROM t')).toEqual(byC); // primary key order
    expect(await query(v.s, 'SELECT COUNT(*) FROM t WHERE k < 100')).toEqual(
      await query(v.s, 'SELECT COUNT(*) FROM t WHERE k + 0 < 100'),
    );
    expect(await pendingTrees(v.trees)).toEqual([]);
    expect(await others()).toBe(outside); // the old trees were freed
    const used = await pagesInUse(v.trees);
    const table = (await Catalog.load(v.trees)).table('d', 't');
    expect((await v.trees.check(table?.root ?? (0 as never))).entries).toBe(3000);
    // Two rows with one new key: 1062 for PRIMARY, and the table as it was.
    const e = await failure(v.s, 'ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (k)');
    expect(e.errno).toBe(1062);
    expect(e.message).toMatch(/^Duplicate entry '\d+' for key 't.PRIMARY'$/);
    expect(await pagesInUse(v.trees)).toBe(used);
    expect(await query(v.s, 'SELECT id, k, c, u FROM t')).toEqual(byC);
  });

  it('moves long values to new chains and frees the old ones, also when it fails', async () => {
    const storage = new MemoryStorage();
    const { trees, s } = await start(storage);
    const none = await pagesInUse(trees);
    await ok(s, 'CREATE TABLE w (id INT PRIMARY KEY, n INT, body LONGTEXT)');
    const empty = await pagesInUse(trees);
    for (let id = 0; id < 40; id++) {
      await ok(s, `INSERT INTO w VALUES (${id}, ${id % 3}, REPEAT('${id % 10}', ${20_000 + id}))`);
    }
    const inUse = await pagesInUse(trees);
    expect(inUse - empty).toBeGreaterThan(40); // the chains
    setBuildLimits(SMALL);
    await ok(s, 'ALTER TABLE w ADD COLUMN z INT DEFAULT 7 FIRST');
    expect(await pagesInUse(trees)).toBe(inUse);
    expect(await query(s, 'SELECT id, z, LENGTH(body), SUBSTR(body, 1, 3) FROM w WHERE id = 13'))
      .toEqual([[13n, 7n, 20_013n, '333']]);
    expect((await failure(s, 'ALTER TABLE w ADD UNIQUE KEY (n), MODIFY z BIGINT')).errno)
      .toBe(1062);
    expect(await pagesInUse(trees)).toBe(inUse);
    await ok(s, 'TRUNCATE TABLE w');
    expect(await pagesInUse(trees)).toBe(empty);
    expect(await pendingTrees(trees)).toEqual([]);
    // DROP TABLE frees the trees and the chains too.
    await ok(s, "INSERT INTO w (id, n, body) VALUES (1, 1, REPEAT('x', 40000))");
    await ok(s, 'DROP TABLE w');
    expect(await pagesInUse(trees)).toBe(none);
  });

  it('DROP INDEX frees the index\'s pages', async () => {
    const v = await volumeWithRows(3000);
    const inUse = await pagesInUse(v.trees);
    await ok(v.s, 'CREATE INDEX kc ON t (k, c)');
    expect(await pagesInUse(v.trees)).toBeGreaterThan(inUse);
    await ok(v.s, 'DROP INDEX kc ON t');
    expect(await pagesInUse(v.trees)).toBe(inUse);
    expect(await indexNames(v.s)).toEqual(['PRIMARY']);
    expect(await query(v.s, 'SELECT COUNT(*) FROM t WHERE k = 3')).toEqual(
      await query(v.s, 'SELECT COUNT(*) FROM t WHERE k + 0 = 3'),
    );
  });
});
