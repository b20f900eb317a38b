import * as checklists from '../checklists/checklist.service';
import { ChecklistFileError, importChecklist } from '../checklists/checklist.loader';
import type { ChecklistControl } from '../checklists/checklist.schemas';
import * as systems from '../systems/system.service';
import * as assessments from '../assessments/assessment.service';
import * as organizations from '../organizations/organization.service';
import * as users from '../users/user.service';
import * as settings from '../settings/settings.service';
import * as certificates from '../certificates/certificate.service';
import * as findings from '../findings/finding.service';
import { forPlan } from '../findings/finding.export';
import * as audit from '../audit/audit.service';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../shared/actor';
import { buildCatalog, buildProfile, type CatalogSource } from './oscal.catalog';
import { parseOscalCatalog } from './oscal.import';
import { buildSsp } from './oscal.ssp';
import { buildResults, type AssessmentData } from './oscal.results';
import { buildPoam } from './oscal.poam';
import type { CertificateData, OrgData, SystemData } from './oscal.refs';
import type { FindingData } from './oscal.risks';

/** The public base URL links are made with: the one certificates' verification links use. */
const baseUrl = () => certificates.verifyUrl('').replace(/\/verify\/$/, '');

async function checklistSource(id: string): Promise<CatalogSource> {
  const c = await checklists.get(id);
  return { ...c, controls: c.controls as ChecklistControl[] };
}

export async function catalog(id: string) {
  return buildCatalog(await checklistSource(id));
}

/** 404 unknown checklist; 422 a level the checklist does not cover. */
export async function profile(id: string, level: number) {
  const c = await checklistSource(id);
  if (!c.levels.includes(level)) {
    throw checklists.levelNotCovered(c, level, 'path');
  }
  return buildProfile(c, level, baseUrl());
}

/**
 * Imports an OSCAL catalog as a new checklist version, through the same validation and the same
 * single insert as a YAML file: all or nothing. The same version with the same content is no change.
 */
export async function importCatalog(ctx: Ctx, doc: { catalog: Record<string, unknown> }) {
  let parsed;
  try {
    parsed = parseOscalCatalog(doc, `OSCAL catalog ${typeof doc.catalog.uuid === 'string' ? doc.catalog.uuid : ''}`.trim());
    const imported = await importChecklist(ctx, parsed);
    const found = await checklists.findByFrameworkVersion(parsed.content.framework, parsed.content.version);
    if (!found) throw new Error('the imported checklist is not found');
    return { imported, id: found.id, framework: found.framework, version: found.version, levels: found.levels, controlCount: parsed.content.controls.length };
  } catch (err) {
    if (!(err instanceof ChecklistFileError)) throw err;
    const details = err.issues.slice(0, 100).map((i) => ({ field: i.path || 'catalog', in: 'body', reason: i.reason }));
    if (err.issues.some((i) => i.path === 'version' && /already imported with different content/.test(i.reason))) {
      const name = `${parsed?.content.framework} ${parsed?.content.version}`;
      throw AppError.conflict({
        en: `${name} is already imported with different content; give the catalog a new metadata.version`,
        vi: `${name} đã được nhập với nội dung khác; hãy đặt cho danh mục một metadata.version mới`,
      }, details);
    }
    // well formed (the request schema holds) but against the checklist rules: 422, as for a bad row of an import
    throw AppError.unprocessable({ en: 'The OSCAL catalog is not a valid checklist; nothing was imported', vi: 'Danh mục OSCAL không phải là bộ tiêu chí hợp lệ; chưa có gì được nhập' }, details);
  }
}

const orgData = async (id: string): Promise<OrgData> => {
  const o = await organizations.byId(id);
  return { id: o.id, code: o.code, name: o.name, type: o.type, updatedAt: (o as { updatedAt?: Date }).updatedAt };
};

/** The system's current certificate as the actor may see it (none when they may not). */
async function certificateOf(ctx: Ctx, s: systems.SystemView): Promise<CertificateData | undefined> {
  const ref = s.certificate as { id?: unknown } | null | undefined;
  if (!ref?.id) return undefined;
  try {
    const c = await certificates.get(ctx, String(ref.id)) as Record<string, unknown> & { assessment?: { id?: unknown } };
    return {
      id: String(c.id), number: String(c.number), status: String(c.status), verifyUrl: String(c.verifyUrl),
      issuedAt: c.issuedAt as Date, expiresAt: c.expiresAt as Date, assessment: c.assessment?.id ? String(c.assessment.id) : undefined,
      pdf: c.pdf as { sha256?: string } | undefined,
    };
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return undefined;
    throw err;
  }
}

const systemData = (s: systems.SystemView): SystemData => s as unknown as SystemData;

/** A system security plan skeleton; scoped like the system (owners: their organization, else 404). */
export async function ssp(ctx: Ctx, systemId: string) {
  const s = await systems.get(ctx, systemId);
  const [organization, names, checklist, certificate] = await Promise.all([
    orgData(s.organization), users.namesOf(s.owners), settings.activeChecklistId().then(checklistSource), certificateOf(ctx, s),
  ]);
  const owners = s.owners.filter((id) => names[id]).map((id) => ({ id, name: names[id] }));
  return buildSsp({ system: systemData(s), organization, owners, checklist, certificate, base: baseUrl() });
}

const findingData = (f: unknown): FindingData => {
  const d = f as FindingData & { _id?: { toString(): string }; source: Record<string, unknown> };
  return { ...d, id: d.id ?? String(d._id), source: { ...d.source, type: String(d.source.type) } } as FindingData;
};

/** An assessment's results (approved, or marked as not approved); scoped like the assessment; audited. */
export async function assessmentResults(ctx: Ctx, assessmentId: string) {
  const a = await assessments.get(ctx, assessmentId) as unknown as AssessmentData & { system: string; organization: string };
  const s = await systems.get(ctx, a.system);
  const [organization, checklist, raised, people, certificate] = await Promise.all([
    orgData(a.organization), checklists.get(a.checklist.id), findings.listForAssessment(assessmentId, a.system),
    users.namesOf([a.createdBy, a.submittedBy, a.approvedBy].filter((x): x is string => !!x)), certificateOf(ctx, s),
  ]);
  const doc = buildResults({
    assessment: a, system: systemData(s), organization, checklistTitle: checklist.title, findings: raised.map(findingData), people,
    certificate: certificate?.assessment === assessmentId ? certificate : undefined, base: baseUrl(),
  });
  const ar = doc['assessment-results'];
  await audit.record(ctx, {
    action: 'oscal.assessment_results.export', entity: 'assessment', entityId: assessmentId,
    after: { format: 'oscal', document: 'assessment-results', uuid: ar.uuid, lastModified: ar.metadata['last-modified'], status: a.status },
  });
  return doc;
}

/** A system's plan of action and milestones; scoped like the system and its findings; audited. */
export async function poam(ctx: Ctx, systemId: string) {
  const s = await systems.get(ctx, systemId);
  const [organization, open] = await Promise.all([orgData(s.organization), forPlan(ctx, systemId)]);
  const doc = buildPoam({ system: systemData(s), organization, findings: open.findings.map(findingData), omitted: open.omitted, base: baseUrl() });
  const p = doc['plan-of-action-and-milestones'];
  await audit.record(ctx, {
    action: 'oscal.poam.export', entity: 'system', entityId: systemId,
    after: { format: 'oscal', document: 'poam', uuid: p.uuid, lastModified: p.metadata['last-modified'], items: open.findings.length, omitted: open.omitted },
  });
  return doc;
}

/** The assessment a system's results are exported for: its newest approved one, else its newest of any status. */
export async function latestAssessmentId(ctx: Ctx, systemId: string): Promise<string | undefined> {
  await systems.get(ctx, systemId);
  const newest = async (status?: 'approved') => (await assessments.list(ctx, { page: 1, limit: 1, system: systemId, status })).items[0] as { id?: string } | undefined;
  return ((await newest('approved')) ?? (await newest()))?.id;
}
