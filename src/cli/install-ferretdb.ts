import { loadConfig } from '../config';
import { ensureFerretDB, FERRETDB_VERSION } from '../db/ferretdb-install';

// `npm run db:install`: builds the embedded database binary if it is missing.
try {
  const config = loadConfig();
  const bin = ensureFerretDB(config.ferretdbBin, (m) => process.stdout.write(`${m}\n`));
  process.stdout.write(`FerretDB ${FERRETDB_VERSION} ready at ${bin}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
