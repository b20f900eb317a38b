import Joi from 'joi';
import { validateDetailed } from 'node-cron';
import { TEXT_ERROR, TEXT_MESSAGE, textProblem } from './text';

/** A 24-hex ObjectId, validated before it reaches the database. */
export const objectId = () =>
  Joi.string().pattern(/^[0-9a-fA-F]{24}$/).lowercase().messages({ 'string.pattern.base': '{{#label}} must be a valid id' });

export const idParams = Joi.object({ id: objectId().required() });

export const MAX_PAGE_SIZE = 100;
export const pagination = {
  page: Joi.number().integer().min(1).max(100000).default(1),
  limit: Joi.number().integer().min(1).max(MAX_PAGE_SIZE).default(20),
};

/**
 * Free text under the text rule (src/shared/text.ts): trimmed, no control or bidirectional
 * formatting characters; `multiline` fields (notes, descriptions) may hold line breaks and tabs.
 * A breach is the joi error TEXT_ERROR, which the API answers with 422 naming the field (http/text-rule.ts).
 */
export const text = (opts: { multiline?: boolean } = {}) => Joi.string().trim().custom((v: string, h) => {
  const p = textProblem(v, opts.multiline);
  return p ? h.error(TEXT_ERROR, { ...p }) : v;
}, opts.multiline ? 'multi-line plain text' : 'plain text').messages({ [TEXT_ERROR]: `{{#label}} ${TEXT_MESSAGE}` });

/** Free-text search: plain text only, bounded, matched literally (never as a regex); empty = no filter. */
export const searchText = () => Joi.string().trim().max(100).allow('');

/*
 * Patterns shared with the OpenAPI document: written so that ECMAScript and Python (the fuzzer)
 * read them alike, with explicit classes instead of \s / \S (the two disagree on a few
 * characters, and joi's trim() strips exactly ECMAScript's white space).
 */
export const WS = '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';
/** a character that is white space to neither ECMAScript nor Python */
export const NWS = '[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff\\x1c-\\x1f\\x85]';

/** A string that still has at least `min` characters once trimmed (what joi's trim().min(n) accepts). */
export function trimmedPattern(min: number): string {
  const core = min <= 1 ? `${NWS}(?:[\\s\\S]*${NWS})?` : `${NWS}[\\s\\S]{${min - 2},}${NWS}`;
  return `^${WS}*${core}${WS}*$`;
}

const octet = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const h16 = '[0-9A-Fa-f]{1,4}';
const ipv6 = [`(?:${h16}:){7}${h16}`, `(?:${h16}:){1,7}:`, `(?:${h16}:){1,6}:${h16}`, `(?:${h16}:){1,5}(?::${h16}){1,2}`,
  `(?:${h16}:){1,4}(?::${h16}){1,3}`, `(?:${h16}:){1,3}(?::${h16}){1,4}`, `(?:${h16}:){1,2}(?::${h16}){1,5}`, `${h16}:(?::${h16}){1,6}`, `:(?:(?::${h16}){1,7}|:)`].join('|');
const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// the last label starts with a letter: a numeric one would be read as an IPv4 address
const hostName = `(?:${label}\\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`;
const host = `(?:${octet}(?:\\.${octet}){3}|\\[(?:${ipv6})\\]|${hostName})`;
const portNumber = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
/** an http(s) URL every WHATWG parser reads: a host name, IPv4 or bracketed IPv6 address, an optional port, printable path */
export const HTTP_URL = `https?://${host}(?::${portNumber})?(?:[/?#][!-~]*)?`;
export const HOST_PORT = `${host}:${portNumber}`;

/** An http(s) URL (scheme in lower case, as the pattern says). */
export const httpUrl = () => Joi.string().trim().max(2048).pattern(new RegExp(`^${HTTP_URL}$`))
  .messages({ 'string.pattern.base': '{{#label}} must be an http(s) URL' });

export const email = () => Joi.string().trim().lowercase().email({ tlds: { allow: false } }).max(254);

export const bilingual = () => Joi.object({ vi: text().min(1).max(2000).required(), en: text().min(1).max(2000).required() });

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A cron expression's shape (5 or 6 fields of digits, names, * , - /): 400 when it is not even
 * that. Whether node-cron accepts it (ranges, February 30th) is a rule the schema cannot state:
 * `cronProblem` tells the service, which answers 422 with node-cron's reason.
 */
export const cronExpression = () => Joi.string().trim().max(120).pattern(/^[0-9A-Za-z*,/-]{1,40}(?: [0-9A-Za-z*,/-]{1,40}){4,5}$/)
  .messages({ 'string.pattern.base': '{{#label}} must have 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first' });

/** node-cron's reason for refusing an expression, or undefined when it accepts it. */
export function cronProblem(expression: string): string | undefined {
  const check = validateDetailed(expression);
  return check.valid ? undefined : `not a valid cron expression: ${check.errors.map((e) => e.message).join('; ') || 'unrecognised'}`;
}
