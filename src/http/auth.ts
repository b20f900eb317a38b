import type { RequestHandler } from 'express';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { Strategy as LocalStrategy } from 'passport-local';
import * as authService from '../modules/auth/auth.service';
import type { Actor } from '../shared/actor';
import { sha256 } from '../shared/canonical';
import * as tokens from '../modules/auth/token.service';
import * as users from '../modules/users/user.service';
import { AppError } from './errors';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
  }
}

let configured = false;
let currentPolicy: authService.LoginPolicy;

/** Registers the bearer strategy and the session (de)serialisers once per process. */
export function configurePassport(policy: authService.LoginPolicy): void {
  currentPolicy = policy;
  if (configured) return;
  configured = true;
  passport.use(new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
    (req, email, password, done) => {
      authService.login(email, password, currentPolicy, String(req.id ?? ''), { ip: req.ip, userAgent: req.get('user-agent') }).then((r) => done(null, r as never), done);
    }));
  passport.use(new BearerStrategy((token, done) => {
    tokens.resolve(token)
      .then(async (c) => (c ? actorOf(c, sha256(token)) : undefined))
      .then((actor) => done(null, actor ?? false), done);
  }));
  // a session is bound to the token its login issued: revoking that token (logout, a new password,
  // deactivation) ends the session too, on every instance within AUTH_CACHE_SECONDS
  passport.serializeUser((user, done) => done(null, `${user.id}.${user.sessionToken ?? ''}`));
  passport.deserializeUser((key: string, done) => {
    const [id, token] = String(key).split('.');
    tokens.resolveHash(token ?? '')
      .then(async (c) => (c?.user === id ? actorOf(c, token!) : undefined))
      .then((actor) => done(null, actor ? { ...actor, sessionToken: token } : false), done);
  });
}

/**
 * The user behind a live token, with what the token allows: a token scoped to a role acts with
 * that role only (and with none once the user no longer holds it).
 */
async function actorOf(c: tokens.Credential, key: string): Promise<Actor | undefined> {
  const actor = await users.activeActor(c.user);
  if (!actor) return undefined;
  const roles = c.scope === 'full' || c.scope === 'enrol' || c.scope === 'read-only' ? actor.roles : actor.roles.filter((r) => r === c.scope);
  return { ...actor, roles, credential: { key, kind: c.kind, scope: c.scope, mfa: c.mfa } };
}

/** Marks the request's token used (lazily: at most once a minute per token, see tokens.touch). */
async function touchCredential(req: Parameters<RequestHandler>[0]): Promise<void> {
  const key = req.user?.credential?.key;
  if (key) await tokens.touch(key, { ip: req.ip, userAgent: req.get('user-agent') });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Bearer token when an Authorization header is sent, otherwise the browser session. */
export const authenticate: RequestHandler = (req, res, next) => {
  if (req.headers.authorization) {
    return passport.authenticate('bearer', { session: false }, (err: unknown, user: Actor | false) => {
      if (err) return next(err);
      if (!user) return next(AppError.unauthorized({ en: 'Invalid or expired token', vi: 'Mã truy cập không hợp lệ hoặc đã hết hạn' }));
      req.user = user;
      touchCredential(req).then(() => next(), next);
    })(req, res, next);
  }
  if (req.user) {
    // a write on the strength of the cookie alone must carry the console's header: another site can
    // make a browser send the cookie (SameSite=Strict already forbids it), never a custom header
    if (!SAFE_METHODS.has(req.method) && req.get('x-requested-with') !== 'attest') {
      return next(AppError.forbidden({ en: 'A browser session write needs the X-Requested-With: attest header (cross-site request refused)', vi: 'Yêu cầu ghi từ phiên trình duyệt cần tiêu đề X-Requested-With: attest (đã từ chối yêu cầu từ trang khác)' }));
    }
    return touchCredential(req).then(() => next(), next);
  }
  next(AppError.unauthorized());
};

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
