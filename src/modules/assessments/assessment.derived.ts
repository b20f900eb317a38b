import { Assessment, type AssessmentDoc } from './assessment.model';
import { OPEN } from './assessment.workflow';
import { System, type SystemDoc } from '../systems/system.model';
import { registerDerived, type Difference } from '../../db/derived';
import * as cache from '../../db/cache';
import * as store from '../../db/store';
import { systemStale } from '../../shared/events';

/*
 * What a system keeps of its assessments, for fast reads, must be what its assessments say: the
 * newest approved one (which the compliance summary and the dashboard's "evaluated" derive from),
 * how many exist (a system with any is decommissioned, never deleted), and the open one (the slot
 * a new assessment needs). One scan of the assessments, their results left out.
 */
type Head = Pick<AssessmentDoc, '_id' | 'system' | 'status' | 'approvedAt'>;
interface Want { lastApproved?: string; count: number; open?: string }

async function wanted(): Promise<Map<string, Want>> {
  const out = new Map<string, Want>();
  const newest = new Map<string, number>();
  for (const a of await Assessment.find({}, { system: 1, status: 1, approvedAt: 1 }).lean<Head[]>()) {
    const id = a.system.toString();
    const w = out.get(id) ?? { count: 0 };
    w.count++;
    if (a.status === 'approved' && a.approvedAt && a.approvedAt.getTime() > (newest.get(id) ?? -1)) { newest.set(id, a.approvedAt.getTime()); w.lastApproved = a._id.toString(); }
    if (OPEN.includes(a.status)) w.open = a._id.toString();
    out.set(id, w);
  }
  return out;
}

async function differences(): Promise<{ checked: number; differences: Difference[] }> {
  const [want, systems] = [await wanted(), await cache.all<SystemDoc>(System)];
  const out: Difference[] = [];
  for (const s of systems) {
    const id = s._id.toString();
    const w = want.get(id) ?? { count: 0 };
    if ((s.lastApprovedAssessment?.toString() ?? undefined) !== w.lastApproved) out.push({ id, reason: 'the newest approved assessment it points at is not its newest approved assessment' });
    if ((s.assessmentCount ?? 0) !== w.count) out.push({ id, reason: `counts ${s.assessmentCount ?? 0} assessments, has ${w.count}` });
    if (s.activeAssessment && s.activeAssessment.toString() !== w.open) out.push({ id, reason: 'its open-assessment slot is held by an assessment that is not open' });
  }
  return { checked: systems.length, differences: out };
}

registerDerived({
  name: 'system-assessments',
  source: 'the assessments (each system\'s newest approved one, their number, the open one)',
  check: differences,
  async repair(diffs) {
    const want = await wanted();
    let n = 0;
    for (const id of new Set(diffs.map((d) => d.id))) {
      const w = want.get(id) ?? { count: 0 };
      const m = await store.mutate<SystemDoc>(System, id, (s) => {
        const $set: Record<string, unknown> = { assessmentCount: w.count, lastApprovedAssessment: w.lastApproved ? w.lastApproved : null };
        if (s.activeAssessment && s.activeAssessment.toString() !== w.open) $set.activeAssessment = null;
        return { $set };
      });
      if (m) { n++; await systemStale(id); }
    }
    return n;
  },
});
