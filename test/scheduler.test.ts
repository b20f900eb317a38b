import { expect } from 'chai';
import mongoose from 'mongoose';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../src/jobs/scheduler';
import { JobRun, jobRunId } from '../src/jobs/job-run.model';
import { uniq } from './helpers/factories';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps what it is told, so tests can assert on errors without printing them. */
function memoryLogger() {
  const lines: { level: string; args: unknown[] }[] = [];
  const at = (level: string) => (...args: unknown[]) => { lines.push({ level, args }); };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('job scheduler (leases in job_runs; two instances share the database)', () => {
  const made: Scheduler[] = [];
  const make = (over: Partial<SchedulerOptions> = {}) => {
    const s = createScheduler({ enabled: true, logger: memoryLogger(), ...over });
    made.push(s);
    return s;
  };
  const effects = () => mongoose.connection.db!.collection<{ job: string; tick: string; instance: string }>('scheduler_test_effects');
  afterEach(async () => { await Promise.all(made.splice(0).map((s) => s.stop())); });

  it('when two instances race for the same ticks many times, then each tick runs exactly once and its run names the winner', async () => {
    const job = uniq('race-');
    const ran = new Map<string, string[]>();
    const [a, b] = [make({ instanceId: 'instance-a' }), make({ instanceId: 'instance-b' })];
    for (const [s, id] of [[a, 'instance-a'], [b, 'instance-b']] as const) {
      s.register(job, '0 0 1 1 *', async (ctx) => {
        ran.set(ctx.tick.toISOString(), [...(ran.get(ctx.tick.toISOString()) ?? []), id]);
        await sleep(5);
        return { by: id };
      });
    }
    // ms differ within the second: the tick is the second, so these are the same tick
    const ticks = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2030, 0, 1, 0, 0, i)));
    const calls = ticks.flatMap((t) => Array.from({ length: 6 }, (_, k) => ({ s: k % 2 ? a : b, tick: new Date(t.getTime() + k * 7) })));
    const outcomes = await Promise.all(calls.map(({ s, tick }) => s.runTick(job, tick)));

    expect(outcomes.filter((o) => o === 'ran')).to.have.length(ticks.length);
    for (const t of ticks) {
      const winners = ran.get(t.toISOString());
      expect(winners, t.toISOString()).to.have.length(1);
      const run = await JobRun.findById(jobRunId(job, t)).lean();
      expect(run).to.include({ job, instance: winners![0], status: 'succeeded' });
      expect(run!.tick.toISOString()).to.equal(t.toISOString());
      expect(run!.result).to.deep.equal({ by: winners![0] });
      expect(run!.finishedAt).to.be.instanceOf(Date);
      expect(run!.durationMs).to.be.a('number');
    }
  });

  it('when two started instances run a job every second for 3.5 s, then every tick has one run and one side effect', async function () {
    this.timeout(10_000);
    const job = uniq('every-second-');
    for (const id of ['cron-a', 'cron-b']) {
      make({ instanceId: id }).register(job, '* * * * * *', async (ctx) => {
        await effects().insertOne({ job, tick: ctx.tick.toISOString(), instance: id });
      });
    }
    made.forEach((s) => s.start());
    await sleep(3500);
    await Promise.all(made.splice(0).map((s) => s.stop()));

    const done = await effects().find({ job }).toArray();
    const ticks = new Set(done.map((d) => d.tick));
    const runs = await JobRun.find({ job }).lean();
    expect(ticks.size, 'distinct ticks').to.be.within(3, 4);
    expect(done, 'a tick ran twice').to.have.length(ticks.size);
    expect(runs.map((r) => r.tick.toISOString()).sort()).to.deep.equal([...ticks].sort());
    expect(runs.every((r) => r.status === 'succeeded' && r._id === jobRunId(job, r.tick))).to.equal(true);
  });

  it('when a job throws on every tick, then each run is recorded as failed with its error, the error is logged, and later ticks still run', async function () {
    this.timeout(10_000);
    const job = uniq('failing-');
    const logger = memoryLogger();
    const s = make({ logger });
    s.register(job, '* * * * * *', async () => { throw new Error('SMTP server refused the connection'); });
    s.start();
    await sleep(2600);
    await s.stop();

    const runs = await JobRun.find({ job }).lean();
    expect(runs.length).to.be.at.least(2);
    for (const r of runs) expect(r).to.include({ status: 'failed', error: 'SMTP server refused the connection' });
    expect(logger.lines.filter((l) => l.level === 'error')).to.have.length(runs.length);
  });

  it('when the scheduler is disabled, then start() schedules nothing and no run is recorded', async () => {
    const job = uniq('disabled-');
    let count = 0;
    const s = make({ enabled: false });
    s.register(job, '* * * * * *', async () => { count++; });
    s.start();
    await sleep(1300);
    expect(count).to.equal(0);
    expect(await JobRun.countDocuments({ job })).to.equal(0);
  });

  it('when stop() is called during a run, then it resolves only after the run is recorded, and later ticks are skipped', async () => {
    const job = uniq('slow-');
    const s = make();
    s.register(job, '0 0 1 1 *', async () => { await sleep(400); return { ok: true }; });
    const tick = new Date();
    const running = s.runTick(job, tick);
    await sleep(100);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).to.be.at.least(200);
    expect(await JobRun.findById(jobRunId(job, tick)).lean()).to.include({ status: 'succeeded' });
    expect(await running).to.equal('ran');
    expect(await s.runTick(job, new Date(tick.getTime() + 5000))).to.equal('skipped');
  });

  it('when a job outlives the stop timeout, then stop() gives up waiting and warns', async () => {
    const job = uniq('stuck-');
    const logger = memoryLogger();
    const s = make({ logger, stopTimeoutMs: 200 });
    let release!: () => void;
    s.register(job, '0 0 1 1 *', () => new Promise<void>((r) => { release = r; }));
    const running = s.runTick(job, new Date());
    await sleep(100);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).to.be.within(150, 1000);
    expect(logger.lines.some((l) => l.level === 'warn' && String(l.args[1]).includes('still running'))).to.equal(true);
    release();
    expect(await running).to.equal('ran');
  });

  it('when a job reports progress on every item, then the writes are throttled and the final figure is kept', async () => {
    const job = uniq('progress-');
    const s = make();
    let seenMidway: unknown;
    s.register(job, '0 0 1 1 *', async (ctx) => {
      for (let i = 1; i <= 50; i++) await ctx.progress(i, 50);
      seenMidway = (await JobRun.findById(ctx.runId).lean())?.progress;
      return { items: 50 };
    });
    const tick = new Date();
    expect(await s.runTick(job, tick)).to.equal('ran');
    // only the first report was written during the run (the rest came within the same second)
    expect(seenMidway).to.include({ done: 1, total: 50 });
    const run = await JobRun.findById(jobRunId(job, tick)).lean();
    expect(run!.progress).to.include({ done: 50, total: 50 });
    expect(run!.result).to.deep.equal({ items: 50 });
  });

  it('when a tick is asked for a job that is not registered, then it is refused', async () => {
    const s = make();
    try {
      await s.runTick('no-such-job', new Date());
      expect.fail('should throw');
    } catch (err) {
      expect((err as Error).message).to.match(/no job named "no-such-job"/);
    }
  });
});
