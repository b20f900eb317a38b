import { Schema, Types, model } from 'mongoose';
import { SEVERITIES } from '../../shared/enums';
import { DOMAINS, GROUPS, SCAN_CHECKS, type ChecklistControl, type ChecklistFile } from './checklist.schemas';

/** One imported checklist version: the whole catalogue in one immutable document. */
export interface ChecklistDoc extends ChecklistFile {
  _id: Types.ObjectId;
  /** SHA-256 of the canonical JSON of the validated file content */
  contentHash: string;
  controlCount: number;
  /** level → number of controls applying at that level (denormalised for the list view) */
  countsByLevel: Record<string, number>;
  importedAt: Date;
}

const bilingual = { vi: { type: String, required: true }, en: { type: String, required: true } };

const controlSchema = new Schema<ChecklistControl>(
  {
    id: { type: String, required: true },
    group: { type: String, required: true, enum: GROUPS },
    domain: { type: String, required: true, enum: DOMAINS },
    levels: { type: [Number], required: true },
    // keyed by level as a string ("1".."5"): plain objects, stored as written
    refs: { type: Schema.Types.Mixed, required: true },
    title: bilingual,
    requirement: bilingual,
    levelText: { type: Schema.Types.Mixed },
    severity: { type: String, required: true, enum: SEVERITIES },
    evidence: [new Schema(bilingual, { _id: false })],
    scanCheck: { type: String, enum: SCAN_CHECKS },
  },
  { _id: false, id: false },
);

const schema = new Schema<ChecklistDoc>(
  {
    framework: { type: String, required: true },
    version: { type: String, required: true },
    title: bilingual,
    publishedAt: { type: String, required: true },
    levels: { type: [Number], required: true },
    controls: { type: [controlSchema], required: true },
    contentHash: { type: String, required: true },
    controlCount: { type: Number, required: true },
    countsByLevel: { type: Schema.Types.Mixed, required: true },
    importedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// (framework, version) is the identity of a checklist version: two instances importing the same
// file at the same moment collide here and exactly one document survives.
schema.index({ framework: 1, version: 1 }, { unique: true });
schema.index({ framework: 1, importedAt: -1 });

// Imported versions are immutable: refuse every update path at the model.
const immutable = () => { throw new Error('Checklist versions are immutable: import a new version instead'); };
schema.pre(['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace'], immutable);

export const Checklist = model<ChecklistDoc>('Checklist', schema, 'checklists');
