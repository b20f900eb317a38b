import { expect } from 'chai';
import request from 'supertest';
import { harness } from './helpers/harness';
import { api, bearer, makeUser, makeOrg, PASSWORD, tokenFor, uniq } from './helpers/factories';

const login = (email: string, password: string) => api().post('/api/v1/auth/login').send({ email, password });

describe('auth', () => {
  it('when the credentials are right, then a bearer token and the user come back, without the password hash', async () => {
    const u = await makeUser('inspector');
    const res = await login(u.email.toUpperCase(), PASSWORD);
    expect(res.status).to.equal(200);
    expect(res.body.token).to.match(/^att_/);
    expect(res.body.user).to.include({ email: u.email, id: u.id });
    expect(JSON.stringify(res.body)).not.to.include('passwordHash');
    const me = await api().get('/api/v1/auth/me').set(bearer(res.body.token));
    expect(me.status).to.equal(200);
    expect(me.body.roles).to.deep.equal(['inspector']);
  });

  it('when a browser logs in, then the session cookie alone authenticates it, writes need the console header, and logout ends it', async () => {
    const u = await makeUser('admin');
    const agent = request.agent(harness().app);
    const res = await agent.post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD });
    expect(res.headers['set-cookie']?.[0]).to.match(/attest\.sid=.*HttpOnly.*SameSite=Strict/i);
    expect((await agent.get('/api/v1/auth/me')).status).to.equal(200);
    // a forged cross-site write carries the cookie but cannot add a custom header: refused, nothing done
    const forged = await agent.post('/api/v1/organizations').send({ code: uniq('CSRF-'), name: 'Giả mạo', type: 'other' });
    expect(forged.status).to.equal(403);
    expect((await agent.post('/api/v1/auth/logout')).status).to.equal(403);
    expect((await agent.get('/api/v1/auth/me')).status).to.equal(200);
    expect((await agent.post('/api/v1/auth/logout').set('X-Requested-With', 'attest')).status).to.equal(204);
    expect((await agent.get('/api/v1/auth/me')).status).to.equal(401);
  });

  it('when the login is ended by a bearer logout, a new password, or a deactivation (even reactivated), then the browser session from before no longer authenticates', async () => {
    const browser = async (u: { email: string }) => {
      const agent = request.agent(harness().app);
      const res = await agent.post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD });
      expect((await agent.get('/api/v1/auth/me')).status).to.equal(200);
      return { agent, token: res.body.token as string };
    };
    const admin = await tokenFor(await makeUser('admin'));
    const u1 = await makeUser('inspector');
    const s1 = await browser(u1);
    expect((await api().post('/api/v1/auth/logout').set('Authorization', `Bearer ${s1.token}`)).status).to.equal(204);
    expect((await s1.agent.get('/api/v1/auth/me')).status).to.equal(401);

    const u2 = await makeUser('inspector');
    const s2 = await browser(u2);
    await api().patch(`/api/v1/users/${u2.id}`).set('Authorization', `Bearer ${admin}`).send({ password: 'Another-Strong-Pass-77' }).expect(200);
    expect((await s2.agent.get('/api/v1/auth/me')).status).to.equal(401);

    const u3 = await makeUser('inspector');
    const s3 = await browser(u3);
    await api().patch(`/api/v1/users/${u3.id}`).set('Authorization', `Bearer ${admin}`).send({ active: false }).expect(200);
    await api().patch(`/api/v1/users/${u3.id}`).set('Authorization', `Bearer ${admin}`).send({ active: true }).expect(200);
    expect((await s3.agent.get('/api/v1/auth/me')).status).to.equal(401);
  });

  it('when the password is wrong or the e-mail unknown, then both get the same 401', async () => {
    const u = await makeUser('inspector');
    const wrong = await login(u.email, 'Wrong-password-123');
    const unknown = await login(`${uniq('nobody').toLowerCase()}@attest.example`, 'Wrong-password-123');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(wrong.body).to.deep.equal(unknown.body);
  });

  it('when an e-mail fails too often, then it is locked out with 429 — even with the right password, and for unknown e-mails alike', async () => {
    const u = await makeUser('owner', await makeOrg());
    const ghost = `${uniq('ghost').toLowerCase()}@attest.example`;
    for (let i = 0; i < harness().config.loginMaxFailures; i++) {
      expect((await login(u.email, `Wrong-password-${i}0`)).status).to.equal(401);
      expect((await login(ghost, `Wrong-password-${i}0`)).status).to.equal(401);
    }
    const locked = await login(u.email, PASSWORD);
    expect(locked.status).to.equal(429);
    expect(locked.body.error.code).to.equal('rate_limited');
    expect((await login(ghost, PASSWORD)).body).to.deep.equal(locked.body);
  });

  it('when a token is logged out, then it no longer works', async () => {
    const token = await tokenFor(await makeUser('inspector'));
    expect((await api().post('/api/v1/auth/logout').set(bearer(token))).status).to.equal(204);
    const res = await api().get('/api/v1/auth/me').set(bearer(token));
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthorized');
  });

  it('when a token is made up or malformed, then the answer is 401', async () => {
    for (const t of ['att_' + 'x'.repeat(43), 'garbage', '{"$gt":""}']) {
      expect((await api().get('/api/v1/auth/me').set(bearer(t))).status).to.equal(401);
    }
    expect((await api().get('/api/v1/auth/me').set('Authorization', 'Basic abc')).status).to.equal(401);
  });

  it('when an admin deactivates a user or changes their password, then the user\'s tokens stop working and deactivated users cannot log in', async () => {
    const admin = await tokenFor(await makeUser('admin'));
    const u = await makeUser('inspector');
    const t1 = await tokenFor(u);
    expect((await api().patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ password: 'Brand-New-Passw0rd' })).status).to.equal(200);
    expect((await api().get('/api/v1/auth/me').set(bearer(t1))).status).to.equal(401);
    expect((await login(u.email, 'Brand-New-Passw0rd')).status).to.equal(200);
    const t2 = await tokenFor(u);
    expect((await api().patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ active: false })).status).to.equal(200);
    expect((await api().get('/api/v1/auth/me').set(bearer(t2))).status).to.equal(401);
    expect((await login(u.email, 'Brand-New-Passw0rd')).status).to.equal(401);
  });

  it('when the login body is invalid, then 400 names the field', async () => {
    const res = await api().post('/api/v1/auth/login').send({ email: 'not-an-email', password: '' , extra: 1 });
    expect(res.status).to.equal(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members(['email', 'password', 'extra']);
  });

  it('when a query operator is sent as the e-mail, then it is rejected before reaching the database', async () => {
    const res = await api().post('/api/v1/auth/login').send({ email: { $ne: 'x' }, password: { $ne: 'x' } });
    expect(res.status).to.equal(400);
  });
});
