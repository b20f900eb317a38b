import Joi from 'joi';
import { CHECK_IDS } from './checks/types';
import { SCAN_STATUSES } from './scan.model';
import { cronExpression, objectId } from '../../shared/joi';

const id = objectId().required();
const checks = Joi.array().items(Joi.string().valid(...CHECK_IDS)).unique().min(1).max(CHECK_IDS.length);

export const startScan = { params: Joi.object({ id }), body: Joi.object({ checks: checks.description('the checks to run; default: the system schedule\'s') }) };
export const byId = { params: Joi.object({ id }) };
export const listScans = {
  query: Joi.object({
    system: objectId(),
    status: Joi.string().valid(...SCAN_STATUSES),
    page: Joi.number().integer().min(1).max(1000).default(1),
    limit: Joi.number().integer().min(1).max(100).default(20),
  }),
};
export const getSchedule = { params: Joi.object({ id }) };
export const putSchedule = {
  params: Joi.object({ id }),
  body: Joi.object({
    cron: cronExpression().required().description('node-cron expression, server time (e.g. "0 2 * * *": every day at 02:00)'),
    enabled: Joi.boolean().required(),
    checks,
    version: Joi.number().integer().min(0).description('the version last read (0 while the level default applies); 409 if it changed'),
  }),
};
