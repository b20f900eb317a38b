import { Schema, model } from 'mongoose';
import * as store from '../../db/store';
import { fault, safeCount } from '../../db/faults';
import { auditedCollection, intentOf, intentsOf, recover, settle, withIntent, type Intent } from '../audit/audit.intent';
import { systemActor } from '../../shared/actor';

/*
 * Failed logins are audited per address and window, not one event per guess: anonymous traffic
 * must not grow the tamper-evident chain without bound. The windows are fixed slices of
 * LOGIN_LOCKOUT_MINUTES. Per address one counter document says which window it is counting, how
 * many failures it has seen and the first MAX_EMAILS e-mails tried. A failure only counts; the one
 * event of a window, `auth.login_failed` {address, window: {start, end}, failures, emails}, is
 * written when the window is closed, by whichever comes first:
 * - the address's next failure in a later window (which then starts counting that window), or
 * - the sweep (the login-audit-sweep job, every minute), for an address that fell silent.
 * Both close the window with one conditional write (store.mutate: on the version read) that
 * carries the event as an audit intent (audit.intent.ts): of two instances, or a failure and the
 * sweep, exactly one closes it, and a process that dies after the write still gets the event into
 * the chain (the consistency check appends it). So an address adds at most one event per window
 * however it keeps failing, and a failed login reaches the chain at most one window plus the
 * sweep's period after it happened. The per-address and per-range limits (http/login-limits.ts)
 * bound the addresses; the per-e-mail lockout (token.service.ts) is separate.
 */
export const MAX_EMAILS = 10;
export const LOGIN_FAILED = 'auth.login_failed';

interface FailureDoc { _id: string; window: number; failures: number; emails: string[]; reported: boolean; version: number; auditIntents?: Record<string, unknown> }
export const LoginFailure = model<FailureDoc>('LoginFailure', new Schema<FailureDoc>({
  _id: String, window: Number, failures: Number, emails: [String], reported: Boolean, version: { type: Number, default: 0 },
  auditIntents: { type: Schema.Types.Mixed, default: undefined },
}, { versionKey: false }), 'login_failures');
auditedCollection(LoginFailure, () => LoginFailure.find({ auditIntents: { $exists: true } }, { auditIntents: 1 }).limit(10_000).lean());

const windowOf = (now: Date, minutes: number) => Math.floor(now.getTime() / (minutes * 60_000));
const span = (w: number, minutes: number) => ({ start: new Date(w * minutes * 60_000).toISOString(), end: new Date((w + 1) * minutes * 60_000).toISOString() });

/** The event of a closed window, as an intent to write with the closing change. */
function closing(d: FailureDoc, minutes: number): Intent {
  const failures = safeCount(d.failures, 'a failed-login count', 'login_failures');
  return intentOf({ actor: systemActor('auth') }, {
    action: LOGIN_FAILED, entity: 'auth', entityId: d._id,
    after: { address: d._id, window: span(d.window, minutes), failures, emails: d.emails },
  });
}

let configuredMinutes = 15;
/** The window: LOGIN_LOCKOUT_MINUTES (app.ts). */
export const configureLoginAudit = (windowMinutes: number) => { configuredMinutes = windowMinutes; };

export interface Failure { address: string; email: string; windowMinutes?: number; now?: Date }

/** Counts a failed login; closes (and so audits) the address's previous window when this is the first failure after it. */
export async function failed(f: Failure): Promise<void> {
  const now = f.now ?? new Date();
  const minutes = f.windowMinutes ?? configuredMinutes;
  const w = windowOf(now, minutes);
  const address = f.address || 'unknown';
  // either the address's counter is there (mutate) or it is not (lease): two rounds settle a race with the sweep's delete
  for (let round = 0; round < 10; round++) {
    let intent: Intent | undefined;
    const m = await store.mutate<FailureDoc>(LoginFailure, address, (d) => {
      intent = undefined;
      // a window at or after this one (another instance's clock a little ahead): counted there
      if (d.window >= w) return { $inc: { failures: 1 }, ...(d.emails.length < MAX_EMAILS && !d.emails.includes(f.email) && { $push: { emails: f.email } }) };
      if (!d.reported) intent = closing(d, minutes);
      const restart = { $set: { window: w, failures: 1, emails: [f.email], reported: false } };
      return intent ? withIntent(restart, intent) : restart;
    });
    if (m) return settle(LoginFailure, address, intent ? [intent] : []);
    if (await store.lease(LoginFailure, { _id: address, window: w, failures: 1, emails: [f.email], reported: false, version: 0 })) return;
  }
  throw fault('no_progress', 'a failed-login counter could neither be read nor created', 'login_failures');
}

/**
 * Closes the windows that ended: each gets its event (unless the address's next failure closed it
 * already), and the counters of closed windows are removed once their event is in the chain.
 */
export async function sweep(now = new Date(), windowMinutes = configuredMinutes): Promise<{ closed: number; removed: number }> {
  const w = windowOf(now, windowMinutes);
  let closed = 0;
  let removed = 0;
  // bounded: the limits allow few addresses per window; closed counters leave at every sweep
  const ended = await LoginFailure.find({ window: { $lt: w } }, { _id: 1 }).limit(10_000).lean();
  for (const { _id } of ended) {
    let intent: Intent | undefined;
    const m = await store.mutate<FailureDoc>(LoginFailure, _id, (d) => {
      intent = undefined;
      if (d.window >= w || d.reported) return null;
      intent = closing(d, windowMinutes);
      return withIntent({ $set: { reported: true } }, intent);
    });
    if (m && intent) {
      await settle(LoginFailure, _id, [intent]);
      closed++;
    }
    if (await removeClosed(_id, w)) removed++;
  }
  return { closed, removed };
}

/**
 * Removes a closed counter whose event is in the chain: still closed, reported, no intent left
 * (one a dead process left is appended first), and unchanged since read (its version).
 */
async function removeClosed(id: string, w: number): Promise<boolean> {
  let d = await LoginFailure.findById(id).lean<FailureDoc>();
  if (!d || d.window >= w || !d.reported) return false;
  if (intentsOf(d).length) {
    // only intents past the grace period (by the clock, not the sweep's `now`): a live writer appends its own
    await recover(LoginFailure, d);
    d = await LoginFailure.findById(id).lean<FailureDoc>();
    if (!d || intentsOf(d).length) return false;
  }
  return store.deleteById(LoginFailure, id, d.version);
}
