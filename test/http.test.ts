import { expect } from 'chai';
import { api, bearer, makeUser, PASSWORD, tokenFor } from './helpers/factories';

describe('http basics', () => {
  it('when /healthz and /readyz are asked, then both answer 200 with the database up', async () => {
    expect((await api().get('/healthz')).body).to.deep.equal({ status: 'ok' });
    const ready = await api().get('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body.database).to.equal('up');
  });

  it('when any request is made, then it carries a request id and security headers', async () => {
    const res = await api().get('/healthz');
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    const echoed = await api().get('/healthz').set('X-Request-Id', 'client-req-12345');
    expect(echoed.headers['x-request-id']).to.equal('client-req-12345');
  });

  it('when a route does not exist, then the error body has the documented shape', async () => {
    const res = await api().get('/api/v1/nope');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'Route not found', text: { vi: 'Không tìm thấy đường dẫn này', en: 'Route not found' } } });
  });

  it('when the JSON is malformed, then 400; when it is too large, then 413', async () => {
    const token = await tokenFor(await makeUser('admin'));
    const bad = await api().post('/api/v1/organizations').set(bearer(token)).set('Content-Type', 'application/json').send('{"code":');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_error');
    const big = await api().post('/api/v1/organizations').set(bearer(token)).send({ code: 'X1', name: 'x'.repeat(2 * 1024 * 1024), type: 'other' });
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal('payload_too_large');
  });

  it('when an id is not a valid ObjectId, then 400 names the parameter', async () => {
    const token = await tokenFor(await makeUser('admin'));
    const res = await api().get('/api/v1/systems/not-an-id').set(bearer(token));
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0]).to.include({ field: 'id', in: 'params' });
  });

  it('when a query smuggles an operator or an unknown parameter, then 400', async () => {
    const token = await tokenFor(await makeUser('admin'));
    for (const qs of ['level[$gt]=1', 'code[$ne]=x', 'where=1', 'limit=1000', 'page=0']) {
      const res = await api().get(`/api/v1/systems?${qs}`).set(bearer(token));
      expect(res.status, qs).to.equal(400);
    }
  });

  it('when a method the API does not declare is used on a path, then 405 with the Allow header of the declared ones', async () => {
    const admin = await tokenFor(await makeUser('admin'));
    const put = await api().put('/api/v1/systems').set(bearer(admin)).send({});
    expect(put.status).to.equal(405);
    expect(put.headers.allow).to.equal('GET, POST, HEAD');
    expect(put.body.error.code).to.equal('method_not_allowed');
    const del = await api().delete('/api/v1/auth/me').set(bearer(admin));
    expect(del.status).to.equal(405);
    expect(del.headers.allow).to.equal('GET, HEAD');
    // a literal path declared for one method is not read as an id of another route
    const bulk = await api().get('/api/v1/findings/bulk').set(bearer(admin));
    expect(bulk.status).to.equal(405);
    expect(bulk.headers.allow).to.equal('POST');
    expect((await api().get('/api/v1/systems/import').set(bearer(admin))).headers.allow).to.equal('POST');
    // and the paths outside the API alike
    for (const path of ['/healthz', '/readyz', '/metrics', '/docs/', '/api/v1/openapi.json', '/verify/ABCDEFGHJKLMNPQRSTUVWXYZ']) {
      const trace = await api().trace(path);
      expect(trace.status, path).to.equal(405);
      expect(trace.headers.allow, path).to.equal('GET, HEAD');
    }
    expect((await api().get('/verify/ABCDEFGHJKLMNPQRSTUVWXYZ/check')).headers.allow).to.equal('POST');
  });

  it('when an answer carries a token or personal data, then it may not be stored by any cache', async () => {
    const u = await makeUser('admin');
    const login = await api().post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD });
    expect(login.headers['cache-control']).to.equal('no-store');
    const token = login.body.token;
    for (const path of ['/api/v1/auth/me', '/api/v1/users']) {
      expect((await api().get(path).set(bearer(token))).headers['cache-control'], path).to.equal('no-store');
    }
  });

  it('when /metrics is scraped with an admin token, then it lists request durations by route, database command latency and job runs; others are refused', async () => {
    const admin = await tokenFor(await makeUser('admin'));
    await api().get('/api/v1/systems').set(bearer(admin));
    const m = await api().get('/metrics').set(bearer(admin));
    expect(m.status).to.equal(200);
    expect(m.headers['content-type']).to.match(/text\/plain/);
    expect(m.text).to.match(/attest_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/systems",status="200"\} \d+/);
    expect(m.text).to.match(/attest_db_command_duration_seconds_count\{command="find",outcome="ok"\} \d+/);
    expect(m.text).to.include('attest_write_lane_depth');
    expect((await api().get('/metrics')).status).to.equal(401);
    expect((await api().get('/metrics').set(bearer(await tokenFor(await makeUser('inspector'))))).status).to.equal(403);
  });
});
