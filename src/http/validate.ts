import type { RequestHandler } from 'express';
import Joi from 'joi';
import { AppError, ErrorDetail } from './errors';
import { bilingualDetail, joiReason } from './messages';

export interface RequestSchema {
  params?: Joi.ObjectSchema;
  query?: Joi.ObjectSchema;
  body?: Joi.Schema;
}

export interface ValidInput {
  params: Record<string, any>;
  query: Record<string, any>;
  body: any;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** the params, query and body after joi validation and conversion */
    valid: ValidInput;
  }
}

const options: Joi.ValidationOptions = {
  abortEarly: false,
  convert: true,
  allowUnknown: false,
  stripUnknown: false,
  errors: { wrap: { label: false } },
};

const empty = Joi.object({});

/**
 * Validates params, query and body; unknown keys are rejected everywhere, so user input can
 * never smuggle a `$operator` into a query. Cleaned values land in `req.valid`.
 */
export function validate(schema: RequestSchema = {}): RequestHandler {
  return (req, _res, next) => {
    const details: ErrorDetail[] = [];
    const valid: Partial<ValidInput> = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const s = schema[part] ?? empty;
      const input = part === 'body' ? (req.body === undefined ? {} : req.body) : { ...(req[part] as object) };
      const { value, error } = s.validate(input, options);
      if (error) {
        for (const d of error.details) details.push(bilingualDetail({ field: d.path.join('.'), in: part, reason: d.message }, joiReason(d)));
      } else valid[part] = value;
    }
    if (details.length) return next(AppError.badRequest({ en: 'Invalid input', vi: 'Dữ liệu không hợp lệ' }, details));
    req.valid = valid as ValidInput;
    next();
  };
}
