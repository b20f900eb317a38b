import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, PASSWORD, type Actors } from './helpers/factories';
import { listener } from './helpers/scans';
import { closeBrowsers, login, newPage, startServer, stopServer } from './helpers/browser';

/*
 * The inspector's journey in a real browser: find a system in the portfolio, start its
 * assessment, answer every control (a note is demanded where the API demands it; a result saved
 * by someone else meanwhile is a conflict in words), submit, then start a scan and watch it end.
 */
describe('web console: the inspector assesses a system and scans it', function () {
  this.timeout(180_000);
  let a: Actors;
  let system: Awaited<ReturnType<typeof makeSystem>>;
  before(async () => {
    await startServer();
    a = await makeActors();
    const open = await listener();
    system = await makeSystem(a.org, { level: 1, name: 'Cổng thông tin điện tử thử nghiệm', endpoints: [`127.0.0.1:${open.port}`], scanPorts: [open.port], allowedPorts: [open.port] });
  });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the inspector works through the console, then the assessment is submitted with every control answered and the scan finishes', async () => {
    const page = await newPage('en');
    await login(page, a.users.inspector.email, PASSWORD);
    await page.getByRole('link', { name: 'Systems', exact: true }).click();
    await page.getByLabel('Search by code or name').fill(system.code);
    await page.getByRole('link', { name: system.code }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(system.code) }).waitFor();
    await page.getByRole('button', { name: 'Start an assessment' }).click();
    await page.getByRole('heading', { level: 1, name: `Assessment of ${system.code}` }).waitFor();

    const cards = page.locator('article.control');
    // a result other than met needs a note: the API's reason appears beside the note field
    const first = cards.first();
    await first.getByRole('radio', { name: 'Not met', exact: true }).check();
    await first.locator('.field-error').waitFor();
    expect(await first.locator('.field-error').innerText()).to.match(/required/i);
    // someone else saves this control meanwhile: the next save is a conflict, explained
    const assessmentId = page.url().split('/assessments/')[1];
    const controlId = (await first.getAttribute('id'))!.replace('control-', '');
    const other = await api().put(`/api/v1/assessments/${assessmentId}/results/${controlId}`).set(bearer(a.inspector)).send({ result: 'met', version: 0 });
    expect(other.status).to.equal(200);
    await first.getByRole('radio', { name: 'Met', exact: true }).check();
    await first.getByText(/Someone else saved this result before you/).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Assessment of ${system.code}` }).waitFor();
    // evidence: a file uploaded on a control is linked to it at once
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await cards.first().getByLabel('Upload an evidence file').setInputFiles({ name: 'bien-ban-kiem-tra.pdf', mimeType: 'application/pdf', buffer: pdf });
    await cards.first().getByRole('link', { name: /bien-ban-kiem-tra\.pdf/ }).waitFor();

    for (const group of ['Management requirements', 'Technical requirements']) {
      await page.getByRole('button', { name: new RegExp(`^${group}`) }).click();
      await page.getByRole('heading', { level: 2, name: group }).waitFor();
      const n = await cards.count();
      expect(n).to.be.greaterThan(0);
      for (let i = 0; i < n; i++) {
        const card = cards.nth(i);
        const met = card.getByRole('radio', { name: 'Met', exact: true });
        if (await met.isChecked()) continue;
        await met.check();
        await card.getByText('Saved', { exact: true }).waitFor();
      }
    }
    await page.getByText('Ready to submit.').waitFor();
    const progress = await page.getByRole('status').filter({ hasText: 'controls answered' }).innerText();
    const [answered, total] = progress.match(/(\d+) of (\d+)/)!.slice(1).map(Number);
    expect(answered).to.equal(total);
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit for approval' }).click();
    await page.locator('.badge', { hasText: 'Submitted' }).waitFor();
    const stored = (await api().get(`/api/v1/assessments/${assessmentId}`).set(bearer(a.inspector))).body;
    expect(stored.status).to.equal('submitted');
    expect(stored.summary).to.include({ answered: total, met: total });

    // back to the system: start a scan and watch its progress to the end
    await page.getByRole('link', { name: `← ${system.code}` }).click();
    await page.getByRole('button', { name: 'Start a scan' }).click();
    await page.getByRole('progressbar', { name: 'Scan run' }).waitFor();
    await page.locator('.card .badge', { hasText: /Succeeded|Failed/ }).waitFor({ timeout: 60_000 });
    const runs = (await api().get(`/api/v1/scans?system=${system.id}`).set(bearer(a.inspector))).body;
    expect(runs.items[0].status).to.be.oneOf(['succeeded', 'failed']);
  });
});
