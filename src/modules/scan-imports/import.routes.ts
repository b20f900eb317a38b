import fs from 'node:fs';
import os from 'node:os';
import type { Request, RequestHandler } from 'express';
import Joi from 'joi';
import multer from 'multer';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import { AppError } from '../../http/errors';
import * as service from './import.service';
import { IMPORT_TOOLS, type ImportTool } from './types';
import { idParams, pagination } from '../../shared/joi';

let maxBytes = 64 * 1024 * 1024;
export function configureUploads(bytes: number): void { maxBytes = bytes; }
const MB = () => `${Math.round(maxBytes / 1024 / 1024)} MB`;
const tooLarge = () => new AppError(413, 'payload_too_large', { en: `Reports may be at most ${MB()}`, vi: `Báo cáo tối đa ${MB()}` });

/**
 * One report file (multipart field "report", optional field "tool"), written to a temporary file
 * so that a large report never sits in memory; a declared size over the limit is refused before
 * a byte is read.
 */
const oneReport: RequestHandler = (req, res, next) => {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes + 64 * 1024) return next(tooLarge());
  const upload = multer({ dest: os.tmpdir(), defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 1, fields: 2, parts: 3, fieldSize: 64 } });
  upload.single('report')(req, res, (err: unknown) => {
    if (!err) return next();
    const e = err as { code?: string; message?: string };
    if (e.code === 'LIMIT_FILE_SIZE') return next(tooLarge());
    if (e.code?.startsWith('LIMIT_')) return next(AppError.badRequest({ en: `Upload rejected: ${e.message}`, vi: `Tệp tải lên bị từ chối: ${e.message}` }));
    return next(AppError.badRequest({ en: 'The upload is not valid multipart/form-data', vi: 'Dữ liệu tải lên không phải multipart/form-data hợp lệ' }));
  });
};

const schema = { body: Joi.object({ tool: Joi.string().valid(...IMPORT_TOOLS) }) };
const listSchema = { query: Joi.object(pagination) };
const byId = { params: idParams };
/** the parts as the OpenAPI document shows them */
const multipartDoc = { type: 'object', additionalProperties: false, required: ['report'], properties: { report: { type: 'string', format: 'binary' }, tool: { type: 'string', enum: [...IMPORT_TOOLS] } } };

/** Runs fn on the uploaded file and always removes the temporary copy. */
async function withReport<T>(req: Request, fn: (file: service.Upload, tool?: ImportTool) => Promise<T>): Promise<T> {
  if (!req.file) throw AppError.badRequest({ en: 'Invalid input', vi: 'Dữ liệu không hợp lệ' }, [{ field: 'report', in: 'body', reason: 'a report file is required (multipart field "report")' }]);
  try {
    return await fn({ path: req.file.path, originalname: req.file.originalname, size: req.file.size }, req.valid.body?.tool);
  } finally {
    fs.rm(req.file.path, { force: true }, () => undefined);
  }
}

const formats = 'nmap XML, testssl.sh JSON, sslyze JSON, OWASP ZAP XML or JSON, Nuclei JSONL, OpenVAS/Greenbone XML, Nessus .nessus';
export const importRoutes: RouteDef[] = [
  { method: 'post', path: '/scan-imports/preview', tag: 'scans', access: 'scans:run', schema, parsers: [oneReport], multipartDoc,
    summary: `Preview a scanner report (${formats}; multipart field "report", optional "tool"): findings it would open, refresh, reopen and verify per system, and hosts in no system. Nothing is written.`,
    responses: { 413: 'report too large', 422: 'the report cannot be read (the reason, and the line when known)' },
    handler: (req) => withReport(req, (file, tool) => service.preview(ctxOf(req), file, tool)) },
  { method: 'post', path: '/scan-imports', tag: 'scans', access: 'scans:run', schema, parsers: [oneReport], multipartDoc, status: 201,
    summary: `Import a scanner report (${formats}): its findings go through the finding lifecycle, keyed by system, tool, rule and target; a report that cannot be read writes nothing`,
    responses: { 413: 'report too large', 422: 'the report cannot be read (the reason, and the line when known)' },
    handler: (req) => withReport(req, (file, tool) => service.apply(ctxOf(req), file, tool)) },
  { method: 'get', path: '/scan-imports', tag: 'scans', access: 'scans:run', schema: listSchema,
    summary: 'Imported scanner reports, newest first', handler: (req) => service.list(ctxOf(req), req.valid.query as never) },
  { method: 'get', path: '/scan-imports/:id', tag: 'scans', access: 'scans:run', schema: byId,
    summary: 'One imported report: tool, file hash, counts per severity (parsed and as the report states), findings opened / refreshed / reopened / verified, hosts in no system',
    handler: (req) => service.get(ctxOf(req), req.valid.params.id) },
];
