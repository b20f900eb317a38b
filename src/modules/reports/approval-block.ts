import type { AssessmentReportData, Bilingual, ProgrammeReportData } from './types';
import type { AssessmentReportTemplate, ProgrammeReportTemplate } from './templates';
import { bi, heading, keyValues, plain, type ReportStyles } from './pdf/blocks';
import { fill } from './pdf/format';
import type { Flow } from './pdf/flow';
import { displayDateTime } from '../../shared/display';

/*
 * The approval block closing each report: who approved it (assessment report) or asked for it
 * (programme report) and when, in the display time zone, and the digital signature that covers
 * the whole file. A report of an assessment not approved is signed too — the signature vouches
 * for the bytes, not for the result — and says it is a draft, here and under the title.
 */
const when = (d: Date) => displayDateTime(d, 'vi');

export const isApproved = (d: AssessmentReportData): boolean => d.status === 'approved' && !!d.approvedAt;

/** "BẢN DỰ THẢO — …" with the assessment's status in each language. */
export function draftNotice(t: AssessmentReportTemplate, d: AssessmentReportData): Bilingual {
  const status = t.assessmentStatuses[d.status as keyof AssessmentReportTemplate['assessmentStatuses']] ?? { vi: d.status, en: d.status };
  return { vi: fill(t.approval.draftNotice.vi, { status: status.vi }), en: fill(t.approval.draftNotice.en, { status: status.en }) };
}

function signed(flow: Flow, text: Bilingual, signedBy: string | undefined, at: Date, S: ReportStyles): void {
  if (!signedBy) return;
  flow.gap(6);
  flow.paras(bi({ vi: fill(text.vi, { authority: signedBy, date: when(at) }), en: fill(text.en, { authority: signedBy, date: when(at) }) }, S.body, S.bodyEn));
}

export function assessmentApproval(flow: Flow, t: AssessmentReportTemplate, d: AssessmentReportData, S: ReportStyles): void {
  const a = t.approval;
  const c = t.page.colours;
  heading(flow, a.heading, S, 150);
  const notYet = bi(a.notApproved, { ...S.strong, colour: c.primary }, S.bodyEn);
  const ok = isApproved(d);
  if (!ok) {
    flow.paras(bi(draftNotice(t, d), { ...S.strong, colour: c.primary }, S.bodyEn));
    flow.gap(6);
  }
  keyValues(flow, [
    { label: a.approver, value: ok && d.approver ? plain(d.approver, S.strong) : notYet },
    { label: a.role, value: ok && d.approverRole ? bi(a.roles[d.approverRole], S.body, S.bodyEn) : notYet },
    { label: a.approvedAt, value: ok ? plain(when(d.approvedAt!), S.body) : notYet },
    { label: a.generatedAt, value: plain(when(d.generatedAt), S.body) },
  ], S, c);
  signed(flow, a.signed, d.signedBy, d.generatedAt, S);
}

export function programmeApproval(flow: Flow, t: ProgrammeReportTemplate, d: ProgrammeReportData, S: ReportStyles): void {
  const a = t.approval;
  heading(flow, a.heading, S, 120);
  const who = d.generatedBy;
  keyValues(flow, [
    ...(who ? [{ label: a.generatedBy, value: plain(who.name, S.strong) }, { label: a.role, value: bi(a.roles[who.role], S.body, S.bodyEn) }] : []),
    { label: a.generatedAt, value: plain(when(d.generatedAt), S.body) },
  ], S, t.page.colours);
  signed(flow, a.signed, d.signedBy, d.generatedAt, S);
}
