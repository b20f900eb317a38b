import type { Severity } from '../../shared/enums';

/** What issuing a certificate depends on, gathered by the service. */
export interface IssueFacts {
  now: Date;
  system: { status: string; level: number };
  /** the system's newest approved assessment, if any */
  approved?: { id: string; level: number; metAllCriteria: boolean; partial: number; notMet: number; approvedAt: Date };
  /** when the level's re-assessment period after that approval ends */
  reassessmentDue?: Date;
  openFindings: Record<Severity, number>;
  /** the certificate the system holds now, if any */
  current?: { number: string; assessment: string; status: string };
}

export interface Unmet { code: string; message: string }

/**
 * DESIGN §2: a certificate is issued for a system whose latest approved assessment met all
 * criteria and which has no open critical or high finding. Every condition that fails is listed,
 * so the admin sees all that stands in the way at once.
 */
export function unmetConditions(f: IssueFacts): Unmet[] {
  const out: Unmet[] = [];
  if (f.system.status !== 'active') out.push({ code: 'system_decommissioned', message: 'The system is decommissioned' });
  const a = f.approved;
  if (!a) {
    out.push({ code: 'no_approved_assessment', message: 'The system has no approved assessment' });
  } else {
    if (!a.metAllCriteria) out.push({ code: 'criteria_not_met', message: `The latest approved assessment did not meet all criteria (${a.partial} partially met, ${a.notMet} not met)` });
    if (a.level !== f.system.level) out.push({ code: 'level_changed', message: `The latest approved assessment was made at level ${a.level}; the system is now level ${f.system.level}` });
    if (f.reassessmentDue && f.reassessmentDue.getTime() <= f.now.getTime()) {
      out.push({ code: 'reassessment_overdue', message: `The re-assessment was due on ${f.reassessmentDue.toISOString().slice(0, 10)}` });
    }
  }
  const blocking = f.openFindings.critical + f.openFindings.high;
  if (blocking > 0) out.push({ code: 'open_critical_or_high_findings', message: `${f.openFindings.critical} critical and ${f.openFindings.high} high findings are open` });
  if (a && f.current && f.current.assessment === a.id && ['valid', 'suspended'].includes(f.current.status)) {
    out.push({ code: 'already_certified', message: `Certificate ${f.current.number} was issued on this assessment` });
  }
  return out;
}

/** What a certificate's status should be now, given what it is and the system's open findings. */
export function statusNow(c: { status: string; expiresAt: Date }, openCriticalHigh: number, now: Date): 'valid' | 'suspended' | 'revoked' | 'expired' {
  if (c.status === 'revoked' || c.status === 'expired') return c.status;
  if (c.expiresAt.getTime() <= now.getTime()) return 'expired';
  return openCriticalHigh > 0 ? 'suspended' : 'valid';
}
