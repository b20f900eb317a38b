import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { answer, startAssessment, type AssessmentBody } from './helpers/assessments';
import { raise } from './helpers/findings';
import * as lifecycle from '../src/modules/findings/finding.lifecycle';
import { migrateFindingsToBilingual } from '../src/modules/findings/finding.migrate-vi';
import { displayDate } from '../src/shared/display';
import { systemActor } from '../src/shared/actor';

/*
 * Vietnamese all the way (issue 17 item 4), through the API: validation messages name the field
 * in both languages, findings raised from the catalogue carry the control's Vietnamese and English
 * words, history lines name the document and the person, and findings from before are migrated.
 */
type Bi = { vi: string; en: string };
type Detail = { field: string; in?: string; reason: string; label: Bi; message: Bi };
type Control = { id: string; ref: string; title: Bi; requirement: Bi };
type Finding = { id: string; control: string; title: string; titleVi: string; description: string; descriptionVi: string; history: { action: string; by: string; comment?: string; text?: Bi }[] };

const RAW_ID = /\b[0-9a-f]{24}\b/;
const ENGLISH_FIELDS = /\b(dueAt|expiresAt|note|level|is required|must)\b/;

/** Each detail keeps field/reason and has label and message in both languages; the Vietnamese names no API field. */
function checkDetails(details: Detail[]) {
  expect(details).to.be.an('array').that.is.not.empty;
  for (const d of details) {
    expect(d).to.include.keys('field', 'reason', 'label', 'message');
    expect(d.label.vi).to.be.a('string').and.not.equal(d.field);
    expect(d.message.vi, d.message.vi).not.to.match(ENGLISH_FIELDS);
    expect(d.message.en).to.include(d.label.en);
  }
}

describe('Vietnamese all the way: messages, catalogue findings, history lines', function () {
  this.timeout(60_000);
  let a: Actors;
  let code: string;
  let asm: Omit<AssessmentBody, 'controls'> & { controls: Control[]; system: string; submittedAt?: string };
  let findings: Finding[];

  before(async () => {
    a = await makeActors();
    const system = await makeSystem(a.org, { level: 1 });
    code = system.code;
    const started = await startAssessment(a.inspector, system.id) as unknown as typeof asm;
    const [first, second] = started.controls;
    await answer(a.inspector, started as unknown as AssessmentBody, (id) => (id === first.id ? { result: 'partial', note: 'Chưa ban hành quy chế' } : id === second.id ? { result: 'not_met', note: 'Không có minh chứng' } : { result: 'met' }));
    const submitted = await api().post(`/api/v1/assessments/${started.id}/submit`).set(bearer(a.inspector)).send({});
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
    asm = { ...submitted.body, controls: started.controls };
    const list = await api().get(`/api/v1/findings?system=${system.id}&limit=100`).set(bearer(a.inspector));
    findings = await Promise.all((list.body.items as { id: string }[]).map(async (f) => (await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.inspector))).body));
  });

  it('when a request misses or breaks a field, then each 400/422 detail names the field by its label in Vietnamese and English', async () => {
    const { finding } = await raise(a, { assignee: a.users.owner.id });
    const missing = await api().post(`/api/v1/findings/${finding.id}/extension`).set(bearer(a.owner)).send({ reason: 'Nhà cung cấp hẹn tháng sau' });
    expect(missing.status).to.equal(400);
    checkDetails(missing.body.error.details);
    // what clients read before stays as it was
    expect(missing.body.error.details[0]).to.deep.include({ field: 'dueAt', in: 'body', reason: 'dueAt is required' });
    expect(missing.body.error.details[0].label).to.deep.equal({ vi: 'Hạn xử lý', en: 'Due date' });
    expect(missing.body.error.details[0].message).to.deep.equal({ vi: 'Hạn xử lý là bắt buộc', en: 'Due date is required' });
    expect(missing.body.error.text).to.deep.equal({ vi: 'Dữ liệu không hợp lệ', en: 'Invalid input' });

    const past = await api().post(`/api/v1/findings/${finding.id}/extension`).set(bearer(a.owner)).send({ reason: 'Nhà cung cấp hẹn tháng sau', dueAt: '2020-01-01T00:00:00Z' });
    expect(past.status).to.equal(422);
    checkDetails(past.body.error.details);
    expect(past.body.error.details[0].message.vi).to.equal('Hạn xử lý phải là một thời điểm trong tương lai');
    expect(past.body.error.text.vi).to.equal('Yêu cầu vi phạm một quy tắc: Hạn xử lý phải là một thời điểm trong tương lai');

    const fresh = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const noNote = await api().put(`/api/v1/assessments/${fresh.id}/results/${fresh.results[0].controlId}`).set(bearer(a.inspector)).send({ result: 'partial', version: 0 });
    expect(noNote.status).to.equal(422);
    checkDetails(noNote.body.error.details);
    expect(noNote.body.error.details[0].message).to.deep.equal({
      vi: 'Ghi chú của người đánh giá là bắt buộc khi kết quả là “Đạt một phần”', en: 'Inspector\'s note is required when the result is “partially met”',
    });

    const badSystem = await api().post('/api/v1/systems').set(bearer(a.admin)).send({ code: 'HT-VI-1', name: 'Cổng dịch vụ công', organization: a.org.id, level: 9, endpoints: ['ftp://x'] });
    expect(badSystem.status).to.equal(400);
    checkDetails(badSystem.body.error.details);
    const byField = Object.fromEntries((badSystem.body.error.details as Detail[]).map((d) => [d.field, d]));
    expect(byField.level.message.vi).to.match(/^Cấp độ /);
    expect(byField['endpoints.0'].label).to.deep.equal({ vi: 'Địa chỉ truy cập (mục 1)', en: 'Endpoints (item 1)' });
  });

  it('when a move is illegal or a certificate cannot be issued, then the refusal has Vietnamese words too', async () => {
    const { finding } = await raise(a);
    const illegal = await api().post(`/api/v1/findings/${finding.id}/transitions`).set(bearer(a.inspector)).send({ to: 'verified', comment: 'x' });
    expect(illegal.status).to.equal(409);
    expect(illegal.body.error.text.vi).to.equal('Phát hiện ở trạng thái “mới mở” không thể chuyển sang “đã xác minh”');
    const cert = await api().post(`/api/v1/systems/${(await makeSystem(a.org, { level: 1 })).id}/certificates`).set(bearer(a.admin)).send({});
    expect(cert.status).to.equal(422);
    expect(cert.body.error.details[0]).to.deep.include({ code: 'no_approved_assessment', message: 'The system has no approved assessment' });
    expect(cert.body.error.details[0].text.vi).to.equal('Hệ thống chưa có lần đánh giá nào được phê duyệt');
    expect(cert.body.error.text.vi).to.match(/^Chưa thể cấp chứng nhận: /);
  });

  it('when an assessment raises findings, then they carry the control\'s Vietnamese and English words and a first history line naming the assessment and the inspector', async () => {
    expect(findings).to.have.length(2);
    const day = (lang: 'vi' | 'en') => displayDate(new Date(asm.submittedAt!), lang);
    for (const f of findings) {
      const c = asm.controls.find((x) => x.id === f.control)!;
      expect(f.titleVi).to.equal(`${c.ref} ${c.title.vi}`);
      expect(f.title).to.equal(`${c.ref} ${c.title.en}`);
      expect(f.descriptionVi.startsWith(`${c.id === asm.controls[0].id ? 'Đạt một phần' : 'Không đạt'}: ${c.requirement.vi}`), f.descriptionVi).to.equal(true);
      expect(f.history[0].text).to.deep.equal({
        vi: `Phát sinh từ Đánh giá ${code} ngày ${day('vi')}, người đánh giá: ${a.users.inspector.name}`,
        en: `From the Assessment of ${code} on ${day('en')}, inspector: ${a.users.inspector.name}`,
      });
      expect(f.history[0].comment).to.equal(f.history[0].text!.en);
      expect(JSON.stringify(f.history)).not.to.match(/Raised by assessment/);
    }
    const partial = findings.find((f) => f.control === asm.controls[0].id)!;
    expect(partial.descriptionVi).to.match(/\nGhi chú của người đánh giá: Chưa ban hành quy chế$/);
    expect(partial.description).to.match(/^Partially met: /);
  });

  it('when a finding is assigned, its severity changed and an extension asked for, then each history line names the person and the day, never an id or an ISO time', async () => {
    const f = findings[0];
    await api().patch(`/api/v1/findings/${f.id}`).set(bearer(a.inspector)).send({ assignee: a.users.owner.id, severity: 'low' }).expect(200);
    const due = new Date(Date.now() + 400 * 86_400_000);
    await api().post(`/api/v1/findings/${f.id}/extension`).set(bearer(a.owner)).send({ reason: 'Chờ nhà thầu cập nhật phần mềm', dueAt: due.toISOString() }).expect(200);
    const h = (await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.owner))).body.history as Finding['history'];
    const line = (action: string) => h.find((x) => x.action === action)!.text!;
    expect(line('assigned')).to.deep.equal({ vi: `Giao cho ${a.users.owner.name}`, en: `Assigned to ${a.users.owner.name}` });
    expect(line('severity_changed').vi).to.match(/^Mức độ: .+ → Thấp$/);
    expect(line('extension_requested')).to.deep.equal({ vi: `Đề nghị gia hạn đến ngày ${displayDate(due, 'vi')}`, en: `Asks for a new deadline of ${displayDate(due, 'en')}` });
    expect(h.find((x) => x.action === 'extension_requested')!.comment).to.equal('Chờ nhà thầu cập nhật phần mềm');
    for (const x of h) if (x.text) expect(`${x.text.vi} ${x.text.en}`).not.to.match(RAW_ID).and.not.to.match(/\d{4}-\d{2}-\d{2}T/);
  });

  it('when findings were raised before they carried Vietnamese words, then the start-up migration adds them once, names the assessment and inspector in their history, and records one audit event', async () => {
    // a finding as the code before this change raised it: English words only, the assessment by id
    const c = asm.controls.find((x) => !findings.some((f) => f.control === x.id))!;
    const key = `assessment:${asm.id}:${c.id}`;
    const old = await lifecycle.raise({ actor: systemActor('test') }, {
      _id: lifecycle.idFor(key), system: new mongoose.Types.ObjectId(asm.system), organization: new mongoose.Types.ObjectId(a.org.id), systemCode: code, level: 1,
      source: { type: 'assessment', assessment: new mongoose.Types.ObjectId(asm.id) }, control: c.id, title: `${c.ref} ${c.title.en}`,
      description: `Not met: ${c.requirement.en}\nInspector's note: Không có tài liệu`, severity: 'medium', dueAt: new Date(Date.now() + 90 * 86_400_000),
      dedupeKey: key, firstSeenAt: new Date(), lastSeenAt: new Date(), createdBy: 'test',
    }, `Raised by assessment ${asm.id}`);
    expect(old).to.not.equal(undefined);
    const before = (await api().get(`/api/v1/findings/${old!._id}`).set(bearer(a.inspector))).body as Finding;
    expect(before.titleVi).to.equal(undefined);

    const first = await migrateFindingsToBilingual();
    expect(first.migrated).to.be.at.least(1);
    const after = (await api().get(`/api/v1/findings/${old!._id}`).set(bearer(a.inspector))).body as Finding;
    expect(after.titleVi).to.equal(`${c.ref} ${c.title.vi}`);
    expect(after.descriptionVi).to.equal(`Không đạt: ${c.requirement.vi}\nGhi chú của người đánh giá: Không có tài liệu`);
    expect(after.history[0].text!.vi).to.equal(`Phát sinh từ Đánh giá ${code} ngày ${displayDate(new Date(asm.submittedAt!), 'vi')}, người đánh giá: ${a.users.inspector.name}`);
    expect(after.history[0].comment).not.to.match(RAW_ID);
    // the board (what lists read) follows
    const listed = (await api().get(`/api/v1/findings?system=${asm.system}&limit=100`).set(bearer(a.inspector))).body.items as { id: string; titleVi?: string }[];
    expect(listed.find((f) => f.id === String(old!._id))!.titleVi).to.equal(after.titleVi);

    expect((await migrateFindingsToBilingual()).migrated).to.equal(0);
    const events = (await api().get('/api/v1/audit?entity=finding&entityId=bilingual-catalogue-texts&limit=100').set(bearer(a.admin))).body.items as { action: string; after: { count: number; findings: string[] } }[];
    expect(events).to.have.length(1);
    expect(events[0].action).to.equal('finding.migrate');
    expect(events[0].after.findings).to.include(String(old!._id));
  });
});
