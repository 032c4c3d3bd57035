/**
 * LOAD DATA LOCAL INFILE's engine side: the file cut into fields by MySQL's rules, the rows
 * inserted with LOAD's counts and warnings, and the checks made before the file is asked for.
 */
import { describe, expect, it } from 'vitest';
import type { Result, Session } from '../api.js';
import { failure, memoryEngine, ok, openSession, query } from '../testing/sessions.js';
import type { LoadData } from './ast.js';
import { parse } from './parse.js';
import { splitRows } from './load-data.js';

function loadOf(sql: string): LoadData {
  const statement = parse(sql);
  if (statement.kind !== 'load-data') throw new Error(`not LOAD DATA: ${statement.kind}`);
  return statement;
}

async function fixture(): Promise<Session> {
  const engine = await memoryEngine();
  const s = openSession(engine);
  await ok(s, 'SET GLOBAL local_infile = 1');
  await ok(s, 'CREATE DATABASE d');
  await ok(s, 'USE d');
  await ok(s, 'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), n INT DEFAULT 7)');
  return s;
}

/** Runs LOAD DATA LOCAL as the server would: the request, then the file's content. */
async function load(s: Session, sql: string, content: string): Promise<Result & { kind: 'ok' }> {
  const asked = await s.execute(sql);
  if (asked.kind !== 'local-infile') throw new Error(`expected a file request, got ${asked.kind}`);
  const done = await asked.load(Buffer.from(content, 'utf8'));
  if (done.kind !== 'ok') throw new Error(`expected OK, got ${done.kind}`);
  return done;
}

describe('LOAD DATA field splitting', () => {
  it('cuts tab-separated lines with escapes and \\N', () => {
    const l = loadOf("LOAD DATA LOCAL INFILE 'f' INTO TABLE t");
    expect(splitRows('1\ta\\tb\t\\N\n2\tx\\\\y\t3\n', l)).toEqual([
      ['1', 'a\tb', null],
      ['2', 'x\\y', '3'],
    ]);
  });

  it('reads CSV with enclosed fields, doubled quotes and IGNORE 1 LINES', () => {
    const l = loadOf(
      "LOAD DATA LOCAL INFILE 'f' INTO TABLE t FIELDS TERMINATED BY ',' " +
        "OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\r\\n' IGNORE 1 LINES",
    );
    expect(splitRows('id,name\r\n1,"a, ""b"""\r\n2,NULL\r\n', l)).toEqual([
      ['1', 'a, "b"'],
      ['2', null],
    ]);
  });

  it('skips lines without the STARTING BY prefix', () => {
    const l = loadOf("LOAD DATA LOCAL INFILE 'f' INTO TABLE t LINES STARTING BY 'xx'");
    expect(splitRows('xx1\ta\nno\nxx2\tb\n', l)).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
  });
});

describe('LOAD DATA LOCAL INFILE', () => {
  it('loads rows and reports Records / Deleted / Skipped / Warnings', async () => {
    const s = await fixture();
    await ok(s, "INSERT INTO t VALUES (1, 'old', 1)");
    const r = await load(
      s,
      "LOAD DATA LOCAL INFILE 'f.tsv' INTO TABLE t",
      '1\tdup\t2\n2\tb\n3\tc\t4\t9\n',
    );
    expect([r.affectedRows, r.info]).toEqual([
      2,
      'Records: 3  Deleted: 0  Skipped: 1  Warnings: 3',
    ]);
    expect(await query(s, 'SHOW WARNINGS')).toEqual([
      ['Warning', 1261n, "Row 2 doesn't contain data for all columns"],
      [
        'Warning',
        1262n,
        'Row 3 was truncated; it contained more data than there were input columns',
      ],
      ['Warning', 1062n, "Duplicate entry '1' for key 't.PRIMARY'"],
    ]);
    expect(await query(s, 'SELECT * FROM t ORDER BY id')).toEqual([
      [1n, 'old', 1n],
      [2n, 'b', 7n],
      [3n, 'c', 4n],
    ]);
  });

  it('REPLACE, a column list and SET with user variables', async () => {
    const s = await fixture();
    await ok(s, "INSERT INTO t VALUES (1, 'old', 1)");
    const r = await load(
      s,
      "LOAD DATA LOCAL INFILE 'f.csv' REPLACE INTO TABLE t FIELDS " +
        "TERMINATED BY ',' (id, @name) SET name = UPPER(@name), n = id * 10",
      '1,a\n2,b\n',
    );
    expect([r.affectedRows, r.info]).toEqual([
      3,
      'Records: 2  Deleted: 1  Skipped: 0  Warnings: 0',
    ]);
    expect(await query(s, 'SELECT * FROM t ORDER BY id')).toEqual([
      [1n, 'A', 10n],
      [2n, 'B', 20n],
    ]);
  });

  it('checks local_infile and the table before asking for the file', async () => {
    const s = await fixture();
    expect((await failure(s, "LOAD DATA LOCAL INFILE 'f' INTO TABLE nope")).errno).toBe(1146);
    expect((await failure(s, "LOAD DATA INFILE '/f' INTO TABLE t")).errno).toBe(1235);
    await ok(s, 'SET GLOBAL local_infile = 0');
    expect((await failure(s, "LOAD DATA LOCAL INFILE 'f' INTO TABLE t")).errno).toBe(3948);
  });
});
