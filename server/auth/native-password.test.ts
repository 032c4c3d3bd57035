/**
 * mysql_native_password: the stored hash matches MySQL PASSWORD(), the scramble obeys A1, and
 * verification accepts exactly the right password.
 */
import { describe, expect, it } from 'vitest';
import {
  createScramble,
  nativePasswordHash,
  scrambleNativePassword,
  verifyNativePassword,
} from './native-password.js';

describe('mysql_native_password', () => {
  it('stores SHA1(SHA1(password)), the value of MySQL PASSWORD()', () => {
    // MySQL 5.7: SELECT PASSWORD('root') = '*81F5E21E35407D884A6CD4A731AEBFB6AF209E1B'
    expect(nativePasswordHash('root')?.toString('hex').toUpperCase()).toBe(
      '81F5E21E35407D884A6CD4A731AEBFB6AF209E1B',
    );
    expect(nativePasswordHash('')).toBeNull();
  });

  it('makes scrambles of 20 bytes without NUL or $', () => {
    for (let i = 0; i < 200; i++) {
      const s = createScramble();
      expect(s.length).toBe(20);
      for (const b of s) {
        expect(b).toBeGreaterThan(0);
        expect(b).toBeLessThan(128);
        expect(b).not.toBe(0x24);
      }
    }
  });

  it('accepts the right password and refuses others', () => {
    const scramble = createScramble();
    const storedHash = nativePasswordHash('s3cret');
    const ok = scrambleNativePassword('s3cret', scramble);
    expect(ok.length).toBe(20);
    expect(verifyNativePassword({ scramble, authResponse: ok, storedHash })).toBe(true);
    const wrong = scrambleNativePassword('secret', scramble);
    expect(verifyNativePassword({ scramble, authResponse: wrong, storedHash })).toBe(false);
    const otherScramble = createScramble();
    expect(verifyNativePassword({ scramble: otherScramble, authResponse: ok, storedHash })).toBe(
      false,
    );
    expect(verifyNativePassword({ scramble, authResponse: Buffer.alloc(0), storedHash })).toBe(
      false,
    );
  });

  it('with an empty password, accepts only empty auth data', () => {
    const scramble = createScramble();
    expect(
      verifyNativePassword({ scramble, authResponse: Buffer.alloc(0), storedHash: null }),
    ).toBe(true);
    const sent = scrambleNativePassword('x', scramble);
    expect(verifyNativePassword({ scramble, authResponse: sent, storedHash: null })).toBe(false);
  });
});
