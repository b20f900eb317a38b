import { Schema, Types, model } from 'mongoose';
import { ROLES, Role } from '../../shared/enums';

export interface UserDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  organization?: Types.ObjectId;
  active: boolean;
  lastLoginAt?: Date;
  passwordChangedAt?: Date;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<UserDoc>(
  {
    // stored lower-cased: FerretDB has no collations, so uniqueness is on the normalised form
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    passwordHash: { type: String, required: true },
    roles: { type: [String], enum: ROLES, required: true },
    organization: { type: Schema.Types.ObjectId, ref: 'Organization' },
    active: { type: Boolean, default: true },
    lastLoginAt: Date,
    passwordChangedAt: Date,
    version: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
schema.index({ email: 1 }, { unique: true });
schema.index({ organization: 1, roles: 1 });

export const User = model<UserDoc>('User', schema, 'users');
export const PRIVATE_USER_FIELDS = ['passwordHash'] as const;
