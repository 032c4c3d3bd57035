/**
 * The server's TLS identity (certificate chain and private key, in PEM): the files given with
 * --tls-cert and --tls-key, or else a self-signed certificate kept under <data-dir>/tls/, made
 * at the first start (as MySQL's auto_generate_certs does) and reused afterwards.
 *
 *   <data-dir>/tls/server-cert.pem    the certificate   (0644)
 *   <data-dir>/tls/server-key.pem     its private key   (0600)
 *
 * Invariant (I1): a certificate and key are written as a pair: the key first, then the
 * certificate, each to a temporary name renamed into place, so a crash never leaves a
 * certificate without its key; a directory with only one of the two is an error, not silently
 * overwritten.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TlsIdentity } from '../listener.js';
import { createSelfSignedCertificate } from './certificate.js';

export const CERT_FILE = 'server-cert.pem';
export const KEY_FILE = 'server-key.pem';
/** MySQL's auto-generated certificates are valid for 10 years. */
const VALIDITY_DAYS = 3650;

export class TlsSetupError extends Error {
  override readonly name = 'TlsSetupError';
}

export interface TlsSource {
  /** --tls-cert and --tls-key; both or neither. */
  readonly certPath: string | null;
  readonly keyPath: string | null;
  readonly dataDir: string;
}

export async function loadTlsIdentity(source: TlsSource, log: Logger): Promise<TlsIdentity> {
  if (source.certPath !== null && source.keyPath !== null) {
    const identity = await readPair(source.certPath, source.keyPath);
    log.info({ cert: source.certPath }, 'TLS certificate loaded');
    return identity;
  }
  const dir = join(source.dataDir, 'tls');
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  const [haveCert, haveKey] = await Promise.all([exists(certPath), exists(keyPath)]);
  if (haveCert && haveKey) {
    const identity = await readPair(certPath, keyPath);
    log.info({ cert: certPath }, 'TLS certificate loaded');
    return identity;
  }
  if (haveCert || haveKey) {
    throw new TlsSetupError(`${dir} holds only one of ${CERT_FILE} and ${KEY_FILE} (I1)`);
  }
  const made = await createSelfSignedCertificate({
    commonName: 'Borealis_Auto_Generated_Server_Certificate',
    altNames: ['localhost', '127.0.0.1', '::1'],
    validityDays: VALIDITY_DAYS,
  });
  await mkdir(dir, { recursive: true });
  await writeAtomically(keyPath, made.keyPem, 0o600); // I1: the key first
  await writeAtomically(certPath, made.certPem, 0o644);
  log.info({ cert: certPath }, 'made a self-signed TLS certificate');
  return { cert: made.certPem, key: made.keyPem };
}

async function readPair(certPath: string, keyPath: string): Promise<TlsIdentity> {
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  } catch (error) {
    throw new TlsSetupError(`cannot read the TLS certificate or key: ${String(error)}`);
  }
  try {
    const certificate = new X509Certificate(cert);
    if (!certificate.checkPrivateKey(createPrivateKey(key))) {
      throw new TlsSetupError(`${keyPath} is not the key of ${certPath}`);
    }
  } catch (error) {
    if (error instanceof TlsSetupError) throw error;
    const what = `bad TLS certificate or key (${certPath}, ${keyPath})`;
    throw new TlsSetupError(`${what}: ${String(error)}`);
  }
  return { cert, key };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}
