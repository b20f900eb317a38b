import Joi from 'joi';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as service from './certificate.service';
import { CERTIFICATE_STATUSES } from './certificate.model';
import { objectId, pagination, text } from '../../shared/joi';

const id = objectId().required();

export const certificateRoutes: RouteDef[] = [
  { method: 'post', path: '/systems/:id/certificates', tag: 'certificates', access: 'certificates:issue', schema: { params: Joi.object({ id }) }, status: 201,
    summary: 'Issue a certificate: signed PDF stored once, public verification code; 422 lists every unmet condition',
    responses: { 422: 'details: [{code, message}] for each condition not met' },
    handler: (req) => service.issue(ctxOf(req), req.valid.params.id) },
  { method: 'get', path: '/certificates', tag: 'certificates', access: 'certificates:read',
    schema: { query: Joi.object({ ...pagination, system: objectId(), status: Joi.string().valid(...CERTIFICATE_STATUSES) }) },
    summary: 'Certificates, newest first (owners: their organization)', handler: (req) => service.list(ctxOf(req), req.valid.query as never) },
  { method: 'get', path: '/certificates/:id', tag: 'certificates', access: 'certificates:read', schema: { params: Joi.object({ id }) },
    summary: 'A certificate with its register entry (number, SHA-256 of the PDF, status, history)', handler: (req) => service.get(ctxOf(req), req.valid.params.id) },
  { method: 'get', path: '/certificates/:id/pdf', tag: 'certificates', access: 'certificates:read', schema: { params: Joi.object({ id }) }, produces: 'application/pdf',
    summary: 'The signed PDF: the bytes stored at issue, identical on every download',
    handler: async (req, res) => {
      const { certificate, stream } = await service.pdf(ctxOf(req), req.valid.params.id);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Length', String(certificate.pdf.size));
      res.setHeader('Content-Disposition', `attachment; filename="${certificate.number}.pdf"`);
      res.setHeader('X-Content-SHA256', certificate.pdf.sha256);
      res.setHeader('Cache-Control', 'private, no-store');
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        res.once('finish', resolve);
        res.once('close', resolve);
        stream.pipe(res);
      });
    } },
  { method: 'post', path: '/certificates/:id/revoke', tag: 'certificates', access: 'certificates:issue',
    schema: { params: Joi.object({ id }), body: Joi.object({ reason: text({ multiline: true }).min(3).max(2000).required() }) },
    summary: 'Revoke a valid or suspended certificate (a reason is required)', responses: { 409: 'already revoked or expired' },
    handler: (req) => service.revoke(ctxOf(req), req.valid.params.id, req.valid.body.reason) },
];
