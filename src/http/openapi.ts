import type { RouteDef } from './route';
import { PERMISSIONS } from './permissions';

type JsonSchema = Record<string, unknown>;
type Description = Record<string, any>;

/** joi's own description of a schema → JSON Schema (the OpenAPI 3.0 dialect). */
export function joiToSchema(d: Description): JsonSchema {
  const flags = d.flags ?? {};
  const rules: { name: string; args?: Record<string, any> }[] = d.rules ?? [];
  const rule = (n: string) => rules.find((r) => r.name === n)?.args;
  const s: JsonSchema = {};
  const allow: unknown[] = (d.allow ?? []).filter((v: unknown) => v !== null && v !== '');
  switch (d.type) {
    case 'string':
      s.type = 'string';
      if (rule('min')) s.minLength = rule('min')!.limit;
      if (rule('max')) s.maxLength = rule('max')!.limit;
      if (rule('length')) s.minLength = s.maxLength = rule('length')!.limit;
      if (rule('email')) s.format = 'email';
      if (rule('uri')) s.format = 'uri';
      if (rule('pattern')) s.pattern = String(rule('pattern')!.regex).replace(/^\/(.*)\/[a-z]*$/, '$1');
      break;
    case 'number':
      s.type = rule('integer') !== undefined || rules.some((r) => r.name === 'integer') ? 'integer' : 'number';
      if (rule('min')) s.minimum = rule('min')!.limit;
      if (rule('max')) s.maximum = rule('max')!.limit;
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
      break;
    }
    case 'alternatives':
      s.oneOf = (d.matches ?? []).map((m: { schema: Description }) => joiToSchema(m.schema));
      break;
    default:
      break;
  }
  if (flags.only && allow.length) s.enum = allow;
  if (flags.default !== undefined && typeof flags.default !== 'function') s.default = flags.default;
  if ((d.allow ?? []).includes(null)) s.nullable = true;
  if (flags.description) s.description = flags.description;
  return s;
}

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const errorResponse = { $ref: '#/components/responses/Error' };

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
    responses['400'] ??= errorResponse;
    if (d.access !== 'public') { responses['401'] ??= errorResponse; responses['403'] ??= errorResponse; }
    if (d.path.includes(':id')) responses['404'] ??= errorResponse;
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
      const schema = joiToSchema(d.schema.body.describe() as Description);
      const content: Record<string, unknown> = { 'application/json': { schema } };
      for (const t of d.bodyTypes ?? []) content[t] = { schema: { type: 'string' } };
      op.requestBody = { required: true, content };
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
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
      responses: { Error: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    },
  };
}
