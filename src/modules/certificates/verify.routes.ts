import crypto from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import { AppError } from '../../http/errors';
import { byCode } from './certificate.service';
import type { CertificateDoc } from './certificate.model';

const CODE = /^[A-Z2-9]{24}$/;
const STATUS_TEXT: Record<string, { vi: string; en: string; colour: string }> = {
  valid: { vi: 'CÒN HIỆU LỰC', en: 'VALID', colour: '#1b5e20' },
  suspended: { vi: 'ĐANG BỊ ĐÌNH CHỈ', en: 'SUSPENDED', colour: '#e65100' },
  revoked: { vi: 'ĐÃ BỊ THU HỒI', en: 'REVOKED', colour: '#b71c1c' },
  expired: { vi: 'ĐÃ HẾT HẠN', en: 'EXPIRED', colour: '#616161' },
};

/** What the public may know about a certificate: its validity, the system's name and level, the dates. Nothing else. */
export const publicView = (c: CertificateDoc) => ({
  status: c.status, system: c.snapshot.name, level: c.snapshot.level,
  issuedAt: c.issuedAt.toISOString().slice(0, 10), expiresAt: c.expiresAt.toISOString().slice(0, 10),
});

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(v: ReturnType<typeof publicView>): string {
  const st = STATUS_TEXT[v.status];
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Xác minh chứng nhận — Certificate verification</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
.st{font-size:1.4rem;font-weight:700;color:${st.colour}}dt{font-weight:600;margin-top:.6rem}dd{margin:0}.en{color:#555;font-size:.9em}</style></head>
<body><h1>Xác minh giấy chứng nhận<br><span class="en">Certificate verification</span></h1>
<p class="st">${st.vi}<br><span class="en">${st.en}</span></p>
<dl><dt>Hệ thống thông tin <span class="en">/ Information system</span></dt><dd>${esc(v.system)}</dd>
<dt>Cấp độ <span class="en">/ Level</span></dt><dd>${v.level}</dd>
<dt>Ngày cấp <span class="en">/ Issued</span></dt><dd>${v.issuedAt}</dd>
<dt>Có hiệu lực đến <span class="en">/ Valid until</span></dt><dd>${v.expiresAt}</dd></dl></body></html>`;
}

async function find(req: Request): Promise<CertificateDoc> {
  const code = String(req.params.code ?? '').toUpperCase();
  if (!CODE.test(code)) throw AppError.notFound('Certificate');
  const c = await byCode(code);
  if (!c) throw AppError.notFound('Certificate');
  return c;
}

/**
 * /verify/:code (no login): an HTML page, or JSON when asked for; POST /verify/:code/check with the
 * PDF (as the request body, application/pdf) answers whether its SHA-256 is the one in the register.
 * Rate-limited per address: codes cannot be enumerated (120 random bits) nor the register hammered.
 */
export function verifyRouter(opts: { perMinute?: number } = {}): Router {
  const r = Router();
  r.use(rateLimit({
    windowMs: 60_000, limit: opts.perMinute ?? 60, standardHeaders: 'draft-7', legacyHeaders: false,
    handler: (_req, _res, next) => next(AppError.tooMany('Too many verification requests; try again in a minute')),
  }));
  r.get('/:code', async (req: Request, res: Response) => {
    const v = publicView(await find(req));
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') res.json(v);
    else res.type('html').send(page(v));
  });
  r.post('/:code/check', express.raw({ type: ['application/pdf', 'application/octet-stream'], limit: '10mb' }), async (req: Request, res: Response) => {
    const c = await find(req);
    if (!Buffer.isBuffer(req.body) || !req.body.length) throw AppError.badRequest('Send the PDF as the request body (Content-Type: application/pdf)');
    const sha256 = crypto.createHash('sha256').update(req.body).digest('hex');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ match: sha256 === c.pdf.sha256, sha256, status: c.status });
  });
  return r;
}
