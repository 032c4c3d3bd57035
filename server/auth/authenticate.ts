/**
 * Authentication: from the client's first answer (in its HandshakeResponse41 or COM_CHANGE_USER)
 * to a verdict, with whatever exchange the account's plugin needs in between.
 *
 *   account   Engine.findAccount(user, host): accounts live in the engine's catalog (root is
 *             made at the volume's first start with --root-password)
 *   switch    when the client answered for another plugin than the account's: AuthSwitchRequest
 *             (plugin name, scramble + NUL), and the client's AuthSwitchResponse
 *   verify    mysql_native_password: one answer (native-password.ts)
 *             caching_sha2_password: fast path from the cache (AuthMoreData 0x03), else
 *             AuthMoreData 0x04 and the password itself, in clear over TLS, or RSA-encrypted
 *             after an optional public key request (0x02 → AuthMoreData with the PEM)
 *
 * The caller sends the final OK (after opening or resetting the session) or the ERR.
 *
 * Invariants:
 *   (A3) No secret is logged or kept: passwords and auth data live only in this call; the
 *        caching_sha2 cache keeps SHA256(SHA256(password)) (caching-sha2-password.ts H1).
 *   (A4) Full authentication with a cleartext password happens only over TLS; without TLS the
 *        password must come RSA-encrypted.
 *   (A5) Every path ends in a verdict or 'gone': a client that answers out of turn or with
 *        garbage is denied, never waited for beyond the connection's timeouts.
 */
import type { Account, Engine } from '../../engine/index.js';
import { SqlError } from '../../engine/index.js';
import { CACHING_SHA2_PASSWORD_PLUGIN, NATIVE_PASSWORD_PLUGIN } from '../protocol/constants.js';
import { CommandError } from '../protocol/errors.js';
import { encodeAuthMoreData } from '../protocol/packets/auth-more-data.js';
import { encodeAuthSwitchRequest } from '../protocol/packets/auth-switch.js';
import type { ErrPacket } from '../protocol/packets/err.js';
import {
  decryptPassword,
  FAST_AUTH_SUCCESS,
  PERFORM_FULL_AUTHENTICATION,
  REQUEST_PUBLIC_KEY,
  type Sha2Cache,
  sha2Digest2,
  untilNul,
  verifyCachingSha2Password,
  verifyCachingSha2Scramble,
} from './caching-sha2-password.js';
import { parseNativeAuthString, verifyNativePassword } from './native-password.js';
import type { RsaKeySource } from './rsa-keys.js';

/** The packets of one authentication exchange, with the connection's sequence ids. */
export interface AuthExchange {
  send(payload: Buffer): void;
  flush(): Promise<void>;
  /** The client's next packet of the exchange, copied; null once it left. */
  read(): Promise<Buffer | null>;
}

/** What the listener shares with every connection's authentication. */
export interface AuthServices {
  readonly engine: Engine;
  readonly sha2Cache: Sha2Cache;
  readonly rsaKeys: RsaKeySource;
}

export interface AuthAttempt {
  readonly user: string;
  readonly host: string;
  readonly scramble: Buffer;
  /** The plugin the client's answer is for; null for a client without CLIENT_PLUGIN_AUTH. */
  readonly clientPlugin: string | null;
  readonly authResponse: Buffer;
  /** The connection runs over TLS (A4). */
  readonly secure: boolean;
}

export type AuthOutcome =
  | { readonly kind: 'ok'; readonly account: Account }
  | { readonly kind: 'denied'; readonly error: ErrPacket }
  | { readonly kind: 'gone' };

function denied(attempt: AuthAttempt, answer: Buffer): AuthOutcome {
  const usingPassword = answer.length > 0 ? 'YES' : 'NO';
  const error = new SqlError('ER_ACCESS_DENIED_ERROR', [attempt.user, attempt.host, usingPassword]);
  return { kind: 'denied', error };
}

export async function authenticate(
  services: AuthServices,
  exchange: AuthExchange,
  attempt: AuthAttempt,
): Promise<AuthOutcome> {
  const account = await services.engine.findAccount(attempt.user, attempt.host);
  if (account === undefined) return denied(attempt, attempt.authResponse);
  if (account.locked) {
    const error = new CommandError('ER_ACCOUNT_HAS_BEEN_LOCKED', [attempt.user, attempt.host]);
    return { kind: 'denied', error };
  }
  let answer = attempt.authResponse;
  const plugin = attempt.clientPlugin ?? NATIVE_PASSWORD_PLUGIN;
  if (plugin !== account.plugin) {
    exchange.send(
      encodeAuthSwitchRequest({
        pluginName: account.plugin,
        pluginData: Buffer.concat([attempt.scramble, Buffer.from([0])]),
      }),
    );
    await exchange.flush();
    const switched = await exchange.read();
    if (switched === null) return { kind: 'gone' };
    answer = switched;
  }
  switch (account.plugin) {
    case NATIVE_PASSWORD_PLUGIN: {
      const storedHash = parseNativeAuthString(account.authString);
      if (storedHash === undefined) return denied(attempt, answer);
      const check = { scramble: attempt.scramble, authResponse: answer, storedHash };
      return verifyNativePassword(check) ? { kind: 'ok', account } : denied(attempt, answer);
    }
    case CACHING_SHA2_PASSWORD_PLUGIN:
      return cachingSha2(services, exchange, attempt, account, answer);
    default:
      return denied(attempt, answer);
  }
}

async function cachingSha2(
  services: AuthServices,
  exchange: AuthExchange,
  attempt: AuthAttempt,
  account: Account,
  answer: Buffer,
): Promise<AuthOutcome> {
  const stored = account.authString;
  if (stored === '') {
    // An empty password: the client sends nothing, or a single NUL.
    const empty = answer.length === 0 || (answer.length === 1 && answer[0] === 0);
    return empty ? { kind: 'ok', account } : denied(attempt, answer);
  }
  const key = `${account.user}@${account.host}`;
  const digest2 = services.sha2Cache.get(key, stored);
  if (digest2 !== undefined && verifyCachingSha2Scramble(answer, attempt.scramble, digest2)) {
    exchange.send(encodeAuthMoreData(Buffer.from([FAST_AUTH_SUCCESS])));
    return { kind: 'ok', account };
  }
  if (answer.length === 0) return denied(attempt, answer);
  exchange.send(encodeAuthMoreData(Buffer.from([PERFORM_FULL_AUTHENTICATION])));
  await exchange.flush();
  const password = await receivePassword(services, exchange, attempt);
  if (password === 'gone') return { kind: 'gone' };
  if (password === undefined || !verifyCachingSha2Password(password, stored)) {
    return denied(attempt, answer);
  }
  services.sha2Cache.set(key, stored, sha2Digest2(password));
  return { kind: 'ok', account };
}

/** Full authentication's password: cleartext over TLS, else RSA (A4); undefined if neither. */
async function receivePassword(
  services: AuthServices,
  exchange: AuthExchange,
  attempt: AuthAttempt,
): Promise<Buffer | undefined | 'gone'> {
  let packet = await exchange.read();
  if (packet === null) return 'gone';
  if (attempt.secure) return untilNul(packet);
  const keys = await services.rsaKeys();
  if (packet.length === 1 && packet[0] === REQUEST_PUBLIC_KEY) {
    exchange.send(encodeAuthMoreData(Buffer.from(keys.publicKeyPem, 'ascii')));
    await exchange.flush();
    packet = await exchange.read();
    if (packet === null) return 'gone';
  }
  return decryptPassword(keys.privateKey, packet, attempt.scramble);
}
