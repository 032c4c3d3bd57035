/**
 * mysql2 (pinned in conformance/package.json): text protocol with client-side interpolation,
 * server-side prepared statements (binary protocol), result typing, transactions, errors, ping,
 * changeUser, typeCast options, multiple statements, a pool, TLS, and a caching_sha2_password
 * account. Adapted from the client-traces script; every step asserts what it got, and returns an
 * observation compared across servers.
 */
import mysql from 'mysql2/promise';
import { assert, cfg, expectError, runSteps } from './steps.mjs';

const base = { host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, database: cfg.database };
const now = new Date('2024-03-04T05:06:07.089Z');
let c;

const TYPES_DDL = `CREATE TABLE m2_types (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  i INT, big BIGINT, dec1 DECIMAL(20,6), f FLOAT, d DOUBLE, b TINYINT(1), bitf BIT(8),
  s VARCHAR(100), txt TEXT, bin VARBINARY(16), blb BLOB,
  dt DATETIME, dt3 DATETIME(3), ts TIMESTAMP(6) NULL, dte DATE, tm TIME, yr YEAR,
  e ENUM('a','b'), st SET('x','y'), j JSON
)`;

await runSteps([
  ['connect', async () => {
    c = await mysql.createConnection({ ...base, timezone: 'Z' });
    const [rows] = await c.query('SELECT 1 AS one');
    assert.deepEqual(rows, [{ one: 1 }]);
    return rows;
  }],
  ['query-basic-table', async () => {
    await c.query('DROP TABLE IF EXISTS m2_basic');
    await c.query(`CREATE TABLE m2_basic (id BIGINT NOT NULL PRIMARY KEY, s VARCHAR(100),
      amount DECIMAL(10,2), created DATETIME, note TEXT)`);
    const [r] = await c.query('INSERT INTO m2_basic (id, s, amount, created, note) VALUES (?,?,?,?,?), (?,?,?,?,?)',
      [1, "it's", '12.50', now, 'line1\nline2', 2, 'ünïcödé ✓', null, '2024-02-29 23:59:59', null]);
    assert.equal(r.affectedRows, 2);
    const [rows] = await c.query('SELECT * FROM m2_basic ORDER BY id');
    assert.equal(rows.length, 2);
    return { affected: r.affectedRows, rows };
  }],
  ['query-where-placeholders', async () => {
    const [rows] = await c.query('SELECT id, s FROM m2_basic WHERE id > ? AND s <> ? ORDER BY id', [0, 'zzz']);
    return rows;
  }],
  ['query-identifier-placeholders', async () => {
    const [rows] = await c.query('SELECT ?? FROM ?? WHERE ?? IN (?) ORDER BY id', [['id', 's'], 'm2_basic', 'id', [1, 2]]);
    assert.equal(rows.length, 2);
    return rows;
  }],
  ['query-named-placeholders', async () => {
    const [rows] = await c.query({ sql: 'SELECT id FROM m2_basic WHERE id = :id', namedPlaceholders: true }, { id: 1 });
    assert.deepEqual(rows, [{ id: 1 }]);
    return rows;
  }],
  ['query-update-delete', async () => {
    const [u] = await c.query('UPDATE m2_basic SET amount = ? WHERE id = ?', ['99.99', 1]);
    assert.equal(u.affectedRows, 1);
    const [d] = await c.query('DELETE FROM m2_basic WHERE id = ?', [2]);
    assert.equal(d.affectedRows, 1);
    return { updated: u.affectedRows, changed: u.changedRows, deleted: d.affectedRows };
  }],
  ['errors', async () => {
    const dup = await expectError(c.query('INSERT INTO m2_basic (id) VALUES (1)'), 'ER_DUP_ENTRY');
    const missing = await expectError(c.query('SELECT * FROM no_such_table'), 'ER_NO_SUCH_TABLE');
    const column = await expectError(c.query('SELECT nope FROM m2_basic'), 'ER_BAD_FIELD_ERROR');
    const parse = await expectError(c.query('SELEC 1'), 'ER_PARSE_ERROR');
    return { dup, missing, column, parse };
  }],
  ['query-all-types-table', async () => {
    await c.query('DROP TABLE IF EXISTS m2_types');
    await c.query(TYPES_DDL);
    const [r] = await c.query('INSERT INTO m2_types (i, big, dec1, s, dt, dt3, dte, b, bin, j, e, st) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
      [1, '9007199254740993', '12345.678901', "it's", now, now, '2024-02-29', true, Buffer.from([0, 1, 255]), JSON.stringify({ a: [1, 2] }), 'a', 'x,y']);
    assert.equal(r.insertId, 1);
    await c.query('INSERT INTO m2_types SET ?', { i: 2, s: 'obj', d: 1.25, f: 0.5, tm: '12:34:56', yr: 2024, bitf: Buffer.from([5]) });
    const [rows] = await c.query('SELECT id, i, big, dec1, f, d, b, bitf, s, bin, dt, dt3, dte, tm, yr, e, st FROM m2_types ORDER BY id');
    return rows;
  }],
  ['execute-binary-protocol', async () => {
    const [r] = await c.execute('INSERT INTO m2_basic (id, s, amount, created, note) VALUES (?,?,?,?,?)',
      [3, 'prepared', '-0.01', now, null]);
    assert.equal(r.affectedRows, 1);
    const [rows] = await c.execute('SELECT * FROM m2_basic WHERE id >= ? AND s <> ? ORDER BY id', [1, 'zzz']);
    return rows;
  }],
  ['execute-cached-statement', async () => {
    const [a] = await c.execute('SELECT id FROM m2_basic WHERE id >= ? ORDER BY id', [1]);
    const [b] = await c.execute('SELECT id FROM m2_basic WHERE id >= ? ORDER BY id', [3]);
    const [n] = await c.execute('SELECT COUNT(*) AS n FROM m2_basic');
    return { a, b, n };
  }],
  ['execute-parameter-types', async () => {
    const [x] = await c.execute('SELECT ? AS a, ? AS b, ? AS c, ? AS d', [1, 'x', null, 3.5]);
    const [y] = await c.execute('SELECT ? AS a, ? AS b, ? AS c, ? AS d', ['1', 2, 'y', null]);
    return { x, y };
  }],
  ['prepare-execute-close', async () => {
    const st = await c.prepare('SELECT id, s FROM m2_basic WHERE id = ?');
    const [a] = await st.execute([1]);
    const [b] = await st.execute([3]);
    await st.close();
    c.unprepare('SELECT COUNT(*) AS n FROM m2_basic');
    return { a, b };
  }],
  ['prepare-error', async () => expectError(c.execute('SELEC broken ?', [1]), 'ER_PARSE_ERROR')],
  ['transactions', async () => {
    await c.beginTransaction();
    await c.query('UPDATE m2_basic SET s = ? WHERE id = ?', ['committed', 1]);
    await c.commit();
    await c.beginTransaction();
    await c.execute('DELETE FROM m2_basic WHERE id = ?', [1]);
    await c.rollback();
    const [rows] = await c.query('SELECT id, s FROM m2_basic WHERE id = 1');
    assert.deepEqual(rows, [{ id: 1, s: 'committed' }]);
    return rows;
  }],
  ['transaction-statements', async () => {
    await c.query('START TRANSACTION READ ONLY'); await c.query('SELECT 1'); await c.query('COMMIT');
    await c.query('SET autocommit = 0'); await c.query('SAVEPOINT s1');
    await c.query('ROLLBACK TO SAVEPOINT s1'); await c.query('ROLLBACK'); await c.query('SET autocommit = 1');
  }],
  ['ping', async () => { await c.ping(); }],
  ['change-user', async () => {
    await c.changeUser({ user: cfg.user, password: cfg.password, database: cfg.database });
    const [rows] = await c.query('SELECT DATABASE() AS db');
    assert.equal(rows[0].db, cfg.database);
  }],
  ['typecast-options', async () => {
    const c2 = await mysql.createConnection({ ...base, supportBigNumbers: true, bigNumberStrings: true,
      decimalNumbers: true, dateStrings: true, timezone: 'Z',
      typeCast(field, next) { if (field.type === 'TINY' && field.length === 1) return field.string() === '1'; return next(); } });
    try {
      const [t] = await c2.query('SELECT id, amount, created FROM m2_basic ORDER BY id LIMIT 1');
      const [b] = await c2.execute('SELECT id, amount, created FROM m2_basic WHERE id = ?', [1]);
      const [arr] = await c2.query({ sql: 'SELECT 1 AS a, 2 AS b', rowsAsArray: true });
      return { t, b, arr };
    } finally { await c2.end(); }
  }],
  ['multiple-statements', async () => {
    const c3 = await mysql.createConnection({ ...base, multipleStatements: true });
    try {
      const [multi] = await c3.query('SELECT 1 AS one; SELECT 2 AS two; UPDATE m2_basic SET s = s WHERE id = 0');
      assert.equal(multi.length, 3);
      return multi;
    } finally { await c3.end(); }
  }],
  ['pool', async () => {
    const pool = mysql.createPool({ ...base, connectionLimit: 3, waitForConnections: true });
    try {
      const all = await Promise.all([1, 2, 3, 4, 5].map((i) => pool.query('SELECT ? AS n', [i])));
      const [e] = await pool.execute('SELECT id FROM m2_basic WHERE id = ?', [1]);
      return { n: all.map(([rows]) => rows[0].n), e };
    } finally { await pool.end(); }
  }],
  ['pool-for-update', async () => {
    const pool = mysql.createPool({ ...base, connectionLimit: 2 });
    try {
      const pc = await pool.getConnection();
      await pc.beginTransaction();
      const [rows] = await pc.query('SELECT id FROM m2_basic WHERE id = 1 FOR UPDATE');
      await pc.commit();
      pc.release();
      return rows;
    } finally { await pool.end(); }
  }],
  ['tls', async () => {
    // Both servers use a self-signed certificate: encrypt without verifying it.
    const t = await mysql.createConnection({ ...base, ssl: { rejectUnauthorized: false } });
    try {
      assert.equal(t.connection.stream.encrypted, true);
      const [rows] = await t.execute('SELECT id, s FROM m2_basic WHERE id = ?', [1]);
      return rows;
    } finally { await t.end(); }
  }],
  ['caching-sha2-password', async () => {
    const user = `cs2_${process.pid}`;
    await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await c.query(`CREATE USER '${user}'@'%' IDENTIFIED WITH caching_sha2_password BY 'Sha2-pw!'`);
    try {
      await c.query(`GRANT ALL PRIVILEGES ON ${cfg.database}.* TO '${user}'@'%'`);
      const login = { ...base, user, password: 'Sha2-pw!' };
      const seen = [];
      for (let i = 0; i < 2; i++) { // full authentication (RSA key exchange), then the fast path
        const s = await mysql.createConnection(login);
        try { seen.push((await s.query('SELECT CURRENT_USER() AS u'))[0][0].u.split('@')[0]); }
        finally { await s.end(); }
      }
      await expectError(mysql.createConnection({ ...login, password: 'wrong' }),
        'ER_ACCESS_DENIED_ERROR');
      return seen.map((u) => u === user);
    } finally {
      await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
    }
  }],
  ['cleanup', async () => {
    await c.query('DROP TABLE IF EXISTS m2_basic');
    await c.query('DROP TABLE IF EXISTS m2_types');
    await c.end();
  }],
]);
