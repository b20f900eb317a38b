import { expect } from 'chai';
import { AuditEvent, AuditHead, eventId } from '../src/modules/audit/audit.model';
import { sha256 } from '../src/shared/canonical';
import { writeCheckpoint } from '../src/modules/audit/audit.checkpoint';
import * as audit from '../src/modules/audit/audit.service';
import { systemActor } from '../src/shared/actor';
import { api, bearer, makeActors, makeOrg, type Actors } from './helpers/factories';

describe('audit trail', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when something is written, then an event records actor, action, before/after and the request id', async () => {
    const org = await makeOrg();
    const res = await api().patch(`/api/v1/organizations/${org.id}`).set(bearer(a.admin)).set('X-Request-Id', 'audit-test-req-1').send({ name: 'Bộ Khoa học và Công nghệ' });
    expect(res.status).to.equal(200);
    const events = await api().get('/api/v1/audit').query({ entity: 'organization', entityId: org.id }).set(bearer(a.admin));
    const update = events.body.items[0];
    expect(update).to.include({ action: 'organization.update', requestId: 'audit-test-req-1' });
    expect(update.actor.id).to.equal(a.users.admin.id);
    expect(update.before.name).to.not.equal(update.after.name);
    expect(update.after.name).to.equal('Bộ Khoa học và Công nghệ');
    expect(update.hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('when an audit event is read, then it never contains a secret', async () => {
    const res = await api().post('/api/v1/users').set(bearer(a.admin)).send({ email: 'secret-check@attest.example', name: 'Bí mật', password: 'Very-Secret-Pass-123', roles: ['inspector'] });
    const ev = await api().get('/api/v1/audit').query({ entity: 'user', entityId: res.body.id }).set(bearer(a.admin));
    expect(JSON.stringify(ev.body)).not.to.match(/Very-Secret-Pass-123|passwordHash|argon2/);
  });

  it('when many writers append at once, then the chain stays contiguous and verifies', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit.record({ actor: systemActor('race') }, { action: 'test.race', entity: 'demo', entityId: String(i) })));
    const v = await api().get('/api/v1/audit/verify').set(bearer(a.admin));
    expect(v.body.ok, JSON.stringify(v.body.problems)).to.equal(true);
    expect(v.body.checked).to.equal(v.body.headSeq);
  });

  it('when an event is modified, deleted, or the newest one removed, then verify reports it — and passes again once restored', async () => {
    await audit.record({ actor: systemActor('tamper') }, { action: 'test.tamper', entity: 'demo', after: { amount: 1 } });
    const seq = (await audit.list({ action: 'test.tamper', page: 1, limit: 1 })).items[0].seq;
    const target = (await AuditEvent.findById(eventId(seq)).lean())!;
    expect(target.d).to.include('"amount":1');

    await AuditEvent.updateOne({ _id: target._id }, { $set: { d: target.d.replace('"amount":1', '"amount":2') } });
    let v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok).to.equal(false);
    expect(v.problems[0]).to.deep.include({ seq });
    expect(v.problems[0].reason).to.match(/modified/);
    // re-hashing the edited text does not help: the next event no longer links to it
    await AuditEvent.updateOne({ _id: target._id }, { $set: { d: target.d.replace('"amount":1', '"amount":2'), h: sha256(target.d.replace('"amount":1', '"amount":2')) } });
    v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok).to.equal(false);
    await AuditEvent.updateOne({ _id: target._id }, { $set: { d: target.d, h: target.h } });

    const middle = await AuditEvent.findById(eventId(seq - 1)).lean();
    await AuditEvent.deleteOne({ _id: eventId(seq - 1) });
    v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok).to.equal(false);
    expect(v.problems.map((p: { reason: string }) => p.reason).join(' ')).to.match(/missing/);
    await AuditEvent.collection.insertOne(middle as never);

    const headSeq = (await AuditHead.findById('head').lean())!.seq;
    const head = await AuditEvent.findById(eventId(headSeq)).lean();
    await AuditEvent.deleteOne({ _id: head!._id });
    v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok).to.equal(false);
    expect(v.problems[0].reason).to.match(/missing from the end/);
    await AuditEvent.collection.insertOne(head as never);

    v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok, JSON.stringify(v.problems)).to.equal(true);
    expect((await AuditHead.findById('head').lean())!.seq).to.equal(v.headSeq);
  });

  it('when someone with database access re-hashes the chain from an edited event on, without the key, then verify still reports it', async () => {
    await audit.record({ actor: systemActor('rewrite') }, { action: 'test.rewrite', entity: 'demo', after: { amount: 1 } });
    await audit.record({ actor: systemActor('rewrite') }, { action: 'test.rewrite', entity: 'demo', after: { amount: 5 } });
    const seqs = (await audit.list({ action: 'test.rewrite', page: 1, limit: 2 })).items.map((e) => e.seq).sort((x, y) => x - y);
    const originals = await Promise.all(seqs.map((q) => AuditEvent.findById(eventId(q)).lean()));
    // the attacker's best effort: edit, then re-seal every event after with a plain SHA-256
    let prev = (await AuditEvent.findById(eventId(seqs[0] - 1)).lean())!.h;
    for (const o of originals) {
      const body = JSON.parse(o!.d);
      body.prevHash = prev;
      if (body.after?.amount === 1) body.after.amount = 2;
      const d = JSON.stringify(body);
      prev = sha256(d);
      await AuditEvent.updateOne({ _id: o!._id }, { $set: { d, h: prev } });
    }
    const v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok).to.equal(false);
    expect(v.problems.map((p: { seq: number }) => p.seq)).to.include(seqs[0]);
    for (const o of originals) await AuditEvent.updateOne({ _id: o!._id }, { $set: { d: o!.d, h: o!.h } });
    expect((await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body.ok).to.equal(true);
  });

  it('when the newest events are deleted and the head rewound, then verify reports it against the checkpoint kept outside the database', async () => {
    for (let i = 0; i < 3; i++) await audit.record({ actor: systemActor('tail') }, { action: 'test.tail', entity: 'demo', after: { i } });
    const cp = await writeCheckpoint();
    expect(cp).to.not.equal(undefined);
    const head = (await AuditHead.findById('head').lean())!;
    const tail = await Promise.all([head.seq - 1, head.seq].map((q) => AuditEvent.findById(eventId(q)).lean()));
    const kept = (await AuditEvent.findById(eventId(head.seq - 2)).lean())!;
    await AuditEvent.deleteMany({ _id: { $in: tail.map((t) => t!._id) } });
    await AuditHead.updateOne({ _id: 'head' }, { $set: { seq: head.seq - 2, hash: kept.h } });
    const v = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(v.ok).to.equal(false);
    expect(v.checkpoint).to.include({ seq: cp!.seq });
    expect(v.problems.map((p: { reason: string }) => p.reason).join(' ')).to.match(/events were removed/);
    await AuditEvent.collection.insertMany(tail as never[]);
    await AuditHead.updateOne({ _id: 'head' }, { $set: { seq: head.seq, hash: head.hash } });
    const fine = (await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body;
    expect(fine.ok, JSON.stringify(fine.problems)).to.equal(true);
  });

  it('when a time range ends before it starts, then it is simply empty; a bound alone is allowed', async () => {
    const res = await api().get('/api/v1/audit').query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).set(bearer(a.admin));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ total: 0 });
    expect(res.body.items).to.deep.equal([]);
    const upTo = await api().get('/api/v1/audit').query({ to: new Date().toISOString() }).set(bearer(a.admin));
    expect(upTo.status).to.equal(200);
    expect(upTo.body.total).to.be.greaterThan(0);
  });
});
