import { expect } from 'chai';
import { createScheduler } from '../../src/jobs/scheduler';
import { jobRunId, truncateToSecond } from '../../src/jobs/job-run.model';

const quiet = { info() {}, warn() {}, error() {} };

describe('unit: scheduler registration and tick identity', () => {
  it('when a cron expression is invalid, then register throws naming the job, the expression and the reason', () => {
    const s = createScheduler({ enabled: false, logger: quiet });
    expect(() => s.register('reminders', '61 * * * *', async () => undefined)).to.throw(/invalid cron expression "61 \* \* \* \*" for job "reminders": .*minute/);
    expect(() => s.register('reminders', 'every day', async () => undefined)).to.throw(/invalid cron expression "every day"/);
    expect(() => s.register('reminders', '* * * * * * *', async () => undefined)).to.throw(/expected 5 or 6 fields/);
  });

  it('when a name is reused or unusable as a key, then register throws', () => {
    const s = createScheduler({ enabled: false, logger: quiet });
    s.register('outbox', '*/5 * * * *', async () => undefined);
    expect(() => s.register('outbox', '0 3 * * *', async () => undefined)).to.throw(/already registered/);
    expect(() => s.register('a@b', '0 3 * * *', async () => undefined)).to.throw(/invalid job name/);
    expect(() => s.register('', '0 3 * * *', async () => undefined)).to.throw(/invalid job name/);
  });

  it('when two fire times fall within one second, then they are the same tick', () => {
    const a = new Date('2030-05-01T10:00:07.004Z');
    const b = new Date('2030-05-01T10:00:07.998Z');
    expect(truncateToSecond(a).toISOString()).to.equal('2030-05-01T10:00:07.000Z');
    expect(jobRunId('expiry', a)).to.equal(jobRunId('expiry', b));
    expect(jobRunId('expiry', a)).to.equal('expiry@2030-05-01T10:00:07.000Z');
  });
});
