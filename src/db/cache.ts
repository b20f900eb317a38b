import { Schema, model, type Model } from 'mongoose';

/*
 * Small collections that hot paths read whole (systems, organizations, finding boards, settings,
 * scan schedules) are served from memory and revalidated on every read. On the embedded FerretDB
 * a read costs what it decodes (~0.2 ms per KB: 124 system documents ≈ 25 ms a query); here a read
 * costs one lookup by _id of the collection's generation document, plus the documents that
 * changed since this process last looked.
 *
 * The generation document counts writes per document (`docs.<id>`) and writes whose documents
 * are not known one by one (`all`: bulk updates, deletes by filter). Every write of a cached
 * collection through the store bumps it after the write (src/db/store.ts), in whichever instance
 * it happens, so a read never serves a document older than the last write that completed before
 * the read began. Writes that bypass the store are not seen until one that goes through it.
 */
interface GenerationDoc { _id: string; all?: number; docs?: Record<string, number> }
export const Generation = model<GenerationDoc>('Generation', new Schema<GenerationDoc>({ _id: String, all: Number, docs: Schema.Types.Mixed }, { versionKey: false, minimize: false }), 'generations');

const cached = new Set<string>();
interface Held { all: number; counters: Record<string, number>; docs: Map<string, unknown> }
const held = new Map<string, Held>();
const refreshing = new Map<string, Promise<Held>>();

const keyOf = (m: Model<any>) => m.collection.collectionName;
const counterKey = (id: unknown) => String(id);
/** Ids that cannot be a field name (a `.` or a leading `$`) are counted under `all`. */
const countable = (id: unknown) => !/\.|^\$/.test(String(id));

/** Marks a model's collection as cached; its writes through the store bump the generation. */
export function cacheCollection(m: Model<any>): void {
  cached.add(keyOf(m));
}

export const isCached = (collection: string) => cached.has(collection);

/** The $inc that records a write: per document when the ids are known, `all` otherwise. */
export function generationBump(ids: unknown[] | 'all'): Record<string, number> {
  if (ids === 'all' || !ids.every(countable)) return { all: 1 };
  return Object.fromEntries(ids.map((id) => [`docs.${counterKey(id)}`, 1]));
}

async function refresh(m: Model<any>, key: string, prev: Held | undefined): Promise<Held> {
  // the generation is read before the documents: a write landing meanwhile bumps it afterwards,
  // so the next read fetches that document again
  const g: GenerationDoc = (await Generation.findById(key).lean()) ?? { _id: key };
  const all = g.all ?? 0;
  const counters = g.docs ?? {};
  if (!prev || prev.all !== all) {
    const docs = new Map((await m.find({}).lean().exec()).map((d: { _id: unknown }) => [counterKey(d._id), d as unknown]));
    return { all, counters, docs };
  }
  const changed = Object.keys(counters).filter((k) => counters[k] !== prev.counters[k]);
  if (!changed.length) return prev;
  const docs = new Map(prev.docs);
  const found = new Map((await Promise.all(changed.map(async (k) => [k, await m.findById(k).lean().exec()] as const))));
  for (const [k, d] of found) if (d) docs.set(k, d); else docs.delete(k);
  return { all, counters, docs };
}

/** Every document of a cached collection (lean), refreshed with what changed since the last read. */
export async function all<T>(m: Model<any>): Promise<T[]> {
  const key = keyOf(m);
  let p = refreshing.get(key);
  if (!p) {
    p = refresh(m, key, held.get(key)).then((h) => { held.set(key, h); return h; }).finally(() => refreshing.delete(key));
    refreshing.set(key, p);
  }
  return [...(await p).docs.values()] as T[];
}

/** Forgets what this process holds (tests that write around the store). */
export function clearCaches(): void {
  held.clear();
}
