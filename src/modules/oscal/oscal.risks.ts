import { iso, line, prop, uuidFor, type Prop } from './oscal.common';

/** A finding as the assessment results and the POA&M describe it. */
export interface FindingData {
  id: string; title: string; titleVi?: string; description?: string; descriptionVi?: string;
  severity: string; status: string; control?: string;
  source: { type: string; check?: string; target?: string; tool?: string };
  dueAt: Date | string; createdAt: Date | string; updatedAt: Date | string; firstSeenAt?: Date | string; lastSeenAt?: Date | string;
  riskAcceptance?: { requestedAt: Date | string; justification: string; compensatingControls: string; expiresAt: Date | string; approvedAt?: Date | string };
  extension?: { requestedAt: Date | string; reason: string; dueAt: Date | string; decision?: string; decidedAt?: Date | string; comment?: string };
}

/** Attest's finding status as an OSCAL risk status. */
export function riskStatus(f: Pick<FindingData, 'status' | 'riskAcceptance'>): string {
  if (f.status === 'verified') return 'closed';
  if (f.status === 'risk_accepted') return 'deviation-approved';
  if (f.riskAcceptance && !f.riskAcceptance.approvedAt) return 'deviation-requested';
  if (f.status === 'in_remediation') return 'remediating';
  // resolved: the owner says it is fixed and an inspector has yet to confirm it
  if (f.status === 'resolved') return 'investigating';
  return 'open';
}

const text = (s: string | undefined, fallback: string) => (s?.trim() ? s.trim() : fallback);

/** What the finding says in Vietnamese, where it has Vietnamese words. */
const vietnamese = (f: FindingData) => (f.titleVi || f.descriptionVi ? `Tiếng Việt: ${[f.titleVi, f.descriptionVi].filter(Boolean).join('\n\n')}` : undefined);

/** The state of the latest deadline extension and risk acceptance, as props. */
export function requestProps(f: FindingData): Prop[] {
  const out: Prop[] = [];
  if (f.extension) {
    out.push(prop('extension', f.extension.decision ?? 'pending'), prop('extension-requested-due', iso(f.extension.dueAt)));
  }
  if (f.riskAcceptance) {
    out.push(prop('risk-acceptance', f.riskAcceptance.approvedAt ? 'approved' : 'requested'), prop('risk-acceptance-expires', iso(f.riskAcceptance.expiresAt)));
  }
  return out;
}

export function findingObservation(f: FindingData) {
  const vi = vietnamese(f);
  const remarks = [...(vi ? [vi] : []), ...(f.lastSeenAt && f.source.type === 'scan' ? [`Last seen ${iso(f.lastSeenAt)}.`] : [])];
  return {
    uuid: uuidFor('finding', f.id, 'observation'),
    title: line(f.title),
    description: text(f.description, f.title),
    props: [
      prop('source', f.source.type),
      ...(f.source.check ? [prop('check', f.source.check)] : []),
      ...(f.source.target ? [prop('target', f.source.target)] : []),
      ...(f.source.tool ? [prop('tool', f.source.tool)] : []),
      ...(f.titleVi ? [prop('title', f.titleVi, { class: 'vi' })] : []),
    ],
    methods: [f.source.type === 'scan' || f.source.type === 'import' ? 'TEST' : 'EXAMINE'],
    types: ['finding'],
    collected: iso(f.firstSeenAt ?? f.createdAt),
    ...(remarks.length && { remarks: remarks.join('\n\n') }),
  };
}

/** The risk a finding stands for: status, deadline, and the log of its extension and risk acceptance. */
export function findingRisk(f: FindingData) {
  const log = [];
  if (f.extension) {
    log.push({
      uuid: uuidFor('finding', f.id, 'extension', iso(f.extension.requestedAt)),
      title: `Deadline extension to ${iso(f.extension.dueAt).slice(0, 10)}: ${f.extension.decision ?? 'pending'}`,
      description: [f.extension.reason, f.extension.comment].filter(Boolean).join('\n\n') || 'Deadline extension requested.',
      start: iso(f.extension.requestedAt),
      ...(f.extension.decidedAt && { end: iso(f.extension.decidedAt) }),
    });
  }
  if (f.riskAcceptance) {
    const r = f.riskAcceptance;
    log.push({
      uuid: uuidFor('finding', f.id, 'risk-acceptance', iso(r.requestedAt)),
      title: r.approvedAt ? `Risk accepted until ${iso(r.expiresAt).slice(0, 10)}` : `Risk acceptance requested until ${iso(r.expiresAt).slice(0, 10)}`,
      description: text(r.justification, 'Risk acceptance requested.'),
      start: iso(r.approvedAt ?? r.requestedAt),
      end: iso(r.expiresAt),
      'status-change': r.approvedAt ? 'deviation-approved' : 'deviation-requested',
    });
  }
  return {
    uuid: uuidFor('finding', f.id, 'risk'),
    title: line(f.title),
    description: text(f.description, f.title),
    statement: `Severity ${f.severity}${f.control ? `, control ${f.control}` : ''}; found by ${f.source.type}; finding status ${f.status}; due ${iso(f.dueAt).slice(0, 10)}.`,
    props: [
      prop('severity', f.severity), prop('finding-status', f.status), prop('finding-id', f.id), ...(f.control ? [prop('control-id', f.control)] : []),
      ...(f.titleVi ? [prop('title', f.titleVi, { class: 'vi' })] : []), ...requestProps(f),
    ],
    status: riskStatus(f),
    ...(f.riskAcceptance?.compensatingControls?.trim() && {
      'mitigating-factors': [{ uuid: uuidFor('finding', f.id, 'compensating-controls'), description: f.riskAcceptance.compensatingControls.trim() }],
    }),
    deadline: iso(f.dueAt),
    'related-observations': [{ 'observation-uuid': uuidFor('finding', f.id, 'observation') }],
    ...(log.length && { 'risk-log': { entries: log } }),
  };
}
