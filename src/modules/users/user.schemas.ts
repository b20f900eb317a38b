import Joi from 'joi';
import { ROLES } from '../../shared/enums';
import { email, idParams, objectId, pagination, searchText, text } from '../../shared/joi';
import { PASSWORD_MAX, PASSWORD_MIN } from './password';

const roles = Joi.array().items(Joi.string().valid(...ROLES)).min(1).unique();
const name = text().min(2).max(200);
// letters and digits: checked here (400) with Unicode classes; documented with ASCII ones, which
// every regex dialect reads alike (a stricter promise than the check). The e-mail rule is 422.
const password = Joi.string().min(PASSWORD_MIN).max(PASSWORD_MAX).pattern(/^(?=[\s\S]*\p{L})(?=[\s\S]*\p{N})/u)
  .messages({ 'string.pattern.base': '{{#label}} must contain letters and digits' })
  .meta({ openapi: { pattern: '^[\\s\\S]*(?:[A-Za-z][\\s\\S]*[0-9]|[0-9][\\s\\S]*[A-Za-z])[\\s\\S]*$' } });

export const listUsers = {
  query: Joi.object({ ...pagination, role: Joi.string().valid(...ROLES), organization: objectId(), active: Joi.boolean(), q: searchText() }),
};
export const getUser = { params: idParams };
export const createUser = {
  body: Joi.object({
    email: email().required(),
    name: name.required(),
    password: password.required(),
    roles: roles.required(),
    organization: objectId(),
    active: Joi.boolean().default(true),
  }),
};
export const updateUser = {
  params: idParams,
  body: Joi.object({ name, password, roles, organization: objectId().allow(null), active: Joi.boolean() }).min(1),
};
