/**
 * INT and DECIMAL keys compared with DOUBLE, DECIMAL and text constants and parameters
 * (key-bounds.ts KB1, KB2; index-access.ts): `id = ?` with a DOUBLE parameter (mysql2 sends every
 * JS number as one) reads the primary key, `id = 5.5` reads nothing, `tiny > 1e10` reads nothing,
 * and every such comparison, through the primary key or a secondary index, gives exactly the rows
 * a full scan of an unindexed twin table gives, over values at the edges of each type.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Row, Session, SqlValue } from '../api.js';
import { memoryEngine, ok, openSession, query, rowsOf } from '../testing/sessions.js';

const COLUMNS =
  'id INT NOT NULL, t TINYINT, u INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED, ' +
  'd DECIMAL(6,2), dd DECIMAL(20,2)';

/** Per column, the values its rows cycle through: signs, zero, the type's min and max. */
const VALUES: Readonly<Record<string, readonly string[]>> = {
  t: ['-128', '-5', '-1', '0', '1', '5', '6', '127', 'NULL'],
  u: ['0', '1', '5', '6', '2147483648', '4294967295'],
  b: [
    '-9223372036854775808', '-9223372036854775807', '-9007199254740993', '-5', '0', '5',
    '9007199254740992', '9007199254740993', '9223372036854775806', '9223372036854775807',
  ],
  bu: ['0', '5', '9007199254740993', '18446744073709551614', '18446744073709551615'],
  d: ['-9999.99', '-5.50', '-0.01', '0.00', '0.10', '5.00', '5.50', '9999.99'],
  dd: [
    '-999999999999999999.99', '-5.00', '0.00', '0.10', '5.00', '5.01',
    '123456789012345678.90', '999999999999999999.99',
  ],
};

const IDS = [-2147483648, -2147483647, -6, -5, -1, 0, 1, 4, 5, 6, 7, 100, 2147483646, 2147483647];

/** Comparison values as JS numbers (DOUBLE parameters), fractional and out of every range. */
const NUMBERS = [
  0, 5, -5, 5.5, -5.5, 0.1, -0.01, 0.5, 127, 127.5, -128.5, 128, 1e10, -1e10, 2147483647,
  2147483647.5, -2147483648.5, 4294967295, 9007199254740992, 2 ** 63, -(2 ** 63), 2 ** 64, 1e30,
  -1e30, 9999.99, 9999.995, -9999.99, 1e18, 999999999999999999.99,
];

let s: Session;

beforeAll(async () => {
  s = openSession(await memoryEngine());
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(
    s,
    `CREATE TABLE k (${COLUMNS}, PRIMARY KEY (id), KEY (t), UNIQUE KEY (u), KEY (b), ` +
      'KEY (bu), KEY (d), KEY (dd))',
  );
  await ok(s, `CREATE TABLE plain (${COLUMNS})`);
  const rows = IDS.map((id, i) => {
    const cells = Object.values(VALUES).map((vs, c) => vs[(i + c) % vs.length] as string);
    // UNIQUE u: each row its own value past the listed ones.
    cells[1] = i < (VALUES.u as string[]).length ? cells[1] as string : String(1000 + i);
    return `(${id}, ${cells.join(', ')})`;
  });
  for (const table of ['k', 'plain']) {
    await ok(s, `INSERT INTO ${table} VALUES ${rows.join(', ')}`);
  }
});

const show = (rows: readonly Row[]): string =>
  JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

async function ids(sql: string, params: readonly SqlValue[]): Promise<string> {
  const stmt = await s.prepare(sql);
  try {
    return show(await rowsOf(await stmt.execute(params)));
  } finally {
    stmt.close();
  }
}

/** EXPLAIN's type and key for a prepared statement executed with `params`. */
async function plan(sql: string, params: readonly SqlValue[]): Promise<[unknown, unknown]> {
  const stmt = await s.prepare(`EXPLAIN ${sql}`);
  const [row] = await rowsOf(await stmt.execute(params));
  stmt.close();
  return [row?.[4], row?.[6]];
}

/** The same statement over the keyed table and over its unindexed twin. */
async function agree(where: string, params: readonly SqlValue[]): Promise<void> {
  const keyed = await ids(`SELECT id FROM k WHERE ${where} ORDER BY id`, params);
  const scanned = await ids(`SELECT id FROM plain WHERE ${where} ORDER BY id`, params);
  expect(keyed, `${where} with ${show([params as SqlValue[]])}`).toBe(scanned);
}

describe('DOUBLE parameters on INT/DECIMAL keys', () => {
  it('plans the primary key for = ? and ranges, and a secondary index for its column', async () => {
    expect(await plan('SELECT id FROM k WHERE id = ?', [5])).toEqual(['const', 'PRIMARY']);
    expect(await plan('SELECT id FROM k WHERE id = ?', [5.5])).toEqual(['const', 'PRIMARY']);
    expect(await plan('SELECT id FROM k WHERE id < ?', [5.5])).toEqual(['range', 'PRIMARY']);
    expect(await plan('SELECT id FROM k WHERE id BETWEEN ? AND ?', [1, 4.9])).toEqual([
      'range',
      'PRIMARY',
    ]);
    expect(await plan('SELECT id FROM k WHERE id IN (?, ?)', [1, 2.5])).toEqual([
      'range',
      'PRIMARY',
    ]);
    expect(await plan('SELECT id FROM k WHERE id = ?', ['7'])).toEqual(['const', 'PRIMARY']);
    expect(await plan('SELECT id FROM k WHERE t = ?', [5])).toEqual(['ref', 't']);
    expect(await plan('SELECT id FROM k WHERE u = ?', [5])).toEqual(['const', 'u']);
    expect(await plan('SELECT id FROM k WHERE d > ?', [0.5])).toEqual(['range', 'd']);
    // KB2: BIGINT values may share a double (all of them are looked up); DECIMAL(20,2) values
    // too, and there may be too many: a range, still by the key.
    expect(await plan('SELECT id FROM k WHERE b = ?', [5])).toEqual(['ref', 'b']);
    expect(await plan('SELECT id FROM k WHERE b IN (?, ?)', [5, 2 ** 63])).toEqual(['range', 'b']);
    expect(await plan('SELECT id FROM k WHERE dd = ?', [5])).toEqual(['range', 'dd']);
  });

  it('answers = with the row, nothing for a fraction or NULL, in DOUBLE semantics', async () => {
    const one = async (where: string, params: readonly SqlValue[]): Promise<string> =>
      ids(`SELECT id FROM k WHERE ${where} ORDER BY id`, params);
    expect(await one('id = ?', [5])).toBe('[["5"]]');
    expect(await one('id = ?', [5.5])).toBe('[]');
    expect(await one('id = ?', [5.000001])).toBe('[]');
    expect(await one('id = ?', [null])).toBe('[]');
    expect(await one('id = ?', ['7'])).toBe('[["7"]]');
    expect(await one('id < ?', [5.5])).toBe(await one('id <= ?', [5]));
    expect(await one('t > ?', [1e10])).toBe('[]');
    // BIGINT 2^63-1 and 2^63-2 both convert to the double 2^63 (the comparison is in DOUBLE).
    expect(await one('b = ?', [2 ** 63])).toBe(await one('b >= 9223372036854775806', []));
    expect(await one('b = ?', [2 ** 63])).not.toBe('[]');
  });

  for (const column of ['id', ...Object.keys(VALUES)]) {
    it(`gives the full scan's rows for ${column} with every operator and edge value`, async () => {
      for (const v of NUMBERS) {
        for (const op of ['=', '<', '<=', '>', '>=']) await agree(`${column} ${op} ?`, [v]);
        await agree(`? ${'<'} ${column}`, [v]);
        await agree(`${column} BETWEEN ? AND ?`, [v, v + 10.25]);
        await agree(`${column} BETWEEN ? AND ?`, [-v, v]);
        await agree(`${column} IN (?, ?, ?)`, [v, -v, 5]);
        await agree(`${column} = ?`, [String(v)]);
      }
    });
  }
});

describe('DOUBLE parameters on a BIGINT primary key', () => {
  it('looks up every value that shares the double, and only those', async () => {
    await ok(s, 'CREATE TABLE big (id BIGINT PRIMARY KEY)');
    await ok(
      s,
      'INSERT INTO big VALUES (5), (9007199254740992), (9007199254740993), (9007199254740994), ' +
        '(9223372036854774784), (9223372036854775295), (9223372036854775296), ' +
        '(9223372036854775806), ' +
        '(9223372036854775807), (-9223372036854775808)',
    );
    expect(await plan('SELECT id FROM big WHERE id = ?', [5])).toEqual(['const', 'PRIMARY']);
    const at = async (v: SqlValue): Promise<string> => {
      const keyed = await ids('SELECT id FROM big WHERE id = ? ORDER BY id', [v]);
      // id + 0 is no key: the full scan's answer.
      expect(await ids('SELECT id FROM big WHERE id + 0 = ? ORDER BY id', [v])).toBe(keyed);
      return keyed;
    };
    expect(await at(5)).toBe('[["5"]]');
    expect(await at(2 ** 53)).toBe('[["9007199254740992"],["9007199254740993"]]');
    expect(await at(2 ** 53 + 2)).toBe('[["9007199254740994"]]');
    expect(await at(2 ** 63)).toBe(
      '[["9223372036854775296"],["9223372036854775806"],["9223372036854775807"]]',
    );
    expect(await at(2 ** 63 - 1024)).toBe('[["9223372036854774784"],["9223372036854775295"]]');
    expect(await at(-(2 ** 63))).toBe('[["-9223372036854775808"]]');
    expect(await at(2 ** 64)).toBe('[]');
  });
});

describe('joins, UPDATE and DELETE through INT keys compared as doubles', () => {
  it('joins on a DOUBLE or text column as a full scan of the inner table would', async () => {
    await ok(s, 'CREATE TABLE probe (x DOUBLE, v VARCHAR(40))');
    await ok(
      s,
      "INSERT INTO probe VALUES (5, '5'), (5.5, '5.5'), (-5, '-5.0'), (127, '127'), " +
        "(9223372036854775807, '9223372036854775807'), (NULL, NULL), (0, 'zero'), " +
        "(4294967295, '4294967295'), (9999.99, '9999.99')",
    );
    for (const column of ['id', 't', 'u', 'b', 'bu', 'd', 'dd']) {
      for (const other of ['x', 'v']) {
        const sql = (table: string): string =>
          `SELECT p.${other}, k.id FROM probe p JOIN ${table} k ON k.${column} = p.${other} ` +
          'ORDER BY k.id, p.x';
        expect(show(await query(s, sql('k'))), `${column} = ${other}`).toBe(
          show(await query(s, sql('plain'))),
        );
      }
    }
  });

  it('updates and deletes exactly the rows = ? names', async () => {
    await ok(s, 'CREATE TABLE w (id INT PRIMARY KEY, n INT, KEY (n))');
    await ok(s, 'INSERT INTO w VALUES (1, 10), (2, 20), (3, 30), (5, 50)');
    const update = await s.prepare('UPDATE w SET n = n + 1 WHERE id = ?');
    const affected = async (params: SqlValue[]): Promise<number> => {
      const r = await update.execute(params);
      return r.kind === 'ok' ? r.affectedRows : -1;
    };
    expect(await affected([5.5])).toBe(0);
    expect(await affected([5])).toBe(1);
    expect(await affected(['2'])).toBe(1);
    expect(await affected([null])).toBe(0);
    const remove = await s.prepare('DELETE FROM w WHERE n BETWEEN ? AND ?');
    const removed = await remove.execute([20.5, 50.5]);
    expect(removed.kind === 'ok' && removed.affectedRows).toBe(2);
    expect(show(await query(s, 'SELECT id, n FROM w ORDER BY id'))).toBe(
      '[["1","10"],["5","51"]]',
    );
  });
});

describe('literals of other types on INT/DECIMAL keys', () => {
  it('plans the key and gives the full scan rows for DECIMAL, DOUBLE, text literals', async () => {
    const wheres = [
      'id = 5.0', 'id = 5.5', 'id < 5.5', 'id > -5.5', 'id = 5e0', 'id <= 4.999999e0',
      "id = '7'", "id = '7.0'", "id < '6.5'", 'id IN (1.0, 2.5, 5)', "id IN (1, '5', 6e0)",
      "id BETWEEN '2' AND 4.9", 'id BETWEEN -5.5 AND 1e0', 't > 1e10', 't < -1e10', 't >= 127.0',
      't = 127.5', 'u > -1', 'u < -0.5', 'u = 4294967295e0', 'b = 9223372036854775807e0',
      'b >= 9007199254740993', 'b = 9007199254740993e0', 'bu = 18446744073709551615e0',
      'bu > 1.8446744073709552e19', 'd = 5.5e0', 'd = 0.1e0', 'd < 0.1e0', 'd > 9999.99e0',
      "d = '5.5'", 'dd = 0.1e0', 'dd >= 5.01e0', 'dd < -1e30', "dd = '5.01'",
    ];
    for (const where of wheres) {
      const keyed = show(await query(s, `SELECT id FROM k WHERE ${where} ORDER BY id`));
      const scanned = show(await query(s, `SELECT id FROM plain WHERE ${where} ORDER BY id`));
      expect(keyed, where).toBe(scanned);
      const [row] = await query(s, `EXPLAIN SELECT id FROM k WHERE ${where}`);
      expect(row?.[6], `EXPLAIN ${where}`).not.toBeNull();
    }
  });
});
