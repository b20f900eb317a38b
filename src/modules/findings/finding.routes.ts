import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './finding.schemas';
import * as lifecycle from './finding.lifecycle';
import * as queries from './finding.queries';

export const findingRoutes: RouteDef[] = [
  { method: 'get', path: '/findings', tag: 'findings', access: 'findings:read', schema: schemas.listFindings,
    summary: 'List findings (owners: their organization; assignee=me for one\'s own; overdue=true for late ones)',
    handler: (req) => queries.list(ctxOf(req), req.valid.query as never) },
  { method: 'get', path: '/findings/summary', tag: 'findings', access: 'findings:read', schema: schemas.summary,
    summary: 'Counts by status, open counts by severity, and overdue', handler: (req) => queries.summary(ctxOf(req), req.valid.query) },
  { method: 'get', path: '/findings/export.csv', tag: 'findings', access: 'findings:read', schema: schemas.exportFindings, produces: 'text/csv',
    summary: `Export a filtered list as CSV (UTF-8 with BOM; at most ${queries.MAX_EXPORT} rows)`,
    handler: async (req, res) => {
      const csv = await queries.exportCsv(ctxOf(req), req.valid.query);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="findings.csv"');
      res.send(csv);
    } },
  { method: 'post', path: '/findings', tag: 'findings', access: 'findings:write', schema: schemas.createFinding, status: 201,
    summary: 'Raise a manual finding; its deadline comes from the severity SLA', handler: (req) => lifecycle.createManual(ctxOf(req), req.valid.body) },
  { method: 'post', path: '/findings/bulk', tag: 'findings', access: 'findings:write', schema: schemas.bulk,
    summary: `Assign or change the severity of every finding matching a filter (at most ${schemas.MAX_BULK})`,
    handler: (req) => queries.bulk(ctxOf(req), req.valid.body, schemas.MAX_BULK) },
  { method: 'get', path: '/findings/:id', tag: 'findings', access: 'findings:read', schema: schemas.byId,
    summary: 'Get a finding with its full history', handler: async (req) => lifecycle.withPeople(ctxOf(req), await lifecycle.load(ctxOf(req), req.valid.params.id)) },
  { method: 'patch', path: '/findings/:id', tag: 'findings', access: 'findings:write', schema: schemas.updateFinding,
    summary: 'Change severity (the deadline is recomputed) or assignee', handler: (req) => lifecycle.update(ctxOf(req), req.valid.params.id, req.valid.body) },
  { method: 'post', path: '/findings/:id/transitions', tag: 'findings', access: 'findings:act', schema: schemas.transition,
    summary: 'Move a finding through its lifecycle (owners: in_remediation, resolved; inspectors: verified, reopened; admins: risk_accepted)',
    responses: { 409: 'illegal transition; details.allowedTransitions lists the next states' },
    handler: (req) => lifecycle.transition(ctxOf(req), req.valid.params.id, req.valid.body) },
  { method: 'post', path: '/findings/:id/comments', tag: 'findings', access: 'findings:act', schema: schemas.addComment,
    summary: 'Comment on a finding', status: 201, handler: (req) => lifecycle.comment(ctxOf(req), req.valid.params.id, req.valid.body) },
  { method: 'post', path: '/findings/:id/risk-acceptance', tag: 'findings', access: 'findings:act', schema: schemas.requestRiskAcceptance,
    summary: 'Request a risk acceptance (owner or inspector); an admin other than the requester approves it by the risk_accepted transition',
    handler: (req) => lifecycle.requestRiskAcceptance(ctxOf(req), req.valid.params.id, req.valid.body) },
  { method: 'post', path: '/findings/:id/extension', tag: 'findings', access: 'findings:act', schema: schemas.requestExtension,
    summary: 'Request a later deadline (system owner)', handler: (req) => lifecycle.requestExtension(ctxOf(req), req.valid.params.id, req.valid.body) },
  { method: 'post', path: '/findings/:id/extension/decision', tag: 'findings', access: 'findings:decide', schema: schemas.decideExtension,
    summary: 'Approve or reject the pending extension (an admin other than the requester)',
    handler: (req) => lifecycle.decideExtension(ctxOf(req), req.valid.params.id, req.valid.body) },
];
