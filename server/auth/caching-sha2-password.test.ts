/**
 * caching_sha2_password's pieces: the stored '$A$005$' format, full verification, the fast-path
 * scramble (checked against mysql2's own client code), RSA-OAEP decryption and the cache.
 */
import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  cachingSha2AuthString,
  createSalt,
  decryptPassword,
  parseCachingSha2AuthString,
  scrambleCachingSha2,
  Sha2Cache,
  sha2Digest2,
  verifyCachingSha2Password,
  verifyCachingSha2Scramble,
} from './caching-sha2-password.js';
import { createScramble } from './native-password.js';
import { encodeCryptBase64, sha256CryptDigest } from './sha256-crypt.js';

const require = createRequire(import.meta.url);
const mysql2Sha2 = require(
  require.resolve('mysql2').replace(/index\.js$/, 'lib/auth_plugins/caching_sha2_password.js'),
) as { calculateToken(password: string, scramble: Buffer): Buffer };

describe('caching_sha2_password', () => {
  it("stores '$A$005$' + 20-byte salt + sha256-crypt(5000 rounds) in 43 characters", () => {
    const salt = Buffer.from('abcdefghijklmnopqrst');
    const stored = cachingSha2AuthString('secret', salt);
    expect(stored).toHaveLength(70);
    const digest = encodeCryptBase64(sha256CryptDigest(Buffer.from('secret'), salt, 5000));
    expect(stored).toBe(`$A$005$abcdefghijklmnopqrst${digest}`);
    expect(parseCachingSha2AuthString(stored)).toEqual({ rounds: 5000, salt, digest });
    expect(cachingSha2AuthString('')).toBe('');
  });

  it('makes salts of printable-range bytes without NUL or $', () => {
    for (let i = 0; i < 50; i++) {
      const salt = createSalt();
      expect(salt.every((b) => b > 0 && b < 128 && b !== 0x24)).toBe(true);
    }
  });

  it('verifies a password against its stored form', () => {
    const stored = cachingSha2AuthString('pässword');
    expect(verifyCachingSha2Password(Buffer.from('pässword'), stored)).toBe(true);
    expect(verifyCachingSha2Password(Buffer.from('password'), stored)).toBe(false);
    expect(verifyCachingSha2Password(Buffer.alloc(0), '')).toBe(true);
    expect(verifyCachingSha2Password(Buffer.from('x'), '')).toBe(false);
    expect(verifyCachingSha2Password(Buffer.from('x'), '*ABC')).toBe(false);
    expect(parseCachingSha2AuthString('$A$005$short')).toBeUndefined();
  });

  it("checks the fast-path answer exactly as mysql2's client computes it", () => {
    const scramble = createScramble();
    const ours = scrambleCachingSha2('secret', scramble);
    expect(ours).toEqual(mysql2Sha2.calculateToken('secret', scramble));
    const digest2 = sha2Digest2(Buffer.from('secret'));
    expect(verifyCachingSha2Scramble(ours, scramble, digest2)).toBe(true);
    expect(verifyCachingSha2Scramble(ours, createScramble(), digest2)).toBe(false);
    expect(verifyCachingSha2Scramble(ours.subarray(1), scramble, digest2)).toBe(false);
  });

  it('decrypts an RSA-OAEP password XORed with the scramble', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const scramble = createScramble();
    const plain = Buffer.from('a long enough password\0');
    const mixed = Buffer.from(plain.map((b, i) => b ^ (scramble[i % 20] as number)));
    const encrypted = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      mixed,
    );
    expect(decryptPassword(privateKey, encrypted, scramble)).toEqual(
      Buffer.from('a long enough password'),
    );
    expect(decryptPassword(privateKey, Buffer.alloc(128, 7), scramble)).toBeUndefined();
  });

  it('caches per account and stored string, so a new password invalidates the entry', () => {
    const cache = new Sha2Cache(2);
    cache.set('a@%', 'one', Buffer.from([1]));
    expect(cache.get('a@%', 'one')).toEqual(Buffer.from([1]));
    expect(cache.get('a@%', 'two')).toBeUndefined();
    cache.set('b@%', 'x', Buffer.from([2]));
    cache.set('c@%', 'x', Buffer.from([3]));
    expect(cache.get('a@%', 'one')).toBeUndefined(); // bounded: the oldest went
    expect(cache.get('c@%', 'x')).toEqual(Buffer.from([3]));
  });
});
