import crypto from 'node:crypto';

/*
 * The audit chain is keyed: each event's hash is an HMAC-SHA256 of its sealed text under a key
 * that lives outside the database (AUDIT_KEY, or one derived from the session secret). Someone
 * who can write to the database but does not hold the key cannot re-hash an edited event and the
 * ones after it so that /audit/verify passes.
 */
let key: Buffer | undefined;

export function configureAuditKey(secret: string): void {
  key = crypto.createHash('sha256').update(`attest-audit-key:${secret}`).digest();
}

export function mac(text: string): string {
  if (!key) throw new Error('the audit key is not configured');
  return crypto.createHmac('sha256', key).update(text).digest('hex');
}
