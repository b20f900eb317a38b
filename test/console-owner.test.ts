import { expect } from 'chai';
import { api, bearer, makeActors, PASSWORD, type Actors } from './helpers/factories';
import { raise } from './helpers/findings';
import { closeBrowsers, login, newPage, startServer, stopServer } from './helpers/browser';

/*
 * The owner's journey: their findings with deadlines, a finding page offering only the moves
 * their role allows, a resolve the API refuses without evidence (the reason shown beside the
 * evidence), then accepted with it; the inspector verifies it from their own browser.
 */
describe('web console: the owner resolves a finding, the inspector verifies it', function () {
  this.timeout(120_000);
  let a: Actors;
  before(async () => { await startServer(); a = await makeActors(); });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the owner works the finding in the console, then it is resolved with its evidence and then verified', async () => {
    const { finding } = await raise(a, { title: 'Máy chủ web lộ phiên bản Apache', assignee: a.users.owner.id });
    const other = await raise(a, { title: 'Chưa cập nhật bản vá hệ điều hành', assignee: a.users.owner.id });
    await api().post(`/api/v1/findings/${other.finding.id}/transitions`).set(bearer(a.owner)).send({ to: 'in_remediation', comment: 'Đang xử lý' }).expect(200);

    const owner = await newPage('en');
    await login(owner, a.users.owner.email, PASSWORD);
    await owner.getByRole('link', { name: 'My findings' }).click();
    await owner.getByRole('heading', { level: 1, name: 'My findings' }).waitFor();
    const row = owner.getByRole('row').filter({ hasText: 'Máy chủ web lộ phiên bản Apache' });
    await row.waitFor();
    expect(await owner.getByRole('row').filter({ hasText: 'Chưa cập nhật bản vá' }).count()).to.equal(1);
    await row.getByRole('link', { name: 'Máy chủ web lộ phiên bản Apache' }).click();
    await owner.getByRole('heading', { level: 1, name: /Máy chủ web lộ phiên bản Apache/ }).waitFor();
    // an owner is never offered the inspector's moves, and is offered the requests the API allows them
    expect(await owner.getByRole('button', { name: 'Verify', exact: true }).count()).to.equal(0);
    await owner.getByRole('button', { name: 'Request risk acceptance' }).waitFor();
    await owner.getByRole('button', { name: 'Request extension' }).waitFor();
    // the history names the inspector who raised it (by name, not by id)
    await owner.locator('.history').getByText(a.users.inspector.name).first().waitFor();
    expect((await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.owner))).body.requests).to.deep.equal({ riskAcceptance: true, extension: true });
    expect((await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.admin))).body.requests).to.deep.equal({ riskAcceptance: false, extension: false });
    await owner.getByRole('button', { name: 'Start remediation' }).click();
    await owner.getByRole('button', { name: 'Resolve', exact: true }).waitFor();
    await owner.getByLabel('Note for the status change').fill('Đã ẩn phiên bản trong cấu hình ServerTokens Prod');
    await owner.getByRole('button', { name: 'Resolve', exact: true }).click();
    await owner.getByRole('alert').filter({ hasText: /evidence/i }).first().waitFor();
    expect((await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.owner))).body.status).to.equal('in_remediation');
    await owner.getByLabel('Evidence title 1').fill('Cấu hình sau khi vá');
    await owner.getByLabel('Evidence URL 1').fill('https://evidence.example.org/apache-servertokens.png');
    await owner.getByRole('button', { name: 'Resolve', exact: true }).click();
    await owner.locator('.badge', { hasText: 'Resolved' }).first().waitFor();
    const resolved = (await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.owner))).body;
    expect(resolved.status).to.equal('resolved');
    expect(resolved.history.map((h: { to?: string }) => h.to)).to.include('resolved');

    const inspector = await newPage('en');
    await login(inspector, a.users.inspector.email, PASSWORD);
    await inspector.goto(`${inspector.url().split('#')[0]}#/findings/${finding.id}`);
    // assignees are chosen by name among the organization's users, never typed as ids
    const assignee = inspector.getByLabel('Assignee', { exact: true });
    await assignee.locator(`option[value="${a.users.owner.id}"]`, { hasText: a.users.owner.name }).waitFor({ state: 'attached' });
    expect(await assignee.locator(`option[value="${a.users.otherOwner.id}"]`).count()).to.equal(0);
    await inspector.getByRole('button', { name: 'Verify', exact: true }).click();
    await inspector.locator('.badge', { hasText: 'Verified' }).first().waitFor();
    expect((await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.owner))).body.status).to.equal('verified');
  });
});
