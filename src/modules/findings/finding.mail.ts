import { displayDate } from '../../shared/display';
import type { FindingDoc } from './finding.model';

/*
 * The words of the finding e-mails: Vietnamese first, then English, with dates as people read
 * them in the display time zone (06/12/2026 in Vietnamese, 6 Dec 2026 in English).
 */
type F = Pick<FindingDoc, 'title' | 'severity' | 'status' | 'systemCode' | 'level'>;
export interface MailText { subject: string; text: string }

const SEVERITY_VI: Record<string, string> = { critical: 'nghiêm trọng', high: 'cao', medium: 'trung bình', low: 'thấp' };
const STATUS_VI: Record<string, string> = {
  open: 'đang mở', in_remediation: 'đang khắc phục', resolved: 'đã khắc phục', verified: 'đã xác minh', reopened: 'được mở lại', risk_accepted: 'được chấp nhận rủi ro',
};
const STATUS_EN: Record<string, string> = { in_remediation: 'in remediation', risk_accepted: 'risk accepted' };
const vi = (d: Date) => displayDate(d, 'vi');
const en = (d: Date) => displayDate(d, 'en');
const sevVi = (f: F) => SEVERITY_VI[f.severity] ?? f.severity;
const both = (subjectVi: string, subjectEn: string, textVi: string, textEn: string): MailText =>
  ({ subject: `${subjectVi} / ${subjectEn}`, text: `${textVi}\n\n${textEn}` });

export const assigned = (f: F, due: Date) => both('phát hiện được giao cho bạn', 'finding assigned',
  `Phát hiện "${f.title}" (mức ${sevVi(f)}) của hệ thống ${f.systemCode} được giao cho bạn. Hạn khắc phục: ${vi(due)}.`,
  `The finding "${f.title}" (${f.severity}) on ${f.systemCode} is assigned to you. Deadline: ${en(due)}.`);

export const reopened = (f: F, due: Date) => both('phát hiện được mở lại', 'finding reopened',
  `Phát hiện "${f.title}" (mức ${sevVi(f)}) của hệ thống ${f.systemCode} đã được mở lại. Hạn khắc phục mới: ${vi(due)}.`,
  `The finding "${f.title}" (${f.severity}) on ${f.systemCode} was reopened. New deadline: ${en(due)}.`);

export const dueSoon = (f: F, due: Date) => both(`phát hiện đến hạn ngày ${vi(due)}`, `finding due on ${en(due)}`,
  `Phát hiện "${f.title}" (mức ${sevVi(f)}) đến hạn khắc phục ngày ${vi(due)}.`,
  `The finding "${f.title}" (${f.severity}) is due on ${en(due)}.`);

export const overdue = (f: F, due: Date) => both('phát hiện quá hạn', 'finding overdue',
  `Phát hiện "${f.title}" (mức ${sevVi(f)}) đã đến hạn ngày ${vi(due)} và vẫn ${STATUS_VI[f.status] ?? f.status}.`,
  `The finding "${f.title}" (${f.severity}) was due on ${en(due)} and is still ${STATUS_EN[f.status] ?? f.status}.`);

export const escalation = (f: F, due: Date) => both(`phát hiện quá hạn trên hệ thống cấp độ ${f.level}`, `overdue finding on a level-${f.level} system`,
  `Phát hiện "${f.title}" (mức ${sevVi(f)}) trên hệ thống cấp độ ${f.level} ${f.systemCode} đã quá hạn từ ngày ${vi(due)}.`,
  `The finding "${f.title}" (${f.severity}) on level-${f.level} system ${f.systemCode} is overdue since ${en(due)}.`);

export const riskExpiring = (f: F, expires: Date) => both(`chấp nhận rủi ro hết hạn ngày ${vi(expires)}`, `risk acceptance expires on ${en(expires)}`,
  `Việc chấp nhận rủi ro đối với phát hiện "${f.title}" hết hạn ngày ${vi(expires)}; sau đó phát hiện được mở lại.`,
  `The risk acceptance of "${f.title}" expires on ${en(expires)}; the finding then reopens.`);
