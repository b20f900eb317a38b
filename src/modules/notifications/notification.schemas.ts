import Joi from 'joi';
import { email, objectId, pagination } from '../../shared/joi';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from './notification.model';

export const MAX_RECIPIENTS = 100;
/** per enqueue call (stored in chunks by the store) */
export const MAX_ENQUEUE = 10_000;

/** What other modules hand to `enqueue`; a bad message is a programming error, caught before it is stored. */
export const outboxMessage = Joi.object({
  kind: Joi.string().valid(...NOTIFICATION_KINDS).required(),
  to: Joi.array().items(email().required()).min(1).max(MAX_RECIPIENTS).unique().required(),
  // one header line: a CR or LF would be a header injection
  subject: Joi.string().trim().min(1).max(300).pattern(/^[^\r\n]*$/).required(),
  text: Joi.string().min(1).max(20_000).required(),
  // printable ASCII without spaces: it becomes the document's _id and part of the Message-ID
  dedupeKey: Joi.string().pattern(/^[\x21-\x7e]{1,200}$/).required(),
  refs: Joi.object({ finding: objectId(), system: objectId(), organization: objectId() }),
});

export const outboxBatch = Joi.array().items(outboxMessage).max(MAX_ENQUEUE);

export const listNotifications = {
  query: Joi.object({
    ...pagination,
    status: Joi.string().valid(...NOTIFICATION_STATUSES),
    kind: Joi.string().valid(...NOTIFICATION_KINDS),
  }),
};
