import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/*
 * What a page looks like to a person, measured in the browser: horizontal overflow, elements that
 * stick out of the viewport, table cells that are not shown, chart text too small to read. The
 * measurement runs in the page (layout-measure.js); the test files have no DOM types, hence the `any`.
 */
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
  return page.evaluate(MEASURE) as Promise<Layout>;
}

// read as text and evaluated as is: the test runner's compiler would add helpers (__name) the page lacks
const MEASURE = fs.readFileSync(path.join(__dirname, 'layout-measure.js'), 'utf8');

/** Waits until the page's data has loaded (no "Loading…" left) and the network is quiet. */
export async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !Array.from((globalThis as any).document.querySelectorAll('[role=status]') as ArrayLike<any>)
    .some((e: any) => /^(Loading|Đang tải)…$/.test(e.textContent ?? '')));
}
