import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './organization.schemas';
import * as service from './organization.service';
import * as users from '../users/user.service';

export const organizationRoutes: RouteDef[] = [
  { method: 'get', path: '/organizations', tag: 'organizations', access: 'organizations:read', schema: schemas.listOrganizations,
    summary: 'List organizations (owners: their own)', handler: (req) => service.list(ctxOf(req), req.valid.query as never) },
  { method: 'post', path: '/organizations', tag: 'organizations', access: 'organizations:write', schema: schemas.createOrganization,
    summary: 'Create an organization', status: 201, handler: (req) => service.create(ctxOf(req), req.valid.body) },
  { method: 'get', path: '/organizations/:id', tag: 'organizations', access: 'organizations:read', schema: schemas.getOrganization,
    summary: 'Get an organization (owners: their own)', handler: (req) => service.get(ctxOf(req), req.valid.params.id) },
  { method: 'get', path: '/organizations/:id/members', tag: 'organizations', access: 'findings:write', schema: schemas.getOrganization,
    summary: 'The active users of an organization (id, name, roles): whom its findings may be assigned to',
    handler: async (req) => { await service.get(ctxOf(req), req.valid.params.id); return { items: await users.membersOf(req.valid.params.id) }; } },
  { method: 'patch', path: '/organizations/:id', tag: 'organizations', access: 'organizations:write', schema: schemas.updateOrganization,
    summary: 'Update an organization', handler: (req) => service.update(ctxOf(req), req.valid.params.id, req.valid.body) },
];
