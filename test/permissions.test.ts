import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, makeUser, uniq, type Actors } from './helpers/factories';
import { ONLY, READ_ALL, runMatrix, type MatrixCase } from './helpers/matrix';

const ADMIN_ONLY = (ok: number) => ONLY(ok, 'admin');

const systemBody = (a: Actors) => ({ code: uniq('HT-'), name: 'Cổng dịch vụ công', organization: a.org.id, level: 2 });

const cases: MatrixCase[] = [
  { name: 'GET /auth/me', method: 'get', setup: async () => ({ path: '/api/v1/auth/me' }), expect: READ_ALL },
  { name: 'POST /auth/logout', method: 'post', setup: async () => ({ path: '/api/v1/auth/logout' }), freshActors: true, expect: { ...READ_ALL, admin: 204, inspector: 204, owner: 204, otherOwner: 204 } },
  { name: 'GET /organizations', method: 'get', setup: async () => ({ path: '/api/v1/organizations' }), expect: READ_ALL },
  { name: 'GET /organizations/:id', method: 'get', setup: async (a) => ({ path: `/api/v1/organizations/${a.org.id}` }), expect: { ...READ_ALL, otherOwner: 404 } },
  { name: 'POST /organizations', method: 'post', setup: async () => ({ path: '/api/v1/organizations', body: { code: uniq('O'), name: 'Tỉnh thử nghiệm', type: 'province' } }), expect: ADMIN_ONLY(201) },
  { name: 'GET /organizations/:id/members', method: 'get', setup: async (a) => ({ path: `/api/v1/organizations/${a.org.id}/members` }), expect: ONLY(200, 'inspector') },
  { name: 'PATCH /organizations/:id', method: 'patch', setup: async (a) => ({ path: `/api/v1/organizations/${a.org.id}`, body: { name: 'Tên mới' } }), expect: ADMIN_ONLY(200) },
  { name: 'GET /users', method: 'get', setup: async () => ({ path: '/api/v1/users' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /users/:id', method: 'get', setup: async (a) => ({ path: `/api/v1/users/${a.users.owner.id}` }), expect: ADMIN_ONLY(200) },
  { name: 'POST /users', method: 'post', setup: async () => ({ path: '/api/v1/users', body: { email: `${uniq('n').toLowerCase()}@attest.example`, name: 'New Inspector', password: 'Another-Strong-Pass-9', roles: ['inspector'] } }), expect: ADMIN_ONLY(201) },
  { name: 'PATCH /users/:id', method: 'patch', setup: async () => ({ path: `/api/v1/users/${(await makeUser('inspector')).id}`, body: { name: 'Renamed' } }), expect: ADMIN_ONLY(200) },
  { name: 'GET /systems', method: 'get', setup: async () => ({ path: '/api/v1/systems' }), expect: READ_ALL },
  { name: 'GET /systems/:id (system of owner\'s organization)', method: 'get', setup: async (a) => ({ path: `/api/v1/systems/${(await makeSystem(a.org)).id}` }), expect: { ...READ_ALL, otherOwner: 404 } },
  { name: 'POST /systems', method: 'post', setup: async (a) => ({ path: '/api/v1/systems', body: systemBody(a) }), expect: ADMIN_ONLY(201) },
  { name: 'PATCH /systems/:id', method: 'patch', setup: async (a) => ({ path: `/api/v1/systems/${(await makeSystem(a.org)).id}`, body: { name: 'Đổi tên' } }), expect: ADMIN_ONLY(200) },
  { name: 'DELETE /systems/:id', method: 'delete', setup: async (a) => ({ path: `/api/v1/systems/${(await makeSystem(a.org)).id}` }), expect: ADMIN_ONLY(204) },
  { name: 'POST /systems/import', method: 'post', setup: async (a) => ({ path: '/api/v1/systems/import', body: [{ ...systemBody(a), organization: a.org.code }] }), expect: ADMIN_ONLY(200) },
  { name: 'GET /audit', method: 'get', setup: async () => ({ path: '/api/v1/audit' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /audit/verify', method: 'get', setup: async () => ({ path: '/api/v1/audit/verify' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /checklists', method: 'get', setup: async () => ({ path: '/api/v1/checklists' }), expect: READ_ALL },
  { name: 'GET /checklists/:id?level=2', method: 'get', setup: async (a) => {
    const { items } = (await api().get('/api/v1/checklists').set(bearer(a.admin))).body;
    return { path: `/api/v1/checklists/${items.find((c: { framework: string }) => c.framework === 'TCVN-11930').id}?level=2` };
  }, expect: READ_ALL },
  { name: 'GET /settings', method: 'get', setup: async () => ({ path: '/api/v1/settings' }), expect: { ...ADMIN_ONLY(200), inspector: 200 } },
  // re-sends the current value with the current version: allowed writes change nothing but the version
  { name: 'PUT /settings', method: 'put', setup: async (a) => {
    const s = (await api().get('/api/v1/settings').set(bearer(a.admin))).body;
    return { path: '/api/v1/settings', body: { version: s.version, slaDays: { low: s.slaDays.low } } };
  }, expect: ADMIN_ONLY(200) },
];

runMatrix('role × scope matrix: every endpoint as every role, inside and outside its scope', cases);

describe('scope of owners', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when an owner lists systems, then only their organization\'s systems are returned', async () => {
    const mine = await makeSystem(a.org);
    const theirs = await makeSystem(a.otherOrg);
    const res = await api().get('/api/v1/systems').query({ limit: 100, q: mine.code }).set(bearer(a.owner));
    expect(res.body.items.map((s: { code: string }) => s.code)).to.deep.equal([mine.code]);
    const other = await api().get('/api/v1/systems').query({ q: theirs.code }).set(bearer(a.owner));
    expect(other.body.total).to.equal(0);
    const asked = await api().get('/api/v1/systems').query({ organization: a.otherOrg.id }).set(bearer(a.owner));
    expect(asked.body.total).to.equal(0);
  });
});
