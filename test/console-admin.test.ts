import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, PASSWORD, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { baseUrl, closeBrowsers, login, newPage, startServer, stopServer } from './helpers/browser';

/*
 * The admin's journey: approve the submitted assessment, issue the certificate (its PDF downloads
 * byte for byte as registered), then anyone checks it on the public verification page.
 */
describe('web console: the admin approves, issues a certificate and downloads it; the public page verifies it', function () {
  this.timeout(120_000);
  let a: Actors;
  let system: Awaited<ReturnType<typeof makeSystem>>;
  before(async () => {
    await startServer();
    a = await makeActors();
    system = await makeSystem(a.org, { level: 1, name: 'Hệ thống một cửa điện tử — Sở Nội vụ thử nghiệm' });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
  });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the admin approves and issues through the console, then the certificate is valid, its PDF is the registered one, and the public page says so', async () => {
    const page = await newPage('en');
    await login(page, a.users.admin.email, PASSWORD);
    await page.getByRole('link', { name: 'Approvals' }).click();
    const card = page.locator('article.card').filter({ has: page.getByRole('heading', { level: 3, name: new RegExp(system.code) }) });
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText(`The assessment of ${system.code} is approved.`).waitFor();
    expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).body.compliance.state).to.equal('compliant');

    await page.getByRole('link', { name: 'Certificates' }).click();
    await page.getByLabel('Filter systems by code or name').fill(system.code);
    await page.getByLabel('System', { exact: true }).selectOption({ label: `${system.code} — ${system.name}` });
    await page.getByRole('button', { name: 'Issue certificate' }).click();
    const notice = page.getByRole('status').filter({ hasText: /Certificate ATT-\d{4}-\d{6} issued to/ });
    await notice.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('link', { name: 'Download PDF' }).click()]);
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const cert = (await api().get('/api/v1/certificates').query({ system: system.id }).set(bearer(a.admin))).body.items[0];
    expect(cert.status).to.equal('valid');
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).to.equal(cert.pdf.sha256);
    expect(download.suggestedFilename()).to.equal(`${cert.number}.pdf`);

    // the public page, in a browser that never logged in
    const visitor = await newPage('vi');
    await visitor.goto(`${baseUrl}/verify/${cert.code}`);
    const text = await visitor.locator('body').innerText();
    expect(text).to.contain(system.name);
    expect(text).to.match(/valid|còn hiệu lực/i);
    expect(text).to.not.contain(system.id);
  });

  it('when the admin edits a system in the console, then a bad endpoint is explained beside its field and a good one is saved', async () => {
    const page = await newPage('en');
    await login(page, a.users.admin.email, PASSWORD);
    await page.goto(`${baseUrl}/#/systems/${system.id}`);
    await page.getByRole('button', { name: 'Edit system details' }).click();
    const endpoints = page.getByLabel('Endpoints (one URL or host:port per line)');
    await endpoints.fill('not a url');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.field-error', { hasText: 'must be an http(s) URL or host:port' }).waitFor();
    await endpoints.fill('https://portal.example.gov.vn/');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('https://portal.example.gov.vn/').waitFor();
    expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).body.endpoints).to.deep.equal(['https://portal.example.gov.vn/']);
  });
});
