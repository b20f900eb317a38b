/*
 * Bench-only instrumentation (BENCH_OPS=1 in bench:scan): counts the commands this process sends,
 * on the write lane and on the read pool, by kind, with their round-trip time, and the lane jobs'
 * wait (queued → started) and service (started → done) times. Nothing in src/ changes: it listens
 * to the driver's command monitor (connectMongo turns it on) and wraps the lane the store uses.
 * BENCH_OPS_DUMP=<text> also prints the first three commands whose kind contains that text.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { writer } from '../../src/db/writer';
import type { Lane } from '../../src/db/lane';

interface Tally { n: number; ms: number }
interface Started { kind: string; t: number }
type Command = Record<string, unknown>;

const keysOf = (u: unknown): string[] => (u && typeof u === 'object' ? Object.entries(u as Record<string, unknown>).flatMap(([op, v]) => (op.startsWith('$') && v && typeof v === 'object' ? Object.keys(v).map((k) => `${op} ${k.split('.')[0]}`) : [])) : []);

/** What a command does, in a few words: command, collection and the fields an update touches. */
export function kindOf(name: string, cmd: Command): string {
  const coll = String(cmd[name] ?? '');
  if (name === 'update') {
    const u = (cmd.updates as { u?: unknown }[] | undefined)?.[0]?.u;
    return `update ${coll} [${[...new Set(keysOf(u).filter((k) => k !== '$inc version'))].slice(0, 3).join(', ')}]`;
  }
  if (name === 'findAndModify') {
    const set = Object.keys(((cmd.update as Command | undefined)?.$set ?? {}) as Command).map((k) => k.split('.')[0]).filter((k) => k !== 'auditIntents' && k !== 'updatedAt');
    const pick = set.includes('status') ? 'status' : set.includes('lastSeenAt') ? 'lastSeenAt' : set.slice(0, 2).join(',');
    return `findAndModify ${coll} [${pick}]`;
  }
  if (name === 'find') {
    const f = (cmd.filter ?? {}) as Command;
    return `find ${coll} ${Object.keys(f).length === 1 && '_id' in f ? '(by _id)' : '(filter)'}`;
  }
  if (['insert', 'delete', 'aggregate', 'count', 'getMore'].includes(name)) return `${name} ${name === 'getMore' ? String(cmd.collection ?? '') : coll}`;
  return name;
}

export interface OpsReport {
  lane: Record<string, Tally>;
  pool: Record<string, Tally>;
  jobs: { n: number; waitMs: number; serviceMs: number };
}

/** Starts counting; `take()` returns what was counted since the last take and starts afresh. */
export function watchOps(): { take(): OpsReport } {
  let report: OpsReport = { lane: {}, pool: {}, jobs: { n: 0, waitMs: 0, serviceMs: 0 } };
  const watch = (client: ReturnType<typeof mongoose.connection.getClient>, side: 'lane' | 'pool') => {
    const started = new Map<number, Started>();
    let dumped = 0;
    client.on('commandStarted', (e) => {
      const kind = kindOf(e.commandName, e.command as Command);
      if (process.env.BENCH_OPS_DUMP && kind.includes(process.env.BENCH_OPS_DUMP) && dumped++ < 3) console.log(JSON.stringify(e.command).slice(0, 3000));
      started.set(e.requestId, { kind, t: performance.now() });
    });
    const done = (e: { requestId: number }) => {
      const s = started.get(e.requestId);
      if (!s) return;
      started.delete(e.requestId);
      const t = (report[side][s.kind] ??= { n: 0, ms: 0 });
      t.n++;
      t.ms += performance.now() - s.t;
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  };
  watch(mongoose.connection.getClient(), 'pool');
  if (writer.laneConnection) watch(writer.laneConnection.getClient(), 'lane');
  const lane = writer.lane;
  if (lane) {
    const inJob = new AsyncLocalStorage<true>();
    const wrapped: Lane = {
      run<T>(job: () => Promise<T>): Promise<T> {
        if (inJob.getStore()) return lane.run(job);
        const queued = performance.now();
        return lane.run(() => inJob.run(true, async () => {
          const start = performance.now();
          report.jobs.waitMs += start - queued;
          try { return await job(); } finally { report.jobs.n++; report.jobs.serviceMs += performance.now() - start; }
        }));
      },
      get depth() { return lane.depth; },
    };
    writer.lane = wrapped;
  }
  return {
    take() {
      const r = report;
      report = { lane: {}, pool: {}, jobs: { n: 0, waitMs: 0, serviceMs: 0 } };
      return r;
    },
  };
}

/** The report as lines: per kind count, count per finding, total and mean ms; then the lane jobs. */
export function formatOps(r: OpsReport, findings: number, label: string): string[] {
  const lines = [`commands of ${label} (${findings} findings opened+refreshed+verified+reopened):`];
  for (const side of ['lane', 'pool'] as const) {
    const rows = Object.entries(r[side]).sort((a, b) => b[1].n - a[1].n);
    const n = rows.reduce((s, [, t]) => s + t.n, 0);
    const ms = rows.reduce((s, [, t]) => s + t.ms, 0);
    lines.push(`  ${side}: ${n} commands, ${(n / Math.max(1, findings)).toFixed(2)} per finding, ${(ms / 1000).toFixed(1)} s round trips`);
    for (const [k, t] of rows) lines.push(`    ${String(t.n).padStart(7)}  ${(t.n / Math.max(1, findings)).toFixed(2).padStart(6)}/f  ${(t.ms / t.n).toFixed(2).padStart(7)} ms  ${k}`);
  }
  const j = r.jobs;
  lines.push(`  lane jobs: ${j.n}, mean wait ${(j.waitMs / Math.max(1, j.n)).toFixed(2)} ms, mean service ${(j.serviceMs / Math.max(1, j.n)).toFixed(2)} ms, service total ${(j.serviceMs / 1000).toFixed(1)} s`);
  return lines;
}
