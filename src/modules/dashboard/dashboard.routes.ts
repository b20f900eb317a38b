import type { RouteDef } from '../../http/route';
import { figures } from './dashboard.service';

export const dashboardRoutes: RouteDef[] = [
  { method: 'get', path: '/dashboard', tag: 'dashboard', access: 'dashboard:read',
    summary: 'Programme figures: systems total / evaluated / meeting all criteria (with %) / certified, by level and organization, open and overdue findings by severity, certificates, assessments due, scan grades',
    handler: () => figures() },
];
