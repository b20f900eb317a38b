import { Types } from 'mongoose';
import { FINISHED, ScanRun, type ScanRunDoc, type ScanStatus } from './scan.model';
import { CHECK_IDS, type CheckId } from './checks/types';
import { execute, scannerConfig } from './scan.runner';
import * as index from './scan.index';
import * as schedules from './scan.schedule';
import * as systems from '../systems/system.service';
import { System, type SystemDoc } from '../systems/system.model';
import * as audit from '../audit/audit.service';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { AppError } from '../../http/errors';
import { serialize } from '../../db/serialize';
import { sha256 } from '../../shared/canonical';
import { Ctx, canSee, scopedOrganization, systemActor } from '../../shared/actor';

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
  if (system.status !== 'active') throw AppError.unprocessable('A decommissioned system is not scanned');
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
    throw AppError.conflict('A scan of this system is running; wait for it to finish', { run: holder });
  }
  await index.put(run as unknown as ScanRunDoc);
  await audit.record(ctx, { action: 'scan.start', entity: 'system', entityId: system.id, after: { run: _id, trigger: run.trigger, checks: run.checks } });
  const p = execute(_id).catch(() => undefined).finally(() => inFlight.delete(_id.toString()));
  inFlight.set(_id.toString(), p);
  return { id: _id.toString(), status: 'queued' };
}

export async function get(ctx: Ctx, id: string) {
  const r = await ScanRun.findById(id).lean();
  if (!r || !canSee(ctx.actor, r.organization)) throw AppError.notFound('Scan');
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

/** Marks a run interrupted (if it is still queued or running) and frees its system's slot. */
async function interrupt(runId: string, reason: string): Promise<boolean> {
  const m = await store.mutate<ScanRunDoc>(ScanRun, runId, (r) => (FINISHED.includes(r.status) ? null : { $set: { status: 'interrupted', error: reason, finishedAt: new Date() } }));
  if (!m || m.after === m.before) return false;
  await systems.recordScan(m.after.system.toString(), { run: m.after._id, at: m.after.finishedAt!, status: 'interrupted', failed: 0, errors: 0 });
  await index.put(m.after);
  await systems.releaseScanSlot(m.after.system.toString(), runId);
  return true;
}

/**
 * Runs left queued or running by a process that stopped: at start-up of the embedded service
 * (`all`: nothing else can be running them) and, on MongoDB, whenever their heartbeat is stale.
 */
export async function sweepInterrupted(opts: { all?: boolean } = {}): Promise<number> {
  let n = 0;
  for (const s of await cache.all<SystemDoc>(System)) {
    if (!s.activeScan) continue;
    const id = s.activeScan.toString();
    if (inFlight.has(id)) continue;
    const r = await ScanRun.findById(id, { status: 1, heartbeatAt: 1 }).lean();
    const stale = !r || opts.all || Date.now() - r.heartbeatAt.getTime() > STALE_MS;
    if (!r) await systems.releaseScanSlot(s._id.toString(), id);
    else if (stale && (await interrupt(id, 'The service stopped while the scan was running'))) n++;
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
