import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { harness } from './harness';

/*
 * Browser tests: Debian's Chromium driven by playwright-core, headless, a fresh profile per
 * context, no network beyond the test server on loopback. `.ci/run` installs the package.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUTPUT = path.resolve('test-output', 'browser');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--host-resolver-rules=MAP localhost 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

let server: Server | undefined;
export let baseUrl = '';

/** Serves the test app (the one harness database) on a loopback port for the browser. */
export async function startServer(): Promise<string> {
  if (!fs.existsSync(path.resolve('dist', 'console', 'index.html'))) throw new Error('the console is not built: run `npm run build:console` (npm test does it first)');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  server = harness().app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fs.mkdirSync(OUTPUT, { recursive: true });
  return baseUrl;
}

export async function stopServer(): Promise<void> {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
}

const contexts: { ctx: BrowserContext; dir: string }[] = [];

/** A fresh browser profile (its own cookies and storage), in the given language (and, if given, the browser's own time zone). */
export async function newPage(lang: 'vi' | 'en' = 'en', viewport = { width: 1280, height: 900 }, timezoneId?: string): Promise<Page> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport, acceptDownloads: true, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', ...(timezoneId ? { timezoneId } : {}) });
  contexts.push({ ctx, dir });
  // the language the user picked before (the console remembers it in localStorage)
  await ctx.addInitScript(`try { if (!localStorage.getItem('attest.lang')) localStorage.setItem('attest.lang', ${JSON.stringify(lang)}); } catch (e) { /* about:blank */ }`);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(15_000);
  return page;
}

export async function closeBrowsers(): Promise<void> {
  for (const { ctx, dir } of contexts.splice(0)) {
    await ctx.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Logs in through the login form. */
export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel(/e-mail|thư điện tử/i).fill(email);
  await page.getByLabel(/^(password|mật khẩu)$/i).fill(password);
  await page.getByRole('button', { name: /^(log in|đăng nhập)$/i }).click();
  await page.locator('header.top .brand').waitFor(); // the navigation itself is folded behind a button on a phone
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axe(page: Page): Promise<{ id: string; impact: string; help: string; nodes: number }[]> {
  // evaluated, not added as a <script>: the console's content security policy allows no inline script
  await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate('axe.run(document, { resultTypes: ["violations"] })') as { violations: { id: string; impact: string; help: string; nodes: unknown[] }[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(OUTPUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
