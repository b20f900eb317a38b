import type { Role } from './enums';

/** Who is acting: the authenticated user as services see it. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organization?: string;
  /** browser sessions: the SHA-256 of the login's token the session lives and dies with */
  sessionToken?: string;
}

/** The context a service call runs in: who, and which request (for the audit trail). */
export interface Ctx {
  actor: Actor | SystemActor;
  requestId?: string;
}

export interface SystemActor {
  id: 'system';
  name: string;
  roles: Role[];
  email?: undefined;
  organization?: undefined;
}

export const systemActor = (name: string): SystemActor => ({ id: 'system', name, roles: ['admin'] });

export const hasRole = (actor: Ctx['actor'], role: Role) => actor.roles.includes(role);

/** Owners who hold no other role are limited to their organization. */
export function scopedOrganization(actor: Ctx['actor']): string | undefined | null {
  if (actor.roles.includes('admin') || actor.roles.includes('inspector')) return undefined;
  return actor.organization ?? null;
}

/** Whether a record of `organization` is within what the actor may see. */
export function canSee(actor: Ctx['actor'], organization: { toString(): string }): boolean {
  const org = scopedOrganization(actor);
  return org === undefined || organization.toString() === org;
}
