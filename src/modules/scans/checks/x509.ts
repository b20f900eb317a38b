import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

/**
 * What Node's X509Certificate does not tell: the signature algorithm. Read from the DER with a
 * reader that only ever walks inside the bounds of the element it is in, so a hostile certificate
 * can make it throw a DerError but not read past the buffer or loop.
 */

export class DerError extends Error {}

interface Tlv {
  tag: number;
  /** first byte of the contents */
  start: number;
  /** one past the last byte of the contents */
  end: number;
}

/** One tag-length-value element at `at`, which must end at or before `limit`. */
export function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (limit > der.length || at + 2 > limit) throw new DerError(`truncated element at ${at}`);
  const tag = der[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at ${at} is not used in certificates`);
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError(`indefinite length at ${at} is not DER`);
    // Four length bytes already describe 4 GiB; a certificate never needs more.
    if (count > 4) throw new DerError(`length of ${count} bytes at ${at}`);
    if (start + count > limit) throw new DerError(`truncated length at ${at}`);
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + der[start + i];
    start += count;
  }
  if (start + length > limit) throw new DerError(`element at ${at} runs past its container`);
  return { tag, start, end: start + length };
}

function expect(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

const SEQUENCE = 0x30;
const OID = 0x06;
const CONTEXT_0 = 0xa0;

export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DerError('empty OID');
  const ids: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    if (value > 2 ** 45) throw new DerError('OID arc too large');
    value = value * 128 + (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) === 0) {
      ids.push(value);
      value = 0;
    } else if (i === bytes.length - 1) {
      throw new DerError('OID ends inside an arc');
    }
  }
  const first = ids[0] < 80 ? Math.floor(ids[0] / 40) : 2;
  return [first, ids[0] - first * 40, ...ids.slice(1)].join('.');
}

export interface SignatureAlgorithm {
  oid: string;
  name: string;
  /** the digest the signature is made over, when the algorithm names one */
  hash?: string;
}

const ALGORITHMS: Record<string, { name: string; hash?: string }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSASignature', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', hash: 'sha256' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.3.101.112': { name: 'Ed25519' },
  '1.3.101.113': { name: 'Ed448' },
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm AlgorithmIdentifier, … }
 * AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
 */
export function signatureAlgorithm(der: Uint8Array): SignatureAlgorithm {
  const certificate = expect(readTlv(der, 0, der.length), SEQUENCE, 'Certificate');
  const tbs = expect(readTlv(der, certificate.start, certificate.end), SEQUENCE, 'tbsCertificate');
  const algorithm = expect(readTlv(der, tbs.end, certificate.end), SEQUENCE, 'signatureAlgorithm');
  const oidTlv = expect(readTlv(der, algorithm.start, algorithm.end), OID, 'signatureAlgorithm.algorithm');
  const oid = decodeOid(der.subarray(oidTlv.start, oidTlv.end));
  if (oid === RSASSA_PSS) {
    const hash = oidTlv.end < algorithm.end ? pssHash(der, readTlv(der, oidTlv.end, algorithm.end)) : 'sha1';
    return { oid, name: `rsassaPss(${hash})`, hash };
  }
  const known = ALGORITHMS[oid];
  return known ? { oid, ...known } : { oid, name: oid };
}

/** RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, … } */
function pssHash(der: Uint8Array, params: Tlv): string {
  if (params.tag !== SEQUENCE) return 'sha1';
  for (let at = params.start; at < params.end; ) {
    const field = readTlv(der, at, params.end);
    if (field.tag === CONTEXT_0) {
      const id = expect(readTlv(der, field.start, field.end), SEQUENCE, 'hashAlgorithm');
      const hashOid = expect(readTlv(der, id.start, id.end), OID, 'hashAlgorithm.algorithm');
      const oid = decodeOid(der.subarray(hashOid.start, hashOid.end));
      return DIGESTS[oid] ?? oid;
    }
    at = field.end;
  }
  return 'sha1';
}

/** Digests a forger can collide: a certificate signed over one can be impersonated. */
export const WEAK_HASHES: ReadonlySet<string> = new Set(['md2', 'md5', 'sha1']);

export interface KeyInfo {
  type: string;
  bits?: number;
  curve?: string;
}

export function keyInfo(cert: X509Certificate): KeyInfo {
  try {
    const key = cert.publicKey;
    const details = key.asymmetricKeyDetails ?? {};
    return {
      type: key.asymmetricKeyType ?? 'unknown',
      ...(details.modulusLength ? { bits: details.modulusLength } : {}),
      ...(details.namedCurve ? { curve: details.namedCurve } : {}),
    };
  } catch {
    // OpenSSL cannot load every key type (GOST, SM2…); the check still reports the rest.
    return { type: 'unsupported' };
  }
}

export function isSelfIssued(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

let bundledRoots: X509Certificate[] | undefined;

/**
 * Whether the chain, walked from the leaf, links signature by signature to one of the trust
 * anchors. Dates are ignored on purpose: OpenSSL reports a single verification error, and when
 * that is an expiry it hides whether the chain was trusted at all.
 */
export function anchoredIn(chain: X509Certificate[], extraCa: string[] = []): boolean {
  bundledRoots ??= tls.rootCertificates.map((pem) => new X509Certificate(pem));
  const anchors = [...bundledRoots, ...extraCa.map((pem) => new X509Certificate(pem))];
  const issues = (child: X509Certificate, parent: X509Certificate): boolean =>
    child.checkIssued(parent) && child.verify(parent.publicKey);
  for (let i = 0; i < chain.length; i += 1) {
    const cert = chain[i];
    if (anchors.some((a) => a.fingerprint256 === cert.fingerprint256 || issues(cert, a))) return true;
    const next = chain[i + 1];
    if (!next || !issues(cert, next)) return false;
  }
  return false;
}
