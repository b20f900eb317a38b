import { Types } from 'mongoose';
import { Compliance, System, SystemDoc } from './system.model';
import * as audit from '../audit/audit.service';
import * as organizations from '../organizations/organization.service';
import { User } from '../users/user.model';
import { AppError, ErrorDetail } from '../../http/errors';
import { serialize } from '../../db/serialize';
import { withLock } from '../../db/lock';
import { escapeRegex } from '../../shared/joi';
import { Ctx, canSee, scopedOrganization } from '../../shared/actor';
import * as compliance from '../compliance/compliance.service';
import * as assessments from '../assessments/assessment.service';

export type SystemView = Omit<SystemDoc, '_id' | 'organization' | 'owners'> & { id: string; organization: string; owners: string[] };
const view = (d: unknown) => serialize<SystemView>(d);

/** The part of every systems query that limits an owner to their organization. */
export function scopeFilter(actor: Ctx['actor']): Record<string, unknown> {
  const org = scopedOrganization(actor);
  if (org === undefined) return {};
  // an owner without organization sees nothing; an impossible id keeps the query shape
  return { organization: new Types.ObjectId(org ?? '000000000000000000000000') };
}

export interface SystemQuery {
  page: number; limit: number; organization?: string; level?: number; state?: string; status?: string; tag?: string; q?: string; sort: string;
}

export async function list(ctx: Ctx, q: SystemQuery) {
  const filter: Record<string, unknown> = {};
  if (q.organization) filter.organization = new Types.ObjectId(q.organization);
  if (q.level) filter.level = q.level;
  if (q.state) filter['compliance.state'] = q.state;
  if (q.status) filter.status = q.status;
  if (q.tag) filter.tags = q.tag;
  if (q.q) {
    const rx = { $regex: escapeRegex(q.q), $options: 'i' };
    filter.$or = [{ code: rx }, { name: rx }];
  }
  // scope last, so a query can never widen it; asking for another organization finds nothing
  const scope = scopeFilter(ctx.actor);
  if (scope.organization && q.organization && q.organization !== String(scope.organization)) {
    return { items: [], total: 0, page: q.page, limit: q.limit };
  }
  Object.assign(filter, scope);
  const sortKey = q.sort.replace(/^-/, '');
  const sort: Record<string, 1 | -1> = { [sortKey]: q.sort.startsWith('-') ? -1 : 1, ...(sortKey !== 'code' && { code: 1 }) };
  const [items, total] = await Promise.all([
    System.find(filter).sort(sort).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
    System.countDocuments(filter),
  ]);
  return { items: items.map(view), total, page: q.page, limit: q.limit };
}

/** A system the actor may see; 404 otherwise, so that outsiders cannot probe for existence. */
export async function get(ctx: Ctx, id: string): Promise<SystemView> {
  // by id alone (FerretDB uses its primary key only for {_id} filters), scope checked here
  const s = await System.findById(id).lean();
  if (!s || !canSee(ctx.actor, s.organization)) throw AppError.notFound('System');
  return view(s);
}

export type SystemInput = Partial<Omit<SystemView, 'id' | 'compliance' | 'createdAt' | 'updatedAt'>>;

/** Owners must be active users holding the owner role in the system's organization. */
export async function checkOwners(organization: string, owners: string[] | undefined): Promise<ErrorDetail[]> {
  if (!owners?.length) return [];
  const found = await User.find({ _id: { $in: owners }, organization, roles: 'owner', active: true }, { _id: 1 }).lean();
  const ok = new Set(found.map((u) => u._id.toString()));
  return owners.filter((o) => !ok.has(o)).map((o) => ({ field: 'owners', in: 'body', reason: `${o} is not an active owner of this organization` }));
}

async function checkRefs(organization: string, owners: string[] | undefined) {
  if (!(await organizations.exists(organization))) {
    throw AppError.badRequest('Invalid input', [{ field: 'organization', in: 'body', reason: 'organization does not exist' }]);
  }
  const problems = await checkOwners(organization, owners);
  if (problems.length) throw AppError.badRequest('Invalid input', problems);
}

export async function create(ctx: Ctx, input: SystemInput & { code: string; organization: string }) {
  await checkRefs(input.organization, input.owners);
  const s = view((await System.create(input)).toObject());
  await audit.record(ctx, { action: 'system.create', entity: 'system', entityId: s.id, after: s });
  return s;
}

/** Every change to a system document happens under its lock (see db/lock.ts). */
export const withSystemLock = <T>(id: string, fn: () => Promise<T>) => withLock(`system:${id}`, fn);

export async function update(ctx: Ctx, id: string, patch: SystemInput) {
  const after = await withSystemLock(id, () => applyUpdate(ctx, id, patch));
  if (patch.level !== undefined && after.levelChanged) return view({ ...after.doc, compliance: await compliance.refresh(id) ?? after.doc.compliance });
  return view(after.doc);
}

async function applyUpdate(ctx: Ctx, id: string, patch: SystemInput) {
  const before = await System.findById(id).lean();
  if (!before) throw AppError.notFound('System');
  const organization = patch.organization ?? before.organization.toString();
  await checkRefs(organization, patch.owners ?? (patch.organization ? before.owners.map(String) : undefined));
  const $set: Record<string, unknown> = { ...patch };
  // a new level means the last assessment was against the wrong checklist
  if (patch.level !== undefined && patch.level !== before.level) $set['compliance.needsReassessment'] = true;
  const after = await System.findByIdAndUpdate(id, { $set }, { new: true, runValidators: true }).lean();
  if (!after) throw AppError.notFound('System');
  await audit.record(ctx, { action: 'system.update', entity: 'system', entityId: id, before: view(before), after: view(after) });
  return { doc: after, levelChanged: patch.level !== undefined && patch.level !== before.level };
}

export async function remove(ctx: Ctx, id: string): Promise<void> {
  return withSystemLock(id, () => removeLocked(ctx, id));
}

async function removeLocked(ctx: Ctx, id: string): Promise<void> {
  // its assessments, findings and certificates are the record: such a system is decommissioned instead
  if (await assessments.existForSystem(id)) throw AppError.conflict('The system has assessments; set its status to decommissioned instead of deleting it');
  const before = await System.findByIdAndDelete(id).lean();
  if (!before) throw AppError.notFound('System');
  await audit.record(ctx, { action: 'system.delete', entity: 'system', entityId: id, before: view(before) });
}

/** Internal read for other modules (no scope: callers have checked access). */
export async function findById(id: string) {
  return System.findById(id).lean();
}

/**
 * Takes the system's single open-assessment slot for `assessmentId`. A holder that is gone or
 * finished (`isStale`) is replaced; otherwise returns the id of the assessment holding it.
 */
export async function claimAssessmentSlot(systemId: string, assessmentId: Types.ObjectId, isStale: (holder: string) => Promise<boolean>): Promise<string | undefined> {
  return withSystemLock(systemId, async () => {
    const s = await System.findById(systemId, { activeAssessment: 1, activeAssessmentSince: 1 }).lean();
    if (!s) throw AppError.notFound('System');
    // a claim younger than a minute may belong to an assessment still being created
    const young = s.activeAssessmentSince && Date.now() - s.activeAssessmentSince.getTime() < 60_000;
    if (s.activeAssessment && (young || !(await isStale(s.activeAssessment.toString())))) return s.activeAssessment.toString();
    await System.updateOne({ _id: systemId }, { $set: { activeAssessment: assessmentId, activeAssessmentSince: new Date() } });
    return undefined;
  });
}

export async function releaseAssessmentSlot(systemId: string, assessmentId: string): Promise<void> {
  await withSystemLock(systemId, async () => {
    const s = await System.findById(systemId, { activeAssessment: 1 }).lean();
    if (s?.activeAssessment?.toString() === assessmentId) await System.updateOne({ _id: systemId }, { $set: { activeAssessment: null } });
  });
}

/** Only inside withSystemLock (compliance.refresh holds it while it computes). */
export async function setComplianceLocked(systemId: string, compliance: Compliance): Promise<void> {
  await System.updateOne({ _id: systemId }, { $set: { compliance } });
}
