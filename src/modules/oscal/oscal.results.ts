import type { FrozenControl } from '../checklists/checklist.service';
import type { Bilingual } from '../checklists/checklist.schemas';
import { prefixOf, profileResource, statementIdOf } from './oscal.catalog';
import { iso, latest, line, metadata, prop, uuidFor, type Resource } from './oscal.common';
import { certificateResource, orgParty, personParty, type CertificateData, type OrgData, type SystemData } from './oscal.refs';
import { findingObservation, findingRisk, type FindingData } from './oscal.risks';

export interface EvidenceData { kind: string; url?: string; title?: string; fileId?: string; name?: string; sha256?: string; contentType?: string }
export interface ResultData { controlId: string; result?: string; note?: string; evidence: EvidenceData[]; updatedAt?: Date | string }
export interface AssessmentData {
  id: string; status: string; level: number; version?: number;
  checklist: { id: string; framework: string; version: string };
  createdAt: Date | string; updatedAt: Date | string; submittedAt?: Date | string; approvedAt?: Date | string;
  createdBy?: string; submittedBy?: string; approvedBy?: string;
  summary?: { score?: number; metAllCriteria?: boolean; met?: number; applicable?: number };
  results: ResultData[]; controls: FrozenControl[];
}

export interface ResultsSource {
  assessment: AssessmentData;
  system: SystemData;
  organization: OrgData;
  checklistTitle: Bilingual;
  findings: FindingData[];
  people: Record<string, string>;
  certificate?: CertificateData;
  base: string;
}

/** The catalog id of a frozen control, from its reference at the assessed level (7.1.1.1 → tcvn-x-1-1-1). */
export const frozenIdOf = (framework: string, c: Pick<FrozenControl, 'ref'>) => `${prefixOf(framework)}-x-${c.ref.split('.').slice(1).join('-')}`;

const RESULT_TEXT: Record<string, string> = { met: 'Met', partial: 'Partially met', not_met: 'Not met', not_applicable: 'Not applicable' };

/** A control result as an OSCAL objective status: met and not applicable satisfy it, the rest do not. */
function targetStatus(result: string) {
  if (result === 'met') return { status: { state: 'satisfied', reason: 'pass' }, 'implementation-status': { state: 'implemented' } };
  if (result === 'not_applicable') return { status: { state: 'satisfied', reason: 'other', remarks: 'Not applicable to this system.' }, 'implementation-status': { state: 'not-applicable' } };
  if (result === 'partial') return { status: { state: 'not-satisfied', reason: 'fail' }, 'implementation-status': { state: 'partial' } };
  return { status: { state: 'not-satisfied', reason: 'fail' } };
}

function evidenceResource(a: AssessmentData, c: FrozenControl, e: EvidenceData, i: number, base: string): Resource {
  const key = e.fileId ?? e.url ?? String(i);
  const rlink = e.fileId
    ? { href: `${base}/api/v1/assessments/${a.id}/evidence/${e.fileId}`, ...(e.contentType && { 'media-type': e.contentType }), ...(e.sha256 && { hashes: [{ algorithm: 'SHA-256', value: e.sha256 }] }) }
    : { href: e.url ?? `${base}/api/v1/assessments/${a.id}` };
  return {
    uuid: uuidFor('assessment', a.id, 'evidence', c.id, key),
    title: line(e.title || e.name || e.url || `Evidence for ${c.id}`),
    props: [prop('type', 'evidence'), prop('evidence-kind', e.kind), prop('control-id', c.id)],
    rlinks: [rlink],
  };
}

/**
 * An assessment as OSCAL assessment results: one result, a finding per answered control (its
 * objective satisfied or not), an observation per answered control with the note and evidence, and
 * the findings the assessment raised as risks. One that is not approved says so in its title and props.
 */
export function buildResults(src: ResultsSource) {
  const { assessment: a, system: s, organization: org, base } = src;
  const fw = a.checklist.framework;
  const byControl = new Map(a.results.map((r) => [r.controlId, r]));
  const resources: Resource[] = [];
  const observations = [];
  const findings = [];
  const risksOf = (controlId: string) => src.findings.filter((f) => f.control === controlId);
  for (const c of a.controls) {
    const r = byControl.get(c.id);
    if (!r?.result) continue;
    const evidence = r.evidence.map((e, i) => evidenceResource(a, c, e, i, base));
    resources.push(...evidence);
    const obs = uuidFor('assessment', a.id, 'observation', c.id);
    observations.push({
      uuid: obs, title: line(`${c.id} ${c.title.en}`),
      description: r.note?.trim() || `${RESULT_TEXT[r.result]}.`,
      props: [prop('control-id', c.id), prop('result', r.result), prop('title', c.title.vi, { class: 'vi' })],
      methods: ['EXAMINE'], types: ['control-objective'],
      ...(evidence.length && { 'relevant-evidence': evidence.map((e) => ({ href: `#${e.uuid}`, description: e.title ?? 'Evidence' })) }),
      collected: iso(r.updatedAt ?? a.updatedAt),
    });
    const risks = risksOf(c.id);
    const oid = frozenIdOf(fw, c);
    findings.push({
      uuid: uuidFor('assessment', a.id, 'finding', c.id), title: line(`${c.ref} ${c.title.en}: ${RESULT_TEXT[r.result]}`),
      description: r.note?.trim() || `${RESULT_TEXT[r.result]}.`,
      props: [prop('control-id', c.id), prop('ref', c.ref), prop('result', r.result), prop('severity', c.severity)],
      target: { type: 'statement-id', 'target-id': statementIdOf(oid), ...targetStatus(r.result) },
      'related-observations': [{ 'observation-uuid': obs }],
      ...(risks.length && { 'related-risks': risks.map((f) => ({ 'risk-uuid': uuidFor('finding', f.id, 'risk') })) }),
    });
  }
  const approved = a.status === 'approved';
  const people = Object.entries(src.people).map(([id, name]) => personParty(id, name));
  const role = (id: string | undefined, roleId: string) => (id && src.people[id] ? [{ 'role-id': roleId, 'party-uuids': [uuidFor('user', id, 'party')] }] : []);
  const profile = profileResource({ id: a.checklist.id, framework: fw, version: a.checklist.version, title: src.checklistTitle }, a.level, base);
  const plan: Resource = {
    uuid: uuidFor('assessment', a.id, 'plan-resource'),
    title: line(`Assessment ${a.id} of ${s.code} (the plan and record in Attest)`),
    rlinks: [{ href: `${base}/api/v1/assessments/${a.id}`, 'media-type': 'application/json' }, { href: `${base}/api/v1/assessments/${a.id}/report.pdf`, 'media-type': 'application/pdf' }],
  };
  const state = approved ? 'approved' : `${a.status} — not approved`;
  return {
    'assessment-results': {
      uuid: uuidFor('assessment', a.id, 'assessment-results'),
      metadata: metadata({
        title: `Assessment results — ${s.code} ${s.name}, level ${a.level} (${state})`,
        lastModified: latest(a.updatedAt, a.approvedAt, ...src.findings.map((f) => f.updatedAt)),
        version: String(a.version ?? 0),
        props: [prop('assessment-status', a.status), prop('approved', approved ? 'true' : 'false'), prop('system-code', s.code), prop('security-level', a.level)],
        roles: [{ id: 'system-owner', title: 'System owner' }, { id: 'assessor', title: 'Inspector' }, { id: 'approver', title: 'Approver' }],
        parties: [orgParty(org), ...people],
        responsible: [{ 'role-id': 'system-owner', 'party-uuids': [orgParty(org).uuid] }, ...role(a.submittedBy ?? a.createdBy, 'assessor'), ...role(a.approvedBy, 'approver')],
      }),
      'import-ap': { href: `#${plan.uuid}` },
      results: [{
        uuid: uuidFor('assessment', a.id, 'result'),
        title: line(`${fw} ${a.checklist.version} level ${a.level} — ${s.code} (${state})`),
        description: approved
          ? `Approved assessment of ${s.code} ${s.name} against ${fw} ${a.checklist.version} at security level ${a.level}.`
          : `IN PROGRESS, NOT APPROVED (status ${a.status}): assessment of ${s.code} ${s.name} against ${fw} ${a.checklist.version} at security level ${a.level}; results may still change.`,
        start: iso(a.createdAt),
        ...(approved && a.approvedAt && { end: iso(a.approvedAt) }),
        props: [
          prop('assessment-status', a.status), prop('approved', approved ? 'true' : 'false'),
          ...(a.summary?.score !== undefined ? [prop('score', a.summary.score)] : []),
          ...(a.summary?.metAllCriteria !== undefined ? [prop('met-all-criteria', String(a.summary.metAllCriteria))] : []),
        ],
        'reviewed-controls': { 'control-selections': [{ 'include-controls': a.controls.map((c) => ({ 'control-id': frozenIdOf(fw, c) })) }] },
        ...(observations.length || src.findings.length ? { observations: [...observations, ...src.findings.map(findingObservation)] } : {}),
        ...(src.findings.length && { risks: src.findings.map(findingRisk) }),
        ...(findings.length && { findings }),
      }],
      'back-matter': { resources: [plan, profile, ...resources, ...(src.certificate ? [certificateResource(src.certificate, base)] : [])] },
    },
  };
}
