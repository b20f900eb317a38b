import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';

describe('unit: configuration', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const c = loadConfig({}, '/srv/attest');
    expect(c).to.include({ port: 3000, embedded: true, dataDir: '/srv/attest/data', schedulerEnabled: true, demoData: true, adminEmail: 'admin@attest.example' });
    expect(c.scanAllowedTargets).to.deep.equal(['127.0.0.0/8', '::1/128', 'localhost']);
  });

  for (const [name, env, variable] of [
    ['a non-numeric port', { PORT: 'eighty' }, 'PORT'],
    ['an out-of-range port', { PORT: '70000' }, 'PORT'],
    ['a non-mongodb URI', { MONGODB_URI: 'http://db', SESSION_SECRET: 'x'.repeat(40) }, 'MONGODB_URI'],
    ['a MongoDB URI without a session secret', { MONGODB_URI: 'mongodb://db.internal:27017/attest' }, 'SESSION_SECRET'],
    ['a short session secret', { SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    ['an admin password that is too short', { ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['a non-boolean scheduler flag', { SCHEDULER_ENABLED: 'maybe' }, 'SCHEDULER_ENABLED'],
  ] as const) {
    it(`when given ${name}, then start-up stops with a message naming ${variable}`, () => {
      expect(() => loadConfig(env as NodeJS.ProcessEnv)).to.throw(ConfigError, variable);
    });
  }

  it('when NODE_ENV is production without PUBLIC_BASE_URL, then start-up stops naming PUBLIC_BASE_URL (embedded or with MONGODB_URI)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /PUBLIC_BASE_URL is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db.internal:27017/attest', SESSION_SECRET: 'x'.repeat(40), SIGNING_P12: '/etc/attest/authority.p12' }))
      .to.throw(ConfigError, 'PUBLIC_BASE_URL');
  });

  it('when NODE_ENV is production with PUBLIC_BASE_URL, then it is used without its trailing slash and marked as set', () => {
    const c = loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://attest.example.gov.vn/' });
    expect(c).to.include({ publicBaseUrl: 'https://attest.example.gov.vn', publicBaseUrlSet: true });
  });

  it('when PUBLIC_BASE_URL is not set outside production, then the localhost default applies and is marked as a default (start-up warns)', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(loadConfig({ NODE_ENV, PORT: '8080' })).to.include({ publicBaseUrl: 'http://localhost:8080', publicBaseUrlSet: false });
    }
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'ftp://attest.example.gov.vn' })).to.throw(ConfigError, 'PUBLIC_BASE_URL');
  });

  it('when TRUST_PROXY is unset, true, a hop count or addresses, then Express gets that; an address it cannot read stops the start-up', () => {
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.1.0.0/16 ,fd00::/8' }).trustProxy).to.deep.equal(['loopback', '10.1.0.0/16', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).to.throw(ConfigError, 'TRUST_PROXY');
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).to.throw(ConfigError, 'TRUST_PROXY');
  });

  it('when MONGODB_URI is set, then production mode needs no embedded database and invents no admin', () => {
    const c = loadConfig({ MONGODB_URI: 'mongodb://db.internal:27017/attest?replicaSet=rs0', SESSION_SECRET: 'x'.repeat(40) });
    expect(c.embedded).to.equal(false);
    expect(c.adminEmail).to.equal(undefined);
    expect(c.demoData).to.equal(false);
  });
});
