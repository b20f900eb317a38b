import Joi from 'joi';
import { LEVELS, SEVERITIES, type Severity } from '../../shared/enums';
import { idParams, text as plainText } from '../../shared/joi';

/** Enumerations of the checklist format (checklists/README.md), shared by joi, mongoose and OpenAPI. */
export const GROUPS = ['management', 'technical'] as const;
export type Group = (typeof GROUPS)[number];

export const MANAGEMENT_DOMAINS = [
  'security-policy', 'organising-security', 'human-resources', 'design-build', 'operations-network',
  'operations-servers-apps', 'operations-data', 'operations-endpoints', 'operations-malware', 'operations-monitoring',
  'operations-vulnerability', 'operations-incident', 'operations-end-users', 'risk-management', 'end-of-operation',
] as const;
export const TECHNICAL_DOMAINS = ['network', 'server', 'application', 'data'] as const;
export const DOMAINS = [...MANAGEMENT_DOMAINS, ...TECHNICAL_DOMAINS] as const;
export type Domain = (typeof DOMAINS)[number];
const DOMAINS_OF: Record<Group, readonly string[]> = { management: MANAGEMENT_DOMAINS, technical: TECHNICAL_DOMAINS };

export const SCAN_CHECKS = ['tls.protocols', 'tls.certificate', 'http.redirect', 'http.headers', 'http.disclosure', 'http.cookies', 'ports.exposed'] as const;
export type ScanCheck = (typeof SCAN_CHECKS)[number];

export const CONTROL_ID = /^(MGT|TEC)\.[A-Z]{2,6}\.[0-9]{2}$/;
export const FRAMEWORK_ID = /^[A-Z0-9-]+$/;
const GROUP_OF_PREFIX: Record<string, Group> = { MGT: 'management', TEC: 'technical' };

export interface Bilingual { vi: string; en: string }
export interface ChecklistControl {
  id: string;
  group: Group;
  domain: Domain;
  levels: number[];
  /** level (as a string key) → clause reference */
  refs: Record<string, string>;
  title: Bilingual;
  requirement: Bilingual;
  levelText?: Record<string, Bilingual>;
  severity: Severity;
  evidence: Bilingual[];
  scanCheck?: ScanCheck;
}
export interface ChecklistFile {
  framework: string;
  version: string;
  title: Bilingual;
  publishedAt: string;
  levels: number[];
  controls: ChecklistControl[];
}

// The file is validated without conversion: what is hashed and stored is exactly what was written.
export const FILE_VALIDATION: Joi.ValidationOptions = { abortEarly: false, convert: false, allowUnknown: false, errors: { label: false } };

const text = plainText({ multiline: true }).min(1).max(4000);
const bilingual = Joi.object({ vi: text.required(), en: text.required() });
const level = Joi.number().integer().valid(...LEVELS);
const levelKey = /^[1-5]$/;

type Helpers = Joi.CustomHelpers;
// the text goes in as a variable, never as the template: values may contain template syntax
const fail = (h: Helpers, message: string) => h.message({ custom: '{#text}' }, { text: message });
/** The control an item belongs to: `depth` = how many containers sit between it and the control. */
const controlOf = (h: Helpers, depth: number) => h.state.ancestors[depth] as Partial<ChecklistControl> | undefined;
const lastKey = (h: Helpers) => String(h.state.path?.[h.state.path.length - 1]);
const listText = (levels: number[]) => `[${levels.join(', ')}]`;

/** One of GROUPS, agreeing with the id prefix (MGT ↔ management, TEC ↔ technical). */
function groupMatchesId(value: Group, h: Helpers) {
  if (!GROUPS.includes(value)) return fail(h, `must be one of ${GROUPS.join(', ')}`);
  const id = controlOf(h, 0)?.id;
  const expected = typeof id === 'string' && CONTROL_ID.test(id) ? GROUP_OF_PREFIX[id.slice(0, 3)] : undefined;
  if (expected && expected !== value) return fail(h, `must be "${expected}" for id ${id}`);
  return value;
}

function domainInGroup(value: string, h: Helpers) {
  const raw = controlOf(h, 0)?.group;
  const group = GROUPS.find((g) => g === raw);
  const allowed: readonly string[] = group ? DOMAINS_OF[group] : DOMAINS;
  if (!allowed.includes(value)) return fail(h, `must be one of ${allowed.join(', ')}${group ? ` (${group})` : ''}`);
  return value;
}

/** Contiguous, ascending, ending at 5, and covered by the file's own levels. */
function controlLevels(value: number[], h: Helpers) {
  if (!value.length) return value;
  for (let i = 1; i < value.length; i++) {
    if (value[i] !== value[i - 1] + 1) return fail(h, `must be ascending and contiguous, got ${listText(value)}`);
  }
  if (value[value.length - 1] !== 5) return fail(h, `must end at 5, got ${listText(value)}`);
  const fileLevels = (h.state.ancestors[2] as Partial<ChecklistFile> | undefined)?.levels;
  if (Array.isArray(fileLevels)) {
    const missing = value.filter((l) => !fileLevels.includes(l));
    if (missing.length) return fail(h, `level ${missing[0]} is not one of the file's levels ${listText(fileLevels)}`);
  }
  return value;
}

/** Each ref is `<level+4>.<1 management | 2 technical>.<n>.<n>`. */
function refValue(value: string, h: Helpers) {
  const lvl = Number(lastKey(h));
  const group = controlOf(h, 1)?.group;
  const prefix = `${lvl + 4}.${group === 'technical' ? 2 : group === 'management' ? 1 : '[12]'}.`;
  if (!value.startsWith(`${lvl + 4}.`)) return fail(h, `must start with "${lvl + 4}."`);
  if (!new RegExp(`^${prefix.replace(/\./g, '\\.')}\\d+\\.\\d+$`).test(value)) {
    return fail(h, group === 'management' || group === 'technical' ? `must look like "${lvl + 4}.${group === 'technical' ? 2 : 1}.<group>.<item>" (${group})` : `must look like "${lvl + 4}.<1|2>.<group>.<item>"`);
  }
  return value;
}

/** Keys exactly equal the control's levels; the `.<g>.<group>.<item>` suffix is the same at every level. */
function refsMatchLevels(value: Record<string, string>, h: Helpers) {
  const levels = controlOf(h, 0)?.levels;
  if (!Array.isArray(levels)) return value;
  const keys = Object.keys(value);
  const missing = levels.filter((l) => !keys.includes(String(l)));
  if (missing.length) return fail(h, `has no ref for level ${missing[0]} (keys must equal levels ${listText(levels)})`);
  const extra = keys.filter((k) => !levels.includes(Number(k)));
  if (extra.length) return fail(h, `has a ref for level ${extra[0]}, which is not in levels ${listText(levels)}`);
  const suffixes = new Set(Object.values(value).map((r) => String(r).replace(/^\d+/, '')));
  if (suffixes.size > 1) return fail(h, `must keep the same suffix at every level, got ${[...suffixes].join(' and ')}`);
  return value;
}

function levelTextKey(value: Bilingual, h: Helpers) {
  const levels = controlOf(h, 1)?.levels;
  const key = Number(lastKey(h));
  if (Array.isArray(levels) && !levels.includes(key)) return fail(h, `level ${key} is not in the control's levels ${listText(levels)}`);
  return value;
}

const control = Joi.object({
  id: Joi.string().pattern(CONTROL_ID).required().messages({ 'string.pattern.base': 'must be MGT or TEC, a domain code of 2–6 capitals and a 2-digit number, e.g. MGT.POL.04' }),
  // enum membership is checked inside the custom rules: joi skips rules for a value listed in valid()
  group: Joi.string().required().custom(groupMatchesId),
  domain: Joi.string().required().custom(domainInGroup),
  levels: Joi.array().items(level).min(1).unique().required().custom(controlLevels),
  refs: Joi.object().pattern(Joi.string().pattern(levelKey), Joi.string().custom(refValue))
    .required().custom(refsMatchLevels).messages({ 'object.unknown': 'is not a level (1–5)' }),
  title: bilingual.required(),
  requirement: bilingual.required(),
  levelText: Joi.object().pattern(Joi.string().pattern(levelKey), bilingual.custom(levelTextKey)).min(1)
    .messages({ 'object.unknown': 'is not a level (1–5)' }),
  severity: Joi.string().valid(...SEVERITIES).required(),
  evidence: Joi.array().items(bilingual).min(1).max(5).required(),
  scanCheck: Joi.string().valid(...SCAN_CHECKS),
});

/** The whole YAML file: the rules of checklists/README.md, "File format". */
export const checklistFile = Joi.object({
  framework: Joi.string().pattern(FRAMEWORK_ID).max(40).required().messages({ 'string.pattern.base': 'must match [A-Z0-9-]+' }),
  version: Joi.string().pattern(/^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/).required()
    .messages({ 'string.pattern.base': 'must be 1–40 letters, digits, ".", "_" or "-" (quote it in YAML)' }),
  title: bilingual.required(),
  publishedAt: Joi.string().isoDate().pattern(/^\d{4}-\d{2}-\d{2}$/).required().messages({ 'string.pattern.base': 'must be a date YYYY-MM-DD' }),
  levels: Joi.array().items(level).min(1).unique().required().custom((value: number[], h) =>
    value.every((l, i) => i === 0 || l > value[i - 1]) ? value : fail(h, 'must be ascending')),
  controls: Joi.array().items(control).min(1).max(1000).required()
    .unique('id').rule({ message: 'repeats id {{#value.id}} of controls.{{#dupePos}}' })
    .unique((a: ChecklistControl, b: ChecklistControl) => a.scanCheck !== undefined && a.scanCheck === b.scanCheck)
    .rule({ message: 'uses scanCheck {{#value.scanCheck}} again (already on controls.{{#dupePos}}); each check names one control' }),
});

// HTTP request schemas
export const listChecklists = {};
export const getChecklist = {
  params: idParams,
  query: Joi.object({ level: Joi.number().integer().valid(...LEVELS) }),
};
