import { Finding, type FindingDoc, type FindingEvent } from './finding.model';
import * as board from './finding.board';
import { controlFindingTexts, metOnResubmission, raisedByAssessment } from './finding.texts';
import * as assessments from '../assessments/assessment.service';
import * as users from '../users/user.service';
import * as audit from '../audit/audit.service';
import type { FrozenControl } from '../checklists/checklist.service';
import * as store from '../../db/store';
import { systemActor } from '../../shared/actor';

type Old = Pick<FindingDoc, '_id' | 'control' | 'source' | 'description' | 'systemCode'>;
interface Origin { controls: Map<string, FrozenControl>; at?: Date; inspector?: string }

const RESULT = /^(Partially met|Not met): /;
const NOTE = "\nInspector's note: ";

/** What the old English description said: the result, and the inspector's note after the requirement. */
function parseDescription(d = ''): { result: 'partial' | 'not_met'; note?: string } {
  const m = RESULT.exec(d);
  const i = d.indexOf(NOTE);
  return { result: m?.[1] === 'Partially met' ? 'partial' : 'not_met', note: i >= 0 ? d.slice(i + NOTE.length) : undefined };
}

async function originOf(assessmentId: string): Promise<Origin> {
  const [controls, header] = await Promise.all([assessments.controlsOf(assessmentId), assessments.header(assessmentId)]);
  const by = header?.submittedBy;
  const inspector = by ? (await users.namesOf([by]))[by] : undefined;
  return { controls: new Map(controls.map((c) => [c.id, c])), at: header?.submittedAt ?? header?.approvedAt, inspector };
}

/** The service's history lines of an old finding in both languages; a person's own words are left as they are. */
function historyLines(history: FindingEvent[], code: string, o: Origin): FindingEvent[] {
  if (!o.at) return history;
  return history.map((h) => {
    if (h.text) return h;
    if (h.action === 'created' && h.comment?.startsWith('Raised by assessment ')) {
      const text = raisedByAssessment(code, o.at!, o.inspector);
      return { ...h, comment: text.en, text };
    }
    if (h.action === 'transition' && h.comment === 'Control met when the assessment was resubmitted') {
      const text = metOnResubmission(code, o.at!);
      return { ...h, comment: text.en, text };
    }
    return h;
  });
}

/**
 * Findings raised from the catalogue before they carried the control's Vietnamese words get them
 * (title, description, and the history lines naming the assessment and the inspector), from the
 * controls frozen with their assessment. Run at every start: it reads only the assessment findings
 * without Vietnamese words, so it costs one query when nothing is left; a finding done meanwhile by
 * another instance is left alone. All that was done is one audit event.
 */
export async function migrateFindingsToBilingual(): Promise<{ migrated: number; skipped: number }> {
  const old = await Finding.find({ 'source.type': 'assessment', titleVi: { $exists: false } }, { _id: 1, control: 1, source: 1, description: 1, systemCode: 1 }).lean<Old[]>();
  if (!old.length) return { migrated: 0, skipped: 0 };
  const origins = new Map<string, Promise<Origin>>();
  const done: string[] = [];
  let skipped = 0;
  for (const f of old) {
    const aid = f.source.assessment?.toString();
    if (!aid || !f.control) { skipped++; continue; }
    if (!origins.has(aid)) origins.set(aid, originOf(aid));
    const o = await origins.get(aid)!;
    const c = o.controls.get(f.control);
    if (!c) { skipped++; continue; }
    const m = await store.mutate<FindingDoc>(Finding, f._id, (cur) => (cur.titleVi ? null : {
      $set: { ...controlFindingTexts({ ref: c.ref, title: c.title, requirement: c.requirement, ...parseDescription(cur.description) }), history: historyLines(cur.history, cur.systemCode, o) },
    }));
    if (!m || m.after === m.before) continue;
    await board.put(m.after, m.before.status);
    done.push(f._id.toString());
  }
  if (done.length) {
    await audit.record({ actor: systemActor('migration') }, {
      action: 'finding.migrate', entity: 'finding', entityId: 'bilingual-catalogue-texts',
      after: { change: 'Vietnamese and English words of the checklist control added to findings raised by assessments', count: done.length, findings: done.slice(0, 500) },
    });
  }
  return { migrated: done.length, skipped };
}
