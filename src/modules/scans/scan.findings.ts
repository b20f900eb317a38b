import { Types } from 'mongoose';
import { Finding, type FindingDoc } from '../findings/finding.model';
import * as lifecycle from '../findings/finding.lifecycle';
import { scanName, seenBy } from '../findings/finding.texts';
import { dueFrom } from '../findings/finding.workflow';
import * as checklists from '../checklists/checklist.service';
import * as settings from '../settings/settings.service';
import type { SystemDoc } from '../systems/system.model';
import type { CheckResult, FindingCounts } from './scan.model';
import type { Failure } from './checks/types';
import { problemsOf, type Problem } from './problems';
import { systemActor } from '../../shared/actor';
import { SEVERITIES, type Severity } from '../../shared/enums';

/**
 * The checklist's `scanCheck` a failure gives evidence for. The http.headers probe also sees
 * what the disclosure and cookie controls ask about; everything else maps to its own check.
 */
export function scanCheckOf(check: string, f: Pick<Failure, 'code'>): string {
  if (check !== 'http.headers') return check;
  if (/version-disclosed$/.test(f.code)) return 'http.disclosure';
  if (f.code.startsWith('cookies-')) return 'http.cookies';
  return check;
}
/** The scanChecks a result speaks for, failing or not. */
export const coveredBy = (check: string) => (check === 'http.headers' ? ['http.headers', 'http.disclosure', 'http.cookies'] : [check]);

const worst = (fs: Failure[]): Severity => SEVERITIES.find((s) => fs.some((f) => f.severity === s)) ?? 'low';
const STILL_OPEN = ['open', 'in_remediation', 'reopened'];
const CAN_VERIFY = ['open', 'in_remediation', 'reopened', 'resolved'];

/** Before one finding per problem: one per (system, check, target). Only migration reads these. */
export const legacyScanKey = (system: string, scanCheck: string, target: string) => `scan:${system}:${scanCheck}:${target}`;
export const scanFindingKey = (system: string, scanCheck: string, target: string, problem: string) => `${legacyScanKey(system, scanCheck, target)}#${problem}`;

type ControlText = { ref: string; title: { vi: string; en: string } };
type Texts = Pick<FindingDoc, 'title' | 'titleVi' | 'description' | 'descriptionVi'>;

/** Title and description in both languages: what to do, what was seen where, and the control. */
export function textsOf(p: Pick<Problem, 'title' | 'fix' | 'failures'>, target: string, control?: ControlText): Texts {
  const seen = p.failures.map((f) => `- ${f.message}`).join('\n');
  return {
    title: p.title.en,
    titleVi: p.title.vi,
    description: `${p.fix.en}\n\nSeen at ${target}:\n${seen}${control ? `\n\nControl ${control.ref}: ${control.title.en}` : ''}`,
    descriptionVi: `${p.fix.vi}\n\nPhát hiện tại ${target}:\n${seen}${control ? `\n\nBiện pháp ${control.ref}: ${control.title.vi}` : ''}`,
  };
}

type Known = Pick<FindingDoc, '_id' | 'status' | 'dedupeKey'>;

/** The system's scan findings by dedupe key (one read per run: migrated findings keep their old _id). */
async function knownFindings(system: Types.ObjectId): Promise<Map<string, Known>> {
  const docs = await Finding.find({ system, 'source.type': 'scan' }, { status: 1, dedupeKey: 1 }).lean<Known[]>();
  return new Map(docs.map((d) => [d.dedupeKey, d]));
}

/**
 * Turns a run's results into findings, all through the finding lifecycle: each distinct problem
 * (scans/problems) at a target opens a finding keyed by (system, check, target, problem) — a new
 * one's _id derives from that key, so a repeat sighting, a re-run after a crash or a second
 * instance can never make a twin — or refreshes it (its words follow what is seen now); a resolved
 * one that still fails reopens, as does a verified one that fails again; a problem no longer seen
 * is verified with the run as evidence. Results the probe could not obtain ('error') change nothing.
 */
export async function applyResults(system: SystemDoc, runId: Types.ObjectId, results: CheckResult[], evidenceUrl: string): Promise<FindingCounts> {
  const ctx = { actor: systemActor('scanner') };
  const counts: FindingCounts = { opened: 0, refreshed: 0, verified: 0, reopened: 0 };
  const { controls } = await checklists.controlsFor(await settings.activeChecklistId(), system.level);
  const controlOf = new Map(controls.filter((c) => c.scanCheck).map((c) => [c.scanCheck!, c]));
  const s = await settings.getSettings();
  const id = system._id.toString();
  const known = await knownFindings(system._id);
  const now = new Date();
  const evidence = [{ url: evidenceUrl, title: `Scan run ${runId}` }];
  for (const r of results) {
    if (r.status === 'error') continue;
    for (const scanCheck of coveredBy(r.check)) {
      const control = controlOf.get(scanCheck);
      const problems = problemsOf(scanCheck, r.failures.filter((f) => scanCheckOf(r.check, f) === scanCheck));
      const seenKeys = new Set<string>();
      for (const p of problems) {
        const dedupeKey = scanFindingKey(id, scanCheck, r.target, p.key);
        seenKeys.add(dedupeKey);
        const texts = textsOf(p, r.target, control);
        const existing = known.get(dedupeKey);
        if (!existing) {
          const severity = worst(p.failures);
          const raised = await lifecycle.raise(ctx, {
            _id: lifecycle.idFor(dedupeKey), system: system._id, organization: system.organization, systemCode: system.code, level: system.level,
            source: { type: 'scan', scanRun: runId, check: scanCheck, target: r.target, problem: p.key }, control: control?.id, ...texts, severity,
            dueAt: dueFrom(now, settings.slaDaysFor(s, severity, system.level)), dedupeKey, firstSeenAt: now, lastSeenAt: now, createdBy: 'scanner',
          }, seenBy('raised', scanName(system.code, now)));
          if (raised) counts.opened++;
          continue;
        }
        const fid = existing._id.toString();
        if (['resolved', 'verified'].includes(existing.status)) {
          if (await lifecycle.autoTransition(ctx, fid, 'reopened', seenBy('again', scanName(system.code, now), `:\n${p.failures.map((f) => `- ${f.message}`).join('\n')}`), evidence)) counts.reopened++;
        } else if (STILL_OPEN.includes(existing.status)) counts.refreshed++;
        const { description, ...rest } = texts;
        await lifecycle.sightedAgain(fid, { at: now, description, scanRun: runId, texts: rest });
      }
      // the problems of this check at this target that the run no longer sees
      const prefix = `${legacyScanKey(id, scanCheck, r.target)}#`;
      for (const [key, f] of known) {
        if (!key.startsWith(prefix) || seenKeys.has(key) || !CAN_VERIFY.includes(f.status)) continue;
        if (await lifecycle.autoTransition(ctx, f._id.toString(), 'verified', seenBy('gone', scanName(system.code, now)), evidence)) counts.verified++;
      }
    }
  }
  return counts;
}
