import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../src/app';
import { createLogger } from '../src/logger';
import { harness, testConfig, TEST_SECRET } from './helpers/harness';
import { makeUser, PASSWORD } from './helpers/factories';
import { Pki } from './helpers/tls-targets';

/** An app of its own on the shared database, with these settings (the cookie depends on TRUST_PROXY). */
function appWith(env: Record<string, string>): Express {
  const config = testConfig(env);
  return createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET, loginRateLimit: 1000 }).app;
}

const sessionCookie = (res: request.Response): string => {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = all.find((x) => x.startsWith('attest.sid='));
  expect(c, `no session cookie in ${JSON.stringify(all)}`).to.be.a('string');
  return c!;
};
const isSecure = (cookie: string) => cookie.split(';').map((p) => p.trim().toLowerCase()).includes('secure');

describe('session cookie: Secure whenever the request came over TLS', () => {
  let email: string;
  before(async () => { email = (await makeUser('inspector')).email; });
  const login = (app: Express | https.Server) => request(app).post('/api/v1/auth/login').send({ email, password: PASSWORD });

  it('when a browser logs in over plain HTTP, then the cookie has no Secure flag (HttpOnly, SameSite=Strict)', async () => {
    const res = await login(harness().app);
    expect(res.status).to.equal(200);
    const c = sessionCookie(res);
    expect(isSecure(c)).to.equal(false);
    expect(c).to.match(/HttpOnly/i).and.to.match(/SameSite=Strict/i);
  });

  it('when X-Forwarded-Proto: https comes from a proxy TRUST_PROXY names, then the cookie is Secure', async () => {
    const app = appWith({ TRUST_PROXY: 'loopback' });
    const res = await login(app).set('X-Forwarded-Proto', 'https');
    expect(res.status).to.equal(200);
    expect(isSecure(sessionCookie(res))).to.equal(true);
    // the same trusted proxy forwarding plain HTTP: no Secure
    expect(isSecure(sessionCookie(await login(app).set('X-Forwarded-Proto', 'http')))).to.equal(false);
    // a hop count trusts the loopback peer too
    expect(isSecure(sessionCookie(await login(appWith({ TRUST_PROXY: '1' })).set('X-Forwarded-Proto', 'https')))).to.equal(true);
  });

  it('when X-Forwarded-Proto: https comes without TRUST_PROXY (or from an address it does not name), then it is ignored: no Secure', async () => {
    expect(isSecure(sessionCookie(await login(harness().app).set('X-Forwarded-Proto', 'https')))).to.equal(false);
    expect(isSecure(sessionCookie(await login(appWith({ TRUST_PROXY: '10.0.0.0/8' })).set('X-Forwarded-Proto', 'https')))).to.equal(false);
  });

  describe('served by a TLS server', () => {
    let dir: string;
    let server: https.Server;
    before(async function () {
      this.timeout(60_000);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-cookie-tls-'));
      const leaf = new Pki(dir).issue('leaf', {});
      server = https.createServer({ key: fs.readFileSync(leaf.keyFile), cert: fs.readFileSync(leaf.certFile) }, appWith({}));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('when a browser logs in over TLS directly (no proxy, TRUST_PROXY unset), then the cookie is Secure', async () => {
      const { port } = server.address() as AddressInfo;
      const res = await request(`https://127.0.0.1:${port}`).post('/api/v1/auth/login').disableTLSCerts().send({ email, password: PASSWORD });
      expect(res.status).to.equal(200);
      expect(isSecure(sessionCookie(res))).to.equal(true);
    });
  });
});
