import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api, bearer, makeActors, makeSystem, PASSWORD, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { raise } from './helpers/findings';
import { axe, baseUrl, closeBrowsers, login, newPage, screenshot, startServer, stopServer } from './helpers/browser';

/*
 * Every main page, for the role that works on it, in both languages: axe-core finds no serious
 * or critical violation, and a full-page screenshot is saved under test-output/browser/.
 */
describe('web console: accessibility and screenshots of the main pages in both languages', function () {
  this.timeout(300_000);
  let a: Actors;
  const ids: Record<string, string> = {};
  before(async () => {
    await startServer();
    a = await makeActors();
    const system = await makeSystem(a.org, { level: 1, name: 'Cổng dịch vụ công trực tuyến — Sở Thông tin và Truyền thông' });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
    const { finding } = await raise(a, { title: 'Máy chủ web lộ phiên bản phần mềm', assignee: a.users.owner.id });
    Object.assign(ids, { system: system.id, assessment: asm.id, finding: finding.id });
  });
  after(async () => { await closeBrowsers(); await stopServer(); });

  const PAGES: { role: 'admin' | 'inspector' | 'owner'; name: string; path: () => string }[] = [
    { role: 'inspector', name: 'portfolio', path: () => '/systems' },
    { role: 'inspector', name: 'system', path: () => `/systems/${ids.system}` },
    { role: 'inspector', name: 'assessment', path: () => `/assessments/${ids.assessment}` },
    { role: 'inspector', name: 'findings', path: () => '/findings' },
    { role: 'owner', name: 'my-findings', path: () => '/findings' },
    { role: 'owner', name: 'finding', path: () => `/findings/${ids.finding}` },
    { role: 'admin', name: 'dashboard', path: () => '/dashboard' },
    { role: 'admin', name: 'approvals', path: () => '/approvals' },
    { role: 'admin', name: 'certificates', path: () => '/certificates' },
    { role: 'admin', name: 'inventory', path: () => '/inventory' },
    { role: 'admin', name: 'users', path: () => '/users' },
    { role: 'admin', name: 'audit', path: () => '/audit' },
  ];

  async function check(page: Page, label: string, problems: string[]) {
    await page.locator('h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    // a function, not a string: the page's content security policy forbids eval
    await page.waitForFunction(() => !Array.from((globalThis as unknown as { document: { querySelectorAll: (s: string) => ArrayLike<{ textContent: string | null }> } }).document
      .querySelectorAll('[role=status]')).some((e) => /^(Loading|Đang tải)…$/.test(e.textContent ?? '')));
    for (const v of await axe(page)) problems.push(`${label}: ${v.impact} ${v.id} (${v.help}) on ${v.nodes} element(s)`);
    await screenshot(page, label);
  }

  for (const lang of ['vi', 'en'] as const) {
    it(`when the main pages are opened in ${lang === 'vi' ? 'Vietnamese' : 'English'}, then axe finds nothing serious or critical and each page is photographed`, async () => {
      const problems: string[] = [];
      const anon = await newPage(lang);
      await anon.goto(`${baseUrl}/`);
      await check(anon, `${lang}-login`, problems);
      expect(await anon.evaluate('document.documentElement.lang')).to.equal(lang);
      for (const role of ['inspector', 'owner', 'admin'] as const) {
        const page = await newPage(lang);
        await login(page, a.users[role].email, PASSWORD);
        for (const p of PAGES.filter((x) => x.role === role)) {
          await page.goto(`${baseUrl}/#${p.path()}`);
          await check(page, `${lang}-${p.name}`, problems);
        }
      }
      // a tablet held upright: the portfolio still works and stays accessible
      const tablet = await newPage(lang, { width: 768, height: 1024 });
      await login(tablet, a.users.inspector.email, PASSWORD);
      await tablet.goto(`${baseUrl}/#/systems`);
      await check(tablet, `${lang}-tablet-portfolio`, problems);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }

  it('when the language is switched, then the page changes language at once and the choice is remembered after a reload', async () => {
    const page = await newPage('vi');
    await login(page, a.users.inspector.email, PASSWORD);
    await page.goto(`${baseUrl}/#/systems`);
    await page.getByRole('heading', { level: 1, name: 'Danh mục hệ thống thông tin' }).waitFor();
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Information systems' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Information systems' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).to.equal('en');
  });

  it('when the session ends on the server, then the next action returns to the login page with a message', async () => {
    const page = await newPage('en');
    await login(page, a.users.inspector.email, PASSWORD);
    await page.goto(`${baseUrl}/#/systems`);
    await page.getByRole('heading', { level: 1, name: 'Information systems' }).waitFor();
    await page.context().clearCookies();
    await page.getByLabel('Search by code or name').fill('HT');
    await page.getByText('Your session has expired. Please log in again.').waitFor();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});
