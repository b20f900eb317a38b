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
import { harness, testConfig, TEST_SECRET } from './helpers/harness';
import { makeUser, PASSWORD, uniq } from './helpers/factories';

/** An app of its own behind a trusted loopback proxy, so that X-Forwarded-For sets the client address. */
function appWith(env: Record<string, string>): Express {
  const config = testConfig({ TRUST_PROXY: 'loopback', ...env });
  return createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET }).app;
}
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

  it('when N failed logins come from a few addresses, then the audit chain grows by one event per address and window, carrying the counts', async function () {
    this.timeout(90_000);
    const app = appWith({ LOGIN_RATE_LIMIT: '1000', LOGIN_RANGE_RATE_LIMIT: '1000' });
    const window = () => Math.floor(Date.now() / (harness().config.loginLockoutMinutes * 60_000));
    const w0 = window();
    const before = (await readHead()).seq;
    const addresses = ['203.0.113.5', '203.0.113.6', '2001:db8:9::1'];
    for (let i = 0; i < 36; i++) expect((await guess(app, addresses[i % 3])).status).to.equal(401);
    const grown = (await readHead()).seq - before;
    if (window() === w0) expect(grown).to.equal(3);
    else expect(grown).to.be.at.most(6); // a window boundary passed during the test
    const events = (await audit.list({ action: 'auth.login_failed', page: 1, limit: 3 })).items;
    expect(events.map((e) => (e.after as { address: string }).address).sort()).to.deep.equal([...addresses].sort());
    const counter = (await LoginFailure.findById('203.0.113.5').lean())!;
    if (window() === w0) expect(counter.failures).to.equal(12);
    expect(counter.emails).to.have.length(loginAudit.MAX_EMAILS); // the first ten, not all twelve
  });

  it('when a window closes, then its total is written once: in the address\'s next failure event, or by the sweep when it fell silent', async () => {
    const minutes = 15;
    const at = (w: number) => new Date(w * minutes * 60_000 + 1000);
    const base = Math.floor(Date.now() / (minutes * 60_000)) + 1000; // windows of the future: no real traffic there
    const fail = (address: string, w: number, i: number) => loginAudit.failed({ address, email: `x${i}@attest.example`, windowMinutes: minutes, now: at(w) });
    const seq = async () => (await readHead()).seq;
    const a1 = `${uniq('test-a1-')}`;
    const a2 = `${uniq('test-a2-')}`;

    let s = await seq();
    for (let i = 0; i < 5; i++) await fail(a1, base, i);
    for (let i = 0; i < 3; i++) await fail(a2, base, i);
    expect(await seq()).to.equal(s + 2);

    // a1 fails again in the next window: one event, carrying the 5 of the window before
    s = await seq();
    await fail(a1, base + 1, 9);
    expect(await seq()).to.equal(s + 1);
    const carried = (await audit.list({ action: 'auth.login_failed', page: 1, limit: 1 })).items[0].after as Record<string, any>;
    expect(carried).to.deep.include({ address: a1, email: 'x9@attest.example' });
    expect(carried.previous).to.deep.include({ failures: 5 });

    // the sweep: a2 fell silent after 3 failures (one summary); a1's new window has one failure only (no summary)
    s = await seq();
    const swept = await loginAudit.sweep(at(base + 2), minutes);
    expect(swept.summaries).to.be.at.least(1);
    const summaries = (await audit.list({ action: 'auth.login_failed_summary', page: 1, limit: 20 })).items.map((e) => e.after as Record<string, any>);
    expect(summaries.filter((x) => x.address === a2)).to.have.length(1);
    expect(summaries.find((x) => x.address === a2)).to.deep.include({ failures: 3 });
    expect(summaries.filter((x) => x.address === a1)).to.have.length(0);
    expect(await LoginFailure.countDocuments({ _id: { $in: [a1, a2] } })).to.equal(0);
    const again = await loginAudit.sweep(at(base + 3), minutes);
    expect((await audit.list({ action: 'auth.login_failed_summary', page: 1, limit: 20 })).items.filter((e) => [a1, a2].includes((e.after as { address: string }).address))).to.have.length(1);
    expect(again.summaries).to.equal(0);
  });
});
