import Joi from 'joi';
import type { RouteDef } from '../http/route';
import * as service from './consistency.service';

const report = Joi.object({
  ok: Joi.boolean(), repair: Joi.boolean(), at: Joi.date(), ms: Joi.number(), differences: Joi.number().integer(), repaired: Joi.number().integer(),
  structures: Joi.array().items(Joi.object({
    name: Joi.string(), source: Joi.string(), checked: Joi.number().integer(), differences: Joi.number().integer(), repaired: Joi.number().integer(),
    samples: Joi.array().items(Joi.object({ id: Joi.string(), reason: Joi.string() })), error: Joi.string(), ms: Joi.number(),
  })),
});

export const consistencyRoutes: RouteDef[] = [
  { method: 'get', path: '/admin/consistency', tag: 'admin', access: 'consistency:check',
    schema: { query: Joi.object({ repair: Joi.boolean().truthy('true').falsy('false').default(true) }) },
    summary: 'Recompute every derived structure (caches, boards, compliance summaries, dashboard figures, scan index, audit indexes and head, certificate state, audit intents) from its source documents, compare, and repair what differs (repair=false: only compare)',
    response: report,
    handler: (req) => service.run({ repair: (req.valid.query as { repair: boolean }).repair }) },
];
