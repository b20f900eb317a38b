import { catalogResource, controlIdOf, profileResource, type CatalogSource } from './oscal.catalog';
import { latest, line, metadata, prop, uuidFor } from './oscal.common';
import { certificateResource, orgParty, personParty, systemIdOf, type CertificateData, type OrgData, type SystemData } from './oscal.refs';

export interface SspSource {
  system: SystemData;
  organization: OrgData;
  owners: { id: string; name: string }[];
  checklist: CatalogSource;
  certificate?: CertificateData;
  base: string;
}

const HOSTING: Record<string, string> = {
  on_premises: 'on premises', government_cloud: 'government cloud', commercial_cloud: 'commercial cloud', data_center: 'data centre', hybrid: 'hybrid', other: 'other',
};

/**
 * A system security plan skeleton: who owns the system, its level and the profile (baseline) of
 * that level it imports, its endpoints as components, and one implemented requirement per control
 * of the level for the owner to fill in.
 */
export function buildSsp(src: SspSource) {
  const { system: s, organization: org, checklist: c, base } = src;
  const owner = orgParty(org);
  const people = src.owners.map((o) => personParty(o.id, o.name));
  const profile = profileResource(c, s.level, base);
  const thisSystem = uuidFor('system', s.id, 'component', 'this-system');
  const operational = s.status === 'active';
  const components = [
    {
      uuid: thisSystem, type: 'this-system', title: line(`${s.code} ${s.name}`), description: s.description?.trim() || s.name,
      status: { state: operational ? 'operational' : 'disposition' },
    },
    ...s.endpoints.map((e) => ({
      uuid: uuidFor('system', s.id, 'endpoint', e), type: 'service', title: line(e),
      description: `Endpoint ${e} of ${s.code}: published by the system and probed by Attest's scanner.`,
      props: [prop('endpoint', e)],
      status: { state: operational ? 'operational' : 'disposition' },
    })),
  ];
  const controls = c.controls.filter((k) => k.levels.includes(s.level));
  return {
    'system-security-plan': {
      uuid: uuidFor('system', s.id, 'ssp'),
      metadata: metadata({
        title: `System security plan — ${s.code} ${s.name}`,
        lastModified: latest(s.updatedAt, org.updatedAt, c.importedAt, src.certificate?.issuedAt),
        version: String(s.version ?? 0),
        props: [prop('system-code', s.code), prop('security-level', s.level), prop('title', `Kế hoạch bảo đảm an toàn hệ thống — ${s.code} ${s.name}`, { class: 'vi' })],
        roles: [{ id: 'system-owner', title: 'System owner' }, { id: 'information-system-security-officer', title: 'System owner contact' }],
        parties: [owner, ...people],
        responsible: [{ 'role-id': 'system-owner', 'party-uuids': [owner.uuid] }, ...(people.length ? [{ 'role-id': 'information-system-security-officer', 'party-uuids': people.map((p) => p.uuid) }] : [])],
      }),
      'import-profile': { href: `#${profile.uuid}` },
      'system-characteristics': {
        'system-ids': [systemIdOf(s)],
        'system-name': line(s.name),
        'system-name-short': s.code,
        description: s.description?.trim() || s.name,
        props: [
          prop('security-level', s.level),
          ...(s.category ? [prop('category', s.category)] : []),
          ...(s.hosting ? [prop('hosting', HOSTING[s.hosting] ?? s.hosting)] : []),
          ...(s.levelApproval?.reference ? [prop('level-approval-reference', s.levelApproval.reference)] : []),
          ...(s.levelApproval?.date ? [prop('level-approval-date', new Date(s.levelApproval.date).toISOString().slice(0, 10))] : []),
          prop('compliance-state', s.compliance?.state ?? 'not_assessed'),
        ],
        'security-sensitivity-level': `level-${s.level}`,
        'system-information': {
          'information-types': [{
            uuid: uuidFor('system', s.id, 'information-type'),
            title: line(`Information processed by ${s.code}`),
            description: `The information of ${s.name}, classified at security level ${s.level} (Decree 85/2016/ND-CP).`,
          }],
        },
        status: { state: operational ? 'operational' : 'disposition' },
        'authorization-boundary': {
          description: `The system ${s.code} ${s.name}${s.endpoints.length ? ` and its endpoints ${s.endpoints.join(', ')}` : ''}, owned by ${org.name}.`,
        },
        'responsible-parties': [{ 'role-id': 'system-owner', 'party-uuids': [owner.uuid] }],
      },
      'system-implementation': {
        ...(s.allowedPorts?.length && { props: s.allowedPorts.map((p) => prop('allowed-port', p)) }),
        components,
      },
      'control-implementation': {
        description: `The controls of ${c.framework} ${c.version} at security level ${s.level} (${controls.length}); how each is implemented is for the system owner to describe.`,
        'implemented-requirements': controls.map((k) => ({
          uuid: uuidFor('system', s.id, 'requirement', k.id),
          'control-id': controlIdOf(c.framework, k),
          props: [prop('control-id', k.id), prop('ref', k.refs[String(s.level)])],
        })),
      },
      'back-matter': {
        resources: [profile, catalogResource(c, base), ...(src.certificate ? [certificateResource(src.certificate, base)] : [])],
      },
    },
  };
}
