import crypto from 'node:crypto';
import os from 'node:os';
import { schedule, validateDetailed, type ScheduledTask, type Logger as CronLogger } from 'node-cron';
import { JobRun, jobRunId, truncateToSecond } from './job-run.model';
import * as store from '../db/store';
import { jobRuns } from '../http/metrics';

/*
 * Scheduled jobs on several app instances sharing one database (DESIGN §1 scale-out). Every instance
 * runs the same node-cron timers; when a tick fires, each one tries to insert the run document whose
 * _id is (job, tick). The unique _id makes the insert the lease: exactly one instance wins, the others
 * get a duplicate key and skip. A crash mid-run leaves the run 'running' and the tick is not retried
 * (at most once per tick); the next tick runs normally.
 */

export interface JobContext {
  name: string;
  tick: Date;
  runId: string;
  log: (msg: string, extra?: object) => void;
  progress: (done: number, total: number) => Promise<void>;
}
export type JobFn = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

export interface Scheduler {
  register(name: string, cron: string, fn: JobFn): void;
  start(): void;
  stop(): Promise<void>;
  runTick(name: string, tick: Date): Promise<'ran' | 'skipped'>;
}

type Log = { info: Function; error: Function; warn: Function };

export interface SchedulerOptions {
  enabled: boolean;
  logger: Log;
  instanceId?: string;
  /** How long stop() waits for running jobs; shutdown has its own hard deadline (SHUTDOWN_TIMEOUT_MS, 10 s). */
  stopTimeoutMs?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const PROGRESS_INTERVAL_MS = 1000;
const RESULT_MAX_CHARS = 16_000;
const ERROR_MAX_CHARS = 2_000;
const RETENTION_DAYS = 30;
const HOUSEKEEPING_BATCH = 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** The job's summary as plain JSON, bounded, so an odd return value can never fail the final write. */
function summarize(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    const text = JSON.stringify(value);
    if (text.length > RESULT_MAX_CHARS) return { truncated: true, chars: text.length };
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : { value: parsed };
  } catch (err) {
    return { unserializable: String((err as Error).message).slice(0, 200) };
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.slice(0, ERROR_MAX_CHARS);
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { enabled, logger } = opts;
  const instance = opts.instanceId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 8000;
  const jobs = new Map<string, { cron: string; fn: JobFn }>();
  const tasks: ScheduledTask[] = [];
  // every run (and the housekeeping) in flight, so stop() can wait for them before the database closes
  const inFlight = new Set<Promise<unknown>>();
  let started = false;
  let stopping = false;

  // node-cron logs to the console by default; route it to ours (its debug chatter is dropped)
  const cronLogger: CronLogger = {
    info: (m) => logger.info({ instance }, `node-cron: ${m}`),
    warn: (m) => logger.warn({ instance }, `node-cron: ${m}`),
    error: (m, err) => logger.error({ instance, err: err ?? m }, `node-cron: ${m instanceof Error ? m.message : m}`),
    debug: () => undefined,
  };

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  function scheduleJob(name: string, cron: string) {
    // noOverlap: this instance never runs a job over itself; a tick it skips that way is still free
    // for another instance to take.
    const task = schedule(cron, (ctx) => fire(name, ctx.date), { name: `attest:${name}:${instance}`, noOverlap: true, logger: cronLogger });
    task.on('execution:missed', (ctx) => logger.warn({ job: name, instance, tick: ctx.date }, 'scheduler: tick missed (event loop blocked?)'));
    tasks.push(task);
  }

  /** What a cron fire does; never rejects, so no job or database error can reach node-cron or crash the process. */
  async function fire(name: string, date: Date | undefined): Promise<void> {
    const tick = truncateToSecond(date instanceof Date && !Number.isNaN(date.getTime()) ? date : new Date());
    try {
      await runTick(name, tick);
    } catch (err) {
      logger.error({ job: name, instance, tick, err }, `scheduler: tick of ${name} could not run`);
    }
  }

  async function execute(name: string, fn: JobFn, _id: string, tick: Date, startedAt: Date): Promise<void> {
    let finished = false;
    let lastWrite = 0;
    let latest: { done: number; total: number } | undefined;
    let latestWritten = true;
    const ctx: JobContext = {
      name,
      tick,
      runId: _id,
      log: (msg, extra) => logger.info({ ...extra, job: name, runId: _id, instance }, msg),
      progress: async (done, total) => {
        if (finished) return;
        latest = { done: Number(done), total: Number(total) };
        latestWritten = false;
        // at most one write a second: a job reporting every item must not double its database load
        if (Date.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
        lastWrite = Date.now();
        latestWritten = true;
        try {
          await store.updateById(JobRun, _id, { $set: { progress: { ...latest, at: new Date() } } });
        } catch (err) {
          logger.warn({ job: name, runId: _id, err }, 'scheduler: progress not saved');
        }
      },
    };
    const set: Record<string, unknown> = {};
    try {
      const result = summarize(await fn(ctx));
      set.status = 'succeeded';
      if (result) set.result = result;
    } catch (err) {
      set.status = 'failed';
      set.error = errorText(err);
      logger.error({ job: name, runId: _id, instance, err }, `scheduler: job ${name} failed`);
    }
    finished = true;
    jobRuns.inc({ job: name, status: String(set.status) });
    const finishedAt = new Date();
    Object.assign(set, { finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime() });
    // the last progress a throttled job reported would otherwise be lost
    if (latest && !latestWritten) set.progress = { ...latest, at: finishedAt };
    try {
      await store.updateById(JobRun, _id, { $set: set });
    } catch (err) {
      logger.error({ job: name, runId: _id, err }, 'scheduler: run outcome not saved; the run stays "running"');
    }
  }

  async function runTick(name: string, tickAt: Date): Promise<'ran' | 'skipped'> {
    const job = jobs.get(name);
    if (!job) throw new Error(`scheduler: no job named "${name}"`);
    if (!(tickAt instanceof Date) || Number.isNaN(tickAt.getTime())) throw new Error('scheduler: tick must be a valid date');
    // shutting down: the database is about to close, and another instance can take the tick
    if (stopping) return 'skipped';
    // tracked from the lease on, so a stop() that begins meanwhile still waits for this run
    return track(leaseAndRun(name, job.fn, truncateToSecond(tickAt)));
  }

  async function leaseAndRun(name: string, fn: JobFn, tick: Date): Promise<'ran' | 'skipped'> {
    const _id = jobRunId(name, tick);
    const startedAt = new Date();
    if (!(await store.lease(JobRun, { _id, job: name, tick, instance, startedAt, status: 'running' }))) return 'skipped';
    await execute(name, fn, _id, tick, startedAt);
    return 'ran';
  }

  /** Deletes one bounded batch of runs older than the retention; more go at the next start. */
  async function housekeeping(): Promise<void> {
    const cutoff = new Date(Date.now() - RETENTION_DAYS * 86_400_000);
    const old = await JobRun.find({ startedAt: { $lt: cutoff } }, { _id: 1 }).limit(HOUSEKEEPING_BATCH).lean();
    if (old.length === 0) return;
    const deletedCount = await store.deleteMany(JobRun, { _id: { $in: old.map((r) => r._id) } });
    logger.info({ deleted: deletedCount, instance }, `scheduler: removed ${deletedCount} job runs older than ${RETENTION_DAYS} days`);
  }

  return {
    register(name, cron, fn) {
      if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`scheduler: invalid job name "${name}" (letters, digits, . _ : -; at most 64)`);
      if (jobs.has(name)) throw new Error(`scheduler: job "${name}" is already registered`);
      const check = validateDetailed(String(cron));
      if (!check.valid) {
        const why = check.errors.map((e) => e.message).join('; ') || 'not a cron expression';
        throw new Error(`scheduler: invalid cron expression "${cron}" for job "${name}": ${why}`);
      }
      if (typeof fn !== 'function') throw new Error(`scheduler: job "${name}" needs a function`);
      jobs.set(name, { cron, fn });
      if (started) scheduleJob(name, cron);
    },

    start() {
      if (!enabled) {
        logger.info({ instance }, 'scheduler: disabled (SCHEDULER_ENABLED=false); jobs run on other instances');
        return;
      }
      if (started || stopping) return;
      started = true;
      for (const [name, job] of jobs) scheduleJob(name, job.cron);
      logger.info({ instance, jobs: [...jobs.keys()] }, `scheduler: started ${jobs.size} jobs`);
      void track(housekeeping().catch((err) => logger.warn({ err }, 'scheduler: housekeeping failed')));
    },

    async stop() {
      stopping = true;
      await Promise.all(tasks.splice(0).map((t) => t.destroy()));
      if (inFlight.size === 0) return;
      let timedOut = false;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        sleep(stopTimeoutMs).then(() => { timedOut = true; }),
      ]);
      if (timedOut) logger.warn({ instance, running: inFlight.size }, `scheduler: stopped with jobs still running after ${stopTimeoutMs} ms`);
    },

    runTick,
  };
}
