/**
 * SHA-256 crypt against the test vectors published with Drepper's specification
 * (SHA-crypt.txt), checked here also against glibc's crypt(3) and `openssl passwd -5`.
 */
import { describe, expect, it } from 'vitest';
import { encodeCryptBase64, sha256Crypt, sha256CryptDigest } from './sha256-crypt.js';

const VECTORS: readonly (readonly [string, string, string])[] = [
  ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  [
    '$5$rounds=10000$saltstringsaltstring',
    'Hello world!',
    '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA',
  ],
  [
    '$5$rounds=5000$toolongsaltstring',
    'This is just a test',
    '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5',
  ],
  [
    '$5$rounds=1400$anotherlongsaltstring',
    'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1',
  ],
  [
    '$5$rounds=77777$short',
    'we have a short salt string but not a short password',
    '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/',
  ],
  [
    '$5$rounds=123456$asaltof16chars..',
    'a short string',
    '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD',
  ],
  [
    '$5$rounds=10$roundstoolow',
    'the minimum number is still observed',
    '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC',
  ],
];

describe('sha256-crypt', () => {
  it.each(VECTORS)('%s of %j', (setting, key, expected) => {
    expect(sha256Crypt(key, setting)).toBe(expected);
  });

  it('takes a salt longer than 16 bytes whole (as MySQL does with its 20-byte salts)', () => {
    const salt16 = Buffer.from('0123456789abcdef');
    const salt20 = Buffer.from('0123456789abcdefghij');
    const a = encodeCryptBase64(sha256CryptDigest(Buffer.from('pw'), salt16, 5000));
    const b = encodeCryptBase64(sha256CryptDigest(Buffer.from('pw'), salt20, 5000));
    expect(a).toHaveLength(43);
    expect(b).toHaveLength(43);
    expect(a).not.toBe(b);
    expect(sha256Crypt('pw', '$5$0123456789abcdefghij')).toBe(`$5$0123456789abcdef$${a}`);
  });
});
