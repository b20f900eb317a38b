import { Types } from 'mongoose';
import * as mail from './finding.mail';
import { Finding, FindingDoc } from './finding.model';
import * as board from './finding.board';
import * as lifecycle from './finding.lifecycle';
import * as notifications from '../notifications/notification.service';
import * as store from '../../db/store';
import { escalationRecipients, message, recipients } from './finding.notify';
import { systemActor } from '../../shared/actor';
import { OPEN_FINDING_STATUSES } from '../../shared/enums';
import type { OutboxMessage } from '../notifications/notification.service';

const DAY = 86_400_000;
/** Each run handles at most this many findings per kind; the next tick continues. */
export const BATCH = 500;

export type Progress = (done: number, total: number) => Promise<void>;
const noProgress: Progress = async () => {};

/** The finding documents of board entries selected by `pick` (at most BATCH), read by _id. */
async function docsFor(pick: (e: board.Entry) => boolean): Promise<FindingDoc[]> {
  const ids = (await board.openEntries()).filter(pick).slice(0, BATCH).map((e) => new Types.ObjectId(e.id));
  return store.findByIds<FindingDoc>(Finding, ids, { history: 0 });
}

/** Risk acceptances past their expiry reopen, with the SLA restarted (an automated move of the lifecycle). */
export async function expireRiskAcceptances(now = new Date(), progress: Progress = noProgress): Promise<{ reopened: number }> {
  // the expiry is checked on the document itself, the board only narrows the candidates
  const due = (await docsFor((e) => e.status === 'risk_accepted'))
    .filter((f) => f.status === 'risk_accepted' && f.riskAcceptance && f.riskAcceptance.expiresAt <= now);
  const ctx = { actor: systemActor('risk-acceptance-expiry') };
  let reopened = 0;
  for (const [i, f] of due.entries()) {
    await progress(i, due.length);
    if (await lifecycle.autoTransition(ctx, f._id.toString(), 'reopened', { vi: 'Thời hạn chấp nhận rủi ro đã hết', en: 'The risk acceptance expired' })) reopened++;
  }
  await progress(due.length, due.length);
  return { reopened };
}

/** Due-soon, overdue (with escalation for levels 4–5) and expiring-acceptance reminders, each once per deadline. */
export async function remind(now = new Date(), progress: Progress = noProgress): Promise<Record<string, number>> {
  const soon = new Date(now.getTime() + 7 * DAY);
  const counts = { dueSoon: 0, overdue: 0, escalated: 0, expiring: 0 };
  const open = (e: board.Entry) => OPEN_FINDING_STATUSES.includes(e.status);
  const due = (e: board.Entry) => new Date(e.dueAt);
  const out: OutboxMessage[] = [];
  for (const f of await docsFor((e) => open(e) && due(e) > now && due(e) <= soon)) {
    out.push(message('due_soon', f, await recipients(f), `due_soon:${f._id}:${f.dueAt.toISOString()}`, mail.dueSoon(f, f.dueAt)));
    counts.dueSoon++;
  }
  await progress(1, 3);
  for (const f of await docsFor((e) => open(e) && due(e) <= now)) {
    out.push(message('overdue', f, await recipients(f), `overdue:${f._id}:${f.dueAt.toISOString()}`, mail.overdue(f, f.dueAt)));
    counts.overdue++;
    if (f.level >= 4) {
      out.push(message('escalation', f, await escalationRecipients(f.organization.toString()), `escalation:${f._id}:${f.dueAt.toISOString()}`,
        mail.escalation(f, f.dueAt)));
      counts.escalated++;
    }
  }
  await progress(2, 3);
  const expiring = (e: board.Entry) => e.status === 'risk_accepted' && !!e.riskExpiresAt && new Date(e.riskExpiresAt) > now && new Date(e.riskExpiresAt) <= soon;
  for (const f of await docsFor(expiring)) {
    const expires = f.riskAcceptance!.expiresAt;
    out.push(message('risk_acceptance_expiring', f, await recipients(f), `risk_expiring:${f._id}:${expires.toISOString()}`, mail.riskExpiring(f, expires)));
    counts.expiring++;
  }
  await progress(3, 3);
  const withRecipients = out.filter((m) => m.to.length);
  const r = withRecipients.length ? await notifications.enqueue(withRecipients) : { queued: 0, duplicates: 0 };
  return { ...counts, queued: r.queued };
}
