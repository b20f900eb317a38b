import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { makeActors, makeUser, tokenFor } from './helpers/factories';
import { alterOneByte, certified, type Issued } from './helpers/certificates';
import { pdfText } from './helpers/pdf';
import { axe, baseUrl, closeBrowsers, newPage, screenshot, startServer, stopServer } from './helpers/browser';

/*
 * The public verification page as a citizen holding the paper uses it, in Chromium, in both
 * languages and at phone width: the facts with the dates the PDF prints, and the file check on the
 * genuine PDF, the same PDF with one byte changed and another certificate's PDF (picked and dropped).
 */
const GENUINE = { vi: /^Tệp này là bản gốc của giấy chứng nhận ATT-\d{4}-\d{6} cấp ngày \d{2}\/\d{2}\/\d{4}\.$/, en: /^This file is the genuine certificate ATT-\d{4}-\d{6} issued on \d{1,2} [A-Z][a-z]{2} \d{4}\.$/ };
const NOT_IT = {
  vi: 'Tệp này không phải là giấy chứng nhận do cơ quan đăng ký này cấp, hoặc đã bị sửa đổi.',
  en: 'This file is not a certificate issued by this register, or it was altered.',
};

// evaluated in the page: a function's own text only, no closure over this module
type Doc = { querySelector(s: string): { textContent: string | null; lang?: string } | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>; documentElement: { scrollWidth: number; clientWidth: number } };

describe('public verification page in Chromium: both languages, the file check, phone width, no accessibility problems', function () {
  this.timeout(300_000);
  let one: Issued;
  let other: Issued;
  before(async () => {
    await startServer();
    const a = await makeActors();
    const admin2 = await tokenFor(await makeUser('admin'));
    one = await certified(a, admin2, 'Hệ thống Dịch vụ công trực tuyến — Sở Kế hoạch và Đầu tư tỉnh Thừa Thiên Huế');
    other = await certified(a, admin2, 'Cổng thông tin điện tử tỉnh Thừa Thiên Huế');
  });
  after(async () => { await closeBrowsers(); await stopServer(); });

  /** The answer's two sentences once the check has finished, Vietnamese first. */
  async function answerOf(page: Page): Promise<{ vi: string; en: string }> {
    await page.waitForFunction(() => { const p = (globalThis as unknown as { document: Doc }).document.querySelectorAll('#answer p'); return p.length === 2 && !/^Đang kiểm tra/.test(p[0].textContent ?? ''); });
    const [vi, en] = await page.locator('#answer p').allInnerTexts();
    expect(await page.locator('#answer p').nth(1).getAttribute('lang')).to.equal('en');
    return { vi: vi.trim(), en: en.trim() };
  }

  const pick = (page: Page, buffer: Buffer) => page.locator('#file').setInputFiles({ name: 'giay-chung-nhan.pdf', mimeType: 'application/pdf', buffer });

  async function drop(page: Page, buffer: Buffer) {
    // a function, not a string: the page's content security policy forbids eval
    const transfer = await page.evaluateHandle((b64: string) => {
      const g = globalThis as unknown as { atob(s: string): string; DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, o: object) => unknown };
      const bytes = Uint8Array.from(g.atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([bytes], 'dropped.pdf', { type: 'application/pdf' }));
      return dt;
    }, buffer.toString('base64'));
    await page.dispatchEvent('#drop', 'dragover', { dataTransfer: transfer });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
  }

  for (const lang of ['vi', 'en'] as const) {
    it(`when a ${lang === 'vi' ? 'Vietnamese' : 'English'} browser opens the page, then it shows the certificate with the PDF's dates, and the genuine, altered and foreign files get the right sentence`, async () => {
      const page = await newPage(lang);
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl}/verify/${one.cert.code}`);
      expect(await page.locator('html').getAttribute('lang')).to.equal('vi');
      const text = await page.locator('main').innerText();
      for (const s of [one.cert.number, one.system.name, 'CÒN HIỆU LỰC', 'VALID', 'Cấp độ 2', 'Level 2']) expect(text).to.include(s);
      // the dates the page shows are the ones printed on the paper
      const shown = await page.locator('time').allInnerTexts();
      expect(shown).to.have.length(2);
      const printed = pdfText(one.pdf);
      for (const d of shown) expect(printed).to.include(d.trim());
      const problems = await axe(page);
      expect(problems, JSON.stringify(problems)).to.deep.equal([]);
      await screenshot(page, `${lang}-verify`);

      await pick(page, one.pdf);
      const genuine = await answerOf(page);
      expect(genuine.vi).to.match(GENUINE.vi).and.include(one.cert.number).and.include(shown[0].trim());
      expect(genuine.en).to.match(GENUINE.en).and.include(one.cert.number);
      expect(await page.locator('#answer').getAttribute('class')).to.include('good');
      await screenshot(page, `${lang}-verify-genuine`);

      await pick(page, alterOneByte(one.pdf));
      await page.locator('#answer p', { hasText: NOT_IT.vi }).waitFor();
      expect(await answerOf(page)).to.deep.equal(NOT_IT);
      expect(await page.locator('#answer').getAttribute('class')).to.include('bad');
      await screenshot(page, `${lang}-verify-altered`);

      await drop(page, one.pdf);
      await page.locator('#answer p', { hasText: GENUINE.vi }).waitFor();
      await drop(page, other.pdf);
      await page.locator('#answer p', { hasText: NOT_IT.vi }).waitFor();
      expect(await answerOf(page)).to.deep.equal(NOT_IT);
      const after = await axe(page);
      expect(after, JSON.stringify(after)).to.deep.equal([]);
      expect(errors, errors.join('\n')).to.deep.equal([]);
    });
  }

  it('when the page is opened 360 px wide, then nothing overflows sideways and the file picker is reachable', async () => {
    const page = await newPage('vi', { width: 360, height: 780 });
    await page.goto(`${baseUrl}/verify/${one.cert.code}`);
    await page.locator('#drop').waitFor();
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: (globalThis as unknown as { document: Doc }).document.documentElement.scrollWidth, clientWidth: (globalThis as unknown as { document: Doc }).document.documentElement.clientWidth }));
    expect(scrollWidth).to.be.at.most(clientWidth);
    await page.locator('#file').focus();
    await pick(page, one.pdf);
    expect((await answerOf(page)).vi).to.match(GENUINE.vi);
    await screenshot(page, 'vi-verify-360');
  });
});
