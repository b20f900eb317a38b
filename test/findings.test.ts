import { expect } from 'chai';
import { api, bearer, makeActors, makeUser, tokenFor, type Actors } from './helpers/factories';
import { EVIDENCE, move, raise } from './helpers/findings';

const DAY = 86_400_000;

describe('findings: lifecycle, deadlines, risk acceptance', () => {
  let a: Actors;
  let admin2: string;
  before(async () => {
    a = await makeActors();
    admin2 = await tokenFor(await makeUser('admin'));
  });

  it('when a manual finding is raised, then its deadline is the severity SLA and the system counts it', async () => {
    const { finding, system } = await raise(a, { severity: 'critical' });
    const sla = (await api().get('/api/v1/settings').set(bearer(a.admin))).body.slaDays;
    expect(new Date(finding.dueAt).getTime() - new Date(finding.createdAt).getTime()).to.be.closeTo(sla.critical * DAY, 2000);
    const sys = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body;
    expect(sys.compliance.openFindings.critical).to.equal(1);
  });

  it('when the owner remediates, resolves with evidence and the inspector verifies, then every step is in the history and the audit trail', async () => {
    const { finding, system } = await raise(a);
    expect((await move(a.owner, finding.id, { to: 'in_remediation', comment: 'Đang vá' })).status).to.equal(200);
    const noEvidence = await move(a.owner, finding.id, { to: 'resolved', comment: 'Fixed' });
    expect(noEvidence.status).to.equal(422);
    expect((await move(a.owner, finding.id, { to: 'resolved', comment: 'Đã cập nhật bản vá', evidence: EVIDENCE })).status).to.equal(200);
    const verified = await move(a.inspector, finding.id, { to: 'verified', comment: 'Confirmed on re-test' });
    expect(verified.status).to.equal(200);
    expect(verified.body.history.map((h: { to?: string }) => h.to).filter(Boolean)).to.deep.equal(['open', 'in_remediation', 'resolved', 'verified']);
    const audit = await api().get('/api/v1/audit').query({ entity: 'finding', entityId: finding.id }).set(bearer(a.admin));
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'finding.transition')).to.have.length(3);
    const sys = (await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.owner))).body;
    expect(sys.compliance.openFindings.high).to.equal(0);
  });

  it('when a transition is illegal, then 409 lists the allowed next states; when the role is wrong, then 403', async () => {
    const { finding } = await raise(a);
    const illegal = await move(a.owner, finding.id, { to: 'resolved', comment: 'x', evidence: EVIDENCE });
    expect(illegal.status).to.equal(409);
    expect(illegal.body.error.details.allowedTransitions).to.deep.equal(['in_remediation', 'risk_accepted']);
    expect((await move(a.inspector, finding.id, { to: 'in_remediation' })).status).to.equal(403);
    expect((await move(a.otherOwner, finding.id, { to: 'in_remediation' })).status).to.equal(404);
    expect((await move(a.owner, finding.id, { to: 'closed' })).status).to.equal(400);
    const f = (await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.owner))).body;
    expect(f.status).to.equal('open');
  });

  it('when risk acceptance is requested and approved by another admin, then the finding is risk_accepted; the requester cannot approve, and details are required', async () => {
    const { finding } = await raise(a);
    const missing = await api().post(`/api/v1/findings/${finding.id}/risk-acceptance`).set(bearer(a.owner)).send({ justification: 'Legacy system, replaced next year' });
    expect(missing.status).to.equal(400);
    const past = await api().post(`/api/v1/findings/${finding.id}/risk-acceptance`).set(bearer(a.owner)).send({ justification: 'Legacy system, replaced next year', compensatingControls: 'WAF rule 9001', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).to.equal(422);
    expect((await move(a.admin, finding.id, { to: 'risk_accepted', comment: 'ok' })).status).to.equal(422);
    const adminReq = await api().post(`/api/v1/findings/${finding.id}/risk-acceptance`).set(bearer(a.admin)).send({ justification: 'Legacy system, replaced next year', compensatingControls: 'WAF rule 9001', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() });
    expect(adminReq.status).to.equal(403);
    const req = await api().post(`/api/v1/findings/${finding.id}/risk-acceptance`).set(bearer(a.inspector)).send({ justification: 'Legacy system, replaced next year', compensatingControls: 'WAF rule 9001', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() });
    expect(req.status, JSON.stringify(req.body)).to.equal(200);
    // an admin finds the request among those waiting for a decision
    const waiting = async () => (await api().get('/api/v1/findings').query({ pending: 'risk_acceptance', limit: 100 }).set(bearer(a.admin))).body.items.map((f: { id: string }) => f.id);
    expect(await waiting()).to.include(finding.id);
    const self = await move(a.inspector, finding.id, { to: 'risk_accepted', comment: 'accept' });
    expect(self.status).to.equal(403);
    const ok = await move(a.admin, finding.id, { to: 'risk_accepted', comment: 'Accepted until replacement' });
    expect(ok.status).to.equal(200);
    expect(ok.body.status).to.equal('risk_accepted');
    expect(ok.body.riskAcceptance).to.include({ approvedBy: a.users.admin.id, requestedBy: a.users.inspector.id });
    expect(await waiting()).to.not.include(finding.id);
  });

  it('when severity changes, then the deadline is recomputed from when the finding was raised', async () => {
    const { finding } = await raise(a, { severity: 'low' });
    const sla = (await api().get('/api/v1/settings').set(bearer(a.admin))).body.slaDays;
    const res = await api().patch(`/api/v1/findings/${finding.id}`).set(bearer(a.inspector)).send({ severity: 'critical' });
    expect(res.status).to.equal(200);
    expect(new Date(res.body.dueAt).getTime() - new Date(finding.createdAt).getTime()).to.be.closeTo(sla.critical * DAY, 2000);
  });

  it('when an owner asks for an extension, then another admin decides it; the requester cannot, and the date must be later', async () => {
    const { finding } = await raise(a);
    const earlier = await api().post(`/api/v1/findings/${finding.id}/extension`).set(bearer(a.owner)).send({ dueAt: new Date(Date.now() + DAY).toISOString(), reason: 'Vendor patch is late' });
    expect(earlier.status).to.equal(422);
    const later = new Date(new Date(finding.dueAt).getTime() + 30 * DAY).toISOString();
    expect((await api().post(`/api/v1/findings/${finding.id}/extension`).set(bearer(a.inspector)).send({ dueAt: later, reason: 'Vendor patch is late' })).status).to.equal(403);
    expect((await api().post(`/api/v1/findings/${finding.id}/extension`).set(bearer(a.owner)).send({ dueAt: later, reason: 'Vendor patch is late' })).status).to.equal(200);
    expect((await api().post(`/api/v1/findings/${finding.id}/extension`).set(bearer(a.owner)).send({ dueAt: later, reason: 'Vendor patch is late' })).status).to.equal(409);
    const waiting = async () => (await api().get('/api/v1/findings').query({ pending: 'extension', limit: 100 }).set(bearer(admin2))).body.items.map((f: { id: string }) => f.id);
    expect(await waiting()).to.include(finding.id);
    const decided = await api().post(`/api/v1/findings/${finding.id}/extension/decision`).set(bearer(admin2)).send({ approve: true, comment: 'Granted once' });
    expect(decided.status).to.equal(200);
    expect(decided.body.dueAt).to.equal(later);
    expect(decided.body.extension).to.include({ decision: 'approved', reason: 'Vendor patch is late' });
    expect(await waiting()).to.not.include(finding.id);
  });

  it('when filtering, then assignee=me, overdue and severity work, scoped to the owner\'s organization', async () => {
    const { finding } = await raise(a, { assignee: a.users.owner.id, severity: 'medium' });
    await raise({ ...a, org: a.otherOrg } as Actors, { severity: 'medium' });
    const mine = await api().get('/api/v1/findings').query({ assignee: 'me', limit: 100 }).set(bearer(a.owner));
    expect(mine.body.items.map((f: { id: string }) => f.id)).to.include(finding.id);
    expect(mine.body.items.every((f: { assignee: string }) => f.assignee === a.users.owner.id)).to.equal(true);
    const all = await api().get('/api/v1/findings').query({ limit: 100 }).set(bearer(a.owner));
    expect(all.body.items.every((f: { organization: string }) => f.organization === a.org.id)).to.equal(true);
    const overdue = await api().get('/api/v1/findings').query({ overdue: true }).set(bearer(a.owner));
    expect(overdue.body.total).to.equal(0);
    const summary = await api().get('/api/v1/findings/summary').set(bearer(a.owner));
    expect(summary.body.openBySeverity.medium).to.be.at.least(1);
    expect(summary.body).to.have.keys('byStatus', 'openBySeverity', 'overdue');
  });

  it('when exported as CSV, then commas, quotes and Vietnamese text survive and formulas are neutralised', async () => {
    const { finding } = await raise(a, { title: 'Lỗi "XSS", trang đăng nhập', severity: 'low' });
    await raise(a, { title: '=HYPERLINK("http://evil.example")', severity: 'low' });
    const res = await api().get('/api/v1/findings/export.csv').query({ severity: 'low' }).set(bearer(a.owner)).buffer(true);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/text\/csv; charset=utf-8/);
    expect(res.text.charCodeAt(0)).to.equal(0xfeff);
    expect(res.text).to.include(`${finding.id},`);
    expect(res.text).to.include('"Lỗi ""XSS"", trang đăng nhập"');
    expect(res.text).to.include(`"'=HYPERLINK(""http://evil.example"")"`);
    // dates in the display time zone (Asia/Ho_Chi_Minh: UTC+7, no daylight saving), not UTC ISO
    const local = new Date(new Date(finding.dueAt).getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const row = res.text.split('\r\n').find((l) => l.startsWith(`${finding.id},`))!;
    expect(row.split(',')).to.include(local);
    expect(res.text).to.not.include(finding.dueAt);
  });

  it('when an inspector bulk-assigns a filtered set, then each finding changes and oversized sets are refused', async () => {
    const { system } = await raise(a, { severity: 'low' });
    await api().post('/api/v1/findings').set(bearer(a.inspector)).send({ system: system.id, title: 'Second finding', severity: 'low' });
    const res = await api().post('/api/v1/findings/bulk').set(bearer(a.inspector)).send({ filter: { system: system.id }, action: 'assign', assignee: a.users.owner.id });
    expect(res.body).to.deep.equal({ matched: 2, changed: 2 });
    const list = await api().get('/api/v1/findings').query({ system: system.id }).set(bearer(a.inspector));
    expect(list.body.items.every((f: { assignee: string }) => f.assignee === a.users.owner.id)).to.equal(true);
    expect((await api().post('/api/v1/findings/bulk').set(bearer(a.inspector)).send({ filter: {}, action: 'severity' })).status).to.equal(400);
  });

  it('when a finding is assigned to someone outside its system\'s organization, or to no such user, then 422 — on create, update and bulk', async () => {
    const { finding, system } = await raise(a);
    const outsider = a.users.otherOwner.id;
    const ghost = '0123456789abcdef01234567';
    for (const assignee of [outsider, ghost]) {
      const created = await api().post('/api/v1/findings').set(bearer(a.inspector)).send({ system: system.id, title: 'Cấu hình sai', severity: 'low', assignee });
      expect(created.status).to.equal(422);
      expect(created.body.error.details[0]).to.include({ field: 'assignee' });
      expect((await api().patch(`/api/v1/findings/${finding.id}`).set(bearer(a.inspector)).send({ assignee })).status).to.equal(422);
      const bulk = await api().post('/api/v1/findings/bulk').set(bearer(a.inspector)).send({ filter: { system: system.id }, action: 'assign', assignee });
      expect(bulk.status).to.equal(422);
    }
    expect((await api().get(`/api/v1/findings/${finding.id}`).set(bearer(a.inspector))).body.assignee).to.not.equal(outsider);
    expect((await api().patch(`/api/v1/findings/${finding.id}`).set(bearer(a.inspector)).send({ assignee: a.users.owner.id })).status).to.equal(200);
  });
});
