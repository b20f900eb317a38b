import type { Request } from 'express';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './mfa.schemas';
import * as mfa from './mfa.service';
import * as mfaLogin from './mfa.login';
import * as passkeys from './passkey.service';
import { afterEnrolment } from './mfa.routes';
import { startSession } from './auth.routes';
import type { Actor } from '../../shared/actor';

const selfCtx = (req: Request) => ctxOf(req) as ReturnType<typeof ctxOf> & { actor: Actor };

/** Passkeys (WebAuthn): registration by a logged-in user, and the second step of a login. */
export function passkeyRoutes(policy: mfaLogin.Policy): RouteDef[] {
  return [
    { method: 'post', path: '/auth/passkeys/options', tag: 'auth', access: 'self', enrolment: true,
      summary: 'Options for registering a passkey (navigator.credentials.create); send the answer to POST /auth/passkeys within 5 minutes',
      handler: (req) => passkeys.registrationOptions(selfCtx(req).actor) },
    { method: 'post', path: '/auth/passkeys', tag: 'auth', access: 'self', enrolment: true, schema: schemas.registerPasskey, status: 201,
      summary: 'Register a passkey (the authenticator\'s answer as JSON); the first factor brings ten recovery codes (shown only now), and the session that set it up counts as having passed the second factor (a login restricted to enrolment gets a full token here)',
      responses: { 201: '{id, recoveryCodes?, token?, expiresAt?}', 409: 'no registration under way, or already registered', 422: 'the answer does not verify' },
      handler: async (req) => {
        const { firstFactor, ...r } = await passkeys.register(selfCtx(req), req.valid.body.name, req.valid.body.response);
        return { ...r, ...(await afterEnrolment(req, policy, { firstFactor, method: 'passkey' })) };
      } },
    { method: 'get', path: '/auth/passkeys', tag: 'auth', access: 'self',
      summary: 'Your passkeys', handler: async (req) => ({ items: (await mfa.status(selfCtx(req).actor)).passkeys }) },
    { method: 'post', path: '/auth/passkeys/:id/remove', tag: 'auth', access: 'self', schema: schemas.removePasskey,
      summary: 'Remove one of your passkeys (send your password or a current code)',
      responses: { 404: 'no such passkey', 422: 'wrong password or code', 429: 'too many failed attempts' },
      handler: async (req) => {
        await mfa.checkProof(selfCtx(req).actor, req.valid.body, policy);
        await passkeys.remove(selfCtx(req), req.valid.params.id);
      } },
    { method: 'post', path: '/auth/mfa/passkey/options', tag: 'auth', access: 'public', schema: schemas.passkeyOptions,
      summary: 'Second step of a login with a passkey: options for navigator.credentials.get, for the mfaToken from POST /auth/login',
      responses: { 401: 'the login expired or is unknown', 409: 'no passkey registered' },
      handler: (req) => mfaLogin.passkeyOptions(req.valid.body.mfaToken) },
    { method: 'post', path: '/auth/mfa/passkey/verify', tag: 'auth', access: 'public', schema: schemas.passkeyVerify,
      summary: 'Second step of a login with a passkey: the authenticator\'s answer; returns the token and sets the session cookie',
      responses: { 200: '{token, expiresAt, user}', 401: 'the answer does not verify, or the login expired', 429: 'too many failed attempts' },
      handler: async (req) => {
        const { mfaToken, response } = req.valid.body;
        const r = await mfaLogin.complete(mfaToken, { passkey: response }, policy, String(req.id ?? ''), { ip: req.ip, userAgent: req.get('user-agent') });
        await startSession(req, r);
        return { token: r.token, expiresAt: r.expiresAt, user: r.user };
      } },
  ];
}
