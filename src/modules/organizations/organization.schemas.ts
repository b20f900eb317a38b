import Joi from 'joi';
import { ORGANIZATION_TYPES } from '../../shared/enums';
import { idParams, pagination, searchText, text } from '../../shared/joi';

const code = Joi.string().trim().uppercase().pattern(/^[A-Z0-9][A-Z0-9_-]{1,31}$/).messages({ 'string.pattern.base': '{{#label}} must be 2–32 letters, digits, - or _' });
const name = text().min(2).max(200);
const type = Joi.string().valid(...ORGANIZATION_TYPES);

export const listOrganizations = { query: Joi.object({ ...pagination, type, q: searchText() }) };
export const getOrganization = { params: idParams };
export const createOrganization = { body: Joi.object({ code: code.required(), name: name.required(), type: type.required() }) };
export const updateOrganization = { params: idParams, body: Joi.object({ code, name, type }).min(1) };
