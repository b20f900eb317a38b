import type { Logger } from '../../logger';
import { anchorSinkPosts } from '../../http/metrics';
import type { Checkpoint } from './audit.checkpoint';

/*
 * An optional external sink for the anchors of the audit head (AUDIT_ANCHOR_URL): every anchor
 * written to AUDIT_CHECKPOINT_FILE is also POSTed there as JSON ({seq, hash, at, reason, mac}), so a
 * copy sits on a machine the database administrators do not control. The sink never holds up the
 * service: the POST runs in the background with a timeout (AUDIT_ANCHOR_TIMEOUT_MS), at most
 * MAX_IN_FLIGHT at once (more are dropped); a failure is logged and counted
 * (attest_audit_anchor_sink_total{outcome}), and the file and the log still hold the anchor.
 */
const MAX_IN_FLIGHT = 4;

interface Sink { url: string; timeoutMs: number; logger?: Logger }
let sink: Sink | undefined;
let inFlight = 0;
const pending = new Set<Promise<void>>();

export function configureAnchorSink(s: Sink | undefined): void {
  sink = s?.url ? s : undefined;
}

/** Where anchors go, for the log: the origin and path only (a query may carry a credential). */
const shown = (url: string) => { const u = new URL(url); return `${u.origin}${u.pathname}`; };

/** POSTs the anchor to the sink, in the background; returns at once. */
export function sendAnchor(c: Checkpoint): void {
  const s = sink;
  if (!s) return;
  if (inFlight >= MAX_IN_FLIGHT) {
    anchorSinkPosts.inc({ outcome: 'dropped' });
    s.logger?.warn({ component: 'audit', sink: shown(s.url), seq: c.seq }, 'audit anchor not sent to the sink: too many posts still under way');
    return;
  }
  inFlight++;
  const p = post(s, c).finally(() => { inFlight--; pending.delete(p); });
  pending.add(p);
}

async function post(s: Sink, c: Checkpoint): Promise<void> {
  try {
    const res = await fetch(s.url, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(c),
      redirect: 'error', signal: AbortSignal.timeout(s.timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`answered ${res.status}`);
    anchorSinkPosts.inc({ outcome: 'sent' });
  } catch (err) {
    anchorSinkPosts.inc({ outcome: 'failed' });
    const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${s.timeoutMs} ms` : err instanceof Error ? err.message : String(err);
    s.logger?.error({ component: 'audit', sink: shown(s.url), seq: c.seq, reason }, `audit anchor could not be sent to the sink: ${reason}`);
  }
}

/** Waits for the posts under way (each ends within the timeout). */
export async function drainAnchorSink(): Promise<void> {
  await Promise.all([...pending]);
}
