import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, type Actors } from './helpers/factories';
import { raise } from './helpers/findings';
import { harness } from './helpers/harness';
import { WireProxy } from './helpers/wire-proxy';
import { DatabaseFault, onFault } from '../src/db/faults';
import { watchReplies } from '../src/db/guard';

/*
 * Distrust of the wire (src/db/guard.ts). A loopback proxy in front of the test database makes the
 * server's answers go wrong the way they went wrong in production: a reply left waiting in the
 * socket (the next request reads it as its own), a reply of another request. The service's driver
 * must never take such an answer for data: it fails as a database fault, counted and logged, and
 * the connection it came on is not used again. Over HTTP: a corrupted audit head makes writes
 * fail fast (no loop), is named by the consistency check and repaired from the chain.
 */
const { MongoClient } = mongoose.mongo;
type Client = InstanceType<typeof MongoClient>;
const N = 20;

async function faultOf(p: Promise<unknown>): Promise<DatabaseFault> {
  try {
    await p;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(DatabaseFault);
    return err as DatabaseFault;
  }
  throw new Error('the lookup answered instead of failing');
}

describe('distrust of the wire: wrong answers are database faults, never data', function () {
  this.timeout(60_000);
  let proxy: WireProxy;
  let client: Client;
  const faults: DatabaseFault[] = [];
  const probe = () => client.db().collection<{ _id: string; n: number }>('wire_probe');

  before(async () => {
    await mongoose.connection.db!.collection('wire_probe').insertMany(Array.from({ length: N }, (_, n) => ({ _id: `w-${n}` as never, n })));
    proxy = await WireProxy.start(harness().uri);
    const db = new URL(harness().uri).pathname.slice(1) || 'test';
    // one connection: every command follows the previous one on the same socket
    client = await new MongoClient(proxy.uri(db), { maxPoolSize: 1, monitorCommands: true, serverSelectionTimeoutMS: 5000, retryReads: false }).connect();
    watchReplies(client);
    onFault('wire-test', (f) => faults.push(f));
  });
  after(async () => {
    onFault('wire-test', () => undefined);
    await client?.close();
    await proxy?.close();
  });
  beforeEach(() => { faults.length = 0; });

  it('when a reply waits in the socket (the answer to a request that expected none), then the next lookup fails as a database fault and the 200 lookups after it get their own documents', async () => {
    proxy.arm('duplicate', 'find');
    expect((await probe().findOne({ _id: 'w-1' }))?._id).to.equal('w-1');
    // the second copy of w-1's answer is what the driver reads next: refused, and the connection closed
    const f = await faultOf(probe().findOne({ _id: 'w-2' }));
    expect(f.kind).to.equal('mismatched_reply');
    expect(proxy.injected).to.equal(1);
    let wrong = 0;
    for (let i = 0; i < 200; i++) {
      const id = `w-${i % N}`;
      const doc = await probe().findOne({ _id: id });
      if (doc?._id !== id) wrong++;
    }
    expect(wrong, 'lookups answered with another document').to.equal(0);
    expect(faults.map((x) => x.kind)).to.deep.equal(['mismatched_reply']);
  });

  it('when a lookup by _id is answered with another document (another request\'s reply, its header made to fit), then it is refused as wrong_document', async () => {
    expect((await probe().findOne({ _id: 'w-3' }))?._id).to.equal('w-3');
    proxy.arm('previous', 'find');
    const f = await faultOf(probe().findOne({ _id: 'w-4' }));
    expect(f.kind).to.equal('wrong_document');
    expect(f.collection).to.equal('wire_probe');
    // the message names the collection, never the id (an id may be a token's hash)
    expect(f.message).to.not.match(/w-[34]/);
    expect((await probe().findOne({ _id: 'w-4' }))?._id).to.equal('w-4');
  });

  it('when a find on one collection is answered with a cursor of another, then the reply is counted as mismatched', async () => {
    await probe().findOne({ _id: 'w-5' });
    proxy.arm('previous', 'find');
    await client.db().collection('wire_other').find({}).toArray();
    expect(faults.map((x) => x.kind)).to.include('mismatched_reply');
  });
});

describe('distrust of the wire: an audit head that is not a position', function () {
  this.timeout(120_000);
  let a: Actors;
  const head = () => mongoose.connection.db!.collection('audit_head');
  before(async () => { a = await makeActors(); });

  it('when the head\'s sequence is not a safe integer, then audited writes fail fast with 503, the fault is counted, the consistency check repairs the head from the chain and nothing is lost', async () => {
    const { finding } = await raise(a);
    const good = await head().findOne({ _id: 'head' as never });
    expect(Number.isSafeInteger(good?.seq)).to.equal(true);
    await head().updateOne({ _id: 'head' as never }, { $set: { seq: good!.seq + 0.5 } });
    try {
      const t0 = Date.now();
      const r = await api().post('/api/v1/organizations').set(bearer(a.admin)).send({ code: `WIRE${Date.now() % 100000}`, name: 'Wire test', type: 'ministry' });
      expect(r.status, JSON.stringify(r.body)).to.equal(503);
      expect(r.body.error.code).to.equal('database_fault');
      expect(JSON.stringify(r.body)).to.not.match(/audit_head|seq|stack/i);
      expect(Date.now() - t0, 'the append gave up instead of looping').to.be.below(10_000);
      const c = await api().post(`/api/v1/findings/${finding.id}/comments`).set(bearer(a.inspector)).send({ comment: 'while the head is broken' });
      expect(c.status, JSON.stringify(c.body)).to.be.oneOf([201, 503]);
      process.stdout.write(`      (a comment while the head is broken: ${c.status})\n`);
      const metrics = await api().get('/metrics').set(bearer(a.admin));
      expect(metrics.text).to.match(/attest_db_faults_total\{kind="bad_value"\} [1-9]/);
      const seen = await api().get('/api/v1/admin/consistency').query({ repair: true }).set(bearer(a.admin));
      expect(seen.status).to.equal(200);
      const st = (seen.body.structures as { name: string; differences: number; repaired: number; samples: { id: string }[] }[]).find((s) => s.name === 'audit-head')!;
      expect(st.samples.map((s) => s.id)).to.include('head');
      expect(st.repaired).to.be.greaterThan(0);
    } finally {
      const now = await head().findOne({ _id: 'head' as never });
      if (!Number.isSafeInteger(now?.seq)) await head().updateOne({ _id: 'head' as never }, { $set: { seq: good!.seq } });
    }
    const fixed = await head().findOne({ _id: 'head' as never });
    expect(fixed!.seq).to.be.at.least(good!.seq);
    // the comment's change carries its event as an intent: once the grace for a settle under way
    // (5 s) has passed, the next repair appends it
    await new Promise((resolve) => setTimeout(resolve, 5500));
    expect((await api().get('/api/v1/admin/consistency').query({ repair: true }).set(bearer(a.admin))).status).to.equal(200);
    const events = await api().get('/api/v1/audit').query({ entity: 'finding', entityId: finding.id }).set(bearer(a.admin));
    const comments = await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.admin));
    const stored = (comments.body.history ?? []).filter((h: { action?: string; type?: string }) => (h.action ?? h.type) === 'comment').length;
    expect(events.body.items.filter((e: { action: string }) => e.action === 'finding.comment').length).to.equal(stored);
    const v = await api().get('/api/v1/audit/verify').set(bearer(a.admin));
    expect(v.body.ok, JSON.stringify(v.body)).to.equal(true);
  });
});
