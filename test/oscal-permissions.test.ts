import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { ONLY, READ_ALL, runMatrix, type MatrixCase } from './helpers/matrix';
import { startAssessment } from './helpers/assessments';
import { activeChecklist, assessedSystem, expectValid, get } from './helpers/oscal';
import * as audit from '../src/modules/audit/audit.service';

const OWN = { ...READ_ALL, otherOwner: 404 };
let catalogBody: unknown;

const cases: MatrixCase[] = [
  { name: 'GET /checklists/:id/oscal/catalog', method: 'get', setup: async (a) => ({ path: `/api/v1/checklists/${await activeChecklist(a.admin)}/oscal/catalog` }), expect: READ_ALL },
  { name: 'GET /checklists/:id/oscal/profiles/:level', method: 'get', setup: async (a) => ({ path: `/api/v1/checklists/${await activeChecklist(a.admin)}/oscal/profiles/4` }), expect: READ_ALL },
  // the catalog as exported: the same version with the same content, so an allowed call writes nothing
  { name: 'POST /checklists/oscal', method: 'post', setup: async (a) => {
    catalogBody ??= await get(a.admin, `/api/v1/checklists/${await activeChecklist(a.admin)}/oscal/catalog`);
    return { path: '/api/v1/checklists/oscal', body: catalogBody };
  }, expect: ONLY(200, 'admin') },
  { name: 'GET /systems/:id/oscal/ssp', method: 'get', setup: async (a) => ({ path: `/api/v1/systems/${(await makeSystem(a.org)).id}/oscal/ssp` }), expect: OWN },
  { name: 'GET /assessments/:id/oscal/assessment-results (a draft)', method: 'get', setup: async (a) => ({ path: `/api/v1/assessments/${(await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id)).id}/oscal/assessment-results` }), expect: OWN },
  { name: 'GET /systems/:id/oscal/poam', method: 'get', setup: async (a) => ({ path: `/api/v1/systems/${(await makeSystem(a.org)).id}/oscal/poam` }), expect: OWN },
];

runMatrix('OSCAL exchange: every endpoint as every role, inside and outside its scope', cases);

describe('OSCAL exchange: scope and audit', () => {
  let a: Actors;
  let seeded: Awaited<ReturnType<typeof assessedSystem>>;
  before(async function () {
    this.timeout(120_000);
    a = await makeActors();
    seeded = await assessedSystem(a);
  });

  it('when the owner downloads the assessment results and the POA&M, then each download is an audit event naming them; another organization\'s owner gets 404 and leaves no event', async () => {
    const before = async (entity: 'assessment' | 'system', id: string, action: string) => (await audit.list({ entity, entityId: id, action, page: 1, limit: 50 })).total;
    const arBefore = await before('assessment', seeded.assessmentId, 'oscal.assessment_results.export');
    const poamBefore = await before('system', seeded.system.id, 'oscal.poam.export');
    await get(a.otherOwner, `/api/v1/assessments/${seeded.assessmentId}/oscal/assessment-results`, 404);
    await get(a.otherOwner, `/api/v1/systems/${seeded.system.id}/oscal/poam`, 404);
    expect(await before('assessment', seeded.assessmentId, 'oscal.assessment_results.export')).to.equal(arBefore);
    expect(await before('system', seeded.system.id, 'oscal.poam.export')).to.equal(poamBefore);
    const ar = await get(a.owner, `/api/v1/assessments/${seeded.assessmentId}/oscal/assessment-results`);
    await get(a.owner, `/api/v1/systems/${seeded.system.id}/oscal/poam`);
    const events = await audit.list({ entity: 'assessment', entityId: seeded.assessmentId, action: 'oscal.assessment_results.export', page: 1, limit: 1 });
    expect(events.total).to.equal(arBefore + 1);
    const e = events.items[0] as { actor: { id: string }; after: { uuid: string } };
    expect(e.actor.id).to.equal(a.users.owner.id);
    expect(e.after.uuid).to.equal(ar['assessment-results'].uuid);
    expect(await before('system', seeded.system.id, 'oscal.poam.export')).to.equal(poamBefore + 1);
  });

  it('when another organization\'s system has findings too, then an owner\'s POA&M holds only their own system\'s findings', async () => {
    const other = await assessedSystem({ ...a, org: a.otherOrg, owner: a.otherOwner, users: { ...a.users, owner: a.users.otherOwner } });
    const mine = (await get(a.owner, `/api/v1/systems/${seeded.system.id}/oscal/poam`))['plan-of-action-and-milestones'];
    const ids = mine['poam-items'].map((i: { props: { name: string; value: string }[] }) => i.props.find((p) => p.name === 'finding-id')!.value).sort();
    expect(ids).to.deep.equal(seeded.findings.map((f) => f.id).sort());
    expect(ids).to.not.include.members(other.findings.map((f) => f.id));
  });

  it('when an assessment is in progress, then its assessment results say it is not approved (title, props, description) and still validate', async () => {
    const system = await makeSystem(a.org, { level: 1 });
    const started = await startAssessment(a.inspector, system.id);
    const first = started.results[0];
    expect((await api().put(`/api/v1/assessments/${started.id}/results/${first.controlId}`).set(bearer(a.inspector)).send({ result: 'met', version: first.version })).status).to.equal(200);
    const doc = await get(a.owner, `/api/v1/assessments/${started.id}/oscal/assessment-results`);
    expectValid(doc);
    const ar = doc['assessment-results'];
    expect(ar.metadata.title).to.match(/in_progress — not approved/);
    expect(ar.metadata.props).to.deep.include({ name: 'approved', ns: 'urn:attest:oscal', value: 'false' });
    expect(ar.results[0].description).to.match(/^IN PROGRESS, NOT APPROVED/);
    expect(ar.results[0].end).to.equal(undefined);
    expect(ar.results[0].findings).to.have.length(1);
  });
});
