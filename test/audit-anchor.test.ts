import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AuditEvent, AuditHead, eventId } from '../src/modules/audit/audit.model';
import { configureCheckpoints, type Checkpoint } from '../src/modules/audit/audit.checkpoint';
import { startAnchoring, type Anchoring } from '../src/modules/audit/audit.anchor';
import * as audit from '../src/modules/audit/audit.service';
import { systemActor } from '../src/shared/actor';
import { harness } from './helpers/harness';
import { api, bearer, makeActors, type Actors } from './helpers/factories';

/*
 * The head of the audit chain is anchored outside the database at start and every
 * AUDIT_ANCHOR_SECONDS: the attack (delete the newest events, rewrite the head, before any
 * hourly checkpoint existed) is reported by /audit/verify.
 */
describe('audit head anchored outside the database', () => {
  let a: Actors;
  let dir: string;
  let file: string;
  let anchoring: Anchoring | undefined;
  const logged: Checkpoint[] = [];
  const lines = (): Checkpoint[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const verify = async () => (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
  const record = (n: number, tag: string) => Promise.all(Array.from({ length: n }, (_, i) => audit.record({ actor: systemActor('anchor-test') }, { action: 'test.anchor', entity: 'demo', after: { tag, i } })));

  /** The attack with database access: the newest `n` events deleted, the head rewritten to the event before them. */
  async function cutTail(n: number) {
    const head = (await AuditHead.findById('head').lean())!;
    const tail = await AuditEvent.find({ _id: { $in: Array.from({ length: n }, (_, i) => eventId(head.seq - i)) } }).lean();
    expect(tail).to.have.length(n);
    const kept = (await AuditEvent.findById(eventId(head.seq - n)).lean())!;
    await AuditEvent.deleteMany({ _id: { $in: tail.map((t) => t._id) } });
    await AuditHead.updateOne({ _id: 'head' }, { $set: { seq: kept.seq, hash: kept.h } });
    return async () => {
      await AuditEvent.collection.insertMany(tail as never[]);
      await AuditHead.updateOne({ _id: 'head' }, { $set: { seq: head.seq, hash: head.hash } });
    };
  }

  before(async () => {
    a = await makeActors();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-anchor-'));
    file = path.join(dir, 'audit-checkpoints.jsonl');
    // a data directory of its own: no checkpoint of the hourly job exists there
    configureCheckpoints(file, (c) => logged.push(c));
  });
  afterEach(() => { anchoring?.stop(); anchoring = undefined; });
  after(() => {
    configureCheckpoints(harness().config.auditCheckpointFile);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the service starts, the last 5 events are deleted and the head rewritten (no checkpoint yet), then /audit/verify is not ok, naming the anchor', async () => {
    await record(5, 'before-start');
    expect(lines()).to.have.length(0);
    anchoring = startAnchoring({ seconds: 300, onError: (err) => { throw err; } });
    const started = await anchoring.started;
    expect(started).to.include({ reason: 'start' });
    const head = (await AuditHead.findById('head').lean())!;
    expect(lines().at(-1)).to.deep.include({ seq: head.seq, hash: head.hash, reason: 'start' });
    expect(logged.at(-1)).to.deep.include({ seq: head.seq, reason: 'start' }); // and in the log

    const restore = await cutTail(5);
    const v = await verify();
    expect(v.ok).to.equal(false);
    expect(v.checkpoint).to.include({ seq: head.seq, reason: 'start' });
    expect(v.problems.map((p: { reason: string }) => p.reason).join(' ')).to.match(new RegExp(`ends at ${head.seq - 5} but ${head.seq} events were recorded.*events were removed`));
    await restore();
    expect((await verify()).ok).to.equal(true);
  });

  it('when the head is rewritten to a forged event at the anchored position, then verify says the chain was rewritten', async () => {
    await record(2, 'forge');
    anchoring = startAnchoring({ seconds: 300, onError: (err) => { throw err; } });
    const c = (await anchoring.started)!;
    const original = (await AuditEvent.findById(eventId(c.seq)).lean())!;
    await AuditEvent.updateOne({ _id: original._id }, { $set: { h: 'f'.repeat(64) } });
    const v = await verify();
    expect(v.ok).to.equal(false);
    expect(v.problems.map((p: { reason: string }) => p.reason).join(' ')).to.match(/differs from the checkpoint/);
    await AuditEvent.updateOne({ _id: original._id }, { $set: { h: original.h } });
    expect((await verify()).ok).to.equal(true);
  });

  it('when AUDIT_ANCHOR_SECONDS pass, then the moved head is anchored again (file and log), an unmoved one is not, and events cut after it are reported', async function () {
    this.timeout(20_000);
    const before = lines().length;
    anchoring = startAnchoring({ seconds: 1, onError: (err) => { throw err; } });
    await anchoring.started;
    await new Promise((r) => setTimeout(r, 1500)); // one interval with the head unmoved: nothing written
    expect(lines().length).to.equal(before + 1);
    await record(6, 'interval');
    await new Promise((r) => setTimeout(r, 1500));
    const all = lines().slice(before);
    expect(all.map((l) => l.reason)).to.deep.equal(['start', 'interval']);
    const head = (await AuditHead.findById('head').lean())!;
    expect(all[1]).to.deep.include({ seq: head.seq, hash: head.hash });
    expect(logged.filter((l) => l.reason === 'interval').length).to.be.at.least(1);
    anchoring.stop();

    const restore = await cutTail(5);
    const v = await verify();
    expect(v.ok).to.equal(false);
    expect(v.checkpoint).to.include({ seq: head.seq, reason: 'interval' });
    await restore();
    expect((await verify()).ok).to.equal(true);
  });

  it('when an anchor line is edited, then verify reports the file as edited', async () => {
    const text = fs.readFileSync(file, 'utf8');
    const last = lines().at(-1)!;
    fs.appendFileSync(file, `${JSON.stringify({ ...last, seq: last.seq + 1000 })}\n`);
    const v = await verify();
    expect(v.ok).to.equal(false);
    expect(v.problems.map((p: { reason: string }) => p.reason).join(' ')).to.match(/checkpoint file was edited/);
    fs.writeFileSync(file, text);
    expect((await verify()).ok).to.equal(true);
  });
});
