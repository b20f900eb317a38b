import Joi from 'joi';
import { ASSESSMENT_STATUSES, RESULTS } from '../../shared/enums';
import { httpUrl, objectId, pagination, text } from '../../shared/joi';

const controlId = Joi.string().pattern(/^[A-Z]{2,5}\.[A-Z]{2,8}\.[0-9]{2,3}$/).messages({ 'string.pattern.base': '{{#label}} is not a control id' });
const id = objectId().required();

export const createAssessment = {
  body: Joi.object({
    system: objectId().required(),
    /** start from a previous assessment of the same system: notes and evidence links copied, results reset */
    basedOn: objectId(),
  }),
};
export const listAssessments = {
  query: Joi.object({ ...pagination, system: objectId(), status: Joi.string().valid(...ASSESSMENT_STATUSES) }),
};
export const byId = { params: Joi.object({ id }) };

export const linkEvidence = Joi.object({
  kind: Joi.string().valid('link').default('link'),
  url: httpUrl().required(),
  title: text().max(300).allow(''),
});

export const saveResult = {
  params: Joi.object({ id, controlId: controlId.required() }),
  body: Joi.object({
    result: Joi.string().valid(...RESULTS).required(),
    note: text({ multiline: true }).max(5000).allow(''),
    /** links; uploaded files are kept and managed through the evidence endpoints */
    evidence: Joi.array().items(linkEvidence).max(20),
    /** the result's version as last read: a save against a newer version is a conflict (409) */
    version: Joi.number().integer().min(0).required(),
  }),
};

/** at most this many results in one bulk save (a level-5 checklist has fewer controls) */
export const BULK_MAX = 200;
export const saveResults = {
  params: Joi.object({ id }),
  body: Joi.object({
    results: Joi.array().items(Joi.object({
      controlId: controlId.required(),
      result: Joi.string().valid(...RESULTS).required(),
      /** left out: the control keeps its note */
      note: text({ multiline: true }).max(5000).allow(''),
      version: Joi.number().integer().min(0).required(),
    })).min(1).max(BULK_MAX).unique('controlId').required(),
  }),
};

export const uploadEvidence = { params: Joi.object({ id, controlId: controlId.required() }) };
export const evidenceFile = { params: Joi.object({ id, fileId: objectId().required() }) };
export const submit = { params: Joi.object({ id }), body: Joi.object({ version: Joi.number().integer().min(0) }) };
export const approve = { params: Joi.object({ id }), body: Joi.object({ version: Joi.number().integer().min(0) }) };
export const returnAssessment = { params: Joi.object({ id }), body: Joi.object({ reason: text({ multiline: true }).min(3).max(5000).required(), version: Joi.number().integer().min(0) }) };
