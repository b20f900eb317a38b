/*
 * npm run bench:scan — N local targets on 127.0.x.y (an HTTPS server each, an exposed port on
 * every third), then: the port check alone against nmap -sT on the same hosts and ports, and
 * full scans of N systems × all checks through the real run path (database, findings).
 * SCAN_CONCURRENCY (default 16 here) and BENCH_SYSTEMS (default 124) set the work.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ensureFerretDB } from '../../src/db/ferretdb-install';
import { launchFerretDB } from '../../src/db/ferretdb';
import { connectMongo, disconnectMongo } from '../../src/db/connection';
import { loadChecklistDir } from '../../src/modules/checklists/checklist.loader';
import { configureScanner } from '../../src/modules/scans/scan.runner';
import * as scans from '../../src/modules/scans/scan.service';
import { ScanRun } from '../../src/modules/scans/scan.model';
import { portsExposed } from '../../src/modules/scans/checks/ports';
import { ScanLimiter } from '../../src/modules/scans/limiter';
import { resolveAllowed, parseAllowList } from '../../src/modules/scans/targets';
import * as organizations from '../../src/modules/organizations/organization.service';
import * as systems from '../../src/modules/systems/system.service';
import { systemActor } from '../../src/shared/actor';
import { loadConfig } from '../../src/config';
import { configureAuditKey } from '../../src/modules/audit/audit.key';

const out = (m: string) => process.stdout.write(`${m}\n`);
const N = Number(process.env.BENCH_SYSTEMS ?? 124);
const CONCURRENCY = Number(process.env.SCAN_CONCURRENCY ?? 16);
const PORTS = loadConfig({}).scanDefaultPorts;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

async function main() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/scan-targets.ts', String(N)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  const targets = JSON.parse(first) as { hosts: string[]; httpsPort: number; exposedPort: number };
  out(`${targets.hosts.length} targets up: https on :${targets.httpsPort}, port ${targets.exposedPort} exposed on every third host; port list ${PORTS.join(',')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-scan-'));
  const db = await launchFerretDB({ bin: ensureFerretDB(path.resolve('.tools/bin/ferretdb'), out), dataDir: dir });
  try {
    // 1. the port check alone, ours against nmap's connect scan, same hosts and ports (median of 3)
    const allow = parseAllowList(['127.0.0.0/8']);
    const limiter = new ScanLimiter(CONCURRENCY, 2);
    const ctx = { timeoutMs: 2000, resolveAllowed: (h: string) => resolveAllowed(allow, h) };
    const oursMs: number[] = [];
    let open = 0;
    // two runs first, unmeasured: the JIT and the probe workers warm up (nmap is native code)
    for (let k = -2; k < 7; k++) {
      const t = Date.now();
      const results = await Promise.all(targets.hosts.map((host) => limiter.run(host, () => portsExposed.run({ endpoint: host, host, address: host, port: targets.httpsPort, scanPorts: PORTS, allowedPorts: [] } as never, ctx))));
      if (k >= 0) oursMs.push(Date.now() - t);
      open = results.flat().filter((r) => r.status === 'fail').length;
    }
    out(`port check, ours: ${targets.hosts.length} hosts × ${PORTS.length} ports in ${median(oursMs)} ms (median of ${oursMs.length}: ${oursMs.join(', ')}; ${open} open ports found)`);
    const nmap = spawnSync('nmap', ['--version'], { encoding: 'utf8' });
    let ratio: number | undefined;
    let nmapMs: number | undefined;
    if (nmap.status === 0) {
      const times: number[] = [];
      for (let k = 0; k < 7; k++) {
        const t = Date.now();
        execFileSync('nmap', ['-sT', '-Pn', '-n', '-p', PORTS.join(','), '-oG', '-', ...targets.hosts], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        times.push(Date.now() - t);
      }
      nmapMs = median(times);
      ratio = Math.round((median(oursMs) / nmapMs) * 100) / 100;
      out(`port check, nmap -sT -Pn -n: ${nmapMs} ms (median of 7) — ours / nmap = ${ratio}`);
    } else {
      out('nmap is not installed: apt-get install -y nmap (Debian package) to compare; skipped');
    }

    // 2. full scans of N systems through the real run path
    await connectMongo(db.uri);
    configureAuditKey('bench-session-secret-0123456789abcdef');
    await loadChecklistDir(path.resolve('checklists'), { actor: systemActor('bench') });
    configureScanner({ allowedTargets: ['127.0.0.0/8'], concurrency: CONCURRENCY, perHost: 2, timeoutMs: 3000, defaultPorts: PORTS, publicBaseUrl: 'http://localhost:3000', instance: 'bench' });
    const ctxAdmin = { actor: systemActor('bench') };
    const org = await organizations.create(ctxAdmin, { code: 'BENCH-SCAN', name: 'Đơn vị đo thử', type: 'ministry' });
    const ids: string[] = [];
    for (const [i, host] of targets.hosts.entries()) {
      ids.push((await systems.create(ctxAdmin, { code: `SCAN-${String(i + 1).padStart(3, '0')}`, name: `Hệ thống quét ${i + 1}`, organization: org.id, level: 1 + (i % 5), endpoints: [`https://${host}:${targets.httpsPort}/`], scanPorts: PORTS, allowedPorts: [] } as never)).id);
    }
    const t = Date.now();
    for (const id of ids) await scans.start(ctxAdmin, id);
    await scans.settle();
    const wallMs = Date.now() - t;
    const runs = await ScanRun.find({}, { status: 1, summary: 1, findings: 1, progress: 1 }).lean();
    const units = runs.reduce((n, r) => n + (r.progress?.total ?? 0), 0);
    const opened = runs.reduce((n, r) => n + (r.findings?.opened ?? 0), 0);
    out(`full scans: ${runs.length} systems × all checks (${units} check-targets) in ${(wallMs / 1000).toFixed(1)} s = ${(runs.length / (wallMs / 1000)).toFixed(1)} systems/s, ${(units / (wallMs / 1000)).toFixed(1)} check-targets/s; statuses ${JSON.stringify(runs.reduce((m: Record<string, number>, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {}))}; findings opened ${opened}`);
    out(JSON.stringify({ systems: runs.length, concurrency: CONCURRENCY, fullScanMs: wallMs, checkTargetsPerSecond: Math.round(units / (wallMs / 1000)), portCheckMs: median(oursMs), nmapMs, portRatio: ratio, goals: { portRatio: ratio === undefined ? null : ratio <= 1, fullScanUnder60s: wallMs <= 60_000 } }));
  } finally {
    await disconnectMongo().catch(() => undefined);
    await db.stop();
    child.stdin!.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
