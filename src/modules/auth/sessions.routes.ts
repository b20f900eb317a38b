import type { Request } from 'express';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './mfa.schemas';
import * as sessions from './sessions.service';
import type { Actor } from '../../shared/actor';

const selfCtx = (req: Request) => ctxOf(req) as ReturnType<typeof ctxOf> & { actor: Actor };

export function sessionRoutes(opts: { apiTokenMaxDays: number }): RouteDef[] {
  return [
    { method: 'get', path: '/auth/sessions', tag: 'auth', access: 'self',
      summary: 'Your live sessions and API tokens: kind, name, scope, created, last used (updated at most once a minute), address, user agent, and which one this request uses',
      handler: (req) => sessions.list(selfCtx(req).actor) },
    { method: 'delete', path: '/auth/sessions/:id', tag: 'auth', access: 'self', schema: schemas.sessionId,
      summary: 'End one of your sessions or revoke one of your API tokens (other instances stop accepting it within AUTH_CACHE_SECONDS)',
      responses: { 404: 'no such live session of yours' },
      handler: (req) => sessions.end(selfCtx(req), req.valid.params.id) },
    { method: 'post', path: '/auth/tokens', tag: 'auth', access: 'self', schema: schemas.createToken, status: 201,
      summary: 'Create an API token for automation: named, read-only or limited to one of your roles, expiring; only from a login session that passed the second factor when you have or need one. The token is shown only now',
      responses: { 201: '{token, id, name, scope, expiresAt}', 403: 'not from a login session, or without the second factor', 422: 'scope not one of your roles, or expiry too far' },
      handler: (req) => sessions.createApiToken(selfCtx(req), req.valid.body, opts.apiTokenMaxDays) },
    { method: 'post', path: '/users/:id/sessions/revoke', tag: 'users', access: 'users:manage', schema: schemas.userId,
      summary: 'End every session and API token of a user (other instances stop accepting them within AUTH_CACHE_SECONDS)',
      responses: { 200: '{ended}' },
      handler: (req) => sessions.endAllFor(ctxOf(req), req.valid.params.id) },
  ];
}
