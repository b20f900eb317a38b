/*
 * npm run bench:scan — N local targets on 127.0.x.y (an HTTPS server each, an exposed port on
 * every third), then: the port check alone against nmap -sT on the same hosts and ports, as
 * BENCH_PAIRS (default 9, at least 7) paired runs reported as the median of per-pair ratios, with
 * the open ports of both compared (exit 1 if they differ); and full scans of N systems × all
 * checks through the real run path (database, findings).
 * SCAN_CONCURRENCY (default 16 here) and BENCH_SYSTEMS (default 124) set the work. BENCH_OPS=1
 * prints the database commands of the full scan by kind (test/bench/lane-ops.ts), and BENCH_RESCAN=1
 * scans every system a second time (every finding a repeat sighting) and reports that run too.
 * The compliance summaries and certificates are subscribed to finding changes, as the service does
 * (src/app.ts); BENCH_SUBSCRIBE=0 leaves them out (the bench's setting before 2026-12-07).
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { promisify } from 'node:util';
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
import { formatOps, watchOps } from './lane-ops';
import * as compliance from '../../src/modules/compliance/compliance.service';
import * as certificates from '../../src/modules/certificates/certificate.service';

const out = (m: string) => process.stdout.write(`${m}\n`);
const N = Number(process.env.BENCH_SYSTEMS ?? 124);
const CONCURRENCY = Number(process.env.SCAN_CONCURRENCY ?? 16);
const PORTS = loadConfig({}).scanDefaultPorts;
const PAIRS = Math.max(7, Math.floor(Number(process.env.BENCH_PAIRS ?? 9)) || 9);
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const run = promisify(execFile);

/** Only loopback is ever probed here, by us or by nmap. */
function assertLoopback(hosts: string[]): void {
  const bad = hosts.find((h) => !/^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(h) || h.split('.').some((o) => Number(o) > 255));
  if (bad) throw new Error(`refusing to scan ${bad}: the benchmark probes 127.0.0.0/8 only`);
}

/** One port check of every host, as the scanner runs it: open ports as `host:port`. */
async function oursOnce(hosts: string[], port: number): Promise<{ ms: number; open: Set<string> }> {
  const allow = parseAllowList(['127.0.0.0/8']);
  const limiter = new ScanLimiter(CONCURRENCY, 2);
  const ctx = { timeoutMs: 2000, resolveAllowed: (h: string) => resolveAllowed(allow, h) };
  const t = performance.now();
  const results = await Promise.all(hosts.map((host) => limiter.run(host, () => portsExposed.run({ endpoint: host, host, address: host, port, scanPorts: PORTS, allowedPorts: [] } as never, ctx))));
  const ms = performance.now() - t;
  const open = new Set(results.flat().filter((r) => (r.observations as { state?: string } | undefined)?.state === 'open').map((r) => r.target));
  return { ms, open };
}

/** nmap's open ports from its XML output (`-oX -`), as `host:port`. */
function nmapOpenPorts(xml: string): Set<string> {
  const open = new Set<string>();
  for (const [block] of xml.matchAll(/<host\b[\s\S]*?<\/host>/g)) {
    const addr = /<address\s+addr="([^"]+)"\s+addrtype="ipv4"/.exec(block)?.[1];
    if (!addr) continue;
    for (const m of block.matchAll(/<port\s+protocol="tcp"\s+portid="(\d+)"\s*>\s*<state\s+state="open"/g)) open.add(`${addr}:${m[1]}`);
  }
  return open;
}

async function nmapOnce(hosts: string[]): Promise<{ ms: number; open: Set<string> }> {
  const t = performance.now();
  const { stdout } = await run('nmap', ['-sT', '-Pn', '-n', '-p', PORTS.join(','), '-oX', '-', ...hosts], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return { ms: performance.now() - t, open: nmapOpenPorts(stdout) };
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

interface Comparison { pairs: number; oursMs: number; nmapMs?: number; ratio?: number; minRatio?: number; maxRatio?: number; identical?: boolean }

/**
 * Ours and nmap back to back on the same hosts and ports, PAIRS times, alternating which goes
 * first, after two unmeasured warm-ups of each (the JIT and the probe workers; nmap's page
 * cache). A busy machine slows both runs of a pair alike, so the ratio per pair is what holds.
 */
async function comparePorts(hosts: string[], port: number): Promise<Comparison> {
  assertLoopback(hosts);
  const label = `${hosts.length} hosts × ${PORTS.length} ports`;
  if (spawnSync('nmap', ['--version'], { encoding: 'utf8' }).status !== 0) {
    out('nmap is not installed: apt-get install -y nmap (Debian package) to compare; ours alone');
    const ms: number[] = [];
    for (let k = -2; k < PAIRS; k++) { const r = await oursOnce(hosts, port); if (k >= 0) ms.push(r.ms); }
    out(`port check, ours: ${label}: median ${round(median(ms), 1)} ms of ${PAIRS}`);
    return { pairs: 0, oursMs: round(median(ms), 1) };
  }
  for (let k = 0; k < 2; k++) { await oursOnce(hosts, port); await nmapOnce(hosts); }
  const rows: { ours: number; nmap: number; ratio: number; equal: boolean; oursOpen: number; nmapOpen: number }[] = [];
  let diff = '';
  for (let k = 0; k < PAIRS; k++) {
    const oursFirst = k % 2 === 0;
    const first = oursFirst ? await oursOnce(hosts, port) : await nmapOnce(hosts);
    const second = oursFirst ? await nmapOnce(hosts) : await oursOnce(hosts, port);
    const [o, n] = oursFirst ? [first, second] : [second, first];
    const equal = sameSet(o.open, n.open);
    if (!equal && !diff) diff = `only ours: ${[...o.open].filter((x) => !n.open.has(x)).slice(0, 10).join(' ')}; only nmap: ${[...n.open].filter((x) => !o.open.has(x)).slice(0, 10).join(' ')}`;
    rows.push({ ours: o.ms, nmap: n.ms, ratio: o.ms / n.ms, equal, oursOpen: o.open.size, nmapOpen: n.open.size });
    out(`  pair ${k + 1} (${oursFirst ? 'ours first' : 'nmap first'}): ours ${o.ms.toFixed(1)} ms, nmap ${n.ms.toFixed(1)} ms, ratio ${(o.ms / n.ms).toFixed(2)}; open ports ours ${o.open.size}, nmap ${n.open.size}, equal ${equal ? 'yes' : 'no'}`);
  }
  const ratios = rows.map((r) => r.ratio);
  const c: Comparison = {
    pairs: rows.length, oursMs: round(median(rows.map((r) => r.ours)), 1), nmapMs: round(median(rows.map((r) => r.nmap)), 1),
    ratio: round(median(ratios)), minRatio: round(Math.min(...ratios)), maxRatio: round(Math.max(...ratios)), identical: rows.every((r) => r.equal),
  };
  out(`port check, ours vs nmap -sT -Pn -n, ${label}, ${c.pairs} paired runs: ours / nmap = ${c.ratio} (median of per-pair ratios; min ${c.minRatio}, max ${c.maxRatio}); median ms ours ${c.oursMs}, nmap ${c.nmapMs}`);
  out(`identical open ports: ${c.identical ? 'yes' : 'no'} (${rows[0].oursOpen} open${c.identical ? ' in every pair' : `; ${diff}`})`);
  return c;
}

async function main() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/scan-targets.ts', String(N)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  const targets = JSON.parse(first) as { hosts: string[]; httpsPort: number; exposedPort: number };
  out(`${targets.hosts.length} targets up: https on :${targets.httpsPort}, port ${targets.exposedPort} exposed on every third host; port list ${PORTS.join(',')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-scan-'));
  const db = await launchFerretDB({ bin: ensureFerretDB(path.resolve('.tools/bin/ferretdb'), out), dataDir: dir });
  try {
    // 1. the port check alone, paired with nmap's connect scan on the same hosts and ports
    const cmp = await comparePorts(targets.hosts, targets.httpsPort);

    // 2. full scans of N systems through the real run path
    await connectMongo(db.uri);
    configureAuditKey('bench-session-secret-0123456789abcdef');
    await loadChecklistDir(path.resolve('checklists'), { actor: systemActor('bench') });
    configureScanner({ allowedTargets: ['127.0.0.0/8'], concurrency: CONCURRENCY, perHost: 2, timeoutMs: 3000, defaultPorts: PORTS, publicBaseUrl: 'http://localhost:3000', instance: 'bench' });
    const ctxAdmin = { actor: systemActor('bench') };
    if (process.env.BENCH_SUBSCRIBE !== '0') { compliance.subscribe(); certificates.subscribe(); }
    const org = await organizations.create(ctxAdmin, { code: 'BENCH-SCAN', name: 'Đơn vị đo thử', type: 'ministry' });
    const ids: string[] = [];
    for (const [i, host] of targets.hosts.entries()) {
      ids.push((await systems.create(ctxAdmin, { code: `SCAN-${String(i + 1).padStart(3, '0')}`, name: `Hệ thống quét ${i + 1}`, organization: org.id, level: 1 + (i % 5), endpoints: [`https://${host}:${targets.httpsPort}/`], scanPorts: PORTS, allowedPorts: [] } as never)).id);
    }
    const ops = process.env.BENCH_OPS === '1' ? watchOps() : undefined;
    ops?.take();
    const t = Date.now();
    for (const id of ids) await scans.start(ctxAdmin, id);
    await scans.settle();
    const wallMs = Date.now() - t;
    const runs = await ScanRun.find({}, { status: 1, summary: 1, findings: 1, progress: 1 }).lean();
    const touched = (rs: typeof runs) => rs.reduce((n, r) => n + Object.values(r.findings ?? {}).reduce((a: number, b) => a + (typeof b === 'number' ? b : 0), 0), 0);
    if (ops) formatOps(ops.take(), touched(runs), 'the full scan').forEach(out);
    if (process.env.BENCH_RESCAN === '1') {
      const t2 = Date.now();
      for (const id of ids) await scans.start(ctxAdmin, id);
      await scans.settle();
      const again = (await ScanRun.find({}, { status: 1, findings: 1, createdAt: 1 }).lean()).filter((r) => !runs.some((o) => o._id.equals(r._id)));
      out(`second full scan: ${again.length} runs in ${((Date.now() - t2) / 1000).toFixed(1)} s; findings ${JSON.stringify(again.reduce((m: Record<string, number>, r) => { for (const [k, v] of Object.entries(r.findings ?? {})) if (typeof v === 'number') m[k] = (m[k] ?? 0) + v; return m; }, {}))}`);
      if (ops) formatOps(ops.take(), touched(again), 'the second full scan').forEach(out);
    }
    const units = runs.reduce((n, r) => n + (r.progress?.total ?? 0), 0);
    const opened = runs.reduce((n, r) => n + (r.findings?.opened ?? 0), 0);
    out(`full scans: ${runs.length} systems × all checks (${units} check-targets) in ${(wallMs / 1000).toFixed(1)} s = ${(runs.length / (wallMs / 1000)).toFixed(1)} systems/s, ${(units / (wallMs / 1000)).toFixed(1)} check-targets/s; statuses ${JSON.stringify(runs.reduce((m: Record<string, number>, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {}))}; findings opened ${opened}`);
    out(JSON.stringify({ systems: runs.length, concurrency: CONCURRENCY, fullScanMs: wallMs, checkTargetsPerSecond: Math.round(units / (wallMs / 1000)), portCheckMs: cmp.oursMs, nmapMs: cmp.nmapMs, portRatio: cmp.ratio, portRatioMin: cmp.minRatio, portRatioMax: cmp.maxRatio, pairs: cmp.pairs, identicalOpenPorts: cmp.identical, goals: { portRatio: cmp.ratio === undefined ? null : cmp.ratio <= 1, fullScanUnder60s: wallMs <= 60_000 } }));
    if (cmp.identical === false) process.exitCode = 1;
  } finally {
    await disconnectMongo().catch(() => undefined);
    await db.stop();
    child.stdin!.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
