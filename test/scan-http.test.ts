import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { expect } from 'chai';
import { httpHeaders, httpRedirect } from '../src/modules/scans/checks/http';
import { TargetRefusedError, type CheckContext, type Target, type TargetResult } from '../src/modules/scans/checks/types';

// Real servers on 127.0.0.0/8 only. Names never resolve: resolveAllowed maps them, as the allow-list would.
const SECURE = 'secure.attest.test';
const SECURE_IP = '127.0.0.2'; // nothing listens on its port 80, so the https site has "no http"
const OUTSIDE_IP = '127.0.0.3';
const TIMEOUT = 600;

const GOOD_HEADERS: Record<string, string | string[]> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; form-action 'none'; frame-ancestors 'none'",
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Set-Cookie': ['SESSIONID=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Strict', 'theme=dark; Path=/; Secure; SameSite=Lax'],
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const GOOD_BODY = '<!doctype html><html><head><script src="/app.js" integrity="sha384-abc" crossorigin="anonymous"></script></head><body>ok</body></html>';
// CSP default-src 'none' +10, cookies +5, CORP +10, referrer +5, SRI +5, XFO (via frame-ancestors) +5; COEP / COOP
// are sent but not graded (Observatory 1.4.8)
const GOOD_SCORE = 140;

function target(endpoint: string, address: string): Target {
  const url = new URL(endpoint);
  return { endpoint, host: url.hostname, address, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), url };
}

async function listen<S extends net.Server>(server: S, host: string): Promise<S & { port: number }> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

const failureCodes = (r: TargetResult) => r.failures.map((f) => f.code);

describe('http checks against real local servers', function () {
  this.timeout(20_000);
  let dir: string;
  let certPem: string;
  let secure: https.Server & { port: number };
  let redirector: http.Server & { port: number };
  let bare: http.Server & { port: number };
  let hanging: net.Server & { port: number };
  let outside: net.Server & { port: number };
  let outsideConnections = 0;
  const seen: { host?: string; servername?: string } = {};
  const sockets = new Set<net.Socket>();

  const ctx = (overrides: Partial<CheckContext> = {}): CheckContext => ({
    timeoutMs: TIMEOUT,
    ca: [certPem],
    resolveAllowed: async (host) => {
      if (host === SECURE) return SECURE_IP;
      if (host.endsWith('.attest.test') && !host.startsWith('outside')) return '127.0.0.1';
      throw new TargetRefusedError(host, OUTSIDE_IP);
    },
    ...overrides,
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-http-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', `/CN=${SECURE}`, '-addext', `subjectAltName=DNS:${SECURE}`], { stdio: 'ignore' });
    certPem = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    secure = await listen(https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: certPem }, (req, res) => {
      seen.host = req.headers.host;
      seen.servername = (req.socket as tls.TLSSocket).servername || undefined;
      const extra: Record<string, string> = req.url === '/disclosing' ? { Server: 'nginx/1.18.0', 'X-Powered-By': 'PHP/7.4.3' }
        : req.url === '/unversioned' ? { Server: 'nginx', 'X-Powered-By': 'Express' } : {};
      res.writeHead(200, { ...GOOD_HEADERS, ...extra }).end(GOOD_BODY);
    }), SECURE_IP);
    redirector = await listen(http.createServer((_req, res) => {
      res.writeHead(301, { Location: `https://${SECURE}:${secure.port}/`, 'Set-Cookie': 'hop=1; Path=/; Secure; HttpOnly; SameSite=Lax' }).end();
    }), SECURE_IP);
    bare = await listen(http.createServer((req, res) => {
      if (req.url === '/leave') res.writeHead(302, { Location: `http://outside.attest.test:${outside.port}/` }).end();
      else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>plain</body></html>');
    }), '127.0.0.1');
    hanging = await listen(net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); }), '127.0.0.1');
    outside = await listen(net.createServer((s) => { outsideConnections++; s.destroy(); }), OUTSIDE_IP);
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([secure, redirector, bare, hanging, outside].map((s) => new Promise((r) => s.close(r))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a server sends no security header at all, then it grades F with exactly the failing outcomes the Observatory gives', async () => {
    const [r] = await httpHeaders.run(target(`http://bare.attest.test:${bare.port}/`, '127.0.0.1'), ctx());
    expect(r.target).to.equal(`http://bare.attest.test:${bare.port}`);
    expect(r.status).to.equal('fail');
    // 100 - 25 (CSP) - 20 (redirection missing) - 20 (no https for HSTS) - 5 (nosniff) - 20 (XFO)
    expect(r.observations).to.include({ score: 10, grade: 'F', testsPassed: 5, testsFailed: 5 });
    expect(r.failures.map((f) => [f.code, f.severity])).to.deep.equal([
      ['csp-not-implemented', 'high'],
      ['redirection-missing', 'high'],
      ['hsts-not-implemented-no-https', 'high'],
      ['x-content-type-options-not-implemented', 'low'],
      ['x-frame-options-not-implemented', 'high'],
    ]);
  });

  it('when an https server is well configured, then it grades A+ with the exact extra-credit score, reached by address with the name in Host and SNI', async () => {
    const [r] = await httpHeaders.run(target(`https://${SECURE}:${secure.port}/`, SECURE_IP), ctx());
    expect(r.target).to.equal(`https://${SECURE}:${secure.port}`);
    expect([r.status, r.failures, r.error]).to.deep.equal(['pass', [], undefined]);
    expect(r.observations).to.include({ score: GOOD_SCORE, grade: 'A+', uncurvedScore: 100, testsPassed: 10, testsFailed: 0, certificateValid: true });
    const tests = r.observations.tests as { name: string; outcome: string }[];
    expect(tests.find((t) => t.name === 'redirection')?.outcome).to.equal('redirection-not-needed-no-http');
    expect(seen).to.deep.equal({ host: `${SECURE}:${secure.port}`, servername: SECURE });
    // cookie values can be session tokens: observations keep only names and attributes
    expect(JSON.stringify(r.observations)).not.to.include('s3cr3t');
  });

  it('when Server / X-Powered-By carry version numbers, then each is a separate low failure and the grade does not change', async () => {
    const [r] = await httpHeaders.run(target(`https://${SECURE}:${secure.port}/disclosing`, SECURE_IP), ctx());
    expect(r.status).to.equal('fail');
    expect(r.observations).to.include({ score: GOOD_SCORE, grade: 'A+', testsFailed: 0 });
    expect(r.failures.map((f) => [f.code, f.severity])).to.deep.equal([['server-version-disclosed', 'low'], ['x-powered-by-version-disclosed', 'low']]);
    expect(r.failures[0].message).to.include('nginx/1.18.0');
    const [plain] = await httpHeaders.run(target(`https://${SECURE}:${secure.port}/unversioned`, SECURE_IP), ctx());
    expect([plain.status, plain.failures]).to.deep.equal(['pass', []]);
  });

  it('when the certificate is not trusted, then HSTS cannot count and the site loses 20 points', async () => {
    const [r] = await httpHeaders.run(target(`https://${SECURE}:${secure.port}/`, SECURE_IP), ctx({ ca: [] }));
    expect(failureCodes(r)).to.deep.equal(['hsts-invalid-cert']);
    // 80 uncurved: no extra credit
    expect(r.observations).to.include({ score: 80, grade: 'B+', certificateValid: false });
  });

  it('when http:// redirects to https on the same host, then http.redirect passes and the http endpoint is graded on its https answer', async () => {
    const endpoint = target(`http://${SECURE}:${redirector.port}/`, SECURE_IP);
    const [redirect] = await httpRedirect.run(endpoint, ctx());
    expect(redirect.target).to.equal(`http://${SECURE}:${redirector.port}`);
    expect([redirect.status, redirect.failures, redirect.observations.outcome]).to.deep.equal(['pass', [], 'redirection-to-https']);
    const [headers] = await httpHeaders.run(endpoint, ctx());
    expect(headers.observations).to.include({ score: GOOD_SCORE, grade: 'A+', url: `https://${SECURE}:${secure.port}/` });
  });

  it('when http:// answers without redirecting, then http.redirect fails with redirection-missing', async () => {
    const [r] = await httpRedirect.run(target(`http://bare.attest.test:${bare.port}/`, '127.0.0.1'), ctx());
    expect(r.status).to.equal('fail');
    expect(r.failures).to.deep.equal([{ code: 'redirection-missing', severity: 'high', message: r.failures[0].message }]);
    expect(r.failures[0].message).to.match(/does not redirect to https/);
  });

  it('when a redirect leaves the allow-list, then the result is an error and the outside host sees no connection', async () => {
    const [r] = await httpHeaders.run(target(`http://bare.attest.test:${bare.port}/leave`, '127.0.0.1'), ctx());
    expect(r.status).to.equal('error');
    expect(r.error).to.include(`outside.attest.test:${outside.port}`).and.to.include('outside SCAN_ALLOWED_TARGETS; not contacted');
    expect(outsideConnections).to.equal(0);
  });

  it('when a server accepts and never answers (plain or TLS), then each check gives up in about timeoutMs', async () => {
    for (const endpoint of [`http://hang.attest.test:${hanging.port}/`, `https://hang.attest.test:${hanging.port}/`]) {
      const started = Date.now();
      const [r] = await httpHeaders.run(target(endpoint, '127.0.0.1'), ctx());
      const elapsed = Date.now() - started;
      expect(r.status, endpoint).to.equal('error');
      expect(r.error, endpoint).to.match(endpoint.startsWith('https') ? /TLS handshake timed out after 600 ms/ : /response timed out after 600 ms/);
      expect(elapsed, endpoint).to.be.within(TIMEOUT - 50, TIMEOUT + 700);
    }
  });
});
