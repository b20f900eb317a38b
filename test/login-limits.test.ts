import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../src/app';
import { createLogger } from '../src/logger';
import { rangeOf } from '../src/http/login-limits';
import * as loginAudit from '../src/modules/auth/login-audit';
import { LoginFailure } from '../src/modules/auth/login-audit';
import { readHead } from '../src/modules/audit/audit.chain';
import * as audit from '../src/modules/audit/audit.service';
import { intentOf, withIntent, INTENT_GRACE_MS } from '../src/modules/audit/audit.intent';
import * as store from '../src/db/store';
import { systemActor } from '../src/shared/actor';
import { harness, testConfig, TEST_SECRET } from './helpers/harness';
import { makeUser, PASSWORD, uniq } from './helpers/factories';

/** An app of its own behind a trusted loopback proxy, so that X-Forwarded-For sets the client address. */
function appWith(env: Record<string, string>): Express {
  const config = testConfig({ TRUST_PROXY: 'loopback', ...env });
  return createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET }).app;
}
interface ClosedWindow { address: string; window: { start: string; end: string }; failures: number; emails: string[] }
/** The failed-login events of an address, newest first. */
const eventsOf = async (address: string) => (await audit.list({ entity: 'auth', entityId: address, page: 1, limit: 100 })).items
  .filter((e) => e.action === loginAudit.LOGIN_FAILED).map((e) => e.after as ClosedWindow);
const guess = (app: Express, from: string, email = `${uniq('nobody').toLowerCase()}@attest.example`) =>
  request(app).post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email, password: 'Wrong-password-123' });

describe('login abuse bounded by account and by network', () => {
  after(() => {
    // the other apps re-configured the shared login policy: back to the harness's
    const config = harness().config;
    createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET, loginRateLimit: 1000, loginRangeRateLimit: 1000 });
  });

  it('unit: an address\'s range is its IPv4 /24 or IPv6 /64', () => {
    expect(rangeOf('203.0.113.77')).to.equal('203.0.113.0/24');
    expect(rangeOf('::ffff:203.0.113.77')).to.equal('203.0.113.0/24');
    expect(rangeOf('2001:db8:1:2:a:b:c:d')).to.equal('2001:db8:1:2::/64');
    expect(rangeOf('2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(rangeOf('2001:0db8:0000:0002::ff')).to.equal('2001:db8:0:2::/64');
    expect(rangeOf('fe80::1%eth0')).to.equal('fe80:0:0:0::/64');
    expect(rangeOf(undefined)).to.equal('unknown');
  });

  it('when 30 guesses come from 30 addresses of one /24, then the range limit stops them; another range is still heard', async function () {
    this.timeout(60_000);
    const app = appWith({ LOGIN_RATE_LIMIT: '5', LOGIN_RANGE_RATE_LIMIT: '10' });
    const statuses: number[] = [];
    for (let i = 1; i <= 30; i++) statuses.push((await guess(app, `198.51.100.${i}`)).status);
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(statuses.slice(10)).to.deep.equal(Array(20).fill(429));
    const refused = await guess(app, '198.51.100.200');
    expect(refused.body.error).to.deep.include({ code: 'rate_limited' });
    expect(refused.body.error.message).to.match(/network/);
    expect((await guess(app, '198.51.101.1')).status).to.equal(401);
    // IPv6: a /64 is one range
    for (let i = 1; i <= 10; i++) expect((await guess(app, `2001:db8:5:6::${i.toString(16)}`)).status).to.equal(401);
    expect((await guess(app, '2001:db8:5:6:ffff::1')).status).to.equal(429);
    expect((await guess(app, '2001:db8:5:7::1')).status).to.equal(401);
  });

  it('when one address guesses past LOGIN_RATE_LIMIT, then it gets 429 though its range is below its limit; the per-e-mail lockout still holds', async function () {
    this.timeout(60_000);
    const app = appWith({ LOGIN_RATE_LIMIT: '5', LOGIN_RANGE_RATE_LIMIT: '100' });
    for (let i = 0; i < 5; i++) expect((await guess(app, '192.0.2.10')).status).to.equal(401);
    const sixth = await guess(app, '192.0.2.10');
    expect(sixth.status).to.equal(429);
    expect(sixth.body.error.message).to.match(/address/);
    // the account: 5 failures from 5 addresses lock the e-mail, even for the right password
    const u = await makeUser('inspector');
    for (let i = 0; i < 5; i++) expect((await guess(app, `192.0.2.${20 + i}`, u.email)).status).to.equal(401);
    expect((await request(app).post('/api/v1/auth/login').set('X-Forwarded-For', '192.0.2.30').send({ email: u.email, password: PASSWORD })).status).to.equal(429);
  });

  it('when N failed logins come from a few addresses, then nothing is appended while the window runs, and closing it writes one event per address with the count and the first ten e-mails', async function () {
    this.timeout(90_000);
    const app = appWith({ LOGIN_RATE_LIMIT: '1000', LOGIN_RANGE_RATE_LIMIT: '1000' });
    const minutes = harness().config.loginLockoutMinutes;
    const window = () => Math.floor(Date.now() / (minutes * 60_000));
    const w0 = window();
    const before = (await readHead()).seq;
    const addresses = ['203.0.113.5', '203.0.113.6', '2001:db8:9::1'];
    for (let i = 0; i < 36; i++) expect((await guess(app, addresses[i % 3])).status).to.equal(401);
    const sameWindow = window() === w0;
    if (sameWindow) expect((await readHead()).seq - before, 'no event while the window runs').to.equal(0);
    const counter = (await LoginFailure.findById('203.0.113.5').lean())!;
    if (sameWindow) expect(counter.failures).to.equal(12);
    expect(counter.emails).to.have.length(loginAudit.MAX_EMAILS); // the first ten, not all twelve
    // the window ends: the sweep closes it
    await loginAudit.sweep(new Date((window() + 1) * minutes * 60_000 + 1000), minutes);
    for (const address of addresses) {
      const events = await eventsOf(address);
      expect(events.reduce((n, e) => n + e.failures, 0), address).to.equal(12);
      expect(new Set(events.map((e) => e.window.start)).size, `one event per window: ${address}`).to.equal(events.length);
      if (sameWindow) expect(events).to.have.length(1);
      expect(events[0].emails.length).to.be.at.most(loginAudit.MAX_EMAILS);
      expect(events[0].window.end).to.equal(new Date(Date.parse(events[0].window.start) + minutes * 60_000).toISOString());
    }
  });

  describe('the one event of a window (windows of the future: no real traffic there)', () => {
    const minutes = 15;
    const at = (w: number) => new Date(w * minutes * 60_000 + 1000);
    const base = Math.floor(Date.now() / (minutes * 60_000)) + 1000;
    const start = (w: number) => new Date(w * minutes * 60_000).toISOString();
    const fail = (address: string, w: number, i: number) => loginAudit.failed({ address, email: `x${i}@attest.example`, windowMinutes: minutes, now: at(w) });
    const seq = async () => (await readHead()).seq;

    it('when a window closes, then its one event is written once: by the address\'s next failure or by the sweep, whichever comes first', async () => {
      const [a1, a2] = [uniq('test-a1-'), uniq('test-a2-')];
      const s = await seq();
      for (let i = 0; i < 5; i++) await fail(a1, base, i);
      for (let i = 0; i < 3; i++) await fail(a2, base, i);
      expect(await seq(), 'failures only count').to.equal(s);

      // a1 fails again in the next window: its previous window is closed with one event
      await fail(a1, base + 1, 9);
      expect(await seq()).to.equal(s + 1);
      expect(await eventsOf(a1)).to.deep.equal([{ address: a1, window: { start: start(base), end: start(base + 1) }, failures: 5, emails: [0, 1, 2, 3, 4].map((i) => `x${i}@attest.example`) }]);
      await fail(a1, base + 1, 10);
      expect(await seq()).to.equal(s + 1);

      // the sweep: a2's window (3 failures) and a1's second one (2) are closed; the counters go
      const swept = await loginAudit.sweep(at(base + 2), minutes);
      expect(swept.closed).to.be.at.least(2);
      expect((await eventsOf(a2)).map((e) => [e.window.start, e.failures])).to.deep.equal([[start(base), 3]]);
      expect((await eventsOf(a1)).map((e) => [e.window.start, e.failures])).to.deep.equal([[start(base + 1), 2], [start(base), 5]]);
      expect(await LoginFailure.countDocuments({ _id: { $in: [a1, a2] } })).to.equal(0);
      // closed once: neither a second sweep nor a later failure writes them again
      const again = await loginAudit.sweep(at(base + 3), minutes);
      await fail(a2, base + 4, 1);
      expect(await eventsOf(a1)).to.have.length(2);
      expect(await eventsOf(a2)).to.have.length(1);
      expect(again.closed).to.equal(0);
    });

    it('when later failures and the sweep close the same window at once, then exactly one event is written for it', async () => {
      const a = uniq('test-race-');
      for (let i = 0; i < 4; i++) await fail(a, base + 10, i);
      await Promise.all([fail(a, base + 11, 5), loginAudit.sweep(at(base + 11), minutes), fail(a, base + 11, 6), loginAudit.sweep(at(base + 11), minutes), fail(a, base + 11, 7)]);
      expect((await eventsOf(a)).map((e) => [e.window.start, e.failures])).to.deep.equal([[start(base + 10), 4]]);
      const counter = (await LoginFailure.findById(a).lean())!;
      expect(counter).to.deep.include({ window: base + 11, failures: 3 });
    });

    it('when a process died after closing a window but before appending its event, then the sweep appends it (once) before the counter goes', async () => {
      const a = uniq('test-crash-');
      await fail(a, base + 20, 1);
      // what the closing write leaves when its process dies before settle: reported, with the intent
      const intent = intentOf({ actor: systemActor('auth') }, { action: loginAudit.LOGIN_FAILED, entity: 'auth', entityId: a, after: { address: a, window: { start: start(base + 20), end: start(base + 21) }, failures: 1, emails: ['x1@attest.example'] } }, new Date(Date.now() - INTENT_GRACE_MS - 1000));
      await store.mutate(LoginFailure, a, () => withIntent({ $set: { reported: true } }, intent));
      expect(await eventsOf(a)).to.have.length(0);
      await loginAudit.sweep(at(base + 21), minutes);
      expect((await eventsOf(a)).map((e) => e.failures)).to.deep.equal([1]);
      expect(await LoginFailure.countDocuments({ _id: a })).to.equal(0);
      await loginAudit.sweep(at(base + 22), minutes);
      expect(await eventsOf(a)).to.have.length(1);
    });
  });
});
