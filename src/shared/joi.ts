import Joi from 'joi';
import { validateDetailed } from 'node-cron';

/** A 24-hex ObjectId, validated before it reaches the database. */
export const objectId = () =>
  Joi.string().pattern(/^[0-9a-fA-F]{24}$/).lowercase().messages({ 'string.pattern.base': '{{#label}} must be a valid id' });

export const idParams = Joi.object({ id: objectId().required() });

export const MAX_PAGE_SIZE = 100;
export const pagination = {
  page: Joi.number().integer().min(1).max(100000).default(1),
  limit: Joi.number().integer().min(1).max(MAX_PAGE_SIZE).default(20),
};

/** Free-text search: plain text only, bounded, matched literally (never as a regex). */
export const searchText = () => Joi.string().trim().max(100);

export const email = () => Joi.string().trim().lowercase().email({ tlds: { allow: false } }).max(254);

export const bilingual = () => Joi.object({ vi: Joi.string().trim().min(1).max(2000).required(), en: Joi.string().trim().min(1).max(2000).required() });

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A node-cron expression (5 or 6 fields); a bad one is rejected with node-cron's reason. */
export const cronExpression = () => Joi.string().trim().max(120).pattern(/^\S+( \S+){4,5}$/).custom((value: string, helpers) => {
  const check = validateDetailed(value);
  if (!check.valid) return helpers.message({ custom: `{{#label}} is not a valid cron expression: ${check.errors.map((e) => e.message).join('; ') || 'unrecognised'}` });
  return value;
}).messages({ 'string.pattern.base': '{{#label}} must have 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first' });
