/**
 * `npm run soak`: two service instances on one embedded database, a bounded mixed load of the
 * three roles for SOAK_MINUTES, a FerretDB kill and an instance kill, and continuous checks that
 * every answer belongs to its request and every figure matches the source documents. Ends with one
 * JSON line on stdout; exit code 0 only when nothing failed (stats.ts FAILING, /healthz p99 < 100 ms,
 * SIGTERM ≤ 10 s).
 *
 *   SOAK_MINUTES=1 npm run soak      load duration (default 10, fractional allowed)
 *   SOAK_KEEP=1                      keep the data directory and the instance logs (path printed)
 *   FERRETDB_BIN, FERRETDB_WITHOUT_PATCHES   passed to both instances (e.g. the experiment binaries)
 *
 * Files: instances.ts (processes), client.ts (requests and their bookkeeping), world.ts (logins),
 * driver.ts (the virtual users), targets.ts (scan targets), faults.ts, truth.ts (figures from the
 * source documents), checks.ts (the continuous and final checks), prober.ts (/healthz), report.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/ferretdb';
import { Api } from './client';
import { canary, checkAudit, checkConsistency, checkFigures, checkLists, dbClient, every, scansIdle } from './checks';
import { startLoad } from './driver';
import { bounceInstance, killDatabase } from './faults';
import { type Instance, killAllSync, makeInstance, parseLogins, readDbState, sigterm, spawnInstance, tail, waitReady } from './instances';
import { Prober } from './prober';
import { FAILING, Stats, note, pick, sleep } from './stats';
import { startTargets, type Targets } from './targets';
import { Session, type World } from './world';
import { report } from './report';
import { ExpiredSessions } from './sessions';

const minutes = Number(process.env.SOAK_MINUTES ?? '10');
if (!Number.isFinite(minutes) || minutes <= 0) { process.stderr.write(`SOAK_MINUTES must be a positive number, not ${process.env.SOAK_MINUTES}\n`); process.exit(2); }
const keep = process.env.SOAK_KEEP === '1';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-soak-'));
const dataDir = path.join(root, 'data');
const logDir = path.join(root, 'logs');
fs.mkdirSync(dataDir);
fs.mkdirSync(logDir);
const insts: Instance[] = [];
let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  killAllSync(insts, dataDir);
  if (keep) note(`data and logs kept in ${root}`); else fs.rmSync(root, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { note(`${sig}: stopping`); cleanup(); process.exit(sig === 'SIGINT' ? 130 : 143); });

async function main(): Promise<number> {
  const stats = new Stats();
  const [pa, pb] = [await freePort(), await freePort()];
  const A = makeInstance('A', pa, logDir);
  const B = makeInstance('B', pb, logDir);
  insts.push(A, B);
  const t0 = Date.now();
  note(`data in ${dataDir}; starting instance A on port ${pa} (the demo portfolio loads now)`);
  spawnInstance(A, dataDir);
  note(`instance A ready after ${await waitReady(A, { banner: true, timeoutMs: 240_000 })} ms`);
  A.available = true;
  const accounts = parseLogins(A.out);
  spawnInstance(B, dataDir);
  note(`instance B ready after ${await waitReady(B, { banner: true, timeoutMs: 120_000 })} ms (port ${pb}, sharing the database)`);
  B.available = true;
  const db = readDbState(dataDir);
  const truth = await dbClient(db.port, 2).connect();
  const canaryClient = await dbClient(db.port, 1).connect();
  const targets = await startTargets();
  note(`scan targets: http://127.0.0.1:${targets.httpPort}/ and https://127.0.0.1:${targets.httpsPort}/`);

  const api = new Api(stats, insts);
  const w: World = { api, stats, accounts, ownerOrg: '', ownerId: '', soakSystems: [], systems: [], findings: new Set(), changed: new Set(), issued: [], stopping: false };
  await setUp(w, targets);
  note(`set up: ${w.systems.length} systems, ${w.soakSystems.length} of them the soak's; load for ${minutes} min`);

  const prober = new Prober(insts.map((i) => ({ name: i.name, port: i.port })));
  const checker = new Session(w, accounts['admin@attest.example']);
  const token = () => checker.ensure();
  const loadStart = Date.now();
  const loadEnd = loadStart + minutes * 60_000;
  const over = () => Date.now() >= loadEnd;
  const load = startLoad(w);
  const faults = (async () => {
    await sleep(loadStart + (loadEnd - loadStart) / 3 - Date.now());
    await killDatabase(stats, dataDir, insts).catch((e: Error) => stats.add('faultFailures', 1, `database kill: ${e.message}`));
    await sleep(loadStart + (2 * (loadEnd - loadStart)) / 3 - Date.now());
    await bounceInstance(stats, dataDir, B, prober).catch((e: Error) => stats.add('faultFailures', 1, `instance B restart: ${e.message}`));
  })();
  let round = 0;
  const expired = new ExpiredSessions(w, truth);
  const checks = Promise.all([
    every(20_000, over, () => checkFigures(w, truth, token, insts)),
    every(30_000, over, () => checkLists(w, truth, token)),
    every(30_000, over, async () => { await checkConsistency(w, token, truth, insts[round++ % 2]); }),
    every(5000, over, () => canary(w, canaryClient, [pick(w.soakSystems)!, pick(w.systems)!.id, pick(w.systems)!.id])),
    every(15_000, over, () => expired.round()),
    every(30_000, over, async () => { note(progress(stats, prober, loadStart)); }),
  ]);
  await sleep(loadEnd - Date.now());
  w.stopping = true;
  note('load stopped; waiting for the virtual users and the faults to finish');
  await Promise.race([Promise.all([load, faults, checks]), sleep(180_000)]);
  if (!(await scansIdle(w, token, 120_000))) note('scans still queued or running after 120 s');
  await sleep(10_000);
  // the final checks count everything: derived data a kill left behind has had 60 s to be repaired
  const quiet = Math.max(0, ...stats.kills.map((k) => k + 61_000 - Date.now()));
  if (quiet) { note(`waiting ${Math.round(quiet / 1000)} s (60 s after the last kill) before the final checks`); await sleep(quiet); }

  note('final checks: figures, lists, consistency, audit');
  await checkFigures(w, truth, token, insts);
  await checkLists(w, truth, token);
  await expired.round(true);
  let left = 0;
  for (const i of insts) left += await checkConsistency(w, token, truth, i);
  // nothing runs now: differences still there 20 s later are not a moment caught mid-change
  if (left) { await sleep(20_000); for (const i of insts) await checkConsistency(w, token, truth, i, true); }
  const t = await token();
  if (t) await checkAudit(w, t, truth); else stats.add('auditMissing', 1, 'no admin token for the audit check');
  await prober.stop();
  if (t) for (const i of insts) await processMetrics(api, t, i);
  await Promise.all([truth.close(), canaryClient.close()]).catch(() => undefined);
  await targets.close();

  note('SIGTERM to both instances');
  const sigtermMs = Math.max(...(await Promise.all(insts.map((i) => sigterm(i)))));
  const result = report(stats, prober, api, { minutes, sigtermMs, totalMs: Date.now() - t0 });
  const failed = FAILING.some((c) => stats.counts[c] > 0) || result.healthzP99Ms >= 100 || sigtermMs > 10_000;
  // faults the service's own guards saw (db/faults.ts), whether or not a request failed because of them
  for (const i of insts) {
    const faults = tail(i.logFile, 10, (l) => /database fault|"component":"database"/.test(l));
    if (faults) process.stderr.write(`\nnote instance ${i.name} logged database faults:\n${faults}\n`);
  }
  if (failed) for (const i of insts) process.stderr.write(`\n--- instance ${i.name}: last warnings and errors (${i.logFile}) ---\n${tail(i.logFile, 25, (l) => /"level":(40|50|60)|exit|start|Error/.test(l))}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return failed ? 1 : 0;
}

/** Owner's id and organization, every system, three soak systems scanning the local targets. */
async function setUp(w: World, targets: Targets): Promise<void> {
  const admin = new Session(w, w.accounts['admin@attest.example']);
  const owner = new Session(w, w.accounts['owner@attest.example']);
  const at = await admin.ensure();
  const ot = await owner.ensure();
  const me = ot && (await w.api.get({ path: '/api/v1/auth/me', token: ot }));
  if (!at || !me?.organization) throw new Error('could not log in as the admin and the owner');
  w.ownerId = me.id;
  w.ownerOrg = me.organization;
  for (let page = 1; page <= 10; page++) {
    const b = await w.api.get({ path: `/api/v1/systems?page=${page}&limit=100`, token: at });
    if (!b) throw new Error('could not list the systems');
    w.systems.push(...b.items.map((s: { id: string; level: number; organization: string }) => ({ id: s.id, level: s.level, organization: s.organization })));
    if (page * 100 >= b.total) break;
  }
  const endpoints = [[`http://127.0.0.1:${targets.httpPort}/`], [`https://127.0.0.1:${targets.httpsPort}/`], [`http://127.0.0.1:${targets.httpPort}/`, `https://127.0.0.1:${targets.httpsPort}/`]];
  for (const [i, eps] of endpoints.entries()) {
    const b = await w.api.get({ method: 'POST', path: '/api/v1/systems', token: at, ok: [201], body: {
      code: `SOAK-${i + 1}`, name: `Soak target ${i + 1}`, organization: w.ownerOrg, level: 2, endpoints: eps, owners: [w.ownerId], description: 'Created by the soak test', tags: ['soak'],
    } });
    if (!b?.id) throw new Error(`could not create system SOAK-${i + 1}`);
    w.soakSystems.push(b.id);
    w.systems.push({ id: b.id, level: 2, organization: w.ownerOrg });
  }
  const f = await w.api.get({ path: '/api/v1/findings?limit=100', token: at });
  for (const i of f?.items ?? []) w.findings.add(i.id);
}

/** The service's own view of its event loop and garbage collector (prom-client's process metrics). */
async function processMetrics(api: Api, token: string, inst: Instance): Promise<void> {
  const m = await api.get<string>({ path: '/metrics', token, inst });
  if (typeof m !== 'string') return;
  const lines = m.split('\n').filter((l) => /^attest_(nodejs_(eventloop_lag_(max|p99)_seconds|gc_duration_seconds_sum)|job_runs_total\{job="consistency"|consistency_(differences|repaired)_total|db_faults_total)/.test(l))
    .map((l) => l.replace(/^attest_(nodejs_)?/, '').replace(/(\d+\.\d{3})\d+$/, '$1'));
  note(`instance ${inst.name} process metrics: ${lines.join(', ')}`);
}

function progress(stats: Stats, prober: Prober, since: number): string {
  const c = stats.counts;
  return `t+${Math.round((Date.now() - since) / 1000)}s requests=${c.requests} 5xx=${c.errors5xx} mismatched=${c.mismatchedReplies} drifts=${c.figureDrifts}+${c.listDrifts}+${c.summaryDrifts}`
    + ` consistency=${c.consistencyDiffs} timeouts=${c.timeouts} instanceDown=${c.instanceDownErrors} dbDown5xx=${c.dbDowntime5xx} unexpected4xx=${c.unexpected4xx}`
    + ` healthz p99=${prober.p(99)}ms transitions=${c.transitions} scans=${c.scansFinished}/${c.scansStarted} certs=+${c.certificatesIssued}/-${c.certificatesRevoked}`;
}

main().then((code) => { cleanup(); process.exit(code); }, (err: Error) => {
  process.stderr.write(`soak failed: ${err.stack ?? err}\n`);
  for (const i of insts) process.stderr.write(`\n--- instance ${i.name} (${i.logFile}) ---\n${tail(i.logFile, 25)}\n`);
  process.stdout.write(`${JSON.stringify({ minutes, error: err.message.split('\n')[0] })}\n`);
  cleanup();
  process.exit(1);
});
