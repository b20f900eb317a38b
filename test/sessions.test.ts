import { expect } from 'chai';
import request from 'supertest';
import { harness } from './helpers/harness';
import { api, bearer, makeUser, PASSWORD, tokenFor } from './helpers/factories';
import { enrolTotp, login, setMandatoryRoles, totp } from './helpers/mfa';

type Row = { id: string; kind: string; scope: string; secondFactor: boolean; name?: string; current: boolean; address?: string; userAgent?: string; lastUsedAt?: string; createdAt: string; expiresAt: string };
const sessionsOf = async (token: string): Promise<Row[]> => (await api().get('/api/v1/auth/sessions').set(bearer(token))).body.items;

describe('sessions and API tokens', () => {
  let admin: string;
  before(async () => { admin = await tokenFor(await makeUser('admin')); });

  it('when a user has logged in twice, then both sessions are listed with address, user agent, creation and last use, the one in use marked current', async () => {
    const u = await makeUser('inspector');
    const a = await api().post('/api/v1/auth/login').set('User-Agent', 'Laptop/1.0').send({ email: u.email, password: PASSWORD });
    const b = await api().post('/api/v1/auth/login').set('User-Agent', 'Phone/2.0').send({ email: u.email, password: PASSWORD });
    const rows = await sessionsOf(a.body.token);
    expect(rows).to.have.length(2);
    const mine = rows.find((r) => r.current)!;
    expect(mine).to.include({ kind: 'session', scope: 'full', userAgent: 'Laptop/1.0' });
    expect(mine.address).to.match(/127\.0\.0\.1/);
    expect(mine.lastUsedAt).to.be.a('string');
    expect(rows.find((r) => !r.current)).to.include({ userAgent: 'Phone/2.0' });
    expect(JSON.stringify(rows)).not.to.include(a.body.token).and.not.to.include(b.body.token);
    // another user's list is their own
    expect(await sessionsOf(await tokenFor(await makeUser('inspector')))).to.have.length(1);
  });

  it('when a token is used again within a minute, then its last use is not written again', async () => {
    const u = await makeUser('inspector');
    const token = await tokenFor(u);
    const first = (await sessionsOf(token))[0].lastUsedAt;
    await new Promise((r) => setTimeout(r, 20));
    await api().get('/api/v1/auth/me').set(bearer(token));
    expect((await sessionsOf(token))[0].lastUsedAt).to.equal(first);
  });

  it('when a user ends one session, then its token gets 401 and its browser session is gone, the others live on, and it is audited', async () => {
    const u = await makeUser('inspector');
    const agent = request.agent(harness().app);
    const browser = await agent.post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD });
    const other = (await login(u.email, PASSWORD)).body.token;
    const target = (await sessionsOf(other)).find((r) => !r.current)!;
    expect((await api().delete(`/api/v1/auth/sessions/${target.id}`).set(bearer(other))).status).to.equal(204);
    expect((await api().get('/api/v1/auth/me').set(bearer(browser.body.token))).status).to.equal(401);
    expect((await agent.get('/api/v1/auth/me')).status).to.equal(401);
    expect((await api().get('/api/v1/auth/me').set(bearer(other))).status).to.equal(200);
    // someone else's session id is not found
    const stranger = await tokenFor(await makeUser('inspector'));
    const mine = (await sessionsOf(other))[0].id;
    expect((await api().delete(`/api/v1/auth/sessions/${mine}`).set(bearer(stranger))).status).to.equal(404);
    const events = (await api().get('/api/v1/audit').query({ entity: 'user', limit: 50 }).set(bearer(admin))).body.items;
    expect(events.some((e: { action: string; entityId: string }) => e.action === 'auth.session_ended' && e.entityId === u.id)).to.equal(true);
  });

  it('when an admin ends all of a user\'s sessions, then every token of theirs gets 401; a non-admin may not', async () => {
    const u = await makeUser('inspector');
    const t1 = await tokenFor(u);
    const t2 = (await login(u.email, PASSWORD)).body.token;
    expect((await api().post(`/api/v1/users/${u.id}/sessions/revoke`).set(bearer(t1)).send({})).status).to.equal(403);
    const r = await api().post(`/api/v1/users/${u.id}/sessions/revoke`).set(bearer(admin)).send({});
    expect(r.status).to.equal(200);
    expect(r.body.ended).to.equal(2);
    for (const t of [t1, t2]) expect((await api().get('/api/v1/auth/me').set(bearer(t))).status).to.equal(401);
  });

  it('when an API token is created read-only, then it is named, listed with its expiry, reads, and every write is refused (403)', async () => {
    const u = await makeUser('admin');
    const session = (await login(u.email, PASSWORD)).body.token;
    const r = await api().post('/api/v1/auth/tokens').set(bearer(session)).send({ name: 'Xuất báo cáo CI', scope: 'read-only', expiresInDays: 7 });
    expect(r.status).to.equal(201);
    expect(r.body.token).to.match(/^att_/);
    const days = (new Date(r.body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).to.be.within(6.9, 7.01);
    const listed = (await sessionsOf(session)).find((x) => x.id === r.body.id)!;
    expect(listed).to.include({ kind: 'api', scope: 'read-only', name: 'Xuất báo cáo CI' });
    expect((await api().get('/api/v1/users').set(bearer(r.body.token))).status).to.equal(200);
    const write = await api().post('/api/v1/organizations').set(bearer(r.body.token)).send({ code: 'RO1', name: 'Không được', type: 'other' });
    expect(write.status).to.equal(403);
    expect(write.body.error.code).to.equal('read_only_token');
    // an API token cannot mint another
    expect((await api().post('/api/v1/auth/tokens').set(bearer(r.body.token)).send({ name: 'x', scope: 'read-only', expiresInDays: 1 })).status).to.equal(403);
    // revoked like a session
    expect((await api().delete(`/api/v1/auth/sessions/${r.body.id}`).set(bearer(session))).status).to.equal(204);
    expect((await api().get('/api/v1/users').set(bearer(r.body.token))).status).to.equal(401);
  });

  it('when an API token is scoped to a role, then it acts with that role only; a role the user lacks or too long an expiry is refused', async () => {
    const u = await makeUser(['admin', 'inspector']);
    const session = (await login(u.email, PASSWORD)).body.token;
    const r = await api().post('/api/v1/auth/tokens').set(bearer(session)).send({ name: 'scanner bot', scope: 'inspector', expiresInDays: 30 });
    expect(r.status).to.equal(201);
    expect((await api().get('/api/v1/users').set(bearer(r.body.token))).status, 'admin-only').to.equal(403);
    expect((await api().get('/api/v1/dashboard').set(bearer(r.body.token))).status).to.equal(200);
    const insp = (await login((await makeUser('inspector')).email, PASSWORD)).body.token;
    expect((await api().post('/api/v1/auth/tokens').set(bearer(insp)).send({ name: 'x', scope: 'admin', expiresInDays: 1 })).status).to.equal(422);
    const max = harness().config.apiTokenMaxDays;
    expect((await api().post('/api/v1/auth/tokens').set(bearer(insp)).send({ name: 'x', scope: 'read-only', expiresInDays: max + 1 })).status).to.equal(422);
    expect((await api().post('/api/v1/auth/tokens').set(bearer(insp)).send({ name: 'x', scope: 'read-only', expiresInDays: 0 })).status).to.equal(400);
  });

  it('when a user sets up their first factor from a password-only session, then that session counts as having passed it (an API token without logging in again, audited); their other sessions do not', async () => {
    const u = await makeUser('inspector');
    const session = (await login(u.email, PASSWORD)).body.token;
    const other = (await login(u.email, PASSWORD)).body.token;
    const mint = (t: string) => api().post('/api/v1/auth/tokens').set(bearer(t)).send({ name: 'nightly export', scope: 'read-only', expiresInDays: 1 });
    expect((await api().get('/api/v1/auth/mfa').set(bearer(session))).body.verified).to.equal(false);
    await enrolTotp(session);
    expect((await api().get('/api/v1/auth/mfa').set(bearer(session))).body.verified).to.equal(true);
    expect((await mint(session)).status).to.equal(201);
    const refused = await mint(other);
    expect(refused.status, 'a session that did not set the factor up').to.equal(403);
    expect(refused.body.error.code).to.equal('mfa_required');
    const rows = await sessionsOf(session);
    expect(rows.find((r) => r.current)).to.include({ secondFactor: true });
    expect(rows.filter((r) => r.kind === 'session' && !r.current).map((r) => r.secondFactor)).to.deep.equal([false]);
    const events = (await api().get('/api/v1/audit').query({ entity: 'user', limit: 50 }).set(bearer(admin))).body.items as { action: string; entityId: string; after?: Record<string, unknown> }[];
    expect(events.find((e) => e.action === 'auth.session_verified' && e.entityId === u.id)?.after).to.deep.equal({ id: rows.find((r) => r.current)!.id, factor: 'totp' });
  });

  it('when a browser session sets up the first factor, then the same browser session may create an API token', async () => {
    const u = await makeUser('inspector');
    const agent = request.agent(harness().app);
    expect((await agent.post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD })).status).to.equal(200);
    const start = await agent.post('/api/v1/auth/mfa/totp').set('X-Requested-With', 'attest').send({});
    expect((await agent.post('/api/v1/auth/mfa/totp/confirm').set('X-Requested-With', 'attest').send({ code: await totp(start.body.secret) })).status).to.equal(200);
    const r = await agent.post('/api/v1/auth/tokens').set('X-Requested-With', 'attest').send({ name: 'from the console', scope: 'read-only', expiresInDays: 1 });
    expect(r.status).to.equal(201);
  });

  it('when a user has (or must have) a second factor, then only a login that passed it may create API tokens', async () => {
    const before = await setMandatoryRoles(admin, ['admin']);
    try {
      // a session without the second factor (issued before the rule), for an admin who must have one
      const a = await makeUser('admin');
      const old = await tokenFor(a);
      const refused = await api().post('/api/v1/auth/tokens').set(bearer(old)).send({ name: 'x', scope: 'read-only', expiresInDays: 1 });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('mfa_required');
      const u = await makeUser('inspector');
      const { secret } = await enrolTotp(await tokenFor(u));
      const pwOnly = await tokenFor(u);
      expect((await api().post('/api/v1/auth/tokens').set(bearer(pwOnly)).send({ name: 'x', scope: 'read-only', expiresInDays: 1 })).status).to.equal(403);
      const step = await login(u.email, PASSWORD);
      const full = await api().post('/api/v1/auth/mfa/verify').send({ mfaToken: step.body.mfaToken, code: await totp(secret, 1) });
      const ok = await api().post('/api/v1/auth/tokens').set(bearer(full.body.token)).send({ name: 'nightly export', scope: 'read-only', expiresInDays: 1 });
      expect(ok.status).to.equal(201);
    } finally {
      await setMandatoryRoles(admin, before);
    }
  });
});
