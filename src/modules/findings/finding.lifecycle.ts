import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { Finding, FindingDoc, FindingEvent } from './finding.model';
import { FINDING_TRANSITIONS, checkTransition, dueFrom } from './finding.workflow';
import { view } from './finding.view';
import * as board from './finding.board';
import { applied, auditedCollection, createdWith, intentOf, settle, withIntent, type Intent } from '../audit/audit.intent';
import * as settings from '../settings/settings.service';
import * as systems from '../systems/system.service';
import * as users from '../users/user.service';
import { AppError } from '../../http/errors';
import { notifyChange } from './finding.notify';
import * as store from '../../db/store';
import { Ctx, canSee, hasRole } from '../../shared/actor';
import { systemStale } from '../../shared/events';
import { sha256 } from '../../shared/canonical';
import { OPEN_FINDING_STATUSES, type FindingStatus, type Severity } from '../../shared/enums';

export { view, withPeople } from './finding.view';

/** Read by _id; owners only reach their organization's findings. */
export async function load(ctx: Ctx, id: string): Promise<FindingDoc> {
  const f = await Finding.findById(id).lean();
  if (!f || !canSee(ctx.actor, f.organization)) throw AppError.notFound('Finding');
  return f;
}

/**
 * The id of the finding for a dedupe key (assessment:<id>:<control>, scan:<system>:<check>:<target>):
 * derived from the key, so "is there one already" is a lookup by _id and creating it twice is a
 * duplicate _id — one finding per key, on FerretDB and MongoDB alike.
 */
export const idFor = (dedupeKey: string) => new Types.ObjectId(sha256(dedupeKey).slice(0, 24));

type Decide = (f: FindingDoc) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

/** What the audit trail keeps of a finding's state. */
const audited = (f: Pick<FindingDoc, 'status' | 'severity' | 'dueAt' | 'assignee'>) => ({ status: f.status, severity: f.severity, dueAt: f.dueAt, assignee: f.assignee });

/**
 * Every change of a finding: read, decide on what was read, write conditioned on its version
 * (db/store.ts; retried if someone wrote in between), then its board entry, the audit event and
 * the system's compliance summary.
 */
async function change(ctx: Ctx, id: string, action: string, decide: Decide, expectedVersion?: number) {
  let intent: Intent | undefined;
  const m = await store.mutate<FindingDoc>(Finding, id, async (f) => {
    if (!canSee(ctx.actor, f.organization)) throw AppError.notFound('Finding');
    if (expectedVersion !== undefined && f.version !== expectedVersion) {
      throw AppError.conflict('The finding was changed by someone else; reload it and try again', { currentVersion: f.version });
    }
    const update = await decide(f);
    if (!update) return null;
    // the audit event goes into the same write as the change: a committed change always has it
    intent = intentOf(ctx, { action, entity: 'finding', entityId: id, before: audited(f), after: audited(applied(f, update)) });
    return withIntent(update, intent);
  });
  if (!m) throw AppError.notFound('Finding');
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

const event = (ctx: Ctx, e: Omit<FindingEvent, 'at' | 'by'>): FindingEvent => ({ at: new Date(), by: ctx.actor.id, ...e });

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
export async function raise(ctx: Ctx, input: NewFinding, comment?: string): Promise<FindingDoc | undefined> {
  const now = new Date();
  const _id = input._id ?? new Types.ObjectId();
  const intent = intentOf(ctx, { action: 'finding.create', entity: 'finding', entityId: _id.toString(), after: { system: input.system, severity: input.severity, title: input.title, source: input.source.type, control: input.control } }, now);
  let doc: FindingDoc;
  try {
    doc = await store.insertOne<FindingDoc>(Finding, createdWith({ ...input, _id, status: 'open', version: 0, history: [event(ctx, { action: 'created', to: 'open', comment })], createdAt: now }, intent));
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
      history.push(event(ctx, { action: 'severity_changed', comment: `${f.severity} → ${input.severity}` }));
    }
    if (input.assignee !== undefined) {
      await checkAssignee(input.assignee, f.organization.toString());
      $set.assignee = input.assignee ? new Types.ObjectId(input.assignee) : null;
      history.push(event(ctx, { action: 'assigned', comment: input.assignee ?? 'unassigned' }));
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
      if (check.status === 409) throw AppError.conflict(check.reason, { status: f.status, allowedTransitions: FINDING_TRANSITIONS[f.status] });
      if (check.status === 403) throw AppError.forbidden(check.reason);
      throw AppError.unprocessable(check.reason, [{ field: input.to === 'resolved' ? 'evidence' : 'comment', in: 'body', reason: check.reason }]);
    }
    const $set: Record<string, unknown> = { status: input.to };
    if (input.to === 'risk_accepted') {
      const r = f.riskAcceptance;
      if (!r || r.approvedAt) throw AppError.unprocessable('Risk acceptance needs a pending request (justification, compensating controls, expiry)');
      if (r.requestedBy === ctx.actor.id) throw new AppError(403, 'separation_of_duties', 'The requester of a risk acceptance cannot approve it');
      if (r.expiresAt.getTime() <= Date.now()) throw AppError.unprocessable('The requested risk acceptance has already expired');
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
export async function autoTransition(ctx: Ctx, id: string, to: FindingStatus, comment: string, evidence?: Evidence, extra: Record<string, unknown> = {}): Promise<boolean> {
  let applies = true;
  const out = await change(ctx, id, 'finding.transition', async (f) => {
    applies = checkTransition({ from: f.status, to, roles: ['system'], comment, evidenceCount: evidence?.length ?? 0 }).ok;
    if (!applies) return null;
    const $set: Record<string, unknown> = { status: to, ...extra };
    if (to === 'reopened') $set.dueAt = dueFrom(new Date(), await slaDays(f.severity, f.level));
    return { $set, $push: { history: event(ctx, { action: 'transition', from: f.status, to, comment, evidence }) } };
  });
  if (applies && to === 'reopened') await notifyChange(out.doc, 'reopened');
  return applies;
}

/** A data migration of one finding (its key, its words), audited like any change; decide returns null when done already. */
export async function migrate(ctx: Ctx, id: string, decide: Decide, comment: string): Promise<boolean> {
  let applies = false;
  await change(ctx, id, 'finding.migrate', async (f) => {
    const update = await decide(f);
    applies = update !== null;
    return update && { ...update, $push: { history: event(ctx, { action: 'comment', comment }) } };
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

const isOwnerOf = (ctx: Ctx, f: FindingDoc) => hasRole(ctx.actor, 'owner') && ctx.actor.organization === f.organization.toString();

export async function requestRiskAcceptance(ctx: Ctx, id: string, input: { justification: string; compensatingControls: string; expiresAt: Date }) {
  return (await change(ctx, id, 'finding.risk_acceptance_request', (f) => {
    if (!FINDING_TRANSITIONS[f.status].includes('risk_accepted')) throw AppError.conflict(`A finding that is ${f.status} cannot be risk-accepted`, { status: f.status });
    if (!isOwnerOf(ctx, f) && !hasRole(ctx.actor, 'inspector')) throw AppError.forbidden('Only the system owner or an inspector may request a risk acceptance');
    if (input.expiresAt.getTime() <= Date.now()) throw AppError.rule('expiresAt', 'must lie in the future');
    return {
      $set: { riskAcceptance: { requestedBy: ctx.actor.id, requestedAt: new Date(), ...input } },
      $push: { history: event(ctx, { action: 'risk_acceptance_requested', comment: input.justification }) },
    };
  })).view;
}

export async function requestExtension(ctx: Ctx, id: string, input: { dueAt: Date; reason: string }) {
  return (await change(ctx, id, 'finding.extension_request', (f) => {
    if (!isOwnerOf(ctx, f)) throw AppError.forbidden('Only the system owner may request an extension');
    if (!OPEN_FINDING_STATUSES.includes(f.status)) throw AppError.conflict(`A finding that is ${f.status} has no deadline to extend`, { status: f.status });
    if (input.dueAt.getTime() <= Date.now()) throw AppError.rule('dueAt', 'must lie in the future');
    if (input.dueAt.getTime() <= f.dueAt.getTime()) {
      throw AppError.rule('dueAt', 'must be later than the current deadline');
    }
    if (f.extension && !f.extension.decision) throw AppError.conflict('An extension request is already pending');
    return {
      $set: { extension: { requestedBy: ctx.actor.id, requestedAt: new Date(), reason: input.reason, dueAt: input.dueAt } },
      $push: { history: event(ctx, { action: 'extension_requested', comment: `${input.reason} (until ${input.dueAt.toISOString()})` }) },
    };
  })).view;
}

export async function decideExtension(ctx: Ctx, id: string, input: { approve: boolean; comment?: string }) {
  return (await change(ctx, id, 'finding.extension_decision', (f) => {
    const x = f.extension;
    if (!x || x.decision) throw AppError.conflict('No extension request is pending');
    if (x.requestedBy === ctx.actor.id) throw new AppError(403, 'separation_of_duties', 'The requester of an extension cannot decide it');
    const decision = input.approve ? 'approved' : 'rejected';
    return {
      $set: {
        'extension.decision': decision, 'extension.decidedBy': ctx.actor.id, 'extension.decidedAt': new Date(), 'extension.comment': input.comment,
        ...(input.approve && { dueAt: x.dueAt }),
      },
      $push: { history: event(ctx, { action: 'extension_decided', comment: `${decision}${input.comment ? `: ${input.comment}` : ''}` }) },
    };
  })).view;
}
