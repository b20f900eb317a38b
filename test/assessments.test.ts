import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, makeUser, tokenFor, type Actors } from './helpers/factories';
import { allMet, answer, startAssessment } from './helpers/assessments';
import { listForAssessment } from '../src/modules/findings/finding.service';

const DAY = 86_400_000;

describe('assessments', () => {
  let a: Actors;
  let admin2: string;
  before(async () => {
    a = await makeActors();
    admin2 = await tokenFor(await makeUser('admin'));
  });

  it('when a level-3 system is assessed end to end, then the summary shows the score and failed controls are open findings due by the SLA', async () => {
    const system = await makeSystem(a.org, { level: 3 });
    const level3 = (await api().get('/api/v1/checklists').set(bearer(a.inspector))).body;
    const checklist = (Array.isArray(level3) ? level3 : level3.items)[0];
    const asm = await startAssessment(a.inspector, system.id);
    expect(asm.status).to.equal('draft');
    expect(asm.controls.length).to.equal(checklist.countsByLevel['3']);
    expect(asm.controls.every((c) => c.ref.startsWith('7.'))).to.equal(true);
    expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body.compliance.state).to.equal('in_assessment');

    const ids = asm.results.map((r) => r.controlId);
    const [partialId, notMetId, naId] = [ids[1], ids[2], ids[3]];
    const filled = await answer(a.inspector, asm, (id) => (
      id === partialId ? { result: 'partial' } : id === notMetId ? { result: 'not_met' } : id === naId ? { result: 'not_applicable', note: 'No such component' } : { result: 'met' }));
    expect(filled.status).to.equal('in_progress');

    const submitted = await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
    expect(submitted.body.status).to.equal('submitted');
    expect(submitted.body.findings.created).to.equal(2);
    const applicable = ids.length - 1;
    expect(submitted.body.summary).to.deep.include({ met: ids.length - 3, partial: 1, not_met: 1, not_applicable: 1, applicable, metAllCriteria: false });
    expect(submitted.body.summary.score).to.be.closeTo((ids.length - 3) / applicable, 0.0001);

    const approved = await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(a.admin)).send({});
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    expect(approved.body.status).to.equal('approved');

    const sys = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body;
    expect(sys.compliance).to.deep.include({ state: 'non_compliant', metAllCriteria: false, lastAssessment: asm.id });
    expect(sys.compliance.score).to.be.closeTo((ids.length - 3) / applicable, 0.0001);
    const months = (await api().get('/api/v1/settings').set(bearer(a.admin))).body.reassessmentMonths['3'];
    const due = new Date(approved.body.approvedAt);
    due.setUTCMonth(due.getUTCMonth() + months);
    expect(new Date(sys.compliance.nextAssessmentDue).toISOString()).to.equal(due.toISOString());

    const sla = (await api().get('/api/v1/settings').set(bearer(a.admin))).body.slaDays;
    const list = await listForAssessment(asm.id);
    expect(list.map((f) => f.control).sort()).to.deep.equal([partialId, notMetId].sort());
    for (const f of list) {
      expect(f.status).to.equal('open');
      const expected = new Date(submitted.body.submittedAt).getTime() + sla[f.severity] * DAY;
      expect(f.dueAt.getTime()).to.equal(expected);
    }
    const open = sys.compliance.openFindings;
    expect(open.critical + open.high + open.medium + open.low).to.equal(2);
  });

  it('when every control is met and approved, then the system is compliant and meets all criteria', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    expect((await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({})).status).to.equal(200);
    expect((await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(a.admin)).send({})).status).to.equal(200);
    const sys = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).body;
    expect(sys.compliance).to.deep.include({ state: 'compliant', metAllCriteria: true, score: 1 });
  });

  it('when controls are unanswered, then submit answers 422 listing every one of them and nothing changes', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await startAssessment(a.inspector, system.id);
    const left = asm.results.slice(-3).map((r) => r.controlId);
    await answer(a.inspector, asm, (id) => (left.includes(id) ? undefined : { result: 'met' }));
    const res = await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    expect(res.status).to.equal(422);
    expect(res.body.error.details.unanswered).to.deep.equal(left);
    expect((await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body.status).to.equal('in_progress');
  });

  it('when a result is invalid, lacks a note, names an unknown control, or has a stale version, then a clear 4xx and nothing changes', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await startAssessment(a.inspector, system.id);
    const c = asm.results[0].controlId;
    const put = (controlId: string, body: object) => api().put(`/api/v1/assessments/${asm.id}/results/${controlId}`).set(bearer(a.inspector)).send(body);
    expect((await put(c, { result: 'maybe', version: 0 })).status).to.equal(400);
    const noNote = await put(c, { result: 'not_met', version: 0 });
    expect(noNote.status).to.equal(422);
    expect(noNote.body.error.details[0].field).to.equal('note');
    expect((await put(c, { result: 'not_applicable', note: '  ', version: 0 })).status).to.equal(422);
    expect((await put('MGT.XXX.99', { result: 'met', version: 0 })).status).to.equal(404);
    expect((await put('not a control', { result: 'met', version: 0 })).status).to.equal(400);
    expect((await put(c, { result: 'met' })).status).to.equal(400);
    expect((await put(c, { result: 'met', version: 5 })).status).to.equal(409);
    const fresh = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    expect(fresh.results[0]).to.include({ version: 0 });
    expect(fresh.results[0].result).to.equal(undefined);
    expect(fresh.status).to.equal('draft');
  });

  it('when two inspectors save the same result at once, then one wins and the other gets 409', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await startAssessment(a.inspector, system.id);
    const other = await tokenFor(await makeUser('inspector'));
    const c = asm.results[0].controlId;
    const [r1, r2] = await Promise.all([
      api().put(`/api/v1/assessments/${asm.id}/results/${c}`).set(bearer(a.inspector)).send({ result: 'met', version: 0 }),
      api().put(`/api/v1/assessments/${asm.id}/results/${c}`).set(bearer(other)).send({ result: 'not_met', note: 'gap', version: 0 }),
    ]);
    expect([r1.status, r2.status].sort()).to.deep.equal([200, 409]);
    const winner = r1.status === 200 ? 'met' : 'not_met';
    const fresh = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    expect(fresh.results[0]).to.include({ result: winner, version: 1 });
  });

  it('when an assessment is submitted twice at once, then one wins, the other gets 409, and no finding is duplicated', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), (_id, i) => (i < 2 ? { result: 'not_met' } : { result: 'met' }));
    const [s1, s2] = await Promise.all([1, 2].map(() => api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({})));
    expect([s1.status, s2.status].sort()).to.deep.equal([200, 409]);
    expect((await listForAssessment(asm.id)).length).to.equal(2);
  });

  it('when the submitter also holds the admin role, then they cannot approve their own assessment', async () => {
    const both = await tokenFor(await makeUser(['admin', 'inspector']));
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(both, await startAssessment(both, system.id), allMet);
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(both)).send({});
    const res = await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(both)).send({});
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('separation_of_duties');
    expect((await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(admin2)).send({})).status).to.equal(200);
  });

  it('when an assessment is approved, then it is immutable', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(a.admin)).send({});
    const c = asm.results[0];
    const put = await api().put(`/api/v1/assessments/${asm.id}/results/${c.controlId}`).set(bearer(a.inspector)).send({ result: 'not_met', note: 'x', version: 1 });
    expect(put.status).to.equal(409);
    expect(put.body.error.details.allowedTransitions).to.deep.equal([]);
    expect((await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({})).status).to.equal(409);
    expect((await api().post(`/api/v1/assessments/${asm.id}/return`).set(bearer(a.admin)).send({ reason: 'late change' })).status).to.equal(409);
    expect((await api().delete(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).status).to.equal(409);
  });

  it('when an admin returns an assessment, then the inspector can fix it and resubmit, and findings of controls now met are verified', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    let asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), (_id, i) => (i === 0 ? { result: 'not_met' } : { result: 'met' }));
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    expect((await api().post(`/api/v1/assessments/${asm.id}/return`).set(bearer(a.admin)).send({})).status).to.equal(400);
    const ret = await api().post(`/api/v1/assessments/${asm.id}/return`).set(bearer(a.admin)).send({ reason: 'Evidence for the first control is a draft document' });
    expect(ret.body).to.include({ status: 'returned', returnReason: 'Evidence for the first control is a draft document' });
    asm = (await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector))).body;
    asm = await answer(a.inspector, asm, (_id, i) => (i === 0 ? { result: 'met' } : undefined));
    expect(asm.status).to.equal('in_progress');
    const again = await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    expect(again.body.findings).to.deep.equal({ created: 0, closed: 1 });
    expect((await listForAssessment(asm.id)).map((f) => f.status)).to.deep.equal(['verified']);
  });

  it('when a re-assessment starts from the previous one, then notes and links are copied and every result is reset', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const first = await startAssessment(a.inspector, system.id);
    const c = first.results[0];
    await api().put(`/api/v1/assessments/${first.id}/results/${c.controlId}`).set(bearer(a.inspector))
      .send({ result: 'partial', note: 'Policy not yet signed', evidence: [{ url: 'https://docs.example.org/policy-v2.pdf', title: 'Policy draft' }], version: 0 });
    const done = await answer(a.inspector, (await api().get(`/api/v1/assessments/${first.id}`).set(bearer(a.inspector))).body, (id) => (id === c.controlId ? undefined : { result: 'met' }));
    await api().post(`/api/v1/assessments/${done.id}/submit`).set(bearer(a.inspector)).send({});
    await api().post(`/api/v1/assessments/${done.id}/approve`).set(bearer(a.admin)).send({});
    const second = await startAssessment(a.inspector, system.id, { basedOn: first.id });
    const r = second.results.find((x) => x.controlId === c.controlId) as unknown as { note: string; evidence: { url: string }[]; result?: string; version: number };
    expect(r.note).to.equal('Policy not yet signed');
    expect(r.evidence.map((e) => e.url)).to.deep.equal(['https://docs.example.org/policy-v2.pdf']);
    expect(second.results.every((x) => x.result === undefined && x.version === 0)).to.equal(true);
  });

  it('when a system already has an open assessment, then a second one (even started at the same moment) gets 409', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const other = await tokenFor(await makeUser('inspector'));
    const [r1, r2] = await Promise.all([a.inspector, other].map((t) => api().post('/api/v1/assessments').set(bearer(t)).send({ system: system.id })));
    expect([r1.status, r2.status].sort()).to.deep.equal([201, 409]);
    const created = r1.status === 201 ? r1 : r2;
    expect((await api().delete(`/api/v1/assessments/${created.body.id}`).set(bearer(a.inspector))).status).to.equal(204);
    expect((await api().post('/api/v1/assessments').set(bearer(other)).send({ system: system.id })).status).to.equal(201);
  });

  it('when the system is unknown or outside the caller\'s reach, or basedOn is another system\'s, then 404 / 422', async () => {
    expect((await api().post('/api/v1/assessments').set(bearer(a.inspector)).send({ system: '0123456789abcdef01234567' })).status).to.equal(404);
    const s1 = await makeSystem(a.org, { level: 1 });
    const s2 = await makeSystem(a.org, { level: 1 });
    const first = await startAssessment(a.inspector, s1.id);
    const res = await api().post('/api/v1/assessments').set(bearer(a.inspector)).send({ system: s2.id, basedOn: first.id });
    expect(res.status).to.equal(422);
    expect(res.body.error.details[0].field).to.equal('basedOn');
  });

  it('when a system with an approved assessment changes level, then it needs re-assessment; and it cannot be deleted', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
    await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(a.admin)).send({});
    const res = await api().patch(`/api/v1/systems/${system.id}`).set(bearer(a.admin)).send({ level: 2 });
    expect(res.body.compliance.needsReassessment).to.equal(true);
    expect((await api().delete(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).status).to.equal(409);
  });

  it('when owners list assessments, then they see only their organization\'s, read-only', async () => {
    const mine = await makeSystem(a.org, { level: 1 });
    const theirs = await makeSystem(a.otherOrg, { level: 1 });
    const m = await startAssessment(a.inspector, mine.id);
    const t = await startAssessment(a.inspector, theirs.id);
    const list = (await api().get('/api/v1/assessments').query({ limit: 100 }).set(bearer(a.owner))).body;
    const ids = list.items.map((x: { id: string }) => x.id);
    expect(ids).to.include(m.id);
    expect(ids).not.to.include(t.id);
    expect((await api().get(`/api/v1/assessments/${t.id}`).set(bearer(a.owner))).status).to.equal(404);
    expect((await api().put(`/api/v1/assessments/${m.id}/results/${m.results[0].controlId}`).set(bearer(a.owner)).send({ result: 'met', version: 0 })).status).to.equal(403);
  });
});
