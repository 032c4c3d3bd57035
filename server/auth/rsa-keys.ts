/**
 * The server's RSA key pair for caching_sha2_password's key exchange (a client without TLS
 * asks for the public key and sends its password encrypted with it). MySQL makes one at start
 * when none is configured; this one is made on first use, so a server whose clients never ask
 * pays nothing, and kept for the life of the listener.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';

export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo in PEM, as MySQL sends it in AuthMoreData. */
  readonly publicKeyPem: string;
}

/** MySQL's auto-generated keys are 2048 bits. */
const MODULUS_BITS = 2048;

export type RsaKeySource = () => Promise<RsaKeyPair>;

/** A source that generates the pair once, on first call (off the event loop). */
export function lazyRsaKeyPair(): RsaKeySource {
  let pair: Promise<RsaKeyPair> | null = null;
  return () => {
    pair ??= new Promise<RsaKeyPair>((resolve, reject) => {
      generateKeyPair('rsa', { modulusLength: MODULUS_BITS }, (error, publicKey, privateKey) => {
        if (error !== null) {
          pair = null;
          reject(error);
          return;
        }
        const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
        resolve({ privateKey, publicKeyPem });
      });
    });
    return pair;
  };
}
