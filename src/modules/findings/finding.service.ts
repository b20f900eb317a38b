import { Types } from 'mongoose';
import { Finding } from './finding.model';
import * as audit from '../audit/audit.service';
import { OPEN_FINDING_STATUSES, Severity } from '../../shared/enums';
import type { Ctx } from '../../shared/actor';
import { withLock } from '../../db/lock';

const DAY = 86_400_000;

export interface AssessmentFailure {
  controlId: string; ref: string; title: string; requirement: string; severity: Severity; result: 'partial' | 'not_met'; note?: string;
}

export interface AssessmentContext {
  assessmentId: string; system: string; organization: string; systemCode: string; level: number; at: Date;
  slaDays: (severity: Severity) => number;
}

/**
 * Turns failing results of an assessment into findings. Idempotent: keyed by assessment and
 * control (a unique key), so a repeated or resumed call never creates a twin. Findings of this assessment
 * whose control is no longer failing (after a return and resubmission) are verified.
 */
export async function syncFromAssessment(ctx: Ctx, a: AssessmentContext, failures: AssessmentFailure[]): Promise<{ created: number; closed: number }> {
  const by = ctx.actor.id;
  let created = 0;
  const keyOf = (controlId: string) => `assessment:${a.assessmentId}:${controlId}`;
  // one query for all keys: on FerretDB every non-_id filter is a collection scan
  const known = new Map((await Finding.find({ dedupeKey: { $in: failures.map((f) => keyOf(f.controlId)) } }, { dedupeKey: 1 }).lean())
    .map((x) => [x.dedupeKey, x._id]));
  for (const f of failures) {
    const dedupeKey = keyOf(f.controlId);
    const description = `${f.result === 'partial' ? 'Partially met' : 'Not met'}: ${f.requirement}${f.note ? `\nInspector's note: ${f.note}` : ''}`;
    const existing = known.get(dedupeKey);
    if (existing) {
      // the finding may be worked on meanwhile: change it only under its lock (see db/lock.ts)
      await withLock(`finding:${existing}`, () => Finding.updateOne({ _id: existing }, { $set: { description, lastSeenAt: a.at } }));
      continue;
    }
    try {
      const doc = await Finding.create({
        system: new Types.ObjectId(a.system), organization: new Types.ObjectId(a.organization), systemCode: a.systemCode, level: a.level,
        source: { type: 'assessment', assessment: new Types.ObjectId(a.assessmentId) }, control: f.controlId,
        title: `${f.ref} ${f.title}`, description, severity: f.severity, status: 'open',
        dueAt: new Date(a.at.getTime() + a.slaDays(f.severity) * DAY), dedupeKey, firstSeenAt: a.at, lastSeenAt: a.at, createdBy: by,
        history: [{ at: a.at, by, action: 'created', to: 'open', comment: `Raised by assessment ${a.assessmentId}` }], version: 0,
      });
      created++;
      await audit.record(ctx, { action: 'finding.create', entity: 'finding', entityId: doc._id.toString(), after: { dedupeKey, severity: f.severity, control: f.controlId } });
    } catch (err) {
      // created by a concurrent run of this same step: the unique key kept it single
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  const failing = failures.map((f) => f.controlId);
  const stale = await Finding.find({ 'source.assessment': new Types.ObjectId(a.assessmentId), status: 'open', control: { $nin: failing } }, { _id: 1 }).lean();
  let closed = 0;
  for (const s of stale) {
    const done = await withLock(`finding:${s._id}`, async () => {
      const cur = await Finding.findById(s._id, { status: 1 }).lean();
      if (cur?.status !== 'open') return false;
      await Finding.updateOne({ _id: s._id }, {
        $set: { status: 'verified' }, $inc: { version: 1 },
        $push: { history: { at: a.at, by, action: 'transition', from: 'open', to: 'verified', comment: 'Control met when the assessment was resubmitted' } },
      });
      return true;
    });
    if (!done) continue;
    closed++;
    await audit.record(ctx, { action: 'finding.transition', entity: 'finding', entityId: s._id.toString(), after: { from: 'open', to: 'verified' } });
  }
  return { created, closed };
}

export type OpenCounts = Record<Severity, number>;

export async function openCountsBySystem(systemId: string): Promise<OpenCounts> {
  const rows = await Finding.aggregate<{ _id: Severity; n: number }>([
    { $match: { system: new Types.ObjectId(systemId), status: { $in: OPEN_FINDING_STATUSES } } },
    { $group: { _id: '$severity', n: { $sum: 1 } } },
  ]);
  const counts: OpenCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const r of rows) counts[r._id] = r.n;
  return counts;
}

export async function listForAssessment(assessmentId: string) {
  return Finding.find({ 'source.assessment': new Types.ObjectId(assessmentId) }, { history: 0 }).sort({ control: 1 }).lean();
}
