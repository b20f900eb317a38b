import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './scan.schemas';
import * as service from './scan.service';
import * as schedules from './scan.schedule';
import { AppError } from '../../http/errors';

export const scanRoutes: RouteDef[] = [
  { method: 'post', path: '/systems/:id/scans', tag: 'scans', access: 'scans:run', schema: schemas.startScan, status: 202,
    summary: 'Start a scan of the system now; poll GET /scans/:id for its progress',
    responses: { 202: '{id, status}', 409: 'a scan of this system is running', 422: 'the system is decommissioned' },
    handler: async (req) => {
      const started = await service.start(ctxOf(req), req.valid.params.id, { checks: req.valid.body.checks });
      if (!started) throw AppError.conflict({ en: 'The scan could not be queued; try again', vi: 'Chưa thể xếp lần quét vào hàng đợi; hãy thử lại' });
      return started;
    } },
  { method: 'get', path: '/scans', tag: 'scans', access: 'scans:read', schema: schemas.listScans,
    summary: 'Recent scan runs, newest first (a system\'s last 100, or the programme\'s last 300; owners: their organization)',
    handler: (req) => service.list(ctxOf(req), req.valid.query as never) },
  { method: 'get', path: '/scans/:id', tag: 'scans', access: 'scans:read', schema: schemas.byId,
    summary: 'A scan run: status, progress (checks done / total), per-check observations, findings opened, refreshed, verified, reopened',
    handler: (req) => service.get(ctxOf(req), req.valid.params.id) },
  { method: 'get', path: '/systems/:id/scan-schedule', tag: 'scans', access: 'scans:schedule', schema: schemas.getSchedule,
    summary: 'The system\'s scan schedule (its own, or its level\'s default from the settings)', handler: (req) => schedules.get(ctxOf(req), req.valid.params.id) },
  { method: 'put', path: '/systems/:id/scan-schedule', tag: 'scans', access: 'scans:schedule', schema: schemas.putSchedule,
    summary: 'Set the system\'s own scan schedule (a cron expression of 5 or 6 fields; one that node-cron refuses is 422 with its reason)',
    responses: { 409: 'changed by someone else since the version sent' },
    handler: (req) => schedules.put(ctxOf(req), req.valid.params.id, req.valid.body) },
];
