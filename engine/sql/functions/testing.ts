/**
 * Test helpers for the function library: `SELECT <expr>` bound and evaluated without a table (at
 * a fixed NOW() and time_zone), and tables of expected answers. Used by the *.test.ts files here.
 */
import { expect, it } from 'vitest';
import { SqlError } from '../../errors.js';
import { Binder } from '../bind.js';
import { compile } from '../expr.js';
import { parse } from '../parse.js';
import { formatDouble, formatFloat, toSeamValue, type Warnings } from '../values.js';

export function evaluate(
  text: string,
  timeZone = '+00:00',
): { value: string | null; warnings: string[]; type: string } {
  const statement = parse(`SELECT ${text}`);
  if (statement.kind !== 'select') throw new Error('select');
  const item = statement.items[0];
  if (item?.kind !== 'expr') throw new Error('expression');
  const bound = new Binder({
    table: null,
    tableName: null,
    clause: 'field list',
    currentDatabase: 'db',
  }).bind(item.expr);
  const raised: string[] = [];
  const warnings: Warnings = {
    warn: (_level, code, message) => raised.push(`${code} ${message}`),
    count: () => raised.length,
  };
  const ctx = {
    warnings,
    session: { database: 'db', user: 'u', host: 'h', connectionId: 7 },
    now: 63_842_000_000_000_000n,
    storing: false,
    timeZone,
  };
  const value = toSeamValue(bound.info.type, compile(bound)([], ctx));
  let shown: string | null;
  if (value === null) shown = null;
  else if (Buffer.isBuffer(value)) shown = `0x${value.toString('hex')}`;
  else if (typeof value === 'number') {
    const t = bound.info.type;
    shown = t.kind === 'double' && t.float === true ? formatFloat(value) : formatDouble(value);
  } else shown = String(value);
  return { value: shown, warnings: raised, type: bound.info.type.kind };
}

export function table(cases: readonly (readonly [string, string | null])[]): void {
  for (const [text, expected] of cases) {
    it(text, () => expect(evaluate(text).value).toEqual(expected));
  }
}

export function errors(cases: readonly (readonly [string, number])[]): void {
  for (const [text, errno] of cases) {
    it(`${text} → ${errno}`, () => {
      let caught: unknown;
      try {
        evaluate(text);
      } catch (e) {
        caught = e;
      }
      expect(caught instanceof SqlError ? caught.errno : caught).toBe(errno);
    });
  }
}
