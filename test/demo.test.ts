import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generate } from 'otplib';
import { freePort } from '../src/db/ferretdb';
import { exportPortfolio } from './helpers/oscal';

const post = async (base: string, path: string, body: unknown, token?: string) => {
  const r = await fetch(`${base}/api/v1${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
};
const code = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/**
 * Logs in as the README says: an administrator (a second factor is mandatory for admins by
 * default) sets up an authenticator app at the first login, and gives its code at the next.
 */
async function logIn(base: string, acc: { email: string; password: string }, secrets: Map<string, string>): Promise<string> {
  const r = await post(base, '/auth/login', acc);
  expect(r.status, `${acc.email}: ${JSON.stringify(r.body)}`).to.equal(200);
  if (r.body.mfaEnrolmentRequired) {
    const start = await post(base, '/auth/mfa/totp', {}, r.body.token);
    const done = await post(base, '/auth/mfa/totp/confirm', { code: await code(start.body.secret) }, r.body.token);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.recoveryCodes).to.have.length(10);
    secrets.set(acc.email, start.body.secret);
    return done.body.token;
  }
  if (r.body.mfaRequired) {
    const done = await post(base, '/auth/mfa/verify', { mfaToken: r.body.mfaToken, code: await code(secrets.get(acc.email)!, 1) });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    return done.body.token;
  }
  return r.body.token;
}

/** `npm start` on a fresh data directory, as a newcomer runs it. */
async function start(dataDir: string, port: number): Promise<{ child: ChildProcess; out: () => string }> {
  let out = '';
  const { MONGODB_URI: _external, DEMO_DATA: _demo, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { env: { ...env, PORT: String(port), DATA_DIR: dataDir, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const until = Date.now() + 240_000;
  while (!/Attest is running at/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the service exited: ${out}`);
    if (Date.now() > until) throw new Error(`the service did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 300)); // the rest of the start-up banner
  return { child, out: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

describe('the first-run demo (npm start on an empty data directory)', function () {
  this.timeout(420_000);
  let dir: string;
  before(function () { if (process.env.MONGODB_URI) this.skip(); dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-demo-')); });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('when the service starts on a fresh database, then the demo loads (its time is logged), the printed accounts log in, and the dashboard shows 124 systems, 103 evaluated, 96 meeting all criteria (77.4 %); every scan finding reads in both languages; a restart loads nothing twice', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await start(dir, port);
    let figures: unknown;
    const secrets = new Map<string, string>();
    try {
      const out = first.out();
      const loaded = /"msg":"demo portfolio loaded in (\d+) ms"/.exec(out);
      expect(loaded, out.slice(-3000)).to.not.equal(null);
      // how long it took is a figure for the README (measured, not asserted: a timed test flakes on a busy machine)
      process.stdout.write(`      (demo loaded in ${loaded![1]} ms)\n`);
      const accounts = [...out.matchAll(/^\s*(?:Admin login: |\S.*?\s{2,})(\S+@attest\.example)\s+password: (\S+)/gm)].map((m) => ({ email: m[1], password: m[2] }));
      expect(accounts.map((x) => x.email)).to.include.members(['admin@attest.example', 'inspector@attest.example', 'owner@attest.example', 'approver@attest.example']);
      expect(out).to.match(/Second factor required for: admin/);
      // the address printed is one a passkey can be enrolled at (a host name, not 127.0.0.1)
      expect(out).to.include(`Attest is running at http://localhost:${port}  (API docs: http://localhost:${port}/docs)`);
      const tokens: Record<string, string> = {};
      for (const acc of accounts) tokens[acc.email] = await logIn(base, acc, secrets);
      const dash = await fetch(`${base}/api/v1/dashboard`, { headers: { Authorization: `Bearer ${tokens['admin@attest.example']}` } });
      figures = ((await dash.json()) as { systems: unknown }).systems;
      expect(figures).to.deep.include({ total: 124, evaluated: 103, metAllCriteria: 96, metAllCriteriaPct: 77.4 });
      const mine = await fetch(`${base}/api/v1/systems?limit=100`, { headers: { Authorization: `Bearer ${tokens['owner@attest.example']}` } });
      const body = (await mine.json()) as { total: number; items: { endpoints: string[] }[] };
      expect(body.total).to.be.greaterThan(0).and.below(124);
      expect(body.items.every((s) => s.endpoints.every((e) => /\.demo\.example\//.test(e)))).to.equal(true);
      // each role's journey has something to start from: assessments waiting for the approver, open findings for the owner
      const get = async (path: string, who: string) => (await (await fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${tokens[who]}` } })).json()) as { total: number };
      expect((await get('/assessments?status=submitted', 'approver@attest.example')).total).to.equal(3);
      expect((await get('/findings?status=open_any', 'owner@attest.example')).total).to.be.greaterThan(0);
      // every scan finding on a demo system reads as something an owner can act on, in both languages
      type F = { id: string; title: string; titleVi?: string; severity: string; systemCode: string };
      const scanned = (await get('/findings?source=scan&limit=100', 'inspector@attest.example')) as { total: number; items: F[] };
      expect(scanned.total).to.be.greaterThan(20);
      for (let page = 1; (page - 1) * 100 < scanned.total; page++) {
        const { items } = (await get(`/findings?source=scan&limit=100&page=${page}`, 'inspector@attest.example')) as unknown as { items: F[] };
        for (const f of items) {
          expect(f.titleVi, f.title).to.be.a('string').and.not.equal(f.title);
          expect(`${f.title} | ${f.titleVi}`).not.to.match(/\b(http\.headers|csp-|hsts-|failed on)|https?:\/\//);
        }
      }
      // findings raised from the catalogue carry the control's Vietnamese words, and their history names the assessment and the inspector
      const assessed = (await get('/findings?source=assessment&limit=100', 'inspector@attest.example')) as unknown as { total: number; items: F[] };
      expect(assessed.total).to.be.greaterThan(5);
      for (const f of assessed.items) expect(f.titleVi, f.title).to.be.a('string').and.not.equal(f.title);
      const raised = (await get(`/findings/${assessed.items[0].id}`, 'inspector@attest.example')) as unknown as { descriptionVi: string; history: { text?: { vi: string } }[] };
      expect(raised.descriptionVi).to.match(/^(Đạt một phần|Không đạt): /);
      expect(raised.history[0].text?.vi).to.match(/^Phát sinh từ Đánh giá HT-\d{3} ngày \d{2}\/\d{2}\/\d{4}, người đánh giá: \S/);
      // a portfolio a reviewer believes: a valid certificate goes with a good web grade and no open critical or high finding;
      // the one certified system whose site regressed has its certificate suspended, and its open findings say why
      type S = { id: string; code: string; level: number; certificate?: { status: string }; lastScan?: { grade?: string }; compliance?: { openFindings?: Record<string, number> } };
      const all: S[] = [];
      for (let page = 1; page <= 2; page++) all.push(...((await get(`/systems?limit=100&page=${page}`, 'inspector@attest.example')) as unknown as { items: S[] }).items);
      const blocking = (s: S) => (s.compliance?.openFindings?.critical ?? 0) + (s.compliance?.openFindings?.high ?? 0);
      const valid = all.filter((s) => s.certificate?.status === 'valid');
      expect(valid.length).to.be.greaterThan(80);
      for (const s of valid) expect({ code: s.code, grade: s.lastScan?.grade, blocking: blocking(s) }).to.deep.include({ blocking: 0 }).and.satisfy((x: { grade?: string }) => !x.grade || /^A/.test(x.grade));
      const suspended = all.filter((s) => s.certificate?.status === 'suspended');
      expect(suspended.map((s) => s.level)).to.deep.equal([5]);
      expect(blocking(suspended[0])).to.be.greaterThan(0);
      const why = (await get(`/findings?system=${suspended[0].id}&status=open_any&severity=high`, 'inspector@attest.example')) as unknown as { items: F[] };
      expect(why.items.length).to.be.greaterThan(0);
      expect(why.items.map((f) => f.titleVi)).to.include('Thiếu Content-Security-Policy');
      const one = (await get(`/findings/${scanned.items[0].id}`, 'inspector@attest.example')) as unknown as { description: string; descriptionVi: string };
      expect(one.description).to.match(/\n\nSeen at https:\/\/ht\d{3}\.demo\.example:443:\n- .+\n\nControl /);
      expect(one.descriptionVi).to.match(/\n\nPhát hiện tại https:\/\/ht\d{3}\.demo\.example:443:\n- .+\n\nBiện pháp /);
      // the whole portfolio exports as OSCAL (SSP, POA&M, the latest assessment's results), each valid against its schema
      const started = Date.now();
      const exported = await exportPortfolio(base, tokens['inspector@attest.example'], all as never);
      expect(exported).to.be.greaterThan(2 * 124 + 103);
      process.stdout.write(`      (${exported} OSCAL documents of the demo portfolio exported and validated in ${Date.now() - started} ms)\n`);
    } finally {
      await stop(first.child);
    }
    const second = await start(dir, port);
    try {
      expect(second.out()).to.not.match(/demo portfolio loaded in/);
      const admin = /Admin login: admin@attest\.example\s+password: (\S+)/.exec(second.out())![1];
      const token = await logIn(base, { email: 'admin@attest.example', password: admin }, secrets);
      const dash = await fetch(`${base}/api/v1/dashboard`, { headers: { Authorization: `Bearer ${token}` } });
      expect(((await dash.json()) as { systems: unknown }).systems).to.deep.equal(figures);
    } finally {
      await stop(second.child);
    }
  });
});
