import Joi from 'joi';
import { Notification, NotificationDoc, NotificationKind } from './notification.model';
import { outboxBatch } from './notification.schemas';
import { describeError, isServerLevel, mailerConfig, openMailer } from './mailer';
import * as store from '../../db/store';
import { serialize } from '../../db/serialize';

export { configureMailer } from './mailer';
export type { NotificationKind } from './notification.model';

export interface OutboxMessage {
  kind: NotificationKind;
  to: string[];
  subject: string;
  text: string;
  dedupeKey: string;
  refs?: { finding?: string; system?: string; organization?: string };
}

export type NotificationView = Omit<NotificationDoc, '_id'> & { id: string };

/**
 * Puts messages in the outbox. The dedupe key is the document's _id, so a message enqueued twice
 * (by a retried job, or by two instances running the same tick) is stored once: the unique
 * primary key rejects the copy atomically, on FerretDB as on MongoDB.
 */
export async function enqueue(messages: OutboxMessage[]): Promise<{ queued: number; duplicates: number }> {
  const valid: OutboxMessage[] = Joi.attempt(messages, outboxBatch, { abortEarly: false, convert: true });
  if (!valid.length) return { queued: 0, duplicates: 0 };
  const now = new Date();
  const docs = valid.map((m) => ({
    _id: m.dedupeKey, kind: m.kind, to: m.to, subject: m.subject, text: m.text, refs: m.refs,
    status: 'queued' as const, attempts: 0, nextAttemptAt: now,
  }));
  const r = await store.insertNew(Notification, docs);
  return { queued: r.inserted, duplicates: r.duplicates };
}

const DEFAULT_BATCH = 50;
const MAX_BATCH = 500;
/** A batch stops claiming messages after this long; the rest wait for the next run. */
const BATCH_BUDGET_MS = 120_000;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_CAP_MS = 60 * 60_000;

/** Wait after the n-th attempt: 1 min, 2, 4 … capped at an hour. */
export const backoffMs = (attempt: number) => Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_CAP_MS);

export interface DeliveryResult { sent: number; failed: number; retried: number; skipped: boolean }

/**
 * Sends due queued messages, oldest due first, at most `limit` of them. Safe to run from several
 * instances at once: see `claim`. Without SMTP configured it does nothing and says so.
 */
export async function deliverPending(opts: { limit?: number; now?: Date } = {}): Promise<DeliveryResult> {
  const cfg = mailerConfig();
  const result: DeliveryResult = { sent: 0, failed: 0, retried: 0, skipped: false };
  if (!cfg.smtpUrl) return { ...result, skipped: true };
  const now = opts.now ?? new Date();
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_BATCH), 1), MAX_BATCH);
  // a scan on FerretDB (not an _id lookup), acceptable for a bounded batch job; ids only
  const due = await Notification.find({ status: 'queued', nextAttemptAt: { $lte: now } }, { _id: 1 })
    .sort({ nextAttemptAt: 1 }).limit(limit).lean();
  if (!due.length) return result;
  const mailer = openMailer(cfg);
  const budgetEnd = Date.now() + BATCH_BUDGET_MS;
  try {
    for (const { _id: id } of due) {
      if (Date.now() > budgetEnd) break;
      const claimed = await claim(id, now, cfg.maxAttempts);
      if (claimed === 'failed') { result.failed++; continue; }
      if (!claimed) continue;
      try {
        const info = await mailer.send({ id, to: claimed.to, subject: claimed.subject, text: claimed.text });
        await store.updateById(Notification, id, {
          $set: { status: 'sent', sentAt: new Date(), messageId: info.messageId, ...(info.rejected.length && { rejected: info.rejected }) },
          $unset: { nextAttemptAt: 1 },
        });
        result.sent++;
      } catch (err) {
        const lastError = describeError(err, cfg.smtpUrl);
        if (claimed.attempts >= cfg.maxAttempts) {
          await store.updateById(Notification, id, { $set: { status: 'failed', lastError }, $unset: { nextAttemptAt: 1 } });
          result.failed++;
        } else {
          // nextAttemptAt was already moved to the backoff time by the claim
          await store.updateById(Notification, id, { $set: { lastError } });
          result.retried++;
        }
        // the server or connection is at fault: the other messages would fail the same way now
        if (isServerLevel(err)) break;
      }
    }
  } finally {
    mailer.close();
  }
  return result;
}

type Claimed = Pick<NotificationDoc, 'to' | 'subject' | 'text' | 'attempts'>;

/**
 * Starts one attempt: a conditional write (see db/store.ts) that counts the attempt and moves
 * nextAttemptAt to its backoff time *before* sending. Another instance that reads the message
 * afterwards finds it not due and leaves it, and a crash mid-send leaves a message that is
 * retried after the backoff instead of never.
 */
async function claim(id: string, now: Date, maxAttempts: number): Promise<Claimed | 'failed' | null> {
  let outcome: Claimed | 'failed' | null = null;
  await store.mutate<NotificationDoc>(Notification, id, (m) => {
    outcome = null;
    if (m.status !== 'queued' || !m.nextAttemptAt || m.nextAttemptAt > now) return null;
    // the limit was lowered since this message last failed
    if (m.attempts >= maxAttempts) {
      outcome = 'failed';
      return { $set: { status: 'failed' }, $unset: { nextAttemptAt: 1 } };
    }
    const attempts = m.attempts + 1;
    outcome = { to: m.to, subject: m.subject, text: m.text, attempts };
    return { $set: { attempts, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) } };
  });
  return outcome;
}

export async function list(q: { status?: string; kind?: string; page: number; limit: number }) {
  const filter: Record<string, unknown> = {};
  if (q.status) filter.status = q.status;
  if (q.kind) filter.kind = q.kind;
  const [items, total] = await Promise.all([
    Notification.find(filter).sort({ createdAt: -1, _id: 1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
    Notification.countDocuments(filter),
  ]);
  return { items: items.map((i) => serialize<NotificationView>(i)), total, page: q.page, limit: q.limit };
}

/** Sent messages older than `days` leave the outbox, so the delivery scan stays small. */
export async function purgeSent(days = 90, now = new Date()): Promise<{ removed: number }> {
  return { removed: await store.deleteMany(Notification, { status: 'sent', sentAt: { $lt: new Date(now.getTime() - days * 86_400_000) } }) };
}
