import { expect } from 'chai';
import { api, bearer, makeActors, uniq, type Actors } from './helpers/factories';
import { activeChecklist, get } from './helpers/oscal';
import * as audit from '../src/modules/audit/audit.service';

type Doc = { catalog: Record<string, any> };
const clone = (d: Doc): Doc => JSON.parse(JSON.stringify(d));
const controlsOf = (d: Doc): any[] => d.catalog.groups.flatMap((g: { groups: { controls: any[] }[] }) => g.groups.flatMap((x) => x.controls));
const setProp = (props: { name: string; value: string }[], name: string, value: string) => { props.find((p) => p.name === name)!.value = value; };
const post = (token: string, body: unknown) => api().post('/api/v1/checklists/oscal').set(bearer(token)).send(body as object);

describe('OSCAL exchange: catalog import', () => {
  let a: Actors;
  let id: string;
  let exported: Doc;
  before(async () => {
    a = await makeActors();
    id = await activeChecklist(a.admin);
    exported = await get(a.admin, `/api/v1/checklists/${id}/oscal/catalog`) as Doc;
  });

  it('when the exported TCVN 11930 catalog is imported again as it is, then it is recognised as the same content: nothing is written', async () => {
    const res = await post(a.admin, exported);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.include({ imported: false, id, framework: 'TCVN-11930', version: '2017.1', controlCount: 112 });
  });

  it('when the exported catalog is imported as a new version, then the new checklist equals the original (controls, levels, refs, both languages), and exporting it again gives the same controls', async () => {
    const doc = clone(exported);
    // another framework name keeps the suite's active TCVN-11930 version the one it was
    const framework = uniq('TCVN-11930-RT');
    setProp(doc.catalog.metadata.props, 'framework', framework);
    doc.catalog.metadata.version = '2017.1-oscal';
    const res = await post(a.admin, doc);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ imported: true, framework, version: '2017.1-oscal', controlCount: 112 });
    expect(res.body.levels).to.deep.equal([1, 2, 3, 4, 5]);
    const [original, copy] = [await get(a.inspector, `/api/v1/checklists/${id}`), await get(a.inspector, `/api/v1/checklists/${res.body.id}`)];
    expect(copy.controls).to.deep.equal(original.controls);
    expect(copy.levels).to.deep.equal(original.levels);
    expect(copy.title).to.deep.equal(original.title);
    expect(copy.countsByLevel).to.deep.equal(original.countsByLevel);
    expect(copy.publishedAt).to.equal(original.publishedAt);
    expect(copy.controls.filter((c: { levelText?: unknown }) => c.levelText).length).to.equal(24);
    for (const level of [2, 5]) {
      expect((await get(a.inspector, `/api/v1/checklists/${res.body.id}?level=${level}`)).controls).to.deep.equal((await get(a.inspector, `/api/v1/checklists/${id}?level=${level}`)).controls);
    }
    const again = await get(a.inspector, `/api/v1/checklists/${res.body.id}/oscal/catalog`) as Doc;
    expect(controlsOf(again)).to.deep.equal(controlsOf(exported));
    expect(again.catalog.uuid).to.not.equal(exported.catalog.uuid);
    const events = await audit.list({ entity: 'checklist', entityId: res.body.id, action: 'checklist.import', page: 1, limit: 5 });
    expect(events.total).to.equal(1);
  });

  it('when an imported catalog breaks the checklist rules, then it is refused with each problem named by its control, and nothing is written', async () => {
    const doc = clone(exported);
    const framework = uniq('TCVN-BAD');
    setProp(doc.catalog.metadata.props, 'framework', framework);
    const controls = controlsOf(doc);
    controls[1].parts = controls[1].parts.filter((p: { name: string; class: string }) => !(p.name === 'statement' && p.class === 'vi'));
    controls[5].props.find((p: { name: string; value: string }) => p.name === 'level').value = '7';
    controls[100].props = controls[100].props.filter((p: { name: string }) => p.name !== 'control-id');
    const res = await post(a.admin, doc);
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include(`control ${controls[1].id}: requirement.vi`);
    expect(fields.some((f: string) => f.startsWith(`control ${controls[5].id}: levels`))).to.equal(true);
    expect(fields).to.include(`control ${controls[100].id}: id`);
    const { items } = await get(a.admin, '/api/v1/checklists');
    expect(items.map((c: { framework: string }) => c.framework)).to.not.include(framework);
    const events = await audit.list({ action: 'checklist.import', page: 1, limit: 20 });
    expect(events.items.map((e) => (e.after as { framework?: string } | undefined)?.framework)).to.not.include(framework);
  });

  it('when a version already imported comes with other content, then 409 and nothing changes; a body that is no OSCAL catalog is 400', async () => {
    const doc = clone(exported);
    controlsOf(doc)[0].title = 'Another title';
    const res = await post(a.admin, doc);
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect((await get(a.inspector, `/api/v1/checklists/${id}`)).controls[0].title.en).to.equal('Information security policy');
    expect((await post(a.admin, { catalog: { uuid: 'not-a-uuid', metadata: {} } })).status).to.equal(400);
    expect((await post(a.admin, { profile: {} })).status).to.equal(400);
    expect((await post(a.admin, { catalog: { ...exported.catalog, colour: 'red' } })).status).to.equal(400);
  });
});
