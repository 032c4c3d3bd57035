/**
 * The comparer must catch a wrong Borealis answer: unit tests over outcomes, then the same through
 * the wire, with a scripted server giving the right answer and another giving a wrong one, both
 * read by mysql2 exactly as the conformance runner reads MariaDB and Borealis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareOutcomes, compareRows } from './sql/compare.js';
import { openRunner, type StatementRunner } from './sql/execute.js';
import { startFakeServer, type FakeReply, type FakeServer } from './sql/fake-server.js';
import type { Outcome } from './sql/outcome.js';

const status = { inTransaction: false, autocommit: true };
const rows = (cells: (string | null)[][], type = 'NEWDECIMAL(2)'): Outcome => ({
  kind: 'rows',
  columns: [{ name: 'id', type: 'LONG' }, { name: 'amount', type }],
  rows: cells,
  warnings: 0,
  status,
});
const ok = (affected: string, insertId = '0', warnings = 0, info = ''): Outcome => ({
  kind: 'ok', affectedRows: affected, insertId, warnings, info, status,
});
const error = (errno: number, sqlState: string): Outcome => ({
  kind: 'error', errno, sqlState, code: '', message: 'msg',
});

describe('compareOutcomes', () => {
  const right = rows([['1', '1.50'], ['2', null]]);

  it('finds nothing when both sides agree', () => {
    const same = rows([['1', '1.50'], ['2', null]]);
    expect(compareOutcomes(right, same, { ordered: true })).toEqual([]);
    expect(compareOutcomes(ok('3', '7'), ok('3', '7'), { ordered: false })).toEqual([]);
    expect(compareOutcomes(error(1146, '42S02'), error(1146, '42S02'), { ordered: false }))
      .toEqual([]);
  });

  it('ignores error message text (MariaDB and MySQL word them differently)', () => {
    const a: Outcome = { kind: 'error', errno: 1062, sqlState: '23000', code: 'ER_DUP_ENTRY',
      message: "Duplicate entry '1' for key 'PRIMARY'" };
    const b: Outcome = { ...a, message: "Duplicate entry '1' for key 't.PRIMARY'" };
    expect(compareOutcomes(a, b, { ordered: false })).toEqual([]);
  });

  it('catches deliberately wrong Borealis answers, one aspect at a time', () => {
    const cases: [Outcome, Outcome, string][] = [
      [right, rows([['1', '1.5'], ['2', null]]), 'rows'],
      [right, rows([['1', '1.50']]), 'rows'],
      [right, rows([['1', '1.50'], ['2', null]], 'DOUBLE'), 'column-types'],
      [right, { kind: 'rows', columns: [{ name: 'ID', type: 'LONG' },
        { name: 'amount', type: 'NEWDECIMAL(2)' }], rows: [['1', '1.50'], ['2', null]],
      warnings: 0, status }, 'column-names'],
      [right, { kind: 'rows', columns: [{ name: 'id', type: 'LONG' },
        { name: 'amount', type: 'NEWDECIMAL(2)' }], rows: [['1', '1.50'], ['2', null]],
      warnings: 1, status }, 'warnings'],
      [ok('3'), ok('2'), 'affected-rows'],
      [ok('1', '7'), ok('1', '8'), 'insert-id'],
      [ok('1', '0', 1), ok('1', '0', 0), 'warnings'],
      [ok('2', '0', 0, 'Records: 2  Duplicates: 0  Warnings: 0'), ok('2'), 'info'],
      [ok('0'), { kind: 'ok', affectedRows: '0', insertId: '0', warnings: 0, info: '',
        status: { inTransaction: true, autocommit: true } }, 'status'],
      [error(1146, '42S02'), error(1105, 'HY000'), 'error'],
      [error(1062, '23000'), error(1062, 'HY000'), 'error'],
      [error(1146, '42S02'), rows([]), 'outcome'],
      [ok('1'), { kind: 'failure', message: 'timeout' }, 'outcome'],
    ];
    for (const [reference, wrong, aspect] of cases) {
      const found = compareOutcomes(reference, wrong, { ordered: true }).map((d) => d.aspect);
      expect(found, `${JSON.stringify(wrong)}`).toContain(aspect);
    }
  });

  it('compares rows as a multiset unless the order is fixed (K2)', () => {
    const a = [['1'], ['2'], ['2']];
    expect(compareRows(a, [['2'], ['1'], ['2']], false)).toEqual([]);
    expect(compareRows(a, [['2'], ['1'], ['2']], true)).toHaveLength(1);
    expect(compareRows(a, [['1'], ['2'], ['1']], false)).toHaveLength(1);
    expect(compareRows(a, [['1'], ['2']], false)).toHaveLength(1);
    expect(compareRows([[null]], [['NULL']], false)).toHaveLength(1);
  });

  it('shows both sides of a row difference', () => {
    const [d] = compareRows([['1', 'a']], [['1', 'b']], false);
    expect(d?.reference).toContain("('1', 'a')");
    expect(d?.target).toContain("('1', 'b')");
  });
});

describe('a wrong answer on the wire is caught', () => {
  const rightAnswer = (sql: string): FakeReply => {
    if (sql.startsWith('SELECT')) {
      return { kind: 'rows', warnings: 2, columns: [
        { name: 'id', type: 3 }, { name: 'amount', type: 246, decimals: 2 },
        { name: 'raw', type: 252, charset: 63 },
      ], rows: [['1', '1.50', 'ab'], ['2', null, null]] };
    }
    if (sql.startsWith('INSERT')) {
      return { kind: 'ok', affected: 2, insertId: 5, info: 'Records: 2' };
    }
    return { kind: 'error', errno: 1146, sqlState: '42S02', message: "Table 'db.x' doesn't exist" };
  };
  const wrongAnswer = (sql: string): FakeReply => {
    const r = rightAnswer(sql);
    if (r.kind === 'rows') return { ...r, rows: [['1', '1.5', 'ab'], ['2', null, null]] };
    if (r.kind === 'ok') return { ...r, affected: 1 };
    return { ...r, errno: 1105, sqlState: 'HY000' };
  };
  let right: FakeServer;
  let wrong: FakeServer;
  let onRight: StatementRunner;
  let onWrong: StatementRunner;
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, user: 'root', password: '' });

  beforeAll(async () => {
    right = await startFakeServer(rightAnswer);
    wrong = await startFakeServer(wrongAnswer);
    onRight = await openRunner(endpoint(right.port), undefined, 5000);
    onWrong = await openRunner(endpoint(wrong.port), undefined, 5000);
  });
  afterAll(async () => {
    await onRight.close();
    await onWrong.close();
    await right.close();
    await wrong.close();
  });

  it('reads rows, types, binary cells and the EOF warning count through mysql2', async () => {
    const o = await onRight.run('SELECT * FROM t');
    expect(o).toEqual({
      kind: 'rows',
      columns: [{ name: 'id', type: 'LONG' }, { name: 'amount', type: 'NEWDECIMAL(2)' },
        { name: 'raw', type: 'BLOB BINARY' }],
      rows: [['1', '1.50', '0x6162'], ['2', null, null]],
      warnings: 2,
      status: { inTransaction: false, autocommit: true },
    });
  });

  it('reads OK packets and errors', async () => {
    expect(await onRight.run('INSERT INTO t VALUES (1), (2)')).toMatchObject(
      { kind: 'ok', affectedRows: '2', insertId: '5', info: 'Records: 2', warnings: 0 });
    expect(await onRight.run('DROP x'))
      .toMatchObject({ kind: 'error', errno: 1146, sqlState: '42S02' });
  });

  it('flags each wrong answer', async () => {
    for (const [sql, aspect] of [['SELECT 1', 'rows'], ['INSERT 1', 'affected-rows'],
      ['DROP 1', 'error']] as const) {
      const differences = compareOutcomes(await onRight.run(sql), await onWrong.run(sql),
        { ordered: false });
      expect(differences.map((d) => d.aspect)).toEqual([aspect]);
    }
  });
});
