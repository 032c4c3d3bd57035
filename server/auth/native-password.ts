/**
 * mysql_native_password: the challenge-response MySQL 4.1 introduced, which every traced client
 * answers at connect.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html
 *
 *   stored  = SHA1(SHA1(password))                      ("hash stage 2"; never the password)
 *   client  = SHA1(password) XOR SHA1(scramble + stored)
 *   verify  : SHA1(client XOR SHA1(scramble + stored)) == stored
 *
 * An empty password is stored as null, and the client then sends empty auth data.
 *
 * Invariants:
 *   (A1) The scramble is 20 bytes in 1…127 with no NUL and no '$', as MySQL generates it: it
 *        travels NUL-terminated in the greeting.
 *   (A2) Comparison of hashes is constant-time.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SCRAMBLE_LENGTH } from '../protocol/constants.js';

const DOLLAR = 0x24;

function sha1(...parts: Buffer[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  assert(a.length === b.length, 'xor of equal lengths');
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/** A fresh scramble (A1). */
export function createScramble(): Buffer {
  const bytes = randomBytes(SCRAMBLE_LENGTH);
  for (let i = 0; i < bytes.length; i++) {
    let b = (bytes[i] as number) & 0x7f;
    if (b === 0 || b === DOLLAR) b += 1;
    bytes[i] = b;
  }
  return bytes;
}

/** The stored form of a password; null for the empty password. */
export function nativePasswordHash(password: string): Buffer | null {
  if (password === '') return null;
  return sha1(sha1(Buffer.from(password, 'utf8')));
}

/**
 * The stored form as MySQL keeps it in mysql.user.authentication_string: '*' and the upper-case
 * hex of SHA1(SHA1(password)); '' for the empty password.
 */
export function nativeAuthString(password: string): string {
  const hash = nativePasswordHash(password);
  return hash === null ? '' : `*${hash.toString('hex').toUpperCase()}`;
}

/** The hash inside a stored string; null for ''; undefined if it is not one. */
export function parseNativeAuthString(stored: string): Buffer | null | undefined {
  if (stored === '') return null;
  if (!/^\*[0-9A-Fa-f]{40}$/.test(stored)) return undefined;
  return Buffer.from(stored.slice(1), 'hex');
}

/** What a client sends for `password` (used by tests and the raw test client). */
export function scrambleNativePassword(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(scramble, sha1(stage1)));
}

export interface NativePasswordCheck {
  readonly scramble: Buffer;
  readonly authResponse: Buffer;
  /** nativePasswordHash(password) of the account. */
  readonly storedHash: Buffer | null;
}

export function verifyNativePassword(check: NativePasswordCheck): boolean {
  const { scramble, authResponse, storedHash } = check;
  if (storedHash === null) return authResponse.length === 0;
  if (authResponse.length !== 20) return false;
  const stage1 = xor(authResponse, sha1(scramble, storedHash));
  return timingSafeEqual(sha1(stage1), storedHash);
}
