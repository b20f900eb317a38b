import type { Types } from 'mongoose';
import { ScanRun, type ScanRunDoc, type ScanStatus } from './scan.model';
import { SCAN_TRANSITIONS, checkScanTransition } from './scan.workflow';
import * as index from './scan.index';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import * as store from '../../db/store';

/**
 * Every status change of a scan run: by the transition table (scan.workflow.ts), conditioned on the
 * run as read, then its stubs in the lists (scan.index.ts). An illegal move is a 409 for a caller
 * that asked for it; `automatic` moves (the runner finishing, a sweep interrupting) that a
 * concurrent change made illegal return undefined and change nothing.
 */
export async function change(runId: Types.ObjectId | string, to: ScanStatus, set: Partial<ScanRunDoc> = {}, opts: { automatic?: boolean } = {}): Promise<ScanRunDoc | undefined> {
  let refused = false;
  const m = await store.mutate<ScanRunDoc>(ScanRun, runId, (r) => {
    const check = checkScanTransition(r.status, to);
    if (check.ok) return { $set: { ...set, status: to } };
    if (opts.automatic) { refused = true; return null; }
    throw AppError.conflict(check.text, { status: r.status, allowedTransitions: SCAN_TRANSITIONS[r.status] });
  });
  if (!m) throw AppError.notFound(NOUN.scan);
  if (refused || m.after === m.before) return undefined;
  await index.put(m.after);
  return m.after;
}
