/**
 * SHA-256-based crypt, as specified by Ulrich Drepper ("Unix crypt using SHA-256 and SHA-512",
 * https://www.akkadia.org/drepper/SHA-crypt.txt), which MySQL's caching_sha2_password uses to
 * store passwords (mysys/crypt_genhash_impl.cc).
 *
 *   sha256CryptDigest(key, salt, rounds)   the 32-byte digest after `rounds` rounds (steps 1–21)
 *   encodeCryptBase64(digest)              the 43-character encoding of step 22
 *   sha256Crypt(key, setting)              crypt(3) for '$5$[rounds=N$]salt': the spec's own
 *                                          format, used to check the published test vectors
 *
 * The spec's '$5$' format caps the salt at 16 characters and clamps rounds to 1000…999,999,999;
 * MySQL calls the same algorithm with a 20-byte salt, so sha256CryptDigest takes the salt whole.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

const DIGEST_LENGTH = 32;
export const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
const SALT_MAX = 16;
const B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `source` repeated to exactly `length` bytes (steps 16 and 20). */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += source.length) {
    source.copy(out, i, 0, Math.min(source.length, length - i));
  }
  return out;
}

export function sha256CryptDigest(key: Buffer, salt: Buffer, rounds: number): Buffer {
  assert(Number.isInteger(rounds) && rounds >= 1, 'rounds ≥ 1');
  // Steps 4–8: digest B.
  const b = sha256(key, salt, key);
  // Steps 1–3, 9–12: digest A.
  const a = createHash('sha256').update(key).update(salt);
  a.update(stretch(b, key.length));
  for (let n = key.length; n > 0; n >>= 1) a.update(n & 1 ? b : key);
  let digest = a.digest();
  // Steps 13–16: P, from key.length copies of the key.
  const dp = createHash('sha256');
  for (let i = 0; i < key.length; i++) dp.update(key);
  const p = stretch(dp.digest(), key.length);
  // Steps 17–20: S, from 16 + A[0] copies of the salt.
  const ds = createHash('sha256');
  for (let i = 0; i < 16 + (digest[0] as number); i++) ds.update(salt);
  const s = stretch(ds.digest(), salt.length);
  // Step 21: the rounds.
  for (let i = 0; i < rounds; i++) {
    const c = createHash('sha256');
    c.update(i & 1 ? p : digest);
    if (i % 3 !== 0) c.update(s);
    if (i % 7 !== 0) c.update(p);
    c.update(i & 1 ? digest : p);
    digest = c.digest();
  }
  assert(digest.length === DIGEST_LENGTH, 'a SHA-256 digest');
  return digest;
}

/** Step 22's byte order: each group of three bytes, most significant first. */
const GROUPS: readonly (readonly [number, number, number, number])[] = [
  [0, 10, 20, 4], [21, 1, 11, 4], [12, 22, 2, 4], [3, 13, 23, 4], [24, 4, 14, 4],
  [15, 25, 5, 4], [6, 16, 26, 4], [27, 7, 17, 4], [18, 28, 8, 4], [9, 19, 29, 4],
  [-1, 31, 30, 3],
];

export function encodeCryptBase64(digest: Buffer): string {
  assert(digest.length === DIGEST_LENGTH, 'a SHA-256 digest');
  let out = '';
  for (const [i2, i1, i0, count] of GROUPS) {
    const byte = (i: number): number => (i < 0 ? 0 : (digest[i] as number));
    let w = (byte(i2) << 16) | (byte(i1) << 8) | byte(i0);
    for (let n = 0; n < count; n++) {
      out += B64[w & 0x3f];
      w >>= 6;
    }
  }
  return out;
}

/** crypt(3) with a '$5$' setting: '$5$[rounds=N$]salt[$…]' → '$5$[rounds=N$]salt$hash'. */
export function sha256Crypt(key: string, setting: string): string {
  assert(setting.startsWith('$5$'), "a '$5$' setting");
  let rest = setting.slice(3);
  let rounds = ROUNDS_DEFAULT;
  let roundsGiven = false;
  const custom = /^rounds=(\d+)\$/.exec(rest);
  if (custom !== null) {
    rounds = Math.min(Math.max(Number(custom[1]), ROUNDS_MIN), ROUNDS_MAX);
    roundsGiven = true;
    rest = rest.slice(custom[0].length);
  }
  const salt = rest.split('$')[0]?.slice(0, SALT_MAX) ?? '';
  const digest = sha256CryptDigest(Buffer.from(key, 'utf8'), Buffer.from(salt, 'utf8'), rounds);
  const prefix = roundsGiven ? `$5$rounds=${rounds}$` : '$5$';
  return `${prefix}${salt}$${encodeCryptBase64(digest)}`;
}
