import type { RequestHandler } from 'express';
import mongoose from 'mongoose';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { laneDepth } from '../db/store';
import { onFault } from '../db/faults';

/*
 * Prometheus metrics: request duration by route and status, database command latency, scheduled
 * job runs and scan runs, and the embedded database's write-lane depth. Served at GET /metrics to an
 * admin token, or without a token on a separate address (METRICS_PORT, loopback by default) for a
 * scraper inside the deployment.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'attest_' });

const http = new Histogram({
  name: 'attest_http_request_duration_seconds', help: 'HTTP requests by route pattern, method and status',
  labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [registry],
});
const db = new Histogram({
  name: 'attest_db_command_duration_seconds', help: 'Database commands by name and outcome',
  labelNames: ['command', 'outcome'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry],
});
export const jobRuns = new Counter({ name: 'attest_job_runs_total', help: 'Scheduled job runs by job and outcome', labelNames: ['job', 'status'], registers: [registry] });
/** Anchors of the audit head POSTed to AUDIT_ANCHOR_URL: sent (2xx), failed (error, timeout, other status), dropped (too many in flight). */
export const anchorSinkPosts = new Counter({ name: 'attest_audit_anchor_sink_total', help: 'Audit head anchors posted to the external sink (AUDIT_ANCHOR_URL), by outcome', labelNames: ['outcome'], registers: [registry] });
export const scanRuns = new Counter({ name: 'attest_scan_runs_total', help: 'Scan runs finished, by outcome', labelNames: ['status'], registers: [registry] });
const faults = new Counter({ name: 'attest_db_faults_total', help: 'Database answers that cannot be the answer to what was asked (wrong document, mismatched reply, bad value, unacknowledged write)', labelNames: ['kind'], registers: [registry] });
onFault('metrics', (f) => faults.inc({ kind: f.kind }));
/** The consistency check (src/consistency/): confirmed differences between derived data and its source. */
export const consistencyMetrics = {
  runs: new Counter({ name: 'attest_consistency_runs_total', help: 'Consistency checks run, by outcome (clean, differences, error)', labelNames: ['outcome'], registers: [registry] }),
  differences: new Counter({ name: 'attest_consistency_differences_total', help: 'Confirmed differences between a derived structure and its source documents', labelNames: ['structure'], registers: [registry] }),
  repaired: new Counter({ name: 'attest_consistency_repaired_total', help: 'Differences repaired', labelNames: ['structure'], registers: [registry] }),
  failures: new Counter({ name: 'attest_consistency_failures_total', help: 'Checks of a structure that failed with an error', labelNames: ['structure'], registers: [registry] }),
  last: new Gauge({ name: 'attest_consistency_last_differences', help: 'Differences found by the last check, per structure', labelNames: ['structure'], registers: [registry] }),
};
new Gauge({ name: 'attest_write_lane_depth', help: 'Writes waiting in the embedded database\'s write lane', registers: [registry], collect() { this.set(laneDepth()); } });

/** Times every request; the label is the route pattern (never the raw URL, so ids do not explode the series). */
export const timeRequests: RequestHandler = (req, res, next) => {
  const end = http.startTimer();
  res.once('finish', () => {
    const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'unmatched';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};

const started = new Map<number, number>();
let watching: unknown;
/** Database command latency from the driver's command monitoring (connection made with monitorCommands). */
export function watchDatabase(): void {
  const client = mongoose.connection.getClient();
  if (watching === client) return;
  watching = client;
  client.on('commandStarted', (e) => { started.set(e.requestId, Date.now()); });
  const done = (outcome: string) => (e: { requestId: number; commandName: string }) => {
    const t = started.get(e.requestId);
    started.delete(e.requestId);
    if (t !== undefined) db.observe({ command: e.commandName, outcome }, (Date.now() - t) / 1000);
  };
  client.on('commandSucceeded', done('ok'));
  client.on('commandFailed', done('error'));
}

export const metricsHandler: RequestHandler = async (_req, res) => {
  res.setHeader('Content-Type', registry.contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.end(await registry.metrics());
};
