import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, uniq, type Actors } from './helpers/factories';
import { raise } from './helpers/findings';
import { startAssessment } from './helpers/assessments';

/** The 422 of the text rule: one detail naming the field, its reason and the rule's code. */
function expectTextRule(res: { status: number; body: any }, field: string, code: string) {
  expect(res.status, JSON.stringify(res.body)).to.equal(422);
  expect(res.body.error.code).to.equal('unprocessable');
  expect(res.body.error.message).to.include(field);
  const d = res.body.error.details.find((x: { field: string }) => x.field === field);
  expect(d, JSON.stringify(res.body.error.details)).to.include({ in: 'body', code: 'string.controlChars' });
  expect(d.reason).to.match(new RegExp(`^${field.split('.').pop()} contains .*\\(${code.replace('+', '\\+')}\\)`));
}

describe('names are text: control and bidirectional characters are refused', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when PATCH /systems/:id sets {"name":"Sys \\u202eexe.txt"} (the issue\'s request), then 422 naming name, and the system is unchanged', async () => {
    const s = await makeSystem(a.org);
    const res = await api().patch(`/api/v1/systems/${s.id}`).set(bearer(a.admin)).send({ name: 'Sys \u202eexe.txt' });
    expectTextRule(res, 'name', 'U+202E');
    // the user reads it in their language, the field named as people call it (http/messages.ts)
    const d = res.body.error.details[0] as { label: { vi: string; en: string }; message: { vi: string; en: string } };
    expect(d.message.vi).to.match(/^Tên .*ký tự điều khiển hoặc ký tự định hướng văn bản \(U\+202E\)/);
    expect(d.message.en).to.match(/U\+202E/);
    const after = await api().get(`/api/v1/systems/${s.id}`).set(bearer(a.admin));
    expect(after.body.name).to.equal(s.name);
    expect(after.body.updatedAt).to.equal(new Date((s as unknown as { updatedAt: Date }).updatedAt).toISOString());
  });

  it('when a name holds NUL, BEL or a newline, then 422 (systems, organizations, users, finding titles) and nothing is stored', async () => {
    const s = await makeSystem(a.org);
    for (const [bad, code] of [['Sys\u0000tem', 'U+0000'], ['Sys\u0007tem', 'U+0007'], ['Sys\ntem', 'U+000A'], ['Sys\u0085tem', 'U+0085'], ['Sys\u2067tem', 'U+2067']]) {
      expectTextRule(await api().patch(`/api/v1/systems/${s.id}`).set(bearer(a.admin)).send({ name: bad }), 'name', code);
    }
    expectTextRule(await api().post('/api/v1/systems').set(bearer(a.admin)).send({ code: uniq('HT-'), name: 'Hệ\u0000thống', organization: a.org.id, level: 2 }), 'name', 'U+0000');
    expectTextRule(await api().patch(`/api/v1/organizations/${a.org.id}`).set(bearer(a.admin)).send({ name: 'Sở \u202eTT' }), 'name', 'U+202E');
    expectTextRule(await api().post('/api/v1/users').set(bearer(a.admin)).send({ email: `${uniq('t').toLowerCase()}@attest.example`, name: 'Nguyễn\u0007Văn A', password: 'Correct-Horse-42-battery', roles: ['inspector'] }), 'name', 'U+0007');
    expectTextRule(await api().post('/api/v1/findings').set(bearer(a.inspector)).send({ system: s.id, title: 'Lỗi\nhai dòng', severity: 'low' }), 'title', 'U+000A');
    expect((await api().get(`/api/v1/systems/${s.id}`).set(bearer(a.admin))).body.name).to.equal(s.name);
  });

  it('when a multi-line field holds newlines and tabs, then they are kept; a control character there is still refused', async () => {
    const { finding } = await raise(a, { description: 'Dòng một\nDòng hai\tcột' });
    const got = await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.inspector));
    expect(got.body.description).to.equal('Dòng một\nDòng hai\tcột');
    const ok = await api().post(`/api/v1/findings/${finding.id}/comments`).set(bearer(a.inspector)).send({ comment: 'Đã kiểm tra:\n- máy chủ 1\n- máy chủ 2' });
    expect(ok.status, JSON.stringify(ok.body)).to.be.oneOf([200, 201]);
    expectTextRule(await api().post(`/api/v1/findings/${finding.id}/comments`).set(bearer(a.inspector)).send({ comment: 'escape \u001b[2J' }), 'comment', 'U+001B');

    const system = await makeSystem(a.org);
    const assessment = await startAssessment(a.inspector, system.id);
    const r = assessment.results[0];
    const put = (note: string) => api().put(`/api/v1/assessments/${assessment.id}/results/${r.controlId}`).set(bearer(a.inspector)).send({ result: 'partial', note, version: r.version });
    expectTextRule(await put('ghi chú\u202e'), 'note', 'U+202E');
    const saved = await put('Quan sát:\nthiếu nhật ký\r\ntại máy chủ B');
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const fresh = (await api().get(`/api/v1/assessments/${assessment.id}`).set(bearer(a.inspector))).body;
    expect(fresh.results.find((x: { controlId: string }) => x.controlId === r.controlId).note).to.equal('Quan sát:\nthiếu nhật ký\r\ntại máy chủ B');
  });

  it('when a request breaks the text rule and the schema too, then 400 lists both (the document is not matched)', async () => {
    const s = await makeSystem(a.org);
    const res = await api().patch(`/api/v1/systems/${s.id}`).set(bearer(a.admin)).send({ name: 'Sys \u202eexe.txt', colour: 'red' });
    expect(res.status).to.equal(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members(['name', 'colour']);
  });

  it('when an imported CSV row holds a bidirectional override, then 422 names its row and field and nothing is imported; a JSON row likewise', async () => {
    const p = uniq('TXT-');
    const csv = `code,name,organization,level\n${p}-1,Một,${a.org.code},2\n${p}-2,Sys \u202eexe.txt,${a.org.code},2\n`;
    const res = await api().post('/api/v1/systems/import').set(bearer(a.admin)).set('Content-Type', 'text/csv').send(csv);
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error.details).to.have.length(1);
    expect(res.body.error.details[0]).to.include({ row: 2, field: 'name' });
    expect(res.body.error.details[0].reason).to.match(/U\+202E/);
    const json = await api().post('/api/v1/systems/import').set(bearer(a.admin)).send([{ code: `${p}-3`, name: 'Ba', description: 'a\u0000b', organization: a.org.code, level: 2 }]);
    expect(json.status, JSON.stringify(json.body)).to.equal(422);
    expect(json.body.error.details[0]).to.include({ row: 1, field: 'description' });
    const list = await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin));
    expect(list.body.total).to.equal(0);
  });
});
