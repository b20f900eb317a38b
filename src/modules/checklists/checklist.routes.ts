import type { RouteDef } from '../../http/route';
import * as schemas from './checklist.schemas';
import * as service from './checklist.service';

export const checklistRoutes: RouteDef[] = [
  { method: 'get', path: '/checklists', tag: 'checklists', access: 'checklists:read', schema: schemas.listChecklists,
    summary: 'List imported checklist versions with their control counts per level', responses: { 200: '{items, total}' },
    handler: async () => { const items = await service.list(); return { items, total: items.length }; } },
  { method: 'get', path: '/checklists/:id', tag: 'checklists', access: 'checklists:read', schema: schemas.getChecklist,
    summary: 'Get a checklist version; with ?level=N only the controls that apply at level N, with that level\'s ref and wording',
    responses: { 422: 'The checklist does not cover that level' },
    handler: (req) => service.get(req.valid.params.id, req.valid.query.level) },
];
