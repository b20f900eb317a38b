import { Schema, Types, model } from 'mongoose';
import type { Bilingual } from '../../shared/bilingual';
import { FINDING_SOURCES, FINDING_STATUSES, FindingSource, FindingStatus, SEVERITIES, Severity } from '../../shared/enums';

export interface FindingEvent {
  at: Date;
  by: string;
  action: 'created' | 'transition' | 'comment' | 'seen_again' | 'severity_changed' | 'assigned' | 'extension_requested' | 'extension_decided' | 'risk_acceptance_requested';
  from?: FindingStatus;
  to?: FindingStatus;
  comment?: string;
  /** the service's line about the event, naming documents and people, in both languages (its English is also `comment`) */
  text?: Bilingual;
  evidence?: { url?: string; title?: string }[];
}

export interface RiskAcceptance {
  requestedBy: string; requestedAt: Date; justification: string; compensatingControls: string; expiresAt: Date;
  approvedBy?: string; approvedAt?: Date;
}

export interface ExtensionRequest {
  requestedBy: string; requestedAt: Date; reason: string; dueAt: Date;
  decision?: 'approved' | 'rejected'; decidedBy?: string; decidedAt?: Date; comment?: string;
}

export interface FindingDoc {
  _id: Types.ObjectId;
  system: Types.ObjectId;
  organization: Types.ObjectId;
  systemCode: string;
  level: number;
  /** `problem`: for scan findings, the distinct problem at the target (scans/problems) */
  source: { type: FindingSource; assessment?: Types.ObjectId; scanRun?: Types.ObjectId; check?: string; target?: string; problem?: string; scanImport?: Types.ObjectId; tool?: string; rule?: string };
  control?: string;
  /** in English; `titleVi` / `descriptionVi` carry the Vietnamese words (the checklist control's for assessment findings, the problem's for scan findings; manual findings have the inspector's words only) */
  title: string;
  description?: string;
  titleVi?: string;
  descriptionVi?: string;
  severity: Severity;
  status: FindingStatus;
  assignee?: Types.ObjectId;
  dueAt: Date;
  /** one finding per key: assessment:<id>:<control>, scan:<system>:<check>:<target>#<problem>, import:<system>:<tool>:<rule>:<target>, manual:<random> */
  dedupeKey: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  history: FindingEvent[];
  riskAcceptance?: RiskAcceptance;
  /** the latest extension request; earlier ones are in the history */
  extension?: ExtensionRequest;
  createdBy: string;
  version: number;
  /** audit events of changes not yet in the chain (audit/audit.intent.ts) */
  auditIntents?: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<FindingDoc>(
  {
    system: { type: Schema.Types.ObjectId, required: true },
    organization: { type: Schema.Types.ObjectId, required: true },
    systemCode: String,
    level: Number,
    source: {
      type: { type: String, enum: FINDING_SOURCES, required: true },
      assessment: Schema.Types.ObjectId,
      scanRun: Schema.Types.ObjectId,
      check: String,
      target: String,
      problem: String,
      scanImport: Schema.Types.ObjectId,
      tool: String,
      rule: String,
    },
    control: String,
    title: { type: String, required: true },
    description: String,
    titleVi: String,
    descriptionVi: String,
    severity: { type: String, enum: SEVERITIES, required: true },
    status: { type: String, enum: FINDING_STATUSES, default: 'open' },
    assignee: Schema.Types.ObjectId,
    dueAt: { type: Date, required: true },
    dedupeKey: { type: String, required: true },
    firstSeenAt: Date,
    lastSeenAt: Date,
    history: [new Schema<FindingEvent>({
      at: Date, by: String, action: String, from: String, to: String, comment: String,
      text: new Schema({ vi: String, en: String }, { _id: false }),
      evidence: [new Schema({ url: String, title: String }, { _id: false })],
    }, { _id: false })],
    riskAcceptance: new Schema<RiskAcceptance>({
      requestedBy: String, requestedAt: Date, justification: String, compensatingControls: String, expiresAt: Date, approvedBy: String, approvedAt: Date,
    }, { _id: false }),
    extension: new Schema<ExtensionRequest>({
      requestedBy: String, requestedAt: Date, reason: String, dueAt: Date, decision: String, decidedBy: String, decidedAt: Date, comment: String,
    }, { _id: false }),
    createdBy: String,
    version: { type: Number, default: 0 },
    // audit events of changes written with them, until they are in the chain (audit/audit.intent.ts)
    auditIntents: { type: Schema.Types.Mixed, default: undefined },
  },
  { timestamps: true, versionKey: false },
);
schema.index({ dedupeKey: 1 }, { unique: true });
schema.index({ system: 1, status: 1, severity: 1 });
schema.index({ organization: 1, status: 1 });
schema.index({ status: 1, dueAt: 1 });
schema.index({ 'source.assessment': 1 });

export const Finding = model<FindingDoc>('Finding', schema, 'findings');
