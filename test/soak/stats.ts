/**
 * The soak's counters, their first examples, and the time windows in which some failures are
 * expected (the deliberate faults). Shared by every part of the harness.
 */

/** Counters that fail the run when non-zero. */
export const FAILING = ['errors5xx', 'mismatchedReplies', 'figureDrifts', 'listDrifts', 'summaryDrifts', 'consistencyDiffs', 'auditMissing', 'timeouts', 'faultFailures', 'sessionsNotSwept'] as const;

export const COUNTERS = [
  ...FAILING,
  'requests', 'instanceDownErrors', 'repairedAfterFaults', 'driftsAfterFaults', 'dbDowntime5xx', 'dbDowntimeErrors', 'connectionErrors',
  'unexpected4xx', 'databaseFaults', 'figureChecks', 'listChecks', 'consistencyChecks', 'canaryChecks', 'unstableTruth',
  'logins', 'logouts', 'findingsCreated', 'transitions', 'comments', 'systemEdits', 'scansStarted', 'scansFinished', 'scanConflicts',
  'certificatesIssued', 'certificatesRefused', 'certificatesRevoked', 'auditChecked', 'auditExtra', 'healthzErrors', 'sessionsSwept',
] as const;
export type Counter = (typeof COUNTERS)[number];

const MAX_EXAMPLES = 8;

export interface Window { start: number; end?: number }

export class Stats {
  readonly counts = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
  readonly examples: Partial<Record<Counter, string[]>> = {};
  /** from a FerretDB kill until both instances are ready again (+ slack) */
  readonly dbDown: Window[] = [];
  /** B deliberately killed until it answers /readyz again */
  readonly bDown: Window[] = [];
  /** times of the deliberate kills (derived data may legitimately lag for a while after each) */
  readonly kills: number[] = [];
  readonly startedAt = Date.now();

  add(c: Counter, n = 1, example?: string): void {
    this.counts[c] += n;
    if (example !== undefined && n > 0) {
      const list = (this.examples[c] ??= []);
      if (list.length < MAX_EXAMPLES) list.push(`[t+${((Date.now() - this.startedAt) / 1000).toFixed(1)}s] ${example}`);
    }
  }

  /** Does [from, to] overlap one of the windows (an open window lasts until now)? */
  static overlaps(ws: Window[], from: number, to: number): boolean {
    return ws.some((w) => from <= (w.end ?? Infinity) && to >= w.start);
  }

  inDbDowntime(from: number, to = from): boolean { return Stats.overlaps(this.dbDown, from, to); }
  inBDowntime(from: number, to = from): boolean { return Stats.overlaps(this.bDown, from, to); }
  /** within `ms` after a deliberate kill */
  afterFault(at = Date.now(), ms = 60_000): boolean { return this.kills.some((k) => at >= k && at - k <= ms); }

  dbDowntimeMs(): number { return this.dbDown.reduce((a, w) => a + ((w.end ?? Date.now()) - w.start), 0); }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const rnd = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
export const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(Math.random() * xs.length)] : undefined);

/** Progress and diagnostics go to stderr; stdout carries only the final JSON line. */
export const note = (msg: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
