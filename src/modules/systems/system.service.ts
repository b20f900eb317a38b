import { Types } from 'mongoose';
import { Compliance, System, SystemDoc } from './system.model';
import * as audit from '../audit/audit.service';
import * as organizations from '../organizations/organization.service';
import { User } from '../users/user.model';
import { AppError, ErrorDetail } from '../../http/errors';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { Ctx, canSee, scopedOrganization } from '../../shared/actor';
import { canonicalJson } from '../../shared/canonical';
import { systemDependents, systemStale } from '../../shared/events';
import { applied, auditedCollection, createdWith, intentOf, settle, withIntent, type Intent } from '../audit/audit.intent';
import { NOUN } from '../../shared/words';
import type { Bilingual } from '../../shared/bilingual';

const changedMeanwhile = () => AppError.conflict({ en: 'The system was changed meanwhile; reload it and try again', vi: 'Hệ thống vừa được người khác thay đổi; hãy tải lại rồi thử lại' });

// a system's changes carry their audit events until they are in the chain
auditedCollection(System, () => cache.all<SystemDoc>(System));

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
  grade?: string; overdue?: boolean;
}

const compare = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() - b.getTime()
  : typeof a === 'number' && typeof b === 'number' ? a - b : String(a ?? '').localeCompare(String(b ?? '')));

/** Lists from the cached collection (db/cache.ts): 124 systems are filtered and sorted in memory. */
export async function list(ctx: Ctx, q: SystemQuery) {
  const scope = scopedOrganization(ctx.actor);
  if (scope === null) return { items: [], total: 0, page: q.page, limit: q.limit };
  const needle = q.q?.toLowerCase();
  const now = Date.now();
  const overdue = (s: SystemDoc) => !!s.compliance?.nextAssessmentDue && s.compliance.nextAssessmentDue.getTime() < now;
  const rows = (await cache.all<SystemDoc>(System)).filter((s) => {
    const org = s.organization.toString();
    return (scope === undefined || org === scope)
      && (!q.organization || org === q.organization)
      && (!q.level || s.level === q.level)
      && (!q.state || s.compliance?.state === q.state)
      && (!q.status || s.status === q.status)
      && (!q.tag || s.tags?.includes(q.tag))
      && (!q.grade || (s.lastScan?.grade ?? 'none') === q.grade)
      && (q.overdue === undefined || overdue(s) === q.overdue)
      && (!needle || s.code.toLowerCase().includes(needle) || s.name.toLowerCase().includes(needle));
  });
  const key = q.sort.replace(/^-/, '') as keyof SystemDoc;
  const dir = q.sort.startsWith('-') ? -1 : 1;
  rows.sort((x, y) => dir * compare(x[key], y[key]) || x.code.localeCompare(y.code));
  const skip = (q.page - 1) * q.limit;
  return { items: rows.slice(skip, skip + q.limit).map(view), total: rows.length, page: q.page, limit: q.limit };
}

/** A system the actor may see; 404 otherwise, so that outsiders cannot probe for existence. */
export async function get(ctx: Ctx, id: string): Promise<SystemView> {
  const s = await System.findById(id).lean();
  if (!s || !canSee(ctx.actor, s.organization)) throw AppError.notFound(NOUN.system);
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
    throw AppError.rule('organization', 'does not exist');
  }
  const problems = await checkOwners(organization, owners);
  if (problems.length) throw AppError.unprocessable({ en: 'The request breaks a rule: owners must be active owners of the organization', vi: 'Yêu cầu vi phạm một quy tắc: chủ quản hệ thống phải là người dùng có vai trò chủ quản, đang hoạt động, thuộc cơ quan, tổ chức của hệ thống' }, problems);
}

export async function create(ctx: Ctx, input: SystemInput & { code: string; organization: string }) {
  await checkRefs(input.organization, input.owners);
  const _id = new Types.ObjectId();
  const intent = intentOf(ctx, { action: 'system.create', entity: 'system', entityId: _id.toString(), after: { ...input, id: _id.toString() } });
  const s = view(await store.insertOne(System, createdWith({ ...input, _id }, intent)));
  await settle(System, _id, [intent]);
  return s;
}

/**
 * The update a patch makes of a system, from the API or an import: a new level also marks the
 * summary as needing re-assessment (the last assessment was against another level's checklist).
 */
export function patchUpdate(before: Pick<SystemDoc, 'level'>, patch: SystemInput): Record<string, unknown> {
  const $set: Record<string, unknown> = { ...patch };
  if (patch.level !== undefined && patch.level !== before.level) $set['compliance.needsReassessment'] = true;
  return { $set };
}

/** After a patch is written: a new level changes what the compliance summary is derived from. */
export async function afterPatch(id: string, before: Pick<SystemDoc, 'level'>, patch: SystemInput): Promise<boolean> {
  if (patch.level === undefined || patch.level === before.level) return false;
  await systemStale(id);
  return true;
}

export async function update(ctx: Ctx, id: string, patch: SystemInput) {
  const current = await System.findById(id).lean();
  if (!current) throw AppError.notFound(NOUN.system);
  // references are checked before the write decision (they read other collections); the decision
  // then insists that the organization and owners they were checked against are still there
  const touchesRefs = patch.organization !== undefined || patch.owners !== undefined;
  if (touchesRefs) await checkRefs(patch.organization ?? current.organization.toString(), patch.owners ?? (patch.organization ? current.owners.map(String) : undefined));
  const refsOf = (s: SystemDoc) => `${s.organization}|${s.owners.map(String).join(',')}`;
  let intent: Intent | undefined;
  const m = await store.mutate<SystemDoc>(System, id, (before) => {
    if (touchesRefs && refsOf(before) !== refsOf(current)) throw changedMeanwhile();
    const update = patchUpdate(before, patch);
    intent = intentOf(ctx, { action: 'system.update', entity: 'system', entityId: id, before: view(before), after: view(applied(before, update)) });
    return withIntent(update, intent);
  });
  if (!m) throw AppError.notFound(NOUN.system);
  await settle(System, id, [intent!]);
  if (await afterPatch(id, m.before, patch)) return view((await System.findById(id).lean()) ?? m.after);
  return view(m.after);
}

/**
 * Deletes a system that holds no record: no assessment, and nothing another module keeps as the
 * record (findings, certificates, a running scan: SystemDependent.holds); what may go with it
 * (scan runs and schedules, empty boards) is removed after it. The audit event goes first, so a
 * crash leaves no unaudited deletion; leftovers of a crash are removed by the consistency check.
 */
export async function remove(ctx: Ctx, id: string): Promise<void> {
  const before = await System.findById(id).lean();
  if (!before) throw AppError.notFound(NOUN.system);
  // its assessments, findings and certificates are the record: such a system is decommissioned instead
  if (before.assessmentCount > 0 || before.activeAssessment) throw AppError.conflict({ en: 'The system has assessments; set its status to decommissioned instead of deleting it', vi: 'Hệ thống đã có lần đánh giá nên không thể xóa; hãy chuyển trạng thái sang “Đã ngừng sử dụng”' });
  const held = (await Promise.all(systemDependents().map(async (d) => d.holds?.(id)))).filter((r): r is Bilingual => !!r);
  if (held.length) {
    throw AppError.conflict({
      en: `The system cannot be deleted: ${held.map((h) => h.en).join('; ')}; set its status to decommissioned instead`,
      vi: `Không thể xóa hệ thống: ${held.map((h) => h.vi).join('; ')}; hãy chuyển trạng thái sang “Đã ngừng sử dụng”`,
    }, held.map((h) => ({ reason: h.en, message: h })));
  }
  await audit.record(ctx, { action: 'system.delete', entity: 'system', entityId: id, before: view(before) });
  // conditioned on the version read: an assessment or a scan started meanwhile keeps the system
  if (!(await store.deleteById(System, id, before.version))) {
    await audit.record(ctx, { action: 'system.delete_abandoned', entity: 'system', entityId: id, after: { reason: 'changed meanwhile' } });
    throw changedMeanwhile();
  }
  for (const d of systemDependents()) await d.remove?.(id);
}

/** Ids of the systems of these organizations (from the cached collection). */
export async function idsIn(organizations: string[]): Promise<string[]> {
  const orgs = new Set(organizations);
  return (await cache.all<SystemDoc>(System)).filter((s) => orgs.has(s.organization.toString())).map((s) => s._id.toString());
}

/** Internal read for other modules (no scope: callers have checked access). */
export async function findById(id: string) {
  return System.findById(id).lean();
}

export { claimAssessmentSlot, releaseAssessmentSlot, claimScanSlot, releaseScanSlot } from './system.slots';

/** Records the system's current certificate (null: none). */
export async function setCertificate(systemId: string, certificate: NonNullable<SystemDoc['certificate']> | null): Promise<void> {
  await store.updateById(System, systemId, { $set: { certificate } });
}

/** Records a finished run as the system's latest scan. */
export async function recordScan(systemId: string, lastScan: NonNullable<SystemDoc['lastScan']>): Promise<void> {
  await store.updateById(System, systemId, { $set: { lastScan } });
}

/** Records the newest approved assessment (an older approval never replaces a newer one). */
export async function recordApproval(systemId: string, assessmentId: Types.ObjectId, approvedAt: Date, isNewer: (current: string) => Promise<boolean>): Promise<void> {
  await store.mutate<SystemDoc>(System, systemId, async (s) => {
    if (s.lastApprovedAssessment && !(await isNewer(s.lastApprovedAssessment.toString()))) return null;
    return { $set: { lastApprovedAssessment: assessmentId, lastApprovedAt: approvedAt } };
  });
}

/**
 * Writes a recomputed compliance summary. `compute` runs on the system as read, outside the write
 * decision (it reads other collections), and the write happens only if the system is still the
 * one it was computed from; otherwise it is computed again, for up to 10 s (a busy system is written
 * by scans, edits and other instances' refreshes; each retry starts from the newest state).
 */
export async function refreshCompliance(systemId: string, compute: (s: SystemDoc) => Promise<Compliance>): Promise<Compliance | undefined> {
  const same = (a: unknown, b: unknown) => canonicalJson(JSON.parse(JSON.stringify(a ?? null))) === canonicalJson(JSON.parse(JSON.stringify(b ?? null)));
  const deadline = Date.now() + store.MUTATE_BUDGET_MS;
  for (let attempt = 0; ; attempt++) {
    const s = await System.findById(systemId).lean();
    if (!s) return undefined;
    const result = await compute(s);
    let moved = false;
    const m = await store.mutate<SystemDoc>(System, systemId, (cur) => {
      if ((cur.version ?? 0) !== (s.version ?? 0)) { moved = true; return null; }
      return same(result, cur.compliance) ? null : { $set: { compliance: result } };
    });
    if (!m) return undefined;
    if (!moved) return result;
    // left to the consistency check after that long
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
  }
}
