/**
 * A self-signed X.509 v3 certificate for the server's TLS, made with node:crypto (which has no
 * certificate writer in Node 20) and the DER writer in der.ts. MySQL makes the same kind of
 * certificate at first start when none is configured (auto_generate_certs); clients such as the
 * mysql CLI use TLS with it without verifying it, and a client that wants to verify can trust
 * this very certificate (it is its own CA).
 *
 *   https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 *
 *   Certificate  ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE {
 *     version [0] EXPLICIT INTEGER 2 (v3), serialNumber INTEGER (random, positive),
 *     signature AlgorithmIdentifier (sha256WithRSAEncryption, NULL),
 *     issuer Name = subject Name (CN=<commonName>),
 *     validity SEQUENCE { notBefore, notAfter },
 *     subjectPublicKeyInfo (node's SPKI DER of the key),
 *     extensions [3] EXPLICIT SEQUENCE {
 *       basicConstraints (critical) CA:TRUE, keyUsage (critical) digitalSignature,
 *       keyEncipherment, keyCertSign, subjectAltName DNS and IP names, subjectKeyIdentifier } }
 *
 * Invariant (X1): the signature is computed over exactly the TBSCertificate bytes embedded in the
 * certificate (node's X509Certificate.verify checks it in the tests).
 */
import { createHash, generateKeyPair, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

const OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

export interface CertificateOptions {
  readonly commonName: string;
  /** DNS names and IP addresses the certificate is for. */
  readonly altNames: readonly string[];
  readonly validityDays: number;
  /** Defaults to now. */
  readonly notBefore?: Date;
}

export interface SelfSigned {
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 86_400_000;
/** MySQL's auto-generated keys are RSA 2048. */
const KEY_BITS = 2048;

export async function createSelfSignedCertificate(
  options: CertificateOptions,
): Promise<SelfSigned> {
  const { publicKey, privateKey } = await rsaKeyPair();
  const certDer = selfSignedDer(options, publicKey, privateKey);
  return {
    certPem: pem('CERTIFICATE', certDer),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function rsaKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: KEY_BITS }, (error, publicKey, privateKey) => {
      if (error !== null) reject(error);
      else resolve({ publicKey, privateKey });
    });
  });
}

/**
 * A serial number from 16 random bytes: positive, and always 16 bytes once DER-encoded (its
 * first byte 0x40-0x7f: DER drops a leading zero byte, which made 1 serial in 128 shorter).
 */
export function serialNumber(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = 0x40 | ((serial[0] as number) & 0x3f);
  return serial;
}

export function selfSignedDer(
  options: CertificateOptions,
  publicKey: KeyObject,
  privateKey: KeyObject,
): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const algorithm = der.sequence(
    der.objectIdentifier(OID.sha256WithRSAEncryption),
    der.nullValue(),
  );
  const attribute = (oid: string, value: string): Buffer =>
    der.set(der.sequence(der.objectIdentifier(oid), der.utf8String(value)));
  const name = der.sequence(
    attribute(OID.organizationName, 'Borealis'),
    attribute(OID.commonName, options.commonName),
  );
  const notBefore = options.notBefore ?? new Date();
  const notAfter = new Date(notBefore.getTime() + options.validityDays * DAY_MS);
  const serial = serialNumber(randomBytes(16));
  const tbs = der.sequence(
    der.explicit(0, der.integer(2n)),
    der.integer(serial),
    algorithm,
    name,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name,
    spki,
    der.explicit(3, extensions(options.altNames, spki)),
  );
  const signature = sign('sha256', tbs, privateKey); // X1
  return der.sequence(tbs, algorithm, der.bitString(signature));
}

function extensions(altNames: readonly string[], spki: Buffer): Buffer {
  const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
    der.sequence(
      der.objectIdentifier(oid),
      ...(critical ? [der.boolean(true)] : []),
      der.octetString(value),
    );
  // keyUsage bits: digitalSignature (0), keyEncipherment (2), keyCertSign (5): 1010 01, so
  // the BIT STRING is 0xA4 with 2 unused bits (DER: trailing zero bits are not encoded).
  const keyUsage = Buffer.from([0x03, 0x02, 0x02, 0xa4]);
  const names = altNames.map((n) =>
    isIP(n) === 0
      ? der.implicitPrimitive(2, Buffer.from(n, 'ascii')) // dNSName
      : der.implicitPrimitive(7, ipBytes(n)), // iPAddress
  );
  const keyId = createHash('sha1').update(spki).digest();
  return der.sequence(
    extension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.subjectAltName, false, der.sequence(...names)),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyId)),
  );
}

/** An IPv4 or IPv6 address as the 4 or 16 bytes of an iPAddress GeneralName. */
function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  const all = [...left, ...zeros, ...right];
  return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function pem(label: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
