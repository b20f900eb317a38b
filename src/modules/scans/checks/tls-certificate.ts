import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Check, CheckContext, Failure, Target, TargetResult } from './types';
import { bareHost, describeError, speaksTls, tlsHandshake, tlsTargetKey } from './tls-connect';
import { WEAK_HASHES, anchoredIn, isSelfIssued, keyInfo, signatureAlgorithm, type SignatureAlgorithm } from './x509';

const DAY_MS = 24 * 60 * 60 * 1000;
export const EXPIRY_WARNING_DAYS = 30;
export const MIN_RSA_BITS = 2048;
/** Longer chains than this are not served by anyone sane; the walk stops rather than trusts them. */
const MAX_CHAIN = 10;
const MAX_SANS = 50;

/**
 * OpenSSL's "the issuer of the last certificate sent is nowhere": the chain stops short of any root.
 * testssl reports these as "chain incomplete"; a self-signed or mis-signed chain stays cert.untrusted.
 */
const INCOMPLETE_CHAIN_ERRORS = new Set(['UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** Bits of security-relevant size per named curve; below 256 bits an EC key is weak (NIST SP 800-57). */
const CURVE_BITS: Record<string, number> = {
  prime192v1: 192, secp192k1: 192, secp224r1: 224, secp224k1: 224, prime256v1: 256, secp256k1: 256,
  secp384r1: 384, secp521r1: 521, brainpoolP256r1: 256, brainpoolP384r1: 384, brainpoolP512r1: 512,
};
export const MIN_EC_BITS = 256;

/** Verification errors that are about dates, not about who signed what. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'CRL_NOT_YET_VALID']);

export const tlsCertificate: Check = {
  id: 'tls.certificate',
  severity: 'high',
  appliesTo: speaksTls,
  async run(target: Target, ctx: CheckContext): Promise<TargetResult[]> {
    const key = tlsTargetKey(target);
    let socket: tls.TLSSocket;
    try {
      socket = await tlsHandshake(
        target,
        {
          // The point is to see whatever certificate the server has, weak key and legacy protocol included.
          minVersion: 'TLSv1',
          ciphers: 'DEFAULT@SECLEVEL=0',
          ca: [...tls.rootCertificates, ...(ctx.ca ?? [])],
        },
        ctx.timeoutMs,
      );
    } catch (err) {
      return [{ target: key, status: 'error', failures: [], observations: {}, error: `TLS handshake failed: ${describeError(err)}` }];
    }
    try {
      const peer = socket.getPeerCertificate(true);
      if (!peer?.raw) return [{ target: key, status: 'error', failures: [], observations: {}, error: 'The server sent no certificate' }];
      const authorizationError = socket.authorized ? undefined : String(socket.authorizationError ?? 'unknown');
      const result = inspect(target, peerChain(peer), authorizationError, ctx.ca ?? [], Date.now());
      result.observations.protocol = socket.getProtocol();
      return [result];
    } catch (err) {
      return [{ target: key, status: 'error', failures: [], observations: {}, error: `Cannot read the certificate: ${describeError(err)}` }];
    } finally {
      socket.destroy();
    }
  },
};

/** Node links a detailed peer certificate to its issuer; a self-signed one links to itself. */
function peerChain(leaf: tls.DetailedPeerCertificate): tls.DetailedPeerCertificate[] {
  const chain: tls.DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  for (let cert: tls.DetailedPeerCertificate | undefined = leaf; cert?.raw && chain.length < MAX_CHAIN; cert = cert.issuerCertificate) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    chain.push(cert);
  }
  return chain;
}

interface ChainEntry {
  x509: X509Certificate;
  peer: tls.DetailedPeerCertificate;
  signature?: SignatureAlgorithm;
  /** a self-signed certificate above the leaf: its own signature vouches for nothing */
  root: boolean;
}

function inspect(target: Target, peers: tls.DetailedPeerCertificate[], authorizationError: string | undefined, extraCa: string[], now: number): TargetResult {
  const chain: ChainEntry[] = peers.map((peer, i) => {
    const x509 = new X509Certificate(peer.raw);
    let signature: SignatureAlgorithm | undefined;
    try {
      signature = signatureAlgorithm(peer.raw);
    } catch {
      signature = undefined;
    }
    return { x509, peer, signature, root: i > 0 && isSelfIssued(x509) };
  });
  const leaf = chain[0];
  const graded = chain.filter((c) => !c.root);
  const failures: Failure[] = [];
  const label = (c: ChainEntry): string => (c === leaf ? 'the certificate' : `the chain certificate "${oneLine(c.x509.subject)}"`);

  const expired = graded.filter((c) => Date.parse(c.x509.validTo) < now);
  const early = graded.filter((c) => Date.parse(c.x509.validFrom) > now);
  for (const c of expired) {
    failures.push({ code: 'cert.expired', severity: 'critical', message: `${cap(label(c))} expired on ${iso(c.x509.validTo)}.` });
  }
  for (const c of early) {
    failures.push({ code: 'cert.not_yet_valid', severity: 'high', message: `${cap(label(c))} is not valid before ${iso(c.x509.validFrom)}.` });
  }
  const expiring = graded.filter((c) => !expired.includes(c) && Date.parse(c.x509.validTo) - now <= EXPIRY_WARNING_DAYS * DAY_MS);
  for (const c of expiring) {
    const days = Math.floor((Date.parse(c.x509.validTo) - now) / DAY_MS);
    failures.push({ code: 'cert.expiring', severity: 'medium', message: `${cap(label(c))} expires on ${iso(c.x509.validTo)}, in ${days} day(s).` });
  }

  // A date error that our own date checks explain leaves the question of trust open: answer it.
  const trusted =
    authorizationError === undefined ||
    (TIME_ERRORS.has(authorizationError) && expired.length + early.length > 0 && anchoredIn(chain.map((c) => c.x509), extraCa));
  if (!trusted && authorizationError !== undefined && INCOMPLETE_CHAIN_ERRORS.has(authorizationError)) {
    const top = chain[chain.length - 1];
    failures.push({
      code: 'cert.chain_incomplete',
      severity: 'high',
      message: `The chain the server sends stops at "${oneLine(top.x509.subject)}", whose issuer "${oneLine(top.x509.issuer)}" it does not send and no trusted root is: an intermediate certificate is missing (or the issuing CA is unknown) (${authorizationError}).`,
    });
  } else if (!trusted) {
    failures.push({ code: 'cert.untrusted', severity: 'high', message: `The certificate chain is not trusted (${authorizationError}).` });
  }

  const sans = (leaf.peer.subjectaltname ?? '').split(', ').filter(Boolean);
  const host = bareHost(target.host);
  const hostnameChecked = !net.isIP(host) || sans.some((s) => s.startsWith('IP Address:'));
  if (hostnameChecked) {
    const mismatch = tls.checkServerIdentity(host, leaf.peer);
    if (mismatch) failures.push({ code: 'cert.hostname_mismatch', severity: 'high', message: mismatch.message });
  }

  for (const c of graded) {
    const key = keyInfo(c.x509);
    if ((key.type === 'rsa' || key.type === 'rsa-pss') && key.bits !== undefined && key.bits < MIN_RSA_BITS) {
      failures.push({ code: 'cert.weak_key', severity: 'high', message: `${cap(label(c))} has a ${key.bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required.` });
    }
    const ecBits = key.type === 'ec' && key.curve ? CURVE_BITS[key.curve] : undefined;
    if (ecBits !== undefined && ecBits < MIN_EC_BITS) {
      failures.push({ code: 'cert.weak_key', severity: 'high', message: `${cap(label(c))} has a ${ecBits}-bit EC key (${key.curve}); at least ${MIN_EC_BITS} bits are required.` });
    }
    if (c.signature?.hash && WEAK_HASHES.has(c.signature.hash)) {
      failures.push({ code: 'cert.sha1_signature', severity: 'high', message: `${cap(label(c))} is signed with ${c.signature.name}, a digest that can be forged.` });
    }
  }

  const observations: Record<string, unknown> = {
    subject: oneLine(leaf.x509.subject),
    issuer: oneLine(leaf.x509.issuer),
    validFrom: iso(leaf.x509.validFrom),
    validTo: iso(leaf.x509.validTo),
    daysLeft: Math.floor((Date.parse(leaf.x509.validTo) - now) / DAY_MS),
    sans: sans.slice(0, MAX_SANS),
    key: keyInfo(leaf.x509),
    signatureAlgorithm: leaf.signature?.name ?? 'unknown',
    chainLength: chain.length,
    chain: chain.map((c) => ({ subject: oneLine(c.x509.subject), issuer: oneLine(c.x509.issuer), signatureAlgorithm: c.signature?.name ?? 'unknown', validTo: iso(c.x509.validTo) })),
    authorized: authorizationError === undefined,
    trusted,
    hostnameChecked,
    fingerprint256: leaf.x509.fingerprint256,
  };
  if (authorizationError !== undefined) observations.authorizationError = authorizationError;
  return { target: tlsTargetKey(target), status: failures.length > 0 ? 'fail' : 'pass', failures, observations };
}

function oneLine(name: string): string {
  return name.split('\n').join(', ').slice(0, 500);
}

function iso(date: string): string {
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? date : new Date(ms).toISOString();
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
