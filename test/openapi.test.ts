import { expect } from 'chai';
import SwaggerParser from '@apidevtools/swagger-parser';
import { harness } from './helpers/harness';
import { api } from './helpers/factories';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; name?: string; matchers?: unknown; rawPath?: string };

/** Every route actually mounted on the express app, as "METHOD /openapi/{path}". */
function mountedRoutes(): string[] {
  const out: string[] = [];
  const router = (harness().app as unknown as { router: { stack: Layer[] } }).router;
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
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
