import { Types } from 'mongoose';
import { Assessment, AssessmentControls, AssessmentDoc, EvidenceItem } from './assessment.model';
import type { FrozenControl } from '../checklists/checklist.service';
import { EDITABLE, FAILING, OPEN, SUBMITTABLE, TRANSITIONS, noteRequired, summarize } from './assessment.workflow';
import * as evidence from './evidence.service';
import * as audit from '../audit/audit.service';
import * as checklists from '../checklists/checklist.service';
import * as settings from '../settings/settings.service';
import * as systems from '../systems/system.service';
import * as findings from '../findings/finding.service';
import * as compliance from '../compliance/compliance.service';
import { AppError } from '../../http/errors';
import { withLock } from '../../db/lock';
import { serialize } from '../../db/serialize';
import { Ctx, canSee, scopedOrganization } from '../../shared/actor';
import type { AssessmentStatus, ResultValue } from '../../shared/enums';

function scope(actor: Ctx['actor']): Record<string, unknown> {
  const org = scopedOrganization(actor);
  if (org === undefined) return {};
  return { organization: new Types.ObjectId(org ?? '000000000000000000000000') };
}

export function view(a: AssessmentDoc, controls?: FrozenControl[]) {
  const out = serialize<Record<string, unknown>>(controls ? { ...a, controls } : a);
  out.summary = a.status === 'approved' || a.status === 'submitted' ? a.summary : summarize(a.results);
  out.allowedTransitions = TRANSITIONS[a.status];
  return out;
}

// FerretDB (SQLite) only uses the primary key when a filter is exactly {_id}; any other filter
// scans and decodes the whole collection. So documents are read by id and scope is checked here.
async function load(ctx: Ctx, id: string): Promise<AssessmentDoc> {
  const a = await Assessment.findById(id).lean();
  if (!a || !canSee(ctx.actor, a.organization)) throw AppError.notFound('Assessment');
  return a;
}

function illegal(a: AssessmentDoc, action: string): AppError {
  return AppError.conflict(`Cannot ${action} an assessment that is ${a.status}`, { status: a.status, allowedTransitions: TRANSITIONS[a.status] });
}

/**
 * Every change to an assessment happens under its lock (see db/lock.ts) and starts by reading
 * it afresh, so the checks made on that read still hold when the update (by _id) is applied.
 */
const locked = <T>(id: string, fn: () => Promise<T>) => withLock(`assessment:${id}`, fn);

const changedConcurrently = () => AppError.conflict('The assessment was changed by someone else; reload it and try again');

export async function create(ctx: Ctx, input: { system: string; basedOn?: string }) {
  const system = await systems.get(ctx, input.system);
  if (system.status !== 'active') throw AppError.unprocessable('A decommissioned system cannot be assessed');
  const { checklist, controls } = await checklists.controlsFor(await settings.activeChecklistId(), system.level);
  let previous: AssessmentDoc | undefined;
  if (input.basedOn) {
    previous = (await Assessment.findById(input.basedOn).lean()) ?? undefined;
    if (previous?.system.toString() !== system.id) previous = undefined;
    if (!previous) throw AppError.badRequest('Invalid input', [{ field: 'basedOn', in: 'body', reason: 'no such assessment of this system' }]);
  }
  const prevById = new Map((previous?.results ?? []).map((r) => [r.controlId, r]));
  const _id = new Types.ObjectId();
  const holder = await systems.claimAssessmentSlot(system.id, _id, async (h) => { const x = await Assessment.findById(h, { status: 1 }).lean(); return !x || !OPEN.includes(x.status); });
  if (holder) throw AppError.conflict('The system already has an assessment in progress', { assessment: holder });
  const now = new Date();
  try {
    await AssessmentControls.create({ _id, controls });
    const doc = await Assessment.create({
      _id, system: system.id, organization: system.organization, systemCode: system.code, systemName: system.name, level: system.level,
      checklist: { id: checklist.id, framework: checklist.framework, version: checklist.version },
      status: 'draft',
      // a re-assessment keeps notes and evidence links for reference; every result starts unanswered
      results: controls.map((c) => {
        const p = prevById.get(c.id);
        return { controlId: c.id, note: p?.note, evidence: (p?.evidence ?? []).filter((e) => e.kind === 'link'), version: 0 };
      }),
      basedOn: previous?._id, createdBy: ctx.actor.id, history: [{ at: now, by: ctx.actor.id, to: 'draft' }], version: 0,
    });
    await audit.record(ctx, { action: 'assessment.create', entity: 'assessment', entityId: _id.toString(), after: { system: system.id, level: system.level, checklist, basedOn: input.basedOn } });
    await compliance.refresh(system.id);
    return view(doc.toObject(), controls);
  } catch (err) {
    await AssessmentControls.deleteOne({ _id });
    await systems.releaseAssessmentSlot(system.id, _id.toString());
    throw err;
  }
}

export async function list(ctx: Ctx, q: { page: number; limit: number; system?: string; status?: AssessmentStatus }) {
  const filter: Record<string, unknown> = { ...scope(ctx.actor) };
  if (q.system) filter.system = new Types.ObjectId(q.system);
  if (q.status) filter.status = q.status;
  const [items, total] = await Promise.all([
    Assessment.find(filter, { results: 0, history: 0 }).sort({ createdAt: -1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
    Assessment.countDocuments(filter),
  ]);
  return { items: items.map((i) => serialize(i)), total, page: q.page, limit: q.limit };
}

async function controlsOf(id: Types.ObjectId | string): Promise<FrozenControl[]> {
  return (await AssessmentControls.findById(id).lean())?.controls ?? [];
}

export async function get(ctx: Ctx, id: string) {
  const a = await load(ctx, id);
  return view(a, await controlsOf(a._id));
}

function indexOf(a: AssessmentDoc, controlId: string): number {
  const i = a.results.findIndex((r) => r.controlId === controlId);
  if (i < 0) throw AppError.notFound(`Control ${controlId} in this assessment`);
  return i;
}

/** draft / returned → in_progress on the first edit; harmless if someone else did it first. */
async function startWork(ctx: Ctx, a: AssessmentDoc): Promise<void> {
  if (a.status === 'in_progress') return;
  const r = await Assessment.updateOne({ _id: a._id }, {
    $set: { status: 'in_progress' }, $inc: { version: 1 },
    $push: { history: { at: new Date(), by: ctx.actor.id, from: a.status, to: 'in_progress' } },
  });
  if (r.modifiedCount) await audit.record(ctx, { action: 'assessment.transition', entity: 'assessment', entityId: a._id.toString(), before: { status: a.status }, after: { status: 'in_progress' } });
}

export async function saveResult(ctx: Ctx, id: string, controlId: string, input: { result: ResultValue; note?: string; evidence?: EvidenceItem[]; version: number }) {
  return locked(id, async () => {
    const a = await load(ctx, id);
    if (!EDITABLE.includes(a.status)) throw illegal(a, 'change results of');
    const i = indexOf(a, controlId);
    const note = input.note?.trim() || undefined;
    if (noteRequired(input.result) && !note) {
      throw AppError.badRequest('Invalid input', [{ field: 'note', in: 'body', reason: `a note is required when the result is ${input.result}` }]);
    }
    const current = a.results[i];
    if (current.version !== input.version) throw AppError.conflict('This result was saved by someone else meanwhile; reload it and try again', { currentVersion: current.version });
    await startWork(ctx, a);
    const now = new Date();
    const links = input.evidence?.map((e) => ({ ...e, kind: 'link' as const, addedBy: ctx.actor.id, addedAt: now }));
    const files = current.evidence.filter((e) => e.kind !== 'link');
    const p = `results.${i}`;
    const updated = await Assessment.findOneAndUpdate(
      { _id: a._id },
      {
        $set: {
          [`${p}.result`]: input.result, [`${p}.note`]: note ?? '', [`${p}.updatedBy`]: ctx.actor.id, [`${p}.updatedAt`]: now,
          ...(links && { [`${p}.evidence`]: [...files, ...links] }),
        },
        $inc: { [`${p}.version`]: 1, version: 1 },
      },
      { new: true },
    ).lean();
    if (!updated) {
      const fresh = await Assessment.findById(a._id, { status: 1 }).lean();
      if (fresh && !EDITABLE.includes(fresh.status)) throw illegal(fresh as AssessmentDoc, 'change results of');
      throw AppError.conflict('This result was saved by someone else meanwhile; reload it and try again');
    }
    await audit.record(ctx, {
      action: 'assessment.result', entity: 'assessment', entityId: id,
      before: { controlId, result: current.result, note: current.note }, after: { controlId, result: input.result, note },
    });
    return { controlId, ...serialize<Record<string, unknown>>(updated.results[i]), assessmentVersion: updated.version };
  });
}

export async function addEvidenceFile(ctx: Ctx, id: string, controlId: string, file: { buffer: Buffer; originalname: string; mimetype: string }) {
  const a = await load(ctx, id);
  if (!EDITABLE.includes(a.status)) throw illegal(a, 'add evidence to');
  const i = indexOf(a, controlId);
  const stored = await evidence.store(file.buffer, file.originalname, file.mimetype, { assessment: id, controlId, uploadedBy: ctx.actor.id });
  const item: EvidenceItem = { kind: 'file', ...stored, addedBy: ctx.actor.id, addedAt: new Date() };
  const updated = await locked(id, () => Assessment.findOneAndUpdate(
    { _id: a._id },
    { $push: { [`results.${i}.evidence`]: item }, $inc: { version: 1 } },
    { new: true },
  ).lean());
  if (!updated) {
    // the assessment was submitted meanwhile: the file must not linger unlinked
    await evidence.remove(stored.fileId);
    throw changedConcurrently();
  }
  await audit.record(ctx, { action: 'assessment.evidence_add', entity: 'assessment', entityId: id, after: { controlId, ...stored } });
  return serialize(item);
}

export async function openEvidence(ctx: Ctx, id: string, fileId: string) {
  await load(ctx, id);
  const f = await evidence.findFile(fileId, id);
  if (!f) throw AppError.notFound('Evidence file');
  return { file: f, stream: evidence.openDownload(f._id as Types.ObjectId) };
}

export async function removeEvidenceFile(ctx: Ctx, id: string, fileId: string) {
  return locked(id, async () => {
    const a = await load(ctx, id);
    if (!EDITABLE.includes(a.status)) throw illegal(a, 'remove evidence from');
    const i = a.results.findIndex((r) => r.evidence.some((e) => e.fileId?.toString() === fileId));
    if (i < 0) throw AppError.notFound('Evidence file');
    const fid = new Types.ObjectId(fileId);
    const updated = await Assessment.updateOne({ _id: a._id }, { $pull: { [`results.${i}.evidence`]: { fileId: fid } }, $inc: { version: 1 } });
    if (!updated.modifiedCount) throw changedConcurrently();
    await evidence.remove(fid);
    await audit.record(ctx, { action: 'assessment.evidence_remove', entity: 'assessment', entityId: id, before: { controlId: a.results[i].controlId, fileId } });
  });
}

async function raiseFindings(ctx: Ctx, a: AssessmentDoc, at: Date) {
  const s = await settings.getSettings();
  const byId = new Map((await controlsOf(a._id)).map((c) => [c.id, c]));
  const failures = a.results.filter((r) => r.result && FAILING.includes(r.result)).map((r) => {
    const c = byId.get(r.controlId)!;
    return { controlId: c.id, ref: c.ref, title: c.title.en, requirement: c.requirement.en, severity: c.severity, result: r.result as 'partial' | 'not_met', note: r.note };
  });
  return findings.syncFromAssessment(ctx, {
    assessmentId: a._id.toString(), system: a.system.toString(), organization: a.organization.toString(), systemCode: a.systemCode,
    level: a.level, at, slaDays: (sev) => settings.slaDaysFor(s, sev, a.level),
  }, failures);
}

export async function submit(ctx: Ctx, id: string, expectedVersion?: number) {
  return locked(id, async () => {
    const a = await load(ctx, id);
    if (!SUBMITTABLE.includes(a.status)) throw illegal(a, 'submit');
    if (expectedVersion !== undefined && expectedVersion !== a.version) throw changedConcurrently();
    const unanswered = a.results.filter((r) => !r.result).map((r) => r.controlId);
    if (unanswered.length) {
      throw AppError.unprocessable(`${unanswered.length} of ${a.results.length} controls are not answered`, { unanswered });
    }
    const summary = summarize(a.results);
    const now = new Date();
    // conditioned on the version read: a result saved meanwhile, or a second submit, loses
    const updated = await Assessment.findOneAndUpdate(
      { _id: a._id },
      { $set: { status: 'submitted', submittedBy: ctx.actor.id, submittedAt: now, summary }, $inc: { version: 1 }, $push: { history: { at: now, by: ctx.actor.id, from: a.status, to: 'submitted' } } },
      { new: true },
    ).lean();
    if (!updated) throw changedConcurrently();
    await audit.record(ctx, { action: 'assessment.submit', entity: 'assessment', entityId: id, before: { status: a.status }, after: { status: 'submitted', summary } });
    const raised = await raiseFindings(ctx, updated, now);
    await compliance.refresh(a.system.toString());
    return { ...view(updated), findings: raised };
  });
}

export async function approve(ctx: Ctx, id: string, expectedVersion?: number) {
  return locked(id, async () => {
    const a = await load(ctx, id);
    if (a.status !== 'submitted') throw illegal(a, 'approve');
    if (a.submittedBy === ctx.actor.id) {
      throw new AppError(403, 'separation_of_duties', 'The inspector who submitted an assessment cannot approve it');
    }
    if (expectedVersion !== undefined && expectedVersion !== a.version) throw changedConcurrently();
    const now = new Date();
    const updated = await Assessment.findOneAndUpdate(
      { _id: a._id },
      { $set: { status: 'approved', approvedBy: ctx.actor.id, approvedAt: now }, $inc: { version: 1 }, $push: { history: { at: now, by: ctx.actor.id, from: 'submitted', to: 'approved' } } },
      { new: true },
    ).lean();
    if (!updated) throw changedConcurrently();
    await audit.record(ctx, { action: 'assessment.approve', entity: 'assessment', entityId: id, before: { status: 'submitted' }, after: { status: 'approved', summary: updated.summary } });
    // re-run of the submit step's side effects: idempotent, and completes them after a crash
    await raiseFindings(ctx, updated, updated.submittedAt ?? now);
    await systems.releaseAssessmentSlot(a.system.toString(), id);
    await compliance.refresh(a.system.toString());
    return view(updated);
  });
}

export async function returnToInspector(ctx: Ctx, id: string, reason: string, expectedVersion?: number) {
  return locked(id, async () => {
    const a = await load(ctx, id);
    if (a.status !== 'submitted') throw illegal(a, 'return');
    if (expectedVersion !== undefined && expectedVersion !== a.version) throw changedConcurrently();
    const now = new Date();
    const updated = await Assessment.findOneAndUpdate(
      { _id: a._id },
      { $set: { status: 'returned', returnReason: reason }, $inc: { version: 1 }, $push: { history: { at: now, by: ctx.actor.id, from: 'submitted', to: 'returned', reason } } },
      { new: true },
    ).lean();
    if (!updated) throw changedConcurrently();
    await audit.record(ctx, { action: 'assessment.return', entity: 'assessment', entityId: id, before: { status: 'submitted' }, after: { status: 'returned', reason } });
    return view(updated);
  });
}

export async function remove(ctx: Ctx, id: string) {
  return locked(id, async () => {
    const a = await load(ctx, id);
    if (a.status !== 'draft') throw illegal(a, 'delete');
    // files first: if this stops half-way, the draft is still there and the delete can be repeated
    const files = await evidence.removeAllFor(id);
    const r = await Assessment.deleteOne({ _id: a._id, status: 'draft' });
    if (!r.deletedCount) throw changedConcurrently();
    await AssessmentControls.deleteOne({ _id: a._id });
    await systems.releaseAssessmentSlot(a.system.toString(), id);
    await audit.record(ctx, { action: 'assessment.delete', entity: 'assessment', entityId: id, before: { system: a.system, status: a.status, files } });
    await compliance.refresh(a.system.toString());
  });
}

/** For the compliance summary. */
export async function latestApproved(systemId: string) {
  return Assessment.findOne({ system: new Types.ObjectId(systemId), status: 'approved' }, { results: 0, history: 0 }).sort({ approvedAt: -1 }).lean();
}

export async function hasOpen(systemId: string): Promise<boolean> {
  return !!(await Assessment.exists({ system: new Types.ObjectId(systemId), status: { $in: OPEN } }));
}

export async function existForSystem(systemId: string): Promise<boolean> {
  return !!(await Assessment.exists({ system: new Types.ObjectId(systemId) }));
}
