import { Types } from 'mongoose';
import { Finding, type FindingDoc } from './finding.model';
import { matching } from './finding.queries';
import * as store from '../../db/store';
import type { Ctx } from '../../shared/actor';
import { OPEN_FINDING_STATUSES, type FindingStatus } from '../../shared/enums';

/** At most this many findings go into one exported plan (a system has a few dozen at worst). */
export const MAX_PLAN_FINDINGS = 2000;

/** The statuses a plan of action lists: still to be fixed, or accepted as a risk for a time. */
export const PLAN_STATUSES: FindingStatus[] = [...OPEN_FINDING_STATUSES, 'risk_accepted'];

/**
 * A system's findings that a plan of action and milestones lists, as full documents without their
 * history, limited to what the actor may see (owners: their organization), oldest first; beyond
 * MAX_PLAN_FINDINGS the newest are left out and counted, so the plan can say so.
 */
export async function forPlan(ctx: Ctx, systemId: string, max = MAX_PLAN_FINDINGS): Promise<{ findings: FindingDoc[]; omitted: number }> {
  const all = (await matching(ctx, { system: systemId, status: PLAN_STATUSES }))
    .sort((x, y) => new Date(x.createdAt).getTime() - new Date(y.createdAt).getTime() || x.id.localeCompare(y.id));
  const entries = all.slice(0, max);
  const docs = await store.findByIds<FindingDoc>(Finding, entries.map((e) => new Types.ObjectId(e.id)), { history: 0 });
  // the board is derived: the documents decide (a finding that moved meanwhile is left out)
  return { findings: docs.filter((d) => d.system.toString() === systemId && PLAN_STATUSES.includes(d.status)), omitted: all.length - entries.length };
}
