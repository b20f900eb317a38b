import { expect } from 'chai';
import request from 'supertest';
import { harness } from './helpers/harness';
import { api, bearer, makeUser, PASSWORD, tokenFor } from './helpers/factories';
import { enrolTotp, login, setMandatoryRoles, totp } from './helpers/mfa';

const audited = async (adminToken: string, userId: string) => {
  const r = await api().get('/api/v1/audit').query({ entity: 'user', limit: 100 }).set(bearer(adminToken));
  return (r.body.items as { action: string; entityId: string; after?: Record<string, unknown> }[]).filter((e) => e.entityId === userId);
};

describe('second factor: TOTP and recovery codes', () => {
  let admin: string;
  before(async () => { admin = await tokenFor(await makeUser('admin')); });

  it('when a user sets up an authenticator app, then a secret, an otpauth URI and a QR come back, a wrong first code is refused, the right one confirms it with ten recovery codes, and it is audited', async () => {
    const u = await makeUser('inspector');
    const token = await tokenFor(u);
    const start = await api().post('/api/v1/auth/mfa/totp').set(bearer(token)).send({});
    expect(start.status).to.equal(200);
    expect(start.body.otpauthUri).to.match(/^otpauth:\/\/totp\/Attest:.*secret=[A-Z2-7]+/);
    expect(start.body.qr).to.match(/^data:image\/png;base64,/);
    const wrong = String((Number(await totp(start.body.secret)) + 1) % 1_000_000).padStart(6, '0');
    expect((await api().post('/api/v1/auth/mfa/totp/confirm').set(bearer(token)).send({ code: wrong })).status).to.equal(422);
    const ok = await api().post('/api/v1/auth/mfa/totp/confirm').set(bearer(token)).send({ code: await totp(start.body.secret) });
    expect(ok.status).to.equal(200);
    expect(ok.body.recoveryCodes).to.have.length(10);
    expect(new Set(ok.body.recoveryCodes).size).to.equal(10);
    const status = await api().get('/api/v1/auth/mfa').set(bearer(token));
    expect(status.body).to.include({ totp: true, recoveryCodesLeft: 10 });
    expect(JSON.stringify(status.body)).not.to.include(start.body.secret);
    expect((await api().post('/api/v1/auth/mfa/totp').set(bearer(token)).send({})).status).to.equal(409);
    expect((await audited(admin, u.id)).map((e) => e.action)).to.include('auth.mfa_totp_enrolled');
  });

  it('when a user with TOTP logs in, then the password alone yields no token, only a short-lived handle; the current code completes the login, and the same code again is refused', async () => {
    const u = await makeUser('inspector');
    const { secret } = await enrolTotp(await tokenFor(u));
    const agent = request.agent(harness().app);
    const first = await agent.post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD });
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ mfaRequired: true });
    expect(first.body.methods).to.include.members(['totp', 'recovery']);
    expect(first.body.token).to.equal(undefined);
    expect((await agent.get('/api/v1/auth/me')).status, 'no session before the second factor').to.equal(401);
    // the enrolment consumed the current period's code: the next period's (accepted one step ahead)
    const code = await totp(secret, 1);
    const done = await agent.post('/api/v1/auth/mfa/verify').set('X-Requested-With', 'attest').send({ mfaToken: first.body.mfaToken, code });
    expect(done.status).to.equal(200);
    expect(done.body.token).to.match(/^att_/);
    expect((await agent.get('/api/v1/auth/me')).status, 'the browser session').to.equal(200);
    expect((await api().get('/api/v1/auth/me').set(bearer(done.body.token))).status).to.equal(200);
    // a replay: a new password step, the same code
    const again = await login(u.email, PASSWORD);
    const replay = await api().post('/api/v1/auth/mfa/verify').send({ mfaToken: again.body.mfaToken, code });
    expect(replay.status).to.equal(401);
    expect(replay.body.token).to.equal(undefined);
    // the handle was consumed by the first login
    expect((await api().post('/api/v1/auth/mfa/verify').send({ mfaToken: first.body.mfaToken, code: await totp(secret, 1) })).status).to.equal(401);
    const events = await audited(admin, u.id);
    expect(events.find((e) => e.action === 'auth.login' && e.after?.factor === 'totp')).to.not.equal(undefined);
    expect(events.find((e) => e.action === 'auth.mfa_failed')).to.not.equal(undefined);
  });

  it('when two logins race with the same code, then exactly one gets a token', async () => {
    const u = await makeUser('inspector');
    const { secret } = await enrolTotp(await tokenFor(u));
    const handles = [(await login(u.email, PASSWORD)).body.mfaToken, (await login(u.email, PASSWORD)).body.mfaToken];
    const code = await totp(secret, 1);
    const results = await Promise.all(handles.map((mfaToken) => api().post('/api/v1/auth/mfa/verify').send({ mfaToken, code })));
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 401]);
  });

  it('when wrong codes are sent, then each is refused, and past the limit even the right code is throttled (429)', async () => {
    const u = await makeUser('inspector');
    const { secret } = await enrolTotp(await tokenFor(u));
    const { mfaToken } = (await login(u.email, PASSWORD)).body;
    const max = harness().config.loginMaxFailures;
    const right = await totp(secret, 1);
    const wrong = String((Number(right) + 7) % 1_000_000).padStart(6, '0');
    const statuses: number[] = [];
    for (let i = 0; i < max + 1; i++) statuses.push((await api().post('/api/v1/auth/mfa/verify').send({ mfaToken, code: wrong })).status);
    expect(statuses.slice(0, max)).to.deep.equal(Array(max).fill(401));
    expect(statuses[max]).to.equal(429);
    expect((await api().post('/api/v1/auth/mfa/verify').send({ mfaToken, code: right })).status).to.equal(429);
  });

  it('when a recovery code is used, then it logs in once and is spent; the same code a second time is refused', async () => {
    const u = await makeUser('inspector');
    const { recoveryCodes } = await enrolTotp(await tokenFor(u));
    const code = recoveryCodes[3].toLowerCase();
    const one = await api().post('/api/v1/auth/mfa/verify').send({ mfaToken: (await login(u.email, PASSWORD)).body.mfaToken, recoveryCode: code });
    expect(one.status).to.equal(200);
    expect(one.body.token).to.match(/^att_/);
    expect((await api().get('/api/v1/auth/mfa').set(bearer(one.body.token))).body.recoveryCodesLeft).to.equal(9);
    const two = await api().post('/api/v1/auth/mfa/verify').send({ mfaToken: (await login(u.email, PASSWORD)).body.mfaToken, recoveryCode: code });
    expect(two.status).to.equal(401);
    expect((await audited(admin, u.id)).map((e) => e.action)).to.include('auth.mfa_recovery_used');
  });

  it('when the authenticator app is removed, then a wrong password is refused, the right one removes it (audited), and the next login needs no code', async () => {
    const u = await makeUser('inspector');
    const token = await tokenFor(u);
    await enrolTotp(token);
    expect((await api().post('/api/v1/auth/mfa/totp/remove').set(bearer(token)).send({ password: 'Not-the-password-1' })).status).to.equal(422);
    expect((await api().post('/api/v1/auth/mfa/totp/remove').set(bearer(token)).send({ password: PASSWORD })).status).to.equal(204);
    const next = await login(u.email, PASSWORD);
    expect(next.body.token).to.match(/^att_/);
    expect(next.body.mfaRequired).to.equal(undefined);
    expect((await audited(admin, u.id)).map((e) => e.action)).to.include('auth.mfa_totp_removed');
  });

  it('when a second factor is mandatory for admins, then an admin without one reaches only the enrolment, and after enrolling gets a full token; the setting can turn it off', async () => {
    const before = await setMandatoryRoles(admin, ['admin']);
    try {
      const u = await makeUser('admin');
      const r = await login(u.email, PASSWORD);
      expect(r.status).to.equal(200);
      expect(r.body.mfaEnrolmentRequired).to.equal(true);
      const restricted = r.body.token;
      for (const [method, path] of [['get', '/api/v1/users'], ['get', '/api/v1/auth/me'], ['get', '/api/v1/systems'], ['get', '/api/v1/auth/sessions']] as const) {
        const res = await api()[method](path).set(bearer(restricted));
        expect(res.status, path).to.equal(403);
        expect(res.body.error.code, path).to.equal('mfa_enrolment_required');
      }
      expect((await api().post('/api/v1/organizations').set(bearer(restricted)).send({ code: 'X', name: 'Xy', type: 'other' })).status).to.equal(403);
      expect((await api().get('/api/v1/auth/mfa').set(bearer(restricted))).body).to.include({ required: true, totp: false });
      const { body } = await enrolTotp(restricted);
      expect(body.token).to.match(/^att_/);
      expect((await api().get('/api/v1/users').set(bearer(body.token))).status).to.equal(200);
      expect((await api().get('/api/v1/auth/me').set(bearer(restricted))).status, 'the restricted token is revoked').to.equal(401);
      // an inspector is not concerned; with the setting off an admin logs in with the password alone
      const insp = await makeUser('inspector');
      expect((await login(insp.email, PASSWORD)).body.mfaEnrolmentRequired).to.equal(undefined);
      await setMandatoryRoles(admin, []);
      const other = await makeUser('admin');
      const plain = await login(other.email, PASSWORD);
      expect(plain.body.mfaEnrolmentRequired).to.equal(undefined);
      expect((await api().get('/api/v1/users').set(bearer(plain.body.token))).status).to.equal(200);
    } finally {
      await setMandatoryRoles(admin, before);
    }
  });

  it('when the mandatory roles are set to something that is not a role, then 400; only an admin may change them', async () => {
    const cur = await api().get('/api/v1/settings').set(bearer(admin));
    expect(cur.body.mfaRequiredRoles).to.be.an('array');
    expect((await api().put('/api/v1/settings').set(bearer(admin)).send({ version: cur.body.version, mfaRequiredRoles: ['root'] })).status).to.equal(400);
    const inspector = await tokenFor(await makeUser('inspector'));
    expect((await api().put('/api/v1/settings').set(bearer(inspector)).send({ version: cur.body.version, mfaRequiredRoles: [] })).status).to.equal(403);
  });

  it('when an admin resets a user\'s second factor, then it is gone, their sessions end, and it is audited', async () => {
    const u = await makeUser('inspector');
    const token = await tokenFor(u);
    await enrolTotp(token);
    expect((await api().post(`/api/v1/users/${u.id}/mfa/reset`).set(bearer(token)).send({})).status).to.equal(403);
    expect((await api().post(`/api/v1/users/${u.id}/mfa/reset`).set(bearer(admin)).send({})).status).to.equal(204);
    expect((await api().get('/api/v1/auth/me').set(bearer(token))).status).to.equal(401);
    expect((await login(u.email, PASSWORD)).body.token).to.match(/^att_/);
    expect((await audited(admin, u.id)).map((e) => e.action)).to.include('auth.mfa_reset');
  });
});
