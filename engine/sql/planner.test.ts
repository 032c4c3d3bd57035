/**
 * The planner chooses primary-key access paths (so a regression to full scans fails here), and
 * every access path returns exactly the rows a full scan with the same WHERE returns
 * (a seeded differential test over a composite key).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Row, Session } from '../api.js';
import { Catalog } from '../catalog/catalog.js';
import { createEngine } from '../engine.js';
import type { StorageClient } from '../../storage/index.js';
import { MemoryTrees } from '../testing/memory-trees.js';
import { Prng } from '../testing/prng.js';
import { parse } from './parse.js';
import { printPlan } from './plan.js';
import { planStatement } from './planner.js';

const log = pino({ level: 'silent' });

async function setup(): Promise<{ session: Session; plan: (sql: string) => Promise<string> }> {
  const trees = new MemoryTrees();
  const engine = await createEngine({ storage: {} as StorageClient, log, trees });
  const session = engine.openSession({ connectionId: 1, user: 'root', host: 'localhost' });
  for (const sql of [
    'CREATE DATABASE d',
    'USE d',
    'CREATE TABLE t (id BIGINT PRIMARY KEY, qty INT, name VARCHAR(20))',
    'CREATE TABLE c (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))',
    'CREATE TABLE s (name VARCHAR(20) PRIMARY KEY, n INT)',
    'CREATE TABLE h (x INT)',
  ]) {
    await session.execute(sql);
  }
  const plan = async (sql: string): Promise<string> => {
    const catalog = await Catalog.load(trees);
    return printPlan(planStatement(parse(sql), { catalog, database: 'd' }));
  };
  return { session, plan };
}

describe('planner: access paths', () => {
  const cases: [string, string][] = [
    ['SELECT * FROM t WHERE id = 5', 'select d.t pk-lookup (id) in (5)'],
    ['SELECT * FROM t WHERE 5 = id', 'select d.t pk-lookup (id) in (5)'],
    ['SELECT * FROM t WHERE id IN (1, 2, 3)', 'select d.t pk-lookup (id) in (1), (2), (3)'],
    [
      'SELECT * FROM t WHERE id = 5 AND qty > 1',
      'select d.t pk-lookup (id) in (5) filter (qty > 1)',
    ],
    ['SELECT * FROM t WHERE id > 5', 'select d.t pk-range id > 5'],
    [
      'SELECT * FROM t WHERE id BETWEEN 1 AND 10 AND id < 7',
      'select d.t pk-range id >= 1 and id <= 10 and id < 7',
    ],
    // Compared as a double: the key takes the text's double (key-bounds.ts KB1, KB2).
    [
      "SELECT * FROM t WHERE id = '5'",
      "select d.t pk-lookup (id) in (cast_as_double('5')) filter (id = '5')",
    ],
    ['SELECT * FROM t WHERE qty = 5', 'select d.t full-scan filter (qty = 5)'],
    [
      'SELECT * FROM t WHERE id = 5 OR id = 6',
      'select d.t full-scan filter ((id = 5) or (id = 6))',
    ],
    ['SELECT * FROM t WHERE id + 0 = 5', 'select d.t full-scan filter ((id + 0) = 5)'],
    ['SELECT * FROM t ORDER BY id DESC LIMIT 3', 'select d.t full-scan reverse limit 3 offset 0'],
    ['SELECT * FROM t WHERE id < 10 ORDER BY id DESC', 'select d.t pk-range id < 10 reverse'],
    ['SELECT * FROM t ORDER BY qty', 'select d.t full-scan sort qty'],
    ["SELECT * FROM c WHERE a = 1 AND b > 'k'", "select d.c pk-range (a) in (1) b > 'k'"],
    [
      "SELECT * FROM c WHERE a IN (1, 2) AND b = 'x'",
      "select d.c pk-lookup (a, b) in (1, 'x'), (2, 'x')",
    ],
    ['SELECT * FROM c WHERE a = 1', 'select d.c pk-range (a) in (1)'],
    ["SELECT * FROM c WHERE b = 'x'", "select d.c full-scan filter (b = 'x')"],
    ["SELECT * FROM s WHERE name = 'Bob'", "select d.s pk-lookup (name) in ('Bob')"],
    ['SELECT * FROM s WHERE name = 5', 'select d.s full-scan filter (name = 5)'],
    ['SELECT * FROM h WHERE x = 1', 'select d.h full-scan filter (x = 1)'],
    ['UPDATE t SET qty = 1 WHERE id = 2', 'update d.t pk-lookup (id) in (2)'],
    ['DELETE FROM t WHERE id >= 2 ORDER BY id LIMIT 1', 'delete d.t pk-range id >= 2 limit 1'],
  ];
  for (const [sql, expected] of cases) {
    it(sql, async () => {
      const { plan } = await setup();
      expect(await plan(sql)).toBe(expected);
    });
  }
});

describe('planner: access paths return what a full scan returns', () => {
  async function rows(session: Session, sql: string): Promise<Row[]> {
    const result = await session.execute(sql);
    if (result.kind !== 'rows') throw new Error('rows');
    const out: Row[] = [];
    for await (const batch of result.rows) out.push(...batch);
    return out;
  }

  it('over random predicates on a composite key', async () => {
    const prng = Prng.fromEnv(99);
    const { session } = await setup();
    const letters = ['a', 'B', 'c', 'é', 'E', 'k', 'z'];
    const values: string[] = [];
    for (let a = -3; a <= 3; a++)
      for (const b of ['a', 'c', 'é', 'k', 'z']) values.push(`(${a}, '${b}', ${prng.int(100)})`);
    await session.execute(`INSERT INTO c VALUES ${values.join(', ')}`);
    const number = (): string =>
      prng.pick(['-4', '-3', '0', '2', '3', '4', '1.5', '-2.5', "'2'", 'NULL', '99999999999']);
    const letter = (): string => `'${prng.pick(letters)}'`;
    const atoms = [
      () => `a = ${number()}`,
      () => `a > ${number()}`,
      () => `a <= ${number()}`,
      () => `a BETWEEN ${number()} AND ${number()}`,
      () => `a IN (${number()}, ${number()})`,
      () => `b = ${letter()}`,
      () => `b >= ${letter()}`,
      () => `b < ${letter()}`,
      () => `b IN (${letter()}, ${letter()})`,
      () => `v > ${prng.int(100)}`,
    ];
    for (let i = 0; i < 150; i++) {
      const where = Array.from({ length: 1 + prng.int(3) }, () => prng.pick(atoms)()).join(' AND ');
      const order = prng.pick(['', ' ORDER BY a DESC, b DESC', ' ORDER BY a, b']);
      const fast = await rows(session, `SELECT a, b, v FROM c WHERE ${where}${order}`);
      const slow = await rows(session, `SELECT a, b, v FROM c WHERE (${where}) OR 0${order}`);
      expect([where, order, fast]).toEqual([where, order, slow]);
    }
  });
});
