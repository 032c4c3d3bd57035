/**
 * Golden DER encodings (X.690) for each type the certificate writer uses.
 */
import { describe, expect, it } from 'vitest';
import * as der from './der.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('DER', () => {
  it('encodes short and long lengths minimally', () => {
    expect(hex(der.tlv(0x04, Buffer.alloc(3)))).toBe('0403000000');
    expect(hex(der.tlv(0x04, Buffer.alloc(127))).slice(0, 4)).toBe('047f');
    expect(hex(der.tlv(0x04, Buffer.alloc(128))).slice(0, 6)).toBe('048180');
    expect(hex(der.tlv(0x04, Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
  });

  it('encodes INTEGERs minimally, with a 0x00 before a set top bit', () => {
    expect(hex(der.integer(0n))).toBe('020100');
    expect(hex(der.integer(2n))).toBe('020102');
    expect(hex(der.integer(127n))).toBe('02017f');
    expect(hex(der.integer(128n))).toBe('02020080');
    expect(hex(der.integer(256n))).toBe('02020100');
    expect(hex(der.integer(Buffer.from([0, 0, 0x7f])))).toBe('02017f');
    expect(hex(der.integer(Buffer.from([0xff, 1])))).toBe('020300ff01');
  });

  it('encodes OBJECT IDENTIFIERs in base 128', () => {
    expect(hex(der.objectIdentifier('2.5.4.3'))).toBe('0603550403');
    expect(hex(der.objectIdentifier('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(hex(der.objectIdentifier('2.5.29.17'))).toBe('0603551d11');
  });

  it('encodes strings, NULL, BOOLEAN, BIT STRING, and constructed types', () => {
    expect(hex(der.utf8String('é'))).toBe('0c02c3a9');
    expect(hex(der.printableString('US'))).toBe('13025553');
    expect(hex(der.nullValue())).toBe('0500');
    expect(hex(der.boolean(true))).toBe('0101ff');
    expect(hex(der.bitString(Buffer.from([0xab])))).toBe('030200ab');
    expect(hex(der.sequence(der.nullValue(), der.boolean(false)))).toBe('300505000101' + '00');
    expect(hex(der.set(der.nullValue()))).toBe('31020500');
    expect(hex(der.explicit(0, der.integer(2n)))).toBe('a003020102');
    expect(hex(der.implicitPrimitive(2, Buffer.from('a')))).toBe('820161');
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050', () => {
    const utc = der.time(new Date('2024-02-29T01:02:03Z'));
    expect(utc.subarray(2).toString()).toBe('240229010203Z');
    expect(utc[0]).toBe(0x17);
    const generalized = der.time(new Date('2050-01-01T00:00:00Z'));
    expect(generalized[0]).toBe(0x18);
    expect(generalized.subarray(2).toString()).toBe('20500101000000Z');
  });
});
