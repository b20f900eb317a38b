import crypto from 'node:crypto';
import request from 'supertest';
import { harness } from './harness';
import * as organizations from '../../src/modules/organizations/organization.service';
import * as users from '../../src/modules/users/user.service';
import * as systems from '../../src/modules/systems/system.service';
import * as tokens from '../../src/modules/auth/token.service';
import { systemActor } from '../../src/shared/actor';
import type { Role } from '../../src/shared/enums';

const ctx = { actor: systemActor('test-factory') };
export const uniq = (prefix = '') => `${prefix}${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
export const PASSWORD = 'Correct-Horse-42-battery';

export async function makeOrg(over: Partial<{ code: string; name: string; type: string }> = {}) {
  return organizations.create(ctx, { code: uniq('ORG'), name: 'Sở Thông tin và Truyền thông thử nghiệm', type: 'province', ...over });
}

export async function makeUser(role: Role | Role[], org?: { id: string }, over: Partial<users.NewUser> = {}) {
  const roles = Array.isArray(role) ? role : [role];
  return users.create(ctx, {
    email: `${uniq('u').toLowerCase()}@attest.example`, name: `Test ${roles.join('+')}`, password: PASSWORD, roles,
    organization: org?.id, ...over,
  });
}

export async function tokenFor(user: { id: string }): Promise<string> {
  return (await tokens.issue(user.id, 1)).token;
}

export interface Actors {
  org: Awaited<ReturnType<typeof makeOrg>>;
  otherOrg: Awaited<ReturnType<typeof makeOrg>>;
  admin: string; inspector: string; owner: string; otherOwner: string;
  users: Record<'admin' | 'inspector' | 'owner' | 'otherOwner', Awaited<ReturnType<typeof makeUser>>>;
}

/** An organization with an owner, another organization with its owner, an admin and an inspector. */
export async function makeActors(): Promise<Actors> {
  const [org, otherOrg] = await Promise.all([makeOrg(), makeOrg()]);
  const [admin, inspector, owner, otherOwner] = await Promise.all([
    makeUser('admin'), makeUser('inspector'), makeUser('owner', org), makeUser('owner', otherOrg),
  ]);
  return {
    org, otherOrg,
    admin: await tokenFor(admin), inspector: await tokenFor(inspector), owner: await tokenFor(owner), otherOwner: await tokenFor(otherOwner),
    users: { admin, inspector, owner, otherOwner },
  };
}

export async function makeSystem(org: { id: string }, over: Partial<systems.SystemInput> = {}) {
  return systems.create(ctx, { code: uniq('HT-'), name: 'Hệ thống quản lý văn bản điều hành', organization: org.id, level: 3, ...over } as never);
}

export const api = () => request(harness().app);
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
