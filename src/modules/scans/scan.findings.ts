import { Types } from 'mongoose';
import { Finding, type FindingDoc } from '../findings/finding.model';
import * as lifecycle from '../findings/finding.lifecycle';
import { dueFrom } from '../findings/finding.workflow';
import * as checklists from '../checklists/checklist.service';
import * as settings from '../settings/settings.service';
import type { SystemDoc } from '../systems/system.model';
import type { CheckResult, FindingCounts } from './scan.model';
import type { Failure } from './checks/types';
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
const coveredBy = (check: string) => (check === 'http.headers' ? ['http.headers', 'http.disclosure', 'http.cookies'] : [check]);

const worst = (fs: Failure[]): Severity => SEVERITIES.find((s) => fs.some((f) => f.severity === s)) ?? 'low';
const STILL_OPEN = ['open', 'in_remediation', 'reopened'];
const CAN_VERIFY = ['open', 'in_remediation', 'reopened', 'resolved'];

export const scanFindingKey = (system: string, scanCheck: string, target: string) => `scan:${system}:${scanCheck}:${target}`;

/**
 * Turns a run's results into findings, all through the finding lifecycle: a failure opens a
 * finding keyed by (system, check, target) — its _id derives from that key, so a repeat sighting,
 * a re-run after a crash or a second instance can never make a twin — or refreshes it; a resolved
 * one that still fails reopens, as does a verified one that fails again; one that no longer fails
 * is verified with the run as evidence. Results the probe could not obtain ('error') change nothing.
 */
export async function applyResults(system: SystemDoc, runId: Types.ObjectId, results: CheckResult[], evidenceUrl: string): Promise<FindingCounts> {
  const ctx = { actor: systemActor('scanner') };
  const counts: FindingCounts = { opened: 0, refreshed: 0, verified: 0, reopened: 0 };
  const { controls } = await checklists.controlsFor(await settings.activeChecklistId(), system.level);
  const controlOf = new Map(controls.filter((c) => c.scanCheck).map((c) => [c.scanCheck!, c]));
  const s = await settings.getSettings();
  const id = system._id.toString();
  const now = new Date();
  const evidence = [{ url: evidenceUrl, title: `Scan run ${runId}` }];
  for (const r of results) {
    if (r.status === 'error') continue;
    for (const scanCheck of coveredBy(r.check)) {
      const failures = r.failures.filter((f) => scanCheckOf(r.check, f) === scanCheck);
      const dedupeKey = scanFindingKey(id, scanCheck, r.target);
      const _id = lifecycle.idFor(dedupeKey);
      const existing = await Finding.findById(_id, { status: 1 }).lean<Pick<FindingDoc, 'status'>>();
      const description = failures.map((f) => `- ${f.message}`).join('\n');
      if (failures.length && !existing) {
        const control = controlOf.get(scanCheck);
        const severity = worst(failures);
        const raised = await lifecycle.raise(ctx, {
          _id, system: system._id, organization: system.organization, systemCode: system.code, level: system.level,
          source: { type: 'scan', scanRun: runId, check: scanCheck, target: r.target }, control: control?.id,
          title: `${control ? `${control.ref} ` : ''}${scanCheck} failed on ${r.target}`, description, severity,
          dueAt: dueFrom(now, settings.slaDaysFor(s, severity, system.level)), dedupeKey, firstSeenAt: now, lastSeenAt: now, createdBy: 'scanner',
        }, `Raised by scan run ${runId}`);
        if (raised) counts.opened++;
      } else if (failures.length && existing) {
        if (['resolved', 'verified'].includes(existing.status)) {
          if (await lifecycle.autoTransition(ctx, _id.toString(), 'reopened', `Still failing in scan run ${runId}:\n${description}`, evidence)) counts.reopened++;
        } else {
          await lifecycle.sightedAgain(_id.toString(), { at: now, description, scanRun: runId });
          if (STILL_OPEN.includes(existing.status)) counts.refreshed++;
        }
      } else if (existing && CAN_VERIFY.includes(existing.status)) {
        if (await lifecycle.autoTransition(ctx, _id.toString(), 'verified', `No longer seen by scan run ${runId}`, evidence)) counts.verified++;
      }
    }
  }
  return counts;
}
