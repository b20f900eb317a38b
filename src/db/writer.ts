import type { Connection, Model } from 'mongoose';
import type { Lane } from './lane';

export type Backend = 'mongodb' | 'ferretdb';

/** Which implementation the store uses, chosen at connect time (connection.ts). */
export interface Writer { backend: Backend; lane?: Lane; laneConnection?: Connection }
export const writer: Writer = { backend: 'mongodb' };

export function configureStore(w: Writer): void {
  writer.backend = w.backend;
  writer.lane = w.lane;
  writer.laneConnection = w.laneConnection;
}

export const backend = (): Backend => writer.backend;
/** Write jobs queued on the lane (0 on MongoDB). */
export const laneDepth = (): number => writer.lane?.depth ?? 0;

/** The model bound to the connection that writes: the lane's on FerretDB, the pool's otherwise. */
export function writable<M extends Model<any>>(m: M): M {
  const conn = writer.laneConnection;
  if (!conn) return m;
  return (conn.models[m.modelName] ?? conn.model(m.modelName, m.schema, m.collection.collectionName)) as M;
}

/** Runs a write job on the lane when there is one (FerretDB), directly otherwise. */
export const onLane = <T>(job: () => Promise<T>): Promise<T> => (writer.lane ? writer.lane.run(job) : job());
