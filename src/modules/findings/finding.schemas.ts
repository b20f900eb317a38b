import Joi from 'joi';
import { FINDING_SOURCES, FINDING_STATUSES, SEVERITIES } from '../../shared/enums';
import { httpUrl, objectId, pagination, searchText, text } from '../../shared/joi';

const id = objectId().required();
const comment = text({ multiline: true }).max(5000);
const evidence = Joi.array().items(Joi.object({
  url: httpUrl().required(),
  title: text().max(300).allow(''),
})).max(20);

export const filters = {
  system: objectId(),
  organization: objectId(),
  status: Joi.alternatives(Joi.string().valid(...FINDING_STATUSES, 'open_any'), Joi.array().items(Joi.string().valid(...FINDING_STATUSES)).max(6)),
  severity: Joi.string().valid(...SEVERITIES),
  source: Joi.string().valid(...FINDING_SOURCES),
  assignee: Joi.alternatives(objectId(), Joi.string().valid('me')),
  overdue: Joi.boolean(),
  q: searchText(),
  pending: Joi.string().valid('risk_acceptance', 'extension').description('requests waiting for an admin: risk acceptances or deadline extensions'),
};

export const listFindings = { query: Joi.object({ ...pagination, ...filters }) };
export const exportFindings = { query: Joi.object(filters) };
export const summary = { query: Joi.object({ organization: objectId(), system: objectId() }) };
export const byId = { params: Joi.object({ id }) };

export const createFinding = {
  body: Joi.object({
    system: objectId().required(),
    title: text().min(3).max(300).required(),
    description: text({ multiline: true }).max(10000).allow(''),
    severity: Joi.string().valid(...SEVERITIES).required(),
    control: Joi.string().pattern(/^[A-Z]{2,5}\.[A-Z]{2,8}\.[0-9]{2,3}$/),
    assignee: objectId(),
  }),
};

export const updateFinding = {
  params: Joi.object({ id }),
  body: Joi.object({ severity: Joi.string().valid(...SEVERITIES), assignee: objectId().allow(null), version: Joi.number().integer().min(0) }).or('severity', 'assignee'),
};

export const transition = {
  params: Joi.object({ id }),
  body: Joi.object({ to: Joi.string().valid(...FINDING_STATUSES).required(), comment, evidence, version: Joi.number().integer().min(0) }),
};

export const addComment = { params: Joi.object({ id }), body: Joi.object({ comment: comment.min(1).required(), evidence }) };

export const requestRiskAcceptance = {
  params: Joi.object({ id }),
  body: Joi.object({
    justification: text({ multiline: true }).min(10).max(5000).required(),
    compensatingControls: text({ multiline: true }).min(3).max(5000).required(),
    expiresAt: Joi.date().iso().required().description('when the acceptance ends; must lie in the future (422 otherwise)'),
  }),
};

export const requestExtension = {
  params: Joi.object({ id }),
  body: Joi.object({ dueAt: Joi.date().iso().required().description('the new deadline: in the future and later than the current one (422 otherwise)'), reason: text({ multiline: true }).min(10).max(5000).required() }),
};

export const decideExtension = {
  params: Joi.object({ id }),
  body: Joi.object({ approve: Joi.boolean().required(), comment }),
};

export const MAX_BULK = 500;
export const bulk = {
  body: Joi.object({
    filter: Joi.object(filters).required(),
    action: Joi.string().valid('assign', 'severity').required(),
    assignee: Joi.when('action', { is: 'assign', then: objectId().allow(null).required(), otherwise: Joi.forbidden() }),
    severity: Joi.when('action', { is: 'severity', then: Joi.string().valid(...SEVERITIES).required(), otherwise: Joi.forbidden() }),
  }),
};
