/**
 * The self-signed certificate, read back by node's X.509 parser (which is OpenSSL's): fields,
 * extensions, and a signature that verifies; and the identity kept under <data-dir>/tls.
 */
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, selfSignedDer, serialNumber } from './certificate.js';
import * as der from './der.js';
import { CERT_FILE, KEY_FILE, loadTlsIdentity, TlsSetupError } from './identity.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length > 0) await rm(dirs.pop() as string, { recursive: true, force: true });
});

describe('self-signed certificate', () => {
  it('parses with the expected fields and verifies with its own key', async () => {
    const made = await createSelfSignedCertificate({
      commonName: 'Borealis_Test',
      altNames: ['localhost', '127.0.0.1', '::1'],
      validityDays: 10,
      notBefore: new Date('2026-01-01T00:00:00Z'),
    });
    const cert = new X509Certificate(made.certPem);
    expect(cert.subject).toBe('O=Borealis\nCN=Borealis_Test');
    expect(cert.issuer).toBe(cert.subject);
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2026-01-11T00:00:00.000Z');
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.ca).toBe(true);
    expect(cert.keyUsage).toBeUndefined(); // node lists only extended key usage
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });

  it('makes serials of 16 bytes, positive, even from random bytes that start with zeros', () => {
    const oneAtTheEnd = Buffer.from(`${'00'.repeat(15)}01`, 'hex');
    const randoms = [Buffer.alloc(16), Buffer.alloc(16, 0xff), oneAtTheEnd];
    for (const random of randoms) {
      const encoded = der.integer(serialNumber(random));
      expect(encoded.subarray(0, 2)).toEqual(Buffer.from([0x02, 16])); // INTEGER, 16 bytes
      expect((encoded[2] as number) & 0x80).toBe(0); // positive
    }
  });

  it('signs exactly its TBSCertificate: a flipped byte fails verification', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const options = { commonName: 'x', altNames: ['localhost'], validityDays: 1 };
    const certDer = selfSignedDer(options, publicKey, privateKey);
    expect(new X509Certificate(certDer).verify(publicKey)).toBe(true);
    const tampered = Buffer.from(certDer);
    const at = tampered.indexOf(Buffer.from('localhost'));
    tampered[at] = 0x4c; // 'L'
    expect(new X509Certificate(tampered).verify(publicKey)).toBe(false);
  });
});

describe('TLS identity', () => {
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'borealis-tls-'));
    dirs.push(dir);
    return dir;
  }

  it('makes a certificate under <data-dir>/tls at first start and reuses it', async () => {
    const dataDir = await tempDir();
    const first = await loadTlsIdentity({ certPath: null, keyPath: null, dataDir }, log);
    expect((await stat(join(dataDir, 'tls', KEY_FILE))).mode & 0o777).toBe(0o600);
    const again = await loadTlsIdentity({ certPath: null, keyPath: null, dataDir }, log);
    expect(again).toEqual(first);
    expect(await readFile(join(dataDir, 'tls', CERT_FILE), 'utf8')).toBe(first.cert);
  });

  it('loads --tls-cert/--tls-key, and refuses a key that is not the certificate’s', async () => {
    const dir = await tempDir();
    const make = (commonName: string) =>
      createSelfSignedCertificate({ commonName, altNames: [], validityDays: 1 });
    const [one, two] = await Promise.all([make('a'), make('b')]);
    await writeFile(join(dir, 'cert.pem'), one.certPem);
    await writeFile(join(dir, 'key.pem'), one.keyPem);
    await writeFile(join(dir, 'other.pem'), two.keyPem);
    const source = { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem'), dataDir: dir };
    expect(await loadTlsIdentity(source, log)).toEqual({ cert: one.certPem, key: one.keyPem });
    await expect(
      loadTlsIdentity({ ...source, keyPath: join(dir, 'other.pem') }, log),
    ).rejects.toThrow(TlsSetupError);
    await expect(
      loadTlsIdentity({ ...source, keyPath: join(dir, 'missing.pem') }, log),
    ).rejects.toThrow(TlsSetupError);
  });

  it('refuses a data directory holding a certificate without its key', async () => {
    const dataDir = await tempDir();
    await loadTlsIdentity({ certPath: null, keyPath: null, dataDir }, log);
    await rm(join(dataDir, 'tls', KEY_FILE));
    await expect(
      loadTlsIdentity({ certPath: null, keyPath: null, dataDir }, log),
    ).rejects.toThrow(/only one/);
  });
});
