import express from 'express';
import Joi from 'joi';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import { AppError } from '../../http/errors';
import * as schemas from './system.schemas';
import * as service from './system.service';
import { MAX_IMPORT_ROWS, csvToRows, importSystems, tooManyRows } from './system.import';

export function systemRoutes(opts: { importBodyLimit: string }): RouteDef[] {
  const importBody = [
    express.text({ type: ['text/csv', 'text/plain'], limit: opts.importBodyLimit }),
    express.json({ limit: opts.importBodyLimit }),
    // counted before any validation: a huge array would otherwise exhaust the validator
    ((req, _res, next) => next(Array.isArray(req.body) && req.body.length > MAX_IMPORT_ROWS
      ? new AppError(413, 'payload_too_large', tooManyRows(req.body.length)) : undefined)) as express.RequestHandler,
  ];
  return [
    { method: 'get', path: '/systems', tag: 'systems', access: 'systems:read', schema: schemas.listSystems,
      summary: 'List systems (owners: their organization only)', handler: (req) => service.list(ctxOf(req), req.valid.query as never) },
    { method: 'post', path: '/systems', tag: 'systems', access: 'systems:write', schema: schemas.createSystem, status: 201,
      summary: 'Create a system', handler: (req) => service.create(ctxOf(req), req.valid.body) },
    {
      method: 'post', path: '/systems/import', tag: 'systems', access: 'systems:write', parsers: importBody,
      bodyTypes: ['text/csv'],
      schema: {
        query: Joi.object({ dryRun: Joi.boolean().default(false) }),
        // rows are validated one by one by the import itself, to report row numbers
        body: Joi.alternatives(Joi.string().max(50 * 1024 * 1024), Joi.array().max(MAX_IMPORT_ROWS).items(Joi.object().unknown(true))),
      },
      bodyDoc: Joi.array().min(1).max(MAX_IMPORT_ROWS).items(schemas.importRow),
      summary: 'Import systems from CSV (organization column = organization code) or a JSON array; all or nothing',
      responses: {
        200: '{created, updated, dryRun}',
        400: 'a JSON row that does not match the row schema: per-row errors [{row, field, reason}]; nothing written',
        413: `more than ${MAX_IMPORT_ROWS} rows, or a body over IMPORT_BODY_LIMIT`,
        422: 'rows that break a rule (an unknown organization code, a code twice, an owner outside the organization), and any problem of a CSV: per-row errors [{row, field, reason}]; nothing written',
      },
      handler: (req) => {
        const body = req.valid.body;
        if (typeof body === 'string') return importSystems(ctxOf(req), csvToRows(body), { dryRun: req.valid.query.dryRun, csv: true });
        if (Array.isArray(body)) return importSystems(ctxOf(req), body, { dryRun: req.valid.query.dryRun });
        throw AppError.badRequest({ en: 'Send a CSV (Content-Type: text/csv) or a JSON array of systems', vi: 'Hãy gửi tệp CSV (Content-Type: text/csv) hoặc một mảng JSON các hệ thống' });
      },
    },
    { method: 'get', path: '/systems/:id', tag: 'systems', access: 'systems:read', schema: schemas.getSystem,
      summary: 'Get a system with its compliance summary', handler: (req) => service.get(ctxOf(req), req.valid.params.id) },
    { method: 'patch', path: '/systems/:id', tag: 'systems', access: 'systems:write', schema: schemas.updateSystem,
      summary: 'Update a system', handler: (req) => service.update(ctxOf(req), req.valid.params.id, req.valid.body) },
    { method: 'delete', path: '/systems/:id', tag: 'systems', access: 'systems:write', schema: schemas.deleteSystem,
      summary: 'Delete a system', handler: (req) => service.remove(ctxOf(req), req.valid.params.id) },
  ];
}
