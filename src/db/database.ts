import type { Config } from '../config';
import { ensureFerretDB } from './ferretdb-install';
import { launchFerretDB, type DbLog } from './ferretdb';
import { connectMongo, disconnectMongo } from './connection';
import type { Backend } from './store';

export interface OpenDatabase {
  uri: string;
  embedded: boolean;
  backend: Backend;
  /** the embedded server of a running service was borrowed (a CLI next to the service) */
  borrowed: boolean;
  /** false while the supervised embedded server is down and being restarted */
  up(): boolean;
  close(): Promise<void>;
}

/**
 * MONGODB_URI when given; otherwise the embedded FerretDB on DATA_DIR (installed on first use),
 * supervised: restarted when it dies, its warnings and errors sent to `dbLog`.
 * `borrow` lets a CLI use the FerretDB of a running service instead of starting a second one.
 */
export async function openDatabase(config: Readonly<Config>, log: (m: string) => void, opts: { borrow?: boolean; dbLog?: DbLog } = {}): Promise<OpenDatabase> {
  if (config.mongodbUri) {
    const backend = await connectMongo(config.mongodbUri);
    return { uri: config.mongodbUri, embedded: false, backend, borrowed: false, up: () => true, close: disconnectMongo };
  }
  const bin = ensureFerretDB(config.ferretdbBin, log, { without: config.ferretdbWithoutPatches });
  if (config.ferretdbWithoutPatches.length) log(`WARNING: the embedded FerretDB runs WITHOUT the build patches ${config.ferretdbWithoutPatches.join(', ')} (FERRETDB_WITHOUT_PATCHES): for experiments only`);
  const ferret = await launchFerretDB({ bin, dataDir: config.dataDir, reuse: opts.borrow, log, dbLog: opts.dbLog, supervise: true });
  let backend: Backend;
  try {
    backend = await connectMongo(ferret.uri);
  } catch (err) {
    await ferret.stop();
    throw err;
  }
  return {
    uri: ferret.uri,
    embedded: true,
    backend,
    borrowed: ferret.borrowed,
    up: () => ferret.up,
    async close() {
      try { await disconnectMongo(); } finally { await ferret.stop(); }
    },
  };
}
