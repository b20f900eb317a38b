import { expect } from 'chai';
import { api, bearer, makeUser, PASSWORD, tokenFor } from './helpers/factories';
import { login, totp } from './helpers/mfa';
import { startInstance, type Instance } from './helpers/instance';

/*
 * Revocation reaches the other instances within AUTH_CACHE_SECONDS: instance A is the harness app
 * (its token cache keeps the default 15 s), instance B a process of its own on the same database
 * with AUTH_CACHE_SECONDS=2. A session or token known to B (cached there) is ended on A; B is
 * asked every 50 ms and must refuse it no later than the bound (plus a margin for the request).
 */
const CACHE_SECONDS = 2;
const BOUND_MS = CACHE_SECONDS * 1000 + 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer { at: number; status: number }

/** Asks until five refusals in a row (or the bound plus 5 s passed); each answer's time counted from `since`. */
async function poll(ask: () => Promise<number>, since: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  let refused = 0;
  while (refused < 5 && Date.now() - since < BOUND_MS + 5000) {
    const status = await ask();
    answers.push({ at: Date.now() - since, status });
    refused = status === 401 ? refused + 1 : 0;
    await sleep(50);
  }
  return answers;
}

/** Accepted (200) until some moment within the bound, refused (401) from then on, never accepted again. */
function expectRefusedWithinBound(answers: Answer[], what: string): void {
  const accepted = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 401);
  const shown = `${what}: ${answers.length} answers, ${accepted.length} accepted (last at ${accepted.at(-1)?.at ?? '-'} ms), ${refused.length} refused (first at ${refused[0]?.at ?? '-'} ms), others ${answers.length - accepted.length - refused.length}`;
  const first = answers.findIndex((a) => a.status === 401);
  expect(first, `never refused — ${shown}`).to.be.at.least(0);
  expect(answers.slice(0, first).every((a) => a.status === 200), `only 200 before the first refusal — ${shown}`).to.equal(true);
  expect(answers.slice(first).every((a) => a.status === 401), `refused for good — ${shown}`).to.equal(true);
  expect(answers[first].at, `refused within AUTH_CACHE_SECONDS + margin — ${shown}`).to.be.at.most(BOUND_MS);
  expect(answers.length - first).to.equal(5);
}

describe('revocation across instances (AUTH_CACHE_SECONDS)', function () {
  this.timeout(120_000);
  let b: Instance;
  before(async () => { b = await startInstance({ AUTH_CACHE_SECONDS: String(CACHE_SECONDS) }); });
  after(async () => { await b?.stop(); });

  const me = async (headers: Record<string, string>) => (await fetch(`${b.url}/api/v1/auth/me`, { headers })).status;

  it('when a user ends on instance A a session used on instance B (bearer and browser cookie), then B refuses it within AUTH_CACHE_SECONDS', async () => {
    const u = await makeUser('inspector');
    const res = await fetch(`${b.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: u.email, password: PASSWORD }) });
    expect(res.status).to.equal(200);
    const onB = ((await res.json()) as { token: string }).token;
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).to.match(/attest\.sid=/);
    const onA = (await login(u.email, PASSWORD)).body.token as string;
    // B has both in its cache now
    expect(await me(bearer(onB))).to.equal(200);
    expect(await me({ Cookie: cookie })).to.equal(200);
    const target = (await api().get('/api/v1/auth/sessions').set(bearer(onA))).body.items.find((r: { current: boolean }) => !r.current);
    expect((await api().delete(`/api/v1/auth/sessions/${target.id}`).set(bearer(onA))).status).to.equal(204);
    const since = Date.now();
    expect((await api().get('/api/v1/auth/me').set(bearer(onB))).status, 'A drops it at once').to.equal(401);
    const [byToken, byCookie] = await Promise.all([poll(() => me(bearer(onB)), since), poll(() => me({ Cookie: cookie }), since)]);
    expectRefusedWithinBound(byToken, 'bearer token on B');
    expectRefusedWithinBound(byCookie, 'browser session on B');
    // the session that ended nothing goes on, on both instances
    expect(await me(bearer(onA))).to.equal(200);
  });

  it('when an admin ends all of a user\'s sessions on instance A, then B refuses each of them within AUTH_CACHE_SECONDS', async () => {
    const admin = await tokenFor(await makeUser('admin'));
    const u = await makeUser('inspector');
    const t1 = await tokenFor(u);
    const t2 = (await login(u.email, PASSWORD)).body.token as string;
    for (const t of [t1, t2]) expect(await me(bearer(t))).to.equal(200);
    const r = await api().post(`/api/v1/users/${u.id}/sessions/revoke`).set(bearer(admin)).send({});
    expect(r.status).to.equal(200);
    expect(r.body.ended).to.equal(2);
    const since = Date.now();
    const [a1, a2] = await Promise.all([poll(() => me(bearer(t1)), since), poll(() => me(bearer(t2)), since)]);
    expectRefusedWithinBound(a1, 'first token on B');
    expectRefusedWithinBound(a2, 'second token on B');
  });

  it('when a session sets up the first factor on instance A, then instance B, which cached it without the flag, lets it create an API token at once', async () => {
    const u = await makeUser('inspector');
    const t = (await login(u.email, PASSWORD)).body.token as string;
    const start = await api().post('/api/v1/auth/mfa/totp').set(bearer(t)).send({});
    const code = await totp(start.body.secret);
    const cached = Date.now();
    expect(await me(bearer(t))).to.equal(200);
    expect((await api().post('/api/v1/auth/mfa/totp/confirm').set(bearer(t)).send({ code })).status).to.equal(200);
    const r = await fetch(`${b.url}/api/v1/auth/tokens`, { method: 'POST', headers: { ...bearer(t), 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'on B', scope: 'read-only', expiresInDays: 1 }) });
    expect(Date.now() - cached, 'B still holds the credential cached before the enrolment').to.be.below(CACHE_SECONDS * 1000);
    expect(r.status).to.equal(201);
  });
});
