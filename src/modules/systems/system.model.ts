import { Schema, Types, model } from 'mongoose';
import { cacheCollection } from '../../db/cache';
import { COMPLIANCE_STATES, ComplianceState, HOSTING_TYPES, LEVELS, SYSTEM_STATUSES } from '../../shared/enums';

export interface Compliance {
  state: ComplianceState;
  lastAssessment?: Types.ObjectId;
  lastAssessedAt?: Date;
  metAllCriteria?: boolean;
  /** the latest approved assessment met every applicable control (the programme's "meeting all criteria") */
  assessmentMetAllCriteria?: boolean;
  score?: number;
  openFindings: { critical: number; high: number; medium: number; low: number };
  certificate?: Types.ObjectId;
  nextAssessmentDue?: Date;
  needsReassessment?: boolean;
}

export interface SystemDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  organization: Types.ObjectId;
  level: number;
  levelApproval?: { reference?: string; date?: Date };
  description?: string;
  category?: string;
  hosting?: string;
  endpoints: string[];
  scanPorts: number[];
  allowedPorts: number[];
  owners: Types.ObjectId[];
  status: 'active' | 'decommissioned';
  tags: string[];
  compliance: Compliance;
  /** the assessment being worked on, if any: at most one open assessment per system */
  activeAssessment?: Types.ObjectId | null;
  activeAssessmentSince?: Date;
  /** the system's current certificate (kept by the certificates module; compliance reads it) */
  certificate?: { id: Types.ObjectId; number: string; status: string; expiresAt: Date } | null;
  /** the scan running now, if any: at most one at a time per system */
  activeScan?: Types.ObjectId | null;
  activeScanSince?: Date;
  /** the latest finished scan, kept beside the system so that its page never reads the runs */
  lastScan?: { run: Types.ObjectId; at: Date; status: string; grade?: string; score?: number; failed: number; errors: number };
  /** assessments ever started (drafts deleted are subtracted): a system with any is decommissioned, not deleted */
  assessmentCount: number;
  /** the newest approved assessment, which the compliance summary is derived from */
  lastApprovedAssessment?: Types.ObjectId;
  version: number;
  /** audit events of changes not yet in the chain (audit/audit.intent.ts) */
  auditIntents?: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const defaultCompliance = (): Compliance => ({
  state: 'not_assessed',
  openFindings: { critical: 0, high: 0, medium: 0, low: 0 },
});

const schema = new Schema<SystemDoc>(
  {
    code: { type: String, required: true, uppercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    organization: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    level: { type: Number, required: true, enum: LEVELS },
    levelApproval: { reference: String, date: Date },
    description: String,
    category: String,
    hosting: { type: String, enum: HOSTING_TYPES },
    endpoints: { type: [String], default: [] },
    scanPorts: { type: [Number], default: [] },
    allowedPorts: { type: [Number], default: [] },
    owners: { type: [Schema.Types.ObjectId], ref: 'User', default: [] },
    status: { type: String, enum: SYSTEM_STATUSES, default: 'active' },
    tags: { type: [String], default: [] },
    compliance: {
      type: new Schema<Compliance>({
        state: { type: String, enum: COMPLIANCE_STATES, default: 'not_assessed' },
        lastAssessment: Schema.Types.ObjectId,
        lastAssessedAt: Date,
        metAllCriteria: Boolean,
        assessmentMetAllCriteria: Boolean,
        score: Number,
        openFindings: { critical: Number, high: Number, medium: Number, low: Number },
        certificate: Schema.Types.ObjectId,
        nextAssessmentDue: Date,
        needsReassessment: Boolean,
      }, { _id: false }),
      default: defaultCompliance,
    },
    activeAssessment: { type: Schema.Types.ObjectId, default: null },
    activeAssessmentSince: Date,
    certificate: { type: Schema.Types.Mixed, default: null },
    activeScan: { type: Schema.Types.ObjectId, default: null },
    activeScanSince: Date,
    lastScan: { type: Schema.Types.Mixed, default: undefined },
    assessmentCount: { type: Number, default: 0 },
    lastApprovedAssessment: Schema.Types.ObjectId,
    version: { type: Number, default: 0 },
    // audit events of changes written with them, until they are in the chain (audit/audit.intent.ts)
    auditIntents: { type: Schema.Types.Mixed, default: undefined },
  },
  { timestamps: true, versionKey: false },
);
schema.index({ code: 1 }, { unique: true });
schema.index({ organization: 1, code: 1 });
schema.index({ level: 1, code: 1 });
schema.index({ 'compliance.state': 1, code: 1 });
schema.index({ owners: 1 });

export const System = model<SystemDoc>('System', schema, 'systems');
cacheCollection(System);
