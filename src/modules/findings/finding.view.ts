import type { FindingDoc } from './finding.model';
import { FINDING_TRANSITIONS, movesFor } from './finding.workflow';
import * as users from '../users/user.service';
import { serialize } from '../../db/serialize';
import type { Ctx } from '../../shared/actor';
import { OPEN_FINDING_STATUSES } from '../../shared/enums';

/**
 * A finding as the API shows it: `allowedTransitions` are the moves the caller's roles allow, and
 * `requests` the requests they may file now (the same rules requestRiskAcceptance / requestExtension apply).
 */
export const view = (f: FindingDoc, roles?: Ctx['actor']['roles']) => ({
  ...serialize<Record<string, unknown>>(f),
  overdue: OPEN_FINDING_STATUSES.includes(f.status) && f.dueAt.getTime() < Date.now(),
  allowedTransitions: roles ? movesFor(f.status, roles) : FINDING_TRANSITIONS[f.status],
  ...(roles && { requests: {
    riskAcceptance: FINDING_TRANSITIONS[f.status].includes('risk_accepted') && (roles.includes('owner') || roles.includes('inspector')),
    extension: roles.includes('owner') && OPEN_FINDING_STATUSES.includes(f.status) && !(f.extension && !f.extension.decision),
  } }),
});

/** The finding with the names of the people on it (assignee, history, requests) as `people`. */
export async function withPeople(ctx: Ctx, f: FindingDoc) {
  const ids = [f.assignee, f.riskAcceptance?.requestedBy, f.riskAcceptance?.approvedBy, f.extension?.requestedBy, f.extension?.decidedBy, ...f.history.map((h) => h.by),
    // an assignment recorded before history lines named people kept the assignee's id as its comment
    ...f.history.filter((h) => h.action === 'assigned' && !h.text).map((h) => h.comment)]
    .filter(Boolean).map(String);
  return { ...view(f, ctx.actor.roles), people: await users.namesOf(ids) };
}

