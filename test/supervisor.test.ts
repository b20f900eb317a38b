import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../src/db/ferretdb';

/** The service as `npm start` runs it (embedded database), in a child process of its own. */
async function startService(dataDir: string, port: number): Promise<{ child: ChildProcess; logs: string[] }> {
  const logs: string[] = [];
  const { MONGODB_URI: _external, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    env: { ...env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'false', DEMO_DATA: 'false', MFA_REQUIRED_ROLES: 'none', ADMIN_EMAIL: 'admin@attest.example', ADMIN_PASSWORD: 'Supervised-Pass-2468' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => logs.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => logs.push(b.toString()));
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the service exited: ${logs.join('')}`);
    return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true;
  }, 60_000);
  return { child, logs };
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await cond()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

describe('embedded database supervision', function () {
  this.timeout(120_000);
  let dir: string;
  let svc: { child: ChildProcess; logs: string[] } | undefined;
  before(function () { if (process.env.MONGODB_URI) this.skip(); dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-sup-')); });
  after(async () => {
    if (svc?.child.exitCode === null) {
      svc.child.kill('SIGTERM');
      await new Promise((r) => svc!.child.once('exit', r));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when FerretDB is killed, then /readyz answers 503 at once, the server is restarted, and /readyz and the API recover without restarting the app', async () => {
    const port = await freePort();
    svc = await startService(dir, port);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'admin@attest.example', password: 'Supervised-Pass-2468' }) });
    const { token } = await login.json() as { token: string };
    const { pid } = JSON.parse(fs.readFileSync(path.join(dir, 'ferretdb.json'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    // while it is down, answers come fast (no 5 s wait for a server)
    await until(async () => (await fetch(`${base}/readyz`)).status === 503, 5000);
    const t = Date.now();
    const during = await fetch(`${base}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    if (during.status === 503) expect(Date.now() - t).to.be.below(1000);
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).to.equal(200);
    expect(svc.child.exitCode).to.equal(null);
    const restarted = JSON.parse(fs.readFileSync(path.join(dir, 'ferretdb.json'), 'utf8'));
    expect(restarted.pid).to.not.equal(pid);
    expect(svc.logs.join('')).to.match(/FerretDB exited unexpectedly/);
  });
});
