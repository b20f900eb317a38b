import crypto from 'node:crypto';
import type { Model } from 'mongoose';
import { body, recordBodies, hasRef, type AuditInput } from './audit.service';
import type { EventBody } from './audit.chain';
import type { Ctx } from '../../shared/actor';
import * as store from '../../db/store';

/*
 * A committed change always has its audit event. The event of a change is decided with the change
 * and written in the same single-document write, as an intent on the changed document
 * (`auditIntents.<key>`). After the write, the intent is appended to the chain (carrying its key as
 * `ref`) and removed from the document. A process that dies in between leaves the intent on the
 * document; the consistency check (src/consistency/) appends it, unless the chain has it already,
 * once it is older than INTENT_GRACE_MS (a live writer appends its own within milliseconds).
 * So a change without its event cannot stay: at worst an event is recorded late.
 */
export const INTENT_FIELD = 'auditIntents';
/** Intents younger than this belong to a writer that may still be appending them. */
export const INTENT_GRACE_MS = 5000;

export interface Intent extends EventBody { ref: string }
type Update = Record<string, unknown>;

/** The audit event of a change about to be written, with its key. */
export function intentOf(ctx: Ctx, input: AuditInput, at = new Date()): Intent {
  return { ...body(ctx, input, at), ref: crypto.randomUUID() };
}

/** The update with the intent written alongside the change (one atomic write). */
export function withIntent(update: Update, intent: Intent): Update {
  return { ...update, $set: { ...(update.$set as object), [`${INTENT_FIELD}.${intent.ref}`]: intent } };
}

/** A new document carrying the intent of its creation. */
export function createdWith<T extends object>(doc: T, intent: Intent): T & { auditIntents: Record<string, Intent> } {
  return { ...doc, [INTENT_FIELD]: { [intent.ref]: intent } } as T & { auditIntents: Record<string, Intent> };
}

/** After the write: the events in the chain, then the intents off the document. */
export async function settle(m: Model<any>, id: unknown, intents: Intent[]): Promise<void> {
  if (!intents.length) return;
  await recordBodies(intents);
  await store.clearFields(m, id, intents.map((i) => `${INTENT_FIELD}.${i.ref}`));
}

/** Intents a document still carries (stored dates come back as Dates). */
export function intentsOf(doc: unknown): Intent[] {
  return Object.values(((doc as Record<string, unknown>)?.[INTENT_FIELD] ?? {}) as Record<string, Intent>);
}

/**
 * Appends the events of intents left on `doc` by a writer that died (older than the grace period;
 * `now` decides), unless the chain already has them; then clears them. Returns how many were appended.
 */
export async function recover(m: Model<any>, doc: { _id: unknown }, now = Date.now()): Promise<{ appended: number; cleared: number }> {
  const stale = intentsOf(doc).filter((i) => now - new Date(i.at).getTime() >= INTENT_GRACE_MS);
  let appended = 0;
  const missing: Intent[] = [];
  for (const i of stale) if (!(await hasRef(i.entity, i.entityId, i.ref))) missing.push({ ...i, at: new Date(i.at) });
  if (missing.length) {
    await recordBodies(missing);
    appended = missing.length;
  }
  if (stale.length) await store.clearFields(m, doc._id, stale.map((i) => `${INTENT_FIELD}.${i.ref}`));
  return { appended, cleared: stale.length };
}
