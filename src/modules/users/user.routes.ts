import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './user.schemas';
import * as service from './user.service';

export const userRoutes: RouteDef[] = [
  { method: 'get', path: '/users', tag: 'users', access: 'users:manage', schema: schemas.listUsers,
    summary: 'List users', handler: (req) => service.list(req.valid.query as never) },
  { method: 'post', path: '/users', tag: 'users', access: 'users:manage', schema: schemas.createUser,
    summary: 'Create a user', status: 201, handler: (req) => service.create(ctxOf(req), req.valid.body) },
  { method: 'get', path: '/users/:id', tag: 'users', access: 'users:manage', schema: schemas.getUser,
    summary: 'Get a user', handler: (req) => service.get(req.valid.params.id) },
  { method: 'patch', path: '/users/:id', tag: 'users', access: 'users:manage', schema: schemas.updateUser,
    summary: 'Update a user (name, roles, organization, active, password)', handler: (req) => service.update(ctxOf(req), req.valid.params.id, req.valid.body) },
];
