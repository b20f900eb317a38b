import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { Finding, FindingDoc, FindingEvent } from './finding.model';
import { FINDING_TRANSITIONS, checkTransition, dueFrom } from './finding.workflow';
import { view } from './finding.view';
import * as board from './finding.board';
import { createdWith, intentOf, settle } from '../audit/audit.intent';
import { change, event, said, type Decide, type Words } from './finding.change';
import * as settings from '../settings/settings.service';
import * as systems from '../systems/system.service';
import * as users from '../users/user.service';
import { AppError } from '../../http/errors';
import { notifyChange } from './finding.notify';
import * as store from '../../db/store';
import { Ctx, canSee } from '../../shared/actor';
import { systemStale } from '../../shared/events';
import { sha256 } from '../../shared/canonical';
import type { FindingStatus, Severity } from '../../shared/enums';
import { NOUN, SEVERITY_TEXT } from '../../shared/words';

export { view, withPeople } from './finding.view';

/** Read by _id; owners only reach their organization's findings. */
export async function load(ctx: Ctx, id: string): Promise<FindingDoc> {
  const f = await Finding.findById(id).lean();
  if (!f || !canSee(ctx.actor, f.organization)) throw AppError.notFound(NOUN.finding);
  return f;
}

/**
 * The id of the finding for a dedupe key (assessment:<id>:<control>, scan:<system>:<check>:<target>):
 * derived from the key, so "is there one already" is a lookup by _id and creating it twice is a
 * duplicate _id — one finding per key, on FerretDB and MongoDB alike.
 */
export const idFor = (dedupeKey: string) => new Types.ObjectId(sha256(dedupeKey).slice(0, 24));

const slaDays = async (severity: Severity, level: number) => settings.slaDaysFor(await settings.getSettings(), severity, level);

async function checkAssignee(assignee: string | null | undefined, organization: string) {
  if (assignee && !(await users.isActiveMemberOf(assignee, organization))) {
    throw AppError.rule('assignee', 'must be an active user of the system\'s organization');
  }
}

export type NewFinding = Omit<FindingDoc, '_id' | 'history' | 'version' | 'createdAt' | 'updatedAt' | 'status'> & { _id?: Types.ObjectId };

/**
 * Stores a new finding (open) with its board entry and audit event; false when a finding with
 * that _id exists already (raised meanwhile by a concurrent run of the same step).
 */
export async function raise(ctx: Ctx, input: NewFinding, comment?: Words): Promise<FindingDoc | undefined> {
  const now = new Date();
  const _id = input._id ?? new Types.ObjectId();
  const intent = intentOf(ctx, { action: 'finding.create', entity: 'finding', entityId: _id.toString(), after: { system: input.system, severity: input.severity, title: input.title, source: input.source.type, control: input.control } }, now);
  let doc: FindingDoc;
  try {
    doc = await store.insertOne<FindingDoc>(Finding, createdWith({ ...input, _id, status: 'open', version: 0, history: [event(ctx, { action: 'created', to: 'open', ...said(comment) })], createdAt: now }, intent));
  } catch (err) {
    if (err instanceof store.DuplicateKeyError && input._id) return undefined;
    throw err;
  }
  await board.put(doc);
  await systemStale(doc.system.toString());
  await settle(Finding, _id, [intent]);
  return doc;
}

export async function createManual(ctx: Ctx, input: { system: string; title: string; description?: string; severity: Severity; control?: string; assignee?: string }) {
  const system = await systems.get(ctx, input.system);
  await checkAssignee(input.assignee, system.organization);
  const now = new Date();
  const doc = (await raise(ctx, {
    system: new Types.ObjectId(system.id), organization: new Types.ObjectId(system.organization), systemCode: system.code, level: system.level,
    source: { type: 'manual' }, control: input.control, title: input.title, description: input.description, severity: input.severity,
    assignee: input.assignee ? new Types.ObjectId(input.assignee) : undefined, dueAt: dueFrom(now, await slaDays(input.severity, system.level)),
    dedupeKey: `manual:${crypto.randomUUID()}`, firstSeenAt: now, lastSeenAt: now, createdBy: ctx.actor.id,
  }))!;
  if (input.assignee) await notifyChange(doc, 'assignment');
  return view(doc, ctx.actor.roles);
}

export async function update(ctx: Ctx, id: string, input: { severity?: Severity; assignee?: string | null; version?: number }) {
  const out = await change(ctx, id, 'finding.update', async (f) => {
    const $set: Record<string, unknown> = {};
    const history: FindingEvent[] = [];
    if (input.severity && input.severity !== f.severity) {
      $set.severity = input.severity;
      // the deadline runs from when the finding was raised, under the new severity's SLA
      $set.dueAt = dueFrom(f.firstSeenAt ?? f.createdAt, await slaDays(input.severity, f.level));
      const sev = (s: Severity, l: 'vi' | 'en') => SEVERITY_TEXT[s][l];
      history.push(event(ctx, { action: 'severity_changed', comment: `${f.severity} → ${input.severity}`,
        text: { vi: `Mức độ: ${sev(f.severity, 'vi')} → ${sev(input.severity, 'vi')}`, en: `Severity: ${sev(f.severity, 'en')} → ${sev(input.severity, 'en')}` } }));
    }
    if (input.assignee !== undefined) {
      await checkAssignee(input.assignee, f.organization.toString());
      $set.assignee = input.assignee ? new Types.ObjectId(input.assignee) : null;
      const name = input.assignee ? (await users.namesOf([input.assignee]))[input.assignee] ?? '—' : undefined;
      history.push(event(ctx, { action: 'assigned', comment: input.assignee ?? 'unassigned',
        text: name ? { vi: `Giao cho ${name}`, en: `Assigned to ${name}` } : { vi: 'Bỏ giao việc', en: 'Unassigned' } }));
    }
    return { $set, $push: { history: { $each: history } } };
  }, input.version);
  if (input.assignee) await notifyChange(out.doc, 'assignment');
  return out.view;
}

type Evidence = { url: string; title?: string }[];

export async function transition(ctx: Ctx, id: string, input: { to: FindingStatus; comment?: string; evidence?: Evidence; version?: number }) {
  const out = await change(ctx, id, 'finding.transition', async (f) => {
    const check = checkTransition({ from: f.status, to: input.to, roles: ctx.actor.roles, comment: input.comment, evidenceCount: input.evidence?.length ?? 0 });
    if (!check.ok) {
      const text = { en: check.reason, vi: check.vi };
      if (check.status === 409) throw AppError.conflict(text, { status: f.status, allowedTransitions: FINDING_TRANSITIONS[f.status] });
      if (check.status === 403) throw AppError.forbidden(text);
      throw AppError.unprocessable(text, [{ field: input.to === 'resolved' ? 'evidence' : 'comment', in: 'body', reason: check.reason }]);
    }
    const $set: Record<string, unknown> = { status: input.to };
    if (input.to === 'risk_accepted') {
      const r = f.riskAcceptance;
      if (!r || r.approvedAt) throw AppError.unprocessable({ en: 'Risk acceptance needs a pending request (justification, compensating controls, expiry)', vi: 'Chấp nhận rủi ro cần một yêu cầu đang chờ duyệt (lý do, biện pháp bù đắp, ngày hết hạn)' });
      if (r.requestedBy === ctx.actor.id) throw new AppError(403, 'separation_of_duties', { en: 'The requester of a risk acceptance cannot approve it', vi: 'Người đề nghị chấp nhận rủi ro không được tự phê duyệt đề nghị đó' });
      if (r.expiresAt.getTime() <= Date.now()) throw AppError.unprocessable({ en: 'The requested risk acceptance has already expired', vi: 'Yêu cầu chấp nhận rủi ro đã hết hạn' });
      Object.assign($set, { 'riskAcceptance.approvedBy': ctx.actor.id, 'riskAcceptance.approvedAt': new Date() });
    }
    if (input.to === 'reopened') $set.dueAt = dueFrom(new Date(), await slaDays(f.severity, f.level));
    return { $set, $push: { history: event(ctx, { action: 'transition', from: f.status, to: input.to, comment: input.comment, evidence: input.evidence }) } };
  }, input.version);
  if (input.to === 'reopened') await notifyChange(out.doc, 'reopened');
  return out.view;
}

/**
 * A move Attest makes on automated evidence (SYSTEM_TRANSITIONS): verified when a control is met
 * on resubmission or a scan check passes, reopened when a scan still fails or an acceptance
 * expires. Returns false when the finding is no longer in a state the move applies to.
 */
export async function autoTransition(ctx: Ctx, id: string, to: FindingStatus, words: Words, evidence?: Evidence, extra: Record<string, unknown> = {}): Promise<boolean> {
  const comment = typeof words === 'string' ? words : words.en;
  let applies = true;
  const out = await change(ctx, id, 'finding.transition', async (f) => {
    applies = checkTransition({ from: f.status, to, roles: ['system'], comment, evidenceCount: evidence?.length ?? 0 }).ok;
    if (!applies) return null;
    const $set: Record<string, unknown> = { status: to, ...extra };
    if (to === 'reopened') $set.dueAt = dueFrom(new Date(), await slaDays(f.severity, f.level));
    return { $set, $push: { history: event(ctx, { action: 'transition', from: f.status, to, ...said(words), evidence }) } };
  });
  if (applies && to === 'reopened') await notifyChange(out.doc, 'reopened');
  return applies;
}

/** A data migration of one finding (its key, its words), audited like any change; decide returns null when done already. */
export async function migrate(ctx: Ctx, id: string, decide: Decide, comment: Words): Promise<boolean> {
  let applies = false;
  await change(ctx, id, 'finding.migrate', async (f) => {
    const update = await decide(f);
    applies = update !== null;
    return update && { ...update, $push: { history: event(ctx, { action: 'comment', ...said(comment) }) } };
  });
  return applies;
}

/** A repeat sighting by an assessment or scan: refreshes what was seen and when, no state change. */
export async function sightedAgain(id: string, seen: { at: Date; description?: string; scanRun?: Types.ObjectId; texts?: Pick<FindingDoc, 'title' | 'titleVi' | 'descriptionVi'> }): Promise<void> {
  const m = await store.mutate<FindingDoc>(Finding, id, (f) => (f.lastSeenAt && f.lastSeenAt > seen.at ? null : {
    $set: { lastSeenAt: seen.at, ...(seen.description !== undefined && { description: seen.description }), ...(seen.scanRun && { 'source.scanRun': seen.scanRun }), ...seen.texts },
  }));
  if (m && m.after !== m.before) await board.put(m.after, m.before.status);
}

export async function comment(ctx: Ctx, id: string, input: { comment: string; evidence?: Evidence }) {
  return (await change(ctx, id, 'finding.comment', () => ({ $push: { history: event(ctx, { action: 'comment', comment: input.comment, evidence: input.evidence }) } }))).view;
}

export { requestRiskAcceptance, requestExtension, decideExtension } from './finding.requests';
