import type { RouteDef } from './route';
import { PERMISSIONS } from './permissions';
import { trimmedPattern } from '../shared/joi';

type JsonSchema = Record<string, unknown>;
type Description = Record<string, any>;

/** The string rules of a joi description (lengths, trim, patterns, formats) as JSON Schema. */
function stringSchema(rule: (n: string) => Record<string, any> | undefined, allowsEmpty: boolean): JsonSchema {
  const s: JsonSchema = { type: 'string' };
  const min = rule('length')?.limit ?? rule('min')?.limit ?? (allowsEmpty ? 0 : 1);
  if (min > 0) s.minLength = min;
  if (rule('max')) s.maxLength = rule('max')!.limit;
  if (rule('length')) s.maxLength = rule('length')!.limit;
  if (rule('email')) s.format = 'email';
  if (rule('isoDate')) s.format = 'date';
  const pattern = rule('pattern') ? String(rule('pattern')!.regex).replace(/^\/(.*)\/[a-z]*$/, '$1') : undefined;
  // joi trims before it checks: the value must still be long enough without its white space
  const trimmed = rule('trim')?.enabled && min > 0 ? trimmedPattern(min) : undefined;
  if (pattern) s.pattern = pattern;
  if (pattern && trimmed) s.allOf = [{ pattern: trimmed }];
  else if (trimmed) s.pattern = trimmed;
  return s;
}

/** joi's own description of a schema → JSON Schema (the OpenAPI 3.0 dialect). */
export function joiToSchema(d: Description): JsonSchema {
  const flags = d.flags ?? {};
  const rules: { name: string; args?: Record<string, any> }[] = d.rules ?? [];
  const rule = (n: string) => rules.find((r) => r.name === n)?.args;
  let s: JsonSchema = {};
  const allow: unknown[] = (d.allow ?? []).filter((v: unknown) => v !== null && v !== '');
  switch (d.type) {
    case 'string':
      s = stringSchema(rule, (d.allow ?? []).includes(''));
      break;
    case 'number':
      s.type = rules.some((r) => r.name === 'integer') ? 'integer' : 'number';
      // joi refuses numbers beyond the safe integers unless told otherwise
      s.minimum = rule('min')?.limit ?? rule('greater')?.limit ?? -Number.MAX_SAFE_INTEGER;
      s.maximum = rule('max')?.limit ?? rule('less')?.limit ?? Number.MAX_SAFE_INTEGER;
      if (!rule('min') && rule('greater')) s.exclusiveMinimum = true;
      if (!rule('max') && rule('less')) s.exclusiveMaximum = true;
      break;
    case 'boolean': s.type = 'boolean'; break;
    case 'date': s.type = 'string'; s.format = 'date-time'; break;
    case 'array':
      s.type = 'array';
      if (d.items?.length === 1) s.items = joiToSchema(d.items[0]);
      else if (d.items?.length) s.items = { oneOf: d.items.map(joiToSchema) };
      if (rule('min')) s.minItems = rule('min')!.limit;
      if (rule('max')) s.maxItems = rule('max')!.limit;
      if (rules.some((r) => r.name === 'unique')) s.uniqueItems = true;
      break;
    case 'object': {
      s.type = 'object';
      const keys: Record<string, Description> = d.keys ?? {};
      const props: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [k, v] of Object.entries(keys)) {
        props[k] = joiToSchema(v);
        if (v.flags?.presence === 'required') required.push(k);
      }
      if (d.keys) { s.properties = props; s.additionalProperties = flags.unknown === true; }
      if (required.length) s.required = required;
      if (rule('min')) s.minProperties = rule('min')!.limit;
      // .or(a, b, …): at least one of them
      const or = (d.dependencies ?? []).find((x: { rel: string }) => x.rel === 'or');
      if (or) s.anyOf = or.peers.map((p: string) => ({ required: [p] }));
      // .xor(a, b, …): exactly one of them; .oxor(a, b, …): at most one
      const xor = (d.dependencies ?? []).find((x: { rel: string }) => x.rel === 'xor');
      if (xor) s.oneOf = xor.peers.map((p: string) => ({ required: [p] }));
      const oxor = (d.dependencies ?? []).find((x: { rel: string }) => x.rel === 'oxor');
      if (oxor) s.not = { anyOf: oxor.peers.flatMap((p: string, i: number) => oxor.peers.slice(i + 1).map((q: string) => ({ required: [p, q] }))) };
      break;
    }
    case 'alternatives':
      // joi takes the first alternative that matches: a value may match several (anyOf, not oneOf)
      s.anyOf = (d.matches ?? []).map((m: { schema: Description }) => joiToSchema(m.schema));
      break;
    default:
      break;
  }
  if (flags.only && allow.length) s.enum = allow;
  if (flags.default !== undefined && typeof flags.default !== 'function') s.default = flags.default;
  if ((d.allow ?? []).includes(null)) s.nullable = true;
  if (flags.description) s.description = flags.description;
  // a rule joi states in code (a custom check, a Unicode class) is documented by hand with .meta({ openapi })
  for (const m of d.metas ?? []) if (m?.openapi) Object.assign(s, m.openapi);
  return s;
}

const bilingual = { type: 'object', required: ['vi', 'en'], properties: { vi: { type: 'string' }, en: { type: 'string' } } };

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');


export function buildOpenApi(defs: RouteDef[], extra: Record<string, Record<string, unknown>> = {}, info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of defs) {
    const p = (paths[`/api/v1${toOpenApiPath(d.path)}`] ??= {});
    const parameters: unknown[] = [];
    for (const where of ['params', 'query'] as const) {
      const schema = d.schema?.[where];
      if (!schema) continue;
      const desc = schema.describe() as Description;
      for (const [name, v] of Object.entries<Description>(desc.keys ?? {})) {
        parameters.push({ name, in: where === 'params' ? 'path' : 'query', required: where === 'params' || v.flags?.presence === 'required', schema: joiToSchema(v) });
      }
    }
    const success = d.status ?? 200;
    const responses: Record<string, unknown> = {
      [success]: { description: d.responses?.[success] ?? (success === 204 ? 'No content' : 'Success'), ...(success !== 204 && { content: { [d.produces ?? 'application/json']: { schema: d.response ? joiToSchema(d.response.describe() as Description) : {} } } }) },
    };
    for (const [code, text] of Object.entries(d.responses ?? {})) if (Number(code) !== success) responses[code] = { description: text, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const writes = d.method !== 'get';
    const generic: Record<string, string | false> = {
      400: 'InvalidInput',
      401: d.access !== 'public' && 'Unauthenticated',
      403: d.access !== 'public' && 'Forbidden',
      // an id in the path, or one the request refers to, that does not exist or is not yours to see
      404: 'NotFound',
      409: writes && 'Conflict',
      413: (writes || !!d.schema?.body) && 'TooLarge',
      422: writes && 'RuleBroken',
      503: 'Unavailable',
    };
    for (const [code, ref] of Object.entries(generic)) if (ref) responses[code] ??= { $ref: `#/components/responses/${ref}` };
    const op: Record<string, unknown> = {
      tags: [d.tag],
      summary: d.summary,
      operationId: `${d.method}${d.path.replace(/[/:]+([a-zA-Z])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      description: d.access === 'public' ? 'Public.' : `Roles: ${(PERMISSIONS[d.access] as string[]).join(', ')}.`,
      parameters,
      responses,
      ...(d.access !== 'public' && { security: [{ bearer: [] }, { session: [] }] }),
    };
    if (d.schema?.body) {
      const schema = joiToSchema((d.bodyDoc ?? d.schema.body).describe() as Description);
      const content: Record<string, unknown> = { 'application/json': { schema } };
      for (const t of d.bodyTypes ?? []) content[t] = { schema: { type: 'string', minLength: 1 } };
      op.requestBody = { required: true, content: d.multipartDoc ? { 'multipart/form-data': { schema: d.multipartDoc } } : content };
    }
    p[d.method] = op;
  }
  Object.assign(paths, extra);
  return {
    openapi: '3.0.3',
    info: { title: 'Attest API', version: info.version, description: 'Cybersecurity compliance assessment platform for state information systems.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'attest.sid' },
      },
      schemas: {
        Error: {
          type: 'object', required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: {
            code: { type: 'string' }, message: { type: 'string', description: 'in English' },
            text: { ...bilingual, description: 'the message in both languages, where the service words it so' },
            details: { description: 'for 400/422: an array of {field, in, reason, label: {vi, en}, message: {vi, en}} (label: the field as people call it; message: a sentence naming it); other shapes for other errors' },
          } } },
        },
      },
      responses: Object.fromEntries(Object.entries({
        Error: 'Error',
        InvalidInput: 'The request does not match this document (details: field, in, reason)',
        Unauthenticated: 'No valid token or session',
        Forbidden: 'Your role may not do this',
        NotFound: 'The record, or one the request refers to, does not exist or is not visible to you',
        Conflict: 'A duplicate (e.g. a code in use), a stale version, or a state that does not allow this',
        TooLarge: 'The body is larger than the limit',
        RuleBroken: 'Well formed, but it breaks a rule no schema can state: a referenced record that does not exist, a date that must lie ahead, a state-dependent rule, a text field holding a control or bidirectional formatting character (C0 but a multi-line field\'s line breaks and tabs, DEL, C1, U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, U+2028, U+2029, unpaired surrogates; code string.controlChars) (details say which field)',
        Unavailable: 'The database is restarting; try again shortly',
      }).map(([k, description]) => [k, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }])),
    },
  };
}
