import type { Connection } from 'mongoose';
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
