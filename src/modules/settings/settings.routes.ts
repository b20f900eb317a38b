import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './settings.schemas';
import * as service from './settings.service';

export const settingsRoutes: RouteDef[] = [
  { method: 'get', path: '/settings', tag: 'settings', access: 'settings:read', schema: schemas.getSettings,
    summary: 'Level rules: re-assessment periods, finding SLAs, the active checklist version', handler: () => service.getSettings() },
  { method: 'put', path: '/settings', tag: 'settings', access: 'settings:write', schema: schemas.updateSettings,
    summary: 'Change the level rules (send the version you read; 409 if someone changed them meanwhile)',
    responses: { 409: 'The settings changed since that version was read' },
    handler: (req) => {
      const { version, ...patch } = req.valid.body;
      return service.updateSettings(ctxOf(req), patch, version);
    } },
];
