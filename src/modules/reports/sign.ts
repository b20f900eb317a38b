import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import signpdf, { Signer } from '@signpdf/signpdf';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';

/*
 * Digital signature of the certificate PDF: a detached PKCS#7 / CMS signature over the byte ranges
 * (SubFilter adbe.pkcs7.detached, SHA-256, RSA), which every PDF reader and pdfsig verify. The key
 * is the issuing authority's PKCS#12 (SIGNING_P12); without one, the embedded setup makes a
 * self-signed trial identity once, which verifies but is trusted by nobody.
 */
export interface SigningIdentity { p12: Buffer; passphrase: string; certificatePem: string }
export interface SignatureMeta {
  reason: string;
  location: string;
  /** the signer as the signature dictionary names it (the issuing authority) */
  name: string;
  contact?: string;
  /** defaults to now; fixed only to reproduce a signature */
  signingTime?: Date;
}

export const TRIAL_SUBJECT = 'Attest trial signing authority (not for production)';
const TRIAL_VALIDITY_YEARS = 10;

/** Signs `pdf` (an unsigned document from the renderers) and returns the signed bytes. */
export async function signPdf(pdf: Buffer, identity: { p12: Buffer; passphrase: string }, meta: SignatureMeta): Promise<Buffer> {
  const signingTime = meta.signingTime ?? new Date();
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf, reason: meta.reason, location: meta.location, name: meta.name, contactInfo: meta.contact ?? '',
    signingTime,
    // room for the signer's whole chain, which a production PKCS#12 may carry: it is never larger than the file
    signatureLength: Math.max(8192, identity.p12.length * 2),
  });
  return signpdf.sign(withPlaceholder, new IdentitySigner(opened(identity)), signingTime);
}

interface Opened { key: forge.pki.rsa.PrivateKey; certificate: forge.pki.Certificate; chain: forge.pki.Certificate[]; native: crypto.KeyObject }

/** Opens a PKCS#12 the way @signpdf's P12Signer does, so a bad file fails at start-up and not at the first issue. */
function openP12(p12: Buffer, passphrase: string, where: string): Opened {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
    try {
      parsed = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
    } catch (err) {
      throw new Error(`the passphrase does not open ${where} (wrong passphrase? ${(err as Error).message})`);
    }
  } catch (err) {
    if ((err as Error).message.startsWith('the passphrase')) throw err;
    throw new Error(`${where} is not a PKCS#12 (.p12 / .pfx) file: ${(err as Error).message}`);
  }
  const keyBags = parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
  const key = keyBags[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error(`${where} holds no encrypted private key (export it with its key, protected by a passphrase)`);
  const chain = (parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const certificate = chain.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return !!pub?.n && pub.n.compareTo(key.n) === 0 && pub.e.compareTo(key.e) === 0;
  });
  if (!certificate) throw new Error(`${where} holds no certificate for its private key`);
  return { key, certificate, chain, native: crypto.createPrivateKey(forge.pki.privateKeyToPem(key)) };
}

/*
 * Opening a PKCS#12 (two PBKDF2 derivations in JavaScript) and an RSA signature in forge take
 * ~17 ms each, which P12Signer pays on every certificate. The opened identity is kept per key
 * file (the same Buffer) and the RSA operation runs in node's native crypto.
 */
const openedCache = new WeakMap<Buffer, { passphrase: string; opened: Opened }>();
function opened(identity: { p12: Buffer; passphrase: string }): Opened {
  const hit = openedCache.get(identity.p12);
  if (hit && hit.passphrase === identity.passphrase) return hit.opened;
  const o = openP12(identity.p12, identity.passphrase, 'the signing identity');
  openedCache.set(identity.p12, { passphrase: identity.passphrase, opened: o });
  return o;
}

// DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2): what PKCS#1 v1.5 signs before the digest
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * The PKCS#7 P12Signer builds — same certificates, same signed attributes in the same order
 * (content type, signing time, message digest), SHA-256 — so the bytes are the same as its for
 * the same key and time; only where the key comes from and who does the RSA differ.
 */
class IdentitySigner extends Signer {
  constructor(private readonly id: Opened) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const c of this.id.chain) p7.addCertificate(c);
    const native = this.id.native;
    // forge calls key.sign(md) with the digest of the signed attributes; PKCS#1 v1.5 over its DigestInfo
    const key = {
      sign: (md: forge.md.MessageDigest) => crypto.privateEncrypt(
        { key: native, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().bytes(), 'binary')]),
      ).toString('binary'),
    };
    p7.addSigner({
      key: key as unknown as forge.pki.rsa.PrivateKey, certificate: this.id.certificate, digestAlgorithm: forge.pki.oids.sha256,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}

function readIdentity(p12Path: string, passphrase: string, names: { file: string; passphrase: string }): SigningIdentity {
  let p12: Buffer;
  try {
    p12 = fs.readFileSync(p12Path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${names.file}: cannot read ${p12Path} (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`);
  }
  let opened: Opened;
  try {
    opened = openP12(p12, passphrase, p12Path);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(`${message.startsWith('the passphrase') ? names.passphrase : names.file}: ${message}`);
  }
  return { p12, passphrase, certificatePem: forge.pki.certificateToPem(opened.certificate) };
}

/** The production identity (SIGNING_P12 / SIGNING_P12_PASSWORD); throws a message naming what is wrong. */
export function loadIdentity(p12Path: string, passphrase: string): SigningIdentity {
  return readIdentity(p12Path, passphrase, { file: 'SIGNING_P12', passphrase: 'SIGNING_P12_PASSWORD' });
}

/** Writes through a temporary file and a rename: a crash leaves the old file or the new one, never half. */
function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function makeTrialP12(passphrase: string, now: Date): { p12: Buffer; certificatePem: string } {
  // forge hands RSA key generation to node's native crypto when it is there: ~0.2 s, not ~10 s
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  const serial = crypto.randomBytes(16);
  serial[0] &= 0x7f; // a positive INTEGER, as RFC 5280 requires
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + TRIAL_VALIDITY_YEARS * 365.25 * 24 * 60 * 60 * 1000);
  const subject = [{ name: 'commonName', value: TRIAL_SUBJECT }, { name: 'organizationName', value: 'Attest' }, { name: 'countryName', value: 'VN' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], passphrase, { algorithm: 'aes256', friendlyName: TRIAL_SUBJECT });
  return { p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), certificatePem: forge.pki.certificateToPem(cert) };
}

/**
 * The embedded default's signing identity: `<dataDir>/signing/trial.p12` and its passphrase in
 * `trial.passphrase` (both 0600), generated on the first call and read back on every later one.
 * The passphrase is written first and the .p12 last, so a .p12 on disk always has its passphrase.
 */
export function ensureTrialIdentity(dataDir: string): SigningIdentity {
  const dir = path.join(dataDir, 'signing');
  const p12Path = path.join(dir, 'trial.p12');
  const passPath = path.join(dir, 'trial.passphrase');
  if (!fs.existsSync(p12Path)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const passphrase = crypto.randomBytes(24).toString('base64url');
    const made = makeTrialP12(passphrase, new Date());
    writeAtomic(passPath, `${passphrase}\n`);
    writeAtomic(p12Path, made.p12);
    return { p12: made.p12, passphrase, certificatePem: made.certificatePem };
  }
  let passphrase: string;
  try {
    passphrase = fs.readFileSync(passPath, 'utf8').trim();
  } catch (err) {
    throw new Error(`trial signing identity: ${p12Path} exists but its passphrase file ${passPath} cannot be read (${(err as NodeJS.ErrnoException).code}); delete ${dir} to generate a new identity`);
  }
  return readIdentity(p12Path, passphrase, { file: 'trial signing identity', passphrase: `trial signing identity (${passPath})` });
}
