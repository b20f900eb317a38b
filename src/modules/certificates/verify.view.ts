import { displayDate, displayTimeZone } from '../../shared/display';
import type { CertificateDoc, CertificateStatus } from './certificate.model';

/*
 * What the public may know about a certificate, and the sentences that tell it: the number, the
 * system, its organization and level, the status with its reason, and the validity, with dates as
 * the PDF prints them (dd/mm/yyyy in the display time zone). Nothing else leaves the register.
 */
type Bi = { vi: string; en: string };

export const STATUS_TEXT: Record<CertificateStatus, Bi & { colour: string }> = {
  valid: { vi: 'CÒN HIỆU LỰC', en: 'VALID', colour: '#1b5e20' },
  suspended: { vi: 'ĐANG BỊ ĐÌNH CHỈ', en: 'SUSPENDED', colour: '#b33c00' },
  revoked: { vi: 'ĐÃ BỊ THU HỒI', en: 'REVOKED', colour: '#b71c1c' },
  expired: { vi: 'ĐÃ HẾT HẠN', en: 'EXPIRED', colour: '#555555' },
};

const NOW_IS: Record<Exclude<CertificateStatus, 'valid'>, Bi> = {
  suspended: { vi: 'đang bị đình chỉ', en: 'suspended' },
  revoked: { vi: 'đã bị thu hồi', en: 'revoked' },
  expired: { vi: 'đã hết hạn', en: 'expired' },
};

/** Why a certificate is not valid, in both languages; undefined when it is valid. */
export function reasonOf(c: Pick<CertificateDoc, 'status' | 'suspension' | 'revocation' | 'history' | 'expiresAt'>): Bi | undefined {
  if (c.status === 'suspended') {
    const n = c.suspension?.findings ?? 0;
    return {
      vi: `Hệ thống còn ${n} phát hiện mức nghiêm trọng hoặc cao chưa được khắc phục; giấy chứng nhận có hiệu lực trở lại khi các phát hiện này được đóng.`,
      en: `The system has ${n} open critical or high finding${n === 1 ? '' : 's'}; the certificate is reinstated once they are closed.`,
    };
  }
  if (c.status === 'expired') return { vi: `Hết thời hạn hiệu lực ngày ${displayDate(c.expiresAt, 'vi')}.`, en: `The validity period ended on ${displayDate(c.expiresAt, 'en')}.` };
  if (c.status !== 'revoked') return undefined;
  const text = c.revocation?.reason ?? [...(c.history ?? [])].reverse().find((e) => e.to === 'revoked')?.reason ?? '';
  const superseded = /^Superseded by (ATT-\d{4}-\d{6})$/.exec(text);
  if (superseded) return { vi: `Được thay thế bằng giấy chứng nhận ${superseded[1]}.`, en: `Superseded by certificate ${superseded[1]}.` };
  // the reason the administrator wrote, in the language they wrote it
  return text ? { vi: text, en: text } : undefined;
}

export function publicView(c: CertificateDoc) {
  const reason = reasonOf(c);
  return {
    number: c.number,
    status: c.status,
    system: c.snapshot.name,
    organization: c.snapshot.organization?.name ?? '',
    level: c.snapshot.level,
    issuedAt: c.issuedAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    ...(reason && { reason }),
    /** as printed on the certificate: dd/mm/yyyy in the display time zone */
    display: {
      timeZone: displayTimeZone(),
      issuedAt: displayDate(c.issuedAt, 'vi'),
      expiresAt: displayDate(c.expiresAt, 'vi'),
      status: { vi: STATUS_TEXT[c.status].vi, en: STATUS_TEXT[c.status].en },
    },
  };
}
export type PublicView = ReturnType<typeof publicView>;

/** The answer to "is this file the certificate?": one sentence per language, never ambiguous. */
export function checkAnswer(c: CertificateDoc, sha256: string) {
  const genuine = sha256 === c.pdf.sha256;
  if (!genuine) {
    return {
      genuine, match: genuine, sha256,
      message: {
        vi: 'Tệp này không phải là giấy chứng nhận do cơ quan đăng ký này cấp, hoặc đã bị sửa đổi.',
        en: 'This file is not a certificate issued by this register, or it was altered.',
      },
    };
  }
  const now = c.status === 'valid' ? undefined : NOW_IS[c.status];
  return {
    genuine, match: genuine, sha256,
    certificate: { number: c.number, status: c.status, issuedAt: c.issuedAt.toISOString(), expiresAt: c.expiresAt.toISOString() },
    message: {
      vi: `Tệp này là bản gốc của giấy chứng nhận ${c.number} cấp ngày ${displayDate(c.issuedAt, 'vi')}${now ? `, nhưng giấy chứng nhận hiện ${now.vi}` : ''}.`,
      en: `This file is the genuine certificate ${c.number} issued on ${displayDate(c.issuedAt, 'en')}${now ? `, but the certificate is now ${now.en}` : ''}.`,
    },
  };
}
