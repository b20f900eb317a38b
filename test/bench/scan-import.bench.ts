/*
 * npm run bench:scan-import — a 50 MB Nessus report (make-nessus.ts, loopback and reserved names
 * only, 2 000 hosts) through the real import path on the embedded database: 124 of its hosts are
 * registered systems, the rest are hosts in no system. Measured, with the process's RSS sampled
 * every 50 ms against the baseline taken just before each step:
 *   1. parse alone, every item handed to a sink that keeps nothing (the stream and XML parser);
 *   2. preview (parse + match + plan; nothing written);
 *   3. apply (the same, then every finding through the finding lifecycle).
 * The goal is memory bounded by the findings of registered systems, not by the file.
 * BENCH_REPORT_MB (default 50), BENCH_REPORT_HOSTS (default 2000), BENCH_SYSTEMS (default 124).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseReport } from '../../src/modules/scan-imports/parsers';
import { DEFAULT_LIMITS } from '../../src/modules/scan-imports/types';
import * as imports from '../../src/modules/scan-imports/import.service';
import { ensureFerretDB } from '../../src/db/ferretdb-install';
import { launchFerretDB } from '../../src/db/ferretdb';
import { connectMongo, disconnectMongo } from '../../src/db/connection';
import { loadChecklistDir } from '../../src/modules/checklists/checklist.loader';
import { configureAuditKey } from '../../src/modules/audit/audit.key';
import * as organizations from '../../src/modules/organizations/organization.service';
import * as systems from '../../src/modules/systems/system.service';
import { systemActor } from '../../src/shared/actor';

const out = (m: string) => process.stdout.write(`${m}\n`);
const MB = Number(process.env.BENCH_REPORT_MB ?? 50);
const HOSTS = Number(process.env.BENCH_REPORT_HOSTS ?? 2000);
const SYSTEMS = Number(process.env.BENCH_SYSTEMS ?? 124);
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** A full collection before each reading, so the figures are live memory rather than garbage not yet swept. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const settle = () => { gc(); gc(); };

/** Runs one step while sampling RSS; the figures are against the RSS just before it. */
async function measured<T>(name: string, bytes: number, step: () => Promise<T>): Promise<{ result: T; seconds: number; growthMB: number }> {
  settle();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t = process.hrtime.bigint();
  const result = await step();
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  out(`${name}: ${seconds.toFixed(2)} s (${(mib(bytes) / seconds).toFixed(1)} MB/s); RSS baseline ${mib(base)} MB, peak ${mib(peak)} MB, growth ${mib(peak - base)} MB = ${Math.round(((peak - base) / bytes) * 100)}% of the file`);
  return { result, seconds: Math.round(seconds * 100) / 100, growthMB: mib(peak - base) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-import-'));
  const file = path.join(dir, 'bench.nessus');
  const db = await launchFerretDB({ bin: ensureFerretDB(path.resolve('.tools/bin/ferretdb'), out), dataDir: dir });
  try {
    // written by a separate process, so its buffers are not in this one's baseline
    const gen = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/bench/make-nessus.ts', '--mb', String(MB), '--hosts', String(HOSTS), '--out', file], { encoding: 'utf8', timeout: 300_000 });
    const made = JSON.parse(gen.stdout.trim().split('\n').pop()!) as { hosts: number; items: number; bytes: number; ms: number };
    out(`report: ${mib(made.bytes)} MB, ${made.hosts} hosts, ${made.items} items, written in ${(made.ms / 1000).toFixed(1)} s`);

    await connectMongo(db.uri);
    configureAuditKey('bench-session-secret-0123456789abcdef');
    await loadChecklistDir(path.resolve('checklists'), { actor: systemActor('bench') });
    const ctx = { actor: systemActor('bench') };
    const org = await organizations.create(ctx, { code: 'BENCH-IMPORT', name: 'Đơn vị đo thử nhập báo cáo', type: 'ministry' });
    // make-nessus names host i hostNNNN.example.org (even i) or 127.1.x.y (odd i): register the first SYSTEMS
    for (let i = 0; i < SYSTEMS; i++) {
      const endpoint = i % 2 === 0 ? `host${String(i + 1).padStart(4, '0')}.example.org:443` : `127.1.${Math.floor(i / 250) % 256}.${1 + (i % 250)}:443`;
      await systems.create(ctx, { code: `IMP-${String(i + 1).padStart(3, '0')}`, name: `Hệ thống nhập ${i + 1}`, organization: org.id, level: 1 + (i % 5), endpoints: [endpoint], scanPorts: [], allowedPorts: [443] } as never);
    }
    const upload = { path: file, originalname: 'bench.nessus', size: made.bytes };

    let items = 0;
    const parse = await measured('1. parse, items to a sink', made.bytes, async () => {
      const report = await parseReport(fs.createReadStream(file), { filename: 'bench.nessus', limits: { ...DEFAULT_LIMITS, sink: () => { items++; } } });
      return { items, hosts: report.covered.length };
    });
    const preview = await measured('2. preview (parse, match, plan)', made.bytes, () => imports.preview(ctx, upload));
    out(`   planned ${JSON.stringify(preview.result.planned)} on ${preview.result.systems.length} systems; ${preview.result.unmatchedHostCount} hosts in no system`);
    const apply = await measured('3. apply (and every finding written)', made.bytes, () => imports.apply(ctx, upload));
    const counts = apply.result.counts as Record<string, number>;
    out(`   applied ${JSON.stringify(counts)}`);
    const ok = parse.result.items === made.items && parse.result.hosts === made.hosts && counts.opened === preview.result.planned.opened;
    out(JSON.stringify({
      fileMB: mib(made.bytes), items: made.items, hosts: made.hosts, systems: SYSTEMS,
      parse: { seconds: parse.seconds, rssGrowthMB: parse.growthMB }, preview: { seconds: preview.seconds, rssGrowthMB: preview.growthMB },
      apply: { seconds: apply.seconds, rssGrowthMB: apply.growthMB, opened: counts.opened }, consistent: ok,
    }));
    if (!ok) process.exitCode = 1;
  } finally {
    await disconnectMongo();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
