/*
 * npm run bench:history — ten years of a 124-system programme on the embedded database, then
 * the hot reads at 10 connections (autocannon), each beside /healthz in the same run, and one
 * /audit/verify of the whole chain. Ends with one JSON line of the figures.
 * BENCH_SECONDS (default 5) sets each measurement's duration; BENCH_SCALE (default 1) the data.
 */
import { ensureTrialIdentity } from '../../src/modules/reports/sign';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureFerretDB } from '../../src/db/ferretdb-install';
import { freePort, launchFerretDB } from '../../src/db/ferretdb';
import { connectMongo, disconnectMongo } from '../../src/db/connection';
import { loadChecklistDir } from '../../src/modules/checklists/checklist.loader';
import * as compliance from '../../src/modules/compliance/compliance.service';
import { systemActor } from '../../src/shared/actor';
import { configureAuditKey } from '../../src/modules/audit/audit.key';
import { seedHistory, TEN_YEARS } from './history-seed';

const SECRET = 'bench-session-secret-0123456789abcdef';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const out = (m: string) => process.stdout.write(`${m}\n`);

async function measure(url: string, token?: string) {
  const r = await autocannon({ url, connections: 10, duration: SECONDS, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { p50: r.latency.p50, p99: r.latency.p99, rps: Math.round(r.requests.average) };
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-history-'));
  const bin = ensureFerretDB(path.resolve('.tools/bin/ferretdb'), out);
  const db = await launchFerretDB({ bin, dataDir: dir, log: out });
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await connectMongo(db.uri);
    configureAuditKey(SECRET);
    await loadChecklistDir(path.resolve('checklists'), { actor: systemActor('bench') });
    const sizes = Object.fromEntries(Object.entries(TEN_YEARS).map(([k, v]) => [k, k === 'systems' ? v : Math.round(v * SCALE)])) as typeof TEN_YEARS;
    let t = Date.now();
    const seeded = await seedHistory(sizes, (m) => out(`  seeded ${m}`));
    out(`seeding took ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    for (const id of seeded.systemIds) await compliance.refresh(id);
    out(`compliance of ${seeded.systemIds.length} systems computed in ${Date.now() - t} ms`);
    await disconnectMongo();

    const port = await freePort();
    const { MONGODB_URI: _ignored, ...env } = process.env;
    // production with MONGODB_URI signs certificates with a configured identity: a trial one here
    const signingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-signing-'));
    const identity = ensureTrialIdentity(signingDir);
    server = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      // DATA_DIR of its own: the audit anchors of another run's database would make /audit/verify fail
      env: { ...env, MONGODB_URI: db.uri, DATA_DIR: signingDir, SESSION_SECRET: SECRET, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', SCHEDULER_ENABLED: 'false', DEMO_DATA: 'false', MFA_REQUIRED_ROLES: 'none', NODE_ENV: 'production', PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SIGNING_P12: path.join(signingDir, 'signing', 'trial.p12'), SIGNING_P12_PASSWORD: identity.passphrase },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    t = Date.now();
    for (let i = 0; i < 600 && !(await fetch(`${base}/healthz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 200));
    out(`service up in ${Date.now() - t} ms (start-up includes the repair of derived data)`);
    const login = async (email: string) => {
      const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: seeded.password }) });
      if (!r.ok) throw new Error(`login ${email}: ${r.status}`);
      return ((await r.json()) as { token: string }).token;
    };
    const [admin, inspector, owner] = [await login(seeded.admin.email), await login(seeded.inspector.email), await login(seeded.owner.email)];
    const system = seeded.systemIds[7];
    const finding = seeded.findingIds[seeded.findingIds.length - 5];
    const reads: [string, string, string][] = [
      ['authMe', '/api/v1/auth/me', admin],
      ['systemList', '/api/v1/systems?limit=20', inspector],
      ['systemPage', `/api/v1/systems/${system}`, inspector],
      ['ownerOpenFindings', '/api/v1/findings?status=open_any&assignee=me&limit=20', owner],
      ['filteredFindings', '/api/v1/findings?status=open_any&severity=high&limit=20', inspector],
      ['auditPage1', '/api/v1/audit?limit=20', admin],
      ['auditFiltered', `/api/v1/audit?entity=finding&entityId=${finding}&limit=20`, admin],
      ['dashboard', '/api/v1/dashboard', admin],
    ];
    const results: Record<string, { p50: number; p99: number; rps: number; healthzRps: number }> = {};
    const healthz: number[] = [];
    for (const [name, p, token] of reads) {
      await autocannon({ url: `${base}${p}`, connections: 10, duration: 1, headers: { Authorization: `Bearer ${token}` } }); // warm-up
      const h = await measure(`${base}/healthz`);
      const m = await measure(`${base}${p}`, token);
      healthz.push(h.rps);
      results[name] = { ...m, healthzRps: h.rps };
      out(`${name.padEnd(18)} p50 ${String(m.p50).padStart(4)} ms  p99 ${String(m.p99).padStart(4)} ms  ${String(m.rps).padStart(5)} req/s   (/healthz ${h.rps} req/s)`);
    }
    const rssBefore = peakRssMb(server.pid!);
    t = Date.now();
    const v = await fetch(`${base}/api/v1/audit/verify`, { headers: { Authorization: `Bearer ${admin}` } });
    const verify = await v.json() as { ok: boolean; checked: number; problems: unknown[] };
    if (!verify.ok) out(`audit verify problems: ${JSON.stringify(verify.problems).slice(0, 2000)}`);
    const auditVerifyMs = Date.now() - t;
    const rssAfter = peakRssMb(server.pid!);
    out(`audit verify: ${verify.checked} events, ok=${verify.ok}, ${auditVerifyMs} ms; service peak RSS ${rssBefore} MB before, ${rssAfter} MB after`);
    const healthzRps = Math.round(healthz.reduce((a, b) => a + b, 0) / healthz.length);
    const targets = {
      readP99: Object.values(results).every((r) => r.p99 <= 100),
      authMeVsHealthz: results.authMe.rps >= 0.5 * results.authMe.healthzRps,
      auditVerify: auditVerifyMs <= 30_000 && verify.ok,
    };
    out(`targets: every read p99 <= 100 ms: ${targets.readP99}; /auth/me >= 0.5x /healthz: ${targets.authMeVsHealthz}; verify <= 30 s: ${targets.auditVerify}`);
    const reads2 = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { p50: r.p50, p99: r.p99, rps: r.rps }]));
    out(JSON.stringify({ reads: reads2, healthzRps, auditVerifyMs, auditVerifyPeakRssMb: rssAfter, sizes }));
  } finally {
    if (server && server.exitCode === null) { server.kill('SIGTERM'); await new Promise((r) => server!.once('exit', r)); }
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
