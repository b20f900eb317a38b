import { Schema, model, type Model } from 'mongoose';
import { canonicalJson } from '../shared/canonical';
import { sameId } from './faults';
import { onLane, writable } from './writer';
import { registerDerived } from './derived';

/*
 * Small collections that hot paths read whole (systems, organizations, finding boards, settings,
 * scan schedules, certificates) are served from memory and revalidated on every read. On the
 * embedded FerretDB a read costs what it decodes (~0.2 ms per KB: 124 system documents ≈ 25 ms a
 * query); here a read costs one lookup by _id of the collection's generation document, plus the
 * documents that changed since this process last looked.
 *
 * The generation document counts writes per document (`docs.<id>`) and writes whose documents are
 * not known one by one (`all`: bulk updates, deletes by filter). Every write of a cached collection
 * through the store moves the counter twice, before and after itself (write-job.ts), in whichever
 * instance it happens: an odd counter means "a write may be under way, or its writer died", and such
 * a document is read again on every read until the counter is even. So a read never serves a
 * document older than the last write that completed before the read began, and a crash between a
 * write and its second move leaves no instance stale. Writes that bypass the store are not seen
 * until one that goes through it (or the consistency check, src/consistency/).
 */
interface GenerationDoc { _id: string; all?: number; docs?: Record<string, number> }
export const Generation = model<GenerationDoc>('Generation', new Schema<GenerationDoc>({ _id: String, all: Number, docs: Schema.Types.Mixed }, { versionKey: false, minimize: false }), 'generations');

const cached = new Map<string, Model<any>>();
interface Held { all: number; counters: Record<string, number>; docs: Map<string, unknown> }
const held = new Map<string, Held>();
/** The refresh under way per collection, and the one queued behind it. */
const refreshing = new Map<string, { current?: Promise<Held>; next?: Promise<Held> }>();

const keyOf = (m: Model<any>) => m.collection.collectionName;
const counterKey = (id: unknown) => String(id);
/** Ids that cannot be a field name (a `.` or a leading `$`) are counted under `all`. */
const countable = (id: unknown) => !/\.|^\$/.test(String(id));
const odd = (n: number | undefined) => (n ?? 0) % 2 !== 0;

/** Marks a model's collection as cached; its writes through the store move the generation. */
export function cacheCollection(m: Model<any>): void {
  const key = keyOf(m);
  cached.set(key, m);
  // what this process serves must equal the collection (src/db/derived.ts)
  registerDerived({
    name: `cache:${key}`,
    source: `the ${key} collection`,
    async check() {
      const [copy, counters] = [await check(m), await stuckCounters(m)];
      return { checked: copy.checked, differences: [...copy.differences.map((d) => ({ id: d.id, reason: `served copy ${d.reason}` })), ...counters.map((k) => ({ id: `generation:${k}`, reason: 'a generation counter left odd by a writer that died' }))] };
    },
    async repair(differences) {
      const stuck = differences.filter((d) => d.id.startsWith('generation:')).map((d) => d.id.slice('generation:'.length));
      await evenCounters(m, stuck);
      clearCaches(m);
      return differences.length;
    },
  });
}

export const isCached = (collection: string) => cached.has(collection);
/** The cached collections' models (the consistency check walks them). */
export const cachedModels = () => [...cached.values()];

/** The $inc that records a write: per document when the ids are known, `all` otherwise. */
export function generationBump(ids: unknown[] | 'all'): Record<string, number> {
  if (ids === 'all' || !ids.every(countable)) return { all: 1 };
  return Object.fromEntries(ids.map((id) => [`docs.${counterKey(id)}`, 1]));
}

async function readGeneration(key: string): Promise<GenerationDoc> {
  return (await Generation.findById(key).lean()) ?? { _id: key };
}

async function readAll(m: Model<any>): Promise<Map<string, unknown>> {
  const docs = new Map<string, unknown>();
  for (const d of await m.find({}).lean().exec() as { _id: unknown }[]) docs.set(counterKey(d._id), d);
  return docs;
}

async function refresh(m: Model<any>, key: string, prev: Held | undefined): Promise<Held> {
  // the generation is read before the documents: a write landing meanwhile moves it afterwards,
  // so the next read fetches that document again
  const g = await readGeneration(key);
  const all = g.all ?? 0;
  const counters = g.docs ?? {};
  if (!prev || prev.all !== all || odd(all)) return { all, counters, docs: await readAll(m) };
  const changed = Object.keys(counters).filter((k) => counters[k] !== prev.counters[k] || odd(counters[k]));
  if (!changed.length) return { ...prev, counters };
  const docs = new Map(prev.docs);
  // a lookup by _id answered with another document is a DatabaseFault (db/guard.ts), never filed here
  const found = await Promise.all(changed.map(async (k) => [k, await m.findById(k).lean().exec()] as const));
  for (const [k, d] of found) {
    if (d && !sameId((d as { _id: unknown })._id, k)) continue; // unreachable behind the guard; never file a stranger
    if (d) docs.set(k, d); else docs.delete(k);
  }
  return { all, counters, docs };
}

function startRefresh(m: Model<any>, key: string, slot: { current?: Promise<Held> }): Promise<Held> {
  const p = refresh(m, key, held.get(key)).then((h) => { held.set(key, h); return h; });
  slot.current = p;
  p.then(() => undefined, () => undefined).then(() => { if (slot.current === p) slot.current = undefined; });
  return p;
}

/**
 * Every document of a cached collection (lean), refreshed with what changed since the last read.
 * Concurrent readers share a refresh, but only one that began after they asked: a refresh already
 * under way may have read the generation before the caller's own write, so a caller arriving
 * during one waits for the next (which all such callers share).
 */
export async function all<T>(m: Model<any>): Promise<T[]> {
  const key = keyOf(m);
  let slot = refreshing.get(key);
  if (!slot) refreshing.set(key, (slot = {}));
  const s = slot;
  let p: Promise<Held>;
  if (!s.current) p = startRefresh(m, key, s);
  else {
    s.next ??= s.current.then(() => undefined, () => undefined).then(() => {
      s.next = undefined;
      return startRefresh(m, key, s);
    });
    p = s.next;
  }
  return [...(await p).docs.values()] as T[];
}

/** Forgets what this process holds of one collection, or of all (tests that write around the store). */
export function clearCaches(m?: Model<any>): void {
  if (m) held.delete(keyOf(m)); else held.clear();
}

export interface CacheDifference { id: string; reason: string }

/**
 * Compares what this process serves for a cached collection with the database. A document counts
 * as different only if the served copy matches neither a read before nor a read after it (so a
 * write landing during the check is not a difference).
 */
export async function check(m: Model<any>): Promise<{ checked: number; differences: CacheDifference[] }> {
  const before = await readAll(m);
  const served = new Map((await all<{ _id: unknown }>(m)).map((d) => [counterKey(d._id), d]));
  const after = await readAll(m);
  const text = (d: unknown) => (d === undefined ? undefined : canonicalJson(JSON.parse(JSON.stringify(d))));
  const differences: CacheDifference[] = [];
  for (const id of new Set([...before.keys(), ...served.keys(), ...after.keys()])) {
    const s = text(served.get(id));
    if (s === text(before.get(id)) || s === text(after.get(id))) continue;
    const v = (d: unknown) => (d as { version?: number } | undefined)?.version;
    differences.push({ id, reason: s === undefined ? 'missing' : !before.has(id) && !after.has(id) ? 'extra' : `differs (served version ${v(served.get(id)) ?? '-'}, stored ${v(after.get(id)) ?? '-'})` });
  }
  return { checked: after.size, differences };
}

/** Odd counters per collection, with the value and when that value was first seen odd. */
const oddSeen = new Map<string, Map<string, { value: number; since: number }>>();
/** How long a counter must stay odd, unchanged, before its writer is taken for dead. */
const STUCK_MS = 5000;

/**
 * Counters that stayed odd with the same value for STUCK_MS (their writer died between its write and
 * the second move). Until they are evened out such documents are only read more often.
 */
export async function stuckCounters(m: Model<any>): Promise<string[]> {
  const key = keyOf(m);
  const g = await readGeneration(key);
  const now = new Map<string, number>();
  if (odd(g.all)) now.set('all', g.all!);
  for (const [k, v] of Object.entries(g.docs ?? {})) if (odd(v)) now.set(`docs.${k}`, v);
  const prev = oddSeen.get(key) ?? new Map();
  const seen = new Map([...now].map(([k, v]) => [k, prev.get(k)?.value === v ? prev.get(k)! : { value: v, since: Date.now() }]));
  oddSeen.set(key, seen);
  return [...seen].filter(([, s]) => Date.now() - s.since >= STUCK_MS).map(([k]) => k);
}

/** Evens out stuck counters, each only if it still holds the value seen stuck (a new writer may have moved it). */
export async function evenCounters(m: Model<any>, counters: string[]): Promise<number> {
  const key = keyOf(m);
  const seen = oddSeen.get(key);
  let n = 0;
  for (const k of counters) {
    const value = seen?.get(k)?.value;
    if (value === undefined) continue;
    const r = await onLane(() => writable(Generation).updateOne({ _id: key, [k]: value }, { $inc: { [k]: 1 } }));
    n += r.modifiedCount;
    seen!.delete(k);
  }
  clearCaches(m);
  return n;
}
