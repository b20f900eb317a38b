import { Types } from 'mongoose';
import { Finding, FindingDoc } from './finding.model';
import * as lifecycle from './finding.lifecycle';
import * as board from './finding.board';
import * as store from '../../db/store';
import { OPEN_FINDING_STATUSES, Severity } from '../../shared/enums';
import type { Ctx } from '../../shared/actor';
import { dependsOnSystems } from '../../shared/events';
import { controlFindingTexts, metOnResubmission, raisedByAssessment, type FailingControl } from './finding.texts';

const DAY = 86_400_000;

export interface AssessmentFailure extends FailingControl {
  controlId: string; severity: Severity;
}

export interface AssessmentContext {
  assessmentId: string; system: string; organization: string; systemCode: string; level: number; at: Date;
  /** the name of the inspector who submitted it (history lines name people, not ids) */
  inspector?: string;
  /** every control of the assessment: those not failing any more close their open findings */
  controls: string[];
  slaDays: (severity: Severity) => number;
}

const keyOf = (assessmentId: string, controlId: string) => `assessment:${assessmentId}:${controlId}`;

/**
 * Turns failing results of an assessment into findings, through the finding lifecycle.
 * Idempotent: a finding's _id derives from (assessment, control), so a repeated or resumed call
 * never creates a twin. Findings of this assessment whose control is met now (after a return and
 * resubmission) are verified with the resubmission as evidence.
 */
export async function syncFromAssessment(ctx: Ctx, a: AssessmentContext, failures: AssessmentFailure[]): Promise<{ created: number; closed: number }> {
  let created = 0;
  for (const f of failures) {
    const dedupeKey = keyOf(a.assessmentId, f.controlId);
    const _id = lifecycle.idFor(dedupeKey);
    const { description, ...texts } = controlFindingTexts(f);
    if (await Finding.exists({ _id })) {
      await lifecycle.sightedAgain(_id.toString(), { at: a.at, description, texts });
      continue;
    }
    const raised = await lifecycle.raise(ctx, {
      _id, system: new Types.ObjectId(a.system), organization: new Types.ObjectId(a.organization), systemCode: a.systemCode, level: a.level,
      source: { type: 'assessment', assessment: new Types.ObjectId(a.assessmentId) }, control: f.controlId,
      ...texts, description, severity: f.severity,
      dueAt: new Date(a.at.getTime() + a.slaDays(f.severity) * DAY), dedupeKey, firstSeenAt: a.at, lastSeenAt: a.at, createdBy: ctx.actor.id,
    }, raisedByAssessment(a.systemCode, a.at, a.inspector));
    if (raised) created++;
  }
  const failing = new Set(failures.map((f) => f.controlId));
  const candidates = a.controls.filter((c) => !failing.has(c)).map((c) => lifecycle.idFor(keyOf(a.assessmentId, c)));
  let closed = 0;
  for (const f of await store.findByIds<FindingDoc>(Finding, candidates, { _id: 1, status: 1 })) {
    if (!OPEN_FINDING_STATUSES.includes(f.status)) continue;
    if (await lifecycle.autoTransition(ctx, f._id.toString(), 'verified', metOnResubmission(a.systemCode, a.at))) closed++;
  }
  return { created, closed };
}

export type OpenCounts = Record<Severity, number>;

/** Open findings of a system by severity, from its organization's board. */
export async function openCountsBySystem(systemId: string): Promise<OpenCounts> {
  const counts: OpenCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const e of await board.openEntries({ systems: [systemId] })) {
    if (OPEN_FINDING_STATUSES.includes(e.status)) counts[e.severity]++;
  }
  return counts;
}

/** The findings an assessment raised (board entries of its system, then the documents). */
export async function listForAssessment(assessmentId: string, system?: string) {
  if (!system) return Finding.find({ 'source.assessment': new Types.ObjectId(assessmentId) }, { history: 0 }).sort({ control: 1 }).lean();
  const entries = [...await board.openEntries({ systems: [system] }), ...await board.archivedEntries([system])]
    .filter((e) => e.source.assessment === assessmentId);
  const docs = await store.findByIds<FindingDoc>(Finding, entries.map((e) => new Types.ObjectId(e.id)), { history: 0 });
  return docs.sort((x, y) => (x.control ?? '').localeCompare(y.control ?? ''));
}

// a system's findings are the record: it cannot be deleted while it has any; its (empty) boards go with it
dependsOnSystems({
  name: 'findings',
  async holds(systemId) {
    return (await Finding.exists({ system: new Types.ObjectId(systemId) })) ? { en: 'the system has findings', vi: 'hệ thống đã có phát hiện' } : undefined;
  },
  async remove(systemId) {
    const years = Array.from({ length: new Date().getUTCFullYear() - board.FIRST_YEAR + 1 }, (_, i) => board.FIRST_YEAR + i);
    let n = (await store.deleteById(board.Board, systemId)) ? 1 : 0;
    for (const y of years) if (await store.deleteById(board.Archive, `${systemId}:${y}`)) n++;
    return n;
  },
});
