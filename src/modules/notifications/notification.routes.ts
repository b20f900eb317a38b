import type { RouteDef } from '../../http/route';
import * as schemas from './notification.schemas';
import * as service from './notification.service';

export const notificationRoutes: RouteDef[] = [
  { method: 'get', path: '/notifications', tag: 'notifications', access: 'notifications:read', schema: schemas.listNotifications,
    summary: 'List the e-mail outbox (queued, sent and failed messages), newest first',
    handler: (req) => service.list(req.valid.query as never) },
];
