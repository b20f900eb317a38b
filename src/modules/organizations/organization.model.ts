import { Schema, Types, model } from 'mongoose';
import { cacheCollection } from '../../db/cache';
import { ORGANIZATION_TYPES, OrganizationType } from '../../shared/enums';

export interface OrganizationDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  type: OrganizationType;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<OrganizationDoc>(
  {
    code: { type: String, required: true, uppercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    type: { type: String, required: true, enum: ORGANIZATION_TYPES },
    version: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
schema.index({ code: 1 }, { unique: true });
schema.index({ name: 1 });

export const Organization = model<OrganizationDoc>('Organization', schema, 'organizations');
cacheCollection(Organization);
