import type { JobContext, Scheduler } from './scheduler';
import * as findingJobs from '../modules/findings/finding.jobs';
import * as notifications from '../modules/notifications/notification.service';
import * as tokens from '../modules/auth/token.service';
import * as scans from '../modules/scans/scan.service';
import * as certificates from '../modules/certificates/certificate.service';
import { writeCheckpoint } from '../modules/audit/audit.checkpoint';

/** The product's scheduled jobs. Each tick runs on exactly one instance (the scheduler's lease). */
export const JOBS = {
  'risk-acceptance-expiry': { cron: '*/15 * * * *', run: (ctx: JobContext) => findingJobs.expireRiskAcceptances(new Date(), ctx.progress) },
  'finding-reminders': { cron: '0 7 * * *', run: (ctx: JobContext) => findingJobs.remind(new Date(), ctx.progress) },
  'notification-delivery': { cron: '* * * * *', run: () => notifications.deliverPending() },
  'outbox-cleanup': { cron: '30 3 * * *', run: () => notifications.purgeSent(90) },
  'auth-cleanup': { cron: '17 * * * *', run: () => tokens.purgeExpired() },
  'scan-dispatch': { cron: '* * * * *', run: (ctx: JobContext) => scans.dispatch(ctx.tick, ctx.progress) },
  'audit-checkpoint': { cron: '0 * * * *', run: async () => ({ checkpoint: await writeCheckpoint() }) },
  'certificate-expiry': { cron: '5 * * * *', run: () => certificates.expireDue() },
  'scan-sweep': { cron: '*/5 * * * *', run: async () => ({ interrupted: await scans.sweepInterrupted() }) },
} as const;

export function registerJobs(scheduler: Scheduler): void {
  for (const [name, job] of Object.entries(JOBS)) {
    scheduler.register(name, job.cron, async (ctx) => ({ ...(await job.run(ctx)) }));
  }
}
