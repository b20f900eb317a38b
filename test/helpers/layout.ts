import type { Page } from 'playwright-core';

/*
 * What a page looks like to a person, measured in the browser: horizontal overflow, elements that
 * stick out of the viewport, table cells that are not shown, chart text too small to read. The
 * functions run in the page (a function, not a string: the console's content security policy
 * forbids eval); the test files have no DOM types, hence the `any`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Layout {
  viewport: number;
  scrollWidth: number;
  headerHeight: number;
  /** visible elements whose box ends right of the viewport: "tag.class "text"" */
  wide: string[];
  /** table cells not displayed, or displayed outside the viewport */
  hiddenCells: string[];
  /** chart texts and their size in CSS pixels as drawn */
  chartText: { text: string; px: number }[];
}

export function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const w = globalThis as any;
    const doc = w.document;
    const vw: number = w.innerWidth;
    const name = (e: any) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} "${(e.textContent ?? '').trim().slice(0, 40)}"`;
    const shown = (e: any) => {
      const s = w.getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 1 && r.height > 1;
    };
    const wide: string[] = [];
    for (const e of Array.from(doc.body.querySelectorAll('*')) as any[]) {
      if (!shown(e)) continue;
      const r = e.getBoundingClientRect();
      if (r.right > vw + 0.5) wide.push(`${name(e)} (right edge ${Math.round(r.right)} px)`);
    }
    const hiddenCells: string[] = [];
    for (const td of Array.from(doc.querySelectorAll('main td')) as any[]) {
      if ((td.textContent ?? '').trim() === '') continue;
      const r = td.getBoundingClientRect();
      if (!shown(td) || r.right > vw + 0.5 || r.left < -0.5) hiddenCells.push(name(td));
    }
    const chartText: { text: string; px: number }[] = [];
    for (const e of Array.from(doc.querySelectorAll('figure.chart *, svg text')) as any[]) {
      const own = Array.from(e.childNodes as any[]).filter((n: any) => n.nodeType === 3).map((n: any) => n.textContent).join('').trim();
      if (!own || !shown(e)) continue;
      // an SVG's text is drawn at its font size times the scale of its viewBox
      const scale = typeof e.getScreenCTM === 'function' && e.getScreenCTM() ? Math.abs(e.getScreenCTM().a) : 1;
      chartText.push({ text: own.slice(0, 40), px: parseFloat(w.getComputedStyle(e).fontSize) * scale });
    }
    const header = doc.querySelector('header.top');
    return { viewport: vw, scrollWidth: doc.documentElement.scrollWidth, headerHeight: header ? header.getBoundingClientRect().height : 0, wide, hiddenCells, chartText };
  });
}

/** Waits until the page's data has loaded (no "Loading…" left) and the network is quiet. */
export async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !Array.from((globalThis as any).document.querySelectorAll('[role=status]') as ArrayLike<any>)
    .some((e: any) => /^(Loading|Đang tải)…$/.test(e.textContent ?? '')));
}
