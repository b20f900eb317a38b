import Joi from 'joi';
import { LEVELS } from '../../shared/enums';
import { idParams, objectId } from '../../shared/joi';

/** An imported catalog may be as large as a checklist file may be (checklist.loader.ts). */
export const IMPORT_BODY_LIMIT = '5mb';

export const byId = { params: idParams };

export const profileParams = {
  params: Joi.object({ id: objectId().required(), level: Joi.number().integer().valid(...LEVELS).required() }),
};

const anyObject = () => Joi.object().unknown(true);

/**
 * An OSCAL catalog document, `{catalog: …}`: its top-level shape here, its groups and controls
 * by the checklist rules in oscal.import.ts (which name each problem by control id).
 */
export const importCatalog = {
  body: Joi.object({
    $schema: Joi.string().max(2048),
    catalog: Joi.object({
      // the OSCAL uuid datatype (version 4 or 5)
      uuid: Joi.string().pattern(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/).required(),
      metadata: anyObject().required(),
      params: Joi.array().max(1000).items(anyObject()),
      controls: Joi.array().max(1000).items(anyObject()),
      groups: Joi.array().max(1000).items(anyObject()),
      'back-matter': anyObject(),
    }).required(),
  }),
};

export const importResult = Joi.object({
  imported: Joi.boolean().required().description('false: this version was imported before with the same content, nothing was written'),
  id: objectId().required(),
  framework: Joi.string().required(),
  version: Joi.string().required(),
  levels: Joi.array().items(Joi.number().integer()).required(),
  controlCount: Joi.number().integer().required(),
});
