import crypto from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { PendingLogin, type PendingDoc } from './mfa.model';
import { factorsOf, hasFactor, record, requiredFor, useRecoveryCode, useTotp } from './mfa.service';
import * as passkeys from './passkey.service';
import * as tokens from './token.service';
import * as users from '../users/user.service';
import { AppError } from '../../http/errors';
import { sha256 } from '../../shared/canonical';
import * as store from '../../db/store';
import type { Actor } from '../../shared/actor';

/*
 * The second step of a login. After a right password, a user with a second factor gets a pending
 * login: a handle (`mfaToken`) valid for PENDING_MS that can do nothing but present a factor; the
 * first right factor consumes it and issues the session token. A user who has no factor but whose
 * role must have one gets a token scoped to enrolment (see permissions.ts).
 */
const PENDING_MS = 5 * 60_000;

export interface Client { ip?: string; userAgent?: string }
export type SecondStep = 'none' | 'factor' | 'enrol';

export async function secondStep(actor: Actor): Promise<{ step: SecondStep; methods: string[] }> {
  const f = await factorsOf(actor.id);
  if (hasFactor(f)) {
    const methods = [...(f!.totp ? ['totp'] : []), ...(f!.passkeys.length ? ['passkey'] : []), ...(f!.recovery.some((r) => !r.usedAt) ? ['recovery'] : [])];
    return { step: 'factor', methods };
  }
  return { step: (await requiredFor(actor.roles)) ? 'enrol' : 'none', methods: [] };
}

export async function startPending(actor: Actor, client: Client): Promise<{ mfaToken: string; expiresAt: Date }> {
  const mfaToken = `mfa_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + PENDING_MS);
  await store.insertOne(PendingLogin, {
    _id: sha256(mfaToken), user: actor.id, expiresAt,
    ...(client.ip && { ip: client.ip.slice(0, 64) }), ...(client.userAgent && { userAgent: client.userAgent.slice(0, 300) }),
  });
  return { mfaToken, expiresAt };
}

async function pendingOf(mfaToken: string): Promise<PendingDoc> {
  const p = await PendingLogin.findById(sha256(mfaToken)).lean<PendingDoc>();
  if (!p || p.expiresAt.getTime() <= Date.now()) throw AppError.unauthorized({ en: 'The login has expired or is unknown: log in with your password again', vi: 'Phiên đăng nhập đã hết hạn hoặc không tồn tại: hãy đăng nhập lại bằng mật khẩu' });
  return p;
}

/** Assertion options for the pending login's user; the challenge is kept with the pending login. */
export async function passkeyOptions(mfaToken: string) {
  const p = await pendingOf(mfaToken);
  const options = await passkeys.authenticationOptions(p.user.toString());
  await store.updateById(PendingLogin, p._id, { $set: { challenge: options.challenge } });
  return options;
}

export type Factor = { code: string } | { recoveryCode: string } | { passkey: AuthenticationResponseJSON };

export interface Policy extends tokens.ThrottlePolicy { tokenTtlHours: number }

/**
 * Checks a factor for a pending login (counted per user like password guesses: past the limit the
 * account's second step is locked for the lockout time) and, when it is right, consumes the
 * pending login and issues a session token that has passed the second factor.
 */
export async function complete(mfaToken: string, factor: Factor, policy: Policy, requestId: string, client: Client) {
  const p = await pendingOf(mfaToken);
  const userId = p.user.toString();
  const actor = await users.activeActor(userId);
  if (!actor) throw AppError.unauthorized({ en: 'The login has expired or is unknown: log in with your password again', vi: 'Phiên đăng nhập đã hết hạn hoặc không tồn tại: hãy đăng nhập lại bằng mật khẩu' });
  const throttle = `mfa:${userId}`;
  if (!(await tokens.admitAttempt(throttle, policy))) throw AppError.tooMany({ en: 'Too many failed second-factor attempts; try again later', vi: 'Nhập sai yếu tố xác thực thứ hai quá nhiều lần; hãy thử lại sau' });
  const method = 'code' in factor ? 'totp' : 'recoveryCode' in factor ? 'recovery' : 'passkey';
  let ok: boolean;
  if ('code' in factor) ok = await useTotp(userId, factor.code);
  else if ('recoveryCode' in factor) ok = await useRecoveryCode(userId, factor.recoveryCode);
  else ok = !!p.challenge && await passkeys.useAssertion(userId, p.challenge, factor.passkey);
  const ctx = { actor, requestId };
  if (!ok) {
    await record(ctx, 'auth.mfa_failed', { purpose: 'login', method });
    throw AppError.unauthorized({ en: 'The second factor is not right', vi: 'Yếu tố xác thực thứ hai không đúng' });
  }
  // the pending login is used once: of two requests racing with it, one deletes it
  if (!(await store.deleteById(PendingLogin, p._id))) throw AppError.unauthorized({ en: 'The login has expired or is unknown: log in with your password again', vi: 'Phiên đăng nhập đã hết hạn hoặc không tồn tại: hãy đăng nhập lại bằng mật khẩu' });
  await tokens.clearAttempts(throttle);
  if (method === 'recovery') await record(ctx, 'auth.mfa_recovery_used');
  const user = await users.findForLogin(actor.email);
  if (user) await users.touchLogin(user._id);
  const issued = await tokens.issue(userId, policy.tokenTtlHours, { mfa: true, ip: client.ip, userAgent: client.userAgent });
  await record(ctx, 'auth.login', { factor: method });
  return { ...issued, actor, user: await users.get(userId) };
}

/** Removes pending logins that expired (the auth-cleanup job). */
export const purgePending = (now = new Date()) => store.deleteMany(PendingLogin, { expiresAt: { $lt: now } });
