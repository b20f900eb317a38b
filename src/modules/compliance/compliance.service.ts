import * as assessments from '../assessments/assessment.service';
import * as findings from '../findings/finding.service';
import * as systems from '../systems/system.service';
import * as settings from '../settings/settings.service';
import type { Compliance, SystemDoc } from '../systems/system.model';
import { OPEN } from '../assessments/assessment.workflow';
import { on } from '../../shared/events';
import { registerDerived } from '../../db/derived';
import * as cache from '../../db/cache';
import * as store from '../../db/store';
import { System } from '../systems/system.model';
import { canonicalJson } from '../../shared/canonical';
import type { ComplianceState } from '../../shared/enums';

export function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
}

/**
 * A system's compliance summary, derived from what it points at: its open assessment, its newest
 * approved assessment, its open findings (from the board) and the level rules. Reads by _id only.
 * "Met all criteria": the latest approved assessment met every applicable control and the system
 * has no open critical or high finding.
 */
async function compute(system: SystemDoc): Promise<Compliance> {
  const id = system._id.toString();
  const [open, latest, counts, s] = await Promise.all([
    system.activeAssessment ? assessments.header(system.activeAssessment.toString()) : undefined,
    system.lastApprovedAssessment ? assessments.header(system.lastApprovedAssessment.toString()) : undefined,
    findings.openCountsBySystem(id),
    settings.getSettings(),
  ]);
  const approved = latest?.status === 'approved' ? latest : undefined;
  const metAllCriteria = approved ? !!approved.summary?.metAllCriteria && counts.critical === 0 && counts.high === 0 : undefined;
  let state: ComplianceState;
  if (open && OPEN.includes(open.status)) state = 'in_assessment';
  else if (!approved) state = 'not_assessed';
  else if (system.certificate?.status === 'valid' && metAllCriteria) state = 'certified';
  else state = metAllCriteria ? 'compliant' : 'non_compliant';
  return {
    state,
    openFindings: counts,
    ...(approved && {
      lastAssessment: approved._id,
      lastAssessedAt: approved.approvedAt,
      metAllCriteria,
      assessmentMetAllCriteria: !!approved.summary?.metAllCriteria,
      score: approved.summary?.score,
      nextAssessmentDue: addMonths(approved.approvedAt!, settings.reassessmentMonthsFor(s, system.level)),
    }),
    ...(system.certificate && ['valid', 'suspended'].includes(system.certificate.status) && { certificate: system.certificate.id }),
    // the last approved assessment used another level's checklist
    needsReassessment: approved ? approved.level !== system.level : !!system.compliance?.needsReassessment,
  };
}

/** Recomputes and stores a system's summary; safe to call any number of times, from anywhere. */
export function refresh(systemId: string): Promise<Compliance | undefined> {
  return systems.refreshCompliance(systemId, compute);
}

const onStale = async ({ systemId }: { systemId: string }) => { await refresh(systemId); };

/** Subscribes the summary to the changes it derives from (idempotent; called by the app). */
export function subscribe(): void {
  on('system.stale', onStale);
}

// null and missing say the same, and so do a missing and a false needsReassessment (summaries
// written before the flag existed lack it)
const text = (x: unknown) => canonicalJson(JSON.parse(JSON.stringify(x ?? null), (k, v: unknown) => (v === null || (k === 'needsReassessment' && v === false) ? undefined : v)));

// every system's summary must be what its sources say now
registerDerived({
  name: 'compliance',
  source: 'each system\'s open and newest approved assessments, its open findings, its certificate and the level rules',
  // a refresh retries for up to MUTATE_BUDGET_MS while its system is being written by others
  settleMs: store.MUTATE_BUDGET_MS + 2000,
  async check() {
    const systems = await cache.all<SystemDoc>(System);
    const differences = [];
    for (const s of systems) {
      const want = await compute(s);
      if (text(want) !== text(s.compliance)) {
        const fields = Object.keys({ ...want, ...s.compliance }).filter((k) => text((want as unknown as Record<string, unknown>)[k]) !== text((s.compliance as unknown as Record<string, unknown> | undefined)?.[k]));
        // the values are part of the reason: a summary that keeps moving is not one difference seen twice
        const show = (o: unknown) => JSON.stringify(Object.fromEntries(fields.map((k) => [k, (o as Record<string, unknown> | undefined)?.[k]])));
        differences.push({ id: s._id.toString(), reason: `summary differs in ${fields.join(', ')}: stored ${show(s.compliance)}, sources say ${show(want)}` });
      }
    }
    return { checked: systems.length, differences };
  },
  async repair(differences) {
    let n = 0;
    for (const d of differences) if (await refresh(d.id)) n++;
    return n;
  },
});
