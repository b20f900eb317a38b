import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { AppError } from '../http/errors';
import { systemActor } from '../shared/actor';
import { configureAuditKey } from '../modules/audit/audit.key';
import { configureCertificates } from '../modules/certificates/certificate.service';
import * as settings from '../modules/settings/settings.service';
import * as systems from '../modules/systems/system.service';
import * as oscal from '../modules/oscal/oscal.service';
import { FILES } from '../modules/oscal/oscal.common';
import { loadOrCreateSecrets } from '../embedded-secrets';

const USAGE = `usage: npm run oscal -- export --system <code> --out <dir>
  Writes the OSCAL documents of one system for offline exchange, the same as the API gives:
  ${FILES.catalog} (the active checklist), profile-level-N.json (the system's level N), ${FILES.ssp},
  ${FILES.ar} (its newest approved assessment, else its newest one; left out when it has none)
  and ${FILES.poam}. The exports of assessment results and POA&M are audited (actor cli:oscal).
  Uses MONGODB_URI, or the embedded database in DATA_DIR (beside a running service too).`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function exportSystem(code: string, out: string): Promise<string[]> {
  const ctx = { actor: systemActor('cli:oscal') };
  const wanted = code.trim().toUpperCase();
  const found = (await systems.list(ctx, { page: 1, limit: 100, q: wanted, sort: 'code' })).items.find((s) => s.code === wanted);
  if (!found) throw new AppError(404, 'not_found', `No system with code ${wanted}`);
  const checklist = await settings.activeChecklistId();
  const docs: [string, unknown][] = [
    [FILES.catalog, await oscal.catalog(checklist)],
    [FILES.profile(found.level), await oscal.profile(checklist, found.level)],
    [FILES.ssp, await oscal.ssp(ctx, found.id)],
  ];
  const assessment = await oscal.latestAssessmentId(ctx, found.id);
  if (assessment) docs.push([FILES.ar, await oscal.assessmentResults(ctx, assessment)]);
  docs.push([FILES.poam, await oscal.poam(ctx, found.id)]);
  fs.mkdirSync(out, { recursive: true });
  for (const [name, doc] of docs) fs.writeFileSync(path.join(out, name), `${JSON.stringify(doc, null, 2)}\n`);
  return docs.map(([name]) => path.join(out, name));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const code = option(args, '--system');
  const outArg = option(args, '--out');
  if (args[0] !== 'export' || !code || !outArg || args.includes('--help')) { process.stderr.write(`${USAGE}\n`); return args.includes('--help') ? 0 : 2; }
  const config = loadConfig();
  // the same key as the service's, or its audit verification would reject the events this writes
  configureAuditKey(config.auditKey ?? config.sessionSecret ?? (config.embedded ? loadOrCreateSecrets(config.dataDir).sessionSecret : ''));
  configureCertificates({ publicBaseUrl: config.publicBaseUrl });
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), outArg);
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`), { borrow: true });
  try {
    const written = await exportSystem(code, out);
    for (const f of written) process.stdout.write(`wrote ${f}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) { process.stderr.write(`${err.message}\n`); return 1; }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`oscal export failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
