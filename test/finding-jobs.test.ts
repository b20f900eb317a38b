import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeUser, tokenFor, uniq, type Actors } from './helpers/factories';
import { move, raise } from './helpers/findings';
import { startSmtp } from './helpers/smtp';
import { harness } from './helpers/harness';
import { Finding } from '../src/modules/findings/finding.model';
import { Notification } from '../src/modules/notifications/notification.model';
import * as jobs from '../src/modules/findings/finding.jobs';
import { configureMailer, deliverPending } from '../src/modules/notifications/notification.service';
import { createScheduler } from '../src/jobs/scheduler';
import { registerJobs } from '../src/jobs';

const DAY = 86_400_000;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function riskAccepted(a: Actors, days = 30) {
  const { finding } = await raise(a, { severity: 'medium' });
  await api().post(`/api/v1/findings/${finding.id}/risk-acceptance`).set(bearer(a.inspector))
    .send({ justification: 'Legacy system, replaced next year', compensatingControls: 'Segmented network', expiresAt: new Date(Date.now() + days * DAY).toISOString() });
  const res = await move(a.admin, finding.id, { to: 'risk_accepted', comment: 'Accepted' });
  expect(res.status).to.equal(200);
  return finding;
}

describe('finding jobs: expiry, reminders, escalation, e-mail, one run per tick', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });
  afterEach(() => {
    const c = harness().config;
    configureMailer({ smtpUrl: c.smtpUrl, from: c.smtpFrom, maxAttempts: c.notifyMaxAttempts });
  });

  it('when a risk acceptance expires, then the finding reopens with its SLA restarted and the owner is told', async () => {
    const f = await riskAccepted(a, 10);
    const r = await jobs.expireRiskAcceptances(new Date(Date.now() + 11 * DAY));
    expect(r.reopened).to.be.at.least(1);
    const after = (await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.owner))).body;
    expect(after.status).to.equal('reopened');
    const sla = (await api().get('/api/v1/settings').set(bearer(a.admin))).body.slaDays.medium;
    expect(new Date(after.dueAt).getTime()).to.be.closeTo(Date.now() + sla * DAY, 60_000);
    expect(after.history.at(-1)).to.include({ from: 'risk_accepted', to: 'reopened', by: 'system' });
    expect(await Notification.countDocuments({ kind: 'reopened', 'refs.finding': f.id })).to.equal(1);
  });

  it('when reminders run twice, then each due-soon, overdue and escalation message is queued once and delivered by SMTP', async () => {
    const orgAdmin = await makeUser('admin', a.org);
    const title = `Máy chủ web lộ phiên bản ${uniq()}`;
    const { finding } = await raise(a, { severity: 'critical', assignee: a.users.owner.id, title }, 4);
    const later = new Date(Date.now() + 3 * DAY);
    await jobs.remind(later);
    await jobs.remind(later);
    expect(await Notification.countDocuments({ kind: 'due_soon', 'refs.finding': finding.id })).to.equal(1);
    const overdueAt = new Date(Date.now() + 8 * DAY);
    await jobs.remind(overdueAt);
    await jobs.remind(overdueAt);
    expect(await Notification.countDocuments({ kind: 'overdue', 'refs.finding': finding.id })).to.equal(1);
    const escalation = await Notification.findOne({ kind: 'escalation', 'refs.finding': finding.id }).lean();
    expect(escalation?.to).to.deep.equal([orgAdmin.email]);

    const smtp = await startSmtp();
    try {
      configureMailer({ smtpUrl: smtp.url, from: 'Attest <no-reply@attest.example>', maxAttempts: 3 });
      for (let i = 0; i < 40 && (await Notification.countDocuments({ 'refs.finding': finding.id, status: 'queued' })) > 0; i++) await deliverPending({ limit: 200 });
      const mine = smtp.received.filter((m) => m.text.includes(title));
      expect(mine.map((m) => m.to[0]).sort()).to.deep.equal([a.users.owner.email, a.users.owner.email, a.users.owner.email, orgAdmin.email].sort());
      expect(mine.some((m) => /overdue finding on a level-4 system/.test(m.subject))).to.equal(true);
    } finally {
      await smtp.close();
    }
  });

  it('when a reminder is written, then it is in Vietnamese first, then English, with the deadline day of the display time zone, not UTC', async () => {
    const title = `Cổng quản trị mở ra Internet ${uniq()}`;
    const { finding } = await raise(a, { severity: 'high', assignee: a.users.owner.id, title });
    await jobs.remind(new Date(new Date(finding.dueAt).getTime() - 2 * DAY));
    const m = await Notification.findOne({ kind: 'due_soon', 'refs.finding': finding.id }).lean();
    // Asia/Ho_Chi_Minh is UTC+7 all year
    const local = new Date(new Date(finding.dueAt).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
    const [y, mo, d] = local.split('-');
    const english = `${Number(d)} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(mo) - 1]} ${y}`;
    expect(m?.subject).to.match(new RegExp(`: phát hiện đến hạn ngày ${d}/${mo}/${y} / finding due on ${english}$`));
    const [vi, en] = m!.text.split('\n\n');
    expect(vi).to.equal(`Phát hiện "${title}" (mức cao) đến hạn khắc phục ngày ${d}/${mo}/${y}.`);
    expect(en).to.equal(`The finding "${title}" (high) is due on ${english}.`);
  });

  it('when two app instances share the database, then each job tick runs on exactly one of them', async () => {
    const f = await riskAccepted(a, 30);
    // the acceptance has run out
    await Finding.updateOne({ _id: f.id }, { $set: { 'riskAcceptance.expiresAt': new Date(Date.now() - 1000) } });
    const one = createScheduler({ enabled: false, logger: quiet, instanceId: 'instance-1' });
    const two = createScheduler({ enabled: false, logger: quiet, instanceId: 'instance-2' });
    registerJobs(one);
    registerJobs(two);
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    for (const name of ['risk-acceptance-expiry', 'finding-reminders']) {
      const outcomes = await Promise.all([one.runTick(name, tick), two.runTick(name, tick), one.runTick(name, tick), two.runTick(name, tick)]);
      expect(outcomes.filter((o) => o === 'ran'), name).to.have.length(1);
    }
    const run = await mongoose.connection.db!.collection('job_runs').findOne({ _id: `risk-acceptance-expiry@${tick.toISOString()}` as never });
    expect(run).to.include({ status: 'succeeded' });
    expect(run!.progress.done).to.equal(run!.progress.total);
    expect(run!.result.reopened).to.be.at.least(1);
    const after = (await api().get(`/api/v1/findings/${f.id}`).set(bearer(await tokenFor(a.users.admin)))).body;
    expect(after.status).to.equal('reopened');
    expect(after.history.filter((h: { to?: string }) => h.to === 'reopened')).to.have.length(1);
  });
});
