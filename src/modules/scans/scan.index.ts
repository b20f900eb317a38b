import { ScanIndex, ScanRun, RECENT_RUNS, RUNS_PER_SYSTEM, type RunStub, type ScanIndexDoc, type ScanRunDoc, FINISHED } from './scan.model';
import * as store from '../../db/store';

export const stubOf = (r: ScanRunDoc): RunStub => ({
  v: r.version ?? 0, id: r._id.toString(), system: r.system.toString(), organization: r.organization.toString(), systemCode: r.systemCode, trigger: r.trigger,
  status: r.status, progress: r.progress, ...(r.summary && { summary: r.summary }), createdAt: r.createdAt, ...(r.finishedAt && { finishedAt: r.finishedAt }),
});

/** Puts the run's stub first in a list (replacing its older stub); returns the stubs that fell off. */
async function putIn(id: string, stub: RunStub, cap: number): Promise<RunStub[]> {
  let dropped: RunStub[] = [];
  const put = () => store.mutate<ScanIndexDoc>(ScanIndex, id, (d) => {
    // a stub is only ever replaced by a newer one (writers of one run's states may race)
    const existing = d.runs.find((r) => r.id === stub.id);
    if (existing && (existing.v ?? -1) >= stub.v) return null;
    const others = d.runs.filter((r) => r.id !== stub.id);
    const runs = [stub, ...others].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
    dropped = runs.slice(cap);
    return { $set: { runs: runs.slice(0, cap) } };
  });
  // the list is created (a lease: one creator) only when it does not exist yet, not before every put
  if (!(await put())) {
    await store.lease(ScanIndex, { _id: id, runs: [], version: 0 });
    await put();
  }
  return dropped;
}

/**
 * Records a run's current state in its system's list and the programme's recent list. Runs that
 * fall off their system's list are deleted: scan history is bounded (RUNS_PER_SYSTEM a system).
 */
export async function put(run: ScanRunDoc): Promise<void> {
  const stub = stubOf(run);
  const dropped = await putIn(stub.system, stub, RUNS_PER_SYSTEM);
  await putIn('recent', stub, RECENT_RUNS);
  for (const old of dropped) if (FINISHED.includes(old.status)) await store.deleteById(ScanRun, old.id);
}

export async function runsOf(key: string): Promise<RunStub[]> {
  return (await ScanIndex.findById(key, { runs: 1 }).lean())?.runs ?? [];
}

/** Drops a deleted system's list and its stubs from the programme's recent list. */
export async function forget(systemId: string): Promise<void> {
  await store.deleteById(ScanIndex, systemId);
  await store.mutate<ScanIndexDoc>(ScanIndex, 'recent', (d) => (d.runs.some((r) => r.system === systemId) ? { $set: { runs: d.runs.filter((r) => r.system !== systemId) } } : null));
}

/** Removes one stub (of a run that no longer exists) from a list. */
export async function drop(listId: string, runId: string): Promise<void> {
  await store.mutate<ScanIndexDoc>(ScanIndex, listId, (d) => (d.runs.some((r) => r.id === runId) ? { $set: { runs: d.runs.filter((r) => r.id !== runId) } } : null));
}
