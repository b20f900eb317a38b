import { Schema, model, type Model } from 'mongoose';

/*
 * Whole small collections (systems, organizations, finding boards, settings) served from memory,
 * revalidated on every read. On the embedded FerretDB a read costs what it decodes (measured:
 * ~0.2 ms per KB, so 124 system documents ≈ 25 ms a query); here a read costs one lookup by _id
 * of a tiny generation document. Every write of a cached collection through the store bumps its
 * generation (src/db/store.ts), in whichever instance it happens, so a read never serves data
 * older than the last write that completed before it began. Writes that bypass the store are
 * not seen until the next one that goes through it.
 */
interface GenerationDoc { _id: string; v: number }
export const Generation = model<GenerationDoc>('Generation', new Schema<GenerationDoc>({ _id: String, v: Number }, { versionKey: false }), 'generations');

const cached = new Set<string>();
interface Entry { v: number; docs: unknown[] }
const entries = new Map<string, Entry>();
const loading = new Map<string, { v: number; promise: Promise<unknown[]> }>();

const keyOf = (m: Model<any>) => m.collection.collectionName;

/** Marks a model's collection as cached; its writes through the store bump the generation. */
export function cacheCollection(m: Model<any>): void {
  cached.add(keyOf(m));
}

export const isCached = (collection: string) => cached.has(collection);

/** Every document of a cached collection (lean), from memory when nothing was written since. */
export async function all<T>(m: Model<any>): Promise<T[]> {
  const key = keyOf(m);
  // the generation is read before the documents: a write landing meanwhile bumps it afterwards,
  // so the next read loads again
  const v = (await Generation.findById(key, { v: 1 }).lean())?.v ?? 0;
  const hit = entries.get(key);
  if (hit && hit.v === v) return hit.docs as T[];
  const inFlight = loading.get(key);
  if (inFlight && inFlight.v === v) return inFlight.promise as Promise<T[]>;
  const promise = m.find({}).lean().exec().then((docs: unknown[]) => {
    const cur = entries.get(key);
    if (!cur || cur.v <= v) entries.set(key, { v, docs });
    return docs;
  }).finally(() => { if (loading.get(key)?.promise === promise) loading.delete(key); });
  loading.set(key, { v, promise });
  return promise as Promise<T[]>;
}

/** Forgets what this process holds (tests that write around the store). */
export function clearCaches(): void {
  entries.clear();
}
