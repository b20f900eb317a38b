import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type Joi from 'joi';
import { validate, type RequestSchema } from './validate';
import { textRule } from './text-rule';
import { permit, type Permission } from './permissions';
import { authenticate } from './auth';
import type { Ctx } from '../shared/actor';
import { AppError } from './errors';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One endpoint: everything the router and the OpenAPI document need to know about it. */
export interface RouteDef {
  method: Method;
  /** express-style path below /api/v1, e.g. `/systems/:id` */
  path: string;
  summary: string;
  tag: string;
  /** 'public' needs no login; 'self' any logged-in user; otherwise a permission */
  access: 'public' | Permission;
  /** reachable with a token restricted to second-factor enrolment (the enrolment endpoints, logout) */
  enrolment?: boolean;
  schema?: RequestSchema;
  /** the body as the OpenAPI document describes it, when the validator checks less (rows checked one by one) */
  bodyDoc?: Joi.Schema;
  /** body media types besides JSON (the parser is added by the module via `middleware`) */
  bodyTypes?: string[];
  /** a multipart-only body, as the OpenAPI document shows it (parts and their types): replaces the JSON and bodyTypes entries */
  multipartDoc?: Record<string, unknown>;
  status?: number;
  /** response description per status besides the generic errors */
  responses?: Record<number, string>;
  /** response body schema for the success status (documentation) */
  response?: Joi.Schema;
  produces?: string;
  middleware?: RequestHandler[];
  /** body parsers for this route; JSON with the default limit when absent */
  parsers?: RequestHandler[];
  handler: (req: Request, res: Response) => unknown;
}

export const ctxOf = (req: Request): Ctx => {
  if (!req.user) throw AppError.unauthorized();
  return { actor: req.user, requestId: String(req.id ?? '') };
};

/** 405 with `Allow` for a method not in `methods` (HEAD goes with GET); the others pass on. */
export function allowOnly(methods: string[]): RequestHandler {
  const declared = new Set(methods.map((m) => m.toUpperCase()));
  if (declared.has('GET')) declared.add('HEAD');
  const allow = [...declared].join(', ');
  // the first guard whose path matches decides; later ones (a /:id after a literal path) stand aside
  return function methodGuard(req, res, next) {
    if (res.locals.methodChecked) return next();
    res.locals.methodChecked = true;
    if (declared.has(req.method)) return next();
    res.setHeader('Allow', allow);
    next(new AppError(405, 'method_not_allowed', { en: `Method not allowed here; allowed: ${allow}`, vi: `Phương thức này không được phép ở đây; được phép: ${allow}` }));
  };
}

const isLiteral = (path: string) => !path.includes(':');

export function buildRouter(defs: RouteDef[], opts: { jsonLimit: string }): Router {
  const router = Router();
  const json = express.json({ limit: opts.jsonLimit, strict: true });
  // a method the route table does not declare for a path: 405 with the ones it does. Literal paths
  // first, so GET /findings/bulk (declared for POST only) is a 405, not GET /findings/:id
  const methods = new Map<string, string[]>();
  for (const d of defs) methods.set(d.path, [...(methods.get(d.path) ?? []), d.method]);
  const paths = [...methods.keys()].sort((a, b) => Number(isLiteral(b)) - Number(isLiteral(a)));
  for (const path of paths) router.all(path, allowOnly(methods.get(path)!));
  for (const d of defs) {
    const chain: RequestHandler[] = [];
    // authenticate first: bodies of anonymous requests are never parsed
    if (d.access !== 'public') chain.push(authenticate, permit(d.access, { enrolment: d.enrolment }));
    const text = textRule(d.schema);
    chain.push(...(d.middleware ?? []), ...(d.parsers ?? [json]), ...(text ? [text] : []), validate(d.schema));
    chain.push(async (req, res) => {
      const out = await d.handler(req, res);
      if (res.headersSent) return;
      if (out === undefined) res.status(d.status ?? 204).end();
      else res.status(d.status ?? 200).json(out);
    });
    router[d.method](d.path, ...chain);
  }
  return router;
}
