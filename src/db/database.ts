import type { Config } from '../config';
import { ensureFerretDB } from './ferretdb-install';
import { launchFerretDB } from './ferretdb';
import { connectMongo, disconnectMongo } from './connection';

export interface OpenDatabase { uri: string; embedded: boolean; close(): Promise<void> }

/**
 * MONGODB_URI when given; otherwise the embedded FerretDB on DATA_DIR (installed on first use).
 * `borrow` lets a CLI use the FerretDB of a running service instead of starting a second one.
 */
export async function openDatabase(config: Readonly<Config>, log: (m: string) => void, opts: { borrow?: boolean } = {}): Promise<OpenDatabase> {
  if (config.mongodbUri) {
    await connectMongo(config.mongodbUri);
    return { uri: config.mongodbUri, embedded: false, close: disconnectMongo };
  }
  const bin = ensureFerretDB(config.ferretdbBin, log);
  const ferret = await launchFerretDB({ bin, dataDir: config.dataDir, reuse: opts.borrow, log });
  try {
    await connectMongo(ferret.uri);
  } catch (err) {
    await ferret.stop();
    throw err;
  }
  return {
    uri: ferret.uri,
    embedded: true,
    async close() {
      try { await disconnectMongo(); } finally { await ferret.stop(); }
    },
  };
}
