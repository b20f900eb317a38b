import type { ChecklistControl, ChecklistFile, Group } from '../checklists/checklist.schemas';
import { DOMAINS, GROUPS } from '../checklists/checklist.schemas';
import { DOMAIN_TITLES, GROUP_TITLES } from './oscal.labels';
import { FILES, MEDIA, NS, iso, line, metadata, prop, uuidFor, viTitle, type Prop, type Resource } from './oscal.common';

/** A checklist version as the catalog is made from it. */
export interface CatalogSource extends ChecklistFile { id: string; importedAt: Date | string }

/** The catalog's id prefix: the framework's first word, lower-case (TCVN-11930 → tcvn). */
export const prefixOf = (framework: string): string => {
  const p = framework.toLowerCase().split('-')[0].replace(/[^a-z0-9]/g, '');
  return /^[a-z]/.test(p) ? p : `c${p}`;
};

/**
 * The OSCAL id of a control, from its TCVN reference: the clause without the level digit
 * (5.1.1.1 at level 1 … 9.1.1.1 at level 5 all name x.1.1.1), so one control keeps one id at every level.
 */
export function controlIdOf(framework: string, c: Pick<ChecklistControl, 'refs' | 'levels'>): string {
  const ref = c.refs[String(c.levels[0])] ?? '';
  return `${prefixOf(framework)}-x-${ref.split('.').slice(1).join('-')}`;
}

export const groupIdOf = (framework: string, g: Group) => `${prefixOf(framework)}-x-${GROUP_TITLES[g].clause}`;
export const domainGroupIdOf = (framework: string, d: string) => `${prefixOf(framework)}-${d}`;

/** The OSCAL statement part a control's result is about. */
export const statementIdOf = (controlId: string) => `${controlId}_smt`;

const part = (id: string, name: string, prose: string, extra: { ns?: string; class?: string; props?: Prop[] } = {}) => ({ id, name, ...extra, prose });

function control(framework: string, c: ChecklistControl) {
  const id = controlIdOf(framework, c);
  const levels = c.levels.map(String);
  const levelParts = Object.entries(c.levelText ?? {}).flatMap(([l, t]) => [
    part(`${id}_smt.l${l}`, 'level-statement', t.en, { ns: NS, class: 'en', props: [prop('level', l)] }),
    part(`${id}_smt.l${l}.vi`, 'level-statement', t.vi, { ns: NS, class: 'vi', props: [prop('level', l)] }),
  ]);
  const evidence = c.evidence.flatMap((e, i) => [
    part(`${id}_ev${i + 1}`, 'evidence', e.en, { ns: NS, class: 'en' }),
    part(`${id}_ev${i + 1}.vi`, 'evidence', e.vi, { ns: NS, class: 'vi' }),
  ]);
  return {
    id,
    class: c.group,
    title: line(c.title.en),
    props: [
      { name: 'label', value: `x.${(c.refs[levels[0]] ?? '').split('.').slice(1).join('.')}` },
      prop('control-id', c.id),
      viTitle(c.title),
      prop('domain', c.domain),
      prop('severity', c.severity),
      ...levels.map((l) => prop('level', l)),
      ...levels.map((l) => prop('ref', c.refs[l], { class: `level-${l}` })),
      ...(c.scanCheck ? [prop('scan-check', c.scanCheck)] : []),
    ],
    parts: [
      part(statementIdOf(id), 'statement', c.requirement.en, { class: 'en' }),
      part(`${statementIdOf(id)}.vi`, 'statement', c.requirement.vi, { ns: NS, class: 'vi' }),
      ...levelParts,
      ...evidence,
    ],
  };
}

/** A checklist version as an OSCAL catalog: groups management / technical, a sub-group per requirement area. */
export function buildCatalog(c: CatalogSource) {
  const groups = GROUPS.map((g) => {
    const areas = DOMAINS.map((d) => ({ d, controls: c.controls.filter((k) => k.group === g && k.domain === d) })).filter((a) => a.controls.length);
    return {
      id: groupIdOf(c.framework, g), class: g, title: GROUP_TITLES[g].en,
      props: [viTitle(GROUP_TITLES[g]), { name: 'label', value: `x.${GROUP_TITLES[g].clause}` }],
      groups: areas.map(({ d, controls }) => ({
        id: domainGroupIdOf(c.framework, d), class: 'requirement-area', title: DOMAIN_TITLES[d].en,
        props: [viTitle(DOMAIN_TITLES[d]), { name: 'label', value: `x.${DOMAIN_TITLES[d].clause}` }, prop('domain', d)],
        controls: controls.map((k) => control(c.framework, k)),
      })),
    };
  }).filter((g) => g.groups.length);
  return {
    catalog: {
      uuid: uuidFor('checklist', c.id, 'catalog'),
      metadata: metadata({
        title: c.title.en, lastModified: iso(c.importedAt), version: c.version, published: iso(`${c.publishedAt}T00:00:00Z`),
        props: [prop('framework', c.framework), viTitle(c.title), ...c.levels.map((l) => prop('level', l))],
      }),
      groups,
    },
  };
}

/** Where the catalog of a checklist is, on the server and beside an exported file set. */
export function catalogResource(c: Pick<CatalogSource, 'id' | 'framework' | 'version' | 'title'>, base: string): Resource {
  return {
    uuid: uuidFor('checklist', c.id, 'catalog-resource'),
    title: line(`${c.title.en} (OSCAL catalog)`),
    props: [prop('framework', c.framework), prop('version', c.version)],
    rlinks: [
      { href: `${base}/api/v1/checklists/${c.id}/oscal/catalog`, 'media-type': MEDIA.catalog },
      { href: FILES.catalog, 'media-type': MEDIA.catalog },
    ],
  };
}

/** The baseline of one security level: the catalog's controls that apply at that level. */
export function buildProfile(c: CatalogSource, level: number, base: string) {
  const res = catalogResource(c, base);
  const ids = c.controls.filter((k) => k.levels.includes(level)).map((k) => controlIdOf(c.framework, k));
  return {
    profile: {
      uuid: uuidFor('checklist', c.id, 'profile', level),
      metadata: metadata({
        title: `${c.title.en} — security level ${level}`, lastModified: iso(c.importedAt), version: c.version,
        props: [prop('framework', c.framework), prop('level', level), prop('title', `${c.title.vi} — cấp độ ${level}`, { class: 'vi' })],
      }),
      imports: [{ href: `#${res.uuid}`, 'include-controls': [{ 'with-ids': ids }] }],
      merge: { 'as-is': true },
      'back-matter': { resources: [res] },
    },
  };
}

/** Where the profile of a level is, on the server and beside an exported file set. */
export function profileResource(c: Pick<CatalogSource, 'id' | 'framework' | 'version' | 'title'>, level: number, base: string): Resource {
  return {
    uuid: uuidFor('checklist', c.id, 'profile-resource', level),
    title: line(`${c.title.en} — security level ${level} (OSCAL profile)`),
    props: [prop('framework', c.framework), prop('version', c.version), prop('level', level)],
    rlinks: [
      { href: `${base}/api/v1/checklists/${c.id}/oscal/profiles/${level}`, 'media-type': MEDIA.profile },
      { href: FILES.profile(level), 'media-type': MEDIA.profile },
    ],
  };
}
