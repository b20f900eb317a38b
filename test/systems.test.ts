import { expect } from 'chai';
import { Types } from 'mongoose';
import * as store from '../src/db/store';
import { System } from '../src/modules/systems/system.model';
import { api, bearer, makeActors, makeSystem, makeUser, tokenFor, uniq, type Actors } from './helpers/factories';

describe('systems', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when an admin creates a system, then it starts not assessed with zero open findings and is readable with its compliance', async () => {
    const body = {
      code: uniq('ht-'), name: 'Hệ thống thông tin giải quyết thủ tục hành chính', organization: a.org.id, level: 3,
      levelApproval: { reference: '123/QĐ-UBND', date: '2025-03-01' }, endpoints: ['https://dvc.example.org', 'portal.example.org:8443'],
      scanPorts: [443, 8443], allowedPorts: [443], owners: [a.users.owner.id], tags: ['dịch vụ công'],
    };
    const res = await api().post('/api/v1/systems').set(bearer(a.admin)).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.code).to.equal(body.code.toUpperCase());
    expect(res.body.compliance).to.deep.include({ state: 'not_assessed', openFindings: { critical: 0, high: 0, medium: 0, low: 0 } });
    const got = await api().get(`/api/v1/systems/${res.body.id}`).set(bearer(a.owner));
    expect(got.status).to.equal(200);
    expect(got.body.owners).to.deep.equal([a.users.owner.id]);
  });

  it('when the input is invalid, then 400 lists every wrong field and nothing is created', async () => {
    const code = uniq('BAD-');
    const res = await api().post('/api/v1/systems').set(bearer(a.admin)).send({
      code, name: '', organization: 'zzz', level: 7, endpoints: ['ftp://x'], scanPorts: [70000], compliance: { state: 'certified' },
    });
    expect(res.status).to.equal(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members(['name', 'organization', 'level', 'endpoints.0', 'scanPorts.0', 'compliance']);
    const list = await api().get('/api/v1/systems').query({ q: code }).set(bearer(a.admin));
    expect(list.body.total).to.equal(0);
  });

  it('when the organization does not exist or an owner belongs elsewhere, then 422 and nothing is created', async () => {
    const missingOrg = await api().post('/api/v1/systems').set(bearer(a.admin)).send({ code: uniq('X-'), name: 'Hệ thống', organization: '0123456789abcdef01234567', level: 1 });
    expect(missingOrg.status).to.equal(422);
    expect(missingOrg.body.error.details[0].field).to.equal('organization');
    const wrongOwner = await api().post('/api/v1/systems').set(bearer(a.admin)).send({ code: uniq('X-'), name: 'Hệ thống', organization: a.org.id, level: 1, owners: [a.users.otherOwner.id] });
    expect(wrongOwner.status).to.equal(422);
    expect(wrongOwner.body.error.details[0].field).to.equal('owners');
  });

  it('when a code is taken, then 409', async () => {
    const s = await makeSystem(a.org);
    const res = await api().post('/api/v1/systems').set(bearer(a.admin)).send({ code: s.code, name: 'Trùng mã', organization: a.org.id, level: 1 });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('conflict');
  });

  it('when the level changes, then compliance is marked as needing re-assessment', async () => {
    const s = await makeSystem(a.org, { level: 2 });
    const res = await api().patch(`/api/v1/systems/${s.id}`).set(bearer(a.admin)).send({ level: 4 });
    expect(res.status).to.equal(200);
    expect(res.body.level).to.equal(4);
    expect(res.body.compliance.needsReassessment).to.equal(true);
  });

  it('when a client tries to write compliance, then 400', async () => {
    const s = await makeSystem(a.org);
    const res = await api().patch(`/api/v1/systems/${s.id}`).set(bearer(a.admin)).send({ compliance: { state: 'certified' } });
    expect(res.status).to.equal(400);
  });

  it('when filtering and searching, then pagination, filters and literal text search work together', async () => {
    const org = a.otherOrg;
    const tag = uniq('t');
    for (let i = 0; i < 5; i++) await makeSystem(org, { level: i < 3 ? 4 : 5, name: `Cổng (test) ${tag} số ${i}`, tags: [tag] });
    const page1 = await api().get('/api/v1/systems').query({ tag, level: 4, limit: 2, page: 1 }).set(bearer(a.inspector));
    expect(page1.body).to.include({ total: 3, page: 1, limit: 2 });
    expect(page1.body.items).to.have.length(2);
    const page2 = await api().get('/api/v1/systems').query({ tag, level: 4, limit: 2, page: 2 }).set(bearer(a.inspector));
    expect(page2.body.items).to.have.length(1);
    // regex metacharacters are matched literally
    const q = await api().get('/api/v1/systems').query({ q: `(test) ${tag}` }).set(bearer(a.inspector));
    expect(q.body.total).to.equal(5);
    const dot = await api().get('/api/v1/systems').query({ q: '.*' }).set(bearer(a.inspector));
    expect(dot.body.total).to.equal(0);
    const byState = await api().get('/api/v1/systems').query({ tag, state: 'certified' }).set(bearer(a.inspector));
    expect(byState.body.total).to.equal(0);
  });

  it('when filtering by scan grade or by an overdue re-assessment, then only those systems come back', async () => {
    const tag = uniq('g');
    const [graded, late, fresh] = [await makeSystem(a.org, { tags: [tag] }), await makeSystem(a.org, { tags: [tag] }), await makeSystem(a.org, { tags: [tag] })];
    await store.updateById(System, graded.id, { $set: { lastScan: { run: new Types.ObjectId(), at: new Date(), status: 'succeeded', grade: 'B', failed: 2, errors: 0 } } });
    await store.updateById(System, late.id, { $set: { 'compliance.nextAssessmentDue': new Date(Date.now() - 86_400_000) } });
    await store.updateById(System, fresh.id, { $set: { 'compliance.nextAssessmentDue': new Date(Date.now() + 86_400_000) } });
    const codes = async (query: object) => (await api().get('/api/v1/systems').query({ tag, ...query }).set(bearer(a.inspector))).body.items.map((s: { id: string }) => s.id).sort();
    expect(await codes({ grade: 'B' })).to.deep.equal([graded.id]);
    expect(await codes({ grade: 'none' })).to.deep.equal([late.id, fresh.id].sort());
    expect(await codes({ overdue: true })).to.deep.equal([late.id]);
    expect(await codes({ overdue: false })).to.deep.equal([graded.id, fresh.id].sort());
  });

  it('when a system is deleted, then it is gone and the deletion is audited', async () => {
    const s = await makeSystem(a.org);
    expect((await api().delete(`/api/v1/systems/${s.id}`).set(bearer(a.admin))).status).to.equal(204);
    expect((await api().get(`/api/v1/systems/${s.id}`).set(bearer(a.admin))).status).to.equal(404);
    const audit = await api().get('/api/v1/audit').query({ entity: 'system', entityId: s.id }).set(bearer(a.admin));
    expect(audit.body.items.map((e: { action: string }) => e.action)).to.deep.equal(['system.delete', 'system.create']);
  });

  it('when an owner has no organization access, then they cannot even see other organizations\' systems by id', async () => {
    const s = await makeSystem(a.otherOrg);
    const res = await api().get(`/api/v1/systems/${s.id}`).set(bearer(a.owner));
    expect(res.status).to.equal(404);
  });

  it('when a user with roles owner+inspector reads, then the inspector role gives the wider view', async () => {
    const u = await makeUser(['owner', 'inspector'], a.org);
    const s = await makeSystem(a.otherOrg);
    expect((await api().get(`/api/v1/systems/${s.id}`).set(bearer(await tokenFor(u)))).status).to.equal(200);
  });
});
