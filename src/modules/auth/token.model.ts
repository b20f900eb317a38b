import { Schema, Types, model } from 'mongoose';
import { ROLES } from '../../shared/enums';
import type { TokenKind, TokenScope } from '../../shared/actor';

export type { TokenKind, TokenScope };
export const TOKEN_SCOPES = ['full', 'enrol', 'read-only', ...ROLES] as const;

/** A bearer token, stored as the SHA-256 of its value, which is also the key (read by _id). */
export interface TokenDoc {
  _id: string;
  user: Types.ObjectId;
  expiresAt: Date;
  revokedAt?: Date;
  createdAt: Date;
  /** absent on tokens from before these fields: a full session token without second factor */
  kind?: TokenKind;
  scope?: TokenScope;
  /** the login that issued it passed a second factor */
  mfa?: boolean;
  name?: string;
  /** updated lazily: at most once a minute per token and instance */
  lastUsedAt?: Date;
  ip?: string;
  userAgent?: string;
}

const tokenSchema = new Schema<TokenDoc>(
  {
    _id: { type: String, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: Date,
    kind: { type: String, enum: ['session', 'api'] },
    scope: { type: String, enum: TOKEN_SCOPES },
    mfa: Boolean,
    name: String,
    lastUsedAt: Date,
    ip: String,
    userAgent: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
tokenSchema.index({ user: 1, expiresAt: 1 });
export const Token = model<TokenDoc>('Token', tokenSchema, 'auth_tokens');

/**
 * Login attempts keyed by the normalised e-mail, whether or not such a user exists. An attempt is
 * counted before its password is checked, so parallel guesses cannot outrun the lockout.
 */
export interface ThrottleDoc { _id: string; attempts: number; windowStart: Date; lockedUntil?: Date; version: number }
export const LoginThrottle = model<ThrottleDoc>(
  'LoginThrottle',
  new Schema<ThrottleDoc>({ _id: String, attempts: Number, windowStart: Date, lockedUntil: Date, version: { type: Number, default: 0 } }, { versionKey: false }),
  'login_throttles',
);

/**
 * Browser sessions, written by connect-mongo (src/app.ts) under their id; read here only to remove
 * expired ones (the auth-cleanup job), with an acknowledged delete.
 */
export const SESSIONS_COLLECTION = 'sessions';
export const Session = model<{ _id: string; expires?: Date }>('Session', new Schema<{ _id: string; expires?: Date }>({ _id: String, expires: Date }, { versionKey: false, strict: false }), SESSIONS_COLLECTION);
