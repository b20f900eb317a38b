import type { Request } from 'express';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import { AppError } from '../../http/errors';
import * as schemas from './mfa.schemas';
import * as mfa from './mfa.service';
import * as mfaLogin from './mfa.login';
import * as tokens from './token.service';
import { startSession } from './auth.routes';
import type { Actor } from '../../shared/actor';

const selfCtx = (req: Request) => ctxOf(req) as ReturnType<typeof ctxOf> & { actor: Actor };
const clientOf = (req: Request) => ({ ip: req.ip, userAgent: req.get('user-agent') });

/**
 * Setting up the user's first factor proves possession of it, as a second login step would:
 * - a token restricted to enrolment (a user whose role must have a second factor logged in without
 *   one) is replaced by a full token that counts as having passed the second factor; the browser
 *   session moves to it;
 * - a full login session is marked as having passed the second factor (the same flag a two-step
 *   login sets), so that it may, for instance, create API tokens without logging in again.
 * A factor added beside an existing one changes nothing: the session that adds it did not
 * necessarily pass the factor the user already had.
 */
export async function afterEnrolment(req: Request, policy: mfaLogin.Policy, enrolled: { firstFactor: boolean; method: 'totp' | 'passkey' }): Promise<{ token?: string; expiresAt?: Date }> {
  const { actor } = selfCtx(req);
  const c = actor.credential;
  if (c?.kind === 'session' && c.scope === 'full' && !c.mfa && enrolled.firstFactor) {
    if (await tokens.markSecondFactor(c.key)) await mfa.record({ actor, requestId: String(req.id ?? '') }, 'auth.session_verified', { id: tokens.publicId(c.key), factor: enrolled.method });
    return {};
  }
  if (c?.scope !== 'enrol') return {};
  const issued = await tokens.issue(actor.id, policy.tokenTtlHours, { mfa: true, ...clientOf(req) });
  await tokens.revokeHash(c.key);
  await startSession(req, { actor, token: issued.token });
  await mfa.record({ actor, requestId: String(req.id ?? '') }, 'auth.login', { factor: 'enrolment' });
  return { token: issued.token, expiresAt: issued.expiresAt };
}

export function mfaRoutes(policy: mfaLogin.Policy): RouteDef[] {
  return [
    { method: 'get', path: '/auth/mfa', tag: 'auth', access: 'self', enrolment: true,
      summary: 'Your second factors: authenticator app, passkeys, recovery codes left; whether your role requires one',
      handler: (req) => mfa.status(selfCtx(req).actor) },
    { method: 'post', path: '/auth/mfa/totp', tag: 'auth', access: 'self', enrolment: true,
      summary: 'Begin setting up an authenticator app (TOTP, RFC 6238): a new secret, its otpauth:// URI and a QR code of it; confirm with POST /auth/mfa/totp/confirm',
      responses: { 200: '{secret, otpauthUri, qr (PNG data URL)}', 409: 'an authenticator app is already set up' },
      handler: (req) => mfa.startTotp(selfCtx(req).actor) },
    { method: 'post', path: '/auth/mfa/totp/confirm', tag: 'auth', access: 'self', enrolment: true, schema: schemas.confirmTotp,
      summary: 'Confirm the authenticator app with its current code; the first factor brings ten one-time recovery codes (shown only now), and the session that set it up counts as having passed the second factor (a login restricted to enrolment gets a full token here)',
      responses: { 200: '{recoveryCodes?, token?, expiresAt?}', 409: 'no set-up under way', 422: 'wrong code' },
      handler: async (req) => {
        const { firstFactor, ...r } = await mfa.confirmTotp(selfCtx(req), req.valid.body.code);
        return { ...r, ...(await afterEnrolment(req, policy, { firstFactor, method: 'totp' })) };
      } },
    { method: 'post', path: '/auth/mfa/totp/remove', tag: 'auth', access: 'self', schema: schemas.proof,
      summary: 'Remove the authenticator app (send your password or a current code)',
      responses: { 404: 'no authenticator app', 422: 'wrong password or code', 429: 'too many failed attempts' },
      handler: async (req) => {
        await mfa.checkProof(selfCtx(req).actor, req.valid.body, policy);
        await mfa.removeTotp(selfCtx(req));
      } },
    { method: 'post', path: '/auth/mfa/recovery-codes', tag: 'auth', access: 'self', schema: schemas.proof,
      summary: 'Replace your recovery codes with ten new ones (send your password or a current code); the old ones stop working',
      responses: { 200: '{recoveryCodes}', 409: 'no second factor set up', 422: 'wrong password or code', 429: 'too many failed attempts' },
      handler: async (req) => {
        await mfa.checkProof(selfCtx(req).actor, req.valid.body, policy);
        return mfa.regenerateRecoveryCodes(selfCtx(req));
      } },
    { method: 'post', path: '/auth/mfa/verify', tag: 'auth', access: 'public', schema: schemas.verify,
      summary: 'Second step of a login: the code of the authenticator app or a recovery code, with the mfaToken from POST /auth/login; returns the token and sets the session cookie',
      responses: { 200: '{token, expiresAt, user}', 401: 'wrong code, or the login expired', 429: 'too many failed attempts' },
      handler: async (req) => {
        const { mfaToken, code, recoveryCode } = req.valid.body;
        const r = await mfaLogin.complete(mfaToken, code ? { code } : { recoveryCode }, policy, String(req.id ?? ''), clientOf(req));
        await startSession(req, r);
        return { token: r.token, expiresAt: r.expiresAt, user: r.user };
      } },
    { method: 'post', path: '/users/:id/mfa/reset', tag: 'users', access: 'users:manage', schema: schemas.userId,
      summary: 'Remove every second factor of a user (lost authenticator and recovery codes) and end their sessions; they enrol again at the next login',
      handler: async (req) => {
        if (req.valid.params.id === req.user!.id) throw AppError.unprocessable({ en: 'You cannot reset your own second factor', vi: 'Bạn không thể tự đặt lại yếu tố xác thực thứ hai của mình' });
        await mfa.resetFor(ctxOf(req), req.valid.params.id);
      } },
  ];
}
