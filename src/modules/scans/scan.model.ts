import { Schema, Types, model } from 'mongoose';
import { cacheCollection } from '../../db/cache';
import { CHECK_IDS, type CheckId, type Failure } from './checks/types';

export const SCAN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'interrupted'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];
export const FINISHED: ScanStatus[] = ['succeeded', 'failed', 'interrupted'];

export interface CheckResult {
  check: CheckId;
  target: string;
  status: 'pass' | 'fail' | 'error';
  failures: Failure[];
  observations: Record<string, unknown>;
  error?: string;
}

export interface ScanSummary { passed: number; failed: number; errors: number; grade?: string; score?: number }
export interface FindingCounts { opened: number; refreshed: number; verified: number; reopened: number }

/** One scan of one system. Read by _id; listed through ScanIndex. */
export interface ScanRunDoc {
  _id: Types.ObjectId;
  system: Types.ObjectId;
  organization: Types.ObjectId;
  systemCode: string;
  trigger: 'manual' | 'schedule';
  requestedBy: string;
  tick?: Date;
  status: ScanStatus;
  checks: CheckId[];
  /** endpoints refused before any packet (outside SCAN_ALLOWED_TARGETS, unparsable, unresolvable) */
  refused: { endpoint: string; reason: string }[];
  progress: { done: number; total: number };
  results: CheckResult[];
  summary?: ScanSummary;
  findings?: FindingCounts;
  instance: string;
  heartbeatAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
  version: number;
  createdAt: Date;
}

const runSchema = new Schema<ScanRunDoc>({
  system: { type: Schema.Types.ObjectId, required: true },
  organization: { type: Schema.Types.ObjectId, required: true },
  systemCode: String,
  trigger: { type: String, enum: ['manual', 'schedule'], required: true },
  requestedBy: String,
  tick: Date,
  status: { type: String, enum: SCAN_STATUSES, required: true },
  checks: [{ type: String, enum: CHECK_IDS }],
  refused: { type: [new Schema({ endpoint: String, reason: String }, { _id: false })], default: [] },
  progress: { done: Number, total: Number },
  results: { type: Schema.Types.Mixed, default: () => [] },
  summary: Schema.Types.Mixed,
  findings: Schema.Types.Mixed,
  instance: String,
  heartbeatAt: Date,
  startedAt: Date,
  finishedAt: Date,
  error: String,
  version: { type: Number, default: 0 },
}, { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false });
export const ScanRun = model<ScanRunDoc>('ScanRun', runSchema, 'scan_runs');

/** A run as lists show it. */
export interface RunStub {
  /** the run's version when the stub was taken: a stub is only replaced by a newer one */
  v: number;
  id: string; system: string; organization: string; systemCode: string; trigger: string; status: ScanStatus;
  progress: { done: number; total: number }; summary?: ScanSummary; createdAt: Date; finishedAt?: Date;
}

/**
 * The newest runs, per system (`_id` = the system's id, at most RUNS_PER_SYSTEM) and of the whole
 * programme (`_id` = 'recent', at most RECENT_RUNS): lists read one document by _id and never
 * scan the runs. A run that falls off its system's list is deleted, so history stays bounded.
 */
export interface ScanIndexDoc { _id: string; runs: RunStub[]; version: number }
export const ScanIndex = model<ScanIndexDoc>('ScanIndex', new Schema<ScanIndexDoc>({
  _id: String, runs: { type: Schema.Types.Mixed, default: () => [] }, version: { type: Number, default: 0 },
}, { versionKey: false, minimize: false }), 'scan_index');
export const RUNS_PER_SYSTEM = 100;
export const RECENT_RUNS = 300;

/** A system's own schedule; systems without one follow their level's default (settings.scanCron). */
export interface ScanScheduleDoc { _id: string; cron: string; enabled: boolean; checks: CheckId[]; updatedBy?: string; updatedAt?: Date; version: number }
export const ScanSchedule = model<ScanScheduleDoc>('ScanSchedule', new Schema<ScanScheduleDoc>({
  _id: String, cron: { type: String, required: true }, enabled: { type: Boolean, required: true },
  checks: [{ type: String, enum: CHECK_IDS }], updatedBy: String, updatedAt: Date, version: { type: Number, default: 0 },
}, { versionKey: false }), 'scan_schedules');
// read by the dispatcher every minute: kept in memory, revalidated per read (db/cache.ts)
cacheCollection(ScanSchedule);
