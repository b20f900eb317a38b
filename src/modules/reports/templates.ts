import fs from 'node:fs';
import path from 'node:path';
import Joi from 'joi';
import YAML from 'yaml';
import type { Bilingual } from './types';
import type { PageSettings } from './pdf/document';
import { placeholdersOf, type Locale } from './pdf/format';

/*
 * The wording and page settings of every document, read from reports/*.yaml (reports/README.md).
 * Each text is bilingual and may use only the placeholders the renderer fills for it, so a typo in
 * a template is caught when it loads, not printed on a certificate.
 */
type Bi = Bilingual;
type Colours<K extends string> = Record<K, string>;
type Page<C extends string, X = unknown> = PageSettings & { colours: Colours<C> } & X;
interface Base<D extends string, C extends string, X = unknown> { document: D; version: number; page: Page<C, X>; locale: Locale }

export const CERTIFICATE_FIELDS = ['system', 'code', 'organization', 'level', 'framework', 'assessment', 'score', 'issuedAt', 'expiresAt'] as const;
export const COVER_FIELDS = ['system', 'code', 'organization', 'level', 'framework', 'assessment', 'status', 'createdAt', 'submittedAt', 'approvedAt', 'inspector', 'approver', 'generatedAt'] as const;
const RESULT_KEYS = ['met', 'partial', 'not_met', 'not_applicable', 'unanswered'] as const;
const SEVERITY_KEYS = ['critical', 'high', 'medium', 'low'] as const;
const ASSESSMENT_STATUS_KEYS = ['draft', 'in_progress', 'submitted', 'approved', 'returned'] as const;
const FINDING_STATUS_KEYS = ['open', 'in_remediation', 'resolved', 'verified', 'reopened', 'risk_accepted'] as const;
const STATE_KEYS = ['not_assessed', 'in_assessment', 'non_compliant', 'compliant', 'certified'] as const;
const CONTROL_COLUMNS = ['ref', 'requirement', 'result', 'note', 'evidence'] as const;
const FINDING_COLUMNS = ['title', 'control', 'severity', 'status', 'dueAt'] as const;
const SYSTEM_COLUMNS = ['code', 'name', 'organization', 'level', 'state', 'score', 'grade', 'openFindings', 'certificate'] as const;
type Of<K extends readonly string[], V = Bi> = Record<K[number], V>;

export interface CertificateTemplate extends Base<'certificate', 'primary' | 'text' | 'muted' | 'border' | 'accent' | 'fill' | 'watermark'> {
  header: { authority: Bi; nation: Bi; motto: Bi; number: Bi };
  title: Bi; subtitle: Bi; legalBasis: Bi[]; certifies: Bi;
  fields: Of<typeof CERTIFICATE_FIELDS>;
  levelValue: Bi; frameworkValue: Bi; statement: Bi; placeDate: Bi;
  signatory: { role: Bi; signed: Bi };
  verification: { text: Bi; fingerprint: Bi };
  statusMarks: Record<'suspended' | 'revoked' | 'expired', Bi>;
}

type ReportColour = 'primary' | 'text' | 'muted' | 'rule' | 'headerFill' | 'zebra';
interface Footer { pageNumber: Bi; running: Bi }
type Roles = Record<'admin' | 'inspector' | 'owner', Bi>;

export interface AssessmentReportTemplate extends Base<'assessment-report', ReportColour | 'sectionFill', { results: Of<typeof RESULT_KEYS, string> }> {
  footer: Footer & { draft: Bi }; header: { authority: Bi }; title: Bi; legalBasis: Bi[];
  approval: Record<'heading' | 'approver' | 'role' | 'approvedAt' | 'generatedAt' | 'notApproved' | 'draftNotice' | 'signed', Bi> & { roles: Roles };
  cover: { heading: Bi; fields: Of<typeof COVER_FIELDS>; missing: Bi; levelValue: Bi; frameworkValue: Bi };
  summary: Record<'heading' | 'score' | 'metAllCriteria' | 'yes' | 'no' | 'total' | 'answered' | 'applicable' | 'byResult' | 'byGroup' | 'result' | 'group' | 'count', Bi>;
  controls: { heading: Bi; columns: Of<typeof CONTROL_COLUMNS> };
  findings: { heading: Bi; columns: Of<typeof FINDING_COLUMNS>; none: Bi };
  groups: Record<'management' | 'technical', Bi>;
  results: Of<typeof RESULT_KEYS>;
  severities: Of<typeof SEVERITY_KEYS>;
  assessmentStatuses: Of<typeof ASSESSMENT_STATUS_KEYS>;
  findingStatuses: Of<typeof FINDING_STATUS_KEYS>;
  evidenceKinds: Record<'link' | 'file' | 'scan', Bi>;
}

export interface ProgrammeReportTemplate extends Base<'programme-report', ReportColour | 'grid', { series: string[]; severities: Of<typeof SEVERITY_KEYS, string>; grades: string }> {
  footer: Footer; header: { authority: Bi }; title: Bi; subtitle: Bi; legalBasis: Bi[];
  approval: Record<'heading' | 'generatedBy' | 'role' | 'generatedAt' | 'signed', Bi> & { roles: Roles };
  headline: Record<'heading' | 'systems' | 'evaluated' | 'metAllCriteria' | 'certified' | 'sentence', Bi>;
  charts: Record<'heading' | 'byLevel' | 'byOrganization' | 'others' | 'findingsOpen' | 'scanGrades' | 'noGrade' | 'levelValue', Bi> & {
    topOrganizations: number; series: Record<'systems' | 'evaluated' | 'metAllCriteria', Bi>;
  };
  certificates: Record<'heading' | 'valid' | 'suspended' | 'expiring' | 'count', Bi>;
  findings: Record<'heading' | 'severity' | 'open' | 'overdue' | 'total', Bi>;
  systems: { heading: Bi; columns: Of<typeof SYSTEM_COLUMNS> };
  severities: Of<typeof SEVERITY_KEYS>;
  states: Of<typeof STATE_KEYS>;
}

export interface Templates { certificate: CertificateTemplate; assessmentReport: AssessmentReportTemplate; programmeReport: ProgrammeReportTemplate }

// ---- schemas ----------------------------------------------------------------------------------

const fail = (h: Joi.CustomHelpers, message: string) => h.message({ custom: '{#text}' }, { text: message });
const braces = (names: string[]) => (names.length ? names.map((n) => `{${n}}`).join(', ') : 'none');

/** One language of a text: non-blank, and using only (and at least the required of) its placeholders. */
const words = (allowed: string[], required: string[]) => Joi.string().min(1).max(2000).custom((v: string, h) => {
  if (!v.trim()) return fail(h, 'must not be blank');
  const unknown = placeholdersOf(v).find((p) => !allowed.includes(p));
  if (unknown) return fail(h, `uses {${unknown}}, which this text is not given (available: ${braces(allowed)})`);
  const missing = required.find((r) => !placeholdersOf(v).includes(r));
  if (missing) return fail(h, `must contain {${missing}}`);
  return v;
});
const bi = (allowed: string[] = [], required: string[] = []) =>
  Joi.object({ vi: words(allowed, required).required(), en: words(allowed, required).required() });
const keyed = (keys: readonly string[], schema: Joi.Schema) => Joi.object(Object.fromEntries(keys.map((k) => [k, schema.required()])));
const bis = (keys: readonly string[]) => keyed(keys, bi());
const colour = Joi.string().pattern(/^#[0-9a-fA-F]{6}$/).messages({ 'string.pattern.base': 'must be a colour written #rrggbb' });
const point = Joi.number().min(0).max(144);

// dates are written in DISPLAY_TIME_ZONE, one setting for every document, page and e-mail
const timeZone = Joi.any().forbidden().messages({ 'any.unknown': 'is not set in templates: dates follow the DISPLAY_TIME_ZONE setting' });

function base(document: string, colourKeys: readonly string[], minBottom: number, pageExtra: Joi.PartialSchemaMap = {}) {
  return {
    document: Joi.string().valid(document).required().messages({ 'any.only': `must be "${document}" in this file` }),
    version: Joi.number().integer().min(1).required(),
    page: Joi.object({
      size: Joi.string().valid('A4').required(),
      layout: Joi.string().valid('portrait', 'landscape').required(),
      margins: Joi.object({ top: point.required(), right: point.required(), bottom: point.min(minBottom).required(), left: point.required() }).required(),
      colours: keyed(colourKeys, colour).required(),
      ...pageExtra,
    }).required(),
    locale: Joi.object({ timeZone, decimalSeparator: Joi.string().valid(',', '.').required() }).required(),
  };
}
const legalBasis = Joi.array().items(bi()).min(1).max(10).required();
const footer = (running: string[], extra: Joi.PartialSchemaMap = {}) => Joi.object({ pageNumber: bi(['page', 'pages'], ['page', 'pages']).required(), running: bi(running).required(), ...extra }).required();
/** the approval block's texts: `signed` is given the signing authority and the signature's time */
const approval = (keys: string[], extra: Joi.PartialSchemaMap = {}) => Joi.object({
  ...Object.fromEntries(keys.map((k) => [k, bi().required()])), signed: bi(['authority', 'date']).required(), roles: bis(['admin', 'inspector', 'owner']).required(), ...extra,
}).required();
const REPORT_COLOURS = ['primary', 'text', 'muted', 'rule', 'headerFill', 'zebra'] as const;

const certificate = Joi.object({
  ...base('certificate', ['primary', 'text', 'muted', 'border', 'accent', 'fill', 'watermark'], 0),
  header: Joi.object({ authority: bi().required(), nation: bi().required(), motto: bi().required(), number: bi(['number'], ['number']).required() }).required(),
  title: bi().required(), subtitle: bi().required(), legalBasis, certifies: bi().required(),
  fields: bis(CERTIFICATE_FIELDS).required(),
  levelValue: bi(['level'], ['level']).required(),
  frameworkValue: bi(['title', 'version'], ['title']).required(),
  statement: bi(['level']).required(),
  placeDate: bi(['day', 'month', 'year', 'date']).required(),
  signatory: bis(['role', 'signed']).required(),
  verification: bis(['text', 'fingerprint']).required(),
  statusMarks: bis(['suspended', 'revoked', 'expired']).required(),
});

const assessmentReport = Joi.object({
  ...base('assessment-report', [...REPORT_COLOURS, 'sectionFill'], 36, { results: keyed(RESULT_KEYS, colour).required() }),
  footer: footer(['code'], { draft: bi().required() }), header: bis(['authority']).required(), title: bi().required(), legalBasis,
  approval: approval(['heading', 'approver', 'role', 'approvedAt', 'generatedAt', 'notApproved'], { draftNotice: bi(['status']).required() }),
  cover: Joi.object({
    heading: bi().required(), fields: bis(COVER_FIELDS).required(), missing: bi().required(),
    levelValue: bi(['level'], ['level']).required(), frameworkValue: bi(['framework', 'version'], ['framework']).required(),
  }).required(),
  summary: bis(['heading', 'score', 'metAllCriteria', 'yes', 'no', 'total', 'answered', 'applicable', 'byResult', 'byGroup', 'result', 'group', 'count']).required(),
  controls: Joi.object({ heading: bi().required(), columns: bis(CONTROL_COLUMNS).required() }).required(),
  findings: Joi.object({ heading: bi().required(), columns: bis(FINDING_COLUMNS).required(), none: bi().required() }).required(),
  groups: bis(['management', 'technical']).required(),
  results: bis(RESULT_KEYS).required(),
  severities: bis(SEVERITY_KEYS).required(),
  assessmentStatuses: bis(ASSESSMENT_STATUS_KEYS).required(),
  findingStatuses: bis(FINDING_STATUS_KEYS).required(),
  evidenceKinds: bis(['link', 'file', 'scan']).required(),
});

const programmeReport = Joi.object({
  ...base('programme-report', [...REPORT_COLOURS, 'grid'], 36, {
    series: Joi.array().items(colour).length(3).required(), severities: keyed(SEVERITY_KEYS, colour).required(), grades: colour.required(),
  }),
  footer: footer(['date']), header: bis(['authority']).required(), title: bi().required(), subtitle: bi(['date', 'time']).required(), legalBasis,
  approval: approval(['heading', 'generatedBy', 'role', 'generatedAt']),
  headline: Joi.object({
    ...Object.fromEntries(['heading', 'systems', 'evaluated', 'metAllCriteria', 'certified'].map((k) => [k, bi().required()])),
    sentence: bi(['systems', 'evaluated', 'met', 'pct', 'certified']).required(),
  }).required(),
  charts: Joi.object({
    ...Object.fromEntries(['heading', 'byLevel', 'others', 'findingsOpen', 'scanGrades', 'noGrade'].map((k) => [k, bi().required()])),
    byOrganization: bi(['top']).required(), topOrganizations: Joi.number().integer().min(1).max(40).required(),
    series: bis(['systems', 'evaluated', 'metAllCriteria']).required(), levelValue: bi(['level'], ['level']).required(),
  }).required(),
  certificates: bis(['heading', 'valid', 'suspended', 'expiring', 'count']).required(),
  findings: bis(['heading', 'severity', 'open', 'overdue', 'total']).required(),
  systems: Joi.object({ heading: bi().required(), columns: bis(SYSTEM_COLUMNS).required() }).required(),
  severities: bis(SEVERITY_KEYS).required(),
  states: bis(STATE_KEYS).required(),
});

// ---- loading ----------------------------------------------------------------------------------

const FILES = {
  certificate: { file: 'certificate.yaml', schema: certificate },
  assessmentReport: { file: 'assessment-report.yaml', schema: assessmentReport },
  programmeReport: { file: 'programme-report.yaml', schema: programmeReport },
} as const;
const VALIDATION: Joi.ValidationOptions = { abortEarly: false, convert: false, allowUnknown: false, errors: { label: false } };
const MAX_FILE_BYTES = 256 * 1024;

export interface TemplateIssue { path: string; reason: string }

/** A template that cannot be used; the message names the file, the path in it and why (one line each). */
export class TemplateFileError extends Error {
  override readonly name = 'TemplateFileError';
  constructor(public readonly file: string, public readonly issues: TemplateIssue[]) {
    const shown = issues.slice(0, 10).map((i) => `${file}: ${i.path ? `${i.path}: ` : ''}${i.reason}`);
    if (issues.length > shown.length) shown.push(`${file}: … and ${issues.length - shown.length} more problems`);
    super(shown.join('\n'));
  }
}

const displayName = (file: string) => {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
};

/** Parses and validates one template text; `file` only names it in errors. */
export function parseTemplate<K extends keyof Templates>(kind: K, text: string, file: string): Templates[K] {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new TemplateFileError(file, doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
      reason: `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    })));
  }
  const { value, error } = FILES[kind].schema.validate(doc.toJS({ maxAliasCount: 100 }), VALIDATION);
  if (error) throw new TemplateFileError(file, error.details.map((d) => ({ path: d.path.join('.'), reason: d.message })));
  return value as Templates[K];
}

function readTemplate<K extends keyof Templates>(kind: K, dir: string): Templates[K] {
  const full = path.join(dir, FILES[kind].file);
  const name = displayName(full);
  let text: string;
  try {
    if (fs.statSync(full).size > MAX_FILE_BYTES) throw new TemplateFileError(name, [{ path: '', reason: `file is larger than ${MAX_FILE_BYTES} bytes` }]);
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    if (err instanceof TemplateFileError) throw err;
    throw new TemplateFileError(name, [{ path: '', reason: `cannot read the template (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }]);
  }
  return parseTemplate(kind, text, name);
}

// templates are read once per directory and process: they change only with a deployment
const cache = new Map<string, Templates>();

/** The three document templates of `dir`, validated; throws a TemplateFileError for a bad file. */
export function loadTemplates(dir: string = path.resolve('reports')): Templates {
  const key = path.resolve(dir);
  let t = cache.get(key);
  if (!t) {
    t = { certificate: readTemplate('certificate', key), assessmentReport: readTemplate('assessmentReport', key), programmeReport: readTemplate('programmeReport', key) };
    cache.set(key, t);
  }
  return t;
}
