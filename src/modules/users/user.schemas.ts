import Joi from 'joi';
import { ROLES } from '../../shared/enums';
import { email, idParams, objectId, pagination, searchText } from '../../shared/joi';
import { PASSWORD_MAX, PASSWORD_MIN } from './password';

const roles = Joi.array().items(Joi.string().valid(...ROLES)).min(1).unique();
const name = Joi.string().trim().min(2).max(200);
const password = Joi.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

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
