import { expect } from 'chai';
import { api, bearer, makeActors, uniq, type Actors } from './helpers/factories';

describe('users and organizations', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when an owner is created without an organization, then 422 names organization', async () => {
    const res = await api().post('/api/v1/users').set(bearer(a.admin)).send({ email: `${uniq('o').toLowerCase()}@attest.example`, name: 'Chủ hệ thống', password: 'Strong-Passw0rd-1', roles: ['owner'] });
    expect(res.status).to.equal(422);
    expect(res.body.error.details[0].field).to.equal('organization');
  });

  it('when a password breaks the policy, then 400 explains why', async () => {
    const res = await api().post('/api/v1/users').set(bearer(a.admin)).send({ email: `${uniq('o').toLowerCase()}@attest.example`, name: 'Người dùng', password: 'onlyletterslong', roles: ['inspector'] });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.some((d: { reason: string }) => /letters and digits/.test(d.reason))).to.equal(true);
    // Vietnamese letters count as letters; the e-mail's name inside the password is a rule (422)
    const vi = await api().post('/api/v1/users').set(bearer(a.admin)).send({ email: `${uniq('v').toLowerCase()}@attest.example`, name: 'Người dùng', password: 'Mậtkhẩuđủdài2026', roles: ['inspector'] });
    expect(vi.status).to.equal(201);
    const local = uniq('nguyenvan').toLowerCase();
    const own = await api().post('/api/v1/users').set(bearer(a.admin)).send({ email: `${local}@attest.example`, name: 'Người dùng', password: `${local}-2026`, roles: ['inspector'] });
    expect(own.status).to.equal(422);
    expect(own.body.error.details[0]).to.include({ field: 'password', reason: 'must not contain the e-mail name' });
  });

  it('when an e-mail exists in another case, then 409 (e-mails are unique case-insensitively)', async () => {
    const email = `${uniq('dup').toLowerCase()}@attest.example`;
    const body = { email, name: 'Một', password: 'Strong-Passw0rd-1', roles: ['inspector'] };
    expect((await api().post('/api/v1/users').set(bearer(a.admin)).send(body)).status).to.equal(201);
    const again = await api().post('/api/v1/users').set(bearer(a.admin)).send({ ...body, email: email.toUpperCase() });
    expect(again.status).to.equal(409);
  });

  it('when users are listed, then no password hash is ever returned and filters apply', async () => {
    const res = await api().get('/api/v1/users').query({ organization: a.org.id, role: 'owner' }).set(bearer(a.admin));
    expect(res.status).to.equal(200);
    expect(res.body.items.map((u: { id: string }) => u.id)).to.deep.equal([a.users.owner.id]);
    expect(JSON.stringify(res.body)).not.to.match(/passwordHash|"password"|argon2/);
  });

  it('when an admin tries to deactivate themselves, then 422', async () => {
    const res = await api().patch(`/api/v1/users/${a.users.admin.id}`).set(bearer(a.admin)).send({ active: false });
    expect(res.status).to.equal(422);
  });

  it('when an organization is created with a bad type or duplicate code, then 400 / 409', async () => {
    expect((await api().post('/api/v1/organizations').set(bearer(a.admin)).send({ code: uniq('O'), name: 'Bộ', type: 'castle' })).status).to.equal(400);
    const dup = await api().post('/api/v1/organizations').set(bearer(a.admin)).send({ code: a.org.code.toLowerCase(), name: 'Bộ', type: 'ministry' });
    expect(dup.status).to.equal(409);
  });

  it('when an unknown id is asked for, then 404', async () => {
    expect((await api().get('/api/v1/organizations/0123456789abcdef01234567').set(bearer(a.owner))).status).to.equal(404);
    expect((await api().patch('/api/v1/users/0123456789abcdef01234567').set(bearer(a.admin)).send({ name: 'X Y' })).status).to.equal(404);
  });

  it('when an owner lists or reads organizations, then only their own organization exists for them', async () => {
    const mine = await api().get('/api/v1/organizations').query({ limit: 100 }).set(bearer(a.owner));
    expect(mine.body.items.map((o: { id: string }) => o.id)).to.deep.equal([a.org.id]);
    expect(mine.body.total).to.equal(1);
    expect((await api().get(`/api/v1/organizations/${a.otherOrg.id}`).set(bearer(a.owner))).status).to.equal(404);
    expect((await api().get('/api/v1/organizations').query({ limit: 100 }).set(bearer(a.inspector))).body.total).to.be.greaterThan(1);
  });
});
