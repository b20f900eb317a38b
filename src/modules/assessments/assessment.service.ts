import './assessment.derived'; // registers what systems keep of their assessments
import { Types } from 'mongoose';
import { Assessment, AssessmentControls, AssessmentDoc } from './assessment.model';
import type { FrozenControl } from '../checklists/checklist.service';
import { FAILING, OPEN, TRANSITIONS, summarize } from './assessment.workflow';
import { changedConcurrently, illegal, load, transition } from './assessment.lifecycle';
import * as evidence from './evidence.service';
import * as audit from '../audit/audit.service';
import * as checklists from '../checklists/checklist.service';
import * as settings from '../settings/settings.service';
import * as systems from '../systems/system.service';
import * as users from '../users/user.service';
import * as findings from '../findings/finding.service';
import { AppError } from '../../http/errors';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import { Ctx, scopedOrganization } from '../../shared/actor';
import { systemStale } from '../../shared/events';
import type { AssessmentStatus } from '../../shared/enums';

export { saveResult, addEvidenceFile, openEvidence, removeEvidenceFile } from './assessment.results';
export { saveResults } from './assessment.bulk';

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

const isFinished = async (holder: string) => {
  const x = await Assessment.findById(holder, { status: 1 }).lean();
  return !x || !OPEN.includes(x.status);
};

export async function create(ctx: Ctx, input: { system: string; basedOn?: string }) {
  const system = await systems.get(ctx, input.system);
  if (system.status !== 'active') throw AppError.unprocessable({ en: 'A decommissioned system cannot be assessed', vi: 'Không thể đánh giá hệ thống đã ngừng hoạt động' });
  const { checklist, controls } = await checklists.controlsFor(await settings.activeChecklistId(), system.level);
  let previous: AssessmentDoc | undefined;
  if (input.basedOn) {
    previous = (await Assessment.findById(input.basedOn).lean()) ?? undefined;
    if (previous?.system.toString() !== system.id) previous = undefined;
    if (!previous) throw AppError.rule('basedOn', 'is no assessment of this system');
  }
  const prevById = new Map((previous?.results ?? []).map((r) => [r.controlId, r]));
  const _id = new Types.ObjectId();
  const holder = await systems.claimAssessmentSlot(system.id, _id, isFinished);
  if (holder) throw AppError.conflict({ en: 'The system already has an assessment in progress', vi: 'Hệ thống đang có một lần đánh giá chưa hoàn tất' }, { assessment: holder });
  const now = new Date();
  try {
    await store.insertOne(AssessmentControls, { _id, controls });
    const doc = await store.insertOne<AssessmentDoc>(Assessment, {
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
    await systemStale(system.id);
    return view(doc, controls);
  } catch (err) {
    await store.deleteById(AssessmentControls, _id);
    await store.deleteById(Assessment, _id);
    await systems.releaseAssessmentSlot(system.id, _id.toString(), { deleted: true });
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

/** The controls of an assessment as they were when it started (titles and requirements in vi / en). */
export async function controlsOf(id: Types.ObjectId | string): Promise<FrozenControl[]> {
  return (await AssessmentControls.findById(id).lean())?.controls ?? [];
}

export async function get(ctx: Ctx, id: string) {
  const a = await load(ctx, id);
  return view(a, await controlsOf(a._id));
}

/** Failing results become findings (idempotent); controls met now close the findings they raised. */
async function raiseFindings(ctx: Ctx, a: AssessmentDoc, at: Date) {
  const s = await settings.getSettings();
  const controls = await controlsOf(a._id);
  const byId = new Map(controls.map((c) => [c.id, c]));
  const failures = a.results.filter((r) => r.result && FAILING.includes(r.result)).map((r) => {
    const c = byId.get(r.controlId)!;
    return { controlId: c.id, ref: c.ref, title: c.title, requirement: c.requirement, severity: c.severity, result: r.result as 'partial' | 'not_met', note: r.note };
  });
  const inspector = a.submittedBy ? (await users.namesOf([a.submittedBy]))[a.submittedBy] : undefined;
  return findings.syncFromAssessment(ctx, {
    assessmentId: a._id.toString(), system: a.system.toString(), organization: a.organization.toString(), systemCode: a.systemCode, inspector,
    level: a.level, at, controls: controls.map((c) => c.id), slaDays: (sev) => settings.slaDaysFor(s, sev, a.level),
  }, failures);
}

export async function submit(ctx: Ctx, id: string, expectedVersion?: number) {
  const { after } = await transition(ctx, id, { to: 'submitted', expectedVersion });
  const raised = await raiseFindings(ctx, after, after.submittedAt!);
  await systemStale(after.system.toString());
  return { ...view(after), findings: raised };
}

export async function approve(ctx: Ctx, id: string, expectedVersion?: number) {
  const { after } = await transition(ctx, id, { to: 'approved', expectedVersion });
  // re-run of the submit step's side effects: idempotent, and completes them after a crash
  await raiseFindings(ctx, after, after.submittedAt ?? after.approvedAt!);
  const system = after.system.toString();
  await systems.recordApproval(system, after._id, after.approvedAt!, async (current) => {
    const cur = await Assessment.findById(current, { approvedAt: 1 }).lean();
    return !cur?.approvedAt || cur.approvedAt <= after.approvedAt!;
  });
  await systems.releaseAssessmentSlot(system, id);
  await systemStale(system);
  return view(after);
}

export async function returnToInspector(ctx: Ctx, id: string, reason: string, expectedVersion?: number) {
  return view((await transition(ctx, id, { to: 'returned', reason, expectedVersion })).after);
}

export async function remove(ctx: Ctx, id: string) {
  const a = await load(ctx, id);
  if (a.status !== 'draft') throw illegal(a, 'delete');
  // conditioned on the version read: a result saved meanwhile keeps the assessment
  if (!(await store.deleteById(Assessment, a._id, a.version))) throw changedConcurrently();
  await store.deleteById(AssessmentControls, a._id);
  const files = await evidence.removeAllFor(id);
  await systems.releaseAssessmentSlot(a.system.toString(), id, { deleted: true });
  await audit.record(ctx, { action: 'assessment.delete', entity: 'assessment', entityId: id, before: { system: a.system, status: a.status, files } });
  await systemStale(a.system.toString());
}

/** An assessment's header (no results or history), for summaries. */
export async function header(id: string) {
  return Assessment.findById(id, { results: 0, history: 0 }).lean();
}
