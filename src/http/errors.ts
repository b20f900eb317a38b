import type { ErrorRequestHandler, RequestHandler } from 'express';
import Joi from 'joi';
import mongoose from 'mongoose';
import { DatabaseFault } from '../db/faults';
import { isBilingual, type Bilingual } from '../shared/bilingual';
import { NOUN, nounOf } from '../shared/words';
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
  static unauthorized(message: string | Bilingual = { en: 'Authentication required', vi: 'Cần đăng nhập để tiếp tục' }) { return new AppError(401, 'unauthorized', message); }
  static forbidden(message: string | Bilingual = { en: 'You do not have permission to do this', vi: 'Bạn không có quyền thực hiện thao tác này' }) { return new AppError(403, 'forbidden', message); }
  /** 404 naming what was not found: "System not found" / "Không tìm thấy hệ thống" (a noun of shared/words NOUN). */
  static notFound(what: string | Bilingual = NOUN.resource) {
    const noun = isBilingual(what) ? what : nounOf(what);
    return new AppError(404, 'not_found', noun ? { en: `${noun.en} not found`, vi: `Không tìm thấy ${noun.vi}` } : `${String(what)} not found`);
  }
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
  static tooMany(message: string | Bilingual) { return new AppError(429, 'rate_limited', message); }
}

export function joiDetails(error: Joi.ValidationError, prefix?: string): ErrorDetail[] {
  return error.details.map((d) => bilingualDetail({
    field: [prefix, ...d.path].filter((p) => p !== undefined && p !== '').join('.'),
    reason: d.message.replace(/"/g, ''),
  }, joiReason(d)));
}

const INVALID: Bilingual = { en: 'Invalid input', vi: 'Dữ liệu không hợp lệ' };

function isDatabaseDown(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|MongoNetworkTimeoutError/.test(name);
}

/** Maps anything thrown into an AppError. Order matters: specific kinds first, unknown last. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (Joi.isError(err)) return AppError.badRequest(INVALID, joiDetails(err));
  if (err instanceof mongoose.Error.CastError) {
    return AppError.badRequest(INVALID, [{ field: err.path, reason: `invalid ${err.kind}` }]);
  }
  if (err instanceof mongoose.Error.ValidationError) {
    return AppError.badRequest(INVALID, Object.values(err.errors).map((e) => ({ field: e.path, reason: e.message })));
  }
  const e = err as { code?: number; keyValue?: Record<string, unknown>; type?: string; status?: number };
  if (e?.code === 11000) {
    const fields = Object.keys(e.keyValue ?? {});
    return AppError.conflict({ en: 'A record with the same unique value already exists', vi: 'Giá trị này đã được dùng cho một bản ghi khác' }, fields.map((f) => ({ field: f, reason: 'already exists' })));
  }
  if (isDatabaseDown(err)) return new AppError(503, 'database_unavailable', { en: 'The database is unavailable, try again shortly', vi: 'Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau ít phút' });
  // an answer that cannot be the answer to the question (db/guard.ts): never data, never a 500
  if (err instanceof DatabaseFault) return new AppError(503, 'database_fault', { en: 'The database gave an inconsistent answer; try again shortly', vi: 'Cơ sở dữ liệu trả lời không nhất quán; hãy thử lại sau ít phút' });
  // body-parser errors carry a status and a type
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', { en: 'Request body is too large', vi: 'Dữ liệu gửi lên quá lớn' });
  if (e?.type === 'entity.parse.failed') return AppError.badRequest({ en: 'Request body is not valid JSON', vi: 'Dữ liệu gửi lên không phải JSON hợp lệ' });
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new AppError(415, 'unsupported_media_type', { en: 'Unsupported body encoding', vi: 'Bảng mã của dữ liệu gửi lên không được hỗ trợ' });
  return new AppError(500, 'internal', { en: 'Internal server error', vi: 'Máy chủ gặp lỗi nội bộ' });
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(AppError.notFound(NOUN.route));

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
