import type { Model, UpdateQuery } from 'mongoose';
import { normalizeWriteError } from './db-errors';
import { onLane, writable } from './writer';
import { Generation, generationBump, isCached } from './cache';

/*
 * How one write of the persistence seam (store.ts) runs: on the connection that writes (the lane's
 * on FerretDB), with its errors normalised, and, for a cached collection, between two moves of the
 * generation counters of the documents it touches (db/cache.ts): one before (the counter turns odd:
 * "a write may be under way") and one after (even again). A process killed between the write and
 * the second move leaves the counter odd, and an odd counter makes every reader read that document
 * again, so a crash can never leave another instance holding a stale copy.
 */
type AnyModel = Model<any>;
type Update = UpdateQuery<any>;

export { writable };

function moveGeneration(collection: string, ids: unknown[] | 'all'): Promise<unknown> {
  return writable(Generation).updateOne({ _id: collection }, { $inc: generationBump(ids) }, { upsert: true });
}

/**
 * Runs one write: through the lane on FerretDB, with errors normalised. A write of a cached
 * collection moves the generation of the documents it touches (`ids`; 'all' when unknown) before and
 * after itself, in the same lane job.
 */
export async function write<T>(m: AnyModel, job: (w: AnyModel) => Promise<T>, opts: { raw?: boolean; ids?: unknown[] | 'all' } = {}): Promise<T> {
  const w = writable(m);
  const collection = m.collection.collectionName;
  const cached = isCached(collection);
  const ids = opts.ids ?? 'all';
  const run = async () => {
    if (!cached) return job(w);
    await moveGeneration(collection, ids);
    try {
      return await job(w);
    } finally {
      // also after a failed write: it may have been applied before the error reached us
      await moveGeneration(collection, ids);
    }
  };
  try {
    return await onLane(run);
  } catch (err) {
    throw opts.raw ? err : normalizeWriteError(err, m);
  }
}

/** Adds the version increment every conditional or versioned write carries. */
export function bump(update: Update): Update {
  return { ...update, $inc: { ...(update.$inc as object), version: 1 } };
}

export const lean = <T>(doc: { toObject(): unknown }) => doc.toObject() as T;
export const idsOf = (docs: object[]): unknown[] | 'all' => (docs.every((d) => (d as { _id?: unknown })._id !== undefined) ? docs.map((d) => (d as { _id: unknown })._id) : 'all');
