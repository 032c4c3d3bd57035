/**
 * splitStatements: `;` outside quotes, identifiers and comments; no empty statement after a
 * trailing `;`; raw bytes untouched.
 */
import { describe, expect, it } from 'vitest';
import { splitStatements } from './split.js';

const split = (sql: string | Buffer): string[] =>
  splitStatements(Buffer.isBuffer(sql) ? sql : Buffer.from(sql)).map((b) => b.toString('latin1'));

describe('splitStatements', () => {
  it('splits on ; and drops what trails the last statement', () => {
    expect(split('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(split('BEGIN;')).toEqual(['BEGIN']);
    expect(split('SELECT 1;  \n ')).toEqual(['SELECT 1']);
    expect(split('SELECT 1; -- done\n')).toEqual(['SELECT 1']);
    expect(split('SELECT 1; /* done */')).toEqual(['SELECT 1']);
    expect(split('SELECT 1')).toEqual(['SELECT 1']);
    expect(split('')).toEqual(['']);
  });

  it('keeps an empty statement between two (the engine answers 1065)', () => {
    expect(split('SELECT 1;;SELECT 2')).toEqual(['SELECT 1', '', 'SELECT 2']);
  });

  it('ignores ; inside strings, identifiers and comments', () => {
    expect(split('SELECT \'a;b\', "c;d", `e;f`; SELECT 2')).toEqual([
      'SELECT \'a;b\', "c;d", `e;f`',
      'SELECT 2',
    ]);
    expect(split("SELECT 'it''s;', 'x\\';y'; SELECT 3")).toEqual([
      "SELECT 'it''s;', 'x\\';y'",
      'SELECT 3',
    ]);
    expect(split('SELECT 1 # a;b\n; SELECT 2 -- c;d\n;SELECT 3')).toEqual([
      'SELECT 1 # a;b\n',
      'SELECT 2 -- c;d\n',
      'SELECT 3',
    ]);
    expect(split('SELECT 1 /* ; */; /*!40101 SET NAMES utf8 */;')).toEqual([
      'SELECT 1 /* ; */',
      '/*!40101 SET NAMES utf8 */',
    ]);
    // '--' without a space is two minus signs, not a comment.
    expect(split('SELECT 1--1; SELECT 2')).toEqual(['SELECT 1--1', 'SELECT 2']);
  });

  it('leaves raw bytes alone and runs unterminated quotes to the end', () => {
    const raw = Buffer.from([0x53, 0x27, 0xff, 0x3b, 0x80, 0x27, 0x3b, 0x54]);
    const parts = splitStatements(raw);
    expect(parts.map((p) => [...p])).toEqual([[0x53, 0x27, 0xff, 0x3b, 0x80, 0x27], [0x54]]);
    expect(split("SELECT 'open; SELECT 2")).toEqual(["SELECT 'open; SELECT 2"]);
  });
});
