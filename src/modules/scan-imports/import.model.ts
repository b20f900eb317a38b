import { Schema, Types, model } from 'mongoose';
import { IMPORT_TOOLS, type ImportTool } from './types';
import { auditedCollection } from '../audit/audit.intent';

export interface ImportCounts { opened: number; refreshed: number; reopened: number; verified: number; ignored: number }

/** One applied scanner report. Read by _id; the list reads them newest first (few: one per upload). */
export interface ScanImportDoc {
  _id: Types.ObjectId;
  tool: ImportTool;
  toolVersion?: string;
  filename?: string;
  sha256: string;
  bytes: number;
  scannedAt?: Date;
  mappingVersion: number;
  /** applying: findings are being written (a crash leaves it so; the same file applied again completes it) */
  status: 'applying' | 'applied';
  by: string;
  createdAt: Date;
  finishedAt?: Date;
  /** per severity, as parsed (info included), and what the report itself states where it states it */
  items: Record<string, number>;
  statedCounts?: Record<string, number>;
  planned: ImportCounts;
  counts?: ImportCounts;
  systems: Types.ObjectId[];
  /** hosts of the report that are in no system, at most 500 */
  unmatchedHosts: string[];
  version: number;
  auditIntents?: Record<string, unknown>;
}

const counts = { opened: Number, refreshed: Number, reopened: Number, verified: Number, ignored: Number };
const schema = new Schema<ScanImportDoc>({
  tool: { type: String, enum: IMPORT_TOOLS, required: true }, toolVersion: String, filename: String, sha256: String, bytes: Number, scannedAt: Date,
  mappingVersion: Number, status: String, by: String, createdAt: Date, finishedAt: Date,
  items: { type: Schema.Types.Mixed, default: () => ({}) }, statedCounts: { type: Schema.Types.Mixed, default: undefined },
  planned: counts, counts, systems: [Schema.Types.ObjectId], unmatchedHosts: [String],
  version: { type: Number, default: 0 }, auditIntents: { type: Schema.Types.Mixed, default: undefined },
}, { versionKey: false, minimize: false });

export const ScanImport = model<ScanImportDoc>('ScanImport', schema, 'scan_imports');
auditedCollection(ScanImport, () => ScanImport.find({}, { auditIntents: 1 }).lean());
