import { displayTimeZone } from '../../shared/display';
import type { Request } from 'express';
import passport from 'passport';
import { loginLimiters, type LoginLimits } from '../../http/login-limits';
import type { RouteDef } from '../../http/route';
import { AppError } from '../../http/errors';
import { bearerToken } from '../../http/auth';
import * as schemas from './auth.schemas';
import * as authService from './auth.service';
import * as users from '../users/user.service';
import { ctxOf } from '../../http/route';
import { sha256 } from '../../shared/canonical';
import type { Actor } from '../../shared/actor';

type LoginResult = Awaited<ReturnType<typeof authService.login>>;

function localLogin(req: Request): Promise<LoginResult> {
  return new Promise((resolve, reject) => {
    passport.authenticate('local', { session: false }, (err: unknown, result: LoginResult | false) => {
      if (err) return reject(err);
      if (!result) return reject(AppError.unauthorized({ en: 'Invalid email or password', vi: 'Sai thư điện tử hoặc mật khẩu' }));
      resolve(result);
    })(req, req.res, reject);
  });
}

/** Binds the browser session (when there is one) to a token a login issued. */
export function startSession(req: Request, result: { actor: Actor; token: string }): Promise<void> {
  if (!req.session) return Promise.resolve();
  // a fresh session id on login prevents session fixation
  const actor = { ...result.actor, sessionToken: sha256(result.token) };
  return new Promise((resolve, reject) => req.login(actor, (err) => (err ? reject(err) : resolve())));
}

function endSession(req: Request): Promise<void> {
  if (!req.session) return Promise.resolve();
  return new Promise((resolve) => req.logout(() => req.session.destroy(() => resolve())));
}

export function authRoutes(opts: { loginLimits: LoginLimits }): RouteDef[] {
  // per-address and per-range limits in front of the per-account lockout; counts are per instance
  const limiters = loginLimiters(opts.loginLimits);
  return [
    {
      method: 'post', path: '/auth/login', tag: 'auth', access: 'public', schema: schemas.login,
      summary: 'Log in with e-mail and password; returns a bearer token and sets a session cookie, or asks for the second factor (POST /auth/mfa/verify)',
      responses: { 200: '{token, expiresAt, user, mfaEnrolmentRequired?} (mfaEnrolmentRequired: the token reaches only the second-factor enrolment until one is set up), or {mfaRequired: true, mfaToken, expiresAt, methods} (no token yet)', 401: 'invalid e-mail or password', 429: 'locked out or rate limited' },
      middleware: limiters,
      handler: async (req) => {
        const r = await localLogin(req);
        if ('mfaRequired' in r) return { mfaRequired: true, mfaToken: r.mfaToken, expiresAt: r.expiresAt, methods: r.methods };
        await startSession(req, r);
        return { token: r.token, expiresAt: r.expiresAt, user: r.user, ...(r.mfaEnrolmentRequired && { mfaEnrolmentRequired: true }) };
      },
    },
    {
      method: 'post', path: '/auth/logout', tag: 'auth', access: 'self', enrolment: true,
      summary: 'Revoke the bearer token used and end the browser session',
      handler: async (req) => {
        await authService.logout(req.user!, bearerToken(req.headers.authorization), String(req.id));
        await endSession(req);
      },
    },
    {
      method: 'get', path: '/auth/me', tag: 'auth', access: 'self', summary: 'The logged-in user',
      handler: (req) => users.me(ctxOf(req).actor.id),
    },
    {
      method: 'get', path: '/auth/session', tag: 'auth', access: 'public',
      summary: 'Whether this browser has a session, and its user: always 200 (the console asks before anyone logged in); also the display time zone in which people read dates',
      handler: async (req) => ({
        displayTimeZone: displayTimeZone(),
        ...(req.user ? { authenticated: true, user: await users.me(req.user.id) } : { authenticated: false }),
        // this login may only set up a second factor before anything else (mfa.login.ts)
        ...(req.user?.credential?.scope === 'enrol' && { mfaEnrolmentRequired: true }),
      }),
    },
  ];
}
