import { AuditIndex, AuditRecord, INDEX_BUCKET } from './audit.model';
import { eventsBySeq } from './audit.read';
import * as store from '../../db/store';

/** The index keys an event is found under (see AuditIndex). */
export function keysOf(e: Pick<AuditRecord, 'entity' | 'entityId' | 'actor' | 'action'>): string[] {
  const keys = [`e:${e.entity}`, `a:${e.actor.id}`, `x:${e.action}`];
  if (e.entityId) keys.push(`e:${e.entity}:${e.entityId}`);
  return keys;
}

/** (key, bucket) pairs this process has already listed in the key's directory document. */
const known = new Set<string>();
const KNOWN_MAX = 50_000;

/** Adds events to the indexes: one $push per (key, bucket), one directory entry per new bucket. */
export async function indexEvents(events: Pick<AuditRecord, 'seq' | 'entity' | 'entityId' | 'actor' | 'action'>[]): Promise<void> {
  const groups = new Map<string, number[]>();
  for (const e of events) {
    const b = Math.floor(e.seq / INDEX_BUCKET);
    for (const k of keysOf(e)) {
      const g = `${k}#${b}`;
      const list = groups.get(g) ?? [];
      list.push(e.seq);
      groups.set(g, list);
    }
  }
  for (const [g, seqs] of groups) {
    await store.updateById(AuditIndex, g, { $push: { seqs: { $each: seqs } } }, { upsert: true });
    if (known.has(g)) continue;
    const [key, b] = [g.slice(0, g.lastIndexOf('#')), Number(g.slice(g.lastIndexOf('#') + 1))];
    await store.updateById(AuditIndex, key, { $addToSet: { buckets: b } }, { upsert: true });
    if (known.size > KNOWN_MAX) known.clear();
    known.add(g);
  }
  const last = Math.max(...events.map((e) => e.seq));
  await store.updateById(AuditIndex, 'watermark', { $max: { max: last } }, { upsert: true });
}

/** Seqs under a key, newest first (deduplicated: a replayed index write may repeat one). */
export async function seqsOf(key: string): Promise<number[]> {
  const dir = await AuditIndex.findById(key, { buckets: 1 }).lean();
  const buckets = [...new Set(dir?.buckets ?? [])].sort((x, y) => y - x);
  const out: number[] = [];
  for (const b of buckets) {
    const doc = await AuditIndex.findById(`${key}#${b}`, { seqs: 1 }).lean();
    out.push(...[...new Set(doc?.seqs ?? [])].sort((x, y) => y - x));
  }
  return out;
}

/**
 * Indexes the events after the index's watermark (a crash between an append and its index
 * writes leaves some unindexed); called at start-up. Reads by _id only, in batches.
 */
export async function catchUp(headSeq: number, batch = 500): Promise<number> {
  const w = await AuditIndex.findById('watermark', { max: 1 }).lean();
  let from = (w?.max ?? 0) + 1;
  let done = 0;
  while (from <= headSeq) {
    const ids = Array.from({ length: Math.min(batch, headSeq - from + 1) }, (_, i) => from + i);
    const events = await eventsBySeq(ids);
    if (events.length) await indexEvents(events);
    done += events.length;
    from += ids.length;
  }
  return done;
}

/** How many events one consistency check of the indexes walks at most (the rest next time). */
const CHECK_SPAN = 5000;

/**
 * Every event since the last checked position must be listed under each of its keys. The watermark
 * alone cannot tell: two writers index in either order, and a writer that died before indexing
 * leaves a gap below a watermark another writer moved on. Events never change, so each is checked
 * once: the position (`checked`) moves on when a span is clean.
 */
export async function unindexed(headSeq: number): Promise<{ checked: number; missing: AuditRecord[] }> {
  const mark = await AuditIndex.findById('checked', { max: 1 }).lean();
  const from = (mark?.max ?? Math.max(0, headSeq - CHECK_SPAN)) + 1;
  const to = Math.min(headSeq, from + CHECK_SPAN - 1);
  if (to < from) return { checked: 0, missing: [] };
  const events = await eventsBySeq(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  const buckets = new Map<string, Set<number>>();
  for (const e of events) for (const k of keysOf(e)) buckets.set(`${k}#${Math.floor(e.seq / INDEX_BUCKET)}`, new Set());
  for (const b of buckets.keys()) for (const seq of (await AuditIndex.findById(b, { seqs: 1 }).lean())?.seqs ?? []) buckets.get(b)!.add(seq);
  const missing = events.filter((e) => keysOf(e).some((k) => !buckets.get(`${k}#${Math.floor(e.seq / INDEX_BUCKET)}`)!.has(e.seq)));
  if (!missing.length) await store.updateById(AuditIndex, 'checked', { $max: { max: to } }, { upsert: true });
  return { checked: events.length, missing };
}
