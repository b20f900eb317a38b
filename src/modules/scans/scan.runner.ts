import fs from 'node:fs';
import { Types } from 'mongoose';
import { ScanRun, type CheckResult, type ScanRunDoc, type ScanSummary } from './scan.model';
import { parseAllowList, resolveAllowed, toTarget, type AllowList } from './targets';
import { ScanLimiter } from './limiter';
import { CHECKS } from './checks';
import type { PortsTarget } from './checks/ports';
import type { Check, CheckContext, Target } from './checks/types';
import { applyResults } from './scan.findings';
import { change } from './scan.lifecycle';
import { SCAN_TRANSITIONS } from './scan.workflow';
import * as systems from '../systems/system.service';
import type { SystemDoc } from '../systems/system.model';
import * as store from '../../db/store';
import { scanRuns } from '../../http/metrics';

export interface ScannerConfig {
  allowedTargets: string[]; concurrency: number; perHost: number; timeoutMs: number; defaultPorts: number[];
  caFile?: string; publicBaseUrl: string; instance: string;
}

interface Scanner { allow: AllowList; limiter: ScanLimiter; ctx: CheckContext; cfg: ScannerConfig }
let scanner: Scanner | undefined;

export function configureScanner(cfg: ScannerConfig): void {
  const allow = parseAllowList(cfg.allowedTargets);
  const ca = cfg.caFile ? [fs.readFileSync(cfg.caFile, 'utf8')] : undefined;
  scanner = { allow, cfg, limiter: new ScanLimiter(cfg.concurrency, cfg.perHost), ctx: { timeoutMs: cfg.timeoutMs, ca, resolveAllowed: (h) => resolveAllowed(allow, h) } };
}

export function scannerConfig(): ScannerConfig {
  if (!scanner) throw new Error('scanner not configured');
  return scanner.cfg;
}

const OBSERVATIONS_MAX = 8000;
/**
 * Bounded, storable observations: a run document must stay small whatever a server answers, and
 * keys such as "TLSv1.2" or a header name are stored with `.` and a leading `$` replaced (FerretDB
 * and older MongoDB refuse them in field names).
 */
function bounded(o: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(o ?? {}, function (this: unknown, _k, v: unknown) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/\./g, '_').replace(/^\$/, '_'), x]));
  });
  return text.length <= OBSERVATIONS_MAX ? JSON.parse(text) : { truncated: true, chars: text.length };
}

interface Unit { check: Check; target: Target }

/** What this run will do: every applicable check at every allowed endpoint, ports once per host. */
async function plan(system: SystemDoc, run: ScanRunDoc, s: Scanner): Promise<{ units: Unit[]; refused: ScanRunDoc['refused'] }> {
  const refused: ScanRunDoc['refused'] = [];
  const targets: Target[] = [];
  for (const endpoint of system.endpoints) {
    try {
      targets.push(await toTarget(s.allow, endpoint));
    } catch (err) {
      refused.push({ endpoint, reason: (err as Error).message });
    }
  }
  const units: Unit[] = [];
  for (const id of run.checks) {
    const check = CHECKS[id];
    if (id === 'ports.exposed') {
      const hosts = new Map<string, PortsTarget>();
      for (const t of targets) {
        const h = hosts.get(t.address) ?? { ...t, endpoint: t.host, scanPorts: system.scanPorts.length ? system.scanPorts : s.cfg.defaultPorts, allowedPorts: [...system.allowedPorts] };
        h.allowedPorts.push(t.port); // the system's own service ports are what it serves
        hosts.set(t.address, h);
      }
      units.push(...[...hosts.values()].map((target) => ({ check, target })));
    } else {
      units.push(...targets.filter((t) => check.appliesTo(t)).map((target) => ({ check, target })));
    }
  }
  return { units, refused };
}

function summarize(results: CheckResult[]): ScanSummary {
  const headers = results.find((r) => r.check === 'http.headers' && typeof r.observations.grade === 'string');
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    errors: results.filter((r) => r.status === 'error').length,
    ...(headers && { grade: headers.observations.grade as string, score: headers.observations.score as number }),
  };
}

const PROGRESS_INTERVAL_MS = 1000;

/** Runs a queued scan to its end: probes, results, findings, the system's latest scan, the slot freed. */
export async function execute(runId: Types.ObjectId): Promise<void> {
  const s = scanner;
  if (!s) throw new Error('scanner not configured');
  let run = await ScanRun.findById(runId).lean<ScanRunDoc>();
  if (!run || run.status !== 'queued') return;
  const system = await systems.findById(run.system.toString());
  // the system's latest scan first, the run's final status next, the slot last: whoever sees the run
  // finished also sees it on the system, and a new scan may start (a finished holder is stale).
  // A run interrupted meanwhile (its heartbeat judged stale) stays interrupted: the table refuses.
  const finish = async (set: Partial<ScanRunDoc>) => {
    const current = await ScanRun.findById(runId, { status: 1 }).lean<ScanRunDoc>();
    if (!current || !SCAN_TRANSITIONS[current.status].includes(set.status!)) return;
    const at = new Date();
    const summary = set.summary;
    await systems.recordScan(run!.system.toString(), { run: runId, at, status: set.status!, grade: summary?.grade, score: summary?.score, failed: summary?.failed ?? 0, errors: summary?.errors ?? 0 });
    const after = await change(runId, set.status!, { ...set, finishedAt: at, heartbeatAt: at }, { automatic: true });
    if (!after) return;
    scanRuns.inc({ status: after.status });
    await systems.releaseScanSlot(after.system.toString(), runId.toString());
  };
  try {
    if (!system) throw new Error('the system no longer exists');
    const { units, refused } = await plan(system, run, s);
    const started = await change(runId, 'running', { startedAt: new Date(), heartbeatAt: new Date(), refused, progress: { done: 0, total: units.length } }, { automatic: true });
    if (!started) return; // interrupted before it began
    run = started;
    const results: CheckResult[] = [];
    let done = 0;
    let lastWrite = 0;
    await Promise.all(units.map((u) => s.limiter.run(u.target.address, async () => {
      try {
        for (const r of await u.check.run(u.target, s.ctx)) results.push({ check: u.check.id, ...r, observations: bounded(r.observations) });
      } catch (err) {
        results.push({ check: u.check.id, target: u.target.endpoint, status: 'error', failures: [], observations: {}, error: (err as Error).message.slice(0, 500) });
      }
      done++;
      if (Date.now() - lastWrite >= PROGRESS_INTERVAL_MS) {
        lastWrite = Date.now();
        await store.updateById(ScanRun, runId, { $set: { progress: { done, total: units.length }, heartbeatAt: new Date() } });
      }
    })));
    results.sort((a, b) => a.check.localeCompare(b.check) || a.target.localeCompare(b.target));
    const findings = await applyResults(system, runId, results, `${s.cfg.publicBaseUrl}/api/v1/scans/${runId}`);
    await finish({ status: 'succeeded', results, summary: summarize(results), findings, progress: { done: units.length, total: units.length } });
  } catch (err) {
    await finish({ status: 'failed', error: (err as Error).message.slice(0, 1000) });
  }
}
