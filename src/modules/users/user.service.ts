import { Types } from 'mongoose';
import { PRIVATE_USER_FIELDS, User, UserDoc } from './user.model';
import { hashPassword, passwordProblems } from './password';
import * as audit from '../audit/audit.service';
import * as organizations from '../organizations/organization.service';
import * as tokens from '../auth/token.service';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import { TtlCache } from '../../shared/ttl-cache';
import { registerDerived, type Difference } from '../../db/derived';
import { escapeRegex } from '../../shared/joi';
import type { Actor, Ctx } from '../../shared/actor';
import type { Role } from '../../shared/enums';

export type UserView = Omit<UserDoc, '_id' | 'passwordHash' | 'organization'> & { id: string; organization?: string };

const view = (u: unknown) => serialize<UserView>(u, PRIVATE_USER_FIELDS);

export function toActor(u: Pick<UserDoc, '_id' | 'email' | 'name' | 'roles' | 'organization'>): Actor {
  return { id: u._id.toString(), email: u.email, name: u.name, roles: u.roles, organization: u.organization?.toString() };
}

export async function list(q: { page: number; limit: number; role?: Role; organization?: string; active?: boolean; q?: string }) {
  const filter: Record<string, unknown> = {};
  if (q.role) filter.roles = q.role;
  if (q.organization) filter.organization = new Types.ObjectId(q.organization);
  if (q.active !== undefined) filter.active = q.active;
  if (q.q) {
    const rx = { $regex: escapeRegex(q.q), $options: 'i' };
    filter.$or = [{ email: rx }, { name: rx }];
  }
  const [items, total] = await Promise.all([
    User.find(filter, { passwordHash: 0 }).sort({ email: 1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
    User.countDocuments(filter),
  ]);
  return { items: items.map(view), total, page: q.page, limit: q.limit };
}

export async function get(id: string): Promise<UserView> {
  const u = await User.findById(id, { passwordHash: 0 }).lean();
  if (!u) throw AppError.notFound(NOUN.user);
  return view(u);
}

/*
 * Who is behind an authenticated request, cached in the process for at most AUTH_CACHE_SECONDS
 * (see token.service.ts): a change of the user here drops the entry at once, other instances
 * see it within that time.
 */
const actors = new TtlCache<string, { actor: Actor; view: UserView } | null>(15_000);

export function configureUserCache(seconds: number): void {
  actors.ttlMs = seconds * 1000;
  actors.clear();
}

async function cachedUser(id: string) {
  if (!Types.ObjectId.isValid(id)) return null;
  const hit = actors.get(id);
  if (hit !== undefined) return hit;
  const mark = actors.mark(); // a change of a user while this read is under way must not be undone by it
  const u = await User.findById(id, { passwordHash: 0 }).lean();
  const entry = u?.active ? { actor: toActor(u), view: view(u) } : null;
  actors.set(id, entry, undefined, mark);
  return entry;
}

// who this process believes a user is must be who the database says (a change elsewhere: dropped now)
registerDerived({
  name: 'cache:users',
  source: 'the users collection',
  async check() {
    const differences: Difference[] = [];
    const held = [...actors.each()];
    for (const [id, entry] of held) {
      const u = await User.findById(id, { passwordHash: 0 }).lean();
      const want = u?.active ? JSON.stringify(toActor(u)) : null;
      // a change made on another instance may take AUTH_CACHE_SECONDS to reach this one (by design)
      const recent = !!u?.updatedAt && Date.now() - u.updatedAt.getTime() <= actors.ttlMs;
      if (!recent && want !== (entry ? JSON.stringify(entry.actor) : null)) differences.push({ id, reason: 'a cached user differs from the database (roles, organization, name or active)' });
    }
    return { checked: held.length, differences };
  },
  async repair(differences) {
    for (const d of differences) actors.delete(d.id);
    return differences.length;
  },
});

/** Active user by id, as an actor; undefined when gone or deactivated. Runs on every authenticated request. */
export async function activeActor(id: string): Promise<Actor | undefined> {
  return (await cachedUser(id))?.actor;
}

/** The logged-in user as GET /auth/me shows it. */
export async function me(id: string): Promise<UserView> {
  const u = await cachedUser(id);
  if (!u) throw AppError.notFound(NOUN.user);
  return u.view;
}

export async function findForLogin(email: string) {
  return User.findOne({ email: email.trim().toLowerCase() }).lean();
}

export async function touchLogin(id: Types.ObjectId) {
  await store.updateById(User, id, { $set: { lastLoginAt: new Date() } });
  actors.delete(id.toString());
}

async function checkRolesAndOrg(roles: Role[], organization: string | null | undefined) {
  if (roles.includes('owner') && !organization) {
    throw AppError.rule('organization', 'is required for owners');
  }
  if (organization && !(await organizations.exists(organization))) {
    throw AppError.rule('organization', 'does not exist');
  }
}

function checkPassword(password: string, email: string) {
  const problems = passwordProblems(password, email);
  if (problems.length) throw AppError.unprocessable({ en: 'Password does not meet the policy', vi: 'Mật khẩu chưa đáp ứng chính sách mật khẩu' }, problems.map((reason) => ({ field: 'password', in: 'body', reason })));
}

export interface NewUser { email: string; name: string; password: string; roles: Role[]; organization?: string; active?: boolean }

export async function create(ctx: Ctx, input: NewUser): Promise<UserView> {
  checkPassword(input.password, input.email);
  await checkRolesAndOrg(input.roles, input.organization);
  const { password, ...rest } = input;
  const u = view(await store.insertOne(User, { ...rest, passwordHash: await hashPassword(password), passwordChangedAt: new Date() }));
  await audit.record(ctx, { action: 'user.create', entity: 'user', entityId: u.id, after: u });
  return u;
}

type UserPatch = Partial<Omit<NewUser, 'email'>> & { organization?: string | null };

export async function update(ctx: Ctx, id: string, patch: UserPatch) {
  // hashing takes ~50 ms of CPU: done before the write decision, never inside it (db/store.ts mutate)
  let passwordHash: string | undefined;
  if (patch.password !== undefined) {
    const current = await User.findById(id, { email: 1 }).lean();
    if (!current) throw AppError.notFound(NOUN.user);
    checkPassword(patch.password, current.email);
    passwordHash = await hashPassword(patch.password);
  }
  const m = await store.mutate<UserDoc>(User, id, async (before) => {
    if (ctx.actor.id === id && (patch.active === false || (patch.roles && !patch.roles.includes('admin') && before.roles.includes('admin')))) {
      throw AppError.unprocessable({ en: 'You cannot deactivate yourself or remove your own admin role', vi: 'Bạn không thể tự khóa tài khoản của mình hoặc tự bỏ vai trò quản trị của mình' });
    }
    const roles = patch.roles ?? before.roles;
    const organization = patch.organization === undefined ? before.organization?.toString() : patch.organization;
    await checkRolesAndOrg(roles, organization);
    const $set: Record<string, unknown> = {};
    const $unset: Record<string, 1> = {};
    if (patch.name !== undefined) $set.name = patch.name;
    if (patch.roles !== undefined) $set.roles = patch.roles;
    if (patch.active !== undefined) $set.active = patch.active;
    if (patch.organization === null) $unset.organization = 1;
    else if (patch.organization !== undefined) $set.organization = patch.organization;
    if (passwordHash !== undefined) {
      $set.passwordHash = passwordHash;
      $set.passwordChangedAt = new Date();
    }
    return { $set, ...(Object.keys($unset).length && { $unset }) };
  });
  if (!m) throw AppError.notFound(NOUN.user);
  actors.delete(id);
  // a new password or a deactivation ends every session the user had
  if (patch.password !== undefined || patch.active === false) await tokens.revokeAllFor(id);
  const u = view(m.after);
  await audit.record(ctx, {
    action: 'user.update', entity: 'user', entityId: id, before: view(m.before),
    after: { ...u, ...(patch.password !== undefined && { passwordChanged: true }) },
  });
  return u;
}

export async function count(): Promise<number> {
  return User.estimatedDocumentCount();
}

/** E-mails of active users, for notifications. */
export async function emailsOf(filter: { ids?: string[]; organization?: string; role?: Role }): Promise<string[]> {
  const q: Record<string, unknown> = { active: true };
  if (filter.ids) q._id = { $in: filter.ids.map((i) => new Types.ObjectId(i)) };
  if (filter.organization) q.organization = new Types.ObjectId(filter.organization);
  if (filter.role) q.roles = filter.role;
  const rows = await User.find(q, { email: 1 }).limit(200).lean();
  return rows.map((r) => r.email);
}

/** The active users of an organization (who a finding of its systems may be assigned to): id, name, roles. */
export async function membersOf(organization: string): Promise<{ id: string; name: string; roles: Role[] }[]> {
  const rows = await User.find({ organization: new Types.ObjectId(organization), active: true }, { name: 1, roles: 1 }).limit(500).lean();
  return rows.map((r) => ({ id: r._id.toString(), name: r.name, roles: r.roles })).sort((x, y) => x.name.localeCompare(y.name));
}

/** Display names of the given user ids (for the people named on a record; never e-mails or roles). */
export async function namesOf(ids: string[]): Promise<Record<string, string>> {
  const valid = [...new Set(ids.filter((i) => Types.ObjectId.isValid(i) && /^[0-9a-f]{24}$/i.test(i)))].slice(0, 200);
  if (!valid.length) return {};
  const rows = await User.find({ _id: { $in: valid.map((i) => new Types.ObjectId(i)) } }, { name: 1 }).lean();
  return Object.fromEntries(rows.map((r) => [r._id.toString(), r.name]));
}

/** Whether `id` is an active user of `organization` (assignees must be: DESIGN §2). */
export async function isActiveMemberOf(id: string, organization: string): Promise<boolean> {
  const u = await User.findById(id, { organization: 1, active: 1 }).lean();
  return !!u?.active && u.organization?.toString() === organization;
}
