import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, PASSWORD, type Actors } from './helpers/factories';
import { startAssessment } from './helpers/assessments';
import { axe, baseUrl, closeBrowsers, login, newPage, screenshot, startServer, stopServer } from './helpers/browser';

/*
 * A level-3 assessment answered without one click per control: select all in a group and apply
 * a result, a keyboard shortcut for one control, a shared note for a selection, the autosave
 * state, then the confirmation dialog (cancel first: nothing is submitted).
 */
describe('web console: the inspector answers a whole assessment with bulk actions and confirms the submission', function () {
  this.timeout(300_000);
  let a: Actors;
  before(async () => { await startServer(); a = await makeActors(); });
  after(async () => { await closeBrowsers(); await stopServer(); });

  it('when the inspector applies results to selections and a shortcut, then every control is answered and the assessment is submitted only after confirming', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 3 })).id);
    const page = await newPage('en');
    await login(page, a.users.inspector.email, PASSWORD);
    await page.goto(`${baseUrl}/#/assessments/${asm.id}`);
    await page.getByRole('heading', { level: 1, name: /^Assessment of/ }).waitFor();
    const cards = page.locator('article.control');
    const bulk = page.locator('section.bulk');

    // management: everything but the first control in one action, then the first with the "1" key
    await page.getByRole('heading', { level: 2, name: 'Management requirements' }).waitFor();
    const management = await cards.count();
    await bulk.getByRole('button', { name: 'Select all in this group' }).click();
    await cards.first().getByRole('checkbox').click();
    await bulk.getByText(`${management - 1} controls selected`).waitFor();
    await bulk.getByRole('button', { name: 'Mark as: Met' }).click();
    await bulk.getByText(`“Met” applied to ${management - 1} controls.`).waitFor();
    await page.getByText(/^Saved at \d\d:\d\d$/).waitFor();
    await bulk.getByRole('button', { name: 'Clear selection' }).click();
    await cards.first().focus();
    await page.keyboard.press('1');
    await bulk.getByText('“Met” applied to 1 controls.').waitFor();
    expect(await cards.first().getByRole('radio', { name: 'Met', exact: true }).isChecked()).to.equal(true);

    // technical: all met, then two controls (x, j, x) not met with one shared note
    await page.getByRole('button', { name: /^Technical requirements/ }).click();
    await page.getByRole('heading', { level: 2, name: 'Technical requirements' }).waitFor();
    await bulk.getByRole('button', { name: 'Select all in this group' }).click();
    await bulk.getByRole('button', { name: 'Mark as: Met' }).click();
    await bulk.getByText(/^“Met” applied to \d+ controls\.$/).waitFor();
    await bulk.getByRole('button', { name: 'Clear selection' }).click();
    await cards.first().focus();
    for (const key of ['x', 'j', 'x']) await page.keyboard.press(key);
    await bulk.getByText('2 controls selected').waitFor();
    // a result that needs a note, without one: refused, naming the controls
    await bulk.getByRole('button', { name: 'Mark as: Not met' }).click();
    await bulk.getByText(/^A note is needed for: TEC\.\w+\.\d+, TEC\.\w+\.\d+\./).waitFor();
    await bulk.getByLabel(/Shared note/).fill('Chưa có tường lửa ứng dụng web');
    await bulk.getByRole('button', { name: 'Mark as: Not met' }).click();
    await bulk.getByText('“Not met” applied to 2 controls.').waitFor();
    // the card shows the shared note once it has rendered the saved result (it may lag the message on a busy machine)
    const note = cards.nth(1).getByLabel(/^Note/);
    for (let i = 0; i < 100 && (await note.inputValue()) !== 'Chưa có tường lửa ứng dụng web'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await note.inputValue()).to.equal('Chưa có tường lửa ứng dụng web');
    await page.getByText('Ready to submit.').waitFor();
    const stillOpen = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    expect(stillOpen.summary).to.include({ answered: asm.controls.length, not_met: 2 });

    // the confirmation: counts named; cancel submits nothing
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    const dialog = page.getByRole('dialog', { name: 'Submit the assessment for approval?' });
    await dialog.getByText(`Met ${asm.controls.length - 2} · Partially met 0 · Not met 2 · Not applicable 0 · Unanswered 0`).waitFor();
    const problems = await axe(page);
    expect(problems, JSON.stringify(problems)).to.deep.equal([]);
    await screenshot(page, 'en-assessment-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body.status).to.equal('in_progress');
    expect(await axe(page)).to.deep.equal([]);

    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await dialog.getByRole('button', { name: 'Submit for approval' }).click();
    await page.locator('.badge', { hasText: 'Submitted' }).waitFor();
    const stored = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    expect(stored.status).to.equal('submitted');
    expect(stored.summary).to.include({ met: asm.controls.length - 2, not_met: 2 });
  });

  it('when the page is in Vietnamese, then the bulk bar, the shortcut legend, the save state and the dialog speak Vietnamese and axe finds nothing serious', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const page = await newPage('vi');
    await login(page, a.users.inspector.email, PASSWORD);
    await page.goto(`${baseUrl}/#/assessments/${asm.id}`);
    const bulk = page.locator('section.bulk');
    await bulk.getByRole('heading', { name: 'Áp dụng cho nhiều tiêu chí' }).waitFor();
    await bulk.getByText('Phím tắt', { exact: true }).click();
    await bulk.getByText(/^j \/ k: tiêu chí sau \/ trước/).waitFor();
    await page.locator('article.control').first().focus();
    await page.keyboard.press('1');
    await bulk.getByText('Đã áp dụng «Đạt» cho 1 tiêu chí.').waitFor();
    await page.getByText(/^Đã lưu lúc \d\d:\d\d$/).waitFor();
    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Gửi đợt đánh giá đi phê duyệt?' });
    await dialog.getByText(/Chưa trả lời \d+$/).waitFor();
    await dialog.getByText(/^Chưa gửi được/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Gửi duyệt' }).isDisabled()).to.equal(true);
    const problems = await axe(page);
    expect(problems, JSON.stringify(problems)).to.deep.equal([]);
    await screenshot(page, 'vi-assessment-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body.status).to.equal('in_progress');
  });
});
