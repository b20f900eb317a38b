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
import { scan } from './helpers/scans';
import { configureScanner } from '../src/modules/scans/scan.runner';
import { ScanRun } from '../src/modules/scans/scan.model';
import { Finding } from '../src/modules/findings/finding.model';
import * as lifecycle from '../src/modules/findings/finding.lifecycle';
import { legacyScanKey } from '../src/modules/scans/scan.findings';
import { migrateScanFindings } from '../src/modules/scans/scan.findings-migrate';
import * as store from '../src/db/store';
import { systemActor } from '../src/shared/actor';

type F = { id: string; title: string; titleVi: string; status: string; source: { problem: string }; description: string; descriptionVi: string };

describe('scan findings: one per distinct problem, in words an owner can act on', function () {
  this.timeout(60_000);
  let a: Actors;
  let dir: string;
  before(async () => {
    a = await makeActors();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-scan-problems-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '90', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const c = harness().config;
    configureScanner({ allowedTargets: c.scanAllowedTargets, concurrency: 8, perHost: 4, timeoutMs: 800, defaultPorts: [], publicBaseUrl: c.publicBaseUrl, instance: 'test', caFile: path.join(dir, 'cert.pem') });
  });
  after(() => {
    const c = harness().config;
    configureScanner({ allowedTargets: c.scanAllowedTargets, concurrency: 8, perHost: 4, timeoutMs: c.scanTimeoutMs, defaultPorts: [], publicBaseUrl: c.publicBaseUrl, instance: 'test' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when an owner fixes HSTS but not CSP, then the HSTS finding is verified while the CSP one stays open; a weaker CSP keeps that finding and changes its words', async () => {
    // no CSP (so nothing against framing either) and no HSTS
    let headers: Record<string, string> = { 'Content-Type': 'text/html', 'X-Content-Type-Options': 'nosniff' };
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => {
      res.writeHead(200, headers).end('<!doctype html><title>Cổng dịch vụ công</title>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `https://localhost:${(server.address() as net.AddressInfo).port}`;
      const system = await makeSystem(a.org, { level: 3, endpoints: [`${url}/`], scanPorts: [] });
      const list = async () => (await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.owner))).body.items as F[];
      const read = async (id: string) => (await api().get(`/api/v1/findings/${id}`).set(bearer(a.owner))).body as F;
      await scan(a.inspector, system.id, ['http.headers']);
      const first = await list();
      const csp = first.find((f) => f.source.problem === 'content-security-policy')!;
      const hsts = first.find((f) => f.source.problem === 'strict-transport-security')!;
      expect(csp).to.include({ title: 'No Content-Security-Policy', titleVi: 'Thiếu Content-Security-Policy', status: 'open' });
      expect(hsts).to.include({ title: 'No Strict-Transport-Security (HSTS)', titleVi: 'Thiếu Strict-Transport-Security (HSTS)' });
      const full = await read(hsts.id);
      // what to do, what was seen where, and the control, in both languages
      expect(full.description).to.match(/^Serve the site over HTTPS .*\n\nSeen at https:\/\/localhost:\d+:\n- .*Strict-Transport-Security.*\n\nControl 7\.\S+: /s);
      expect(full.descriptionVi).to.match(/^Phục vụ trang qua HTTPS .*\n\nPhát hiện tại https:\/\/localhost:\d+:\n- .*\n\nBiện pháp 7\.\S+: /s);

      headers = { ...headers, 'Strict-Transport-Security': 'max-age=63072000' };
      const fixedOne = await scan(a.inspector, system.id, ['http.headers']);
      expect(fixedOne.findings).to.include({ verified: 1, opened: 0 });
      expect((await read(hsts.id)).status).to.equal('verified');
      expect(await read(csp.id)).to.include({ status: 'open', title: 'No Content-Security-Policy' });

      // a CSP with frame-ancestors (the framing finding is verified) but with unsafe-inline scripts
      headers = { ...headers, 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'" };
      const weaker = await scan(a.inspector, system.id, ['http.headers']);
      expect(weaker.findings).to.include({ opened: 0, refreshed: 1, verified: 1 });
      expect(await read(csp.id)).to.include({ status: 'open', title: 'Content-Security-Policy allows unsafe inline scripts', titleVi: 'Content-Security-Policy cho phép mã nội tuyến không an toàn' });
      // the list (read from the finding boards) shows the new words too
      expect((await list()).find((f) => f.id === csp.id)).to.include({ title: 'Content-Security-Policy allows unsafe inline scripts' });
      // every title reads as words: no check id, no outcome code, no target
      for (const f of await list()) expect(`${f.title} ${f.titleVi}`).not.to.match(/http\.headers|csp-|hsts-|https?:\/\//);
    } finally {
      server.close();
    }
  });

  it('when scan findings from before (one per check and target) are migrated, then each keeps its id and status, an open one splits into one finding per problem, and a second migration changes nothing', async () => {
    const system = await makeSystem(a.org, { level: 3, endpoints: ['https://legacy.example.org/'], scanPorts: [] });
    const target = 'https://legacy.example.org:443';
    const run = new mongoose.Types.ObjectId();
    const failures = [
      { code: 'csp-not-implemented', severity: 'high', message: 'No Content-Security-Policy header is sent. (Observatory content-security-policy: -25)' },
      { code: 'hsts-not-implemented', severity: 'high', message: 'No Strict-Transport-Security header is sent over HTTPS. (Observatory strict-transport-security: -20)' },
      { code: 'x-content-type-options-not-implemented', severity: 'low', message: 'No X-Content-Type-Options: nosniff header is sent.' },
    ];
    await store.insertOne(ScanRun, { _id: run, system: system.id, organization: a.org.id, systemCode: system.code, trigger: 'manual', requestedBy: 'x', status: 'succeeded', checks: ['http.headers'], refused: [], progress: { done: 1, total: 1 },
      results: [{ check: 'http.headers', target, status: 'fail', failures, observations: {} }], instance: 'test', heartbeatAt: new Date(), createdAt: new Date(), version: 1 });
    const ctx = { actor: systemActor('scanner') };
    const due = new Date(Date.now() + 20 * 86_400_000);
    const legacy = async (check: string) => (await lifecycle.raise(ctx, {
      _id: lifecycle.idFor(legacyScanKey(system.id, check, target)), system: new mongoose.Types.ObjectId(system.id), organization: new mongoose.Types.ObjectId(a.org.id), systemCode: system.code, level: 3,
      source: { type: 'scan', scanRun: run, check, target }, title: `7.2.3 ${check} failed on ${target}`, description: failures.map((f) => `- ${f.message}`).join('\n'), severity: 'high',
      dueAt: due, dedupeKey: legacyScanKey(system.id, check, target), firstSeenAt: new Date(), lastSeenAt: new Date(), createdBy: 'scanner', assignee: new mongoose.Types.ObjectId(a.users.owner.id),
    }))!;
    const open = await legacy('http.headers');
    const done = await legacy('http.redirect');
    await lifecycle.autoTransition(ctx, done._id.toString(), 'verified', 'No longer seen');

    const first = await migrateScanFindings();
    expect(first.migrated).to.be.at.least(2);
    const after = (await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector))).body.items as (F & { dueAt: string; assignee: string })[];
    expect(after).to.have.length(4);
    const kept = after.find((f) => f.id === open._id.toString())!;
    // the worst problem keeps the finding (its id, status, deadline); the others are split off with the same deadline and assignee
    expect(kept).to.include({ status: 'open', title: 'No Content-Security-Policy' });
    const split = after.filter((f) => f.id !== open._id.toString() && f.id !== done._id.toString());
    expect(split.map((f) => f.source.problem).sort()).to.deep.equal(['strict-transport-security', 'x-content-type-options']);
    for (const f of split) expect(f).to.include({ status: 'open', dueAt: due.toISOString(), assignee: a.users.owner.id });
    const verified = (await api().get(`/api/v1/findings/${done._id}`).set(bearer(a.inspector))).body;
    expect(verified.status).to.equal('verified');
    // the history says it in both languages and names findings by what they are about, never by id
    expect(verified.history.at(-1).comment).to.match(/^One finding per problem/);
    expect(verified.history.at(-1).text.vi).to.match(/^Mỗi vấn đề một phát hiện/);
    for (const f of split) {
      const raised = (await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.inspector))).body.history[0];
      expect(raised.comment).to.equal('Split from the finding “No Content-Security-Policy” when scan findings became one per problem.');
      expect(raised.text.vi).to.match(/^Tách ra từ phát hiện “Thiếu Content-Security-Policy”/);
    }
    expect((await Finding.findById(open._id).lean())!.dedupeKey).to.equal(`${legacyScanKey(system.id, 'http.headers', target)}#content-security-policy`);

    expect(await migrateScanFindings()).to.deep.equal({ migrated: 0, split: 0 });
    expect((await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector))).body.total).to.equal(4);
  });
});
