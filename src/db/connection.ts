import mongoose, { type Connection } from 'mongoose';
import { configureStore, type Backend } from './store';
import { createLane } from './lane';
import { installIdGuard, installReplyCheck, watchReplies } from './guard';

mongoose.set('strictQuery', true);

let laneConnection: Connection | undefined;

/** Which server is behind the URI: FerretDB says so in buildInfo. */
async function detectBackend(): Promise<Backend> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  return info.ferretdbVersion ? 'ferretdb' : 'mongodb';
}

/**
 * Connects the read pool and, on FerretDB, the single write lane (one connection; see store.ts).
 * The store's implementation is chosen here, from what the server says it is.
 */
export async function connectMongo(uri: string): Promise<Backend> {
  installIdGuard();
  installReplyCheck();
  // monitorCommands: the latency of every command feeds the metrics (http/metrics.ts), and every
  // reply is checked against its command (db/guard.ts)
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000, maxPoolSize: 20, autoIndex: true, monitorCommands: true });
  watchReplies(mongoose.connection.getClient());
  const backend = await detectBackend();
  if (backend === 'ferretdb') {
    laneConnection = await mongoose.createConnection(uri, {
      serverSelectionTimeoutMS: 5000, maxPoolSize: 1, minPoolSize: 1, autoIndex: false, autoCreate: false, monitorCommands: true,
    }).asPromise();
    watchReplies(laneConnection.getClient());
    configureStore({ backend, lane: createLane(), laneConnection });
  } else {
    configureStore({ backend });
  }
  await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  return backend;
}

export async function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.admin().ping(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('ping timeout')), timeoutMs); }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function disconnectMongo(): Promise<void> {
  await laneConnection?.close();
  laneConnection = undefined;
  configureStore({ backend: 'mongodb' });
  await mongoose.disconnect();
}
