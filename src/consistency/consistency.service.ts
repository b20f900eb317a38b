import { derivedStructures, type Derived, type Difference } from '../db/derived';
import { consistencyMetrics } from '../http/metrics';

/*
 * Walks every derived structure (src/db/derived.ts): recompute from the source documents, compare,
 * and repair what differs. A write that lands during a check can make derived data look different
 * for a moment (a change writes its documents one after another), so a difference counts only when
 * a second check, CONFIRM_MS (2 s) later, finds it again (and, for a structure whose refresh may
 * lag longer, `settleMs` later still); only confirmed differences are reported,
 * counted (`attest_consistency_differences_total`) and repaired.
 */
export const CONFIRM_MS = 2000;
const SAMPLES = 10;

export interface StructureReport { name: string; source: string; checked: number; differences: number; repaired: number; samples: Difference[]; error?: string; ms: number }
export interface ConsistencyReport { ok: boolean; repair: boolean; at: Date; ms: number; differences: number; repaired: number; structures: StructureReport[] }

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
let log: Log | undefined;
export const configureConsistencyLog = (l: Log) => { log = l; };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (d: Difference) => `${d.id}\u0000${d.reason}`;

/**
 * The differences still there, the same, CONFIRM_MS later and, for a structure that may lag its
 * sources longer (`settleMs`), still there at the end of that time (checked again at growing
 * intervals; a difference gone meanwhile was a change under way and stops the wait early).
 */
async function confirm(d: Derived, seen: Difference[]): Promise<Difference[]> {
  const settle = Math.max(CONFIRM_MS, d.settleMs ?? 0);
  const t0 = Date.now();
  let pending = seen;
  for (let wait = CONFIRM_MS; pending.length; wait *= 2) {
    await sleep(Math.max(0, Math.min(wait, settle - (Date.now() - t0))));
    const again = new Set((await d.check()).differences.map(key));
    pending = pending.filter((x) => again.has(key(x)));
    if (Date.now() - t0 >= settle) break;
  }
  return pending;
}

/**
 * Checks every structure and, unless `repair` is false, repairs what differs. One walk at a time per
 * process: a caller joins a walk under way of the same kind, and waits for one of the other kind
 * (a job that repairs must not get a compare-only walk, nor a compare-only request a repair).
 */
let running: { repair: boolean; walk: Promise<ConsistencyReport> } | undefined;
export async function run(opts: { repair?: boolean } = {}): Promise<ConsistencyReport> {
  const repair = opts.repair !== false;
  while (running && running.repair !== repair) await running.walk.catch(() => undefined);
  if (!running) {
    const w = walk(repair).finally(() => { if (running?.walk === w) running = undefined; });
    running = { repair, walk: w };
  }
  return running.walk;
}

async function walk(repair: boolean): Promise<ConsistencyReport> {
  const started = Date.now();
  const structures: StructureReport[] = [];
  for (const d of derivedStructures()) {
    const t = Date.now();
    const report: StructureReport = { name: d.name, source: d.source, checked: 0, differences: 0, repaired: 0, samples: [], ms: 0 };
    try {
      const first = await d.check();
      report.checked = first.checked;
      let confirmed: Difference[] = [];
      if (first.differences.length) confirmed = await confirm(d, first.differences);
      report.differences = confirmed.length;
      report.samples = confirmed.slice(0, SAMPLES);
      if (confirmed.length) {
        consistencyMetrics.differences.inc({ structure: d.name }, confirmed.length);
        log?.warn({ component: 'consistency', structure: d.name, differences: confirmed.length, samples: report.samples }, `derived data differs from its source: ${d.name}`);
        if (repair) {
          report.repaired = await d.repair(confirmed);
          consistencyMetrics.repaired.inc({ structure: d.name }, report.repaired);
        }
      }
    } catch (err) {
      report.error = (err as Error).message.slice(0, 300);
      consistencyMetrics.failures.inc({ structure: d.name });
      log?.error({ component: 'consistency', structure: d.name, err }, `consistency check failed: ${d.name}`);
    }
    report.ms = Date.now() - t;
    consistencyMetrics.last.set({ structure: d.name }, report.differences);
    structures.push(report);
  }
  const differences = structures.reduce((n, s) => n + s.differences, 0);
  consistencyMetrics.runs.inc({ outcome: structures.some((s) => s.error) ? 'error' : differences ? 'differences' : 'clean' });
  return {
    ok: differences === 0 && !structures.some((s) => s.error), repair, at: new Date(started), ms: Date.now() - started,
    differences, repaired: structures.reduce((n, s) => n + s.repaired, 0), structures,
  };
}
