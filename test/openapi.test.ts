import { expect } from 'chai';
import SwaggerParser from '@apidevtools/swagger-parser';
import { harness } from './helpers/harness';
import { api, makeUser, tokenFor } from './helpers/factories';

const adminToken = async () => tokenFor(await makeUser('admin'));

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; name?: string; matchers?: unknown; rawPath?: string };

/** Every route actually mounted on the express app, as "METHOD /openapi/{path}". */
function mountedRoutes(): string[] {
  const out: string[] = [];
  const router = (harness().app as unknown as { router: { stack: Layer[] } }).router;
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      // the 405 guards (allowOnly) answer every method: they are not operations
      if (layer.route && (layer.route as { stack?: { name?: string }[] }).stack?.every((l) => l.name === 'methodGuard')) continue;
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.name === 'router' && layer.handle?.stack) {
        // sub-routers: the API at /api/v1 and public verification at /verify
        const mount = layer.rawPath ?? '/api/v1';
        walk(layer.handle.stack, mount);
      }
    }
  };
  walk(router.stack, '');
  return out.map((r) => r.replace(/:([A-Za-z0-9_]+)/g, '{$1}'));
}

describe('OpenAPI document', () => {
  it('when the document is fetched, then every mounted route is described in it', async () => {
    const doc = (await api().get('/api/v1/openapi.json')).body;
    expect(doc.openapi).to.match(/^3\./);
    const documented = new Set(Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const mounted = mountedRoutes();
    expect(mounted.length).to.be.greaterThan(15);
    const missing = mounted.filter((r) => !documented.has(r));
    expect(missing, `undocumented routes: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('when a body schema is documented, then it comes from the joi schema (required fields, enums, no unknown keys)', async () => {
    const doc = (await api().get('/api/v1/openapi.json')).body;
    const body = doc.paths['/api/v1/systems'].post.requestBody.content['application/json'].schema;
    expect(body.required).to.include.members(['code', 'name', 'organization', 'level']);
    expect(body.properties.level.enum).to.deep.equal([1, 2, 3, 4, 5]);
    expect(body.additionalProperties).to.equal(false);
    expect(doc.paths['/api/v1/systems'].get.parameters.find((p: { name: string }) => p.name === 'limit').schema.maximum).to.equal(100);
  });

  it('when a client follows the document, then the joi rules are in it: trimmed lengths, patterns, safe integers, one-of-these-keys, empty search', async () => {
    const doc = (await api().get('/api/v1/openapi.json')).body;
    const body = (p: string, m: string) => doc.paths[p][m].requestBody.content['application/json'].schema;
    const param = (p: string, m: string, name: string) => doc.paths[p][m].parameters.find((x: { name: string }) => x.name === name).schema;
    const matches = (pattern: string, value: string) => new RegExp(pattern).test(value);
    // name: 2–300 characters once trimmed
    const name = body('/api/v1/systems', 'post').properties.name;
    expect(name).to.include({ minLength: 2, maxLength: 300 });
    expect(matches(name.pattern, 'HT')).to.equal(true);
    expect(matches(name.pattern, ' H ')).to.equal(false);
    expect(matches(name.pattern, '   ')).to.equal(false);
    // endpoints: an http(s) URL or host:port
    const endpoint = body('/api/v1/systems', 'post').properties.endpoints.items.pattern;
    for (const ok of ['https://portal.example.gov.vn/login', 'http://127.0.0.1:8080', '10.0.0.5:443', '[::1]:8443', 'https://[2001:db8::1]/']) expect(matches(endpoint, ok), ok).to.equal(true);
    for (const bad of ['ftp://x.example', 'https://999999999999', 'host:99999', 'https://a b.example', 'portal.example']) expect(matches(endpoint, bad), bad).to.equal(false);
    // versions are safe integers; settings need at least one of their keys
    expect(body('/api/v1/settings', 'put').properties.version).to.include({ type: 'integer', maximum: Number.MAX_SAFE_INTEGER });
    expect(body('/api/v1/settings', 'put').anyOf.map((x: { required: string[] }) => x.required[0])).to.include.members(['reassessmentMonths', 'scanCron']);
    // an empty search is no filter (accepted); a non-empty comment must say something
    expect(param('/api/v1/systems', 'get', 'q')).to.not.have.property('minLength');
    expect((await api().get('/api/v1/systems').query({ q: '' }).set('Authorization', `Bearer ${await adminToken()}`)).status).to.equal(200);
    expect(body('/api/v1/findings/{id}/transitions', 'post').properties.comment).to.include({ minLength: 1 });
    // statuses: every write documents 409 and 422, every operation 404
    expect(doc.paths['/api/v1/organizations/{id}'].patch.responses).to.include.keys('404', '409', '422');
    expect(doc.paths['/api/v1/scans'].get.responses).to.include.keys('404');
  });

  it('when the document is checked against the OpenAPI 3 schema, then it is valid', async () => {
    const doc = (await api().get('/api/v1/openapi.json')).body;
    await SwaggerParser.validate(structuredClone(doc));
  });

  it('when /docs is opened, then Swagger UI is served', async () => {
    const res = await api().get('/docs/');
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/swagger-ui/i);
  });
});

describe('Swagger UI under the content security policy', () => {
  it('when /docs is served outside production, then its scripts are same-origin and no HTTPS upgrade is forced', async () => {
    const res = await api().get('/docs/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.include("script-src 'self'");
    expect(csp).not.to.include('upgrade-insecure-requests');
    expect(res.text).not.to.match(/<script>[^<]/);
  });
});
