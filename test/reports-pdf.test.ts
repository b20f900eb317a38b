import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import signpdf from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { renderCertificate } from '../src/modules/reports/certificate.pdf';
import { renderAssessmentReport } from '../src/modules/reports/assessment-report.pdf';
import { renderProgrammeReport } from '../src/modules/reports/programme-report.pdf';
import { ensureTrialIdentity, loadIdentity, signPdf, TRIAL_SUBJECT } from '../src/modules/reports/sign';
import type { AssessmentReportData, CertificateData, ProgrammeReportData } from '../src/modules/reports/types';

// ---- sample data, written by hand ---------------------------------------------------------------
const SYSTEM_NAME = 'Hệ thống quản lý văn bản và điều hành — Sở Thông tin và Truyền thông tỉnh Quảng Nam';
const ORG = { code: 'STTTT-QNA', name: 'Sở Thông tin và Truyền thông tỉnh Quảng Nam' };
const LONG = (s: string) => `${s} `.repeat(Math.ceil(300 / s.length)).slice(0, 300).trim();
/** every Vietnamese vowel with every tone, both cases, and đ */
const ALL_LETTERS = 'aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ đ';
const ALL_VI = `${ALL_LETTERS} ${ALL_LETTERS.toUpperCase()}`;

const certificate = (o: Partial<CertificateData> = {}): CertificateData => ({
  number: 'ATT-2026-000123', status: 'valid',
  system: { code: 'HT-001', name: SYSTEM_NAME, level: 3, organization: ORG },
  framework: { id: 'TCVN-11930', title: { vi: 'Yêu cầu cơ bản về an toàn hệ thống thông tin theo cấp độ', en: 'Basic requirements for information system security by levels' }, version: '2017.1' },
  assessment: { id: '665f1c2b9d3e4a0012345678', approvedAt: new Date('2026-01-10T03:00:00Z'), score: 1 },
  issuedAt: new Date('2026-01-15T02:00:00Z'), expiresAt: new Date('2028-01-15T02:00:00Z'),
  issuer: { name: 'Nguyễn Văn Đức' },
  verifyUrl: 'https://attest.example.gov.vn/verify/K7QX2M9PRT4WZ8HB3NCV6DJE',
  fingerprint: '3f1b9c0e7d2a4b6c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f',
  ...o,
});

const RESULTS = ['met', 'met', 'partial', 'not_met', 'not_applicable'] as const;
function assessment(controlCount: number, o: Partial<AssessmentReportData> = {}): AssessmentReportData {
  const controls: AssessmentReportData['controls'] = Array.from({ length: controlCount }, (_, i) => {
    const group = i < controlCount / 2 ? 'management' as const : 'technical' as const;
    return {
      id: `${group === 'management' ? 'MGT' : 'TEC'}.POL.${String(i).padStart(2, '0')}`, ref: `9.${group === 'management' ? 1 : 2}.${i}`, group, domain: 'security-policy',
      title: { vi: `Chính sách an toàn thông tin số ${i} được phê duyệt và công bố`, en: `Information security policy ${i} approved and published` },
      requirement: { vi: 'Có chính sách được phê duyệt.', en: 'An approved policy exists.' },
      result: RESULTS[i % RESULTS.length],
      note: i % 3 === 0 ? `Đã kiểm tra hồ sơ; chưa có biên bản rà soát định kỳ hằng năm (yêu cầu ${i}).` : undefined,
      evidence: i % 4 === 0 ? [{ kind: 'link', title: 'Quy chế bảo đảm an toàn thông tin', url: `https://vanban.quangnam.example.gov.vn/quy-che/attt-${i}.pdf` }] : [],
    };
  });
  return {
    id: '665f1c2b9d3e4a0012345678', system: { code: 'HT-001', name: SYSTEM_NAME, level: 5, organization: ORG },
    checklist: { framework: 'TCVN-11930', version: '2017.1' }, status: 'approved',
    createdAt: new Date('2026-01-02T02:00:00Z'), submittedAt: new Date('2026-01-09T02:00:00Z'), approvedAt: new Date('2026-01-10T02:00:00Z'),
    inspector: 'Trần Thị Hương', approver: 'Lê Quốc Việt',
    summary: { total: controlCount, answered: controlCount, applicable: controlCount - 18, met: 36, partial: 18, not_met: 18, not_applicable: 18, score: 0.5, metAllCriteria: false },
    byGroup: [{ group: 'management', met: 18, partial: 9, not_met: 9, not_applicable: 9, unanswered: 0 }, { group: 'technical', met: 18, partial: 9, not_met: 9, not_applicable: 9, unanswered: 0 }],
    controls,
    findings: Array.from({ length: 60 }, (_, i) => ({ title: `Chưa ban hành quy trình ứng cứu sự cố số ${i}`, severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4], status: 'open', dueAt: new Date('2026-03-01T00:00:00Z'), control: controls[i % controlCount].id })),
    generatedAt: new Date('2026-01-10T02:05:00Z'),
    ...o,
  };
}

function programme(count: number): ProgrammeReportData {
  const orgs = Array.from({ length: 22 }, (_, i) => ({ code: `ORG-${String(i + 1).padStart(2, '0')}`, name: i === 0 ? ORG.name : `Sở Thông tin và Truyền thông tỉnh Đắk Lắk ${i + 1}` }));
  const states = ['not_assessed', 'in_assessment', 'non_compliant', 'compliant', 'certified'];
  return {
    generatedAt: new Date('2026-02-01T01:30:00Z'),
    totals: { systems: count, evaluated: 103, metAllCriteria: 96, metAllCriteriaPct: 77.4, certified: 80 },
    byLevel: [1, 2, 3, 4, 5].map((level) => ({ level, systems: 20 + level, evaluated: 15 + level, metAllCriteria: 10 + level })),
    byOrganization: orgs.map((o, i) => ({ ...o, systems: 12 - (i % 12), evaluated: 8 - (i % 8), metAllCriteria: 5 - (i % 5) })),
    certificates: { valid: 80, suspended: 2, expiringWithin30Days: 5 },
    findings: { open: { critical: 3, high: 12, medium: 40, low: 22 }, overdue: { critical: 1, high: 4, medium: 9, low: 2 } },
    scanGrades: { 'A+': 10, A: 20, B: 30, C: 12, F: 4, none: 21 },
    systems: Array.from({ length: count }, (_, i) => ({
      code: `HT-${String(i + 1).padStart(3, '0')}`, name: i === 0 ? 'Cổng Dịch vụ công quốc gia' : i === 1 ? LONG(SYSTEM_NAME) : `Hệ thống thông tin số ${i + 1} — ${orgs[i % 22].name}`,
      organization: orgs[i % 22].code, level: 1 + (i % 5), state: states[i % 5], score: i % 5 ? (i % 10) / 10 : undefined,
      grade: ['A+', 'B', undefined, 'C', 'F'][i % 5], openFindings: i % 4, certificate: i % 5 === 4 ? `ATT-2026-${String(i).padStart(6, '0')}` : undefined,
    })),
  };
}

// ---- poppler ------------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-reports-'));
let n = 0;
function saved(pdf: Buffer): string {
  const file = path.join(tmp, `doc-${++n}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const text = (file: string, ...args: string[]) => run('pdftotext', [...args, file, '-']);
/** the text with every run of white space made one space: wrapped names read as one line */
const flat = (file: string, ...args: string[]) => text(file, '-raw', ...args).replace(/\s+/g, ' ');
const pageCount = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(run('pdfinfo', [file]))![1]);
const pageWidth = (file: string) => Number(/^Page size:\s+([\d.]+) x/m.exec(run('pdfinfo', [file]))![1]);
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

/** Every word's box from `pdftotext -bbox`, checked against the page's width from pdfinfo. */
function wordsOutside(file: string, inset: number): string[] {
  const width = pageWidth(file);
  const words = [...text(file, '-bbox').matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)];
  expect(words.length).to.be.greaterThan(20);
  return words.filter((m) => Number(m[1]) < inset - 0.5 || Number(m[2]) > width - inset + 0.5).map((m) => `${m[3]} (${m[1]}–${m[2]} of ${width})`);
}

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('reports: the certificate', () => {
  it('when a certificate is rendered, then pdftotext returns its Vietnamese wording and data with every diacritic', async () => {
    const file = saved(await renderCertificate(certificate()));
    expect(pageCount(file)).to.equal(1);
    const t = flat(file);
    for (const s of [
      'GIẤY CHỨNG NHẬN', 'CERTIFICATE', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'CỤC AN TOÀN THÔNG TIN',
      'Nghị định số 85/2016/NĐ-CP', 'Decree No. 85/2016/ND-CP', 'TCVN 11930:2017', SYSTEM_NAME, ORG.name, 'HT-001', 'Cấp độ 3 / Level 3',
      'phiên bản 2017.1', 'version 2017.1', 'ATT-2026-000123', '10/01/2026', '100%', '15/01/2026', '15/01/2028', 'Hà Nội, ngày 15 tháng 01 năm 2026',
      'Nguyễn Văn Đức', 'CỤC TRƯỞNG', '(Đã ký số)', 'Mã băm SHA-256 của hồ sơ chứng nhận', certificate().fingerprint,
    ]) expect(t, s).to.include(s);
    expect(t.replace(/ /g, '')).to.include(certificate().verifyUrl);
    expect(t).to.not.include('ĐÃ THU HỒI');
  });

  it('when the certificate is rendered, then its QR code decodes to the verification URL', async () => {
    const file = saved(await renderCertificate(certificate()));
    const out = path.join(tmp, 'qr');
    run('pdftoppm', ['-png', '-r', '150', '-singlefile', file, out]);
    const png = PNG.sync.read(fs.readFileSync(`${out}.png`));
    const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(code?.data).to.equal(certificate().verifyUrl);
  });

  it('when names are 300 characters long, then they wrap and nothing leaves the one page', async () => {
    const data = certificate({ system: { code: 'HT-001', name: LONG(SYSTEM_NAME), level: 3, organization: { code: ORG.code, name: LONG(`Ủy ban nhân dân tỉnh Quảng Nam — ${ORG.name}`) } } });
    const file = saved(await renderCertificate(data));
    expect(pageCount(file)).to.equal(1);
    expect(wordsOutside(file, 28)).to.deep.equal([]);
    expect(flat(file)).to.include(data.system.name.slice(0, 120));
    expect(flat(file)).to.include('Nguyễn Văn Đức');
  });

  it('when the certificate is revoked or suspended, then the page says so in both languages', async () => {
    expect(flat(saved(await renderCertificate(certificate({ status: 'revoked' }))))).to.include('ĐÃ THU HỒI').and.include('REVOKED');
    expect(flat(saved(await renderCertificate(certificate({ status: 'suspended' }))))).to.include('TẠM ĐÌNH CHỈ').and.include('SUSPENDED');
  });

  it('when the same data is rendered twice, then the unsigned PDFs are byte-identical, for every document', async () => {
    expect((await renderCertificate(certificate())).equals(await renderCertificate(certificate()))).to.equal(true);
    expect((await renderAssessmentReport(assessment(20))).equals(await renderAssessmentReport(assessment(20)))).to.equal(true);
    expect((await renderProgrammeReport(programme(30))).equals(await renderProgrammeReport(programme(30)))).to.equal(true);
    const other = await renderCertificate(certificate({ issuedAt: new Date('2026-01-16T02:00:00Z') }));
    expect(other.equals(await renderCertificate(certificate()))).to.equal(false);
  });

  it('when a fresh process renders the same data, then it produces the same bytes as this one', async () => {
    const input = path.join(tmp, 'input.json');
    fs.writeFileSync(input, JSON.stringify({ certificate: certificate(), assessment: assessment(20), programme: programme(30) }));
    const script = path.join(tmp, 'render.ts');
    const src = (f: string) => JSON.stringify(path.resolve('src/modules/reports', f));
    fs.writeFileSync(script, [
      `const fs = require('node:fs'); const crypto = require('node:crypto');`,
      `const d = JSON.parse(fs.readFileSync(${JSON.stringify(input)}, 'utf8'), (_k, v) => (typeof v === 'string' && /^\\d{4}-\\d\\d-\\d\\dT/.test(v) ? new Date(v) : v));`,
      `const hash = (b) => crypto.createHash('sha256').update(b).digest('hex');`,
      `(async () => console.log(JSON.stringify([`,
      `  hash(await require(${src('certificate.pdf')}).renderCertificate(d.certificate)),`,
      `  hash(await require(${src('assessment-report.pdf')}).renderAssessmentReport(d.assessment)),`,
      `  hash(await require(${src('programme-report.pdf')}).renderProgrammeReport(d.programme)),`,
      `])))();`,
    ].join('\n'));
    const theirs = JSON.parse(execFileSync(process.execPath, ['--require', 'tsx/cjs', script], { encoding: 'utf8' }));
    const hash = (b: Buffer) => require('node:crypto').createHash('sha256').update(b).digest('hex');
    expect(theirs).to.deep.equal([
      hash(await renderCertificate(certificate())), hash(await renderAssessmentReport(assessment(20))), hash(await renderProgrammeReport(programme(30))),
    ]);
  });

  it('when any document is rendered, then only the DejaVu fonts are embedded, never a built-in font', async () => {
    for (const pdf of [await renderCertificate(certificate()), await renderAssessmentReport(assessment(10)), await renderProgrammeReport(programme(10))]) {
      const fonts = run('pdffonts', [saved(pdf)]).split('\n').slice(2).filter(Boolean);
      expect(fonts.length).to.be.greaterThan(1);
      for (const f of fonts) expect(f).to.match(/^[A-Z]{6}\+DejaVuSans(Mono)?(-\w+)?\s.*\byes\s+yes\s+yes\b/);
    }
  });
});

describe('reports: signing', () => {
  const dataDir = path.join(tmp, 'data');

  it('when the trial identity is asked for twice, then it is generated once, kept 0600, and read back', () => {
    const first = ensureTrialIdentity(dataDir);
    const again = ensureTrialIdentity(dataDir);
    expect(again.p12.equals(first.p12)).to.equal(true);
    expect(again.passphrase).to.equal(first.passphrase);
    expect(first.certificatePem).to.match(/^-----BEGIN CERTIFICATE-----/);
    for (const f of ['trial.p12', 'trial.passphrase']) expect(fs.statSync(path.join(dataDir, 'signing', f)).mode & 0o777).to.equal(0o600);
    expect(fs.readdirSync(path.join(dataDir, 'signing')).sort()).to.deep.equal(['trial.p12', 'trial.passphrase']);
  });

  it('when a signed certificate is checked with pdfsig, then the signature is valid over the whole document', async () => {
    const signed = await signPdf(await renderCertificate(certificate()), ensureTrialIdentity(dataDir), { reason: 'Certificate ATT-2026-000123', location: 'Hà Nội', name: 'Cục An toàn thông tin' });
    const out = run('pdfsig', [saved(signed)]);
    expect(out).to.include(`Signer Certificate Common Name: ${TRIAL_SUBJECT}`);
    expect(out).to.include('Signing Hash Algorithm: SHA-256');
    expect(out).to.include('Total document signed');
    expect(out).to.include('Signature Validation: Signature is Valid.');
    // self-signed: valid, but no trust anchor vouches for it
    expect(out).to.include('Certificate Validation: Certificate issuer is unknown.');
    expect(flat(saved(signed))).to.include(SYSTEM_NAME);
  });

  it('when signed at a fixed time, then the bytes are exactly those @signpdf\'s P12Signer produces with the same key', async () => {
    const identity = ensureTrialIdentity(dataDir);
    const unsigned = await renderCertificate(certificate());
    const meta = { reason: 'Certificate ATT-2026-000123', location: 'Hà Nội', name: 'Cục An toàn thông tin', signingTime: new Date('2026-01-15T02:00:00Z') };
    const ours = await signPdf(unsigned, identity, meta);
    const placeholder = plainAddPlaceholder({ pdfBuffer: unsigned, reason: meta.reason, location: meta.location, name: meta.name, contactInfo: '', signingTime: meta.signingTime, signatureLength: Math.max(8192, identity.p12.length * 2) });
    const theirs = await signpdf.sign(placeholder, new P12Signer(identity.p12, { passphrase: identity.passphrase }), meta.signingTime);
    expect(ours.equals(theirs)).to.equal(true);
    expect((await signPdf(unsigned, identity, meta)).equals(ours)).to.equal(true);
  });

  it('when a byte of the signed content is changed, then pdfsig no longer says valid', async () => {
    const signed = await signPdf(await renderCertificate(certificate()), ensureTrialIdentity(dataDir), { reason: 'r', location: 'Hà Nội', name: 'n' });
    const at = signed.indexOf('ATT-2026-000123');
    const tampered = Buffer.from(signed);
    tampered.write('ATT-2026-000999', at >= 0 ? at : signed.indexOf('/Title'), 'latin1');
    let out: string;
    try {
      out = run('pdfsig', [saved(tampered)]);
    } catch (err) {
      out = String((err as { stdout?: string }).stdout);
    }
    expect(out).to.not.include('Signature is Valid.');
  });

  it('when the production key file is missing or its passphrase wrong, then the message says which setting is wrong', () => {
    expect(() => loadIdentity(path.join(tmp, 'absent.p12'), 'x')).to.throw(/^SIGNING_P12: cannot read .*absent\.p12 \(no such file\)/);
    expect(() => loadIdentity(path.join(dataDir, 'signing', 'trial.p12'), 'wrong')).to.throw(/^SIGNING_P12_PASSWORD: the passphrase does not open/);
    fs.writeFileSync(path.join(tmp, 'not.p12'), 'hello');
    expect(() => loadIdentity(path.join(tmp, 'not.p12'), 'x')).to.throw(/^SIGNING_P12: .*not a PKCS#12/);
  });
});

describe('reports: the assessment and programme reports', () => {
  it('when text uses every Vietnamese letter in regular, bold and oblique, then pdftotext returns each one', async () => {
    const data = assessment(4);
    data.controls[0] = { ...data.controls[0], note: ALL_VI, title: { vi: `Đậm ${ALL_VI}`, en: `Nghiêng ${ALL_VI}` } };
    const t = flat(saved(await renderAssessmentReport(data)));
    expect(count(t, ALL_VI)).to.be.at.least(3);
  });

  it('when a level-5 assessment has 90 controls, then every page is numbered and the table header repeats on each page of the table', async () => {
    const data = assessment(90);
    data.controls[40].note = LONG('Ghi chú rất dài về hồ sơ kiểm tra, đánh giá. ').repeat(12);
    const file = saved(await renderAssessmentReport(data));
    const pages = pageCount(file);
    expect(pages).to.be.greaterThan(5);
    const perPage = Array.from({ length: pages }, (_, i) => text(file, '-layout', '-f', String(i + 1), '-l', String(i + 1)));
    perPage.forEach((t, i) => expect(t, `page ${i + 1}`).to.include(`Trang ${i + 1} / ${pages} — Page ${i + 1} of ${pages}`));
    const first = perPage.findIndex((t) => t.includes('III. KẾT QUẢ ĐÁNH GIÁ TỪNG YÊU CẦU'));
    const last = perPage.findIndex((t) => t.includes('IV. CÁC TỒN TẠI'));
    expect(first).to.be.greaterThan(-1);
    expect(last).to.be.greaterThan(first + 3);
    for (let p = first; p <= last; p++) {
      const controlHeader = count(perPage[p], 'Điều khoản');
      // the findings section starts on `last`: the controls table may have ended on the page before
      if (p < last || controlHeader) {
        expect(controlHeader, `controls header on page ${p + 1}`).to.equal(1);
        expect(count(perPage[p], 'Bằng chứng'), `controls header on page ${p + 1}`).to.equal(1);
      }
    }
    const findingPages = perPage.slice(last).filter((t) => t.includes('Chưa ban hành quy trình'));
    expect(findingPages.length).to.be.greaterThan(1);
    for (const t of findingPages) expect(count(t, 'Hạn khắc phục')).to.equal(1);
    const all = flat(file);
    for (const c of data.controls) expect(all).to.include(c.id);
    expect(all).to.include(data.controls[40].note!.replace(/\s+/g, ' ').trim().slice(-60));
    expect(wordsOutside(file, 40)).to.deep.equal([]);
  });

  it('when the programme report covers 124 systems, then it lists all 124 codes with numbered pages and nothing runs off the page', async () => {
    const data = programme(124);
    const file = saved(await renderProgrammeReport(data));
    const all = flat(file);
    for (const s of data.systems) expect(all).to.match(new RegExp(`\\b${s.code}\\b`));
    for (const s of ['Cổng Dịch vụ công quốc gia', 'BÁO CÁO TÌNH HÌNH BẢO ĐẢM AN TOÀN HỆ THỐNG THÔNG TIN THEO CẤP ĐỘ', '96 (77,4%)', 'Các đơn vị khác / Other owners (7)', 'Chưa rà quét'])
      expect(all, s).to.include(s);
    const pages = pageCount(file);
    for (let p = 1; p <= pages; p++) {
      const t = text(file, '-layout', '-f', String(p), '-l', String(p));
      expect(t).to.include(`Trang ${p} / ${pages} — Page ${p} of ${pages}`);
      if (/HT-\d{3}/.test(t)) expect(count(t, 'Tên hệ thống'), `systems header on page ${p}`).to.equal(1);
    }
    expect(wordsOutside(file, 40)).to.deep.equal([]);
  });
});
