import type { ScanStatus } from './scan.model';

/**
 * A scan run's life: queued → running → succeeded | failed, and interrupted from either of the
 * first two (the process running it stopped). Finished runs never change again: a runner that
 * finishes late cannot overwrite `interrupted`, a sweep cannot interrupt a finished run.
 */
export const SCAN_TRANSITIONS: Readonly<Record<ScanStatus, readonly ScanStatus[]>> = {
  queued: ['running', 'failed', 'interrupted'],
  running: ['succeeded', 'failed', 'interrupted'],
  succeeded: [],
  failed: [],
  interrupted: [],
};

export type ScanCheck = { ok: true } | { ok: false; status: 409; reason: string };

export function checkScanTransition(from: ScanStatus, to: ScanStatus): ScanCheck {
  if (SCAN_TRANSITIONS[from].includes(to)) return { ok: true };
  return { ok: false, status: 409, reason: `A scan run that is ${from} cannot become ${to}` };
}
