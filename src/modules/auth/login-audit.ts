import { Schema, model } from 'mongoose';
import * as store from '../../db/store';
import * as audit from '../audit/audit.service';
import { fault, safeCount } from '../../db/faults';
import { systemActor, type Ctx } from '../../shared/actor';

/*
 * Failed logins are audited per address and window, not one event per guess: anonymous traffic
 * must not grow the tamper-evident chain without bound. The windows are fixed slices of
 * LOGIN_LOCKOUT_MINUTES. Per address one counter document says which window it is counting and how
 * many failures (and which e-mails, the first MAX_EMAILS) it has seen:
 * - the first failure of a window writes the one event `auth.login_failed` {address, email, window},
 *   carrying the total of the address's previous window when that had more than one failure
 *   (`previous`: {window, failures, emails});
 * - every other failure in the window only increments the counter;
 * - a window after which the address fell silent is closed by the sweep (a scheduled job): one
 *   `auth.login_failed_summary` {address, window, failures, emails} if it had more than one failure.
 * So an address adds at most one event per window to the chain while it keeps failing, plus one
 * closing summary when it stops; the per-address and per-range limits (http/login-limits.ts) bound
 * the addresses. The per-e-mail lockout (token.service.ts) is untouched.
 */
export const MAX_EMAILS = 10;

interface FailureDoc { _id: string; window: number; failures: number; emails: string[]; reported: boolean; version: number }
export const LoginFailure = model<FailureDoc>('LoginFailure', new Schema<FailureDoc>({
  _id: String, window: Number, failures: Number, emails: [String], reported: Boolean, version: { type: Number, default: 0 },
}, { versionKey: false }), 'login_failures');

const ctxOf = (requestId?: string): Ctx => ({ actor: systemActor('auth'), requestId });
const windowOf = (now: Date, minutes: number) => Math.floor(now.getTime() / (minutes * 60_000));
const span = (w: number, minutes: number) => ({ start: new Date(w * minutes * 60_000).toISOString(), end: new Date((w + 1) * minutes * 60_000).toISOString() });

let configuredMinutes = 15;
/** The window: LOGIN_LOCKOUT_MINUTES (app.ts). */
export const configureLoginAudit = (windowMinutes: number) => { configuredMinutes = windowMinutes; };

export interface Failure { address: string; email: string; requestId?: string; windowMinutes?: number; now?: Date }

/** Counts a failed login; writes its audit event only when it is the first of its address's window. */
export async function failed(f: Failure): Promise<void> {
  const now = f.now ?? new Date();
  const minutes = f.windowMinutes ?? configuredMinutes;
  const w = windowOf(now, minutes);
  const address = f.address || 'unknown';
  // either the address's counter is there (mutate) or it is not (lease): two rounds settle a race with the sweep's delete
  for (let round = 0; round < 10; round++) {
    let first = false;
    const m = await store.mutate<FailureDoc>(LoginFailure, address, (d) => {
      first = d.window !== w;
      if (!first) return { $inc: { failures: 1 }, ...(d.emails.length < MAX_EMAILS && !d.emails.includes(f.email) && { $push: { emails: f.email } }) };
      return { $set: { window: w, failures: 1, emails: [f.email], reported: false } };
    });
    if (m) {
      if (!first) return;
      const prev = m.before;
      const previous = !prev.reported && safeCount(prev.failures, 'a failed-login count', 'login_failures') > 1
        ? { window: span(prev.window, minutes), failures: prev.failures, emails: prev.emails } : undefined;
      return audit.record(ctxOf(f.requestId), { action: 'auth.login_failed', entity: 'auth', after: { address, email: f.email, window: span(w, minutes), ...(previous && { previous }) } });
    }
    if (await store.lease(LoginFailure, { _id: address, window: w, failures: 1, emails: [f.email], reported: false, version: 0 })) {
      return audit.record(ctxOf(f.requestId), { action: 'auth.login_failed', entity: 'auth', after: { address, email: f.email, window: span(w, minutes) } });
    }
  }
  throw fault('no_progress', 'a failed-login counter could neither be read nor created', 'login_failures');
}

/**
 * Closes the windows that ended: a window with more than one failure gets its summary event (once,
 * unless the address's next failure already carried it), and counters of past windows are removed.
 */
export async function sweep(now = new Date(), windowMinutes = configuredMinutes): Promise<{ summaries: number; removed: number }> {
  const w = windowOf(now, windowMinutes);
  let summaries = 0;
  let removed = 0;
  // bounded: the limits allow few addresses per window; closed counters leave at every sweep
  const closed = await LoginFailure.find({ window: { $lt: w } }, { _id: 1 }).limit(10_000).lean();
  for (const { _id } of closed) {
    let summary: FailureDoc | undefined;
    const m = await store.mutate<FailureDoc>(LoginFailure, _id, (d) => {
      summary = undefined;
      if (d.window >= w || d.reported) return null;
      if (d.failures > 1) summary = d;
      return { $set: { reported: true } };
    });
    if (m && summary) {
      await audit.record(ctxOf(), { action: 'auth.login_failed_summary', entity: 'auth', after: { address: _id, window: span(summary.window, windowMinutes), failures: summary.failures, emails: summary.emails } });
      summaries++;
    }
    // reported (now or by a failure's event): only a window that is still closed is removed
    removed += await store.deleteMany(LoginFailure, { _id, window: { $lt: w }, reported: true });
  }
  return { summaries, removed };
}
