import type { Model, UpdateQuery } from 'mongoose';
import { normalizeWriteError } from './db-errors';
import { writer } from './writer';
import { Generation, generationBump, isCached } from './cache';

/*
 * How one write of the persistence seam (store.ts) runs: on the connection that writes (the lane's
 * on FerretDB), with its errors normalised, and with the generation of a cached collection moved
 * for the documents it touched.
 */
type AnyModel = Model<any>;
type Update = UpdateQuery<any>;

/** The model bound to the connection that writes: the lane's on FerretDB, the pool's otherwise. */
export function writable<M extends AnyModel>(m: M): M {
  const conn = writer.laneConnection;
  if (!conn) return m;
  return (conn.models[m.modelName] ?? conn.model(m.modelName, m.schema, m.collection.collectionName)) as M;
}

/**
 * Runs one write: through the lane on FerretDB, with errors normalised. A write of a cached
 * collection then bumps its generation for the documents it touched (`ids`; 'all' when unknown).
 */
export async function write<T>(m: AnyModel, job: (w: AnyModel) => Promise<T>, opts: { raw?: boolean; ids?: unknown[] | 'all' } = {}): Promise<T> {
  const w = writable(m);
  try {
    return writer.lane ? await writer.lane.run(() => job(w)) : await job(w);
  } catch (err) {
    throw opts.raw ? err : normalizeWriteError(err, m);
  } finally {
    // also after a failed write: it may have been applied before the error reached us
    if (isCached(m.collection.collectionName)) await bumpGeneration(m.collection.collectionName, opts.ids ?? 'all');
  }
}

function bumpGeneration(collection: string, ids: unknown[] | 'all'): Promise<unknown> {
  const g = writable(Generation);
  const job = () => g.updateOne({ _id: collection }, { $inc: generationBump(ids) }, { upsert: true });
  return writer.lane ? writer.lane.run(job) : job();
}

/** Adds the version increment every conditional or versioned write carries. */
export function bump(update: Update): Update {
  return { ...update, $inc: { ...(update.$inc as object), version: 1 } };
}

export const lean = <T>(doc: { toObject(): unknown }) => doc.toObject() as T;
export const idsOf = (docs: object[]): unknown[] | 'all' => (docs.every((d) => (d as { _id?: unknown })._id !== undefined) ? docs.map((d) => (d as { _id: unknown })._id) : 'all');

