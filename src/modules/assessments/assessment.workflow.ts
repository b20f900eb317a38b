import type { AssessmentStatus, ResultValue } from '../../shared/enums';

/** The assessment workflow, separate from each control's compliance result. */
export const TRANSITIONS: Record<AssessmentStatus, AssessmentStatus[]> = {
  draft: ['in_progress'],
  in_progress: ['submitted'],
  submitted: ['approved', 'returned'],
  returned: ['in_progress', 'submitted'],
  approved: [],
};

/** Statuses in which results and evidence may still change. */
export const EDITABLE: AssessmentStatus[] = ['draft', 'in_progress', 'returned'];
/** Statuses from which an inspector may submit. */
export const SUBMITTABLE: AssessmentStatus[] = ['in_progress', 'returned'];
/** Statuses of an assessment that is still being worked on. */
export const OPEN: AssessmentStatus[] = ['draft', 'in_progress', 'submitted', 'returned'];

export interface Summary {
  total: number;
  answered: number;
  applicable: number;
  met: number;
  partial: number;
  not_met: number;
  not_applicable: number;
  /** met / applicable, 0–1 with 4 decimals; 1 when nothing is applicable */
  score: number;
  /** every applicable control met: no partial and no not_met */
  metAllCriteria: boolean;
}

export function summarize(results: { result?: ResultValue | null }[]): Summary {
  const s = { total: results.length, answered: 0, met: 0, partial: 0, not_met: 0, not_applicable: 0 };
  for (const r of results) {
    if (!r.result) continue;
    s.answered++;
    s[r.result]++;
  }
  const applicable = s.total - s.not_applicable;
  return {
    ...s,
    applicable,
    score: applicable === 0 ? 1 : Math.round((s.met / applicable) * 10000) / 10000,
    metAllCriteria: s.answered === s.total && s.partial === 0 && s.not_met === 0,
  };
}

/** A note is required for anything but met (a reason for N/A, the gap for partial / not met). */
export function noteRequired(result: ResultValue): boolean {
  return result !== 'met';
}

/** Results that become findings on submission. */
export const FAILING: ResultValue[] = ['partial', 'not_met'];

export type AssessmentCheck = { ok: true } | { ok: false; status: 403 | 409; code?: string; reason: string };

export interface AssessmentMove {
  from: AssessmentStatus;
  to: AssessmentStatus;
  actorId: string;
  /** who submitted it (approval is by someone else: separation of duties) */
  submittedBy?: string;
}

/** Pure rule check of one status change; the lifecycle adds scope, the version check and the write. */
export function checkTransition(m: AssessmentMove): AssessmentCheck {
  if (!TRANSITIONS[m.from].includes(m.to)) return { ok: false, status: 409, reason: `Cannot move an assessment that is ${m.from} to ${m.to}` };
  if (m.to === 'approved' && m.submittedBy === m.actorId) {
    return { ok: false, status: 403, code: 'separation_of_duties', reason: 'The inspector who submitted an assessment cannot approve it' };
  }
  return { ok: true };
}
