import { Schema, model } from 'mongoose';

export const JOB_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

/**
 * One run of a scheduled job for one tick. The _id `${job}@${tickIso}` is the lease: inserting it
 * is atomic on FerretDB and MongoDB alike (a conditional update is not atomic on FerretDB), so of
 * several instances firing the same tick exactly one gets to run it. Every later write is by _id,
 * the only filter FerretDB answers from its primary key.
 */
export interface JobRunDoc {
  _id: string;
  job: string;
  tick: Date;
  instance: string;
  startedAt: Date;
  status: JobRunStatus;
  finishedAt?: Date;
  durationMs?: number;
  result?: Record<string, unknown>;
  error?: string;
  progress?: { done: number; total: number; at: Date };
}

const schema = new Schema<JobRunDoc>(
  {
    _id: { type: String, required: true },
    job: { type: String, required: true },
    tick: { type: Date, required: true },
    instance: { type: String, required: true },
    startedAt: { type: Date, required: true },
    status: { type: String, enum: JOB_RUN_STATUSES, required: true },
    finishedAt: Date,
    durationMs: Number,
    result: Schema.Types.Mixed,
    error: String,
    progress: { done: Number, total: Number, at: Date },
  },
  { versionKey: false },
);
// "latest runs of job X" (an operator's first question) and the 30-day housekeeping
schema.index({ job: 1, tick: -1 });
schema.index({ startedAt: 1 });

export const JobRun = model<JobRunDoc>('JobRun', schema, 'job_runs');

/** Ticks are identified to the second, so instances whose timers fire a few ms apart agree. */
export function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export function jobRunId(job: string, tick: Date): string {
  return `${job}@${truncateToSecond(tick).toISOString()}`;
}
