import type { CertificateStatus } from './certificate.model';
import type { Bilingual } from '../../shared/bilingual';
import { CERTIFICATE_STATUS_TEXT } from '../../shared/words';

/**
 * A certificate's life: valid ⇄ suspended (a critical or high finding opens / the last one closes),
 * either of them → revoked (an admin, with a reason; or superseded by a newer certificate) or
 * expired (its validity ends). Revoked and expired are final.
 */
export const CERTIFICATE_TRANSITIONS: Readonly<Record<CertificateStatus, readonly CertificateStatus[]>> = {
  valid: ['suspended', 'revoked', 'expired'],
  suspended: ['valid', 'revoked', 'expired'],
  revoked: [],
  expired: [],
};

export type CertificateCheck = { ok: true } | { ok: false; status: 409; reason: string; text: Bilingual };

/** Whether a certificate may move from `from` to `to` (a move to the same status is no move). */
export function checkCertificateTransition(from: CertificateStatus, to: CertificateStatus): CertificateCheck {
  if (CERTIFICATE_TRANSITIONS[from].includes(to)) return { ok: true };
  const reason = `A certificate that is ${from} cannot become ${to}`;
  return { ok: false, status: 409, reason, text: { en: reason, vi: `Chứng nhận ở trạng thái “${CERTIFICATE_STATUS_TEXT[from].vi}” không thể chuyển sang “${CERTIFICATE_STATUS_TEXT[to].vi}”` } };
}

/** The audit action of a move to `to`. */
export const actionOf = (to: CertificateStatus) => `certificate.${to === 'valid' ? 'reinstate' : to === 'suspended' ? 'suspend' : to === 'revoked' ? 'revoke' : 'expire'}`;
