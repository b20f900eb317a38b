import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api, makeActors, PASSWORD, type Actors } from './helpers/factories';
import { raise } from './helpers/findings';
import { baseUrl, closeBrowsers, login, newPage, startServer, stopServer } from './helpers/browser';

/** Every console message of level error, and every answer of 400 or more, while the page is used. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  return problems;
}

describe('web console: assets, a clean browser console, the "assigned to me" filter and per-finding forms', function () {
  this.timeout(120_000);
  let a: Actors;
  before(async () => { await startServer(); a = await makeActors(); });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the console is fetched, then its script and styles come compressed and named by their hash (cached a year), the page is revalidated, and a favicon answers', async () => {
    const html = await api().get('/').set('Accept-Encoding', 'gzip');
    expect(html.status).to.equal(200);
    expect(html.headers['cache-control']).to.equal('no-cache');
    const script = /src="(\/app\.js\?v=[0-9a-f]{16})"/.exec(html.text)?.[1];
    const styles = /href="(\/app\.css\?v=[0-9a-f]{16})"/.exec(html.text)?.[1];
    expect(script, html.text).to.be.a('string');
    for (const asset of [script!, styles!]) {
      const r = await api().get(asset).set('Accept-Encoding', 'gzip, br');
      expect(r.status, asset).to.equal(200);
      expect(r.headers['content-encoding'], asset).to.match(/^(gzip|br|deflate)$/);
      expect(r.headers['cache-control'], asset).to.equal('public, max-age=31536000, immutable');
    }
    const icon = await api().get('/favicon.ico');
    expect(icon.status).to.equal(200);
    expect(icon.headers['content-type']).to.match(/^image\/svg\+xml/);
    // asking whether a session exists is an answer, not an error
    expect((await api().get('/api/v1/auth/session')).body).to.deep.equal({ authenticated: false, displayTimeZone: 'Asia/Ho_Chi_Minh' });
  });

  it('when a user opens the console, logs in and moves through pages, then the browser logs no error and no request fails', async () => {
    const page = await newPage('en');
    const problems = watch(page);
    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(problems, 'on the login page').to.deep.equal([]);
    await login(page, a.users.inspector.email, PASSWORD);
    for (const link of ['Findings', 'Systems', 'Scanner reports', 'Dashboard']) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.waitForLoadState('networkidle');
    }
    expect(problems).to.deep.equal([]);
  });

  it('when "assigned to me" is ticked, then only the owner\'s own findings remain; unticked, the organization\'s unassigned ones are listed too', async () => {
    const mineTitle = 'Chưa bật xác thực hai lớp cho quản trị';
    const otherTitle = 'Nhật ký máy chủ chưa được lưu tập trung';
    await raise(a, { title: mineTitle, assignee: a.users.owner.id });
    await raise(a, { title: otherTitle });
    const page = await newPage('en');
    await login(page, a.users.owner.email, PASSWORD);
    await page.getByRole('link', { name: 'My findings' }).click();
    const box = page.getByLabel('Assigned to me only');
    await page.getByRole('row').filter({ hasText: otherTitle }).waitFor();
    expect(await box.isChecked()).to.equal(false);
    await box.check();
    await page.getByRole('row').filter({ hasText: otherTitle }).waitFor({ state: 'detached' });
    expect(await page.getByRole('row').filter({ hasText: mineTitle }).count()).to.equal(1);
    expect(new URL(page.url()).hash).to.match(/assignee=me/);
  });

  it('when the owner starts an extension request on one finding and moves to another, then the second finding\'s form is empty and shows no error', async () => {
    const first = (await raise(a, { title: 'Phát hiện thứ nhất', assignee: a.users.owner.id })).finding;
    const second = (await raise(a, { title: 'Phát hiện thứ hai', assignee: a.users.owner.id })).finding;
    const page = await newPage('en');
    await login(page, a.users.owner.email, PASSWORD);
    await page.goto(`${baseUrl}/#/findings/${first.id}`);
    await page.getByLabel('Reason for the extension').fill('Chờ nhà cung cấp phát hành bản vá');
    await page.getByRole('button', { name: 'Request extension' }).click();
    await page.locator('.field-error, [role="alert"]').first().waitFor();
    await page.goto(`${baseUrl}/#/findings/${second.id}`);
    await page.getByRole('heading', { level: 1, name: /Phát hiện thứ hai/ }).waitFor();
    expect(await page.getByLabel('Reason for the extension').inputValue()).to.equal('');
    expect(await page.locator('.field-error, [role="alert"]').count()).to.equal(0);
  });
});
