import { iso, latest, line, metadata, prop, uuidFor } from './oscal.common';
import { orgParty, sspResource, systemIdOf, type OrgData, type SystemData } from './oscal.refs';
import { findingObservation, findingRisk, requestProps, type FindingData } from './oscal.risks';

/** `omitted`: open findings beyond the export's limit, left out (the plan says how many) */
export interface PoamSource { system: SystemData; organization: OrgData; findings: FindingData[]; omitted?: number; base: string }

function item(f: FindingData) {
  const remarks = [
    f.extension && `Deadline extension to ${iso(f.extension.dueAt).slice(0, 10)} requested ${iso(f.extension.requestedAt).slice(0, 10)}: ${f.extension.decision ?? 'pending'}. ${f.extension.reason}`,
    f.riskAcceptance && `Risk acceptance ${f.riskAcceptance.approvedAt ? 'approved' : 'requested'} until ${iso(f.riskAcceptance.expiresAt).slice(0, 10)}. Justification: ${f.riskAcceptance.justification} Compensating controls: ${f.riskAcceptance.compensatingControls}`,
  ].filter(Boolean);
  return {
    uuid: uuidFor('finding', f.id, 'poam-item'),
    title: line(f.title),
    description: f.description?.trim() || f.title,
    props: [
      prop('severity', f.severity), prop('finding-status', f.status), prop('due', iso(f.dueAt)), prop('finding-id', f.id),
      ...(f.control ? [prop('control-id', f.control)] : []), ...requestProps(f),
    ],
    'related-observations': [{ 'observation-uuid': uuidFor('finding', f.id, 'observation') }],
    'related-risks': [{ 'risk-uuid': uuidFor('finding', f.id, 'risk') }],
    ...(remarks.length && { remarks: remarks.join('\n\n') }),
  };
}

/**
 * A system's plan of action and milestones: each finding still to be fixed (or accepted as a risk
 * for a time) as a POA&M item with its risk (status, deadline, extension and risk acceptance) and
 * observation. OSCAL requires at least one item: a system with none gets one that says so.
 */
export function buildPoam(src: PoamSource) {
  const { system: s, organization: org, findings, base, omitted = 0 } = src;
  const ssp = sspResource(s, base);
  const owner = orgParty(org);
  const items = findings.length ? findings.map(item) : [{
    uuid: uuidFor('system', s.id, 'poam-item', 'none'),
    title: 'No open findings',
    description: `${s.code} ${s.name} has no open finding and no accepted risk.`,
    props: [prop('no-open-findings', 'true')],
  }];
  // dated by the data: the findings' changes, and the system's summary (which changes when a finding leaves the plan)
  const lastModified = latest(s.updatedAt, ...findings.map((f) => f.updatedAt));
  return {
    'plan-of-action-and-milestones': {
      uuid: uuidFor('system', s.id, 'poam'),
      metadata: metadata({
        title: `Plan of action and milestones — ${s.code} ${s.name}`,
        lastModified,
        // a plan has no version counter of its own: it is the state of its findings at that moment
        version: lastModified,
        props: [prop('system-code', s.code), prop('security-level', s.level), prop('title', `Kế hoạch khắc phục — ${s.code} ${s.name}`, { class: 'vi' }),
          ...(omitted > 0 ? [prop('findings-omitted', omitted, { remarks: `Only the ${findings.length} oldest open findings are listed; ${omitted} newer ones are left out of this export (see the system's findings in Attest).` })] : [])],
        roles: [{ id: 'system-owner', title: 'System owner' }],
        parties: [owner],
        responsible: [{ 'role-id': 'system-owner', 'party-uuids': [owner.uuid] }],
      }),
      'import-ssp': { href: `#${ssp.uuid}` },
      'system-id': systemIdOf(s),
      ...(findings.length && { observations: findings.map(findingObservation), risks: findings.map(findingRisk) }),
      'poam-items': items,
      'back-matter': { resources: [ssp] },
    },
  };
}
