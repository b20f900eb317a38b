import type { JobContext, Scheduler } from './scheduler';
import * as findingJobs from '../modules/findings/finding.jobs';
import * as notifications from '../modules/notifications/notification.service';
import * as tokens from '../modules/auth/token.service';
import * as loginAudit from '../modules/auth/login-audit';
import { purgePending as purgePendingLogins } from '../modules/auth/mfa.login';
import * as scans from '../modules/scans/scan.service';
import * as certificates from '../modules/certificates/certificate.service';
import { writeCheckpoint } from '../modules/audit/audit.checkpoint';
import * as consistency from '../consistency/consistency.service';
import { ConfigError } from '../config';

/** The product's scheduled jobs. Each tick runs on exactly one instance (the scheduler's lease). */
export const JOBS = {
  'risk-acceptance-expiry': { cron: '*/15 * * * *', run: (ctx: JobContext) => findingJobs.expireRiskAcceptances(new Date(), ctx.progress) },
  'finding-reminders': { cron: '0 7 * * *', run: (ctx: JobContext) => findingJobs.remind(new Date(), ctx.progress) },
  'notification-delivery': { cron: '* * * * *', run: () => notifications.deliverPending() },
  'outbox-cleanup': { cron: '30 3 * * *', run: () => notifications.purgeSent(90) },
  'auth-cleanup': { cron: '17 * * * *', run: async () => ({ ...(await tokens.purgeExpired()), pendingLogins: await purgePendingLogins() }) },
  'login-audit-sweep': { cron: '* * * * *', run: () => loginAudit.sweep() },
  'scan-dispatch': { cron: '* * * * *', run: (ctx: JobContext) => scans.dispatch(ctx.tick, ctx.progress) },
  'audit-checkpoint': { cron: '0 * * * *', run: async () => ({ checkpoint: await writeCheckpoint() }) },
  'certificate-expiry': { cron: '5 * * * *', run: () => certificates.expireDue() },
  'scan-sweep': { cron: '*/5 * * * *', run: async () => ({ interrupted: await scans.sweepInterrupted() }) },
  'consistency': { cron: '*/10 * * * *', run: async () => {
    const r = await consistency.run({ repair: true });
    return { differences: r.differences, repaired: r.repaired, ms: r.ms, structures: r.structures.filter((s) => s.differences || s.error).map((s) => ({ name: s.name, differences: s.differences, error: s.error })) };
  } },
} as const;

/**
 * Registers every job with its cron: the default above, or the one JOB_SCHEDULES gives for it
 * (`*` for every job). A name in JOB_SCHEDULES that is no job stops the start-up.
 */
export function registerJobs(scheduler: Scheduler, schedules: Record<string, string> = {}): void {
  checkJobSchedules(schedules);
  for (const [name, job] of Object.entries(JOBS)) {
    scheduler.register(name, schedules[name] ?? schedules['*'] ?? job.cron, async (ctx) => ({ ...(await job.run(ctx)) }));
  }
}

/** Every name in JOB_SCHEDULES must be a job (checked before anything is opened). */
export function checkJobSchedules(schedules: Record<string, string>): void {
  const unknown = Object.keys(schedules).filter((n) => n !== '*' && !(n in JOBS));
  if (unknown.length) throw new ConfigError('JOB_SCHEDULES', `names unknown jobs: ${unknown.join(', ')} (jobs: ${Object.keys(JOBS).join(', ')})`);
}
