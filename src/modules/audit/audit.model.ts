import { Schema, model, models, type Model } from 'mongoose';

/** One event of the tamper-evident chain, as the API shows it. */
export interface AuditRecord {
  seq: number;
  at: Date;
  actor: { id: string; email?: string; name: string };
  action: string;
  entity: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
  requestId?: string;
  /** the key of the change's intent (audit.intent.ts): the same change is never recorded twice */
  ref?: string;
  prevHash: string;
  hash: string;
}

/**
 * An event as stored: sealed. `d` is the canonical JSON of the event (every field but `hash`,
 * including `seq` and `prevHash`) and `h` its keyed hash (HMAC-SHA256, audit.key.ts) — what is
 * stored is exactly what is hashed.
 * One text field instead of a dozen also makes a scan three times cheaper on FerretDB, whose cost
 * is decoding (measured: 50 000 events in 1.8 s instead of 5.5 s). Its _id is its position (seq)
 * as 12 digits — a string, because FerretDB looks up only string and ObjectId _ids by index — so
 * an append is a keyed insert.
 */
export interface AuditEventDoc { _id: string; seq: number; d: string; h: string }

const auditSchema = new Schema<AuditEventDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true }, d: { type: String, required: true }, h: { type: String, required: true } },
  { versionKey: false },
);

/** The _id of the event at `seq`: zero-padded, so that _id order is seq order. */
export const eventId = (seq: number) => String(seq).padStart(12, '0');

/**
 * The chain is kept in partitions of PARTITION consecutive events, one collection each
 * (`audit_events`, `audit_events_1`, …): a full partition never changes again, the one being
 * appended to stays small, and /audit/verify checks partitions side by side (on FerretDB a scan
 * is decoding-bound, ~0.1 ms per event, so one scan of 300 000 events alone takes ~31 s).
 */
export const PARTITION = 100_000;
export const partitionOf = (seq: number) => Math.floor(seq / PARTITION);

const partitions = new Map<number, Model<AuditEventDoc>>();
export function eventsIn(partition: number): Model<AuditEventDoc> {
  let m = partitions.get(partition);
  if (!m) {
    const name = partition === 0 ? 'audit_events' : `audit_events_${partition}`;
    m = models[`AuditEvent${partition || ''}`] as Model<AuditEventDoc> | undefined ?? model<AuditEventDoc>(`AuditEvent${partition || ''}`, auditSchema, name);
    partitions.set(partition, m);
  }
  return m;
}
export const eventsAt = (seq: number) => eventsIn(partitionOf(seq));
/** The first partition (tests reach into it directly). */
export const AuditEvent = eventsIn(0);

/** The newest chain position, kept apart so that deleting the last events is detected too. */
export interface AuditHeadDoc { _id: string; seq: number; hash: string; version: number }
export const AuditHead = model<AuditHeadDoc>(
  'AuditHead',
  new Schema<AuditHeadDoc>({ _id: String, seq: Number, hash: String, version: { type: Number, default: 0 } }, { versionKey: false }),
  'audit_head',
);

/**
 * Secondary indexes of the chain, kept as documents read by _id (the only indexed path on the
 * embedded FerretDB, where a filter over 300 000 events would scan them all):
 * - `<key>` → {buckets: [b…]}: which buckets hold seqs for the key;
 * - `<key>#<b>` → {seqs: […]}: the seqs of the key within [b·BUCKET, (b+1)·BUCKET);
 * - `d:<YYYY-MM-DD>` → {min, max}: the seqs appended on that day (UTC).
 * Keys: `e:<entity>`, `e:<entity>:<entityId>`, `a:<actorId>`, `x:<action>`.
 */
export interface AuditIndexDoc { _id: string; buckets?: number[]; seqs?: number[]; min?: number; max?: number }
export const AuditIndex = model<AuditIndexDoc>(
  'AuditIndex',
  new Schema<AuditIndexDoc>({ _id: String, buckets: { type: [Number], default: undefined }, seqs: { type: [Number], default: undefined }, min: Number, max: Number }, { versionKey: false }),
  'audit_index',
);
export const INDEX_BUCKET = 20_000;
