import crypto from 'node:crypto';
import { sha256 } from '../../shared/canonical';

/*
 * TOTP secrets are kept encrypted (AES-256-GCM) under a key derived from the session secret, which
 * lives outside the database: a copy of the database alone does not yield anyone's codes. Changing
 * SESSION_SECRET makes the stored secrets unreadable: those users then log in with a recovery code
 * (or an admin resets their second factor) and enrol again.
 */
let key: Buffer | undefined;

export function configureMfaKey(secret: string): void {
  key = crypto.createHash('sha256').update(`attest-mfa-key:${secret}`).digest();
}

function theKey(): Buffer {
  if (!key) throw new Error('the second-factor key is not configured');
  return key;
}

export function seal(plain: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', theKey(), iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
}

/** The plain text, or undefined when it was sealed under another key or altered. */
export function open(sealed: string): string | undefined {
  const [v, iv, body, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !body || !tag) return undefined;
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', theKey(), Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

// no 0/O, 1/I/L: codes are read off paper and typed by hand
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Ten one-time recovery codes of 60 bits each, formatted XXXX-XXXX-XXXX. */
export function recoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () => {
    const chars = Array.from({ length: 12 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

/** How a recovery code is typed does not matter (case, spaces, dashes). */
export const normaliseRecoveryCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
export const hashRecoveryCode = (code: string) => sha256(`attest-recovery:${normaliseRecoveryCode(code)}`);
