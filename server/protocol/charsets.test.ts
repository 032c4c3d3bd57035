/**
 * The wire charsets: collation ids from the handshake, and strings to bytes per
 * character_set_results (MySQL's latin1 is cp1252; characters a charset lacks become '?').
 */
import { describe, expect, it } from 'vitest';
import { charsetOfCollation, stringCodec } from './charsets.js';

describe('charsets', () => {
  it('knows the collation ids clients send in the handshake', () => {
    expect(charsetOfCollation(224)).toBe('utf8mb4'); // mysql2, the mariadb connector
    expect(charsetOfCollation(45)).toBe('utf8mb4'); // mysqldump, sysbench
    expect(charsetOfCollation(255)).toBe('utf8mb4');
    expect(charsetOfCollation(33)).toBe('utf8mb3'); // the mysql CLI
    expect(charsetOfCollation(8)).toBe('latin1');
    expect(charsetOfCollation(63)).toBe('binary');
    expect(charsetOfCollation(28)).toBeUndefined(); // gbk: not on the wire here
  });

  it('encodes latin1 as cp1252, with ? for what it lacks, and decodes every byte', () => {
    const latin1 = stringCodec('latin1');
    expect(latin1.encode('aé€Ÿ😀中').toString('hex')).toBe('61e9809f3f3f');
    expect(latin1.decode(Buffer.from([0x61, 0xe9, 0x80, 0x81, 0x9f]))).toBe('aé€\u0081Ÿ');
  });

  it('encodes utf8mb3 without 4-byte characters, utf8mb4 and binary as UTF-8', () => {
    expect(stringCodec('utf8mb3').encode('é😀').toString('hex')).toBe('c3a93f');
    expect(stringCodec('utf8mb4').encode('é😀')).toEqual(Buffer.from('é😀'));
    expect(stringCodec('binary').encode('é')).toEqual(Buffer.from('é'));
    expect(stringCodec('utf8mb4').decode(Buffer.from([0xff]))).toBe('\ufffd');
  });
});
