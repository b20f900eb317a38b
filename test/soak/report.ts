import type { Api } from './client';
import type { Prober } from './prober';
import { COUNTERS, FAILING, type Counter, type Stats, percentile } from './stats';
import { readTimes } from './truth';

/** Shown with their examples whenever they are not zero, even when the run passes. */
const NOTEWORTHY: Counter[] = ['unexpected4xx', 'connectionErrors', 'databaseFaults', 'driftsAfterFaults', 'repairedAfterFaults', 'dbDowntimeErrors', 'auditExtra'];

/** The final JSON line (failing counters first), and the examples of what went wrong on stderr. */
export function report(stats: Stats, prober: Prober, api: Api, extra: { minutes: number; sigtermMs: number; totalMs: number }) {
  const c = stats.counts;
  const healthzP99Ms = prober.latencies.length ? prober.p(99) : 9999;
  const result: Record<string, number> = {
    minutes: extra.minutes, requests: c.requests, errors5xx: c.errors5xx, mismatchedReplies: c.mismatchedReplies, figureDrifts: c.figureDrifts,
    listDrifts: c.listDrifts, summaryDrifts: c.summaryDrifts, consistencyDiffs: c.consistencyDiffs, auditMissing: c.auditMissing, healthzP99Ms, sigtermMs: extra.sigtermMs,
    timeouts: c.timeouts, faultFailures: c.faultFailures, instanceDownErrors: c.instanceDownErrors, repairedAfterFaults: c.repairedAfterFaults,
    dbDowntimeMs: stats.dbDowntimeMs(), healthzP50Ms: prober.p(50), healthzSamples: prober.latencies.length, healthzErrors: prober.errors.length,
  };
  for (const k of COUNTERS) if (!(k in result)) result[k] = c[k];
  const answered = api.log.filter((x) => x.status).map((x) => x.t1 - x.t0);
  result.apiP50Ms = percentile(answered, 50);
  result.apiP99Ms = percentile(answered, 99);
  result.truthReadP50Ms = percentile(readTimes, 50);
  result.truthReadMaxMs = Math.max(0, ...readTimes);
  result.totalSeconds = Math.round(extra.totalMs / 1000);

  const failing = FAILING.filter((k) => c[k] > 0);
  for (const k of [...failing, ...NOTEWORTHY.filter((n) => c[n] > 0)]) {
    process.stderr.write(`\n${failing.includes(k as never) ? 'FAILED' : 'note'} ${k} = ${c[k]}; first examples:\n`);
    for (const e of stats.examples[k] ?? []) process.stderr.write(`  - ${e}\n`);
  }
  if (healthzP99Ms >= 100) {
    process.stderr.write(`\nFAILED healthzP99Ms = ${healthzP99Ms} (>= 100)\n`);
  }
  if (prober.slowest.length) {
    const slow = prober.slowest.slice(0, 10).map(([i, at, ms]) => `${i} ${ms.toFixed(0)} ms at ${new Date(at).toISOString().slice(11, 23)} (t+${((at - stats.startedAt) / 1000).toFixed(1)}s)`);
    process.stderr.write(`\n${healthzP99Ms >= 100 ? 'slowest' : 'note slowest'} /healthz probes: ${slow.join('; ')}\n`);
    // what the soak had in flight on that instance meanwhile, longest first
    for (const [i, at, ms] of prober.slowest.slice(0, 5)) {
      const during = api.log.filter((x) => x.inst === i && x.t0 <= at && x.t1 >= at - ms).sort((a, b) => (b.t1 - b.t0) - (a.t1 - a.t0)).slice(0, 4);
      process.stderr.write(`  ${i} /healthz ${ms.toFixed(0)} ms at ${new Date(at).toISOString().slice(11, 23)}, in flight: ${during.map((x) => `${x.what} (${x.t1 - x.t0} ms, ${x.status || 'no answer'})`).join('; ') || 'nothing of the soak'}\n`);
    }
  }
  process.stderr.write(`\nnote slowest routes (p50 / p99 / max ms, count): ${routeLatencies(api).join('; ')}\n`);
  if (prober.errors.length) process.stderr.write(`\nnote /healthz errors: ${prober.errors.slice(0, 5).join('; ')}\n`);
  if (extra.sigtermMs > 10_000) process.stderr.write(`\nFAILED sigtermMs = ${extra.sigtermMs} (> 10000)\n`);
  return result as Record<string, number> & { healthzP99Ms: number };
}

/** Latency by route (ids and queries folded), the slowest p99 first. */
function routeLatencies(api: Api): string[] {
  const by = new Map<string, number[]>();
  for (const x of api.log) {
    if (!x.status) continue;
    const route = x.what.replace(/\?.*$/, '').replace(/[0-9a-f]{24}/g, ':id');
    by.set(route, [...(by.get(route) ?? []), x.t1 - x.t0]);
  }
  return [...by].map(([r, ms]) => ({ r, p99: percentile(ms, 99), line: `${r} ${percentile(ms, 50)}/${percentile(ms, 99)}/${Math.max(...ms)} (${ms.length})` }))
    .sort((a, b) => b.p99 - a.p99).slice(0, 8).map((x) => x.line);
}
