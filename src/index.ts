import http from 'node:http';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { createApp } from './app';
import { getSettings } from './modules/settings/settings.service';
import { openDatabase } from './db/database';
import { loadOrCreateSecrets } from './embedded-secrets';
import { ensureAdmin } from './modules/users/bootstrap';
import { loadChecklistDir } from './modules/checklists/checklist.loader';
import { loadTemplates } from './modules/reports/templates';
import { systemActor } from './shared/actor';
import { createScheduler } from './jobs/scheduler';
import { checkJobSchedules, registerJobs } from './jobs';
import { reconcile } from './reconcile';
import { migrateScanFindings } from './modules/scans/scan.findings-migrate';
import { migrateFindingsToBilingual } from './modules/findings/finding.migrate-vi';
import { mapping as scanImportMapping } from './modules/scan-imports/mapping';
import { run as runConsistency } from './consistency/consistency.service';
import { configureAuditKey } from './modules/audit/audit.key';
import { startAnchoring } from './modules/audit/audit.anchor';
import { metricsHandler } from './http/metrics';
import { loadDemo, type DemoResult } from './demo/load';
import { randomPassword } from './embedded-secrets';
import { stopAll as stopScans } from './modules/scans/scan.service';

async function main() {
  let config;
  try {
    config = loadConfig();
    checkJobSchedules(config.jobSchedules);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const log = (msg: string) => logger.info(msg);
  if (!config.publicBaseUrlSet) logger.warn(`PUBLIC_BASE_URL is not set: certificates issued now print ${config.publicBaseUrl}/verify/… (set it to the public address; production refuses to start without it)`);

  // this process serves plain HTTP: behind a TLS-terminating proxy only a trusted X-Forwarded-Proto says https
  if (config.publicBaseUrl.startsWith('https:') && config.trustProxy === false) logger.warn('PUBLIC_BASE_URL is https but TRUST_PROXY is not set: requests arriving through the TLS proxy look like plain HTTP here, so the session cookie goes without the Secure flag (set TRUST_PROXY to the proxy\'s address or hop count)');
  const secrets = config.embedded ? loadOrCreateSecrets(config.dataDir) : undefined;
  const sessionSecret = config.sessionSecret ?? secrets!.sessionSecret;
  const adminPassword = config.adminPassword ?? secrets?.adminPassword;
  configureAuditKey(config.auditKey ?? sessionSecret);

  // a bad document template (reports/*.yaml) stops start-up before anything is opened
  loadTemplates(path.resolve('reports'));
  const db = await openDatabase(config, log, {
    dbLog: (level, msg, fields) => logger[level]({ component: 'ferretdb', ...fields }, msg),
  });
  const createdAdmin = await ensureAdmin(config.adminEmail, adminPassword);
  // a bad checklist file stops start-up: main().catch prints its message (file: path: reason);
  // the embedded database is stopped first, or it would outlive the process
  const checklists = await loadChecklistDir(path.resolve('checklists'), { actor: systemActor('checklists') })
    .catch(async (err: unknown) => { await db.close().catch(() => undefined); throw err; });
  logger.info({ imported: checklists.imported, unchanged: checklists.unchanged.length }, `checklists: ${checklists.imported.length} imported, ${checklists.unchanged.length} unchanged`);
  // a bad scanner-report mapping stops start-up too, naming the file and the reason
  await scanImportMapping().catch(async (err: unknown) => { await db.close().catch(() => undefined); throw err; });
  const repaired = await reconcile();
  logger.info(repaired, 'derived data checked');
  // jobs take a lease per tick in job_runs, so every instance may run the scheduler
  const scheduler = createScheduler({ enabled: config.schedulerEnabled, logger });
  registerJobs(scheduler, config.jobSchedules);
  const handle = createApp({ config, logger, sessionSecret, databaseUp: db.up });
  // the chain's head outside the database: now (after recovery appended any pending events) and every AUDIT_ANCHOR_SECONDS
  const anchoring = startAnchoring({ seconds: config.auditAnchorSeconds, onError: (err) => logger.error({ err, component: 'audit' }, 'the audit head could not be anchored') });
  await anchoring.started;
  // through the finding lifecycle, so after createApp has wired the summaries to finding changes
  const migrated = await migrateScanFindings();
  if (migrated.migrated || migrated.split) logger.info(migrated, `scan findings: ${migrated.migrated} now one per problem, ${migrated.split} split off`);
  const bilingual = await migrateFindingsToBilingual();
  if (bilingual.migrated || bilingual.skipped) logger.info(bilingual, `assessment findings: ${bilingual.migrated} given the control's Vietnamese and English words, ${bilingual.skipped} without a control to take them from`);
  // the demo portfolio goes into a fresh database through the services (createApp wired their events)
  let demo: DemoResult | undefined;
  const demoPasswords = secrets?.demo ?? { inspector: randomPassword('Insp3ctor'), owner: randomPassword('0wner'), approver: randomPassword('Appr0ver') };
  if (config.demoData) {
    demo = await loadDemo(demoPasswords);
    logger.info({ loaded: demo.loaded, reason: demo.reason, ms: demo.ms }, demo.loaded ? `demo portfolio loaded in ${demo.ms} ms` : `demo portfolio not loaded: ${demo.reason}`);
  }
  const server = http.createServer(handle.app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  // metrics without a token, on an address of their own (loopback unless METRICS_HOST says otherwise)
  const metricsServer = config.metricsPort ? http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') void metricsHandler(req as never, res as never, () => undefined);
    else { res.statusCode = 404; res.end(); }
  }).listen(config.metricsPort, config.metricsHost) : undefined;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  logger.info({ port, embedded: config.embedded }, 'Attest is listening');
  scheduler.start();
  // a crash of this or another instance can leave derived data behind: checked now, in the background
  void runConsistency({ repair: true }).then(
    (r) => logger.info({ differences: r.differences, repaired: r.repaired, ms: r.ms }, `consistency check at start-up: ${r.differences} differences, ${r.repaired} repaired`),
    (err: unknown) => logger.error({ err }, 'consistency check at start-up failed'));
  // the address people open: PUBLIC_BASE_URL when set; on loopback "localhost", the one name
  // passkeys accept (WebAuthn refuses IP addresses) and the default PUBLIC_BASE_URL
  const loopback = /^(127\.|::1$|localhost$)/.test(config.host);
  const url = config.publicBaseUrlSet ? config.publicBaseUrl
    : loopback ? `http://localhost:${port}` : `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  process.stdout.write(`\nAttest is running at ${url}  (API docs: ${url}/docs)\n`);
  if (config.embedded) {
    process.stdout.write(`Embedded database (FerretDB) with data in ${config.dataDir}\n`);
    process.stdout.write(`Admin login: ${config.adminEmail}  password: ${config.adminPassword ? '(from ADMIN_PASSWORD)' : adminPassword}${createdAdmin ? '  (created now)' : ''}\n`);
  }
  if (demo?.accounts.length && (config.embedded || demo.loaded)) {
    // embedded: the passwords are kept in DATA_DIR/secrets.json; otherwise shown once, when created
    const pw: Record<string, string> = { 'inspector@attest.example': demoPasswords.inspector, 'owner@attest.example': demoPasswords.owner, 'approver@attest.example': demoPasswords.approver };
    process.stdout.write(`Demo portfolio (fictional, 124 systems)${demo.loaded ? ' loaded now' : ''}; demo logins at ${url}/ :\n`);
    for (const a of demo.accounts) process.stdout.write(`  ${a.role.padEnd(17)} ${a.email.padEnd(26)} password: ${pw[a.email]}\n`);
  }
  const mfaRoles = (await getSettings()).mfaRequiredRoles;
  if (mfaRoles.length) process.stdout.write(`Second factor required for: ${mfaRoles.join(', ')} (set up an authenticator app or a passkey at the first login; setting mfaRequiredRoles)\n`);
  process.stdout.write('\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // backstop: whatever hangs, the process ends
    setTimeout(() => { logger.error('forced exit after shutdown timeout'); process.exit(1); }, config.shutdownTimeoutMs).unref();
    // stop accepting; in-flight requests finish, idle keep-alive sockets close now
    await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); });
    anchoring.stop();
    metricsServer?.close();
    await handle.close();
    await scheduler.stop(); // running jobs finish (bounded) while the database is still open
    await stopScans(); // scans of this process will not finish: they are marked interrupted now
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Attest failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
