import type { RequestHandler } from 'express';
import multer from 'multer';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import { AppError } from '../../http/errors';
import * as schemas from './assessment.schemas';
import * as service from './assessment.service';
import { EVIDENCE_MAX_BYTES } from './evidence.service';

// utf8: file names like "Biên bản.pdf" arrive intact (busboy's default is latin1)
const upload = multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1, fields: 5, parts: 6 } });

/** multer's errors → our error format (a file over the limit is 413). */
const singleFile: RequestHandler = (req, res, next) => {
  upload.single('file')(req, res, (err: unknown) => {
    if (!err) return next();
    const e = err as { code?: string; message?: string };
    if (e.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, 'payload_too_large', { en: `Evidence files may be at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB`, vi: `Tệp minh chứng tối đa ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB` }));
    if (e.code?.startsWith('LIMIT_')) return next(AppError.badRequest({ en: `Upload rejected: ${e.message}`, vi: `Tệp tải lên bị từ chối: ${e.message}` }));
    return next(AppError.badRequest({ en: 'The upload is not valid multipart/form-data', vi: 'Dữ liệu tải lên không phải multipart/form-data hợp lệ' }));
  });
};

export const assessmentRoutes: RouteDef[] = [
  { method: 'post', path: '/assessments', tag: 'assessments', access: 'assessments:write', schema: schemas.createAssessment, status: 201,
    summary: 'Start an assessment of a system against the checklist of its level (optionally based on a previous one)',
    responses: { 409: 'the system already has an open assessment' },
    handler: (req) => service.create(ctxOf(req), req.valid.body) },
  { method: 'get', path: '/assessments', tag: 'assessments', access: 'assessments:read', schema: schemas.listAssessments,
    summary: 'List assessments (owners: their organization only)', handler: (req) => service.list(ctxOf(req), req.valid.query as never) },
  { method: 'get', path: '/assessments/:id', tag: 'assessments', access: 'assessments:read', schema: schemas.byId,
    summary: 'Get an assessment with its frozen controls, results and summary', handler: (req) => service.get(ctxOf(req), req.valid.params.id) },
  { method: 'delete', path: '/assessments/:id', tag: 'assessments', access: 'assessments:write', schema: schemas.byId,
    summary: 'Delete a draft assessment and its evidence files', handler: (req) => service.remove(ctxOf(req), req.valid.params.id) },
  { method: 'put', path: '/assessments/:id/results/:controlId', tag: 'assessments', access: 'assessments:write', schema: schemas.saveResult,
    summary: 'Record the result of one control (note required unless met; version = the result version last read)',
    responses: { 409: 'saved by someone else meanwhile, or the assessment is no longer editable' },
    handler: (req) => service.saveResult(ctxOf(req), req.valid.params.id, req.valid.params.controlId, req.valid.body) },
  { method: 'patch', path: '/assessments/:id/results', tag: 'assessments', access: 'assessments:write', schema: schemas.saveResults,
    summary: `Record the results of many controls at once, all or nothing (at most ${schemas.BULK_MAX}; a note left out is kept; note required unless met)`,
    responses: { 409: 'a result was saved by someone else meanwhile (details.conflicts), or the assessment is no longer editable', 422: 'controls not in this assessment, or notes missing (details name the controls)' },
    handler: (req) => service.saveResults(ctxOf(req), req.valid.params.id, req.valid.body.results) },
  { method: 'post', path: '/assessments/:id/results/:controlId/evidence', tag: 'assessments', access: 'assessments:write', schema: schemas.uploadEvidence,
    parsers: [singleFile], bodyTypes: ['multipart/form-data'], status: 201,
    summary: `Upload an evidence file (multipart field "file", at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB; PDF, PNG, JPEG, text, CSV, JSON, ZIP, DOCX, XLSX)`,
    responses: { 413: 'file too large', 415: 'content type not accepted' },
    handler: (req) => {
      if (!req.file) throw AppError.badRequest({ en: 'Invalid input', vi: 'Dữ liệu không hợp lệ' }, [{ field: 'file', in: 'body', reason: 'a file is required (multipart field "file")' }]);
      return service.addEvidenceFile(ctxOf(req), req.valid.params.id, req.valid.params.controlId, req.file);
    } },
  { method: 'get', path: '/assessments/:id/evidence/:fileId', tag: 'assessments', access: 'assessments:read', schema: schemas.evidenceFile,
    summary: 'Download an evidence file', produces: 'application/octet-stream',
    handler: async (req, res) => {
      const { file, stream } = await service.openEvidence(ctxOf(req), req.valid.params.id, req.valid.params.fileId);
      res.setHeader('Content-Type', String(file.metadata?.contentType ?? 'application/octet-stream'));
      res.setHeader('Content-Length', String(file.length));
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
      res.setHeader('X-Evidence-SHA256', String(file.metadata?.sha256 ?? ''));
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        res.once('finish', resolve);
        res.once('close', resolve);
        stream.pipe(res);
      });
    } },
  { method: 'delete', path: '/assessments/:id/evidence/:fileId', tag: 'assessments', access: 'assessments:write', schema: schemas.evidenceFile,
    summary: 'Remove an evidence file from an editable assessment', handler: (req) => service.removeEvidenceFile(ctxOf(req), req.valid.params.id, req.valid.params.fileId) },
  { method: 'post', path: '/assessments/:id/submit', tag: 'assessments', access: 'assessments:write', schema: schemas.submit,
    summary: 'Submit for approval; every partial / not met result becomes a finding',
    responses: { 422: 'unanswered controls are listed in details.unanswered', 409: 'not submittable, or changed meanwhile' },
    handler: (req) => service.submit(ctxOf(req), req.valid.params.id, req.valid.body.version) },
  { method: 'post', path: '/assessments/:id/approve', tag: 'assessments', access: 'assessments:approve', schema: schemas.approve,
    summary: 'Approve a submitted assessment (not by its submitter); it becomes immutable',
    handler: (req) => service.approve(ctxOf(req), req.valid.params.id, req.valid.body.version) },
  { method: 'post', path: '/assessments/:id/return', tag: 'assessments', access: 'assessments:approve', schema: schemas.returnAssessment,
    summary: 'Return a submitted assessment to the inspector with a reason',
    handler: (req) => service.returnToInspector(ctxOf(req), req.valid.params.id, req.valid.body.reason, req.valid.body.version) },
];
