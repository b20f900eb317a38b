import { Organization, OrganizationDoc } from './organization.model';
import * as audit from '../audit/audit.service';
import { AppError } from '../../http/errors';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import { escapeRegex } from '../../shared/joi';
import type { Ctx } from '../../shared/actor';

export type OrganizationView = Omit<OrganizationDoc, '_id'> & { id: string };

export async function list(q: { page: number; limit: number; type?: string; q?: string }) {
  const filter: Record<string, unknown> = {};
  if (q.type) filter.type = q.type;
  if (q.q) {
    const rx = { $regex: escapeRegex(q.q), $options: 'i' };
    filter.$or = [{ code: rx }, { name: rx }];
  }
  const [items, total] = await Promise.all([
    Organization.find(filter).sort({ code: 1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
    Organization.countDocuments(filter),
  ]);
  return { items: items.map((i) => serialize<OrganizationView>(i)), total, page: q.page, limit: q.limit };
}

export async function get(id: string): Promise<OrganizationView> {
  const org = await Organization.findById(id).lean();
  if (!org) throw AppError.notFound('Organization');
  return serialize(org);
}

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
  if (!m) throw AppError.notFound('Organization');
  const view = serialize<OrganizationView>(m.after);
  await audit.record(ctx, { action: 'organization.update', entity: 'organization', entityId: id, before: serialize(m.before), after: view });
  return view;
}
