import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api, bearer, makeActors, makeOrg, makeSystem, PASSWORD, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { move, raise } from './helpers/findings';
import { axe, baseUrl, closeBrowsers, login, newPage, screenshot, startServer, stopServer } from './helpers/browser';
import { measure, settled } from './helpers/layout';
import { displayDate } from '../src/shared/display';

/*
 * Every page of every role, on a phone held upright (360 px) and on a desktop (1280 px): nothing
 * sticks out sideways, no table cell is hidden, the header stays compact, chart text is at least
 * 11 px, axe-core finds nothing serious or critical on the phone, and a full-page screenshot of
 * each is kept under test-output/browser/screenshots/.
 * Dates are those of the display time zone, whatever the browser's own zone.
 */
type Role = 'admin' | 'inspector' | 'owner';
const LONG_ORG = 'Trung tâm Công nghệ thông tin và Chuyển đổi số — Sở Thông tin và Truyền thông tỉnh Bà Rịa – Vũng Tàu';
const LONG_URL = 'https://evidence.example.org/bao-cao/2026/ban-va-loi-may-chu-web-cong-dich-vu-cong-truc-tuyen-so-thong-tin-va-truyen-thong.pdf?phienban=3&tai=1';

describe('web console on a phone and a desktop: every page of every role fits, reads, and is photographed', function () {
  this.timeout(600_000);
  let a: Actors;
  const ids: Record<string, string> = {};
  let extensionDue = '';
  before(async () => {
    await startServer();
    a = await makeActors();
    // a certified system (certificate list, dashboard), a submitted assessment awaiting approval, findings with long evidence links
    const certified = await makeSystem(a.org, { level: 1, name: 'Cổng dịch vụ công trực tuyến của Sở Thông tin và Truyền thông' });
    const done = await answer(a.inspector, await startAssessment(a.inspector, certified.id), allMet);
    await api().post(`/api/v1/assessments/${done.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
    await api().post(`/api/v1/assessments/${done.id}/approve`).set(bearer(a.admin)).send({}).expect(200);
    await api().post(`/api/v1/systems/${certified.id}/certificates`).set(bearer(a.admin)).send({}).expect(201);
    const pending = await answer(a.inspector, await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id), allMet);
    await api().post(`/api/v1/assessments/${pending.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
    const longOrg = await makeOrg({ name: LONG_ORG });
    await makeSystem(longOrg, { level: 2, name: 'Hệ thống một cửa điện tử và dịch vụ công trực tuyến liên thông cấp tỉnh' });
    const { finding, system } = await raise(a, { title: 'Máy chủ web lộ phiên bản phần mềm và thông tin cấu hình chi tiết', assignee: a.users.owner.id });
    expect((await move(a.owner, finding.id, { to: 'in_remediation', comment: 'Đang vá' })).status).to.equal(200);
    expect((await move(a.owner, finding.id, { to: 'resolved', comment: 'Đã cập nhật bản vá', evidence: [{ url: LONG_URL }] })).status).to.equal(200);
    const { finding: open } = await raise(a, { title: 'Thiếu chính sách mật khẩu', assignee: a.users.owner.id });
    // an extension asked until 20:00 UTC: already the next day in Vietnam, still the same day in New York
    const due = new Date(Date.now() + 200 * 86_400_000);
    due.setUTCHours(20, 0, 0, 0);
    extensionDue = due.toISOString();
    expect((await api().post(`/api/v1/findings/${open.id}/extension`).set(bearer(a.owner)).send({ dueAt: extensionDue, reason: 'Nhà cung cấp chậm bản vá' })).status).to.equal(200);
    Object.assign(ids, { system: system.id, certified: certified.id, assessment: done.id, finding: finding.id, open: open.id });
  });
  after(async () => { await closeBrowsers(); await stopServer(); });

  const PAGES: Record<Role, { name: string; path: () => string }[]> = {
    admin: [
      { name: 'dashboard', path: () => '/dashboard' }, { name: 'systems', path: () => '/systems' }, { name: 'system', path: () => `/systems/${ids.certified}` },
      { name: 'assessment', path: () => `/assessments/${ids.assessment}` }, { name: 'findings', path: () => '/findings' }, { name: 'finding', path: () => `/findings/${ids.finding}` },
      { name: 'approvals', path: () => '/approvals' }, { name: 'certificates', path: () => '/certificates' }, { name: 'scan-imports', path: () => '/scan-imports' },
      { name: 'inventory', path: () => '/inventory' }, { name: 'users', path: () => '/users' }, { name: 'audit', path: () => '/audit' },
    ],
    inspector: [
      { name: 'dashboard', path: () => '/dashboard' }, { name: 'systems', path: () => '/systems' }, { name: 'system', path: () => `/systems/${ids.system}` },
      { name: 'assessment', path: () => `/assessments/${ids.assessment}` }, { name: 'findings', path: () => '/findings' }, { name: 'finding', path: () => `/findings/${ids.open}` },
      { name: 'scan-imports', path: () => '/scan-imports' },
    ],
    owner: [
      { name: 'systems', path: () => '/systems' }, { name: 'system', path: () => `/systems/${ids.certified}` }, { name: 'findings', path: () => '/findings' },
      { name: 'finding', path: () => `/findings/${ids.finding}` }, { name: 'certificates', path: () => '/certificates' },
    ],
  };

  /** Everything wrong with the page as it is now, in words. */
  async function problems(page: Page, label: string, phone: boolean): Promise<string[]> {
    const m = await measure(page);
    const out: string[] = [];
    if (m.scrollWidth > m.viewport) out.push(`${label}: the page scrolls sideways (${m.scrollWidth} px wide in a ${m.viewport} px window)`);
    out.push(...m.wide.slice(0, 5).map((w) => `${label}: sticks out of the window: ${w}`));
    out.push(...m.hiddenCells.slice(0, 5).map((c) => `${label}: table cell not shown: ${c}`));
    out.push(...m.chartText.filter((c) => c.px < 11).map((c) => `${label}: chart text "${c.text}" is ${c.px.toFixed(1)} px`));
    // brand and menu button on one line (the issue saw four lines at 390 px)
    if (phone && !label.endsWith('menu-open') && m.headerHeight > 80) out.push(`${label}: the header is ${Math.round(m.headerHeight)} px high`);
    return out;
  }

  async function walk(role: Role | 'anonymous', width: number, lang: 'vi' | 'en'): Promise<string[]> {
    const phone = width < 700;
    const page = await newPage(lang, { width, height: phone ? 780 : 900 });
    const errors: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url})`); });
    page.on('pageerror', (err) => errors.push(err.message));
    const found: string[] = [];
    const shoot = async (name: string) => {
      const label = `${lang}-${width}-${role}-${name}`;
      found.push(...await problems(page, label, phone));
      // the cards of the phone layout keep the pages accessible (the desktop is checked by console-a11y)
      if (phone) for (const v of await axe(page)) found.push(`${label}: ${v.impact} ${v.id} (${v.help}) on ${v.nodes} element(s)`);
      await screenshot(page, `screenshots/${label}`);
    };
    if (role === 'anonymous') {
      await page.goto(`${baseUrl}/`);
      await page.locator('h1').waitFor();
      await shoot('login');
    } else {
      await login(page, a.users[role].email, PASSWORD);
      for (const p of PAGES[role]) {
        await page.goto(`${baseUrl}/#${p.path()}`);
        await settled(page);
        await shoot(p.name);
      }
      if (phone) {
        // the folded navigation opens, fits, and reaches the pages
        const toggle = page.getByRole('button', { name: lang === 'vi' ? 'Trình đơn' : 'Menu' });
        await toggle.click();
        expect(await toggle.getAttribute('aria-expanded')).to.equal('true');
        await page.locator('header.top nav a').first().waitFor({ state: 'visible' });
        await shoot('menu-open');
        await page.locator('header.top nav a').last().click();
        await settled(page);
        expect(await toggle.getAttribute('aria-expanded'), 'the menu closes after choosing a page').to.equal('false');
      }
    }
    found.push(...errors.map((e) => `${lang}-${width}-${role}: browser console error: ${e}`));
    return found;
  }

  for (const [width, lang] of [[360, 'vi'], [360, 'en'], [1280, 'vi'], [1280, 'en']] as const) {
    for (const role of ['anonymous', 'admin', 'inspector', 'owner'] as const) {
      it(`when the ${role === 'anonymous' ? 'login page is' : `${role}'s pages are`} opened ${width} px wide in ${lang === 'vi' ? 'Vietnamese' : 'English'}, then nothing overflows, no cell is hidden, charts read at 11 px or more`, async () => {
        const found = await walk(role, width, lang);
        expect(found, found.join('\n')).to.deep.equal([]);
      });
    }
  }

  it('when the phone layout is opened, then a table is a list of cards whose cells name their column, and chart labels keep whole organization names', async () => {
    const page = await newPage('en', { width: 360, height: 780 });
    await login(page, a.users.admin.email, PASSWORD);
    await page.goto(`${baseUrl}/#/findings`);
    await settled(page);
    const due = page.locator('main table tbody tr').first().locator('td').nth(4);
    expect(await due.getAttribute('data-label')).to.equal('Due');
    expect(await due.isVisible()).to.equal(true);
    await page.goto(`${baseUrl}/#/dashboard`);
    await settled(page);
    // the chart lists the 15 organizations with most systems (in a full run, other tests' ones may
    // outrank LONG_ORG): each of them prints its whole name, none clipped
    const top = ((await api().get('/api/v1/dashboard').set(bearer(a.admin))).body.byOrganization as { name: string }[]).slice(0, 15).map((o) => o.name);
    expect(top.length).to.be.greaterThan(0);
    for (const name of top) {
      const label = page.locator('.chart-label', { hasText: name }).first();
      await label.waitFor();
      expect(await label.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1), name).to.equal(true);
    }
  });

  for (const lang of ['vi', 'en'] as const) {
    it(`when the browser runs in New York time (${lang}), then the console shows the day of the display time zone (Asia/Ho_Chi_Minh)`, async () => {
      const page = await newPage(lang, { width: 1280, height: 900 }, 'America/New_York');
      await login(page, a.users.owner.email, PASSWORD);
      await page.goto(`${baseUrl}/#/findings/${ids.open}`);
      await settled(page);
      const vn = displayDate(new Date(extensionDue), lang, 'Asia/Ho_Chi_Minh');
      const ny = displayDate(new Date(extensionDue), lang, 'America/New_York');
      expect(vn).to.not.equal(ny);
      const text = await page.locator('main').innerText();
      expect(text).to.contain(vn);
      expect(text).to.not.contain(ny);
      expect(text).to.match(lang === 'vi' ? /\d{2}\/\d{2}\/\d{4}/ : /\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}/);
    });
  }
});
