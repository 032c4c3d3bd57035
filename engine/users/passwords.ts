/**
 * Password hashes as MySQL stores them in mysql.user.authentication_string, and their checks.
 *
 *   mysql_native_password   '*' + upper-case hex of SHA1(SHA1(password)); 41 characters
 *   caching_sha2_password   '$A$005$' + salt (20 bytes) + SHA-256-crypt of the password with that
 *                           salt and 5,000 rounds (Drepper's SHA-crypt, 43 characters); 70 in all
 *   empty password          '' for either plugin
 *
 * The salt MySQL generates is 20 random bytes, each masked to 7 bits and moved off NUL and '$'.
 * Passwords never leave this module except hashed; nothing here logs.
 */
import { createHash, randomBytes } from 'node:crypto';

export type AuthPlugin = 'mysql_native_password' | 'caching_sha2_password';

export const AUTH_PLUGINS: readonly AuthPlugin[] = [
  'mysql_native_password',
  'caching_sha2_password',
];

export const CACHING_SHA2_ROUNDS = 5_000;
const CACHING_SHA2_PREFIX = '$A$005$';
const SALT_BYTES = 20;

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

export function nativePasswordHash(password: string): string {
  if (password === '') return '';
  return `*${sha1(sha1(Buffer.from(password, 'utf8')))
    .toString('hex')
    .toUpperCase()}`;
}

/** MySQL's salt: 20 bytes in 0x01–0x7F, never '$'. */
export function cachingSha2Salt(random: (n: number) => Buffer = randomBytes): Buffer {
  const salt = random(SALT_BYTES);
  for (let i = 0; i < salt.length; i++) {
    let b = (salt[i] as number) & 0x7f;
    if (b === 0 || b === 0x24) b++;
    salt[i] = b;
  }
  return salt;
}

const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The order SHA-256-crypt writes the digest's bytes in, three at a time. */
const CRYPT_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
];

function base64Of24(b2: number, b1: number, b0: number, chars: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += CRYPT_ALPHABET[w & 0x3f];
    w >>= 6;
  }
  return out;
}

/** `source` repeated to `length` bytes (digest blocks, then a prefix of one). */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += source.length) source.copy(out, at, 0, length - at);
  return out;
}

/** Drepper's SHA-256-crypt of `key` with `salt`: the 43-character hash part. */
export function sha256Crypt(key: Buffer, salt: Buffer, rounds: number): string {
  const sha = (...parts: Buffer[]): Buffer => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const b = sha(key, salt, key);
  const a = createHash('sha256').update(key).update(salt);
  let n = key.length;
  for (; n > 32; n -= 32) a.update(b);
  a.update(b.subarray(0, n));
  for (n = key.length; n > 0; n >>= 1) a.update(n & 1 ? b : key);
  const digestA = a.digest();
  const p = stretch(sha(...new Array<Buffer>(key.length).fill(key)), key.length);
  const s = stretch(sha(...new Array<Buffer>(16 + (digestA[0] as number)).fill(salt)), salt.length);
  let c = digestA;
  for (let r = 0; r < rounds; r++) {
    const h = createHash('sha256');
    h.update(r & 1 ? p : c);
    if (r % 3 !== 0) h.update(s);
    if (r % 7 !== 0) h.update(p);
    h.update(r & 1 ? c : p);
    c = h.digest();
  }
  let out = '';
  for (const [x, y, z] of CRYPT_ORDER)
    out += base64Of24(c[x] as number, c[y] as number, c[z] as number, 4);
  return out + base64Of24(0, c[31] as number, c[30] as number, 3);
}

export function cachingSha2Hash(password: string, salt: Buffer = cachingSha2Salt()): string {
  if (password === '') return '';
  const hash = sha256Crypt(Buffer.from(password, 'utf8'), salt, CACHING_SHA2_ROUNDS);
  return CACHING_SHA2_PREFIX + salt.toString('latin1') + hash;
}

export function passwordHash(plugin: AuthPlugin, password: string): string {
  return plugin === 'mysql_native_password'
    ? nativePasswordHash(password)
    : cachingSha2Hash(password);
}

/** True when `password` (the cleartext) matches `authString` stored for `plugin`. */
export function checkPassword(plugin: AuthPlugin, authString: string, password: string): boolean {
  if (authString === '') return password === '';
  if (plugin === 'mysql_native_password') return nativePasswordHash(password) === authString;
  if (!authString.startsWith(CACHING_SHA2_PREFIX)) return false;
  const salt = Buffer.from(authString.slice(7, 7 + SALT_BYTES), 'latin1');
  return cachingSha2Hash(password, salt) === authString;
}

/** True when `hash` has the form `plugin` stores (for IDENTIFIED WITH plugin AS 'hash'). */
export function isValidHash(plugin: AuthPlugin, hash: string): boolean {
  if (hash === '') return true;
  if (plugin === 'mysql_native_password') return /^\*[0-9A-F]{40}$/.test(hash);
  return hash.length === 70 && hash.startsWith(CACHING_SHA2_PREFIX);
}
