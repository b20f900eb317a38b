import { expect } from 'chai';
import { Schema, Types, model } from 'mongoose';
import * as store from '../src/db/store';
import { api, bearer, makeActors, makeOrg, makeSystem, makeUser, PASSWORD, uniq, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { harness } from './helpers/harness';

/*
 * The guarantees of the persistence seam (src/db/store.ts), each under real concurrency on the
 * suite's database. On the embedded FerretDB a naive conditional update lets several racers win
 * and loses increments (measured: README, "What FerretDB does not do"); these tests fail there
 * without the seam's single write lane.
 */
interface CounterDoc { _id: Types.ObjectId; n: number; version: number }
const Counter = model<CounterDoc>('RaceCounter', new Schema<CounterDoc>({ n: Number, version: { type: Number, default: 0 } }, { versionKey: false }), 'race_counters');

describe('persistence seam under concurrency', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when 50 saves of one result are sent at once against the same version, then exactly one wins and 49 get 409', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await startAssessment(a.inspector, system.id);
    const c = asm.results[0];
    const saves = await Promise.all(Array.from({ length: 50 }, (_, i) => api().put(`/api/v1/assessments/${asm.id}/results/${c.controlId}`)
      .set(bearer(a.inspector)).send({ result: 'partial', note: `racer ${i}`, version: c.version })));
    const statuses = saves.map((r) => r.status);
    expect(statuses.filter((s) => s === 200), JSON.stringify(statuses)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(49);
    const winner = saves.find((r) => r.status === 200)!.body.note;
    const fresh = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    expect(fresh.results[0]).to.include({ version: 1, note: winner });
  });

  it('when 100 read-decide-write increments of one counter run at once, then the counter is 100', async () => {
    const c = await store.insertOne<CounterDoc>(Counter, { n: 0 });
    await Promise.all(Array.from({ length: 100 }, () => store.mutate<CounterDoc>(Counter, c._id, (d) => ({ $set: { n: d.n + 1 } }))));
    const after = await Counter.findById(c._id).lean();
    expect(after).to.include({ n: 100, version: 100 });
  });

  it('when 100 $inc updates of one document run at once, then none is lost', async () => {
    const c = await store.insertOne<CounterDoc>(Counter, { n: 0 });
    await Promise.all(Array.from({ length: 100 }, () => store.updateById(Counter, c._id, { $inc: { n: 1 } })));
    expect((await Counter.findById(c._id).lean())!.n).to.equal(100);
  });

  it('when two writers race on the same version 20 times, then each race has exactly one winner', async () => {
    let doubleWins = 0;
    for (let i = 0; i < 20; i++) {
      const c = await store.insertOne<CounterDoc>(Counter, { n: 0 });
      const won = await Promise.all([1, 2].map((k) => store.updateIfVersion(Counter, c._id, 0, { $set: { n: k } })));
      if (won.filter(Boolean).length !== 1) doubleWins++;
    }
    expect(doubleWins).to.equal(0);
  });

  it('when a 124-row import changes every row, then it finishes and updates all 124', async () => {
    const p = uniq('BULK-');
    const rows = Array.from({ length: 124 }, (_, i) => ({ code: `${p}-${String(i).padStart(3, '0')}`, name: `Hệ thống số ${i}`, organization: a.org.code, level: 1 + (i % 5) }));
    const first = await api().post('/api/v1/systems/import').set(bearer(a.admin)).send(rows);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.include({ created: 124 });
    const changed = await api().post('/api/v1/systems/import').set(bearer(a.admin)).send(rows.map((r) => ({ ...r, name: `${r.name} (đã đổi tên)` })));
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.body).to.include({ created: 0, updated: 124 });
  });

  it('when an update gives an organization or system the code of another, then 409 names the code field (not 500)', async () => {
    const [one, two] = await Promise.all([makeOrg(), makeOrg()]);
    const org = await api().patch(`/api/v1/organizations/${two.id}`).set(bearer(a.admin)).send({ code: one.code });
    expect(org.status, JSON.stringify(org.body)).to.equal(409);
    expect(org.body.error.details).to.have.length(1);
    expect(org.body.error.details[0]).to.deep.include({ field: 'code', reason: 'already exists', message: { vi: 'Mã đã tồn tại', en: 'Code already exists' } });
    expect(org.body.error.text).to.deep.equal({ vi: 'Mã này đã được dùng cho cơ quan, tổ chức khác', en: 'A record with the same code already exists' });
    const [s1, s2] = await Promise.all([makeSystem(a.org), makeSystem(a.org)]);
    const sys = await api().patch(`/api/v1/systems/${s2.id}`).set(bearer(a.admin)).send({ code: s1.code });
    expect(sys.status, JSON.stringify(sys.body)).to.equal(409);
    expect(sys.body.error.details[0].field).to.equal('code');
  });

  it('when 29 wrong logins for one e-mail arrive at once, then only the allowed number reach the password check, and the right password afterwards is refused (429)', async () => {
    const u = await makeUser('inspector');
    const results = await Promise.all(Array.from({ length: 29 }, () => api().post('/api/v1/auth/login').send({ email: u.email, password: 'Wrong-password-123' })));
    const max = harness().config.loginMaxFailures;
    expect(results.filter((r) => r.status === 401)).to.have.length(max);
    expect(results.filter((r) => r.status === 429)).to.have.length(29 - max);
    expect((await api().post('/api/v1/auth/login').send({ email: u.email, password: PASSWORD })).status).to.equal(429);
  });

  it('when an assessment is submitted while evidence is being attached, then no evidence lands on the submitted assessment', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    const c = asm.results[0].controlId;
    const uploads = Array.from({ length: 5 }, (_, i) => api().post(`/api/v1/assessments/${asm.id}/results/${c}/evidence`).set(bearer(a.inspector))
      .attach('file', Buffer.from(`biên bản ${i}`), { filename: `bb-${i}.txt`, contentType: 'text/plain' }));
    const [submitted, ...rest] = await Promise.all([api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}), ...uploads]);
    expect(submitted.status).to.equal(200);
    const attachedBefore = rest.filter((r) => r.status === 201).length;
    const final = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    expect(final.status).to.equal('submitted');
    expect(final.results[0].evidence).to.have.length(attachedBefore);
    expect(rest.every((r) => r.status === 201 || r.status === 409)).to.equal(true);
    const late = await api().post(`/api/v1/assessments/${asm.id}/results/${c}/evidence`).set(bearer(a.inspector))
      .attach('file', Buffer.from('muộn'), { filename: 'late.txt', contentType: 'text/plain' });
    expect(late.status).to.equal(409);
  });
});
