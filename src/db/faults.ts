/*
 * A database fault: the server answered, but the answer cannot be the answer to what was asked (a
 * document looked up by _id that carries another _id, an audit head whose sequence is not a safe
 * integer, a reply that belongs to another command). It is never treated as data: the operation
 * fails (the API answers 503), the fault is logged and counted (`attest_db_faults_total`).
 */
export type FaultKind = 'wrong_document' | 'bad_value' | 'mismatched_reply' | 'no_progress' | 'unacknowledged_write';

export class DatabaseFault extends Error {
  constructor(public readonly kind: FaultKind, message: string, public readonly collection?: string) {
    super(message);
    this.name = 'DatabaseFault';
  }
}

type Listener = (f: DatabaseFault) => void;
const listeners = new Map<string, Listener>();

/** Metrics and the log subscribe here (http/metrics.ts, app.ts), one listener per name. */
export function onFault(name: string, fn: Listener): void {
  listeners.set(name, fn);
}

/** Reports a fault to the listeners and returns it (for `throw fault(…)`). Messages name no values: ids may be secrets. */
export function fault(kind: FaultKind, message: string, collection?: string): DatabaseFault {
  const f = new DatabaseFault(kind, message, collection);
  for (const l of listeners.values()) {
    try { l(f); } catch { /* a listener must never turn a fault into something else */ }
  }
  return f;
}

/** The same _id: strings, ObjectIds and numbers compared by their text. */
export const sameId = (a: unknown, b: unknown) => a !== undefined && a !== null && b !== undefined && b !== null && String(a) === String(b);

/** A safe, non-negative integer read from the database, or a fault. */
export function safeCount(value: unknown, what: string, collection?: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw fault('bad_value', `${what} is not a safe non-negative integer`, collection);
  return value;
}
