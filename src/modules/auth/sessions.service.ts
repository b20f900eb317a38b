import { Types } from 'mongoose';
import { Token, type TokenDoc } from './token.model';
import * as tokens from './token.service';
import { factorsOf, hasFactor, requiredFor } from './mfa.service';
import * as users from '../users/user.service';
import * as audit from '../audit/audit.service';
import { NOUN } from '../../shared/words';
import { AppError } from '../../http/errors';
import type { Actor, Ctx, TokenScope } from '../../shared/actor';

/*
 * Each login (a bearer token, and the browser session bound to it) and each API token is one
 * record of auth_tokens. Ending one revokes it in the database and in this process at once; other
 * instances stop accepting it within AUTH_CACHE_SECONDS (their token cache's bound).
 */

/** The most live tokens one user has listed (a user with more ends some). */
const LIST_MAX = 200;

const liveOf = (userId: string) => Token.find({ user: new Types.ObjectId(userId), revokedAt: { $exists: false }, expiresAt: { $gt: new Date() } })
  .sort({ createdAt: -1 }).limit(LIST_MAX).lean<TokenDoc[]>();

function row(t: TokenDoc, current: string | undefined) {
  return {
    id: tokens.publicId(t._id), kind: t.kind ?? 'session', scope: t.scope ?? 'full', secondFactor: !!t.mfa,
    ...(t.name && { name: t.name }),
    createdAt: t.createdAt, expiresAt: t.expiresAt,
    ...(t.lastUsedAt && { lastUsedAt: t.lastUsedAt }),
    ...(t.ip && { address: t.ip }), ...(t.userAgent && { userAgent: t.userAgent }),
    current: t._id === current,
  };
}

/** The user's live sessions and API tokens, newest first; `current` marks the one this request uses. */
export async function list(actor: Actor) {
  const items = (await liveOf(actor.id)).map((t) => row(t, actor.credential?.key));
  return { items, total: items.length };
}

/** Ends one of the user's own sessions or tokens (a browser session bound to it dies with it). */
export async function end(ctx: Ctx & { actor: Actor }, id: string): Promise<void> {
  const t = (await liveOf(ctx.actor.id)).find((x) => tokens.publicId(x._id) === id);
  if (!t) throw AppError.notFound(NOUN.session);
  await tokens.revokeHash(t._id);
  await audit.record(ctx, { action: t.kind === 'api' ? 'auth.token_revoked' : 'auth.session_ended', entity: 'user', entityId: ctx.actor.id, after: { id, kind: t.kind ?? 'session', ...(t.name && { name: t.name }) } });
}

/** An admin ends every session and token of a user. */
export async function endAllFor(ctx: Ctx, userId: string): Promise<{ ended: number }> {
  await users.get(userId);
  const ended = await tokens.revokeAllFor(userId);
  await audit.record(ctx, { action: 'auth.sessions_ended', entity: 'user', entityId: userId, after: { ended } });
  return { ended };
}

export interface NewApiToken { name: string; scope: Exclude<TokenScope, 'full' | 'enrol'>; expiresInDays: number }

/**
 * An API token for automation: named, scoped (read-only or one of the creator's roles), expiring
 * within `maxDays`. Only a login session may create one, and one that passed the second factor
 * when the user has one or must have one (at login, or by setting up the user's first factor): a
 * stolen password alone, or another API token, cannot.
 */
export async function createApiToken(ctx: Ctx & { actor: Actor }, input: NewApiToken, maxDays: number) {
  const { actor } = ctx;
  const c = actor.credential;
  if (!c || c.kind !== 'session' || c.scope !== 'full') throw AppError.forbidden({ en: 'API tokens are created from a login session, not with another token', vi: 'Mã truy cập API chỉ được tạo từ một phiên đăng nhập, không phải bằng một mã khác' });
  // a session that set up the first factor on another instance may still be cached here without the flag
  const passed = c.mfa || (await tokens.secondFactorPassed(c.key));
  if (!passed && (hasFactor(await factorsOf(actor.id)) || (await requiredFor(actor.roles)))) {
    throw new AppError(403, 'mfa_required', { en: 'Log in with your second factor to create API tokens', vi: 'Hãy đăng nhập bằng yếu tố xác thực thứ hai để tạo mã truy cập API' });
  }
  if (input.scope !== 'read-only' && !actor.roles.includes(input.scope)) throw AppError.rule('scope', 'must be read-only or one of your roles');
  if (input.expiresInDays > maxDays) throw AppError.rule('expiresInDays', `must be at most ${maxDays} (API_TOKEN_MAX_DAYS)`);
  const issued = await tokens.issue(actor.id, input.expiresInDays * 24, { kind: 'api', scope: input.scope, name: input.name });
  await audit.record(ctx, { action: 'auth.token_created', entity: 'user', entityId: actor.id, after: { id: issued.id, name: input.name, scope: input.scope, expiresAt: issued.expiresAt } });
  return { token: issued.token, id: issued.id, name: input.name, scope: input.scope, expiresAt: issued.expiresAt };
}
