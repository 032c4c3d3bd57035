/**
 * The query engine through Sessions: joins, grouping, subqueries, derived tables, set operations,
 * CTEs and window functions answer as MySQL 8 does (the differential corpus in conformance/
 * checks the same against MariaDB; these cover what MariaDB cannot: LATERAL, MySQL 8's types
 * and errors), plus streaming and early termination.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Row, Session } from '../api.js';
import { memoryEngine, openSession, query } from '../testing/sessions.js';
import { SqlError } from '../errors.js';

let s: Session;

const SETUP = [
  'CREATE DATABASE q',
  'USE q',
  'CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL, name VARCHAR(20))',
  'CREATE TABLE posts (id INT PRIMARY KEY, user_id INT, title VARCHAR(20), views INT)',
  'CREATE TABLE tags (post_id INT, tag VARCHAR(10))',
  "INSERT INTO users VALUES (1, 'ann@x', 'Ann'), (2, 'bob@x', 'Bob'), (3, 'cy@x', NULL)",
  "INSERT INTO posts VALUES (10, 1, 'P1', 5), (11, 1, 'P2', 7), (12, 2, 'P3', NULL), (13, " +
    "NULL, 'P4', 1)",
  "INSERT INTO tags VALUES (10, 'a'), (10, 'b'), (12, 'a'), (99, 'z')",
];

beforeAll(async () => {
  s = openSession(await memoryEngine());
  for (const sql of SETUP) await s.execute(sql);
});

function plain(rows: Row[]): unknown[] {
  return rows.map((r) =>
    r.map((v) => (typeof v === 'bigint' ? Number(v) : Buffer.isBuffer(v) ? v.toString() : v)),
  );
}

async function rows(sql: string): Promise<unknown[]> {
  return plain(await query(s, sql));
}

async function errno(sql: string): Promise<number> {
  try {
    await query(s, sql);
  } catch (e) {
    if (e instanceof SqlError) return e.errno;
    throw e;
  }
  throw new Error(`expected an error from ${sql}`);
}

describe('joins', () => {
  it('joins inner, left, right and cross, with USING and NATURAL', async () => {
    expect(
      await rows(
        'SELECT u.name, p.title FROM users u JOIN posts p ON p.user_id = u.id ORDER BY p.id',
      ),
    ).toEqual([
      ['Ann', 'P1'],
      ['Ann', 'P2'],
      ['Bob', 'P3'],
    ]);
    expect(
      await rows(
        'SELECT u.id, p.id FROM users u LEFT JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id',
      ),
    ).toEqual([
      [1, 10],
      [1, 11],
      [2, 12],
      [3, null],
    ]);
    expect(
      await rows(
        'SELECT u.id, p.id FROM users u RIGHT JOIN posts p ON p.user_id = u.id ORDER BY p.id',
      ),
    ).toEqual([
      [1, 10],
      [1, 11],
      [2, 12],
      [null, 13],
    ]);
    expect(await rows('SELECT COUNT(*) FROM users, posts')).toEqual([[12]]);
    expect(await rows('SELECT COUNT(*) FROM users CROSS JOIN posts WHERE users.id = 1')).toEqual([
      [4],
    ]);
    expect(await rows('SELECT * FROM users JOIN posts USING (id)')).toEqual([]);
    expect(await rows('SELECT id, title FROM posts NATURAL JOIN (SELECT 11 AS id) x')).toEqual([
      [11, 'P2'],
    ]);
  });

  it('reports ambiguous columns and repeated aliases', async () => {
    expect(await errno('SELECT id FROM users, posts')).toBe(1052);
    expect(await errno('SELECT * FROM users u JOIN posts u ON 1')).toBe(1066);
    expect(await errno('SELECT * FROM users, users')).toBe(1066);
    expect(await errno('SELECT u.nope FROM users u')).toBe(1054);
  });

  it('runs LATERAL derived tables per outer row (drizzle relational queries)', async () => {
    expect(
      await rows(
        'SELECT u.id, x.n FROM users u LEFT JOIN LATERAL (SELECT COUNT(*) AS n FROM posts p ' +
          'WHERE p.user_id = u.id) x ON true ORDER BY u.id',
      ),
    ).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
    expect(
      await rows(
        'SELECT p.id, a.data FROM posts p LEFT JOIN LATERAL (SELECT a.name AS data FROM ' +
          '(SELECT * FROM users a WHERE a.id = p.user_id LIMIT 1) a) a ON true ORDER BY p.id',
      ),
    ).toEqual([
      [10, 'Ann'],
      [11, 'Ann'],
      [12, 'Bob'],
      [13, null],
    ]);
    expect(
      await rows(
        'SELECT u.id, x.titles FROM users u LEFT JOIN LATERAL (SELECT JSON_ARRAYAGG(p.title) ' +
          'AS titles ' +
          'FROM posts p WHERE p.user_id = u.id) x ON true ORDER BY u.id',
      ),
    ).toEqual([
      [1, '["P1", "P2"]'],
      [2, '["P3"]'],
      [3, null],
    ]);
  });
});

describe('grouping', () => {
  it('groups, filters groups and rolls up', async () => {
    expect(
      await rows(
        'SELECT user_id, COUNT(*), SUM(views) FROM posts GROUP BY user_id ORDER BY user_id',
      ),
    ).toEqual([
      [null, 1, '1'],
      [1, 2, '12'],
      [2, 1, null],
    ]);
    expect(await rows('SELECT user_id FROM posts GROUP BY user_id HAVING COUNT(*) > 1')).toEqual([
      [1],
    ]);
    expect(
      await rows(
        'SELECT user_id, COUNT(*) FROM posts WHERE user_id IS NOT NULL GROUP BY user_id WITH ' +
          'ROLLUP',
      ),
    ).toEqual([
      [1, 2],
      [2, 1],
      [null, 3],
    ]);
    expect(
      await rows("SELECT GROUP_CONCAT(tag ORDER BY tag DESC SEPARATOR '-') FROM tags"),
    ).toEqual([['z-b-a-a']]);
    expect(
      await rows('SELECT AVG(views), BIT_OR(views), COUNT(DISTINCT user_id) FROM posts'),
    ).toEqual([['4.3333', 7, 2]]);
  });

  it('applies ONLY_FULL_GROUP_BY with functional dependence', async () => {
    expect(
      await rows(
        'SELECT u.id, u.name, COUNT(p.id) FROM users u LEFT JOIN posts p ON p.user_id = u.id ' +
          'GROUP BY u.id ORDER BY u.id',
      ),
    ).toEqual([
      [1, 'Ann', 2],
      [2, 'Bob', 1],
      [3, null, 0],
    ]);
    expect(await errno('SELECT user_id, title FROM posts GROUP BY user_id')).toBe(1055);
    expect(await errno('SELECT title, COUNT(*) FROM posts')).toBe(1140);
  });

  it('cuts GROUP_CONCAT at group_concat_max_len with warning 1260', async () => {
    await s.execute('SET SESSION group_concat_max_len = 5');
    expect(await rows('SELECT GROUP_CONCAT(title) FROM posts')).toEqual([['P1,P2']]);
    expect(await rows('SHOW WARNINGS')).toEqual([
      ['Warning', 1260, 'Row 1 was cut by GROUP_CONCAT()'],
    ]);
    await s.execute('SET SESSION group_concat_max_len = DEFAULT');
  });
});

describe('subqueries', () => {
  it('evaluates IN / NOT IN with NULLs, EXISTS, ANY / ALL and scalars', async () => {
    expect(
      await rows(
        'SELECT id, id IN (SELECT user_id FROM posts), id NOT IN (SELECT user_id FROM posts) ' +
          'FROM users ORDER BY id',
      ),
    ).toEqual([
      [1, 1, 0],
      [2, 1, 0],
      [3, null, null],
    ]);
    expect(
      await rows(
        'SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id)',
      ),
    ).toEqual([[3]]);
    expect(
      await rows(
        'SELECT 6 > ALL (SELECT views FROM posts WHERE views IS NOT NULL), 6 < ANY (SELECT ' +
          'views FROM posts)',
      ),
    ).toEqual([[0, 1]]);
    expect(
      await rows('SELECT (SELECT MAX(views) FROM posts), (SELECT title FROM posts WHERE id = 99)'),
    ).toEqual([[7, null]]);
    expect(await errno('SELECT (SELECT id FROM posts)')).toBe(1242);
    expect(
      await errno('SELECT id FROM users WHERE id IN (SELECT user_id FROM posts LIMIT 1)'),
    ).toBe(1235);
  });

  it('runs correlated subqueries in select list, WHERE, HAVING and ORDER BY', async () => {
    expect(
      await rows(
        'SELECT name, (SELECT COUNT(*) FROM posts p WHERE p.user_id = u.id) c FROM users u ' +
          'ORDER BY c DESC, id',
      ),
    ).toEqual([
      ['Ann', 2],
      ['Bob', 1],
      [null, 0],
    ]);
    expect(
      await rows(
        'SELECT user_id FROM posts p GROUP BY user_id HAVING MAX(views) = (SELECT MAX(views) ' +
          'FROM posts)',
      ),
    ).toEqual([[1]]);
  });
});

describe('derived tables, set operations and CTEs', () => {
  it('paginates over derived tables like TypeORM and Prisma', async () => {
    expect(
      await rows(
        'SELECT DISTINCT `d`.`p_id` AS `ids_p_id`, `d`.`p_id` FROM (SELECT p.id AS p_id, t.tag ' +
          'FROM posts p ' +
          'LEFT JOIN tags t ON t.post_id = p.id) `d` ORDER BY `d`.`p_id` DESC, `p_id` ASC ' +
          'LIMIT 2 OFFSET 1',
      ),
    ).toEqual([
      [12, 12],
      [11, 11],
    ]);
    expect(
      await rows('SELECT COUNT(*) FROM (SELECT id FROM posts WHERE views > 0 LIMIT 10) AS sub'),
    ).toEqual([[3]]);
  });

  it('unions with merged types and orders the whole', async () => {
    expect(
      await rows("SELECT id FROM users UNION SELECT 2.5 UNION ALL SELECT '9' ORDER BY 1"),
    ).toEqual([['1'], ['2'], ['2.5'], ['3'], ['9']]);
    expect(await rows('SELECT user_id FROM posts INTERSECT SELECT id FROM users')).toEqual([
      [1],
      [2],
    ]);
    expect(await rows('SELECT id FROM users EXCEPT SELECT user_id FROM posts')).toEqual([[3]]);
    expect(await errno('SELECT 1, 2 UNION SELECT 3')).toBe(1222);
  });

  it('recurses, and stops at cte_max_recursion_depth', async () => {
    expect(
      await rows(
        'WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM r WHERE n < 100) SELECT ' +
          'MAX(n), COUNT(*) FROM r',
      ),
    ).toEqual([[128, 8]]);
    expect(
      await errno(
        'WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r',
      ),
    ).toBe(3636);
    await s.execute('SET SESSION cte_max_recursion_depth = 5');
    expect(
      await errno(
        'WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT ' +
          '* FROM r',
      ),
    ).toBe(3636);
    await s.execute('SET SESSION cte_max_recursion_depth = DEFAULT');
  });
});

describe('window functions', () => {
  it('ranks, looks around and aggregates over frames', async () => {
    expect(
      await rows(
        'SELECT id, ROW_NUMBER() OVER w, RANK() OVER (ORDER BY user_id), LAG(id, 1, 0) OVER w ' +
          'FROM posts WINDOW w AS (ORDER BY id) ORDER BY id',
      ),
    ).toEqual([
      [10, 1, 2, 0],
      [11, 2, 2, 10],
      [12, 3, 4, 11],
      [13, 4, 1, 12],
    ]);
    expect(
      await rows(
        'SELECT id, SUM(views) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ' +
          'FROM posts ORDER BY id',
      ),
    ).toEqual([
      [10, '5'],
      [11, '12'],
      [12, '7'],
      [13, '1'],
    ]);
    expect(await errno('SELECT id FROM posts WHERE ROW_NUMBER() OVER () > 1')).toBe(3593);
  });
});

describe('EXPLAIN FORMAT=TREE', () => {
  const tree = async (sql: string): Promise<string> =>
    String((await query(s, `EXPLAIN FORMAT=TREE ${sql}`))[0]?.[0]);

  it('shows the join plan the executor runs, columns named by alias', async () => {
    expect(
      await tree(
        'SELECT u.name, p.title FROM posts p JOIN users u ON u.id = p.user_id ' +
          'WHERE p.views > 1 ORDER BY p.id LIMIT 2',
      ),
    ).toBe(
      [
        '-> Limit: 2 row(s)',
        '    -> Nested loop inner join',
        '        -> Filter: (p.views > 1)',
        '            -> Table scan on p',
        '        -> Single-row index lookup on u using PRIMARY (id=p.user_id)',
      ].join('\n'),
    );
    expect(
      await tree('SELECT p.title, t.tag FROM posts p LEFT JOIN tags t ON t.post_id = p.id'),
    ).toBe(
      [
        '-> Left hash join (p.id = t.post_id)',
        '    -> Table scan on p',
        '    -> Hash',
        '        -> Table scan on t',
      ].join('\n'),
    );
  });

  it('removes DISTINCT duplicates in the sort, and numbers subqueries', async () => {
    expect(await tree('SELECT DISTINCT name FROM users ORDER BY name DESC')).toBe(
      ['-> Sort with duplicate removal: users.name DESC', '    -> Table scan on users'].join('\n'),
    );
    expect(await rows('SELECT DISTINCT user_id FROM posts ORDER BY user_id DESC')).toEqual([
      [2],
      [1],
      [null],
    ]);
    expect(
      await tree('SELECT name FROM users WHERE id IN (SELECT user_id FROM posts WHERE views > 5)'),
    ).toBe(
      [
        '-> Filter: (users.id in (select #2))',
        '    -> Table scan on users',
        '-> Select #2 (subquery)',
        '    -> Filter: (posts.views > 5)',
        '        -> Table scan on posts',
      ].join('\n'),
    );
  });
});

describe('streaming', () => {
  it('stops reading at LIMIT', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => `(${i + 1000}, 1, 'x', ${i})`).join(',');
    await s.execute(`INSERT INTO posts VALUES ${big}`);
    const result = await s.execute(
      'SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id LIMIT 3',
    );
    if (result.kind !== 'rows') throw new Error('rows');
    const seen: Row[] = [];
    for await (const batch of result.rows) seen.push(...batch);
    expect(seen.length).toBe(3);
    await s.execute('DELETE FROM posts WHERE id >= 1000');
  });
});

describe('batched reads', () => {
  it('lays a transaction’s own writes into the scan batches, in both directions', async () => {
    const t = openSession(await memoryEngine());
    for (const sql of [
      'CREATE DATABASE b',
      'USE b',
      'CREATE TABLE n (id INT PRIMARY KEY, v INT)',
    ]) {
      await t.execute(sql);
    }
    const ids = Array.from({ length: 1500 }, (_, i) => 2 * i + 2);
    await t.execute(`INSERT INTO n VALUES ${ids.map((i) => `(${i}, ${i})`).join(',')}`);
    await t.execute('START TRANSACTION');
    // Own writes before, between, over and after the committed keys; deletions among them.
    await t.execute('INSERT INTO n VALUES (1, -1), (1001, -1), (3001, -1), (5000, -1)');
    await t.execute('DELETE FROM n WHERE id % 14 = 0');
    await t.execute('UPDATE n SET v = 0 WHERE id % 10 = 0');
    const expected = [1, 1001, 3001, 5000, ...ids.filter((i) => i % 14 !== 0)]
      .sort((a, b) => a - b)
      .map((i) => [i, i % 10 === 0 ? 0 : i % 2 === 1 ? -1 : i]);
    const read = async (sql: string): Promise<unknown[]> => plain(await query(t, sql));
    expect(await read('SELECT id, v FROM n')).toEqual(expected);
    expect(await read('SELECT id, v FROM n ORDER BY id DESC')).toEqual([...expected].reverse());
    expect(await read('SELECT id, v FROM n WHERE id BETWEEN 900 AND 1100')).toEqual(
      expected.filter(([i]) => (i as number) >= 900 && (i as number) <= 1100),
    );
    await t.execute('ROLLBACK');
    expect(await read('SELECT COUNT(*), SUM(v) FROM n')).toEqual([[1500, String(1500 * 1501)]]);
  });
});
