import { describe, expect, it } from 'vitest';
import { CaseSyntaxError, hasTopLevelOrderBy, parseCaseFile } from './case-file.js';

describe('parseCaseFile', () => {
  it('splits statements at ; at line end and records their first line (C1)', () => {
    const f = parseCaseFile('a.sql', [
      '-- a comment',
      'CREATE TABLE t (',
      '  id INT PRIMARY KEY',
      ');',
      '',
      "INSERT INTO t VALUES (1); ",
      "SELECT 'a;b' FROM t;",
    ].join('\n'));
    expect(f.statements.map((s) => [s.line, s.sql])).toEqual([
      [2, 'CREATE TABLE t (\n  id INT PRIMARY KEY\n)'],
      [6, 'INSERT INTO t VALUES (1)'],
      [7, "SELECT 'a;b' FROM t"],
    ]);
  });

  it('applies directives to the next statement only', () => {
    const f = parseCaseFile('a.sql', [
      '-- error 1146 1051',
      '-- why: a prose comment',
      'DROP TABLE x;',
      'SELECT 1;',
      '-- unordered',
      'SELECT a FROM t ORDER BY b;',
      '-- ordered',
      'SELECT a FROM t;',
      'SELECT a FROM t ORDER BY a;',
    ].join('\n'));
    expect(f.statements.map((s) => [s.expectedErrors, s.ordered])).toEqual([
      [[1146, 1051], false], [[], false], [[], false], [[], true], [[], true],
    ]);
  });

  it('rejects dangling directives, bad error numbers and unterminated statements (C2)', () => {
    expect(() => parseCaseFile('a.sql', 'SELECT 1;\n-- error 1146\n')).toThrow(CaseSyntaxError);
    expect(() => parseCaseFile('a.sql', '-- error ER_NO_SUCH_TABLE\nSELECT 1;'))
      .toThrow(/a\.sql:1/);
    expect(() => parseCaseFile('a.sql', 'SELECT 1\nSELECT 2')).toThrow(/does not end/);
  });
});

describe('hasTopLevelOrderBy', () => {
  it('sees ORDER BY only outside parentheses, quotes and comments', () => {
    expect(hasTopLevelOrderBy('SELECT a FROM t ORDER BY a')).toBe(true);
    expect(hasTopLevelOrderBy('select a from t order\n  by a desc limit 2')).toBe(true);
    expect(hasTopLevelOrderBy('SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 1) x')).toBe(false);
    expect(hasTopLevelOrderBy("SELECT 'order by' FROM t")).toBe(false);
    expect(hasTopLevelOrderBy('SELECT `order by` FROM t')).toBe(false);
    expect(hasTopLevelOrderBy('SELECT a /* order by */ FROM t')).toBe(false);
    expect(hasTopLevelOrderBy('SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t')).toBe(false);
    expect(hasTopLevelOrderBy("SELECT 'it\\'s' FROM t ORDER BY a")).toBe(true);
  });
});
