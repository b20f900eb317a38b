/*
 * Derived data has one shape (CONVENTIONS 12). Everything kept for speed — in-process caches, finding
 * boards, compliance summaries, dashboard figures, the scan index, the audit indexes and head,
 * certificate state mirrored on systems, audit intents not yet in the chain — names its source and
 * offers `check()` (recompute from the source documents and compare) and `repair()` (make the derived
 * data equal to the recomputation). Each module registers its structures here when it loads; the
 * consistency job and GET /api/v1/admin/consistency walk this registry (src/consistency/).
 */
export interface Difference {
  /** the record the difference is about (a system id, a finding id, a cache key …) */
  id: string;
  /** what differs, in words (never secrets: token hashes are shortened) */
  reason: string;
}

export interface CheckResult { checked: number; differences: Difference[] }

export interface Derived {
  /** e.g. `cache:systems`, `finding-boards`, `compliance` */
  name: string;
  /** the source documents it is recomputed from, in words */
  source: string;
  check(): Promise<CheckResult>;
  /**
   * How long the structure may legitimately lag its sources while a refresh is under way (a
   * refresh that retries under contention): a difference is confirmed only when it is still the
   * same that long after it was first seen. Default: the consistency check's CONFIRM_MS.
   */
  settleMs?: number;
  /** makes the given (confirmed) differences right; returns how many were repaired */
  repair(differences: Difference[]): Promise<number>;
  /** walked after the others (figures derived from other derived data) */
  last?: boolean;
}

const registry = new Map<string, Derived>();

export function registerDerived(d: Derived): void {
  registry.set(d.name, d);
}

/** Every registered structure, those marked `last` at the end. */
export function derivedStructures(): Derived[] {
  const all = [...registry.values()];
  return [...all.filter((d) => !d.last), ...all.filter((d) => d.last)];
}
