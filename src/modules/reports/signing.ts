import { ensureTrialIdentity, loadIdentity, signPdf } from './sign';

/*
 * The one signing identity of the register: the issuing authority's PKCS#12 (SIGNING_P12 /
 * SIGNING_P12_PASSWORD) or, in the embedded default, the trial identity in DATA_DIR. Certificates,
 * assessment reports and programme reports are all signed with it, the same way (PAdES, detached
 * PKCS#7, SHA-256). The file is read once; sign.ts keeps the opened key per file.
 */
export interface SigningConfig { p12Path?: string; passphrase?: string; dataDir: string; authority: string; location: string }
let signing: SigningConfig | undefined;
let identity: { p12: Buffer; passphrase: string } | undefined;

export function configureSigning(cfg: SigningConfig): void {
  signing = cfg;
  identity = undefined;
}

function configured(): SigningConfig {
  if (!signing) throw new Error('document signing is not configured');
  return signing;
}

export function signingIdentity(): { p12: Buffer; passphrase: string } {
  const s = configured();
  identity ??= s.p12Path ? loadIdentity(s.p12Path, s.passphrase ?? '') : ensureTrialIdentity(s.dataDir);
  return identity;
}

/** The authority named in every signature (SIGNING_AUTHORITY). */
export const signingAuthority = (): string => configured().authority;

/**
 * Signs a rendered document with the register's identity. `reason` names the document (pdfsig and
 * every reader show it); `signingTime` is the time the document says it was generated.
 */
export function signDocument(pdf: Buffer, reason: string, signingTime?: Date): Promise<Buffer> {
  const s = configured();
  return signPdf(pdf, signingIdentity(), { reason: ascii(reason), location: ascii(s.location), name: ascii(s.authority), signingTime });
}

/*
 * @signpdf/placeholder-plain writes a non-ASCII string as UTF-8 bytes of a UTF-16 text, which
 * readers show as "Ã¾Ã¿…"; the reason (built from people's names), the location and the signer are folded to ASCII:
 * "Lê Quốc Việt" → "Le Quoc Viet".
 */
export const ascii = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]/g, '?');
