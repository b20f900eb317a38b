import * as assessments from '../assessments/assessment.service';
import * as findings from '../findings/finding.service';
import * as organizations from '../organizations/organization.service';
import * as users from '../users/user.service';
import { figures } from '../dashboard/dashboard.service';
import { System, type SystemDoc } from '../systems/system.model';
import { renderAssessmentReport } from './assessment-report.pdf';
import { renderProgrammeReport } from './programme-report.pdf';
import type { AssessmentReportData, ProgrammeReportData, ResultValue } from './types';
import type { FrozenControl } from '../checklists/checklist.service';
import type { ResultEntry } from '../assessments/assessment.model';
import type { Summary } from '../assessments/assessment.workflow';
import { signDocument, signingAuthority } from './signing';
import * as cache from '../../db/cache';
import { displayDateTime, displayIsoDay } from '../../shared/display';
import type { Ctx } from '../../shared/actor';
import type { FindingStatus, Severity } from '../../shared/enums';

type Role = 'admin' | 'inspector' | 'owner';
const roleOf = (roles: readonly string[]): Role | undefined => (['admin', 'inspector', 'owner'] as const).find((r) => roles.includes(r));
const personOf = async (id?: string): Promise<{ name: string; role?: Role } | undefined> => {
  if (!id || id === 'system') return undefined;
  try {
    const u = await users.get(id);
    return { name: u.name, role: roleOf(u.roles) };
  } catch { return undefined; }
};
const nameOf = async (id?: string) => (await personOf(id))?.name;

/** An assessment's report: read with the caller's access (owners: their own systems only). */
export async function assessmentReport(ctx: Ctx, id: string): Promise<{ pdf: Buffer; filename: string }> {
  const a = await assessments.get(ctx, id) as Record<string, any>;
  const controls = a.controls as FrozenControl[];
  const results = new Map((a.results as ResultEntry[]).map((r) => [r.controlId, r]));
  const org = await organizations.byId(a.organization);
  const byGroup = (['management', 'technical'] as const).map((group) => {
    const rs = controls.filter((c) => c.group === group).map((c) => results.get(c.id)?.result);
    const n = (v?: ResultValue) => rs.filter((r) => r === v).length;
    return { group, met: n('met'), partial: n('partial'), not_met: n('not_met'), not_applicable: n('not_applicable'), unanswered: n(undefined) };
  });
  const raised = await findings.listForAssessment(id, a.system);
  const approver = await personOf(a.approvedBy);
  const generatedAt = new Date();
  const data: AssessmentReportData = {
    id, system: { code: a.systemCode, name: a.systemName, level: a.level, organization: { code: org.code, name: org.name } },
    checklist: { framework: a.checklist.framework, version: a.checklist.version }, status: a.status,
    createdAt: new Date(a.createdAt), submittedAt: a.submittedAt && new Date(a.submittedAt), approvedAt: a.approvedAt && new Date(a.approvedAt),
    inspector: await nameOf(a.submittedBy ?? a.createdBy), approver: approver?.name, approverRole: approver?.role, signedBy: signingAuthority(),
    summary: a.summary as Summary, byGroup,
    controls: controls.map((c) => {
      const r = results.get(c.id);
      return {
        id: c.id, ref: c.ref, group: c.group, domain: c.domain, title: c.title, requirement: c.requirement, result: r?.result, note: r?.note || undefined,
        evidence: (r?.evidence ?? []).map((e) => ({ kind: e.kind, title: e.title, url: e.url, name: e.name, sha256: e.sha256 })),
      };
    }),
    findings: raised.map((f) => ({ title: f.title, titleVi: f.titleVi, severity: f.severity as Severity, status: f.status as FindingStatus, dueAt: f.dueAt, control: f.control })),
    // generated-at is when this document was made; the signature carries the same time
    generatedAt,
  };
  const approved = a.status === 'approved' && a.approvedAt;
  const reason = approved
    ? `Assessment report ${a.systemCode} (assessment ${id}), approved by ${approver?.name ?? 'unknown'} on ${displayDateTime(new Date(a.approvedAt), 'en')}`
    : `DRAFT assessment report ${a.systemCode} (assessment ${id}, ${a.status}): not approved`;
  const pdf = await signDocument(await renderAssessmentReport(data), reason, generatedAt);
  return { pdf, filename: `assessment-${a.systemCode}-${id}.pdf` };
}

/** The programme on paper: the dashboard's figures and every system. */
export async function programmeReport(ctx: Ctx): Promise<{ pdf: Buffer; filename: string }> {
  const f = await figures();
  const orgCode = new Map(f.byOrganization.map((o) => [o.id, o.code]));
  const systems = (await cache.all<SystemDoc>(System)).filter((s) => s.status === 'active').sort((x, y) => x.code.localeCompare(y.code));
  const data: ProgrammeReportData = {
    generatedAt: f.generatedAt, generatedBy: { name: ctx.actor.name, role: roleOf(ctx.actor.roles) ?? 'admin' }, signedBy: signingAuthority(), totals: { ...f.systems, systems: f.systems.total },
    byLevel: f.byLevel.map((l) => ({ level: l.level, systems: l.systems, evaluated: l.evaluated, metAllCriteria: l.metAllCriteria })),
    byOrganization: f.byOrganization.map((o) => ({ code: o.code, name: o.name, systems: o.systems, evaluated: o.evaluated, metAllCriteria: o.metAllCriteria })),
    certificates: f.certificates, findings: { open: f.findings.open, overdue: f.findings.overdueBySeverity }, scanGrades: f.scanGrades,
    systems: systems.map((s) => ({
      code: s.code, name: s.name, organization: orgCode.get(s.organization.toString()) ?? '?', level: s.level, state: s.compliance?.state ?? 'not_assessed',
      score: s.compliance?.score, metAllCriteria: s.compliance?.assessmentMetAllCriteria, lastAssessedAt: s.compliance?.lastAssessedAt,
      grade: s.lastScan?.grade, openFindings: Object.values(s.compliance?.openFindings ?? {}).reduce((x, y) => x + (y as number), 0),
      certificate: s.certificate?.status === 'valid' || s.certificate?.status === 'suspended' ? s.certificate.number : undefined,
    })),
  };
  const reason = `Programme report, figures of ${displayDateTime(f.generatedAt, 'en')}, generated by ${ctx.actor.name}`;
  const pdf = await signDocument(await renderProgrammeReport(data), reason, f.generatedAt);
  // the file is named after the day its title gives (the display time zone), not the UTC day
  return { pdf, filename: `programme-report-${displayIsoDay(f.generatedAt)}.pdf` };
}
