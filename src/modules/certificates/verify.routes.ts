import crypto from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { byCode } from './certificate.service';
import type { CertificateDoc } from './certificate.model';
import { checkAnswer, publicView } from './verify.view';
import { verifyPage } from './verify.page';
import { CHECK_SCRIPT, CHECK_SCRIPT_VERSION } from './verify.script';

const CODE = /^[A-Z2-9]{24}$/;
/** the largest file /verify/:code/check reads (a certificate is about 100 KB) */
export const CHECK_MAX_BYTES = 10 * 1024 * 1024;

async function find(req: Request): Promise<CertificateDoc> {
  const code = String(req.params.code ?? '').toUpperCase();
  if (!CODE.test(code)) throw AppError.notFound(NOUN.certificate);
  const c = await byCode(code);
  if (!c) throw AppError.notFound(NOUN.certificate);
  return c;
}

/**
 * /verify/:code (no login): an HTML page in both languages with a "check this file" drop zone, or
 * JSON when asked for; POST /verify/:code/check with the PDF (as the request body,
 * application/pdf) answers whether it is the registered file, in one sentence per language.
 * Rate-limited per address: codes cannot be enumerated (120 random bits) nor the register hammered.
 */
export function verifyRouter(opts: { perMinute?: number } = {}): Router {
  const r = Router();
  // the page's script: static, versioned by its hash, outside the rate limit (browsers cache it)
  r.get('/check.js', (req: Request, res: Response) => {
    res.type('application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', req.query.v === CHECK_SCRIPT_VERSION ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.send(CHECK_SCRIPT);
  });
  r.use(rateLimit({
    windowMs: 60_000, limit: opts.perMinute ?? 60, standardHeaders: 'draft-7', legacyHeaders: false,
    handler: (_req, _res, next) => next(AppError.tooMany({ en: 'Too many verification requests; try again in a minute', vi: 'Có quá nhiều yêu cầu tra cứu; hãy thử lại sau một phút' })),
  }));
  r.get('/:code', async (req: Request, res: Response) => {
    const c = await find(req);
    const v = publicView(c);
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') res.json(v);
    else res.type('html').send(verifyPage(v, c.code, req.baseUrl, CHECK_MAX_BYTES));
  });
  r.post('/:code/check', express.raw({ type: ['application/pdf', 'application/octet-stream'], limit: CHECK_MAX_BYTES }), async (req: Request, res: Response) => {
    const c = await find(req);
    if (!Buffer.isBuffer(req.body) || !req.body.length) throw AppError.badRequest({ en: 'Send the PDF as the request body (Content-Type: application/pdf)', vi: 'Hãy gửi tệp PDF trong thân yêu cầu (Content-Type: application/pdf)' });
    const sha256 = crypto.createHash('sha256').update(req.body).digest('hex');
    res.setHeader('Cache-Control', 'no-store');
    res.json(checkAnswer(c, sha256));
  });
  return r;
}
