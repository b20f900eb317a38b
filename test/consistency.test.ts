import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { raise } from './helpers/findings';
import { intentOf } from '../src/modules/audit/audit.intent';
import { systemActor } from '../src/shared/actor';

/*
 * Derived data left behind by a crash (written here around the store, the way a process killed
 * between two writes leaves it) is found by GET /admin/consistency, named, counted in /metrics, and
 * repaired; a second check then finds nothing of it.
 */
type Report = { ok: boolean; differences: number; structures: { name: string; differences: number; repaired: number; samples: { id: string; reason: string }[] }[] };
const raw = (name: string) => mongoose.connection.db!.collection(name);

async function check(a: Actors, repair: boolean): Promise<Report> {
  const r = await api().get('/api/v1/admin/consistency').query({ repair }).set(bearer(a.admin));
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body as Report;
}
const samplesOf = (r: Report, name: string) => r.structures.find((s) => s.name === name)?.samples ?? [];

describe('consistency of derived data (GET /admin/consistency)', function () {
  // a compliance difference is confirmed only after it stayed 12 s (settleMs): checks that find one take that long
  this.timeout(240_000);
  let a: Actors;
  before(async () => {
    a = await makeActors();
    // what the rest of the suite left (tests that write around the store on purpose) is repaired
    // first, so that each test below sees only the differences it made
    const left = await check(a, true);
    for (const st of left.structures.filter((x) => x.differences)) process.stdout.write(`      (left by other tests: ${st.name} ${st.differences}: ${st.samples.slice(0, 3).map((d) => d.reason).join('; ')})\n`);
  });

  it('when called by anyone but an admin, then 401/403; an unknown query key is 400', async () => {
    expect((await api().get('/api/v1/admin/consistency')).status).to.equal(401);
    expect((await api().get('/api/v1/admin/consistency').set(bearer(a.inspector))).status).to.equal(403);
    expect((await api().get('/api/v1/admin/consistency').set(bearer(a.owner))).status).to.equal(403);
    expect((await api().get('/api/v1/admin/consistency').query({ fix: 1 }).set(bearer(a.admin))).status).to.equal(400);
  });

  it('when a finding\'s board entry, a system\'s summary and its certificate copy were left behind, then each is named, repaired, counted, and gone at the next check', async () => {
    const { finding, system } = await raise(a, { severity: 'critical' });
    // a crash between a finding's write and its board entry; a summary and a certificate copy that were never refreshed
    await raw('finding_boards').updateOne({ _id: system.id as never }, { $unset: { [`items.${finding.id}`]: 1 } });
    await raw('systems').updateOne({ _id: new mongoose.Types.ObjectId(system.id) }, { $set: { 'compliance.openFindings.critical': 0, certificate: { id: new mongoose.Types.ObjectId(), number: 'ATT-1999-000001', status: 'valid', expiresAt: new Date() } } });
    const seen = await check(a, false);
    expect(samplesOf(seen, 'finding-boards').map((d) => d.id)).to.include(finding.id);
    expect(samplesOf(seen, 'compliance').map((d) => d.id)).to.include(system.id);
    expect(samplesOf(seen, 'certificate-state').map((d) => d.id)).to.include(system.id);
    // what this process serves of the boards is no longer what is stored
    expect(samplesOf(seen, 'cache:finding_boards').map((d) => d.id)).to.include(system.id);
    const fixed = await check(a, true);
    expect(fixed.structures.find((s) => s.name === 'finding-boards')!.repaired).to.be.greaterThan(0);
    const after = await check(a, false);
    for (const name of ['finding-boards', 'cache:finding_boards', 'compliance', 'certificate-state', 'dashboard']) {
      expect(samplesOf(after, name).map((d) => d.id), name).to.not.include.members([finding.id, system.id]);
    }
    const list = await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.admin));
    expect(list.body.items.map((f: { id: string }) => f.id)).to.include(finding.id);
    const s = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).body;
    expect(s.compliance.openFindings.critical).to.equal(1);
    expect(s.certificate).to.equal(null);
    const metrics = await api().get('/metrics').set(bearer(a.admin));
    expect(metrics.text).to.match(/attest_consistency_differences_total\{structure="finding-boards"\} [1-9]/);
  });

  it('when a process died after writing a change with its audit intent but before the event, then the event is appended from the intent, once, and the chain verifies', async () => {
    const { finding } = await raise(a);
    const ctx = { actor: systemActor('crashed-writer') };
    const intent = intentOf(ctx, { action: 'finding.transition', entity: 'finding', entityId: finding.id, before: { status: 'open' }, after: { status: 'in_remediation' } }, new Date(Date.now() - 10_000));
    await raw('findings').updateOne({ _id: new mongoose.Types.ObjectId(finding.id) }, {
      $set: { status: 'in_remediation', [`auditIntents.${intent.ref}`]: JSON.stringify(intent) }, $inc: { version: 1 },
      $push: { history: { at: new Date(), by: 'crashed-writer', action: 'transition', from: 'open', to: 'in_remediation' } } as never,
    });
    const seen = await check(a, false);
    expect(samplesOf(seen, 'audit-intents').map((d) => d.reason)).to.include('a change (finding.transition) without its audit event');
    await check(a, true);
    await check(a, true); // a second repair appends nothing more
    const events = (await api().get('/api/v1/audit').query({ entity: 'finding', entityId: finding.id, limit: 100 }).set(bearer(a.admin))).body.items as { action: string; ref?: string }[];
    expect(events.filter((e) => e.ref === intent.ref)).to.have.length(1);
    expect(samplesOf(await check(a, false), 'audit-intents').map((d) => d.id).join()).to.not.include(intent.ref);
    expect((await api().get('/api/v1/audit/verify').set(bearer(a.admin))).body.ok).to.equal(true);
  });

  it('when a writer died between its write and the second move of the generation, then readers still see the write, and the counter is evened out once it stayed odd', async () => {
    const system = await makeSystem(a.org);
    await api().get('/api/v1/systems').set(bearer(a.admin)); // the list is held in this process now
    // the first move happened, the write happened (around the store), the second move never came
    await raw('generations').updateOne({ _id: 'systems' as never }, { $inc: { [`docs.${system.id}`]: 1 } });
    await raw('systems').updateOne({ _id: new mongoose.Types.ObjectId(system.id) }, { $set: { name: 'Tên mới sau sự cố' } });
    const list = await api().get('/api/v1/systems').query({ q: system.code }).set(bearer(a.admin));
    expect(list.body.items[0].name).to.equal('Tên mới sau sự cố');
    await check(a, false); // first sighting of the odd counter
    await new Promise((r) => setTimeout(r, 5500));
    const fixed = await check(a, true);
    expect(samplesOf(fixed, 'cache:systems').map((d) => d.id)).to.include(`generation:docs.${system.id}`);
    const g = await raw('generations').findOne({ _id: 'systems' as never });
    expect((g!.docs as Record<string, number>)[system.id] % 2).to.equal(0);
  });

  it('when what a system keeps of its assessments disagrees with them, then it is named and put right', async () => {
    const system = await makeSystem(a.org);
    await raw('systems').updateOne({ _id: new mongoose.Types.ObjectId(system.id) }, { $set: { assessmentCount: 3, lastApprovedAssessment: new mongoose.Types.ObjectId() } });
    const seen = await check(a, false);
    expect(samplesOf(seen, 'system-assessments').filter((d) => d.id === system.id).map((d) => d.reason)).to.have.length(2);
    await check(a, true);
    const s = await raw('systems').findOne({ _id: new mongoose.Types.ObjectId(system.id) });
    expect(s).to.include({ assessmentCount: 0, lastApprovedAssessment: null });
  });

  it('when the scan list of a deleted system and a lagging audit head were left behind, then both are repaired', async () => {
    const gone = new mongoose.Types.ObjectId().toString();
    await raw('scan_index').insertOne({ _id: gone as never, runs: [], version: 0 });
    const head = await raw('audit_head').findOne({ _id: 'head' as never });
    const previous = await raw('audit_events').findOne({ _id: String(head!.seq - 1).padStart(12, '0') as never });
    if (previous) await raw('audit_head').updateOne({ _id: 'head' as never }, { $set: { seq: head!.seq - 1, hash: previous.h } });
    const seen = await check(a, false);
    expect(samplesOf(seen, 'scan-index').map((d) => d.id)).to.include(`list:${gone}`);
    if (previous) expect(samplesOf(seen, 'audit-head').map((d) => d.id)).to.include('head');
    await check(a, true);
    expect(await raw('scan_index').findOne({ _id: gone as never })).to.equal(null);
    expect((await raw('audit_head').findOne({ _id: 'head' as never }))!.seq).to.be.at.least(head!.seq);
  });
});
