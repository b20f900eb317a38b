import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, makeUser, tokenFor, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { binary, pdfSig, pdfText } from './helpers/pdf';
import { displayDateTime, displayIsoDay } from '../src/shared/display';

/*
 * The assessment and programme reports as downloaded: signed like the certificate (pdfsig: valid,
 * whole document), closing with an approval block, and "generated at" is when they were generated.
 */
const flat = (pdf: Buffer) => pdfText(pdf).replace(/\s+/g, ' ');
const get = (token: string, url: string) => api().get(url).set(bearer(token)).buffer(true).parse(binary as never);
/** every minute a document made between `from` and `to` may print, as the display zone writes it */
function minutes(from: Date, to: Date): string[] {
  const out = new Set<string>();
  for (let t = Math.floor(from.getTime() / 60_000) * 60_000; t <= to.getTime(); t += 60_000) out.add(displayDateTime(new Date(t), 'vi'));
  return [...out];
}
function expectValidSignature(pdf: Buffer): void {
  const sig = pdfSig(pdf);
  expect(sig).to.include('Signature Validation: Signature is Valid.');
  expect(sig).to.include('Total document signed');
  expect(sig).to.include('Signing Hash Algorithm: SHA-256');
}
/** the signature dictionary's /Reason: a PDF literal string, UTF-16BE with a BOM when not ASCII */
function reasonOf(pdf: Buffer): string | undefined {
  const m = /\/Reason \(((?:\\[\s\S]|[^\\)])*)\)/.exec(pdf.toString('latin1'));
  if (!m) return undefined;
  const raw = Buffer.from(m[1].replace(/\\([\s\S])/g, '$1'), 'latin1');
  return raw[0] === 0xfe && raw[1] === 0xff ? raw.subarray(2).swap16().toString('utf16le') : raw.toString('latin1');
}

describe('reports: signed assessment and programme reports with an approval block', function () {
  this.timeout(120_000);
  let a: Actors;
  let approver: string;
  before(async () => {
    a = await makeActors();
    approver = await tokenFor(await makeUser('admin', undefined, { name: 'Lê Quốc Việt' }));
  });

  it('when an approved assessment\'s report is downloaded, then pdfsig says valid over the whole document and the approval block names the approver, the role and both times', async () => {
    const system = await makeSystem(a.org, { level: 1, name: 'Hệ thống một cửa điện tử' });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
    await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(approver)).send({}).expect(200);
    const approvedAt = new Date((await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.admin))).body.approvedAt);
    const before = new Date();
    const res = await get(a.owner, `/api/v1/assessments/${asm.id}/report.pdf`);
    const after = new Date();
    expect(res.status).to.equal(200);
    expectValidSignature(res.body);
    expect(reasonOf(res.body)).to.match(/^Assessment report .* approved by /);
    const t = flat(res.body);
    expect(t).to.include('V. PHÊ DUYỆT BÁO CÁO').and.include('V. APPROVAL OF THE REPORT');
    expect(t).to.include('Người phê duyệt').and.include('Lê Quốc Việt').and.include('Quản trị').and.include('Administrator');
    expect(t).to.include(`Thời điểm phê duyệt ${displayDateTime(approvedAt, 'vi')} Approved at`);
    expect(t).to.not.include('BẢN DỰ THẢO').and.not.include('Chưa phê duyệt');
    // generated-at is the download, not the approval or the last change of the assessment
    const printed = /Thời điểm lập báo cáo (\d\d\/\d\d\/\d{4} \d\d:\d\d) Report generated at/g;
    const times = [...t.matchAll(printed)].map((m) => m[1]);
    expect(times.length, t).to.be.at.least(1);
    for (const x of times) expect(minutes(before, after)).to.include(x);
    expect(t).to.include('Văn bản được ký số bởi');
  });

  it('when the same report is downloaded twice, then both are validly signed and each carries its own generation time', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await startAssessment(a.inspector, system.id);
    const first = await get(a.admin, `/api/v1/assessments/${asm.id}/report.pdf`);
    await new Promise((r) => setTimeout(r, 1100));
    const second = await get(a.admin, `/api/v1/assessments/${asm.id}/report.pdf`);
    expectValidSignature(first.body);
    expectValidSignature(second.body);
    // the signing time differs, so the bytes do; the unsigned rendering stays byte-stable (reports-pdf.test.ts)
    expect(first.body.equals(second.body)).to.equal(false);
  });

  it('when the assessment is not approved, then its report is signed as a draft and says "Chưa phê duyệt / Not approved"', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    const res = await get(a.inspector, `/api/v1/assessments/${asm.id}/report.pdf`);
    expect(res.status).to.equal(200);
    expectValidSignature(res.body);
    expect(reasonOf(res.body)).to.match(/^DRAFT assessment report .*not approved$/);
    const t = flat(res.body);
    expect(t).to.include('Chưa phê duyệt').and.include('Not approved');
    expect(t).to.include('BẢN DỰ THẢO').and.include('DRAFT — the assessment is not approved');
    expect(t).to.include('Báo cáo đánh giá').and.include('(BẢN DỰ THẢO)');
  });

  it('when an admin downloads the programme report, then it is validly signed, names the admin and the generation time, and the file is named after the day in the display zone', async () => {
    const admin = await makeUser('admin', undefined, { name: 'Phạm Thị Thu Hà' });
    const before = new Date();
    const res = await get(await tokenFor(admin), '/api/v1/reports/programme.pdf');
    const after = new Date();
    expect(res.status).to.equal(200);
    expectValidSignature(res.body);
    expect(reasonOf(res.body)).to.match(/^Programme report, figures of .*, generated by /);
    const t = flat(res.body);
    expect(t).to.include('VI. LẬP BÁO CÁO').and.include('Người lập báo cáo').and.include('Phạm Thị Thu Hà').and.include('Quản trị');
    const at = /Thời điểm lập báo cáo (\d\d\/\d\d\/\d{4} \d\d:\d\d) Report generated at/.exec(t)?.[1];
    expect(minutes(before, after)).to.include(at);
    expect([displayIsoDay(before), displayIsoDay(after)].map((d) => `programme-report-${d}.pdf`)).to.include(/filename="([^"]+)"/.exec(res.headers['content-disposition'])?.[1]);
  });
});
