import crypto from 'node:crypto';
import type { Model } from 'mongoose';
import { body, recordBodies, hasRef, type AuditInput } from './audit.service';
import type { EventBody } from './audit.chain';
import type { Ctx } from '../../shared/actor';
import * as store from '../../db/store';
import { registerDerived, type Difference } from '../../db/derived';

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

/** A document as an update's $set leaves it (dotted paths included; other operators ignored): for the "after" of an event. */
export function applied<T extends object>(doc: T, update: Update): T {
  const out = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  for (const [path, value] of Object.entries((update.$set ?? {}) as Record<string, unknown>)) {
    const keys = path.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) at = (at[k] && typeof at[k] === 'object' ? at[k] : (at[k] = {})) as Record<string, unknown>;
    at[keys[keys.length - 1]] = value;
  }
  return out as T;
}

/** The update with the intent written alongside the change (one atomic write). */
export function withIntent(update: Update, intent: Intent): Update {
  return { ...update, $set: { ...(update.$set as object), [`${INTENT_FIELD}.${intent.ref}`]: JSON.stringify(intent) } };
}

/** A new document carrying the intent of its creation. */
export function createdWith<T extends object>(doc: T, intent: Intent): T & { auditIntents: Record<string, string> } {
  return { ...doc, [INTENT_FIELD]: { [intent.ref]: JSON.stringify(intent) } } as T & { auditIntents: Record<string, string> };
}

/** After the write: the events in the chain, then the intents off the document. */
export async function settle(m: Model<any>, id: unknown, intents: Intent[]): Promise<void> {
  if (!intents.length) return;
  await recordBodies(intents);
  await store.clearFields(m, id, intents.map((i) => `${INTENT_FIELD}.${i.ref}`));
}

/** Intents a document still carries (their `at` a Date again); text that is not an intent is skipped. */
export function intentsOf(doc: unknown): Intent[] {
  const out: Intent[] = [];
  for (const text of Object.values(((doc as Record<string, unknown>)?.[INTENT_FIELD] ?? {}) as Record<string, unknown>)) {
    try {
      const i = JSON.parse(String(text)) as Intent;
      if (i && typeof i.ref === 'string' && typeof i.action === 'string') out.push({ ...i, at: new Date(i.at) });
    } catch { /* not an intent: left for the consistency check to report */ }
  }
  return out;
}

/**
 * Appends the events of intents left on `doc` by a writer that died (older than the grace period;
 * `now` decides), unless the chain already has them; then clears them. Returns how many were appended.
 */
export async function recover(m: Model<any>, doc: { _id: unknown }, now = Date.now()): Promise<{ appended: number; cleared: number }> {
  const stale = intentsOf(doc).filter((i) => now - new Date(i.at).getTime() >= INTENT_GRACE_MS);
  let appended = 0;
  const missing: Intent[] = [];
  for (const i of stale) if (!(await hasRef(i.entity, i.entityId, i.ref))) missing.push(i);
  if (missing.length) {
    await recordBodies(missing);
    appended = missing.length;
  }
  if (stale.length) await store.clearFields(m, doc._id, stale.map((i) => `${INTENT_FIELD}.${i.ref}`));
  return { appended, cleared: stale.length };
}

/** Collections whose changes carry intents, with how to read their documents' intents. */
const audited = new Map<string, { model: Model<any>; read: () => Promise<{ _id: unknown; auditIntents?: unknown }[]> }>();

/** A collection whose changes carry audit intents; `read` lists its documents (at least _id and auditIntents). */
export function auditedCollection(model: Model<any>, read: () => Promise<{ _id: unknown; auditIntents?: unknown }[]>): void {
  audited.set(model.collection.collectionName, { model, read });
}

registerDerived({
  name: 'audit-intents',
  source: 'the changed documents (a change whose audit event is not in the chain carries it as an intent)',
  async check() {
    const differences: Difference[] = [];
    let checked = 0;
    const now = Date.now();
    for (const [collection, { read }] of audited) {
      for (const doc of await read()) {
        checked++;
        for (const i of intentsOf(doc)) {
          if (now - i.at.getTime() < INTENT_GRACE_MS) continue;
          const recorded = await hasRef(i.entity, i.entityId, i.ref);
          differences.push({ id: `${collection}:${String(doc._id)}:${i.ref}`, reason: recorded ? 'an intent already in the chain, not cleared' : `a change (${i.action}) without its audit event` });
        }
      }
    }
    return { checked, differences };
  },
  async repair(differences) {
    let n = 0;
    const docs = new Set(differences.map((d) => d.id.slice(0, d.id.lastIndexOf(':'))));
    // each collection read once, however many of its documents differ
    const read = new Map<string, Map<string, { _id: unknown; auditIntents?: unknown }>>();
    for (const key of docs) {
      const [collection, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      const c = audited.get(collection);
      if (!c) continue;
      if (!read.has(collection)) read.set(collection, new Map((await c.read()).map((d) => [String(d._id), d])));
      const doc = read.get(collection)!.get(id);
      if (doc) n += (await recover(c.model, doc)).cleared;
    }
    return n;
  },
});
