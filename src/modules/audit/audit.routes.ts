import Joi from 'joi';
import type { RouteDef } from '../../http/route';
import { objectId, pagination } from '../../shared/joi';
import { AUDIT_ENTITIES } from '../../shared/enums';
import * as service from './audit.service';

const listAudit = {
  query: Joi.object({
    ...pagination,
    entity: Joi.string().valid(...AUDIT_ENTITIES),
    entityId: Joi.string().pattern(/^[A-Za-z0-9_-]{1,64}$/).description('events about this id (of any entity unless entity is given)'),
    actor: Joi.alternatives(objectId(), Joi.string().valid('system')),
    action: Joi.string().pattern(/^[a-z_.]{2,60}$/),
    from: Joi.date().iso(),
    to: Joi.date().iso().description('up to this time; a range that ends before it starts is simply empty'),
  }),
};

export const auditRoutes: RouteDef[] = [
  { method: 'get', path: '/audit', tag: 'audit', access: 'audit:read', schema: listAudit,
    summary: 'List audit events, newest first', handler: (req) => service.list(req.valid.query as never) },
  { method: 'get', path: '/audit/verify', tag: 'audit', access: 'audit:read',
    summary: 'Verify the hash chain of the audit trail', responses: { 200: '{ok, checked, headSeq, problems}' },
    handler: () => service.verify() },
];
