/**
 * caching_sha2_password, MySQL 8's default authentication: the stored format, the fast path's
 * scramble, the server's cache, and the RSA exchange that carries the password without TLS.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html
 *
 *   stored     '$A$' + rounds/1000 as 3 hex digits + '$' + salt (20 bytes) + digest (43 chars)
 *              digest = sha256-crypt(password, salt, rounds), encoded as crypt does
 *   fast path  client sends XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) + scramble)); the server
 *              checks it against the cached SHA256(SHA256(pw)) of the account
 *   full auth  the password itself: in clear over TLS, else RSA-OAEP(pw + NUL XOR scramble)
 *              with the server's public key, which the client may ask for (0x02)
 *
 * Invariants:
 *   (H1) The cache holds SHA256(SHA256(password)) only after a full authentication succeeded
 *        with that password, keyed by the account and its stored string: a changed password
 *        invalidates its entry.
 *   (H2) Comparisons of secrets are constant-time; no function here logs.
 *   (H3) A salt byte is in 1…127 and never '$' (MySQL's generate_user_salt), so the stored
 *        string is ASCII and splits on '$' unambiguously before the salt.
 */
import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  type KeyObject,
  privateDecrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { encodeCryptBase64, ROUNDS_DEFAULT, sha256CryptDigest } from './sha256-crypt.js';

export const SALT_LENGTH = 20;
const DIGEST_TEXT_LENGTH = 43;
const DIGEST_LENGTH = 32;
const DOLLAR = 0x24;

/** AuthMoreData verdicts and the client's request for the key. */
export const FAST_AUTH_SUCCESS = 0x03;
export const PERFORM_FULL_AUTHENTICATION = 0x04;
export const REQUEST_PUBLIC_KEY = 0x02;

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function xorRotating(data: Buffer, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = (data[i] as number) ^ (key[i % key.length] as number);
  }
  return out;
}

/** A fresh salt (H3). */
export function createSalt(): Buffer {
  const salt = randomBytes(SALT_LENGTH);
  for (let i = 0; i < salt.length; i++) {
    let b = (salt[i] as number) & 0x7f;
    if (b === 0 || b === DOLLAR) b += 1;
    salt[i] = b;
  }
  return salt;
}

/** The stored form of a password; '' for the empty password. */
export function cachingSha2AuthString(password: string, salt = createSalt()): string {
  if (password === '') return '';
  assert(salt.length === SALT_LENGTH, 'a 20-byte salt');
  assert(salt.every((b) => b > 0 && b < 128 && b !== DOLLAR), 'H3: salt bytes');
  const digest = sha256CryptDigest(Buffer.from(password, 'utf8'), salt, ROUNDS_DEFAULT);
  const rounds = (ROUNDS_DEFAULT / 1000).toString(16).toUpperCase().padStart(3, '0');
  return `$A$${rounds}$${salt.toString('latin1')}${encodeCryptBase64(digest)}`;
}

interface StoredSha2 {
  readonly rounds: number;
  readonly salt: Buffer;
  readonly digest: string;
}

/** The parts of a stored string, or undefined if it is not one. */
export function parseCachingSha2AuthString(stored: string): StoredSha2 | undefined {
  const m = /^\$A\$([0-9A-Fa-f]{3})\$/.exec(stored);
  if (m === null) return undefined;
  const body = Buffer.from(stored.slice(m[0].length), 'latin1');
  if (body.length !== SALT_LENGTH + DIGEST_TEXT_LENGTH) return undefined;
  const rounds = Number.parseInt(m[1] as string, 16) * 1000;
  if (rounds === 0) return undefined;
  return {
    rounds,
    salt: body.subarray(0, SALT_LENGTH),
    digest: body.subarray(SALT_LENGTH).toString('latin1'),
  };
}

/** Whether `password` is the one `stored` was made from (full authentication). */
export function verifyCachingSha2Password(password: Buffer, stored: string): boolean {
  if (stored === '') return password.length === 0;
  const parts = parseCachingSha2AuthString(stored);
  if (parts === undefined) return false;
  const digest = encodeCryptBase64(sha256CryptDigest(password, parts.salt, parts.rounds));
  return timingSafeEqual(Buffer.from(digest, 'latin1'), Buffer.from(parts.digest, 'latin1')); // H2
}

/** SHA256(SHA256(password)): what the cache keeps (H1). */
export function sha2Digest2(password: Buffer): Buffer {
  return sha256(sha256(password));
}

/** The client's fast-path answer for `password` (tests and the raw test client). */
export function scrambleCachingSha2(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  return xorRotating(stage1, sha256(sha256(stage1), scramble));
}

/** The fast path: does the client's answer prove it knows the password behind `digest2`? */
export function verifyCachingSha2Scramble(
  authResponse: Buffer,
  scramble: Buffer,
  digest2: Buffer,
): boolean {
  if (authResponse.length !== DIGEST_LENGTH) return false;
  const stage1 = xorRotating(authResponse, sha256(digest2, scramble));
  return timingSafeEqual(sha256(stage1), digest2); // H2
}

/**
 * The password a client sent RSA-encrypted: OAEP(SHA-1) over password + NUL XOR scramble.
 * undefined when it does not decrypt.
 */
export function decryptPassword(
  privateKey: KeyObject,
  encrypted: Buffer,
  scramble: Buffer,
): Buffer | undefined {
  let plain: Buffer;
  try {
    plain = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      encrypted,
    );
  } catch {
    return undefined;
  }
  return untilNul(xorRotating(plain, scramble));
}

/** A cleartext password as sent over TLS: the bytes before the terminating NUL. */
export function untilNul(bytes: Buffer): Buffer {
  const end = bytes.indexOf(0);
  return end < 0 ? bytes : bytes.subarray(0, end);
}

/** The server's fast-path cache (H1). */
export class Sha2Cache {
  readonly #entries = new Map<string, { readonly stored: string; readonly digest2: Buffer }>();

  constructor(readonly entriesMax = 10_000) {}

  get(account: string, stored: string): Buffer | undefined {
    const entry = this.#entries.get(account);
    return entry !== undefined && entry.stored === stored ? entry.digest2 : undefined;
  }

  set(account: string, stored: string, digest2: Buffer): void {
    if (this.#entries.size >= this.entriesMax && !this.#entries.has(account)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(account, { stored, digest2 });
  }
}
