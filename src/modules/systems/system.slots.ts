import type { Types } from 'mongoose';
import { System, type SystemDoc } from './system.model';
import { AppError } from '../../http/errors';
import * as store from '../../db/store';
import { NOUN } from '../../shared/words';

type Slot = 'activeAssessment' | 'activeScan';

/**
 * Takes one of the system's single-holder slots (the open assessment, the running scan) for `id`.
 * A holder that is gone or finished (`isStale`) is replaced; otherwise returns the holder's id.
 */
async function claimSlot(systemId: string, slot: Slot, id: Types.ObjectId, isStale: (holder: string) => Promise<boolean>, extra: Record<string, unknown> = {}): Promise<string | undefined> {
  let holder: string | undefined;
  const m = await store.mutate<SystemDoc>(System, systemId, async (s) => {
    holder = undefined;
    const current = s[slot];
    // a claim younger than a minute may belong to a record still being created
    const since = s[`${slot}Since`];
    const young = since && Date.now() - since.getTime() < 60_000;
    if (current && (young || !(await isStale(current.toString())))) {
      holder = current.toString();
      return null;
    }
    return { $set: { [slot]: id, [`${slot}Since`]: new Date() }, ...extra };
  });
  if (!m) throw AppError.notFound(NOUN.system);
  return holder;
}

/** Frees the slot if `id` holds it, with more changes in the same write. */
async function releaseSlot(systemId: string, slot: Slot, id: string, more: (holds: boolean) => Record<string, unknown> | null): Promise<void> {
  await store.mutate<SystemDoc>(System, systemId, (s) => {
    const holds = s[slot]?.toString() === id;
    const update = more(holds) ?? {};
    if (!holds && !Object.keys(update).length) return null;
    return { ...update, $set: { ...(update.$set as object), ...(holds && { [slot]: null }) } };
  });
}

/** The system's single open assessment; returns the holder when another one is open. */
export function claimAssessmentSlot(systemId: string, assessmentId: Types.ObjectId, isStale: (holder: string) => Promise<boolean>) {
  return claimSlot(systemId, 'activeAssessment', assessmentId, isStale, { $inc: { assessmentCount: 1 } });
}

/** Frees the slot if `assessmentId` holds it; `deleted`: the assessment no longer exists at all. */
export function releaseAssessmentSlot(systemId: string, assessmentId: string, opts: { deleted?: boolean } = {}): Promise<void> {
  return releaseSlot(systemId, 'activeAssessment', assessmentId, () => (opts.deleted ? { $inc: { assessmentCount: -1 } } : null));
}

/** The system's single running scan; returns the holder when another one runs. */
export function claimScanSlot(systemId: string, runId: Types.ObjectId, isStale: (holder: string) => Promise<boolean>) {
  return claimSlot(systemId, 'activeScan', runId, isStale);
}

/** Frees the scan slot if `runId` holds it. */
export function releaseScanSlot(systemId: string, runId: string): Promise<void> {
  return releaseSlot(systemId, 'activeScan', runId, () => null);
}

