import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { api, bearer, makeSystem, makeUser, tokenFor, type Actors } from './factories';
import { answer, startAssessment } from './assessments';

/** The official OSCAL JSON schemas (test/fixtures/oscal/README.md), one validator per document type. */
export const SCHEMAS = { catalog: 'catalog', profile: 'profile', 'system-security-plan': 'ssp', 'assessment-results': 'assessment-results', 'plan-of-action-and-milestones': 'poam' } as const;
export type RootKey = keyof typeof SCHEMAS;

const compiled = new Map<RootKey, ValidateFunction>();
function validatorFor(root: RootKey): ValidateFunction {
  let v = compiled.get(root);
  if (!v) {
    // draft-07 schemas whose patterns use \p{…} classes: ajv's unicodeRegExp (the default) compiles them with the u flag
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true });
    addFormats(ajv);
    const file = path.join(__dirname, '..', 'fixtures', 'oscal', `oscal_${SCHEMAS[root]}_schema.json`);
    v = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
    compiled.set(root, v);
  }
  return v;
}

/** The schema errors of a document (its type read from its root key); [] when it is valid. */
export function schemaErrors(doc: Record<string, unknown>): string[] {
  const root = Object.keys(doc).find((k): k is RootKey => k in SCHEMAS);
  if (!root) return [`no OSCAL root key in ${Object.keys(doc).join(', ')}`];
  const v = validatorFor(root);
  return v(doc) ? [] : (v.errors ?? []).slice(0, 20).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

export function expectValid(doc: Record<string, unknown>, what = ''): void {
  expect(schemaErrors(doc), `${what} ${Object.keys(doc)[0]}`).to.deep.equal([]);
}

export const get = async (token: string, p: string, status = 200) => {
  const res = await api().get(p).set(bearer(token));
  expect(res.status, `${p}: ${JSON.stringify(res.body).slice(0, 500)}`).to.equal(status);
  return res.body as Record<string, any>;
};

export const activeChecklist = async (token: string): Promise<string> => {
  const { items } = await get(token, '/api/v1/checklists');
  return items.find((c: { framework: string }) => c.framework === 'TCVN-11930').id;
};

/**
 * A level-2 system of the actors' organization with two endpoints and its owner, assessed: the first
 * control partial, the second not met (notes), the rest met; a file and a link as evidence on the
 * first; submitted (two findings raised) and approved by a second admin. The owner then asks for a
 * deadline extension on one finding and an inspector for a risk acceptance on the other.
 */
export async function assessedSystem(a: Actors) {
  const owner = a.users.owner;
  const system = await makeSystem(a.org, { level: 2, endpoints: ['https://portal.oscal.example/', 'mail.oscal.example:993'], owners: [owner.id], description: 'Cổng thông tin điện tử' });
  const started = await startAssessment(a.inspector, system.id);
  const [first, second] = started.results.map((r) => r.controlId);
  const file = Buffer.from('Biên bản kiểm tra — review minutes\n');
  const up = await api().post(`/api/v1/assessments/${started.id}/results/${first}/evidence`).set(bearer(a.inspector))
    .attach('file', file, { filename: 'bien-ban.txt', contentType: 'text/plain' });
  expect(up.status, JSON.stringify(up.body)).to.equal(201);
  const assessment = await answer(a.inspector, started, (id) => (id === first ? { result: 'partial', note: 'Chính sách chưa được phê duyệt — the policy is not approved yet' }
    : id === second ? { result: 'not_met', note: 'No procedure exists' } : { result: 'met' }));
  const fresh = (await api().get(`/api/v1/assessments/${assessment.id}`).set(bearer(a.inspector))).body;
  const link = await api().put(`/api/v1/assessments/${assessment.id}/results/${first}`).set(bearer(a.inspector))
    .send({ result: 'partial', note: 'Chính sách chưa được phê duyệt — the policy is not approved yet', version: fresh.results.find((r: { controlId: string }) => r.controlId === first).version,
      evidence: [{ url: 'https://docs.oscal.example/policy-draft.pdf', title: 'Policy draft' }] });
  expect(link.status, JSON.stringify(link.body)).to.equal(200);
  expect((await api().post(`/api/v1/assessments/${assessment.id}/submit`).set(bearer(a.inspector)).send({})).status).to.equal(200);
  const approver = await tokenFor(await makeUser('admin'));
  const approved = await api().post(`/api/v1/assessments/${assessment.id}/approve`).set(bearer(approver)).send({});
  expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
  const found = await get(a.inspector, `/api/v1/findings?system=${system.id}&limit=10`);
  expect(found.total).to.equal(2);
  const [f1, f2] = found.items as { id: string; control: string }[];
  const day = 86_400_000;
  const ext = await api().post(`/api/v1/findings/${f1.id}/extension`).set(bearer(a.owner)).send({ dueAt: new Date(Date.now() + 400 * day).toISOString(), reason: 'Nhà cung cấp chậm bản vá' });
  expect(ext.status, JSON.stringify(ext.body)).to.equal(200);
  const risk = await api().post(`/api/v1/findings/${f2.id}/risk-acceptance`).set(bearer(a.inspector))
    .send({ justification: 'Legacy system, replaced next year', compensatingControls: 'WAF rule 9001', expiresAt: new Date(Date.now() + 60 * day).toISOString() });
  expect(risk.status, JSON.stringify(risk.body)).to.equal(200);
  return { system, assessmentId: assessment.id as string, controls: [first, second], findings: [f1, f2], evidence: file };
}

/**
 * Every system of a running instance exported over HTTP — SSP, POA&M, and the assessment results of
 * its newest approved (else open) assessment — each checked against its schema. Returns the count.
 */
export async function exportPortfolio(base: string, token: string, systems: { id: string; code: string; lastApprovedAssessment?: string; activeAssessment?: string | null }[]): Promise<number> {
  const fetchDoc = async (p: string) => {
    const r = await fetch(`${base}/api/v1${p}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(r.status, `${p}: ${r.status === 200 ? '' : await r.clone().text()}`).to.equal(200);
    return (await r.json()) as Record<string, unknown>;
  };
  const paths = systems.flatMap((s) => {
    const assessment = s.lastApprovedAssessment ?? s.activeAssessment;
    return [`/systems/${s.id}/oscal/ssp`, `/systems/${s.id}/oscal/poam`, ...(assessment ? [`/assessments/${assessment}/oscal/assessment-results`] : [])]
      .map((p) => ({ code: s.code, p }));
  });
  // four requests at a time: the exports are reads (and an audit append), the instance serves them side by side
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const { code, p } = paths[next++];
      expect(schemaErrors(await fetchDoc(p)), `${code} ${p}`).to.deep.equal([]);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return paths.length;
}
