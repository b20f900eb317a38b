import QRCode from 'qrcode';
import type { CertificateData } from './types';
import { loadTemplates, type CertificateTemplate } from './templates';
import { createDocument } from './pdf/document';
import { date, dateParts, fill, fillBi, ratio, slash } from './pdf/format';
import { drawLines, heightOf, measure, wrapAll, type Align, type Para, type Style } from './pdf/text';

type Bi = { vi: string; en: string };
type Colours = CertificateTemplate['page']['colours'];
const QR_SIZE = 100;
const BOTTOM_BLOCK = 168;

const st = (font: Style['font'], size: number, colour: string): Style => ({ font, size, colour });
const pair = (b: Bi, vi: Style, en: Style): Para[] => [{ text: b.vi, style: vi }, { text: b.en, style: en }];

/** Places paragraphs at an absolute spot and returns the height used: the certificate is one fixed page. */
function put(doc: PDFKit.PDFDocument, paras: Para[], x: number, y: number, width: number, align: Align = 'left'): number {
  return drawLines(doc, wrapAll(doc, paras, width), x, y, width, align);
}

function frame(doc: PDFKit.PDFDocument, c: Colours) {
  const { width, height, margins: m } = doc.page;
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  doc.save().rect(m.left, m.top, w, h).fillColor(c.fill).fill().restore();
  doc.save().rect(m.left, m.top, w, h).lineWidth(2.4).strokeColor(c.border).stroke().restore();
  doc.save().rect(m.left + 5, m.top + 5, w - 10, h - 10).lineWidth(0.8).strokeColor(c.accent).stroke().restore();
}

/** The two-column head of a Vietnamese official paper: the authority and number left, the nation right. */
function head(doc: PDFKit.PDFDocument, t: CertificateTemplate, d: CertificateData, x: number, y: number, width: number): number {
  const c = t.page.colours;
  const col = width / 2 - 6;
  let left = put(doc, pair(t.header.authority, st('bold', 9.5, c.text), st('oblique', 7.2, c.muted)), x, y, col, 'center');
  doc.save().moveTo(x + col / 2 - 35, y + left + 3).lineTo(x + col / 2 + 35, y + left + 3).lineWidth(0.6).strokeColor(c.text).stroke().restore();
  left += 8 + put(doc, pair(fillBi(t.header.number, { number: d.number }), st('regular', 9, c.text), st('oblique', 7.2, c.muted)), x, y + left + 8, col, 'center');
  const rx = x + width / 2 + 6;
  let right = put(doc, pair(t.header.nation, st('bold', 9.5, c.text), st('oblique', 7.2, c.muted)), rx, y, col, 'center');
  right += put(doc, pair(t.header.motto, st('bold', 9.5, c.text), st('oblique', 7.2, c.muted)), rx, y + right + 1, col, 'center') + 1;
  doc.save().moveTo(rx + col / 2 - 60, y + right + 3).lineTo(rx + col / 2 + 60, y + right + 3).lineWidth(0.6).strokeColor(c.text).stroke().restore();
  return Math.max(left, right + 4);
}

function titleBlock(doc: PDFKit.PDFDocument, t: CertificateTemplate, x: number, y: number, width: number): number {
  const c = t.page.colours;
  return put(doc, [
    { text: t.title.vi, style: { ...st('bold', 24, c.primary), leading: 1.3 } },
    { text: t.subtitle.vi, style: st('bold', 11.5, c.primary) },
    { text: t.title.en, style: { ...st('bold', 13, c.primary), leading: 1.5 } },
    { text: t.subtitle.en, style: st('oblique', 9, c.primary) },
  ], x, y, width, 'center');
}

interface Field { label: Bi; value: Para[] }

function fields(t: CertificateTemplate, d: CertificateData, size: number): { main: Field[]; dates: Field[] } {
  const c = t.page.colours;
  const v = st('bold', size, c.text);
  const ven = st('oblique', size * 0.82, c.muted);
  const f = t.fields;
  const level = fillBi(t.levelValue, { level: d.system.level });
  const framework = {
    vi: fill(t.frameworkValue.vi, { title: d.framework.title.vi, version: d.framework.version }),
    en: fill(t.frameworkValue.en, { title: d.framework.title.en, version: d.framework.version }),
  };
  const statement = fillBi(t.statement, { level: d.system.level });
  return {
    main: [
      { label: f.system, value: [{ text: d.system.name, style: { ...v, size: size + 1 } }] },
      { label: f.code, value: [{ text: d.system.code, style: v }] },
      { label: f.organization, value: [{ text: d.system.organization.name, style: v }] },
      { label: f.level, value: [{ text: slash(level), style: v }, { text: statement.vi, style: st('regular', size * 0.86, c.text) }, { text: statement.en, style: ven }] },
      { label: f.framework, value: pair(framework, st('regular', size * 0.86, c.text), ven) },
    ],
    dates: [
      { label: f.assessment, value: [{ text: date(d.assessment.approvedAt, t.locale), style: v }] },
      { label: f.score, value: [{ text: ratio(d.assessment.score, t.locale), style: v }] },
      { label: f.issuedAt, value: [{ text: date(d.issuedAt, t.locale), style: v }] },
      { label: f.expiresAt, value: [{ text: date(d.expiresAt, t.locale), style: v }] },
    ],
  };
}

/**
 * The facts of the certificate, in the room between the title and the signature block. Long
 * names wrap; if they would not fit at the normal size the values are set smaller, step by step.
 */
function facts(doc: PDFKit.PDFDocument, t: CertificateTemplate, d: CertificateData, x: number, y: number, width: number, room: number): void {
  const c = t.page.colours;
  const labelW = 150;
  const valueW = width - labelW - 10;
  const label = (b: Bi) => pair(b, st('regular', 8.5, c.muted), st('oblique', 7, c.muted));
  const colW = width / 4;
  const measureAll = (size: number) => {
    const fs = fields(t, d, size);
    const rows = fs.main.map((r) => Math.max(heightOf(wrapAll(doc, label(r.label), labelW)), heightOf(wrapAll(doc, r.value, valueW))) + 5);
    const dateH = Math.max(...fs.dates.map((r) => heightOf(wrapAll(doc, [...label(r.label), ...r.value], colW - 6)))) + 10;
    return { fs, rows, total: rows.reduce((s, h) => s + h, 0) + dateH };
  };
  let size = 11;
  let m = measureAll(size);
  while (m.total > room && size > 6) m = measureAll((size -= 0.5));
  let top = y;
  m.fs.main.forEach((r, i) => {
    put(doc, label(r.label), x, top, labelW);
    const lines = wrapAll(doc, r.value, valueW);
    // the last resort for absurd input: stop at the room left rather than run into the signature
    let h = 0;
    const shown = lines.filter((l) => (h += l.height) <= y + room - top);
    drawLines(doc, shown, x + labelW + 10, top, valueW);
    top += m.rows[i];
  });
  top += 4;
  doc.save().moveTo(x, top).lineTo(x + width, top).lineWidth(0.5).strokeColor(c.accent).stroke().restore();
  m.fs.dates.forEach((r, i) => put(doc, [...label(r.label), ...r.value], x + i * colW + 3, top + 6, colW - 6, 'center'));
}

async function verification(doc: PDFKit.PDFDocument, t: CertificateTemplate, d: CertificateData, x: number, y: number, width: number): Promise<void> {
  const c = t.page.colours;
  // margin 4 is the quiet zone the QR specification asks for; 4 px a module stays sharp at any print size
  const png = await QRCode.toBuffer(d.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4, color: { dark: '#000000', light: '#ffffff' } });
  doc.image(png, x, y, { width: QR_SIZE, height: QR_SIZE });
  const tx = x + QR_SIZE + 8;
  const tw = width - QR_SIZE - 8;
  let h = put(doc, pair(t.verification.text, st('regular', 7.5, c.text), st('oblique', 6.8, c.muted)), tx, y + 4, tw);
  // the address up to /verify/ on one line, the code alone on the next: it never breaks inside the code
  const cut = d.verifyUrl.lastIndexOf('/') + 1;
  h += put(doc, [{ text: d.verifyUrl.slice(0, cut), style: st('mono', 7.5, c.primary) }], tx, y + 8 + h, tw);
  put(doc, [{ text: d.verifyUrl.slice(cut), style: st('mono', 8.5, c.primary) }], tx, y + 9 + h, tw);
  const fy = y + QR_SIZE + 6;
  const fl = put(doc, [{ text: `${t.verification.fingerprint.vi} / ${t.verification.fingerprint.en}:`, style: st('oblique', 6.8, c.muted) }], x, fy, width);
  put(doc, [{ text: d.fingerprint, style: st('mono', 6.6, c.text) }], x, fy + fl, width);
}

function signatory(doc: PDFKit.PDFDocument, t: CertificateTemplate, d: CertificateData, x: number, y: number, width: number): void {
  const c = t.page.colours;
  const place = fillBi(t.placeDate, dateParts(d.issuedAt, t.locale));
  const role: Para[] = d.issuer.title ? [{ text: d.issuer.title, style: st('bold', 10, c.text) }] : pair(t.signatory.role, st('bold', 10, c.text), st('oblique', 8, c.muted));
  let h = put(doc, pair(place, st('oblique', 8.5, c.text), st('oblique', 7.2, c.muted)), x, y, width, 'center') + 6;
  h += put(doc, role, x, y + h, width, 'center') + 4;
  h += put(doc, pair(t.signatory.signed, st('oblique', 8, c.primary), st('oblique', 7, c.muted)), x, y + h, width, 'center') + 26;
  put(doc, [{ text: d.issuer.name, style: st('bold', 11, c.text) }], x, y + h, width, 'center');
}

/** A suspended, revoked or expired certificate says so across the page, under nothing and over everything. */
function statusMark(doc: PDFKit.PDFDocument, t: CertificateTemplate, status: Exclude<CertificateData['status'], 'valid'>): void {
  const mark = t.statusMarks[status];
  const { width, height } = doc.page;
  const vi = { ...st('bold', 56, t.page.colours.watermark), leading: 1.35 };
  const en = { ...st('bold', 34, t.page.colours.watermark), leading: 1.35 };
  const fit = (s: Style, text: string) => ({ ...s, size: Math.min(s.size, (s.size * width * 0.72) / Math.max(1, measure(doc, text, s))) });
  const lines = wrapAll(doc, [{ text: mark.vi, style: fit(vi, mark.vi) }, { text: mark.en, style: fit(en, mark.en) }], width);
  const h = heightOf(lines);
  doc.save().rotate(-30, { origin: [width / 2, height / 2] }).opacity(0.3);
  drawLines(doc, lines, 0, height / 2 - h / 2, width, 'center');
  doc.restore();
}

/** The certificate: one A4 page, unsigned; sign it with sign.ts. Same data, same bytes. */
export async function renderCertificate(data: CertificateData): Promise<Buffer> {
  const t = loadTemplates().certificate;
  const { doc, finish } = createDocument(t.page, {
    title: `${t.title.vi} ${data.number} — ${t.title.en} ${data.number}`,
    subject: `${data.system.code} — ${data.system.name}`,
    keywords: `attest ${t.document} template-v${t.version} ${data.number}`,
    author: `${t.header.authority.vi} — ${t.header.authority.en}`,
    date: data.issuedAt,
  });
  const c = t.page.colours;
  frame(doc, c);
  const m = doc.page.margins;
  const x = m.left + 22;
  const width = doc.page.width - m.right - 22 - x;
  const bottom = doc.page.height - m.bottom - 16;
  let y = m.top + 20;
  y += head(doc, t, data, x, y, width) + 16;
  y += titleBlock(doc, t, x, y, width) + 10;
  for (const line of t.legalBasis) y += put(doc, pair(line, st('oblique', 7.6, c.text), st('oblique', 6.8, c.muted)), x, y, width) + 1.5;
  y += 6;
  y += put(doc, [{ text: `${t.certifies.vi} / ${t.certifies.en}`, style: st('bold', 11, c.primary) }], x, y, width, 'center') + 8;
  const blockTop = bottom - BOTTOM_BLOCK;
  facts(doc, t, data, x, y, width, blockTop - 10 - y);
  const sigW = 200;
  await verification(doc, t, data, x, blockTop + 12, width - sigW - 16);
  signatory(doc, t, data, x + width - sigW, blockTop + 12, sigW);
  if (data.status !== 'valid') statusMark(doc, t, data.status);
  return finish();
}
