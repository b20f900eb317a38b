import { Schema, Types, model } from 'mongoose';
import { cacheCollection } from '../../db/cache';

/**
 * Settings are stored as numbered revisions: the current settings are the highest `version` of
 * `key`. A change inserts the next revision; the unique index on (key, version) lets exactly one
 * of several concurrent writers of the same version win. (FerretDB 1.24 does not apply a
 * conditional findOneAndUpdate atomically — concurrent `{version: n}` updates can all succeed —
 * while a unique-index insert is atomic on FerretDB and MongoDB alike.) Old revisions are history.
 */
export interface SettingsDoc {
  _id: Types.ObjectId;
  key: string;
  version: number;
  reassessmentMonths: Record<string, number>;
  slaDays: Record<string, number>;
  slaDaysByLevel: Record<string, Record<string, number>>;
  scanCron?: Record<string, string>;
  activeChecklist: { framework: string; version: string } | null;
  /** roles that must log in with a second factor; absent = the deployment's MFA_REQUIRED_ROLES */
  mfaRequiredRoles?: string[];
  updatedAt?: Date;
  updatedBy?: string;
}

export const SETTINGS_KEY = 'global';

const schema = new Schema<SettingsDoc>(
  {
    key: { type: String, required: true },
    version: { type: Number, required: true },
    // maps keyed by level ("1".."5") or severity; validated by joi before they get here
    reassessmentMonths: { type: Schema.Types.Mixed, required: true },
    slaDays: { type: Schema.Types.Mixed, required: true },
    slaDaysByLevel: { type: Schema.Types.Mixed, default: () => ({}) },
    scanCron: { type: Schema.Types.Mixed },
    activeChecklist: { type: new Schema({ framework: String, version: String }, { _id: false }), default: null },
    mfaRequiredRoles: { type: [String], default: undefined },
    updatedAt: Date,
    updatedBy: String,
  },
  { versionKey: false, minimize: false },
);
schema.index({ key: 1, version: -1 }, { unique: true });

export const SettingsModel = model<SettingsDoc>('Settings', schema, 'settings');
cacheCollection(SettingsModel);
