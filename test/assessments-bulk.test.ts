import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { startAssessment } from './helpers/assessments';

describe('assessments: many results in one save (PATCH /assessments/:id/results)', function () {
  this.timeout(60_000);
  let a: Actors;
  before(async () => { a = await makeActors(); });
  const get = async (id: string) => (await api().get(`/api/v1/assessments/${id}`).set(bearer(a.inspector))).body;

  it('when an inspector saves every control at once, then all are recorded, the assessment is in progress and one audit event tells it', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const results = asm.results.map((r, i) => ({ controlId: r.controlId, result: i === 0 ? 'partial' : 'met', ...(i === 0 && { note: 'Chỉ có bản nháp' }), version: r.version }));
    const res = await api().patch(`/api/v1/assessments/${asm.id}/results`).set(bearer(a.inspector)).send({ results });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.results).to.have.length(asm.results.length);
    const after = await get(asm.id);
    expect(after.status).to.equal('in_progress');
    expect(after.results.every((r: { result?: string; version: number }) => r.result && r.version === 1)).to.equal(true);
    expect(after.results[0]).to.include({ result: 'partial', note: 'Chỉ có bản nháp' });
    const audit = await api().get(`/api/v1/audit?entityId=${asm.id}&action=assessment.results`).set(bearer(a.admin));
    expect(audit.status, JSON.stringify(audit.body)).to.equal(200);
    expect(audit.body.items).to.have.length(1);
    expect(audit.body.items[0].after.results).to.have.length(asm.results.length);
    const submitted = await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({});
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
  });

  it('when one entry lacks a needed note or is stale, then nothing is saved and the answer names the controls', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const [c0, c1, c2] = asm.results;
    const noNote = await api().patch(`/api/v1/assessments/${asm.id}/results`).set(bearer(a.inspector))
      .send({ results: [{ controlId: c0.controlId, result: 'met', version: 0 }, { controlId: c1.controlId, result: 'not_met', version: 0 }] });
    expect(noNote.status).to.equal(422);
    expect(noNote.body.error.details).to.have.length(1);
    expect(noNote.body.error.details[0]).to.deep.include({ field: 'results.1.note', in: 'body', reason: 'is required when the result is not_met', controlId: c1.controlId });
    expect(noNote.body.error.details[0].message).to.deep.equal({
      vi: 'Ghi chú của người đánh giá (mục 2) là bắt buộc khi kết quả là “Không đạt”', en: 'Inspector\'s note (item 2) is required when the result is “not met”',
    });
    const stale = await api().patch(`/api/v1/assessments/${asm.id}/results`).set(bearer(a.inspector))
      .send({ results: [{ controlId: c0.controlId, result: 'met', version: 0 }, { controlId: c2.controlId, result: 'met', version: 3 }] });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.details.conflicts).to.deep.equal([{ controlId: c2.controlId, currentVersion: 0 }]);
    const after = await get(asm.id);
    expect(after.status).to.equal('draft');
    expect(after.results.filter((r: { result?: string }) => r.result)).to.deep.equal([]);
  });

  it('when a note is left out, then the control keeps the note it had', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const c = asm.results[0];
    await api().put(`/api/v1/assessments/${asm.id}/results/${c.controlId}`).set(bearer(a.inspector)).send({ result: 'partial', note: 'Thiếu nhật ký', version: 0 }).expect(200);
    const res = await api().patch(`/api/v1/assessments/${asm.id}/results`).set(bearer(a.inspector)).send({ results: [{ controlId: c.controlId, result: 'not_met', version: 1 }] });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.results[0]).to.include({ result: 'not_met', note: 'Thiếu nhật ký', version: 2 });
  });

  it('when the body is invalid (repeated control, unknown control, bad result, empty), then 400 or 422 and nothing changes', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const c = asm.results[0].controlId;
    const send = (body: unknown) => api().patch(`/api/v1/assessments/${asm.id}/results`).set(bearer(a.inspector)).send(body as object);
    expect((await send({ results: [] })).status).to.equal(400);
    expect((await send({ results: [{ controlId: c, result: 'met', version: 0 }, { controlId: c, result: 'met', version: 0 }] })).status).to.equal(400);
    expect((await send({ results: [{ controlId: c, result: 'great', version: 0 }] })).status).to.equal(400);
    const unknown = await send({ results: [{ controlId: 'TEC.ZZZ.99', result: 'met', version: 0 }] });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.details[0]).to.include({ field: 'results.0.controlId', controlId: 'TEC.ZZZ.99' });
    expect((await get(asm.id)).status).to.equal('draft');
  });

  it('when an owner or an admin tries it, then 403 and nothing changes', async () => {
    const asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const body = { results: [{ controlId: asm.results[0].controlId, result: 'met', version: 0 }] };
    for (const who of [a.owner, a.admin]) {
      expect((await api().patch(`/api/v1/assessments/${asm.id}/results`).set(bearer(who)).send(body)).status).to.equal(403);
    }
    expect((await get(asm.id)).status).to.equal('draft');
  });
});
