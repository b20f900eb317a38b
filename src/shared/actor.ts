import type { Role } from './enums';

/**
 * What a token may do: `full` (its user's roles), `enrol` (only second-factor enrolment, the
 * session and logout: a user who must have a second factor and has none), `read-only` (no
 * writes), or one of its user's roles (that role's rights only; API tokens).
 */
export type TokenScope = 'full' | 'enrol' | 'read-only' | Role;
/** `session`: issued by a login (bearer and browser cookie); `api`: created for automation, named */
export type TokenKind = 'session' | 'api';

/** The token a request authenticated with (bearer, or the one a browser session is bound to). */
export interface Credential { key: string; kind: TokenKind; scope: TokenScope; mfa: boolean }

/** Who is acting: the authenticated user as services see it. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organization?: string;
  /** browser sessions: the SHA-256 of the login's token the session lives and dies with */
  sessionToken?: string;
  /** how this request authenticated; absent for actors built outside a request */
  credential?: Credential;
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
