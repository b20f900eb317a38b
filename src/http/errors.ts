import type { ErrorRequestHandler, RequestHandler } from 'express';
import Joi from 'joi';
import mongoose from 'mongoose';
import { DatabaseFault } from '../db/faults';
import { isBilingual, type Bilingual } from '../shared/bilingual';
import { bilingualDetail, joiReason, localizeDetails } from './messages';

export interface ErrorDetail {
  field?: string;
  row?: number;
  reason: string;
  [key: string]: unknown;
}

/**
 * The one error type services throw; the handler turns it into {error:{code,message,text?,details}}.
 * A message given in both languages is sent as `message` (English, as always) and `text: {vi, en}`.
 */
export class AppError extends Error {
  public readonly text?: Bilingual;
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string | Bilingual,
    public readonly details?: unknown,
  ) {
    super(isBilingual(message) ? message.en : message);
    if (isBilingual(message)) this.text = message;
  }
  static badRequest(message: string | Bilingual, details?: unknown) { return new AppError(400, 'validation_error', message, details); }
  static unauthorized(message = 'Authentication required') { return new AppError(401, 'unauthorized', message); }
  static forbidden(message: string | Bilingual = 'You do not have permission to do this') { return new AppError(403, 'forbidden', message); }
  static notFound(what = 'Resource') { return new AppError(404, 'not_found', `${what} not found`); }
  static conflict(message: string | Bilingual, details?: unknown) { return new AppError(409, 'conflict', message, details); }
  static unprocessable(message: string | Bilingual, details?: unknown) { return new AppError(422, 'unprocessable', message, details); }
  /**
   * 422: the request is well formed (it matches the schema) but breaks a rule no schema can state —
   * a referenced record that does not exist, a date that must lie ahead, a state-dependent rule.
   */
  static rule(field: string, reason: string, message = 'The request breaks a rule') {
    const d = bilingualDetail({ field, in: 'body', reason });
    return new AppError(422, 'unprocessable', { en: `${message}: ${field} ${reason}`, vi: `Yêu cầu vi phạm một quy tắc: ${d.message.vi}` }, [d]);
  }
  static tooMany(message: string) { return new AppError(429, 'rate_limited', message); }
}

export function joiDetails(error: Joi.ValidationError, prefix?: string): ErrorDetail[] {
  return error.details.map((d) => bilingualDetail({
    field: [prefix, ...d.path].filter((p) => p !== undefined && p !== '').join('.'),
    reason: d.message.replace(/"/g, ''),
  }, joiReason(d)));
}

function isDatabaseDown(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|MongoNetworkTimeoutError/.test(name);
}

/** Maps anything thrown into an AppError. Order matters: specific kinds first, unknown last. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (Joi.isError(err)) return AppError.badRequest('Invalid input', joiDetails(err));
  if (err instanceof mongoose.Error.CastError) {
    return AppError.badRequest('Invalid input', [{ field: err.path, reason: `invalid ${err.kind}` }]);
  }
  if (err instanceof mongoose.Error.ValidationError) {
    return AppError.badRequest('Invalid input', Object.values(err.errors).map((e) => ({ field: e.path, reason: e.message })));
  }
  const e = err as { code?: number; keyValue?: Record<string, unknown>; type?: string; status?: number };
  if (e?.code === 11000) {
    const fields = Object.keys(e.keyValue ?? {});
    return AppError.conflict('A record with the same unique value already exists', fields.map((f) => ({ field: f, reason: 'already exists' })));
  }
  if (isDatabaseDown(err)) return new AppError(503, 'database_unavailable', 'The database is unavailable, try again shortly');
  // an answer that cannot be the answer to the question (db/guard.ts): never data, never a 500
  if (err instanceof DatabaseFault) return new AppError(503, 'database_fault', 'The database gave an inconsistent answer; try again shortly');
  // body-parser errors carry a status and a type
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (e?.type === 'entity.parse.failed') return AppError.badRequest('Request body is not valid JSON');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  return new AppError(500, 'internal', 'Internal server error');
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(AppError.notFound('Route'));

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appErr = toAppError(err);
  const log = req.log;
  if (appErr.status >= 500) log?.error({ err }, 'request failed');
  else log?.info({ code: appErr.code, status: appErr.status }, appErr.message);
  if (res.headersSent) return;
  const body: { code: string; message: string; text?: Bilingual; details?: unknown } = { code: appErr.code, message: appErr.message };
  if (appErr.text) body.text = appErr.text;
  if (appErr.details !== undefined) body.details = localizeDetails(appErr.details);
  res.status(appErr.status).json({ error: body });
};
