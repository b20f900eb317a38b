import os from 'node:os';
import { Types } from 'mongoose';
import { FINISHED, ScanRun, ScanSchedule, type ScanRunDoc, type ScanStatus } from './scan.model';
import { CHECK_IDS, type CheckId } from './checks/types';
import { execute, scannerConfig } from './scan.runner';
import * as index from './scan.index';
import { change } from './scan.lifecycle';
import * as schedules from './scan.schedule';
import * as systems from '../systems/system.service';
import { System, type SystemDoc } from '../systems/system.model';
import * as audit from '../audit/audit.service';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { serialize } from '../../db/serialize';
import { sha256 } from '../../shared/canonical';
import { Ctx, canSee, scopedOrganization, systemActor } from '../../shared/actor';
import { dependsOnSystems } from '../../shared/events';
import { registerDerived, type Difference } from '../../db/derived';
import { ScanIndex, type ScanIndexDoc } from './scan.model';

/** A run whose heartbeat is older than this was left by a process that stopped. */
export const STALE_MS = 2 * 60_000;

/** Executions of this process, so that shutdown can mark them interrupted. */
const inFlight = new Map<string, Promise<void>>();

const isStale = async (holder: string) => {
  const r = await ScanRun.findById(holder, { status: 1, heartbeatAt: 1 }).lean();
  return !r || FINISHED.includes(r.status) || Date.now() - r.heartbeatAt.getTime() > STALE_MS;
};

/**
 * Queues a scan of a system and starts it in this process: 202 with the run. One scan at a time
 * per system (409 while one runs). A scheduled run's _id derives from (system, tick), so of several
 * instances firing the same tick exactly one inserts it: the insert is the lease.
 */
export async function start(ctx: Ctx, systemId: string, opts: { checks?: CheckId[]; tick?: Date } = {}): Promise<{ id: string; status: ScanStatus } | undefined> {
  const system = await systems.get(ctx, systemId);
  if (system.status !== 'active') throw AppError.unprocessable({ en: 'A decommissioned system is not scanned', vi: 'Hệ thống đã ngừng sử dụng thì không được quét' });
  const checks = opts.checks?.length ? opts.checks : (await schedules.effective({ _id: system.id, level: system.level })).checks;
  const _id = opts.tick ? new Types.ObjectId(sha256(`scan:${system.id}@${opts.tick.toISOString()}`).slice(0, 24)) : new Types.ObjectId();
  const now = new Date();
  const run = {
    _id, system: new Types.ObjectId(system.id), organization: new Types.ObjectId(system.organization), systemCode: system.code,
    trigger: opts.tick ? 'schedule' : 'manual', requestedBy: ctx.actor.id, ...(opts.tick && { tick: opts.tick }), status: 'queued',
    checks: CHECK_IDS.filter((c) => checks.includes(c)), refused: [], progress: { done: 0, total: 0 }, results: [],
    instance: scannerConfig().instance, heartbeatAt: now, createdAt: now, version: 0,
  } as const;
  if (!(await store.lease(ScanRun, run))) return undefined;
  const holder = await systems.claimScanSlot(system.id, _id, isStale);
  if (holder) {
    await store.deleteById(ScanRun, _id);
    throw AppError.conflict({ en: 'A scan of this system is running; wait for it to finish', vi: 'Hệ thống đang được quét; hãy chờ lần quét này kết thúc' }, { run: holder });
  }
  await index.put(run as unknown as ScanRunDoc);
  await audit.record(ctx, { action: 'scan.start', entity: 'system', entityId: system.id, after: { run: _id, trigger: run.trigger, checks: run.checks } });
  const p = execute(_id).catch(() => undefined).finally(() => inFlight.delete(_id.toString()));
  inFlight.set(_id.toString(), p);
  return { id: _id.toString(), status: 'queued' };
}

export async function get(ctx: Ctx, id: string) {
  const r = await ScanRun.findById(id).lean();
  if (!r || !canSee(ctx.actor, r.organization)) throw AppError.notFound(NOUN.scan);
  return serialize<Record<string, unknown>>(r);
}

/** Newest first, from the index documents: one system's last 100 runs, or the programme's last 300. */
export async function list(ctx: Ctx, q: { system?: string; status?: ScanStatus; page: number; limit: number }) {
  if (q.system) await systems.get(ctx, q.system);
  const scope = scopedOrganization(ctx.actor);
  const rows = (await index.runsOf(q.system ?? 'recent'))
    .filter((r) => (scope === undefined || r.organization === scope) && (!q.status || r.status === q.status));
  const skip = (q.page - 1) * q.limit;
  return { items: rows.slice(skip, skip + q.limit), total: rows.length, page: q.page, limit: q.limit };
}

/** Marks a run interrupted (if it is still queued or running: the transition table) and frees its system's slot. */
async function interrupt(runId: string, reason: string): Promise<boolean> {
  const after = await change(runId, 'interrupted', { error: reason, finishedAt: new Date() }, { automatic: true });
  if (!after) return false;
  await systems.recordScan(after.system.toString(), { run: after._id, at: after.finishedAt!, status: 'interrupted', failed: 0, errors: 0 });
  await systems.releaseScanSlot(after.system.toString(), runId);
  return true;
}

/** A run's process on this host that no longer exists (the instance id is `host:pid`). */
function processGone(instance: string | undefined): boolean {
  const m = /^(.*):(\d+)$/.exec(instance ?? '');
  if (!m || m[1] !== os.hostname() || Number(m[2]) === process.pid) return false;
  try { process.kill(Number(m[2]), 0); return false; } catch (err) { return (err as NodeJS.ErrnoException).code === 'ESRCH'; }
}

/**
 * Runs left queued or running by a process that stopped: their process on this host is gone (at
 * once), or their heartbeat is older than STALE_MS (any host). Another live instance's runs are
 * left alone, so an instance starting beside others never interrupts their scans.
 */
export async function sweepInterrupted(): Promise<number> {
  let n = 0;
  for (const s of await cache.all<SystemDoc>(System)) {
    if (!s.activeScan) continue;
    const id = s.activeScan.toString();
    if (inFlight.has(id)) continue;
    const r = await ScanRun.findById(id, { status: 1, heartbeatAt: 1, instance: 1 }).lean();
    if (!r) { await systems.releaseScanSlot(s._id.toString(), id); continue; }
    const stale = processGone(r.instance) || Date.now() - r.heartbeatAt.getTime() > STALE_MS;
    if (stale && (await interrupt(id, 'The service stopped while the scan was running'))) n++;
  }
  return n;
}

/** Shutdown: this process's runs will not finish; say so now rather than after STALE_MS. */
export async function stopAll(): Promise<void> {
  await Promise.all([...inFlight.keys()].map((id) => interrupt(id, 'The service was stopped during the scan').catch(() => false)));
}

/** Scheduled scans of this minute: every active system with endpoints whose schedule fires at `tick`. */
export async function dispatch(tick: Date, progress: (done: number, total: number) => Promise<void> = async () => {}): Promise<{ started: number; busy: number; skipped: number }> {
  const ctx = { actor: systemActor('scan-scheduler') };
  const out = { started: 0, busy: 0, skipped: 0 };
  const due: SystemDoc[] = [];
  for (const s of await cache.all<SystemDoc>(System)) {
    if (s.status !== 'active' || !s.endpoints.length) continue;
    const sched = await schedules.effective(s);
    if (sched.enabled && schedules.cronMatches(sched.cron, tick)) due.push(s);
  }
  for (const [i, s] of due.entries()) {
    await progress(i, due.length);
    try {
      if (await start(ctx, s._id.toString(), { tick })) out.started++; else out.skipped++;
    } catch (err) {
      if ((err as AppError).status !== 409) throw err;
      out.busy++;
    }
  }
  return out;
}

/** Waits for this process's running scans (tests, benchmarks). */
export async function settle(): Promise<void> {
  await Promise.all([...inFlight.values()]);
}

// a running scan keeps its system; the runs, their lists and the schedule go with a deleted system
dependsOnSystems({
  name: 'scans',
  async holds(systemId) {
    const s = await systems.findById(systemId);
    if (!s?.activeScan) return undefined;
    const r = await ScanRun.findById(s.activeScan, { status: 1, heartbeatAt: 1 }).lean();
    return r && !FINISHED.includes(r.status) && Date.now() - r.heartbeatAt.getTime() <= STALE_MS ? { en: 'a scan of the system is running', vi: 'hệ thống đang được quét' } : undefined;
  },
  async remove(systemId) {
    let n = 0;
    for (const stub of await index.runsOf(systemId)) if (await store.deleteById(ScanRun, stub.id)) n++;
    await index.forget(systemId);
    if (await store.deleteById(ScanSchedule, systemId)) n++;
    return n;
  },
});

/** Stubs checked per list: the newest few and every unfinished one (older finished runs never change). */
const CHECK_NEWEST = 5;

/**
 * The scan lists against the runs: stubs of runs that do not exist or changed since, lists of systems
 * that do not exist, each system's latest scan and running-scan slot against its runs.
 */
async function scanDifferences(): Promise<{ checked: number; differences: Difference[] }> {
  const systemsAll = new Map((await cache.all<SystemDoc>(System)).map((s) => [s._id.toString(), s]));
  const differences: Difference[] = [];
  let checked = 0;
  for (const d of await ScanIndex.find({}).lean<ScanIndexDoc[]>()) {
    if (d._id !== 'recent' && !systemsAll.has(d._id)) { differences.push({ id: `list:${d._id}`, reason: 'the scan list of a system that does not exist' }); continue; }
    const stubs = d.runs.filter((r, i) => i < CHECK_NEWEST || !FINISHED.includes(r.status));
    for (const stub of stubs) {
      checked++;
      const run = await ScanRun.findById(stub.id, { status: 1, version: 1 }).lean<ScanRunDoc>();
      if (!run) differences.push({ id: `stub:${d._id}:${stub.id}`, reason: 'a stub of a run that does not exist' });
      else if ((run.version ?? 0) > (stub.v ?? -1)) differences.push({ id: `stub:${d._id}:${stub.id}`, reason: `a stub older than its run (${stub.status}, the run is ${run.status})` });
    }
  }
  for (const [id, s] of systemsAll) {
    const newest = (await index.runsOf(id)).find((r) => FINISHED.includes(r.status));
    if (newest && s.lastScan?.run?.toString() !== newest.id && new Date(newest.createdAt).getTime() > new Date(s.lastScan?.at ?? 0).getTime()) {
      differences.push({ id: `last:${id}`, reason: 'the system\'s latest scan is not its newest finished run' });
    }
    if (s.activeScan) {
      const r = await ScanRun.findById(s.activeScan, { status: 1 }).lean<ScanRunDoc>();
      if (!r || FINISHED.includes(r.status)) differences.push({ id: `slot:${id}`, reason: 'the running-scan slot is held by a run that is finished or gone' });
    }
  }
  return { checked, differences };
}

registerDerived({
  name: 'scan-index',
  source: 'the scan runs (the lists of each system and of the programme, each system\'s latest scan and running-scan slot)',
  check: scanDifferences,
  async repair(differences: Difference[]) {
    let n = 0;
    for (const d of differences) {
      const [kind, a, b] = d.id.split(':');
      if (kind === 'list') {
        for (const stub of await index.runsOf(a)) await store.deleteById(ScanRun, stub.id);
        await index.forget(a);
      } else if (kind === 'stub') {
        const run = await ScanRun.findById(b).lean<ScanRunDoc>();
        if (run) await index.put(run); else await index.drop(a, b);
      } else if (kind === 'last') {
        const newest = (await index.runsOf(a)).find((r) => FINISHED.includes(r.status));
        if (newest) await systems.recordScan(a, { run: new Types.ObjectId(newest.id), at: newest.finishedAt ?? newest.createdAt, status: newest.status, grade: newest.summary?.grade, score: newest.summary?.score, failed: newest.summary?.failed ?? 0, errors: newest.summary?.errors ?? 0 });
      } else if (kind === 'slot') {
        const s = await systems.findById(a);
        if (s?.activeScan) await systems.releaseScanSlot(a, s.activeScan.toString());
      }
      n++;
    }
    return n;
  },
});
