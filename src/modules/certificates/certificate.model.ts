import { Schema, Types, model } from 'mongoose';
import { cacheCollection } from '../../db/cache';

export const CERTIFICATE_STATUSES = ['valid', 'suspended', 'revoked', 'expired'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertificateEvent { at: Date; by: string; from?: CertificateStatus; to: CertificateStatus; reason?: string }

export interface CertificateDoc {
  _id: Types.ObjectId;
  /** ATT-<year>-<6 digits>, sequential per year */
  number: string;
  /** public verification code: 24 base32 characters, 120 random bits */
  code: string;
  system: Types.ObjectId;
  organization: Types.ObjectId;
  /** the system as it was certified */
  snapshot: { code: string; name: string; level: number; organization: { code: string; name: string } };
  checklist: { id: string; framework: string; version: string };
  assessment: { id: Types.ObjectId; approvedAt: Date; score: number };
  issuedAt: Date;
  expiresAt: Date;
  issuer: { id: string; name: string };
  /** SHA-256 of the certificate record, printed on it */
  fingerprint: string;
  pdf: { fileId: Types.ObjectId; sha256: string; size: number };
  status: CertificateStatus;
  /** why it is suspended: the open critical / high findings */
  suspension?: { at: Date; findings: number };
  revocation?: { at: Date; by: string; reason: string };
  history: CertificateEvent[];
  version: number;
  /** audit events of changes not yet in the chain (audit/audit.intent.ts) */
  auditIntents?: Record<string, unknown>;
  createdAt: Date;
}

const schema = new Schema<CertificateDoc>({
  number: { type: String, required: true },
  code: { type: String, required: true },
  system: { type: Schema.Types.ObjectId, required: true },
  organization: { type: Schema.Types.ObjectId, required: true },
  snapshot: { code: String, name: String, level: Number, organization: { code: String, name: String } },
  checklist: { id: String, framework: String, version: String },
  assessment: { id: Schema.Types.ObjectId, approvedAt: Date, score: Number },
  issuedAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  issuer: { id: String, name: String },
  fingerprint: String,
  pdf: { fileId: Schema.Types.ObjectId, sha256: String, size: Number },
  status: { type: String, enum: CERTIFICATE_STATUSES, required: true },
  suspension: { at: Date, findings: Number },
  revocation: { at: Date, by: String, reason: String },
  history: [new Schema<CertificateEvent>({ at: Date, by: String, from: String, to: String, reason: String }, { _id: false })],
  version: { type: Number, default: 0 },
  // audit events of changes written with them, until they are in the chain (audit/audit.intent.ts)
  auditIntents: { type: Schema.Types.Mixed, default: undefined },
}, { timestamps: { createdAt: true, updatedAt: false }, versionKey: false });
schema.index({ number: 1 }, { unique: true });
schema.index({ code: 1 }, { unique: true });

export const Certificate = model<CertificateDoc>('Certificate', schema, 'certificates');
// a few hundred documents over the years, read by code on every public verification: kept in memory
cacheCollection(Certificate);

/** Per-year certificate numbers: one document per year, incremented atomically. */
export interface CounterDoc { _id: string; seq: number }
export const Counter = model<CounterDoc>('Counter', new Schema<CounterDoc>({ _id: String, seq: Number }, { versionKey: false }), 'counters');
