import Joi from 'joi';
import { COMPLIANCE_STATES, GRADES, HOSTING_TYPES, LEVELS, SYSTEM_STATUSES } from '../../shared/enums';
import { HOST_PORT, HTTP_URL, idParams, objectId, pagination, searchText, text } from '../../shared/joi';

export const systemCode = () => Joi.string().trim().uppercase().pattern(/^[A-Z0-9][A-Z0-9_-]{1,31}$/)
  .messages({ 'string.pattern.base': '{{#label}} must be 2–32 letters, digits, - or _ (e.g. HT-001)' });

/** An http(s) URL or host:port (an address, a bracketed IPv6 address or a host name). */
export const endpoint = () => Joi.string().trim().max(2048).pattern(new RegExp(`^(?:${HTTP_URL}|${HOST_PORT})$`))
  .messages({ 'string.pattern.base': '{{#label}} must be an http(s) URL or host:port' });

const port = Joi.number().integer().min(1).max(65535);
const tag = Joi.string().trim().pattern(/^[\p{L}\p{N} _.:-]{1,40}$/u)
  .meta({ openapi: { pattern: '^[A-Za-z0-9_.:-](?:[A-Za-z0-9 _.:-]{0,38}[A-Za-z0-9_.:-])?$', allOf: undefined } });

/** Fields an admin sets on a system (compliance is derived and never written from outside). */
export const systemFields = {
  code: systemCode(),
  name: text().min(2).max(300),
  organization: objectId(),
  level: Joi.number().integer().valid(...LEVELS),
  levelApproval: Joi.object({ reference: text().max(200).allow(''), date: Joi.date().iso() }),
  description: text({ multiline: true }).max(5000).allow(''),
  category: text().max(100).allow(''),
  hosting: Joi.string().valid(...HOSTING_TYPES),
  endpoints: Joi.array().items(endpoint()).max(50).unique(),
  scanPorts: Joi.array().items(port).max(200).unique(),
  allowedPorts: Joi.array().items(port).max(200).unique(),
  owners: Joi.array().items(objectId()).max(50).unique(),
  status: Joi.string().valid(...SYSTEM_STATUSES),
  tags: Joi.array().items(tag).max(30).unique(),
};

export const listSystems = {
  query: Joi.object({
    ...pagination,
    organization: objectId(),
    level: Joi.number().integer().valid(...LEVELS),
    state: Joi.string().valid(...COMPLIANCE_STATES),
    status: Joi.string().valid(...SYSTEM_STATUSES),
    tag,
    q: searchText(),
    grade: Joi.string().valid(...GRADES, 'none').description('grade of the latest scan (none: never graded)'),
    overdue: Joi.boolean().description('true: systems whose re-assessment date has passed'),
    sort: Joi.string().valid('code', '-code', 'name', '-name', 'level', '-level', 'updatedAt', '-updatedAt').default('code'),
  }),
};
export const getSystem = { params: idParams };
export const createSystem = {
  body: Joi.object({
    ...systemFields,
    code: systemFields.code.required(),
    name: systemFields.name.required(),
    organization: systemFields.organization.required(),
    level: systemFields.level.required(),
  }),
};
export const updateSystem = { params: idParams, body: Joi.object(systemFields).min(1) };
export const deleteSystem = { params: idParams };

/**
 * One row of an import, after CSV columns are turned into fields: the organization is given
 * by its code (or id) and owners by e-mail.
 */
export const importRow = Joi.object({
  ...systemFields,
  code: systemFields.code.required(),
  name: systemFields.name.required(),
  organization: Joi.string().trim().max(64).required(),
  level: systemFields.level.required(),
  owners: Joi.array().items(Joi.string().trim().lowercase().email({ tlds: { allow: false } })).max(50).unique(),
});
