import crypto from 'node:crypto';
import { expect } from 'chai';
import { makeActors, type Actors } from './helpers/factories';
import { certified } from './helpers/certificates';
import { makeUser, tokenFor } from './helpers/factories';
import { activeChecklist, assessedSystem, expectValid, get, schemaErrors } from './helpers/oscal';

const uuids = (doc: unknown): string[] => [...JSON.stringify(doc).matchAll(/"uuid":"([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe('OSCAL exchange: documents', () => {
  let a: Actors;
  let checklist: string;
  let seeded: Awaited<ReturnType<typeof assessedSystem>>;
  before(async function () {
    this.timeout(120_000);
    a = await makeActors();
    checklist = await activeChecklist(a.admin);
    seeded = await assessedSystem(a);
  });

  it('when a seeded system is exported, then the catalog, every level\'s profile, the SSP, the assessment results and the POA&M validate against the official OSCAL 1.2.1 schemas with 0 errors', async () => {
    const catalog = await get(a.owner, `/api/v1/checklists/${checklist}/oscal/catalog`);
    expectValid(catalog);
    for (const level of [1, 2, 3, 4, 5]) expectValid(await get(a.owner, `/api/v1/checklists/${checklist}/oscal/profiles/${level}`), `level ${level}`);
    expectValid(await get(a.owner, `/api/v1/systems/${seeded.system.id}/oscal/ssp`));
    expectValid(await get(a.owner, `/api/v1/assessments/${seeded.assessmentId}/oscal/assessment-results`));
    expectValid(await get(a.owner, `/api/v1/systems/${seeded.system.id}/oscal/poam`));
    // the validator can fail: an unknown key and a random (v1) uuid are refused
    expect(schemaErrors({ catalog: { ...catalog.catalog, colour: 'red' } })).to.not.deep.equal([]);
    expect(schemaErrors({ catalog: { ...catalog.catalog, uuid: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' } })).to.not.deep.equal([]);
  });

  it('when the same objects are exported twice, then every UUID and the last-modified are the same, and the UUIDs are name-based (v5)', async () => {
    const paths = [`/api/v1/checklists/${checklist}/oscal/catalog`, `/api/v1/checklists/${checklist}/oscal/profiles/2`, `/api/v1/systems/${seeded.system.id}/oscal/ssp`,
      `/api/v1/assessments/${seeded.assessmentId}/oscal/assessment-results`, `/api/v1/systems/${seeded.system.id}/oscal/poam`];
    for (const p of paths) {
      const [one, two] = [await get(a.inspector, p), await get(a.admin, p)];
      const root = Object.keys(one)[0];
      expect(uuids(two), p).to.deep.equal(uuids(one));
      expect(uuids(one).length, p).to.be.greaterThan(0);
      expect(uuids(one).every((u) => u[14] === '5'), p).to.equal(true);
      expect(two[root].metadata['last-modified'], p).to.equal(one[root].metadata['last-modified']);
      expect(new Date(one[root].metadata['last-modified']).getTime(), p).to.be.below(Date.now() - 1);
    }
  });

  it('when the catalog is read, then each control has a token id from its TCVN reference, its levels, the clause at each level, and both languages', async () => {
    const { catalog } = await get(a.inspector, `/api/v1/checklists/${checklist}/oscal/catalog`);
    expect(catalog.metadata['oscal-version']).to.equal('1.2.1');
    const groups = catalog.groups.flatMap((g: { groups: unknown[] }) => g.groups) as { id: string; title: string; props: { name: string; value: string; class?: string }[]; controls: any[] }[];
    expect(groups.map((g) => g.id)).to.include.members(['tcvn-security-policy', 'tcvn-network']);
    const controls = groups.flatMap((g) => g.controls);
    expect(controls).to.have.length(112);
    const policy = controls.find((c) => c.props.some((p: { name: string; value: string }) => p.name === 'control-id' && p.value === 'MGT.POL.04'));
    expect(policy.id).to.equal('tcvn-x-1-1-4');
    expect(policy.title).to.equal('Periodic review of the policy');
    expect(policy.props).to.deep.include({ name: 'title', ns: 'urn:attest:oscal', class: 'vi', value: 'Rà soát, cập nhật chính sách' });
    expect(policy.props.filter((p: { name: string }) => p.name === 'level').map((p: { value: string }) => p.value)).to.deep.equal(['1', '2', '3', '4', '5']);
    expect(policy.props).to.deep.include({ name: 'ref', ns: 'urn:attest:oscal', class: 'level-3', value: '7.1.1.4' });
    const prose = (cls: string) => policy.parts.find((p: { name: string; class: string }) => p.name === 'statement' && p.class === cls).prose;
    expect(prose('en')).to.match(/reviewed at least every 3 years/);
    expect(prose('vi')).to.match(/rà soát, cập nhật tối thiểu 03 năm/);
    expect(new Set(controls.map((c) => c.id)).size).to.equal(112);
    for (const c of controls) expect(c.id).to.match(/^tcvn-x-[12]-\d+-\d+$/);
  });

  it('when a level\'s profile is read, then it selects exactly the controls of that level; a level out of range is refused', async () => {
    const { catalog } = await get(a.inspector, `/api/v1/checklists/${checklist}/oscal/catalog`);
    const controls = catalog.groups.flatMap((g: { groups: { controls: any[] }[] }) => g.groups.flatMap((x) => x.controls));
    const counts: Record<number, number> = { 1: 33, 2: 58, 3: 88, 4: 101, 5: 112 };
    for (const level of [1, 3, 5]) {
      const { profile } = await get(a.inspector, `/api/v1/checklists/${checklist}/oscal/profiles/${level}`);
      const ids = profile.imports[0]['include-controls'][0]['with-ids'];
      expect(ids).to.have.length(counts[level]);
      const expected = controls.filter((c: { props: { name: string; value: string }[] }) => c.props.some((p) => p.name === 'level' && p.value === String(level))).map((c: { id: string }) => c.id);
      expect(ids).to.deep.equal(expected);
      expect(profile.imports[0].href).to.equal(`#${profile['back-matter'].resources[0].uuid}`);
    }
    await get(a.inspector, `/api/v1/checklists/${checklist}/oscal/profiles/6`, 400);
    await get(a.inspector, `/api/v1/checklists/${'0'.repeat(24)}/oscal/profiles/2`, 404);
  });

  it('when the assessment results are read, then each answered control has its result, note and evidence (the file with its SHA-256), and the findings raised are risks with their status and deadline', async () => {
    const ar = (await get(a.owner, `/api/v1/assessments/${seeded.assessmentId}/oscal/assessment-results`))['assessment-results'];
    expect(ar.metadata.props).to.deep.include({ name: 'approved', ns: 'urn:attest:oscal', value: 'true' });
    const result = ar.results[0];
    const [first, second] = seeded.controls;
    const finding = (id: string) => result.findings.find((f: { props: { name: string; value: string }[] }) => f.props.some((p) => p.name === 'control-id' && p.value === id));
    expect(finding(first).target.status).to.deep.equal({ state: 'not-satisfied', reason: 'fail' });
    expect(finding(first).description).to.match(/Chính sách chưa được phê duyệt/);
    expect(finding(second).props).to.deep.include({ name: 'result', ns: 'urn:attest:oscal', value: 'not_met' });
    expect(result.findings.filter((f: { target: { status: { state: string } } }) => f.target.status.state === 'satisfied').length).to.equal(result.findings.length - 2);
    const obs = result.observations.find((o: { uuid: string }) => o.uuid === finding(first)['related-observations'][0]['observation-uuid']);
    const evidence = obs['relevant-evidence'].map((e: { href: string }) => ar['back-matter'].resources.find((r: { uuid: string }) => `#${r.uuid}` === e.href));
    const sha = crypto.createHash('sha256').update(seeded.evidence).digest('hex');
    expect(evidence.flatMap((r: { rlinks: { hashes?: { value: string }[] }[] }) => r.rlinks.flatMap((l) => l.hashes ?? []))).to.deep.equal([{ algorithm: 'SHA-256', value: sha }]);
    expect(evidence.flatMap((r: { rlinks: { href: string }[] }) => r.rlinks.map((l) => l.href))).to.include('https://docs.oscal.example/policy-draft.pdf');
    expect(result.risks).to.have.length(2);
    expect(result.risks.map((r: { status: string }) => r.status).sort()).to.deep.equal(['deviation-requested', 'open']);
    expect(finding(first)['related-risks']).to.have.length(1);
    for (const r of result.risks) expect(new Date(r.deadline).getTime()).to.be.greaterThan(Date.now());
  });

  it('when the POA&M is read, then each open finding is an item with its due date, status, extension request and risk acceptance request', async () => {
    const poam = (await get(a.owner, `/api/v1/systems/${seeded.system.id}/oscal/poam`))['plan-of-action-and-milestones'];
    expect(poam['poam-items']).to.have.length(2);
    const props = (i: number) => Object.fromEntries(poam['poam-items'][i].props.map((p: { name: string; value: string }) => [p.name, p.value]));
    const all = [props(0), props(1)];
    expect(all.map((p) => p['finding-status'])).to.deep.equal(['open', 'open']);
    expect(all.some((p) => p.extension === 'pending' && p['extension-requested-due'])).to.equal(true);
    expect(all.some((p) => p['risk-acceptance'] === 'requested' && p['risk-acceptance-expires'])).to.equal(true);
    for (const p of all) expect(p.due).to.match(/^\d{4}-\d{2}-\d{2}T/);
    const risk = poam.risks.find((r: { props: { name: string; value: string }[] }) => r.props.some((p) => p.name === 'risk-acceptance'));
    expect(risk['mitigating-factors'][0].description).to.equal('WAF rule 9001');
    expect(risk['risk-log'].entries[0]['status-change']).to.equal('deviation-requested');
  });

  it('when a certified system is exported, then its SSP links the certificate\'s public verification URL and the PDF\'s SHA-256; its SSP imports the profile of its level', async () => {
    const issued = await certified(a, await tokenFor(await makeUser('admin')), 'Hệ thống OSCAL có chứng nhận');
    const ssp = (await get(a.owner, `/api/v1/systems/${issued.system.id}/oscal/ssp`))['system-security-plan'];
    expectValid({ 'system-security-plan': ssp });
    const cert = ssp['back-matter'].resources.find((r: { props?: { name: string; value: string }[] }) => r.props?.some((p) => p.name === 'type' && p.value === 'certificate'));
    expect(cert.rlinks[0].href).to.equal(issued.cert.verifyUrl);
    expect(cert.rlinks[1].hashes).to.deep.equal([{ algorithm: 'SHA-256', value: issued.cert.pdf.sha256 }]);
    const profile = ssp['back-matter'].resources.find((r: { uuid: string }) => `#${r.uuid}` === ssp['import-profile'].href);
    expect(profile.rlinks[0].href).to.match(new RegExp(`/api/v1/checklists/${checklist}/oscal/profiles/2$`));
    expect(ssp['control-implementation']['implemented-requirements']).to.have.length(58);
    const poam = await get(a.owner, `/api/v1/systems/${issued.system.id}/oscal/poam`);
    expectValid(poam);
    expect(poam['plan-of-action-and-milestones']['poam-items'][0].props).to.deep.include({ name: 'no-open-findings', ns: 'urn:attest:oscal', value: 'true' });
  });
});
