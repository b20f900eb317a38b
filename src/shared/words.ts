import type { AssessmentStatus, FindingStatus, ResultValue, Severity } from './enums';
import type { Bilingual } from './bilingual';

/* The enums of the API as people read them, for messages the server words (the console has its own dictionaries). */
export const FINDING_STATUS_TEXT: Record<FindingStatus, Bilingual> = {
  open: { vi: 'mới mở', en: 'open' }, in_remediation: { vi: 'đang khắc phục', en: 'in remediation' }, resolved: { vi: 'đã khắc phục', en: 'resolved' },
  verified: { vi: 'đã xác minh', en: 'verified' }, reopened: { vi: 'mở lại', en: 'reopened' }, risk_accepted: { vi: 'chấp nhận rủi ro', en: 'risk accepted' },
};

export const ASSESSMENT_STATUS_TEXT: Record<AssessmentStatus, Bilingual> = {
  draft: { vi: 'nháp', en: 'a draft' }, in_progress: { vi: 'đang thực hiện', en: 'in progress' }, submitted: { vi: 'đã gửi duyệt', en: 'submitted' },
  approved: { vi: 'đã phê duyệt', en: 'approved' }, returned: { vi: 'bị trả lại', en: 'returned' },
};

export const RESULT_TEXT: Record<ResultValue, Bilingual> = {
  met: { vi: 'Đạt', en: 'Met' }, partial: { vi: 'Đạt một phần', en: 'Partially met' }, not_met: { vi: 'Không đạt', en: 'Not met' }, not_applicable: { vi: 'Không áp dụng', en: 'Not applicable' },
};

export const CERTIFICATE_STATUS_TEXT: Record<string, Bilingual> = {
  valid: { vi: 'còn hiệu lực', en: 'valid' }, suspended: { vi: 'tạm đình chỉ', en: 'suspended' }, revoked: { vi: 'đã thu hồi', en: 'revoked' }, expired: { vi: 'hết hạn', en: 'expired' },
};

/** "«vi»" / "«en»" of a status, or the raw value when it is not one. */
export const word = (table: Record<string, Bilingual>, value: string, lang: 'vi' | 'en') => table[value]?.[lang] ?? value;

export const SEVERITY_TEXT: Record<Severity, Bilingual> = {
  critical: { vi: 'Nghiêm trọng', en: 'Critical' }, high: { vi: 'Cao', en: 'High' }, medium: { vi: 'Trung bình', en: 'Medium' }, low: { vi: 'Thấp', en: 'Low' },
};

/** What a 404 names ("Không tìm thấy hệ thống" / "System not found"): the record kinds of the API. */
export const NOUN = {
  resource: { vi: 'dữ liệu được yêu cầu', en: 'Resource' },
  route: { vi: 'đường dẫn này', en: 'Route' },
  system: { vi: 'hệ thống', en: 'System' },
  user: { vi: 'người dùng', en: 'User' },
  organization: { vi: 'cơ quan, tổ chức', en: 'Organization' },
  assessment: { vi: 'lần đánh giá', en: 'Assessment' },
  finding: { vi: 'phát hiện', en: 'Finding' },
  certificate: { vi: 'chứng nhận', en: 'Certificate' },
  checklist: { vi: 'bộ tiêu chí', en: 'Checklist' },
  scan: { vi: 'lần quét', en: 'Scan' },
  scanImport: { vi: 'lần nhập báo cáo quét', en: 'Scan import' },
  evidenceFile: { vi: 'tệp minh chứng', en: 'Evidence file' },
  session: { vi: 'phiên đăng nhập', en: 'Session' },
  passkey: { vi: 'khóa truy cập', en: 'Passkey' },
  authenticator: { vi: 'ứng dụng xác thực', en: 'Authenticator app' },
} as const satisfies Record<string, Bilingual>;

/** The Vietnamese of an English noun of NOUN (callers that still pass a plain string), if it is one. */
export const nounOf = (en: string): Bilingual | undefined => Object.values(NOUN).find((n) => n.en === en);
