import { Organization, OrganizationDoc } from './organization.model';
import * as audit from '../audit/audit.service';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { type Ctx, canSee, systemActor } from '../../shared/actor';

export type OrganizationView = Omit<OrganizationDoc, '_id'> & { id: string };

/** Owners see their own organization only; admins and inspectors every one. */
export async function list(ctx: Ctx, q: { page: number; limit: number; type?: string; q?: string }) {
  const needle = q.q?.toLowerCase();
  const rows = (await cache.all<OrganizationDoc>(Organization))
    .filter((o) => canSee(ctx.actor, o._id))
    .filter((o) => (!q.type || o.type === q.type) && (!needle || o.code.toLowerCase().includes(needle) || o.name.toLowerCase().includes(needle)))
    .sort((x, y) => x.code.localeCompare(y.code));
  const skip = (q.page - 1) * q.limit;
  return { items: rows.slice(skip, skip + q.limit).map((i) => serialize<OrganizationView>(i)), total: rows.length, page: q.page, limit: q.limit };
}

/** One organization: 404 for an owner asking for another's. */
export async function get(ctx: Ctx, id: string): Promise<OrganizationView> {
  const org = await Organization.findById(id).lean();
  if (!org || !canSee(ctx.actor, org._id)) throw AppError.notFound(NOUN.organization);
  return serialize(org);
}

/** Internal read for other modules (no scope: callers have checked access). */
export const byId = (id: string) => get({ actor: systemActor('internal') }, id);

export async function exists(id: string): Promise<boolean> {
  return !!(await Organization.exists({ _id: id }));
}

/** code → id for every code given; unknown codes are simply absent from the map. */
export async function idsByCode(codes: string[]): Promise<Map<string, string>> {
  const orgs = await Organization.find({ code: { $in: [...new Set(codes)] } }, { code: 1 }).lean();
  return new Map(orgs.map((o) => [o.code, o._id.toString()]));
}

export async function codesById(ids: string[]): Promise<Map<string, string>> {
  const orgs = await store.findByIds<OrganizationDoc>(Organization, [...new Set(ids)], { code: 1 });
  return new Map(orgs.map((o) => [o._id.toString(), o.code]));
}

export async function create(ctx: Ctx, input: { code: string; name: string; type: string }): Promise<OrganizationView> {
  const org = serialize<OrganizationView>(await store.insertOne(Organization, input));
  await audit.record(ctx, { action: 'organization.create', entity: 'organization', entityId: org.id, after: org });
  return org;
}

type OrgPatch = Partial<{ code: string; name: string; type: string }>;

export async function update(ctx: Ctx, id: string, patch: OrgPatch) {
  const m = await store.mutate<OrganizationDoc>(Organization, id, () => ({ $set: patch }));
  if (!m) throw AppError.notFound(NOUN.organization);
  const view = serialize<OrganizationView>(m.after);
  await audit.record(ctx, { action: 'organization.update', entity: 'organization', entityId: id, before: serialize(m.before), after: view });
  return view;
}
