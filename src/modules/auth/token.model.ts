import { Schema, Types, model } from 'mongoose';

export interface TokenDoc {
  _id: Types.ObjectId;
  tokenHash: string;
  user: Types.ObjectId;
  expiresAt: Date;
  revokedAt?: Date;
  createdAt: Date;
}

const tokenSchema = new Schema<TokenDoc>(
  {
    tokenHash: { type: String, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
tokenSchema.index({ tokenHash: 1 }, { unique: true });
tokenSchema.index({ user: 1, expiresAt: 1 });
export const Token = model<TokenDoc>('Token', tokenSchema, 'auth_tokens');

/** Failed-login counter keyed by the normalised e-mail, whether or not such a user exists. */
export interface ThrottleDoc { _id: string; failures: number; windowStart: Date; lockedUntil?: Date }
export const LoginThrottle = model<ThrottleDoc>(
  'LoginThrottle',
  new Schema<ThrottleDoc>({ _id: String, failures: Number, windowStart: Date, lockedUntil: Date }, { versionKey: false }),
  'login_throttles',
);
