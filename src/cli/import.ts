import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { csvToRows, importSystems } from '../modules/systems/system.import';
import { AppError } from '../http/errors';
import { systemActor } from '../shared/actor';
import { configureAuditKey } from '../modules/audit/audit.key';
import { loadOrCreateSecrets } from '../embedded-secrets';

const USAGE = `usage: npm run import -- <file.csv|file.json> [--dry-run]
  Imports systems (all or nothing). CSV columns: code,name,organization(code),level,levelApprovalReference,
  levelApprovalDate,description,category,hosting,endpoints,scanPorts,allowedPorts,owners,status,tags
  (lists separated by ';'). Uses MONGODB_URI, or the embedded database in DATA_DIR. While the
  service runs on that DATA_DIR, only --dry-run is allowed (import through the API instead).`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file || args.includes('--help')) { process.stderr.write(`${USAGE}\n`); return file ? 0 : 2; }
  const config = loadConfig();
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command
  const full = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const text = fs.readFileSync(full, 'utf8');
  const rows = /\.json$/i.test(full) ? JSON.parse(text) : csvToRows(text);
  if (!Array.isArray(rows)) throw new Error('a JSON import must be an array of systems');
  const dryRun = args.includes('--dry-run');
  // the same key as the service's, or its audit verification would reject what this writes
  configureAuditKey(config.auditKey ?? config.sessionSecret ?? (config.embedded ? loadOrCreateSecrets(config.dataDir).sessionSecret : ''));
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`), { borrow: true });
  try {
    // beside a running service the writes are as safe as the service's own: every conditional write
    // is one command, atomic across processes (the build patch serialised-writes)
    const started = Date.now();
    const r = await importSystems({ actor: systemActor('cli:import') }, rows, { dryRun });
    process.stdout.write(`${r.dryRun ? 'dry run: would create' : 'created'} ${r.created}, ${r.dryRun ? 'would update' : 'updated'} ${r.updated} (${rows.length} rows in ${Date.now() - started} ms)\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`${err.message}\n`);
      for (const d of (err.details as { row?: number; field?: string; reason: string }[] | undefined) ?? []) {
        process.stderr.write(`  row ${d.row ?? '-'}  ${d.field ?? ''}: ${d.reason}\n`);
      }
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`import failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
