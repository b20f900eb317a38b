import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { harness } from './helpers/harness';
import { listener, scan, waitForRun } from './helpers/scans';
import { configureScanner } from '../src/modules/scans/scan.runner';
import * as scans from '../src/modules/scans/scan.service';
import { ScanRun } from '../src/modules/scans/scan.model';
import { System } from '../src/modules/systems/system.model';
import { createScheduler } from '../src/jobs/scheduler';
import { registerJobs } from '../src/jobs';
import * as store from '../src/db/store';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function scanner(over: Partial<Parameters<typeof configureScanner>[0]> = {}) {
  const c = harness().config;
  configureScanner({ allowedTargets: c.scanAllowedTargets, concurrency: 8, perHost: 4, timeoutMs: 800, defaultPorts: [], publicBaseUrl: c.publicBaseUrl, instance: 'test', ...over });
}

describe('scans: runs, findings, safety and schedules', function () {
  this.timeout(60_000);
  let a: Actors;
  before(async () => { a = await makeActors(); scanner(); });
  after(() => scanner({ timeoutMs: harness().config.scanTimeoutMs }));

  it('when a port that is not allowed is open, then the run fails it naming the service and opens one finding; when it is closed, the next run verifies it', async () => {
    const open = await listener();
    // the endpoint's own port is what the system serves (allowed): the listener is another port of its host
    const system = await makeSystem(a.org, { level: 3, endpoints: ['127.0.0.1:1'], scanPorts: [open.port], allowedPorts: [] });
    const run = await scan(a.inspector, system.id, ['ports.exposed']);
    expect(run.status).to.equal('succeeded');
    expect(run.progress).to.deep.equal({ done: 1, total: 1 });
    const r = run.results.find((x: { target: string }) => x.target === `127.0.0.1:${open.port}`);
    expect(r).to.include({ check: 'ports.exposed', status: 'fail' });
    expect(r.failures[0]).to.include({ code: `port.open.${open.port}` });
    expect(run.findings).to.include({ opened: 1 });
    const findings = (await api().get('/api/v1/findings').query({ system: system.id, source: 'scan' }).set(bearer(a.inspector))).body.items;
    expect(findings).to.have.length(1);
    expect(findings[0]).to.include({ status: 'open', control: 'TEC.NET.02' });
    expect(findings[0].source).to.include({ type: 'scan', check: 'ports.exposed', target: `127.0.0.1:${open.port}` });

    const again = await scan(a.inspector, system.id, ['ports.exposed']);
    expect(again.findings).to.include({ opened: 0, refreshed: 1 });
    expect((await api().get('/api/v1/findings').query({ system: system.id, source: 'scan' }).set(bearer(a.inspector))).body.total).to.equal(1);

    await open.close();
    const closed = await scan(a.inspector, system.id, ['ports.exposed']);
    expect(closed.findings).to.include({ verified: 1 });
    const f = (await api().get(`/api/v1/findings/${findings[0].id}`).set(bearer(a.inspector))).body;
    expect(f.status).to.equal('verified');
    expect(f.history.at(-1).evidence[0].url).to.include(`/api/v1/scans/${closed.id}`);
    const sys = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body;
    expect(sys.lastScan, JSON.stringify([sys.lastScan, closed.id, closed.summary])).to.include({ status: 'succeeded', failed: 0 });
    expect(sys.activeScan).to.equal(null);
  });

  it('when the owner marked a scan finding resolved, then a run that still sees the port reopens it, and one that no longer sees it verifies it', async () => {
    const open = await listener();
    const system = await makeSystem(a.org, { level: 3, endpoints: ['127.0.0.1:1'], scanPorts: [open.port] });
    await scan(a.inspector, system.id, ['ports.exposed']);
    const [f] = (await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.owner))).body.items;
    await api().post(`/api/v1/findings/${f.id}/transitions`).set(bearer(a.owner)).send({ to: 'in_remediation' }).expect(200);
    const evidence = [{ url: 'https://evidence.example.org/firewall.pdf' }];
    await api().post(`/api/v1/findings/${f.id}/transitions`).set(bearer(a.owner)).send({ to: 'resolved', comment: 'Closed in the firewall', evidence }).expect(200);
    const still = await scan(a.inspector, system.id, ['ports.exposed']);
    expect(still.findings).to.include({ reopened: 1 });
    expect((await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.owner))).body.status).to.equal('reopened');
    await api().post(`/api/v1/findings/${f.id}/transitions`).set(bearer(a.owner)).send({ to: 'in_remediation' }).expect(200);
    await api().post(`/api/v1/findings/${f.id}/transitions`).set(bearer(a.owner)).send({ to: 'resolved', comment: 'Really closed now', evidence }).expect(200);
    await open.close();
    const gone = await scan(a.inspector, system.id, ['ports.exposed']);
    expect(gone.findings).to.include({ verified: 1 });
    expect((await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.owner))).body.status).to.equal('verified');
  });

  it('when a web server misses its security headers and discloses its version, then a run grades it and opens one finding per problem; fixed, the next run verifies them all', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-scan-web-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '90', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    let fixed = false;
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => {
      res.writeHead(200, fixed ? {
        'Content-Type': 'text/html', 'Content-Security-Policy': "default-src 'none'", 'Strict-Transport-Security': 'max-age=63072000',
        'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Resource-Policy': 'same-origin',
      } : { 'Content-Type': 'text/html', Server: 'nginx/1.18.0' }).end('<!doctype html><title>Cổng dịch vụ công</title><p>Xin chào</p>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      scanner({ caFile: path.join(dir, 'cert.pem') });
      const url = `https://localhost:${(server.address() as net.AddressInfo).port}`;
      const system = await makeSystem(a.org, { level: 3, endpoints: [`${url}/`], scanPorts: [] });
      const bad = await scan(a.inspector, system.id, ['http.headers', 'tls.certificate']);
      const headers = bad.results.find((r: { check: string }) => r.check === 'http.headers');
      expect(headers).to.include({ status: 'fail', target: url });
      // 100 − 25 (no CSP) − 20 (no HSTS) − 20 (no X-Frame-Options) − 5 (no nosniff) = 30: D
      expect(headers.observations).to.include({ grade: 'D', score: 30 });
      expect(headers.failures.map((f: { code: string }) => f.code)).to.include.members(['csp-not-implemented', 'hsts-not-implemented', 'x-frame-options-not-implemented', 'server-version-disclosed']);
      expect(bad.summary).to.include({ grade: 'D', score: 30 });
      const cert = bad.results.find((r: { check: string }) => r.check === 'tls.certificate');
      expect(cert.status, JSON.stringify(cert.failures)).to.equal('pass');
      const open = (await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector))).body.items;
      // one finding per problem: CSP, HSTS, framing and nosniff (http.headers), and the version in Server (http.disclosure)
      expect(open.map((f: { source: { check: string; problem: string } }) => `${f.source.check} ${f.source.problem}`).sort()).to.deep.equal([
        'http.disclosure server-version-disclosed', 'http.headers content-security-policy', 'http.headers strict-transport-security', 'http.headers x-content-type-options', 'http.headers x-frame-options',
      ]);
      expect(open.find((f: { source: { check: string } }) => f.source.check === 'http.disclosure')).to.include({ severity: 'low', control: 'TEC.APP.08', title: 'The Server header discloses the software version' });
      expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body.lastScan).to.include({ grade: 'D', score: 30 });

      fixed = true;
      const good = await scan(a.inspector, system.id, ['http.headers', 'tls.certificate']);
      expect(good.summary).to.include({ grade: 'A+', failed: 0 });
      expect(good.findings).to.include({ verified: 5, opened: 0 });
      const after = (await api().get('/api/v1/findings').query({ system: system.id, status: 'verified' }).set(bearer(a.inspector))).body;
      expect(after.total).to.equal(5);
    } finally {
      scanner();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when an endpoint is outside SCAN_ALLOWED_TARGETS, then it is refused with a reason and never contacted', async () => {
    const outside = await listener('127.0.0.3');
    try {
      scanner({ allowedTargets: ['127.0.0.1/32'] });
      const system = await makeSystem(a.org, { endpoints: [`127.0.0.3:${outside.port}`, `http://127.0.0.3:${outside.port}/`], scanPorts: [outside.port, 22] });
      const run = await scan(a.inspector, system.id);
      expect(run.status).to.equal('succeeded');
      expect(run.refused.map((r: { endpoint: string }) => r.endpoint)).to.deep.equal([`127.0.0.3:${outside.port}`, `http://127.0.0.3:${outside.port}/`]);
      expect(run.refused[0].reason).to.match(/outside SCAN_ALLOWED_TARGETS; not contacted/);
      expect(run.results).to.deep.equal([]);
      await new Promise((r) => setTimeout(r, 200));
      expect(outside.connections()).to.equal(0);
    } finally {
      scanner();
      await outside.close();
    }
  });

  it('when a target hangs, then the run still finishes on time; a second run meanwhile is 409; owners read their own runs only', async () => {
    const hanging = await listener('127.0.0.1', { hang: true });
    try {
      const system = await makeSystem(a.org, { endpoints: [`https://127.0.0.1:${hanging.port}/`], scanPorts: [] });
      const started = Date.now();
      const res = await api().post(`/api/v1/systems/${system.id}/scans`).set(bearer(a.inspector)).send({ checks: ['tls.protocols', 'tls.certificate', 'http.headers'] });
      expect(res.status).to.equal(202);
      const second = await api().post(`/api/v1/systems/${system.id}/scans`).set(bearer(a.admin)).send({});
      expect(second.status).to.equal(409);
      expect(second.body.error.details.run).to.equal(res.body.id);
      expect((await api().get(`/api/v1/scans/${res.body.id}`).set(bearer(a.otherOwner))).status).to.equal(404);
      expect((await api().get(`/api/v1/scans/${res.body.id}`).set(bearer(a.owner))).status).to.equal(200);
      const run = await waitForRun(a.inspector, res.body.id);
      expect(run.status, JSON.stringify(run.error)).to.equal('succeeded');
      expect(run.results.every((r: { status: string }) => r.status === 'error')).to.equal(true);
      expect(Date.now() - started).to.be.below(15_000);
      const list = await api().get('/api/v1/scans').query({ system: system.id }).set(bearer(a.owner));
      expect(list.body.items.map((r: { id: string }) => r.id)).to.include(res.body.id);
      expect((await api().get('/api/v1/scans').query({ system: system.id }).set(bearer(a.otherOwner))).status).to.equal(404);
    } finally {
      await hanging.close();
    }
  });

  it('when a run was left running by a crash, then it is marked interrupted at start-up (its process is gone), another live instance\'s run is left alone, and scanning again makes no duplicate finding', async () => {
    const open = await listener();
    const system = await makeSystem(a.org, { endpoints: ['127.0.0.1:1'], scanPorts: [open.port] });
    await scan(a.inspector, system.id, ['ports.exposed']);
    await scans.settle(); // the finished run has let go of the system's slot
    // a run "in progress" whose process died: queued in the database, holding the system's slot
    const orphan = new mongoose.Types.ObjectId();
    const dead = spawnSync('true').pid; // a process of this host that has exited
    const runOf = (_id: mongoose.Types.ObjectId, instance: string) => store.lease(ScanRun, { _id, system: new mongoose.Types.ObjectId(system.id), organization: new mongoose.Types.ObjectId(a.org.id), systemCode: system.code, trigger: 'manual', requestedBy: 'x', status: 'running', checks: ['ports.exposed'], refused: [], progress: { done: 0, total: 1 }, results: [], instance, heartbeatAt: new Date(), createdAt: new Date(), version: 0 });
    // first the run of another instance that is alive (the test runner's parent) with a fresh heartbeat
    const live = new mongoose.Types.ObjectId();
    await runOf(live, `${os.hostname()}:${process.ppid}`);
    await store.updateById(System, system.id, { $set: { activeScan: live, activeScanSince: new Date(Date.now() - 120_000) } });
    await scans.sweepInterrupted();
    expect((await api().get(`/api/v1/scans/${live}`).set(bearer(a.inspector))).body.status).to.equal('running');
    await runOf(orphan, `${os.hostname()}:${dead}`);
    await store.updateById(System, system.id, { $set: { activeScan: orphan, activeScanSince: new Date(Date.now() - 120_000) } });
    expect((await api().post(`/api/v1/systems/${system.id}/scans`).set(bearer(a.inspector)).send({})).status).to.equal(409);
    expect(await scans.sweepInterrupted()).to.be.at.least(1);
    expect((await api().get(`/api/v1/scans/${orphan}`).set(bearer(a.inspector))).body.status).to.equal('interrupted');
    await Promise.all([scan(a.inspector, system.id, ['ports.exposed'])]);
    const findings = (await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector))).body;
    expect(findings.total).to.equal(1);
    await open.close();
  });

  it('when the schedule is set, then a malformed cron is 400 and one node-cron refuses is 422 with the reason; two instances ticking together run the scheduled scan once', async () => {
    const open = await listener();
    const system = await makeSystem(a.org, { level: 5, endpoints: ['127.0.0.1:1'], scanPorts: [open.port] });
    const def = (await api().get(`/api/v1/systems/${system.id}/scan-schedule`).set(bearer(a.inspector))).body;
    expect(def).to.include({ cron: '0 */6 * * *', enabled: true, source: 'level-default', version: 0 });
    const bad = await api().put(`/api/v1/systems/${system.id}/scan-schedule`).set(bearer(a.inspector)).send({ cron: '61 * * * *', enabled: true });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details[0]).to.include({ field: 'cron' });
    const malformed = await api().put(`/api/v1/systems/${system.id}/scan-schedule`).set(bearer(a.inspector)).send({ cron: 'every day', enabled: true });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.details[0]).to.include({ field: 'cron' });
    expect(bad.body.error.details[0].reason).to.match(/61 is a invalid expression for minute/);
    expect((await api().put(`/api/v1/systems/${system.id}/scan-schedule`).set(bearer(a.owner)).send({ cron: '* * * * *', enabled: true })).status).to.equal(403);
    const set = await api().put(`/api/v1/systems/${system.id}/scan-schedule`).set(bearer(a.inspector)).send({ cron: '* * * * *', enabled: true, checks: ['ports.exposed'], version: 0 });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    expect(set.body).to.include({ cron: '* * * * *', source: 'system', version: 1 });
    const one = createScheduler({ enabled: false, logger: quiet, instanceId: 'one' });
    const two = createScheduler({ enabled: false, logger: quiet, instanceId: 'two' });
    registerJobs(one);
    registerJobs(two);
    const tick = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await Promise.all([one.runTick('scan-dispatch', tick), two.runTick('scan-dispatch', tick)]);
    // a second dispatcher of the same tick that got past the job lease still finds the run taken
    await scans.dispatch(tick);
    await scans.settle();
    const runs = (await api().get('/api/v1/scans').query({ system: system.id }).set(bearer(a.inspector))).body.items;
    expect(runs.filter((r: { trigger: string }) => r.trigger === 'schedule')).to.have.length(1);
    await open.close();
  });
});
