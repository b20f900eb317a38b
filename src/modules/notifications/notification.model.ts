import { Schema, model } from 'mongoose';

export const NOTIFICATION_KINDS = ['assignment', 'due_soon', 'overdue', 'reopened', 'risk_acceptance_expiring', 'escalation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * One outbox message. Its `_id` is the caller's dedupe key, so the unique primary key makes a
 * second enqueue of the same message a duplicate by construction (atomic on FerretDB too), and
 * every read and write of one message is by `_id`, the only path FerretDB looks up by index.
 */
export interface NotificationDoc {
  _id: string;
  kind: NotificationKind;
  to: string[];
  subject: string;
  text: string;
  refs?: { finding?: string; system?: string; organization?: string };
  status: NotificationStatus;
  /** delivery attempts started (a successful first delivery leaves 1) */
  attempts: number;
  /** queued: when it may be tried next; also pushed ahead when an attempt starts, as its claim */
  nextAttemptAt?: Date;
  /** the last SMTP error, without credentials */
  lastError?: string;
  sentAt?: Date;
  messageId?: string;
  /** recipients the SMTP server refused while accepting the others */
  rejected?: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    to: { type: [String], required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    refs: { _id: false, finding: String, system: String, organization: String },
    status: { type: String, enum: NOTIFICATION_STATUSES, required: true, default: 'queued' },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: Date,
    lastError: String,
    sentAt: Date,
    messageId: String,
    rejected: { type: [String], default: undefined },
    version: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
// the delivery batch (due queued messages, oldest due first) and the admin listing
schema.index({ status: 1, nextAttemptAt: 1 });
schema.index({ status: 1, createdAt: -1 });
schema.index({ kind: 1, createdAt: -1 });
schema.index({ createdAt: -1 });

export const Notification = model<NotificationDoc>('Notification', schema, 'notifications');
