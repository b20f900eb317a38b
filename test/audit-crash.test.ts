import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../src/db/ferretdb';

/*
 * A committed change always has its audit event: the service is killed with SIGKILL while 48
 * finding transitions are under way, started again, and every transition a finding's history shows
 * must have its event in the chain (written with the change as an intent, appended at recovery).
 */
const PASSWORD = 'Crash-Test-Pass-2468';

async function startService(dataDir: string, port: number): Promise<ChildProcess> {
  const { MONGODB_URI: _external, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    env: { ...env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'error', SCHEDULER_ENABLED: 'false', DEMO_DATA: 'false', MFA_REQUIRED_ROLES: 'none', ADMIN_EMAIL: 'admin@attest.example', ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const until = Date.now() + 90_000;
  while ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status !== 200) {
    if (child.exitCode !== null) throw new Error(`the service exited: ${err.slice(-2000)}`);
    if (Date.now() > until) throw new Error('the service did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}

describe('audit under a crash (kill -9 during concurrent changes)', function () {
  this.timeout(240_000);
  let dir: string;
  let child: ChildProcess | undefined;
  before(function () { if (process.env.MONGODB_URI) this.skip(); dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-crash-')); });
  after(async () => {
    if (child && child.exitCode === null) { child.kill('SIGTERM'); await new Promise((r) => child!.once('exit', r)); }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the service is killed during 48 concurrent finding transitions, then after a restart no committed transition lacks its audit event and the chain verifies', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v1`;
    const call = async (method: string, url: string, token?: string, body?: unknown) => {
      const r = await fetch(`${base}${url}`, { method, headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: await r.json().catch(() => undefined) as Record<string, any> };
    };
    const login = async (email: string) => (await call('POST', '/auth/login', undefined, { email, password: PASSWORD })).body.token as string;
    child = await startService(dir, port);
    const admin = await login('admin@attest.example');
    const org = (await call('POST', '/organizations', admin, { code: 'CRASH', name: 'Sở thử nghiệm sự cố', type: 'province' })).body;
    await call('POST', '/users', admin, { email: 'owner@crash.example', name: 'Chủ hệ thống', password: PASSWORD, roles: ['owner'], organization: org.id });
    await call('POST', '/users', admin, { email: 'inspector@crash.example', name: 'Thanh tra', password: PASSWORD, roles: ['inspector'] });
    const [owner, inspector] = [await login('owner@crash.example'), await login('inspector@crash.example')];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const system = (await call('POST', '/systems', admin, { code: `HT-CRASH-${i}`, name: `Hệ thống ${i}`, organization: org.id, level: 2 })).body;
      for (let k = 0; k < 12; k++) ids.push((await call('POST', '/findings', inspector, { system: system.id, title: `Phát hiện ${i}-${k}`, severity: 'medium' })).body.id);
    }
    expect(ids).to.have.length(48);

    // 48 transitions at once; the process dies as soon as the first answers come back
    let answered = 0;
    const moves = ids.map((id) => call('POST', `/findings/${id}/transitions`, owner, { to: 'in_remediation', comment: 'Đang khắc phục' }).then(() => { answered++; }, () => undefined));
    const exited = new Promise((r) => child!.once('exit', r));
    while (answered < 3) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    await Promise.all([...moves, exited]);
    expect(answered, 'some transitions were cut off by the kill').to.be.below(48);

    child = await startService(dir, port);
    const admin2 = await login('admin@attest.example');
    // intents younger than the grace period belong, for all anyone knows, to a live writer
    await new Promise((r) => setTimeout(r, 5500));
    const repaired = await call('GET', '/admin/consistency', admin2);
    expect(repaired.status).to.equal(200);
    const recovered = (repaired.body.structures as { name: string; repaired: number }[]).find((s) => s.name === 'audit-intents')!.repaired;
    let committed = 0;
    let missing = 0;
    for (const id of ids) {
      const f = (await call('GET', `/findings/${id}`, admin2)).body;
      const moved = (f.history as { action: string }[]).filter((h) => h.action === 'transition').length;
      const events = ((await call('GET', `/audit?entity=finding&entityId=${id}&limit=100`, admin2)).body.items as { action: string }[]).filter((e) => e.action === 'finding.transition').length;
      committed += moved;
      missing += Math.max(0, moved - events);
    }
    expect(committed, 'transitions committed before the kill').to.be.greaterThan(0);
    expect(missing, 'committed transitions without an audit event').to.equal(0);
    process.stdout.write(`      (${answered} answered, ${committed} committed, ${recovered} recovered from intents after the restart)\n`);
    expect((await call('GET', '/audit/verify', admin2)).body.ok).to.equal(true);
    expect((await call('GET', '/admin/consistency?repair=false', admin2)).body.differences).to.equal(0);
  });
});
