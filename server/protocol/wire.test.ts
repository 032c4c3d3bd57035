/**
 * Length-encoded and fixed integers, strings, and the payload cursor: boundaries, round trips,
 * and malformed input (W1).
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import {
  lenEncBytesSize,
  lenEncIntSize,
  nulStringSize,
  PayloadReader,
  readFixedInt,
  readLenEncBytes,
  readLenEncInt,
  readLenEncLength,
  readNulBytes,
  writeFixedInt,
  writeLenEncBytes,
  writeLenEncInt,
  writeLenEncString,
  writeNulString,
} from './wire.js';

function lenenc(n: number | bigint): string {
  const buf = Buffer.alloc(lenEncIntSize(n));
  expect(writeLenEncInt(buf, 0, n)).toBe(buf.length);
  return buf.toString('hex');
}

describe('length-encoded integers', () => {
  it('uses the shortest form at every boundary', () => {
    expect(lenenc(0)).toBe('00');
    expect(lenenc(250)).toBe('fa');
    expect(lenenc(251)).toBe('fcfb00');
    expect(lenenc(0xffff)).toBe('fcffff');
    expect(lenenc(0x10000)).toBe('fd000001');
    expect(lenenc(0xffffff)).toBe('fdffffff');
    expect(lenenc(0x1000000)).toBe('fe0000000100000000');
    expect(lenenc(0xffff_ffff_ffff_ffffn)).toBe('feffffffffffffffff');
    expect(lenenc(5n)).toBe('05');
  });

  it('round-trips', () => {
    const values = [0n, 1n, 250n, 251n, 65535n, 65536n, 16777215n, 16777216n, 2n ** 53n + 1n];
    for (const v of [...values, 2n ** 64n - 1n]) {
      const buf = Buffer.alloc(lenEncIntSize(v) + 2);
      const end = writeLenEncInt(buf, 1, v);
      expect(readLenEncInt(buf, 1)).toEqual({ value: v, pos: end });
    }
  });

  it('rejects NULL, ERR and truncated input as malformed packets', () => {
    expect(() => readLenEncInt(Buffer.from('fb', 'hex'), 0)).toThrow(ProtocolError);
    expect(() => readLenEncInt(Buffer.from('ff', 'hex'), 0)).toThrow(ProtocolError);
    expect(() => readLenEncInt(Buffer.from('fc01', 'hex'), 0)).toThrow(ProtocolError);
    expect(() => readLenEncInt(Buffer.alloc(0), 0)).toThrow(ProtocolError);
    expect(() => readLenEncLength(Buffer.from('feffffffffffffffff', 'hex'), 0)).toThrow(
      /Malformed/,
    );
  });

  it('refuses negative and unsafe numbers on write', () => {
    expect(() => lenEncIntSize(-1)).toThrow();
    expect(() => lenEncIntSize(2 ** 53)).toThrow();
    expect(() => lenEncIntSize(2n ** 64n)).toThrow();
  });
});

describe('strings', () => {
  it('writes and reads lenenc strings', () => {
    const s = 'héllo';
    const n = Buffer.byteLength(s);
    const buf = Buffer.alloc(lenEncBytesSize(n) * 2);
    let pos = writeLenEncString(buf, 0, s, n);
    pos = writeLenEncBytes(buf, pos, Buffer.from([1, 2]));
    const a = readLenEncBytes(buf, 0);
    expect(a.value.toString('utf8')).toBe(s);
    const b = readLenEncBytes(buf, a.pos);
    expect([...b.value]).toEqual([1, 2]);
    expect(b.pos).toBe(pos);
  });

  it('rejects a lenenc string longer than the payload', () => {
    expect(() => readLenEncBytes(Buffer.from('0561', 'hex'), 0)).toThrow(ProtocolError);
  });

  it('writes and reads NUL strings', () => {
    const buf = Buffer.alloc(nulStringSize('root') + 1);
    expect(writeNulString(buf, 0, 'root')).toBe(5);
    expect(buf.toString('hex')).toBe('726f6f740000');
    expect(readNulBytes(buf, 0)).toEqual({ value: Buffer.from('root'), pos: 5 });
    expect(() => readNulBytes(Buffer.from('abc'), 0)).toThrow(ProtocolError);
    expect(() => writeNulString(Buffer.alloc(9), 0, 'a\0b')).toThrow();
  });
});

describe('fixed integers and the cursor', () => {
  it('reads little-endian', () => {
    const buf = Buffer.alloc(10);
    let pos = writeFixedInt(buf, 0, 0x0102, 2);
    pos = writeFixedInt(buf, pos, 0x030405, 3);
    pos = writeFixedInt(buf, pos, 0xdeadbeef, 4);
    expect(buf.subarray(0, pos).toString('hex')).toBe('0201050403efbeadde');
    expect(readFixedInt(buf, 2, 3)).toEqual({ value: 0x030405, pos: 5 });
    expect(() => readFixedInt(buf, 8, 4)).toThrow(ProtocolError);
  });

  it('walks a payload', () => {
    const r = new PayloadReader(Buffer.from('0a0203fc00016162630078797a', 'hex'));
    expect(r.int(1)).toBe(10);
    expect(r.int(2)).toBe(0x0302);
    expect(r.lenEncLength()).toBe(256);
    expect(r.nulBytes().toString()).toBe('abc');
    expect(r.remaining).toBe(3);
    expect(r.rest().toString()).toBe('xyz');
    expect(r.atEnd()).toBe(true);
    expect(() => r.int(1)).toThrow(ProtocolError);
  });
});
