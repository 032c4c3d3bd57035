/**
 * Expressions with MySQL's semantics: three-valued logic, comparison coercions (strings against
 * numbers as doubles, collations), exact decimal arithmetic with div_precision_increment, integer
 * overflow, division by zero. Each case is `SELECT <expr>` bound and evaluated without a table.
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../errors.js';
import { Binder } from './bind.js';
import { compile, likeMatch } from './expr.js';
import { collation } from './collation.js';
import { parse } from './parse.js';
import { type SqlValue } from '../api.js';
import { toSeamValue, type Warnings } from './values.js';

function evaluate(text: string): { value: SqlValue; warnings: string[] } {
  const statement = parse(`SELECT ${text}`);
  if (statement.kind !== 'select') throw new Error('select');
  const item = statement.items[0];
  if (item?.kind !== 'expr') throw new Error('expression');
  const bound = new Binder({
    table: null,
    tableName: null,
    clause: 'field list',
    currentDatabase: null,
  }).bind(item.expr);
  const raised: string[] = [];
  const warnings: Warnings = {
    warn: (_level, code, message) => raised.push(`${code} ${message}`),
    count: () => raised.length,
  };
  const ctx = {
    warnings,
    session: { database: null, user: 'u', host: 'h', connectionId: 1 },
    now: 0n,
    storing: false,
  };
  const value = compile(bound)([], ctx);
  return { value: toSeamValue(bound.info.type, value), warnings: raised };
}

const value = (text: string): SqlValue => evaluate(text).value;

function table(cases: [string, SqlValue][]): void {
  for (const [text, expected] of cases) {
    it(text, () => expect(value(text)).toEqual(expected));
  }
}

describe('three-valued logic', () => {
  table([
    ['NULL AND 0', 0n],
    ['NULL AND 1', null],
    ['0 AND NULL', 0n],
    ['NULL OR 1', 1n],
    ['NULL OR 0', null],
    ['NOT NULL', null],
    ['NOT 0', 1n],
    ['NOT 2', 0n],
    ['1 XOR 1', 0n],
    ['1 XOR 0', 1n],
    ['NULL XOR 1', null],
    ['NULL IS NULL', 1n],
    ['0 IS NOT NULL', 1n],
    ['0 IS FALSE', 1n],
    ['NULL IS TRUE', 0n],
    ['NULL IS NOT TRUE', 1n],
    ["'a' AND 1", 0n],
    ['2.5 AND 1', 1n],
  ]);
});

describe('comparisons and coercions', () => {
  table([
    ['1 = 1.0', 1n],
    ["'1' = 1", 1n],
    ["'abc' = 0", 1n],
    ["'10' < '9'", 1n],
    ["10 < '9'", 0n],
    ["'a' = 'A'", 1n],
    ["'a' = 'a '", 0n],
    ["'é' = 'e'", 1n],
    ["'straße' = 'STRASSE'", 1n],
    ['NULL = NULL', null],
    ['1 <> NULL', null],
    ['18446744073709551615 > -1', 1n],
    ['0.1 + 0.2 = 0.3', 1n],
    ['2 BETWEEN 1 AND 3', 1n],
    ['2 NOT BETWEEN 1 AND 3', 0n],
    ['NULL BETWEEN 1 AND 3', null],
    ['5 BETWEEN NULL AND 3', 0n],
    ['2 BETWEEN NULL AND 3', null],
    ["'b' BETWEEN 'A' AND 'C'", 1n],
    ['2 IN (1, 2)', 1n],
    ['3 IN (1, NULL)', null],
    ['1 IN (1, NULL)', 1n],
    ['3 NOT IN (1, NULL)', null],
    ['3 NOT IN (1, 2)', 1n],
    ["'1' IN (1)", 1n],
  ]);

  it('warns when a string is read as a number', () => {
    expect(evaluate("'abc' = 0").warnings).toEqual([
      "1292 Truncated incorrect DOUBLE value: 'abc'",
    ]);
    expect(evaluate("'12' = 12").warnings).toEqual([]);
  });
});

describe('arithmetic', () => {
  table([
    ['1 + 1', 2n],
    ['7 / 2', '3.5000'],
    ['1 / 3', '0.3333'],
    ['2 / 3', '0.6667'],
    ['1.0 / 3', '0.33333'],
    ['7 DIV 2', 3n],
    ['-7 DIV 2', -3n],
    ['7.5 DIV 2', 3n],
    ['7 MOD 3', 1n],
    ['-7 % 3', -1n],
    ['7.5 % 2', '1.5'],
    ['1.5 + 1', '2.5'],
    ['1.50 * 2', '3.00'],
    ["'1.5' + 1", 2.5],
    ['-(1.5)', '-1.5'],
    ['- 5', -5n],
    ['9223372036854775807 - 1', 9223372036854775806n],
    ['5 / 0', null],
    ['5 % 0', null],
    ['5 DIV 0', null],
  ]);

  it('raises 1690 on BIGINT overflow', () => {
    for (const text of [
      '9223372036854775807 + 1',
      '-9223372036854775807 - 2',
      '4294967296 * 4294967296',
    ]) {
      let error: unknown;
      try {
        evaluate(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SqlError);
      expect((error as SqlError).errno).toBe(1690);
    }
  });

  it('warns 1365 on division by zero', () => {
    expect(evaluate('1 / 0').warnings).toEqual(['1365 Division by 0']);
  });
});

describe('LIKE', () => {
  table([
    ["'apple' LIKE 'a%'", 1n],
    ["'Apple' LIKE 'a%'", 1n],
    ["'apple' LIKE '_pple'", 1n],
    ["'apple' LIKE 'b%'", 0n],
    ["'apple' NOT LIKE 'b%'", 1n],
    ["'a%b' LIKE 'a\\%b'", 1n],
    ["'axb' LIKE 'a\\%b'", 0n],
    ["'a!b' LIKE 'a!!b' ESCAPE '!'", 1n],
    ["'crème' LIKE 'creme'", 1n],
    ["NULL LIKE 'a'", null],
    ["'abc' LIKE '%b%'", 1n],
    ["'aaa' LIKE '%a%a%a%'", 1n],
    ["'aa' LIKE '%a%a%a%'", 0n],
  ]);

  it('matches one code point per _', () => {
    expect(likeMatch('😀', '_', '\\', collation('utf8mb4_0900_bin'))).toBe(true);
    expect(likeMatch('ab', '_', '\\', collation('utf8mb4_0900_bin'))).toBe(false);
  });
});

describe('functions', () => {
  it('reports the server identity', () => {
    expect(value('VERSION()')).toBe('8.0.36-borealis');
    expect(value('@@version_comment')).toBe('Borealis');
    expect(value('@@session.autocommit')).toBe(1n);
    expect(value('CONNECTION_ID()')).toBe(1n);
    expect(value('USER()')).toBe('u@h');
  });

  it('rejects unknown names with MySQL errors', () => {
    const codes = ['nosuch(1)', 'COMPRESS(1)', 'VERSION(1)', '@@nosuch'].map((text) => {
      try {
        evaluate(text);
        return 0;
      } catch (e) {
        return (e as SqlError).errno;
      }
    });
    expect(codes).toEqual([1305, 1235, 1582, 1193]);
  });
});
