import { Finding, type FindingDoc } from '../findings/finding.model';
import * as lifecycle from '../findings/finding.lifecycle';
import * as checklists from '../checklists/checklist.service';
import * as settings from '../settings/settings.service';
import { ScanRun, type CheckResult } from './scan.model';
import { coveredBy, legacyScanKey, scanCheckOf, scanFindingKey, textsOf } from './scan.findings';
import { problemsOf, type Problem } from './problems';
import { systemActor } from '../../shared/actor';
import type { Bilingual } from '../../shared/bilingual';

const STILL_OPEN = ['open', 'in_remediation', 'reopened'];
type Legacy = Pick<FindingDoc, '_id' | 'system' | 'organization' | 'systemCode' | 'level' | 'source' | 'control' | 'status' | 'dedupeKey' | 'assignee' | 'dueAt' | 'firstSeenAt' | 'lastSeenAt'>;

/** The problems the run that last saw a legacy finding reported for its check and target. */
async function problemsSeen(f: Legacy): Promise<Problem[]> {
  if (!f.source.scanRun || !f.source.check || !f.source.target) return [];
  const run = await ScanRun.findById(f.source.scanRun, { results: 1 }).lean<{ _id: unknown; results?: CheckResult[] }>();
  const r = run?.results?.find((x) => x.target === f.source.target && coveredBy(x.check).includes(f.source.check!));
  return r ? problemsOf(f.source.check, r.failures.filter((x) => scanCheckOf(r.check, x) === f.source.check)) : [];
}

const whole = (check: string): Problem => ({
  key: 'all', failures: [],
  title: { vi: `Kiểm tra tự động ${check} không đạt (trước khi tách theo từng vấn đề)`, en: `Automated check ${check} failed (before findings were kept per problem)` },
  fix: { vi: 'Chạy lại lần quét để tách các vấn đề còn lại thành từng phát hiện riêng.', en: 'Run the scan again to split what remains into one finding per problem.' },
});

/** The history line of a migrated finding: the problem it now follows, and how many were split off. */
const movedWords = (p: Problem, others: number): Bilingual => ({
  vi: `Mỗi vấn đề một phát hiện: phát hiện này nay theo dõi “${p.title.vi}”${others ? `; ${others} vấn đề khác thấy cùng lúc có phát hiện riêng` : ''}.`,
  en: `One finding per problem: this finding now follows “${p.title.en}”${others ? `; ${others} other problem(s) seen with it have findings of their own` : ''}.`,
});
/** The history line of a finding split off: names the finding it came from by what that one now follows. */
const splitWords = (from: Problem): Bilingual => ({
  vi: `Tách ra từ phát hiện “${from.title.vi}” khi các phát hiện của lần quét được giữ theo từng vấn đề.`,
  en: `Split from the finding “${from.title.en}” when scan findings became one per problem.`,
});

/**
 * Scan findings made before one finding per problem (key scan:<system>:<check>:<target>) become
 * per-problem findings: the finding keeps its id, status, history and deadline and follows the
 * worst problem the run that last saw it reported; while it is still open, each other problem of
 * that run gets its own finding with the same assignee and deadline. A verified (or resolved, or
 * accepted) finding stays as it is, with the new key and words. Safe to run at every start and
 * beside other instances: a finding already re-keyed is left alone, a split finding is raised once.
 */
export async function migrateScanFindings(): Promise<{ migrated: number; split: number }> {
  const legacy = (await Finding.find({ 'source.type': 'scan' }, { history: 0, auditIntents: 0, description: 0 }).lean<Legacy[]>())
    .filter((f) => f.source.check && f.source.target && f.dedupeKey === legacyScanKey(f.system.toString(), f.source.check, f.source.target));
  if (!legacy.length) return { migrated: 0, split: 0 };
  const ctx = { actor: systemActor('migration') };
  const checklistId = await settings.activeChecklistId();
  let migrated = 0;
  let split = 0;
  for (const f of legacy) {
    const check = f.source.check!;
    const target = f.source.target!;
    const control = f.control ? (await checklists.controlsFor(checklistId, f.level)).controls.find((c) => c.id === f.control) : undefined;
    const seen = await problemsSeen(f);
    const [first, ...others] = seen.length ? seen : [whole(check)];
    const { description, ...texts } = textsOf(first, target, control);
    const keyOf = (p: Problem) => scanFindingKey(f.system.toString(), check, target, p.key);
    const moved = await lifecycle.migrate(ctx, f._id.toString(), (cur) => (cur.dedupeKey !== f.dedupeKey ? null : {
      $set: { dedupeKey: keyOf(first), 'source.problem': first.key, description, ...texts },
    }), movedWords(first, others.length && STILL_OPEN.includes(f.status) ? others.length : 0));
    if (moved) migrated++;
    if (!STILL_OPEN.includes(f.status)) continue;
    for (const p of others) {
      const t = textsOf(p, target, control);
      const raised = await lifecycle.raise(ctx, {
        _id: lifecycle.idFor(keyOf(p)), system: f.system, organization: f.organization, systemCode: f.systemCode, level: f.level,
        source: { ...f.source, problem: p.key }, control: f.control, ...t, severity: p.failures.some((x) => x.severity === 'critical') ? 'critical' : p.failures[0]?.severity ?? 'medium',
        assignee: f.assignee, dueAt: f.dueAt, dedupeKey: keyOf(p), firstSeenAt: f.firstSeenAt, lastSeenAt: f.lastSeenAt, createdBy: 'scanner',
      }, splitWords(first));
      if (raised) split++;
    }
  }
  return { migrated, split };
}
