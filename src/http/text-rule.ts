import type { RequestHandler } from 'express';
import type Joi from 'joi';
import type { RequestSchema } from './validate';
import { AppError, type ErrorDetail } from './errors';
import { TEXT_ERROR } from '../shared/text';
import type { Bilingual } from '../shared/bilingual';
import { bilingualDetail, joiReason } from './messages';

const options: Joi.ValidationOptions = { abortEarly: false, convert: true, allowUnknown: false, stripUnknown: false, errors: { wrap: { label: false } } };

/** Whether a schema holds a text field anywhere (the custom rule's description says so). */
const holdsText = (s: Joi.Schema | undefined) => !!s && /"(?:multi-line )?plain text"/.test(JSON.stringify(s.describe()));

/**
 * The text rule (src/shared/text.ts) answers 422, not 400: the request has the documented shape,
 * but a text field holds a character no text may hold (a rule the OpenAPI document states in words,
 * not as a pattern). Runs before validate(): when the text rule is the only thing a request breaks,
 * the answer is 422 with one detail per field ({field, in, reason, code}); any other problem leaves
 * the request to validate()'s 400, which then lists the text problems too.
 */
export function textRule(schema: RequestSchema = {}): RequestHandler | undefined {
  const parts = (['params', 'query', 'body'] as const).filter((p) => holdsText(schema[p]));
  if (!parts.length) return undefined;
  return (req, _res, next) => {
    const details: (ErrorDetail & { label?: Bilingual })[] = [];
    for (const part of parts) {
      const input = part === 'body' ? (req.body === undefined ? {} : req.body) : { ...(req[part] as object) };
      const { error } = schema[part]!.validate(input, options);
      for (const d of error?.details ?? []) {
        if (d.type !== TEXT_ERROR) return next(); // another problem: validate() answers 400
        details.push(bilingualDetail({ field: d.path.join('.'), in: part, reason: d.message, code: TEXT_ERROR }, joiReason(d)));
      }
    }
    if (!details.length) return next();
    next(AppError.unprocessable({
      en: `Only plain text is accepted: ${details.map((d) => d.field).join(', ')} ${details.length > 1 ? 'contain' : 'contains'} a control or bidirectional formatting character`,
      vi: `Chỉ chấp nhận văn bản thuần: ${details.map((d) => d.label?.vi ?? d.field).join(', ')} có ký tự điều khiển hoặc ký tự định hướng văn bản`,
    }, details));
  };
}
