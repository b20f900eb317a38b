import crypto from 'node:crypto';
import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, makeUser, tokenFor, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { binary, pdfQr, pdfSig, pdfText } from './helpers/pdf';
import { harness } from './helpers/harness';
import * as certificates from '../src/modules/certificates/certificate.service';

/** A system of the actors' organization with an approved assessment that met (or not) all criteria. */
async function assessed(a: Actors, admin2: string, pick = allMet, name = 'Hệ thống Quản lý Văn bản — Sở Thông tin và Truyền thông tỉnh Quảng Nam') {
  const system = await makeSystem(a.org, { level: 2, name });
  const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), pick);
  await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
  await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(admin2)).send({}).expect(200);
  return system;
}

const issue = (token: string, system: string) => api().post(`/api/v1/systems/${system}/certificates`).set(bearer(token)).send({});
const download = (token: string, id: string) => api().get(`/api/v1/certificates/${id}/pdf`).set(bearer(token)).buffer(true).parse(binary as never);

describe('certificates: issuance, the signed PDF, public verification, suspension and revocation', function () {
  this.timeout(60_000);
  let a: Actors;
  let admin2: string;
  before(async () => { a = await makeActors(); admin2 = await tokenFor(await makeUser('admin')); });

  it('when the system has no approved assessment, then 422 lists that; when criteria are not met, then 422 lists each unmet condition', async () => {
    const fresh = await makeSystem(a.org);
    const none = await issue(a.admin, fresh.id);
    expect(none.status).to.equal(422);
    expect(none.body.error.details.map((d: { code: string }) => d.code)).to.deep.equal(['no_approved_assessment']);
    const failing = await assessed(a, admin2, (_id, i) => (i === 0 ? { result: 'not_met' } : { result: 'met' }));
    const res = await issue(a.admin, failing.id);
    expect(res.status).to.equal(422);
    const codes = res.body.error.details.map((d: { code: string }) => d.code);
    expect(codes).to.include('criteria_not_met');
    expect(res.body.error.message).to.match(/not meet all criteria \(0 partially met, 1 not met\)/);
  });

  it('when every condition holds, then a numbered, signed certificate is issued; its PDF is byte-identical on every download, hashes to the register, reads in Vietnamese, carries the QR and verifies', async () => {
    const system = await assessed(a, admin2);
    const res = await issue(a.admin, system.id);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const c = res.body;
    expect(c.number).to.match(new RegExp(`^ATT-${new Date().getUTCFullYear()}-\\d{6}$`));
    expect(c.code).to.match(/^[A-Z2-9]{24}$/);
    expect(c).to.include({ status: 'valid' });
    expect(c.verifyUrl).to.equal(`${harness().config.publicBaseUrl}/verify/${c.code}`);
    expect((await issue(a.admin, system.id)).body.error.details.map((d: { code: string }) => d.code)).to.deep.equal(['already_certified']);
    const sys = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body;
    expect(sys.compliance.state).to.equal('certified');

    const first = await download(a.admin, c.id);
    expect(first.status).to.equal(200);
    expect(first.headers['content-type']).to.equal('application/pdf');
    expect(first.headers['content-disposition']).to.include(`${c.number}.pdf`);
    const second = await download(a.owner, c.id);
    expect(Buffer.compare(first.body, second.body)).to.equal(0);
    expect(crypto.createHash('sha256').update(first.body).digest('hex')).to.equal(c.pdf.sha256);
    // text wraps inside its box: compare with line breaks folded into spaces
    const text = pdfText(first.body).replace(/\s+/g, ' ');
    expect(text).to.include('Hệ thống Quản lý Văn bản — Sở Thông tin và Truyền thông tỉnh Quảng Nam');
    expect(text).to.include(c.number);
    expect(text.replace(/ /g, '')).to.include(c.verifyUrl);
    expect(pdfQr(first.body)).to.equal(c.verifyUrl);
    expect(pdfSig(first.body)).to.match(/Signature is Valid/);
  });

  it('when anyone checks a code, then the page says valid with the number, name, organization, level and dates only; an unknown code is 404; the PDF check matches only the registered file', async () => {
    const system = await assessed(a, admin2, allMet, 'Cổng Dịch vụ công tỉnh Quảng Nam');
    const c = (await issue(a.admin, system.id)).body;
    const json = await api().get(`/verify/${c.code}`).set('Accept', 'application/json');
    expect(json.status).to.equal(200);
    const vnDay = (iso: string) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 10).split('-').reverse().join('/');
    expect(json.body).to.deep.equal({
      number: c.number, status: 'valid', system: 'Cổng Dịch vụ công tỉnh Quảng Nam', organization: c.snapshot.organization.name, level: 2, issuedAt: c.issuedAt, expiresAt: c.expiresAt,
      display: { timeZone: 'Asia/Ho_Chi_Minh', issuedAt: vnDay(c.issuedAt), expiresAt: vnDay(c.expiresAt), status: { vi: 'CÒN HIỆU LỰC', en: 'VALID' } },
    });
    const html = await api().get(`/verify/${c.code}`).set('Accept', 'text/html');
    expect(html.headers['content-type']).to.match(/text\/html/);
    expect(html.text).to.include('CÒN HIỆU LỰC').and.include('Cổng Dịch vụ công tỉnh Quảng Nam');
    expect(html.text).not.to.include(c.id);
    expect((await api().get('/verify/AAAAAAAAAAAAAAAAAAAAAAAA')).status).to.equal(404);
    expect((await api().get('/verify/not-a-code')).status).to.equal(404);
    const pdf = (await download(a.admin, c.id)).body as Buffer;
    const ok = await api().post(`/verify/${c.code}/check`).set('Content-Type', 'application/pdf').send(pdf);
    expect(ok.body).to.include({ genuine: true, match: true });
    expect(ok.body.certificate).to.include({ number: c.number, status: 'valid' });
    const forged = Buffer.concat([pdf, Buffer.from('\n% edited\n')]);
    const bad = (await api().post(`/verify/${c.code}/check`).set('Content-Type', 'application/pdf').send(forged)).body;
    expect(bad).to.include({ genuine: false, match: false });
    // a file that does not match says nothing that could read as "valid"
    expect(bad).to.not.have.any.keys('status', 'certificate');
  });

  it('when a critical finding is raised on a certified system, then its certificate is suspended until the finding is closed', async () => {
    const system = await assessed(a, admin2);
    const c = (await issue(a.admin, system.id)).body;
    const f = (await api().post('/api/v1/findings').set(bearer(a.inspector)).send({ system: system.id, title: 'Lộ khóa quản trị', severity: 'critical' })).body;
    expect((await api().get(`/api/v1/certificates/${c.id}`).set(bearer(a.admin))).body.status).to.equal('suspended');
    expect((await api().get(`/verify/${c.code}`).set('Accept', 'application/json')).body.status).to.equal('suspended');
    expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).body.compliance.state).to.not.equal('certified');
    const move = (token: string, body: object) => api().post(`/api/v1/findings/${f.id}/transitions`).set(bearer(token)).send(body).expect(200);
    await move(a.owner, { to: 'in_remediation' });
    await move(a.owner, { to: 'resolved', comment: 'Đã đổi khóa', evidence: [{ url: 'https://evidence.example.org/rotation.pdf' }] });
    expect((await api().get(`/api/v1/certificates/${c.id}`).set(bearer(a.admin))).body.status).to.equal('suspended');
    await move(a.inspector, { to: 'verified', comment: 'Đã kiểm tra lại' });
    expect((await api().get(`/api/v1/certificates/${c.id}`).set(bearer(a.admin))).body.status).to.equal('valid');
    expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).body.compliance.state).to.equal('certified');
  });

  it('when a certificate is revoked, then it needs a reason, shows revoked everywhere and cannot be revoked twice; when it expires, verification says so', async () => {
    const system = await assessed(a, admin2);
    const c = (await issue(a.admin, system.id)).body;
    expect((await api().post(`/api/v1/certificates/${c.id}/revoke`).set(bearer(a.admin)).send({})).status).to.equal(400);
    const r = await api().post(`/api/v1/certificates/${c.id}/revoke`).set(bearer(a.admin)).send({ reason: 'Hệ thống thay đổi kiến trúc' });
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal('revoked');
    expect((await api().get(`/verify/${c.code}`).set('Accept', 'application/json')).body.status).to.equal('revoked');
    expect((await api().post(`/api/v1/certificates/${c.id}/revoke`).set(bearer(a.admin)).send({ reason: 'again' })).status).to.equal(409);

    const other = await assessed(a, admin2);
    const d = (await issue(a.admin, other.id)).body;
    await certificates.expireDue(new Date(Date.now() + 40 * 365 * 86_400_000));
    expect((await api().get(`/verify/${d.code}`).set('Accept', 'application/json')).body.status).to.equal('expired');
  });

  it('when roles read certificates, then admins and the own owner may, inspectors and other owners may not', async () => {
    const system = await assessed(a, admin2);
    const c = (await issue(a.admin, system.id)).body;
    expect((await api().get('/api/v1/certificates').set(bearer(a.inspector))).status).to.equal(403);
    expect((await api().get(`/api/v1/certificates/${c.id}`).set(bearer(a.owner))).status).to.equal(200);
    expect((await api().get(`/api/v1/certificates/${c.id}`).set(bearer(a.otherOwner))).status).to.equal(404);
    expect((await download(a.otherOwner, c.id)).status).to.equal(404);
    expect((await issue(a.inspector, system.id)).status).to.equal(403);
    const mine = (await api().get('/api/v1/certificates').set(bearer(a.owner))).body;
    expect(mine.items.every((x: { organization: string }) => x.organization === a.org.id)).to.equal(true);
  });

  it('when the dashboard and the reports are asked for, then admins and inspectors get the figures, admins the programme PDF, owners their assessment reports only', async () => {
    const dash = await api().get('/api/v1/dashboard').set(bearer(a.inspector));
    expect(dash.status).to.equal(200);
    expect(dash.body.systems).to.include.keys('total', 'evaluated', 'metAllCriteria', 'metAllCriteriaPct', 'certified');
    expect(dash.body).to.include.keys('byLevel', 'byOrganization', 'findings', 'certificates', 'assessmentsDue', 'scanGrades');
    expect(dash.body.findings.open).to.include.keys('critical', 'high', 'medium', 'low');
    expect((await api().get('/api/v1/dashboard').set(bearer(a.owner))).status).to.equal(403);
    const prog = await api().get('/api/v1/reports/programme.pdf').set(bearer(a.admin)).buffer(true).parse(binary as never);
    expect(prog.status).to.equal(200);
    expect(pdfText(prog.body)).to.match(/HT-/);
    // the file is named after the day its title prints: the display time zone's, not UTC's
    const [, y, m, d] = /programme-report-(\d{4})-(\d{2})-(\d{2})\.pdf/.exec(String(prog.headers['content-disposition']))!;
    expect(pdfText(prog.body)).to.include(`${d}/${m}/${y}`);
    expect((await api().get('/api/v1/reports/programme.pdf').set(bearer(a.inspector))).status).to.equal(403);
    const system = await makeSystem(a.org, { level: 1, name: 'Hệ thống báo cáo thống kê' });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    const rep = await api().get(`/api/v1/assessments/${asm.id}/report.pdf`).set(bearer(a.owner)).buffer(true).parse(binary as never);
    expect(rep.status).to.equal(200);
    expect(pdfText(rep.body).replace(/\s+/g, ' ')).to.include('Hệ thống báo cáo thống kê');
    expect((await api().get(`/api/v1/assessments/${asm.id}/report.pdf`).set(bearer(a.otherOwner))).status).to.equal(404);
  });
});
