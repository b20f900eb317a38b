import { Schema, Types, model } from 'mongoose';

/** One passkey (WebAuthn credential) of a user. */
export interface PasskeyDoc {
  /** the credential id, base64url */
  id: string;
  /** COSE public key, base64url */
  publicKey: string;
  counter: number;
  transports?: string[];
  name: string;
  createdAt: Date;
  lastUsedAt?: Date;
}

/**
 * A user's second factors, one document per user keyed by the user id (read by _id, the only
 * indexed read on FerretDB). Every change is a `store.mutate` on its version, so a TOTP time-step
 * or a recovery code is consumed by exactly one of several concurrent logins.
 */
export interface FactorsDoc {
  _id: string;
  version: number;
  /** confirmed TOTP: the secret encrypted (mfa.crypto.ts) and the last time-step accepted */
  totp?: { secret: string; confirmedAt: Date; lastStep: number };
  /** an enrolment begun but not yet confirmed by a first code */
  pendingTotp?: { secret: string; createdAt: Date };
  /** SHA-256 of each one-time recovery code (high-entropy codes: a plain hash suffices) */
  recovery: { hash: string; usedAt?: Date }[];
  passkeys: PasskeyDoc[];
  /** the challenge of a passkey registration under way */
  registration?: { challenge: string; expiresAt: Date };
}

const passkey = new Schema<PasskeyDoc>({
  id: { type: String, required: true }, publicKey: { type: String, required: true }, counter: { type: Number, default: 0 },
  transports: { type: [String], default: undefined }, name: { type: String, required: true }, createdAt: { type: Date, required: true }, lastUsedAt: Date,
}, { _id: false });

export const Factors = model<FactorsDoc>('Factors', new Schema<FactorsDoc>({
  _id: { type: String, required: true },
  version: { type: Number, default: 0 },
  totp: { type: new Schema({ secret: String, confirmedAt: Date, lastStep: Number }, { _id: false }) },
  pendingTotp: { type: new Schema({ secret: String, createdAt: Date }, { _id: false }) },
  recovery: { type: [new Schema({ hash: String, usedAt: Date }, { _id: false })], default: [] },
  passkeys: { type: [passkey], default: [] },
  registration: { type: new Schema({ challenge: String, expiresAt: Date }, { _id: false }) },
}, { versionKey: false, minimize: false }), 'auth_factors');

/**
 * A login whose password was right and whose second factor is still to come: keyed by the SHA-256
 * of the handle given to the client, short-lived, consumed by the first successful factor. It
 * grants nothing but the right to present a factor.
 */
export interface PendingDoc {
  _id: string;
  user: Types.ObjectId;
  expiresAt: Date;
  /** the challenge of a passkey assertion asked for by this login */
  challenge?: string;
  ip?: string;
  userAgent?: string;
  version: number;
}

export const PendingLogin = model<PendingDoc>('PendingLogin', new Schema<PendingDoc>({
  _id: { type: String, required: true },
  user: { type: Schema.Types.ObjectId, required: true },
  expiresAt: { type: Date, required: true },
  challenge: String,
  ip: String,
  userAgent: String,
  version: { type: Number, default: 0 },
}, { versionKey: false }), 'auth_pending');
