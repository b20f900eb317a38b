import { expect } from 'chai';
import { api, bearer, makeUser, tokenFor, uniq } from './helpers/factories';
import { ONLY, runMatrix } from './helpers/matrix';
import { startSmtp, type TestSmtp } from './helpers/smtp';
import { loadConfig } from '../src/config';
import { Notification } from '../src/modules/notifications/notification.model';
import { mailerConfig, type MailerConfig } from '../src/modules/notifications/mailer';
import { configureMailer, deliverPending, enqueue, purgeSent, type OutboxMessage } from '../src/modules/notifications/notification.service';

const FROM = 'Attest <no-reply@attest.example>';
const MINUTE = 60_000;
const useSmtp = (smtpUrl: string | undefined, maxAttempts = 5) => configureMailer({ smtpUrl, from: FROM, maxAttempts });
const stored = (id: string) => Notification.findById(id).lean();

function message(over: Partial<OutboxMessage> = {}): OutboxMessage {
  const tag = uniq();
  return {
    kind: 'overdue',
    to: ['chu.he.thong@so-tttt.example', 'lanh.dao@so-tttt.example'],
    subject: `Phát hiện quá hạn khắc phục — Hệ thống quản lý văn bản [${tag}]`,
    text: `Kính gửi anh/chị,\n\nPhát hiện "Thiếu cấu hình HSTS" của hệ thống HT-001 đã quá hạn xử lý (mức độ: cao).\nĐề nghị khẩn trương khắc phục và cập nhật bằng chứng. ${tag}`,
    dedupeKey: `test:overdue:${tag}`,
    ...over,
  };
}

/**
 * Sends whatever earlier tests left in the shared outbox to a throwaway server, so each test here
 * sees only its own messages in the delivery batch. Bounded: the outbox of a test run is small.
 */
async function flushOutbox(): Promise<void> {
  const sink = await startSmtp();
  const saved = mailerConfig();
  try {
    useSmtp(sink.url, 20);
    for (let i = 0; i < 20; i++) {
      const r = await deliverPending({ limit: 500, now: new Date(Date.now() + 365 * 24 * 60 * MINUTE) });
      if (r.sent + r.failed + r.retried === 0) break;
    }
  } finally {
    configureMailer(saved);
    await sink.close();
  }
}

describe('notifications outbox and e-mail delivery', () => {
  let smtp: TestSmtp;
  let saved: Readonly<MailerConfig>;
  beforeEach(async () => {
    await flushOutbox();
    saved = mailerConfig();
    smtp = await startSmtp();
  });
  afterEach(async () => {
    configureMailer(saved);
    await smtp.close();
  });
  after(flushOutbox);

  it('when a message is enqueued and delivered, then the SMTP server receives it with its recipients and Vietnamese text intact', async () => {
    useSmtp(smtp.url);
    const m = message();
    expect(await enqueue([m])).to.deep.equal({ queued: 1, duplicates: 0 });
    expect(await deliverPending()).to.deep.equal({ sent: 1, failed: 0, retried: 0, skipped: false });
    expect(smtp.received).to.have.length(1);
    const [mail] = smtp.received;
    expect(mail.from).to.equal('no-reply@attest.example');
    expect(mail.to).to.deep.equal(m.to);
    expect(mail.subject).to.equal(m.subject);
    expect(mail.text).to.equal(m.text);
    const doc = await stored(m.dedupeKey);
    expect(doc).to.include({ status: 'sent', attempts: 1, messageId: mail.messageId });
    expect(doc!.sentAt).to.be.instanceOf(Date);
    expect(doc!.nextAttemptAt).to.equal(undefined);
    expect(await deliverPending()).to.deep.equal({ sent: 0, failed: 0, retried: 0, skipped: false });
    expect(smtp.received).to.have.length(1);
  });

  it('when the same dedupe key is enqueued again, in a later call or in the same batch, then it is stored and sent once', async () => {
    useSmtp(smtp.url);
    const a = message({ kind: 'assignment' });
    const b = message({ kind: 'due_soon' });
    expect(await enqueue([a])).to.deep.equal({ queued: 1, duplicates: 0 });
    expect(await enqueue([{ ...a, subject: 'changed' }, b, b])).to.deep.equal({ queued: 1, duplicates: 2 });
    expect((await deliverPending()).sent).to.equal(2);
    expect(smtp.received.map((r) => r.subject).sort()).to.deep.equal([a.subject, b.subject].sort());
  });

  it('when the SMTP server is down, then each attempt is counted and retried after 1, 2 … minutes, and the message fails after the maximum', async () => {
    const down = await startSmtp();
    await down.close();
    const url = down.url.replace('smtp://', 'smtp://mailer:S3cret-Pa55word@');
    useSmtp(url, 3);
    const m = message();
    await enqueue([m]);
    const t0 = new Date(Date.now() + 1000);
    expect(await deliverPending({ now: t0 })).to.include({ sent: 0, retried: 1, failed: 0 });
    let doc = await stored(m.dedupeKey);
    expect(doc).to.include({ status: 'queued', attempts: 1 });
    expect(doc!.nextAttemptAt!.getTime()).to.equal(t0.getTime() + MINUTE);
    expect(doc!.lastError).to.match(/ESOCKET|ECONNREFUSED|ECONNECTION/);

    expect(await deliverPending({ now: new Date(t0.getTime() + 30_000) })).to.include({ retried: 0 });
    expect((await stored(m.dedupeKey))!.attempts).to.equal(1);

    const t1 = new Date(t0.getTime() + MINUTE + 1000);
    expect(await deliverPending({ now: t1 })).to.include({ retried: 1 });
    doc = await stored(m.dedupeKey);
    expect(doc).to.include({ status: 'queued', attempts: 2 });
    expect(doc!.nextAttemptAt!.getTime()).to.equal(t1.getTime() + 2 * MINUTE);

    expect(await deliverPending({ now: new Date(t1.getTime() + 2 * MINUTE) })).to.include({ failed: 1, retried: 0 });
    doc = await stored(m.dedupeKey);
    expect(doc).to.include({ status: 'failed', attempts: 3 });
    expect(doc!.nextAttemptAt).to.equal(undefined);
    expect(doc!.lastError).to.be.a('string').and.not.include('S3cret');

    const admin = await tokenFor(await makeUser('admin'));
    const res = await api().get('/api/v1/notifications').query({ status: 'failed' }).set(bearer(admin));
    expect(res.status).to.equal(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).to.include(m.dedupeKey);
    expect(JSON.stringify(res.body)).not.to.include('S3cret');
  });

  it('when the server rejects the recipients, then every message of the batch is retried with the reply as lastError, then failed', async () => {
    smtp.rejectRecipients = true;
    useSmtp(smtp.url, 2);
    const [a, b] = [message(), message()];
    await enqueue([a, b]);
    expect(await deliverPending()).to.include({ sent: 0, retried: 2 });
    for (const m of [a, b]) {
      const doc = await stored(m.dedupeKey);
      expect(doc).to.include({ status: 'queued', attempts: 1 });
      expect(doc!.lastError).to.match(/550/);
    }
    expect(await deliverPending({ now: new Date(Date.now() + 2 * MINUTE) })).to.include({ failed: 2 });
    expect((await stored(a.dedupeKey))!.status).to.equal('failed');
    expect(smtp.received).to.have.length(0);
  });

  it('when no SMTP server is configured, then delivery is skipped and the messages are listed as queued', async () => {
    useSmtp(undefined);
    const ms = [message({ kind: 'escalation' }), message({ kind: 'escalation' })];
    await enqueue(ms);
    expect(await deliverPending()).to.deep.equal({ sent: 0, failed: 0, retried: 0, skipped: true });
    const admin = await tokenFor(await makeUser('admin'));
    const res = await api().get('/api/v1/notifications').query({ status: 'queued', kind: 'escalation', limit: 100 }).set(bearer(admin));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ page: 1, limit: 100 });
    const mine = res.body.items.filter((i: { id: string }) => ms.some((m) => m.dedupeKey === i.id));
    expect(mine).to.have.length(2);
    expect(mine[0]).to.include({ status: 'queued', attempts: 0, kind: 'escalation' });
    expect(mine[0].to).to.deep.equal(ms[0].to);
  });

  it('when two instances deliver the same queue at the same moment, then each message reaches the server exactly once', async () => {
    useSmtp(smtp.url);
    const ms = Array.from({ length: 6 }, () => message({ kind: 'due_soon' }));
    await enqueue(ms);
    const results = await Promise.all([deliverPending(), deliverPending(), deliverPending()]);
    expect(results.reduce((n, r) => n + r.sent, 0)).to.equal(6);
    expect(smtp.received.map((r) => r.subject).sort()).to.deep.equal(ms.map((m) => m.subject).sort());
    for (const m of ms) expect(await stored(m.dedupeKey)).to.include({ status: 'sent', attempts: 1 });
  });

  it('when a message is malformed, then enqueue rejects it and stores nothing', async () => {
    const bad = message({ subject: 'Line one\r\nBcc: victim@example.org' });
    try {
      await enqueue([bad]);
      expect.fail('should reject');
    } catch (err) {
      expect((err as Error).name).to.equal('ValidationError');
    }
    expect(await stored(bad.dedupeKey)).to.equal(null);
  });

  it('when the list is filtered by an unknown status or a query operator, then 400', async () => {
    const admin = await tokenFor(await makeUser('admin'));
    expect((await api().get('/api/v1/notifications').query({ status: 'lost' }).set(bearer(admin))).status).to.equal(400);
    expect((await api().get('/api/v1/notifications?status[$ne]=sent').set(bearer(admin))).status).to.equal(400);
  });

  it('when the mail settings are invalid, then the configuration names the variable', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).to.throw(/SMTP_URL/);
    expect(() => loadConfig({ NOTIFY_MAX_ATTEMPTS: '0' })).to.throw(/NOTIFY_MAX_ATTEMPTS/);
    const cfg = loadConfig({ SMTP_URL: 'smtps://user:p%40ss@mail.example:465' });
    expect(cfg).to.include({ smtpUrl: 'smtps://user:p%40ss@mail.example:465', smtpFrom: FROM, notifyMaxAttempts: 5 });
  });
});

runMatrix('GET /notifications permissions', [
  { name: 'GET /notifications', method: 'get', setup: async () => ({ path: '/api/v1/notifications' }), expect: ONLY(200, 'admin') },
]);

describe('outbox housekeeping', () => {
  it('when sent messages are older than the retention, then they are purged and queued ones are kept', async () => {
    const old = new Date(Date.now() - 100 * 86_400_000);
    const key = `purge-test-${Date.now()}`;
    await Notification.collection.insertMany([
      { _id: `${key}-sent` as never, kind: 'overdue', to: ['a@attest.example'], subject: 's', text: 't', status: 'sent', sentAt: old, attempts: 1, createdAt: old },
      { _id: `${key}-queued` as never, kind: 'overdue', to: ['a@attest.example'], subject: 's', text: 't', status: 'queued', attempts: 0, createdAt: old, nextAttemptAt: new Date(Date.now() + 86_400_000) },
    ]);
    const r = await purgeSent(90);
    expect(r.removed).to.be.at.least(1);
    expect(await Notification.countDocuments({ _id: { $in: [`${key}-sent`, `${key}-queued`] } as never })).to.equal(1);
  });
});
