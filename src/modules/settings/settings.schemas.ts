import Joi from 'joi';
import { LEVELS, ROLES, SEVERITIES } from '../../shared/enums';
import { FRAMEWORK_ID } from '../checklists/checklist.schemas';
import { cronExpression } from '../../shared/joi';

const months = Joi.number().integer().min(1).max(120);
const days = Joi.number().integer().min(1).max(3650);
const perLevel = (v: Joi.Schema) => Object.fromEntries(LEVELS.map((l) => [String(l), v]));
const perSeverity = (v: Joi.Schema) => Object.fromEntries(SEVERITIES.map((s) => [s, v]));

export const activeChecklist = Joi.object({
  framework: Joi.string().pattern(FRAMEWORK_ID).max(40).required().messages({ 'string.pattern.base': '{{#label}} must match [A-Z0-9-]+' }),
  version: Joi.string().pattern(/^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/).required().messages({ 'string.pattern.base': '{{#label}} must be a checklist version such as 2017.1' }),
}).allow(null).description('null = the latest imported version of TCVN-11930');

/** The editable fields; every one optional, at least one given. */
export const settingsPatch = Joi.object({
  reassessmentMonths: Joi.object(perLevel(months)).min(1).description('months between assessments, per level'),
  slaDays: Joi.object(perSeverity(days)).min(1).description('days to fix a finding, per severity'),
  slaDaysByLevel: Joi.object(perLevel(Joi.object(perSeverity(days)))).description('per-level overrides of slaDays; replaces the whole map'),
  scanCron: Joi.object(perLevel(cronExpression())).min(1).description('when systems without a schedule of their own are scanned, per level'),
  activeChecklist,
  mfaRequiredRoles: Joi.array().items(Joi.string().valid(...ROLES)).unique().max(ROLES.length)
    .description('roles whose users must log in with a second factor (TOTP or a passkey); [] = none'),
});

export const getSettings = {};
export const updateSettings = {
  body: settingsPatch.keys({ version: Joi.number().integer().min(0).required().description('the version last read; 409 if it changed') })
    .or('reassessmentMonths', 'slaDays', 'slaDaysByLevel', 'scanCron', 'activeChecklist', 'mfaRequiredRoles'),
};
