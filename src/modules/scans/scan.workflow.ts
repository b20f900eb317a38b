import type { ScanStatus } from './scan.model';
import type { Bilingual } from '../../shared/bilingual';

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

export type ScanCheck = { ok: true } | { ok: false; status: 409; reason: string; text: Bilingual };

/** A run's status as people read it, for the messages the server words. */
export const SCAN_STATUS_TEXT: Readonly<Record<ScanStatus, Bilingual>> = {
  queued: { vi: 'đang chờ', en: 'queued' }, running: { vi: 'đang chạy', en: 'running' }, succeeded: { vi: 'đã hoàn tất', en: 'succeeded' },
  failed: { vi: 'thất bại', en: 'failed' }, interrupted: { vi: 'bị gián đoạn', en: 'interrupted' },
};

export function checkScanTransition(from: ScanStatus, to: ScanStatus): ScanCheck {
  if (SCAN_TRANSITIONS[from].includes(to)) return { ok: true };
  const reason = `A scan run that is ${from} cannot become ${to}`;
  return { ok: false, status: 409, reason, text: { en: reason, vi: `Lần quét ở trạng thái “${SCAN_STATUS_TEXT[from].vi}” không thể chuyển sang “${SCAN_STATUS_TEXT[to].vi}”` } };
}
