import { Schema, model } from 'mongoose';

export interface AuditEventDoc {
  seq: number;
  at: Date;
  actor: { id: string; email?: string; name: string };
  action: string;
  entity: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
  requestId?: string;
  prevHash: string;
  hash: string;
}

const auditSchema = new Schema<AuditEventDoc>(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: { id: String, email: String, name: String },
    action: { type: String, required: true },
    entity: { type: String, required: true },
    entityId: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    requestId: String,
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// seq is the chain position: the unique index makes two writers racing for the same position
// fail for one of them, which then re-reads the head and retries.
auditSchema.index({ seq: 1 }, { unique: true });
auditSchema.index({ entity: 1, entityId: 1, seq: -1 });
auditSchema.index({ 'actor.id': 1, seq: -1 });
auditSchema.index({ at: -1 });

export const AuditEvent = model<AuditEventDoc>('AuditEvent', auditSchema, 'audit_events');

/** The newest chain position, kept apart so that deleting the last events is detected too. */
export interface AuditHeadDoc { _id: string; seq: number; hash: string }
export const AuditHead = model<AuditHeadDoc>(
  'AuditHead',
  new Schema<AuditHeadDoc>({ _id: String, seq: Number, hash: String }, { versionKey: false }),
  'audit_head',
);
