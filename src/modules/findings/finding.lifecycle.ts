import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { Finding, FindingDoc, FindingEvent } from './finding.model';
import { FINDING_TRANSITIONS, checkTransition, dueFrom } from './finding.workflow';
import * as audit from '../audit/audit.service';
import * as settings from '../settings/settings.service';
import * as systems from '../systems/system.service';
import * as compliance from '../compliance/compliance.service';
import { AppError } from '../../http/errors';
import { withLock } from '../../db/lock';
import { notifyChange } from './finding.notify';
import { serialize } from '../../db/serialize';
import { Ctx, canSee, hasRole } from '../../shared/actor';
import { OPEN_FINDING_STATUSES, type FindingStatus, type Severity } from '../../shared/enums';

export const view = (f: FindingDoc) => ({
  ...serialize<Record<string, unknown>>(f),
  overdue: OPEN_FINDING_STATUSES.includes(f.status) && f.dueAt.getTime() < Date.now(),
  allowedTransitions: FINDING_TRANSITIONS[f.status],
});

/** Read by _id (FerretDB's indexed path); owners only reach their organization's findings. */
export async function load(ctx: Ctx, id: string): Promise<FindingDoc> {
  const f = await Finding.findById(id).lean();
  if (!f || !canSee(ctx.actor, f.organization)) throw AppError.notFound('Finding');
  return f;
}

/** Every change: under the finding's lock, read afresh, write by _id, audit, refresh the system. */
async function change(ctx: Ctx, id: string, action: string, fn: (f: FindingDoc) => Promise<Record<string, unknown>> | Record<string, unknown>) {
  const result = await withLock(`finding:${id}`, async () => {
    const before = await load(ctx, id);
    const update = await fn(before);
    const after = await Finding.findByIdAndUpdate(id, { ...update, $inc: { version: 1 } }, { new: true, runValidators: true }).lean();
    if (!after) throw AppError.notFound('Finding');
    await audit.record(ctx, {
      action, entity: 'finding', entityId: id,
      before: { status: before.status, severity: before.severity, dueAt: before.dueAt, assignee: before.assignee },
      after: { status: after.status, severity: after.severity, dueAt: after.dueAt, assignee: after.assignee },
    });
    return after;
  });
  await compliance.refresh(result.system.toString());
  return { doc: result as FindingDoc, view: view(result as FindingDoc) };
}

const event = (ctx: Ctx, e: Omit<FindingEvent, 'at' | 'by'>): FindingEvent => ({ at: new Date(), by: ctx.actor.id, ...e });

async function slaDays(severity: Severity, level: number) {
  return settings.slaDaysFor(await settings.getSettings(), severity, level);
}

export async function createManual(ctx: Ctx, input: { system: string; title: string; description?: string; severity: Severity; control?: string; assignee?: string }) {
  const system = await systems.get(ctx, input.system);
  const now = new Date();
  const doc = await Finding.create({
    system: system.id, organization: system.organization, systemCode: system.code, level: system.level,
    source: { type: 'manual' }, control: input.control, title: input.title, description: input.description, severity: input.severity,
    status: 'open', assignee: input.assignee, dueAt: dueFrom(now, await slaDays(input.severity, system.level)),
    dedupeKey: `manual:${crypto.randomUUID()}`, firstSeenAt: now, lastSeenAt: now, createdBy: ctx.actor.id,
    history: [event(ctx, { action: 'created', to: 'open' })],
  });
  await audit.record(ctx, { action: 'finding.create', entity: 'finding', entityId: doc._id.toString(), after: { system: system.id, severity: input.severity, title: input.title } });
  await compliance.refresh(system.id);
  if (input.assignee) await notifyChange(doc.toObject(), 'assignment');
  return view(doc.toObject());
}

export async function update(ctx: Ctx, id: string, input: { severity?: Severity; assignee?: string | null }) {
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
      $set.assignee = input.assignee ? new Types.ObjectId(input.assignee) : null;
      history.push(event(ctx, { action: 'assigned', comment: input.assignee ?? 'unassigned' }));
    }
    return { $set, $push: { history: { $each: history } } };
  });
  if (input.assignee) await notifyChange(out.doc, 'assignment');
  return out.view;
}

export async function transition(ctx: Ctx, id: string, input: { to: FindingStatus; comment?: string; evidence?: { url: string; title?: string }[] }) {
  const out = await change(ctx, id, 'finding.transition', async (f) => {
    const check = checkTransition({ from: f.status, to: input.to, roles: ctx.actor.roles, comment: input.comment, evidenceCount: input.evidence?.length ?? 0 });
    if (!check.ok) {
      if (check.status === 409) throw AppError.conflict(check.reason, { status: f.status, allowedTransitions: FINDING_TRANSITIONS[f.status] });
      if (check.status === 403) throw AppError.forbidden(check.reason);
      throw AppError.badRequest(check.reason, [{ field: input.to === 'resolved' ? 'evidence' : 'comment', in: 'body', reason: check.reason }]);
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
  });
  if (input.to === 'reopened') await notifyChange(out.doc, 'reopened');
  return out.view;
}

export async function comment(ctx: Ctx, id: string, input: { comment: string; evidence?: { url: string; title?: string }[] }) {
  return (await change(ctx, id, 'finding.comment', () => ({ $push: { history: event(ctx, { action: 'comment', comment: input.comment, evidence: input.evidence }) } }))).view;
}

const isOwnerOf = (ctx: Ctx, f: FindingDoc) => hasRole(ctx.actor, 'owner') && ctx.actor.organization === f.organization.toString();

export async function requestRiskAcceptance(ctx: Ctx, id: string, input: { justification: string; compensatingControls: string; expiresAt: Date }) {
  return (await change(ctx, id, 'finding.risk_acceptance_request', (f) => {
    if (!FINDING_TRANSITIONS[f.status].includes('risk_accepted')) throw AppError.conflict(`A finding that is ${f.status} cannot be risk-accepted`, { status: f.status });
    if (!isOwnerOf(ctx, f) && !hasRole(ctx.actor, 'inspector')) throw AppError.forbidden('Only the system owner or an inspector may request a risk acceptance');
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
    if (input.dueAt.getTime() <= f.dueAt.getTime()) {
      throw AppError.badRequest('Invalid input', [{ field: 'dueAt', in: 'body', reason: 'must be later than the current deadline' }]);
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
