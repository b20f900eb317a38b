import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import pino from 'pino';
import { createApp } from '../src/app';
import { createLogger } from '../src/logger';
import { writeCheckpoint, type Checkpoint } from '../src/modules/audit/audit.checkpoint';
import { drainAnchorSink } from '../src/modules/audit/audit.anchor-sink';
import { registry } from '../src/http/metrics';
import * as audit from '../src/modules/audit/audit.service';
import { systemActor } from '../src/shared/actor';
import { harness, testConfig, TEST_SECRET } from './helpers/harness';

/*
 * AUDIT_ANCHOR_URL: each anchor of the audit head is also POSTed as JSON to an external sink (here a
 * loopback server); a sink that fails or does not answer is logged and counted, and never holds up
 * the anchoring.
 */
describe('audit anchors posted to an external sink (AUDIT_ANCHOR_URL)', () => {
  type Mode = 'ok' | 'error' | 'hang';
  let mode: Mode = 'ok';
  const received: { body: Checkpoint; type?: string; path?: string }[] = [];
  const logs: { msg: string; sink?: string; reason?: string }[] = [];
  let server: http.Server;
  let dir: string;
  let file: string;

  const outcomes = async () => Object.fromEntries(((await registry.getSingleMetric('attest_audit_anchor_sink_total')!.get()).values)
    .map((v) => [String(v.labels.outcome), v.value])) as Record<string, number | undefined>;
  const anchor = async (tag: string) => {
    await audit.record({ actor: systemActor('anchor-sink-test') }, { action: 'test.anchor_sink', entity: 'demo', after: { tag } });
    return (await writeCheckpoint(new Date(), 'checkpoint'))!;
  };
  const lines = (): Checkpoint[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

  before(async () => {
    server = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => { b += c.toString(); });
      req.on('end', () => {
        received.push({ body: JSON.parse(b), type: req.headers['content-type'], path: req.url });
        if (mode === 'ok') res.end('{}');
        else if (mode === 'error') { res.statusCode = 503; res.end(); }
        // 'hang': never answers
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-anchor-sink-'));
    file = path.join(dir, 'audit-checkpoints.jsonl');
    const config = testConfig({
      AUDIT_ANCHOR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchors?key=sink-credential-123`,
      AUDIT_ANCHOR_TIMEOUT_MS: '300', AUDIT_CHECKPOINT_FILE: file,
    });
    const logger = pino({ level: 'warn' }, { write: (line: string) => { logs.push(JSON.parse(line)); } });
    createApp({ config, logger, sessionSecret: TEST_SECRET, loginRateLimit: 1000, loginRangeRateLimit: 1000 });
  });
  after(async () => {
    // back to the harness's checkpoint file and no sink
    const config = harness().config;
    createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET, loginRateLimit: 1000, loginRangeRateLimit: 1000 });
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when an anchor is written, then the sink receives it as JSON, the same line as the file holds, and it is counted as sent', async () => {
    mode = 'ok';
    const before = (await outcomes()).sent ?? 0;
    const c = await anchor('ok');
    await drainAnchorSink();
    expect(received.at(-1)!.type).to.match(/^application\/json/);
    expect(received.at(-1)!.path).to.equal('/anchors?key=sink-credential-123');
    expect(received.at(-1)!.body).to.deep.equal(c);
    expect(lines().at(-1)).to.deep.equal(c);
    expect(c).to.have.keys('seq', 'hash', 'at', 'reason', 'mac');
    expect((await outcomes()).sent).to.equal(before + 1);
  });

  it('when the sink answers an error or does not answer within AUDIT_ANCHOR_TIMEOUT_MS, then the anchoring is not held up, the failure is logged (without the URL\'s query) and counted, and the file still has the anchor', async () => {
    for (const m of ['error', 'hang'] as const) {
      mode = m;
      const before = (await outcomes()).failed ?? 0;
      const started = Date.now();
      const c = await anchor(m);
      expect(Date.now() - started, 'writeCheckpoint does not wait for the sink').to.be.below(250);
      expect(lines().at(-1)).to.deep.equal(c);
      await drainAnchorSink();
      expect(Date.now() - started, 'bounded by the timeout').to.be.below(2000);
      expect((await outcomes()).failed, m).to.equal(before + 1);
      const line = logs.at(-1)!;
      expect(line.msg).to.match(m === 'error' ? /answered 503/ : /no answer within 300 ms/);
      expect(line.sink).to.match(/^http:\/\/127\.0\.0\.1:\d+\/anchors$/);
      expect(JSON.stringify(logs)).not.to.include('sink-credential-123');
    }
  });

  it('when anchors come while four posts still wait for the sink, then the next ones are dropped (counted), not queued without bound', async () => {
    mode = 'hang';
    const before = await outcomes();
    for (let i = 0; i < 6; i++) await anchor(`burst-${i}`);
    expect(lines().slice(-6).map((l) => l.seq)).to.have.length(6);
    await drainAnchorSink();
    const after = await outcomes();
    expect((after.dropped ?? 0) - (before.dropped ?? 0)).to.equal(2);
    expect((after.failed ?? 0) - (before.failed ?? 0)).to.equal(4);
  });

  it('when AUDIT_ANCHOR_URL is not an http(s) URL, then the configuration is refused naming it', () => {
    expect(() => testConfig({ AUDIT_ANCHOR_URL: 'ftp://127.0.0.1/anchors' })).to.throw(/AUDIT_ANCHOR_URL/);
    expect(() => testConfig({ AUDIT_ANCHOR_TIMEOUT_MS: '10' })).to.throw(/AUDIT_ANCHOR_TIMEOUT_MS/);
  });
});
