import { Schema, Types, model } from 'mongoose';
import { ASSESSMENT_STATUSES, AssessmentStatus, RESULTS, ResultValue, SEVERITIES } from '../../shared/enums';
import type { FrozenControl } from '../checklists/checklist.service';
import type { Summary } from './assessment.workflow';

export interface EvidenceItem {
  kind: 'link' | 'file' | 'scan';
  url?: string;
  title?: string;
  fileId?: Types.ObjectId;
  name?: string;
  size?: number;
  sha256?: string;
  contentType?: string;
  addedBy?: string;
  addedAt?: Date;
}

export interface ResultEntry {
  controlId: string;
  result?: ResultValue;
  note?: string;
  evidence: EvidenceItem[];
  version: number;
  updatedBy?: string;
  updatedAt?: Date;
}

export interface HistoryEntry { at: Date; by: string; from?: AssessmentStatus; to: AssessmentStatus; reason?: string }

export interface AssessmentDoc {
  _id: Types.ObjectId;
  system: Types.ObjectId;
  organization: Types.ObjectId;
  systemCode: string;
  systemName: string;
  level: number;
  checklist: { id: Types.ObjectId; framework: string; version: string };
  status: AssessmentStatus;
  results: ResultEntry[];
  basedOn?: Types.ObjectId;
  summary?: Summary;
  createdBy: string;
  submittedBy?: string;
  submittedAt?: Date;
  approvedBy?: string;
  approvedAt?: Date;
  returnReason?: string;
  history: HistoryEntry[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const bilingual = { vi: String, en: String };
const evidenceSchema = new Schema<EvidenceItem>({
  kind: { type: String, enum: ['link', 'file', 'scan'], required: true },
  url: String, title: String, fileId: Schema.Types.ObjectId, name: String, size: Number, sha256: String, contentType: String,
  addedBy: String, addedAt: Date,
}, { _id: false });

const schema = new Schema<AssessmentDoc>(
  {
    system: { type: Schema.Types.ObjectId, required: true },
    organization: { type: Schema.Types.ObjectId, required: true },
    systemCode: String,
    systemName: String,
    level: { type: Number, required: true },
    checklist: { id: Schema.Types.ObjectId, framework: String, version: String },
    status: { type: String, enum: ASSESSMENT_STATUSES, default: 'draft' },
    results: [new Schema<ResultEntry>({
      controlId: { type: String, required: true },
      result: { type: String, enum: RESULTS },
      note: String,
      evidence: { type: [evidenceSchema], default: [] },
      version: { type: Number, default: 0 },
      updatedBy: String,
      updatedAt: Date,
    }, { _id: false })],
    basedOn: Schema.Types.ObjectId,
    summary: Schema.Types.Mixed,
    createdBy: String,
    submittedBy: String,
    submittedAt: Date,
    approvedBy: String,
    approvedAt: Date,
    returnReason: String,
    history: [new Schema<HistoryEntry>({ at: Date, by: String, from: String, to: String, reason: String }, { _id: false })],
    version: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
schema.index({ system: 1, status: 1, createdAt: -1 });
schema.index({ organization: 1, createdAt: -1 });
schema.index({ status: 1, createdAt: -1 });
schema.index({ system: 1, approvedAt: -1 });

export const Assessment = model<AssessmentDoc>('Assessment', schema, 'assessments');

/**
 * The controls an assessment is made against, copied from the checklist when it starts and never
 * changed. Kept apart from the assessment so that saving a result rewrites a small document.
 */
export interface AssessmentControlsDoc { _id: Types.ObjectId; controls: FrozenControl[] }
export const AssessmentControls = model<AssessmentControlsDoc>('AssessmentControls', new Schema<AssessmentControlsDoc>({
  _id: Schema.Types.ObjectId,
  controls: [new Schema({
    id: String, group: String, domain: String, ref: String, title: bilingual, requirement: bilingual,
    severity: { type: String, enum: SEVERITIES }, evidence: [bilingual], scanCheck: String,
  }, { _id: false })],
}, { versionKey: false }), 'assessment_controls');
