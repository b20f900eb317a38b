import type { Response } from 'express';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import { idParams } from '../../shared/joi';
import * as service from './report.service';

const send = (res: Response, doc: { pdf: Buffer; filename: string }) => {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename="${doc.filename}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(doc.pdf);
};

export const reportRoutes: RouteDef[] = [
  { method: 'get', path: '/assessments/:id/report.pdf', tag: 'reports', access: 'assessments:read', schema: { params: idParams }, produces: 'application/pdf',
    summary: 'The assessment report, signed (PAdES): cover, summary, every control with result, note and evidence, the findings raised, the approval block (a draft when not approved)',
    handler: async (req, res) => send(res, await service.assessmentReport(ctxOf(req), req.valid.params.id)) },
  { method: 'get', path: '/reports/programme.pdf', tag: 'reports', access: 'reports:read', produces: 'application/pdf',
    summary: 'The whole portfolio on paper, signed (PAdES): figures, charts by level, organization, findings and scan grades, every system, who generated it and when',
    handler: async (req, res) => send(res, await service.programmeReport(ctxOf(req))) },
];
