import { Finding, FindingDoc, FindingEvent } from './finding.model';
import { view } from './finding.view';
import * as board from './finding.board';
import { applied, auditedCollection, intentOf, settle, withIntent, type Intent } from '../audit/audit.intent';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import * as store from '../../db/store';
import { Ctx, canSee } from '../../shared/actor';
import { systemStale } from '../../shared/events';
import type { Bilingual } from '../../shared/bilingual';

/* The one path every change of a finding takes (finding.lifecycle.ts, finding.requests.ts). */

export type Decide = (f: FindingDoc) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

/** What the audit trail keeps of a finding's state. */
const audited = (f: Pick<FindingDoc, 'status' | 'severity' | 'dueAt' | 'assignee'>) => ({ status: f.status, severity: f.severity, dueAt: f.dueAt, assignee: f.assignee });

/**
 * Every change of a finding: read, decide on what was read, write conditioned on its version
 * (db/store.ts; retried if someone wrote in between), then its board entry, the audit event and
 * the system's compliance summary.
 */
export async function change(ctx: Ctx, id: string, action: string, decide: Decide, expectedVersion?: number) {
  let intent: Intent | undefined;
  const m = await store.mutate<FindingDoc>(Finding, id, async (f) => {
    if (!canSee(ctx.actor, f.organization)) throw AppError.notFound(NOUN.finding);
    if (expectedVersion !== undefined && f.version !== expectedVersion) {
      throw AppError.conflict({ en: 'The finding was changed by someone else; reload it and try again', vi: 'Phát hiện đã được người khác thay đổi; hãy tải lại rồi thử lại' }, { currentVersion: f.version });
    }
    const update = await decide(f);
    if (!update) return null;
    // the audit event goes into the same write as the change: a committed change always has it
    intent = intentOf(ctx, { action, entity: 'finding', entityId: id, before: audited(f), after: audited(applied(f, update)) });
    return withIntent(update, intent);
  });
  if (!m) throw AppError.notFound(NOUN.finding);
  const { before, after } = m;
  if (after === before) return { doc: after, view: view(after, ctx.actor.roles) }; // nothing to change
  // what is derived from the finding first (its board entry, the system's summary), then its event
  // into the chain: the intent already went with the change, so nothing is lost if that comes late
  await board.put(after, before.status);
  await systemStale(after.system.toString());
  await settle(Finding, id, [intent!]);
  return { doc: after, view: view(after, ctx.actor.roles) };
}

// a finding's changes carry their audit events until they are in the chain
auditedCollection(Finding, () => Finding.find({}, { auditIntents: 1 }).lean());

export const event = (ctx: Ctx, e: Omit<FindingEvent, 'at' | 'by'>): FindingEvent => ({ at: new Date(), by: ctx.actor.id, ...e });

/** What the service says about an event: in English only (a person's words), or in both languages (`text`, its English also as `comment`). */
export type Words = string | Bilingual;
export const said = (w?: Words): { comment?: string; text?: Bilingual } => (w === undefined ? {} : typeof w === 'string' ? { comment: w } : { comment: w.en, text: w });
