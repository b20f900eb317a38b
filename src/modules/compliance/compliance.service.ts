import * as assessments from '../assessments/assessment.service';
import * as findings from '../findings/finding.service';
import * as systems from '../systems/system.service';
import * as settings from '../settings/settings.service';
import type { Compliance } from '../systems/system.model';
import type { ComplianceState } from '../../shared/enums';

export function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
}

/**
 * Recomputes a system's stored compliance summary from its assessments and findings. Called
 * after every approval, finding change and level change; safe to call any number of times.
 * "Met all criteria": the latest approved assessment met every applicable control and the
 * system has no open critical or high finding.
 */
export function refresh(systemId: string): Promise<Compliance | undefined> {
  // computed and written under the system's lock, so a slower refresh never overwrites a newer one
  return systems.withSystemLock(systemId, () => recompute(systemId));
}

async function recompute(systemId: string): Promise<Compliance | undefined> {
  const system = await systems.findById(systemId);
  if (!system) return undefined;
  const [latest, open, counts, s] = await Promise.all([
    assessments.latestApproved(systemId),
    assessments.hasOpen(systemId),
    findings.openCountsBySystem(systemId),
    settings.getSettings(),
  ]);
  const metAllCriteria = latest ? !!latest.summary?.metAllCriteria && counts.critical === 0 && counts.high === 0 : undefined;
  let state: ComplianceState;
  if (open) state = 'in_assessment';
  else if (!latest) state = 'not_assessed';
  else if (system.compliance?.certificate && system.compliance.state === 'certified' && metAllCriteria) state = 'certified';
  else state = metAllCriteria ? 'compliant' : 'non_compliant';
  const compliance: Compliance = {
    state,
    openFindings: counts,
    ...(latest && {
      lastAssessment: latest._id,
      lastAssessedAt: latest.approvedAt,
      metAllCriteria,
      score: latest.summary?.score,
      nextAssessmentDue: addMonths(latest.approvedAt!, settings.reassessmentMonthsFor(s, system.level)),
    }),
    ...(system.compliance?.certificate && { certificate: system.compliance.certificate }),
    // the last approved assessment used another level's checklist
    needsReassessment: latest ? latest.level !== system.level : !!system.compliance?.needsReassessment,
  };
  await systems.setComplianceLocked(systemId, compliance);
  return compliance;
}
