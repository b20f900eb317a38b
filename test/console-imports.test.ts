import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, PASSWORD, type Actors } from './helpers/factories';
import { listener } from './helpers/scans';
import { axe, closeBrowsers, login, newPage, screenshot, startServer, stopServer } from './helpers/browser';

/*
 * The inspector's import journey in Chromium: an nmap report made here is previewed (what would
 * open, per system, and the host in no system), then applied; the finding it opened is in the
 * system's list in Vietnamese.
 */
describe('web console: an inspector imports a scanner report', function () {
  this.timeout(120_000);
  let a: Actors;
  before(async () => { await startServer(); a = await makeActors(); });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the inspector previews and applies an nmap report, then the console shows the plan and the result, and the finding reads in Vietnamese', async () => {
    const served = await listener('127.0.56.1');
    const extra = await listener('127.0.56.1');
    const gap = await listener('127.0.56.2');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-console-import-'));
    try {
      const system = await makeSystem(a.org, { level: 3, endpoints: [`127.0.56.1:${served.port}`], scanPorts: [], allowedPorts: [] });
      const file = path.join(dir, 'nmap-report.xml');
      fs.writeFileSync(file, execFileSync('nmap', ['-sT', '-Pn', '-n', '-p', `${served.port},${extra.port},${gap.port}`, '-oX', '-', '127.0.56.1', '127.0.56.2'], { timeout: 60_000 }));
      const page = await newPage('en');
      await login(page, a.users.inspector.email, PASSWORD);
      await page.getByRole('link', { name: 'Scanner reports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Import a scanner report' }).waitFor();
      await page.getByLabel('Report file').setInputFiles(file);
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('heading', { level: 2, name: 'Preview: Nmap report' }).waitFor();
      await page.getByText('Would open 1, refresh 0, reopen 0, verify 0').waitFor();
      await page.getByRole('row').filter({ hasText: system.name }).waitFor();
      await page.getByRole('row').filter({ hasText: `Port ${extra.port} is open` }).waitFor();
      await page.getByText('Hosts in no registered system (1)').waitFor();
      await page.getByRole('listitem').filter({ hasText: '127.0.56.2' }).waitFor();
      expect((await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector))).body.total).to.equal(0);
      expect((await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).to.deep.equal([]);
      await screenshot(page, 'scan-import-preview-en');

      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('status').filter({ hasText: 'Applied: 1 opened, 0 refreshed, 0 reopened, 0 verified.' }).waitFor();
      const [f] = (await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector))).body.items;
      expect(f).to.include({ status: 'open', title: `Port ${extra.port} is open but not among the allowed ports` });
      const vi = await newPage('vi');
      await login(vi, a.users.inspector.email, PASSWORD);
      await vi.goto(`${new URL(vi.url()).origin}/#/systems/${system.id}`);
      await vi.getByRole('link', { name: `Cổng ${extra.port} đang mở nhưng không nằm trong các cổng được phép` }).waitFor();
    } finally {
      await Promise.all([served.close(), extra.close(), gap.close()]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
