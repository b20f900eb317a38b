import { loadConfig } from '../config';
import { ensureFerretDB, FERRETDB_VERSION } from '../db/ferretdb-install';

/*
 * `npm run db:install`: builds the embedded database binary (FERRETDB_BIN) if it is missing.
 * With FERRETDB_WITHOUT_PATCHES (and a FERRETDB_BIN of its own) it builds a binary that lacks those
 * build patches, to show what a patch fixes (README, "Build patches").
 */
try {
  const config = loadConfig();
  const without = config.ferretdbWithoutPatches;
  const bin = ensureFerretDB(config.ferretdbBin, (m) => process.stdout.write(`${m}\n`), { without });
  process.stdout.write(`FerretDB ${FERRETDB_VERSION} ready at ${bin}${without.length ? ` (without ${without.join(', ')})` : ''}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
