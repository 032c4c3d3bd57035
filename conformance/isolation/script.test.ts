/** The isolation script reader. */
import { describe, expect, it } from 'vitest';
import { parseScript, ScriptSyntaxError } from './script.js';

describe('parseScript', () => {
  it('reads steps, waits and the title', () => {
    const script = parseScript('x.sql', [
      '# lost update',
      '# more words',
      'setup: CREATE TABLE t (id INT);',
      '',
      'a: BEGIN;',
      'b: UPDATE t SET id = 2',
      'b: wait;',
    ].join('\n'));
    expect(script.title).toBe('lost update');
    expect(script.steps).toEqual([
      { line: 3, connection: 'setup', sql: 'CREATE TABLE t (id INT)' },
      { line: 5, connection: 'a', sql: 'BEGIN' },
      { line: 6, connection: 'b', sql: 'UPDATE t SET id = 2' },
      { line: 7, connection: 'b', sql: null },
    ]);
  });

  it('refuses malformed lines, setup waits and a fourth connection', () => {
    expect(() => parseScript('x', 'a BEGIN;')).toThrow(ScriptSyntaxError);
    expect(() => parseScript('x', 'setup: wait;')).toThrow(/never waits/);
    expect(() => parseScript('x', 'a: x;\nb: x;\nc: x;\nd: x;')).toThrow(/at most 3/);
    expect(() => parseScript('x', '# only a comment')).toThrow(/no steps/);
  });
});
