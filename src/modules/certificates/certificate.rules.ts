import type { Severity } from '../../shared/enums';
import type { Bilingual } from '../../shared/bilingual';
import { displayDate } from '../../shared/display';

/** What issuing a certificate depends on, gathered by the service. */
export interface IssueFacts {
  now: Date;
  system: { status: string; level: number };
  /** the system's newest approved assessment, if any */
  approved?: { id: string; level: number; metAllCriteria: boolean; partial: number; notMet: number; approvedAt: Date };
  /** when the level's re-assessment period after that approval ends */
  reassessmentDue?: Date;
  openFindings: Record<Severity, number>;
  /** the certificate the system holds now, if any */
  current?: { number: string; assessment: string; status: string };
}

/** `message` in English (as the API always said it), `text` in both languages with dates in the display zone */
export interface Unmet { code: string; message: string; text: Bilingual }

const unmet = (code: string, vi: string, en: string): Unmet => ({ code, message: en, text: { vi, en } });

/**
 * DESIGN §2: a certificate is issued for a system whose latest approved assessment met all
 * criteria and which has no open critical or high finding. Every condition that fails is listed,
 * so the admin sees all that stands in the way at once.
 */
export function unmetConditions(f: IssueFacts): Unmet[] {
  const out: Unmet[] = [];
  if (f.system.status !== 'active') out.push(unmet('system_decommissioned', 'Hệ thống đã ngừng hoạt động', 'The system is decommissioned'));
  const a = f.approved;
  if (!a) {
    out.push(unmet('no_approved_assessment', 'Hệ thống chưa có lần đánh giá nào được phê duyệt', 'The system has no approved assessment'));
  } else {
    if (!a.metAllCriteria) {
      out.push(unmet('criteria_not_met', `Lần đánh giá được phê duyệt gần nhất chưa đạt mọi tiêu chí (${a.partial} đạt một phần, ${a.notMet} không đạt)`,
        `The latest approved assessment did not meet all criteria (${a.partial} partially met, ${a.notMet} not met)`));
    }
    if (a.level !== f.system.level) {
      out.push(unmet('level_changed', `Lần đánh giá được phê duyệt gần nhất thực hiện ở cấp độ ${a.level}; hệ thống hiện ở cấp độ ${f.system.level}`,
        `The latest approved assessment was made at level ${a.level}; the system is now level ${f.system.level}`));
    }
    if (f.reassessmentDue && f.reassessmentDue.getTime() <= f.now.getTime()) {
      out.push(unmet('reassessment_overdue', `Đã quá hạn đánh giá lại (hạn ngày ${displayDate(f.reassessmentDue, 'vi')})`, `The re-assessment was due on ${displayDate(f.reassessmentDue, 'en')}`));
    }
  }
  const blocking = f.openFindings.critical + f.openFindings.high;
  if (blocking > 0) {
    out.push(unmet('open_critical_or_high_findings', `Còn ${f.openFindings.critical} phát hiện nghiêm trọng và ${f.openFindings.high} phát hiện mức cao chưa xử lý`,
      `${f.openFindings.critical} critical and ${f.openFindings.high} high findings are open`));
  }
  if (a && f.current && f.current.assessment === a.id && ['valid', 'suspended'].includes(f.current.status)) {
    out.push(unmet('already_certified', `Chứng nhận ${f.current.number} đã được cấp theo lần đánh giá này`, `Certificate ${f.current.number} was issued on this assessment`));
  }
  return out;
}

/** What a certificate's status should be now, given what it is and the system's open findings. */
export function statusNow(c: { status: string; expiresAt: Date }, openCriticalHigh: number, now: Date): 'valid' | 'suspended' | 'revoked' | 'expired' {
  if (c.status === 'revoked' || c.status === 'expired') return c.status;
  if (c.expiresAt.getTime() <= now.getTime()) return 'expired';
  return openCriticalHigh > 0 ? 'suspended' : 'valid';
}
