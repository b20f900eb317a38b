import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, makeUser, tokenFor, PASSWORD, type Actors } from './helpers/factories';
import { answer, startAssessment, type AssessmentBody } from './helpers/assessments';
import { certified } from './helpers/certificates';
import { binary, pdfText } from './helpers/pdf';
import { closeBrowsers, login, newPage, screenshot, startServer, stopServer } from './helpers/browser';
import { common } from '../src/web/i18n/common';
import { inspector } from '../src/web/i18n/inspector';
import { owner } from '../src/web/i18n/owner';
import { admin } from '../src/web/i18n/admin';
import { assessment } from '../src/web/i18n/assessment';
import { displayDate } from '../src/shared/display';

/*
 * Issue 17, "Done means": the Vietnamese console bundle and the Vietnamese PDFs hold none of the
 * English that Vietnamese mode used to show — finding words ("Partially met: …", "Inspector's
 * note"), history lines by id ("Raised by assessment 80d8449…"), API field names in messages
 * ("dueAt is required"), mm/dd/yyyy dates, raw ids — and a Vietnamese owner's finding page reads
 * in Vietnamese (title, description, history lines, a validation message beside its field).
 */
const ENGLISH = [/Partially met:/, /Inspector's note/, /Raised by assessment/, /\bis required\b/, /\bdueAt\b/];
const RAW_ID = /\b[0-9a-f]{24}\b/;
const dicts = [common, inspector, owner, admin, assessment];

/** The string literals of a minified script (double, single and back quotes), unescaped. */
function literals(js: string): string[] {
  const out: string[] = [];
  for (const m of js.matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) {
    const raw = m[1] ?? m[2] ?? m[3] ?? '';
    try { out.push(JSON.parse(`"${raw.replace(/\\'/g, "'").replace(/\\`/g, '`').replace(/"/g, '\\"').replace(/\\\\"/g, '\\"')}"`)); } catch { out.push(raw); }
  }
  return out;
}

/** Every d/m/yyyy in a text read as dd/mm/yyyy: a mm/dd/yyyy date would give a month above 12 on most days. */
function checkDates(text: string, what: string): string[] {
  const dates = [...text.matchAll(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g)];
  for (const [s, d, m] of dates) {
    expect(Number(m), `${what}: ${s} is not dd/mm/yyyy`).to.be.within(1, 12);
    expect(Number(d), `${what}: ${s}`).to.be.within(1, 31);
  }
  return dates.map((x) => x[0]);
}

function checkPdf(text: string, what: string): void {
  for (const re of ENGLISH) expect(text, `${what} prints ${re}`).not.to.match(re);
  expect(text.match(new RegExp(`.{0,80}${RAW_ID.source}.{0,40}`))?.[0] ?? '', `${what} prints a raw id`).to.equal('');
  checkDates(text, what);
}

describe('Vietnamese all the way: the console bundle, the PDFs and an owner\'s finding page', function () {
  this.timeout(180_000);
  let a: Actors;
  let approver: string;
  let asm: Omit<AssessmentBody, 'controls'> & { system: string; controls: { id: string; ref: string; title: { vi: string; en: string }; requirement: { vi: string; en: string } }[] };
  let code: string;
  before(async () => {
    await startServer();
    a = await makeActors();
    approver = await tokenFor(await makeUser('admin', undefined, { name: 'Lê Quốc Việt' }));
    const system = await makeSystem(a.org, { level: 1 });
    code = system.code;
    asm = await startAssessment(a.inspector, system.id) as unknown as typeof asm;
    const [first, second] = asm.controls;
    await answer(a.inspector, asm as unknown as AssessmentBody, (id) => (id === first.id ? { result: 'partial', note: 'Quy chế chưa được ban hành' } : id === second.id ? { result: 'not_met', note: 'Không có nhật ký' } : { result: 'met' }));
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
    await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(approver)).send({}).expect(200);
  });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the console bundle is read for Vietnamese mode, then neither its Vietnamese words nor its own strings hold the English of the issue', () => {
    const js = fs.readFileSync(path.resolve('dist', 'console', 'app.js'), 'utf8');
    // the English dictionary is shown in English mode only; every other string may reach a Vietnamese screen
    const englishOnly = new Set(dicts.flatMap((d) => Object.entries(d.en).filter(([k, v]) => d.vi[k] !== v).map(([, v]) => v)));
    const vi = dicts.flatMap((d) => Object.values(d.vi));
    const all = literals(js);
    expect(all.length).to.be.above(1000);
    // the dictionaries really are in the bundle: this reads the right file
    expect(all).to.include(common.vi['result.partial']).and.to.include(common.en['result.partial']);
    const shown = all.filter((s) => !englishOnly.has(s));
    for (const re of ENGLISH) {
      expect(vi.filter((s) => re.test(s)), `Vietnamese dictionary: ${re}`).to.deep.equal([]);
      // a literal with a space is words; a bare `dueAt` is a property the code reads, not a message
      expect(shown.filter((s) => /\s/.test(s) && re.test(s)), `bundle: ${re}`).to.deep.equal([]);
    }
    expect(shown.filter((s) => RAW_ID.test(s)), 'bundle: a raw id').to.deep.equal([]);
    // month-first dates come from an en-US locale or a hand-made m/d/y pattern
    expect(shown.filter((s) => /^en-US$/.test(s) || /\{?(month|mm?)\}?\/\{?(day|dd?)\}?\//i.test(s)), 'bundle: month-first dates').to.deep.equal([]);
    // the API's words are shown in the chosen language (messages, lines, refusals)
    expect(js).to.include('.message?.[').and.to.include('.text?.[');
  });

  it('when the certificate, the assessment report and the programme report are printed, then none holds that English, a raw id or a month-first date, and the findings carry their Vietnamese titles', async () => {
    const findings = (await api().get(`/api/v1/findings?system=${asm.system}&limit=100`).set(bearer(a.inspector))).body.items as { id: string; titleVi: string; title: string }[];
    expect(findings).to.have.length(2);
    const report = flatPdf((await api().get(`/api/v1/assessments/${asm.id}/report.pdf`).set(bearer(a.admin)).buffer(true).parse(binary as never)).body);
    checkPdf(report, 'assessment report');
    for (const c of asm.controls.slice(0, 2)) {
      // the control's Vietnamese title (it may wrap inside its cell: the first words are enough)
      expect(report, c.title.vi).to.include(c.title.vi.split(' ').slice(0, 3).join(' '));
    }
    expect(report).to.include(displayDate(new Date(), 'vi'));

    const { pdf } = await certified(a, approver, 'Cổng thông tin điện tử tỉnh (thử nghiệm tiếng Việt)');
    const cert = flatPdf(pdf);
    checkPdf(cert, 'certificate');
    expect(cert).to.include(displayDate(new Date(), 'vi'));

    const programme = flatPdf((await api().get('/api/v1/reports/programme.pdf').set(bearer(a.admin)).buffer(true).parse(binary as never)).body);
    checkPdf(programme, 'programme report');
    expect(checkDates(programme, 'programme report')).to.include(displayDate(new Date(), 'vi'));
  });

  it('when a Vietnamese owner opens a finding from the catalogue, then its title, description and history lines are in Vietnamese and a refused field is named in Vietnamese', async () => {
    const list = (await api().get(`/api/v1/findings?system=${asm.system}&limit=100`).set(bearer(a.inspector))).body.items as { id: string; control: string }[];
    const f = (await api().get(`/api/v1/findings/${list.find((x) => x.control === asm.controls[0].id)!.id}`).set(bearer(a.inspector))).body;
    await api().patch(`/api/v1/findings/${f.id}`).set(bearer(a.inspector)).send({ assignee: a.users.owner.id }).expect(200);

    const page = await newPage('vi');
    await login(page, a.users.owner.email, PASSWORD);
    await page.goto(`${page.url().split('#')[0]}#/findings/${f.id}`);
    await page.getByRole('heading', { level: 1, name: f.titleVi }).waitFor();
    await page.getByText(`Đạt một phần: ${asm.controls[0].requirement.vi}`.slice(0, 40), { exact: false }).first().waitFor();
    const history = page.locator('.history');
    await history.getByText(`Phát sinh từ Đánh giá ${code} ngày ${displayDate(new Date(f.history[0].at), 'vi')}, người đánh giá: ${a.users.inspector.name}`).waitFor();
    await history.getByText(`Giao cho ${a.users.owner.name}`).waitFor();

    // the API refuses a request without a date: the message beside the field names it in Vietnamese
    await page.getByLabel('Lý do xin gia hạn', { exact: true }).fill('Nhà thầu hẹn cập nhật vào tháng sau');
    await page.getByRole('button', { name: 'Gửi đề nghị gia hạn' }).click();
    await page.getByText('Hạn xử lý là bắt buộc').waitFor();
    // the day is typed as Vietnamese write it (a browser's date picker would write its own convention)
    const dueField = page.getByLabel('Hạn xử lý mới', { exact: true });
    expect(await dueField.getAttribute('placeholder')).to.equal('dd/mm/yyyy');
    const later = new Date(new Date(f.dueAt).getTime() + 45 * 86_400_000);
    await dueField.fill(displayDate(later, 'vi'));
    await page.getByRole('button', { name: 'Gửi đề nghị gia hạn' }).click();
    await history.getByText(`Đề nghị gia hạn đến ngày ${displayDate(later, 'vi')}`).waitFor();
    await history.getByText('Nhà thầu hẹn cập nhật vào tháng sau').waitFor();

    const text = await page.locator('main').innerText();
    for (const re of [...ENGLISH, /Not met:/, /From the Assessment/, /Assigned to/]) expect(text, `${re}`).not.to.match(re);
    expect(text.match(new RegExp(`[^]{0,120}${RAW_ID.source}[^]{0,40}`))?.[0] ?? '', 'a raw id').to.equal('');
    checkDates(text, 'finding page');
    await screenshot(page, 'vietnamese-owner-finding');
  });
});

const flatPdf = (pdf: Buffer) => pdfText(pdf).replace(/\s+/g, ' ');
