import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { Checklist } from '../src/modules/checklists/checklist.model';
import { ChecklistFileError, loadChecklistDir, readChecklistFile } from '../src/modules/checklists/checklist.loader';
import * as checklists from '../src/modules/checklists/checklist.service';
import { DOMAINS, GROUPS, MANAGEMENT_DOMAINS } from '../src/modules/checklists/checklist.schemas';
import { SEVERITIES } from '../src/shared/enums';
import { systemActor } from '../src/shared/actor';
import * as audit from '../src/modules/audit/audit.service';
import { api, bearer, makeActors, uniq, type Actors } from './helpers/factories';

const ctx = { actor: systemActor('checklist-test') };
const FIXTURES = path.resolve('test/fixtures/checklists');
const smallText = fs.readFileSync(path.join(FIXTURES, 'small.yaml'), 'utf8');

/** A temp dir holding `files` (name → text); removed after the test run. */
const dirs: string[] = [];
function dirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-checklists-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
/** The small sample under a framework id nobody else uses. */
const sample = (framework: string, edit: (t: string) => string = (t) => t) => edit(smallText.replace('framework: TEST-SMALL', `framework: ${framework}`));
const freshFramework = () => uniq('TEST-');

after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('checklist catalogue: checklists/tcvn-11930-2017.yaml', () => {
  const file = readChecklistFile(path.resolve('checklists/tcvn-11930-2017.yaml')).content;
  const readme = fs.readFileSync(path.resolve('checklists/README.md'), 'utf8');
  const at = (level: number) => file.controls.filter((c) => c.levels.includes(level));
  /** rows of the markdown table that follows `heading` */
  const tableAfter = (heading: string) => {
    const lines = readme.slice(readme.indexOf(heading)).split('\n');
    const start = lines.findIndex((l) => l.startsWith('|'));
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    return lines.slice(start + 2, end).map((l) => l.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, '')));
  };

  it('when the catalogue is read, then ids are unique and every severity, group and domain is a known value', () => {
    expect(new Set(file.controls.map((c) => c.id)).size).to.equal(file.controls.length);
    for (const c of file.controls) {
      expect(SEVERITIES, c.id).to.include(c.severity);
      expect(GROUPS, c.id).to.include(c.group);
      expect(DOMAINS, c.id).to.include(c.domain);
      expect((MANAGEMENT_DOMAINS as readonly string[]).includes(c.domain), c.id).to.equal(c.group === 'management');
    }
  });

  it('when controls are taken per level, then each level has both groups and level N+1 contains every control of level N', () => {
    for (const level of [1, 2, 3, 4, 5]) {
      for (const g of GROUPS) expect(at(level).filter((c) => c.group === g), `level ${level} ${g}`).to.not.be.empty;
      if (level < 5) expect(at(level + 1).map((c) => c.id)).to.include.members(at(level).map((c) => c.id));
    }
  });

  it('when counted per level and group, then the numbers equal the table in checklists/README.md', () => {
    const rows = tableAfter('## Control counts');
    expect(rows).to.have.length(5);
    for (const [level, mgt, tec, total, added] of rows.map((r) => r.map(Number))) {
      const ids = at(level);
      expect([ids.filter((c) => c.group === 'management').length, ids.filter((c) => c.group === 'technical').length, ids.length, ids.length - (level > 1 ? at(level - 1).length : 0)], `level ${level}`)
        .to.deep.equal([mgt, tec, total, added]);
    }
  });

  it('when counted per domain and level, then the numbers equal the by-domain table in checklists/README.md', () => {
    const rows = tableAfter('By domain');
    expect(rows).to.have.length(DOMAINS.length);
    for (const [group, domain, prefix, ...counts] of rows) {
      const inDomain = file.controls.filter((c) => c.domain === domain);
      expect(inDomain.every((c) => c.group === group && c.id.startsWith(`${prefix}.`)), domain).to.equal(true);
      expect([1, 2, 3, 4, 5].map((l) => inDomain.filter((c) => c.levels.includes(l)).length), domain).to.deep.equal(counts.map(Number));
    }
  });

  it('when scan checks are listed, then each names the control and first level in the README table', () => {
    const rows = tableAfter('## Scan checks');
    expect(rows).to.have.length(7);
    for (const [check, id, , from] of rows) {
      const c = file.controls.find((k) => k.scanCheck === check);
      expect(c?.id, check).to.equal(id);
      expect(c?.levels[0], check).to.equal(Number(from));
    }
  });
});

describe('checklist loader (real database)', () => {
  it('when a new file is loaded, then it is imported once, audited, and a second load leaves it unchanged', async () => {
    const fw = freshFramework();
    const dir = dirWith({ 'small.yaml': sample(fw) });
    expect(await loadChecklistDir(dir, ctx)).to.deep.equal({ imported: [`${fw} 1.0`], unchanged: [] });
    expect(await loadChecklistDir(dir, ctx)).to.deep.equal({ imported: [], unchanged: [`${fw} 1.0`] });
    const docs = await Checklist.find({ framework: fw }).lean();
    expect(docs).to.have.length(1);
    expect(docs[0]).to.include({ version: '1.0', controlCount: 3, publishedAt: '2024-01-15' });
    expect(docs[0].contentHash).to.match(/^[0-9a-f]{64}$/);
    expect(docs[0].countsByLevel).to.deep.equal({ 1: 2, 2: 2, 3: 3, 4: 3, 5: 3 });
    expect(docs[0].controls[0].refs).to.deep.equal({ 1: '5.1.1.1', 2: '6.1.1.1', 3: '7.1.1.1', 4: '8.1.1.1', 5: '9.1.1.1' });
    const events = await audit.list({ entity: 'checklist', entityId: docs[0]._id.toString(), action: 'checklist.import', page: 1, limit: 10 });
    expect(events.items).to.have.length(1);
    expect(events.items[0].actor).to.include({ id: 'system' });
  });

  it('when only comments and layout change, then the file is still unchanged', async () => {
    const fw = freshFramework();
    await loadChecklistDir(dirWith({ 'a.yml': sample(fw) }), ctx);
    const relaid = sample(fw, (t) => `# reformatted\n${t.replace('version: "1.0"', "version: '1.0'   # same version")}`);
    expect(await loadChecklistDir(dirWith({ 'a.yml': relaid }), ctx)).to.deep.equal({ imported: [], unchanged: [`${fw} 1.0`] });
  });

  it('when the content changes without a new version, then ChecklistFileError names the file and the version, and nothing changes', async () => {
    const fw = freshFramework();
    await loadChecklistDir(dirWith({ 'small.yaml': sample(fw) }), ctx);
    const before = await Checklist.findOne({ framework: fw }).lean();
    const changed = dirWith({ 'small.yaml': sample(fw, (t) => t.replace('severity: medium', 'severity: high')) });
    const err = await loadChecklistDir(changed, ctx).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ChecklistFileError);
    expect((err as Error).message).to.include('small.yaml: version:').and.include(`${fw} 1.0 is already imported with different content`);
    expect(await Checklist.findOne({ framework: fw }).lean()).to.deep.equal(before);
    // the same change under a new version is a new immutable document
    await loadChecklistDir(dirWith({ 'small.yaml': sample(fw, (t) => t.replace('severity: medium', 'severity: high').replace('"1.0"', '"1.1"')) }), ctx);
    expect((await Checklist.find({ framework: fw }).lean()).map((d) => d.version).sort()).to.deep.equal(['1.0', '1.1']);
    expect(await checklists.latest(fw)).to.include({ version: '1.1' });
  });

  it('when one file in the directory is bad, then the error names that file and path and no file of the directory is imported', async () => {
    const fw = freshFramework();
    const dir = dirWith({ 'a-good.yaml': sample(fw), 'b-bad.yaml': fs.readFileSync(path.join(FIXTURES, 'bad-refs.yaml'), 'utf8') });
    const err = await loadChecklistDir(dir, ctx).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ChecklistFileError);
    expect((err as Error).message).to.equal(`${path.join(dir, 'b-bad.yaml')}: controls.0.refs.2: must start with "6."`);
    expect(await Checklist.countDocuments({ framework: fw })).to.equal(0);
  });

  it('when two files declare the same framework and version, then the load is refused naming both', async () => {
    const fw = freshFramework();
    const err = await loadChecklistDir(dirWith({ 'a.yaml': sample(fw), 'b.yaml': sample(fw) }), ctx).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).to.match(/b\.yaml: version: .* is also defined in .*a\.yaml/);
  });

  it('when two instances load the same new file at the same moment, then exactly one document and one import event exist', async () => {
    const fw = freshFramework();
    const dir = dirWith({ 'small.yaml': sample(fw) });
    const results = await Promise.all([loadChecklistDir(dir, ctx), loadChecklistDir(dir, ctx), loadChecklistDir(dir, ctx)]);
    expect(results.flatMap((r) => r.imported)).to.deep.equal([`${fw} 1.0`]);
    expect(results.flatMap((r) => r.unchanged)).to.have.length(2);
    const docs = await Checklist.find({ framework: fw }).lean();
    expect(docs).to.have.length(1);
    expect((await audit.list({ entity: 'checklist', entityId: docs[0]._id.toString(), action: 'checklist.import', page: 1, limit: 10 })).total).to.equal(1);
  });

  it('when anything tries to update an imported version, then the model refuses', async () => {
    const doc = await Checklist.findOne({ framework: 'TCVN-11930' }).lean();
    const err = await Checklist.updateOne({ _id: doc!._id }, { $set: { version: 'x' } }).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).to.match(/immutable/);
  });
});

describe('checklist service', () => {
  it('when controls are frozen for a level, then ref and wording are those of that level and a level outside the checklist is 422', async () => {
    const fw = freshFramework();
    const only345 = YAML.parse(sample(fw));
    only345.levels = [3, 4, 5];
    only345.controls = only345.controls.filter((c: { levels: number[] }) => c.levels[0] === 3);
    await loadChecklistDir(dirWith({ 'x.yaml': YAML.stringify(only345) }), ctx);
    const found = await checklists.findByFrameworkVersion(fw, '1.0');
    const l4 = await checklists.controlsFor(found!.id, 4);
    expect(l4.checklist).to.deep.equal({ id: found!.id, framework: fw, version: '1.0' });
    expect(l4.controls).to.deep.equal([{
      id: 'TEC.APP.04', group: 'technical', domain: 'application', ref: '8.2.3.4', title: { vi: 'Phiên bản TLS', en: 'TLS versions' },
      requirement: { vi: 'Chỉ dùng TLS 1.2 trở lên.', en: 'Only TLS 1.2 or later is offered.' }, severity: 'high',
      evidence: [{ vi: 'Kết quả rà quét TLS', en: 'TLS scan result' }], scanCheck: 'tls.protocols',
    }]);
    const err = await checklists.controlsFor(found!.id, 2).then(() => undefined, (e: unknown) => e);
    expect(err).to.have.property('status', 422);
    expect(await checklists.findByFrameworkVersion(fw, '9.9')).to.equal(undefined);
    expect(await checklists.latest('NO-SUCH-FRAMEWORK')).to.equal(undefined);
  });

  it('when a level has its own text, then that text replaces the requirement at that level only', async () => {
    const fw = freshFramework();
    await loadChecklistDir(dirWith({ 'x.yaml': sample(fw) }), ctx);
    const { id } = (await checklists.findByFrameworkVersion(fw, '1.0'))!;
    const pol = async (level: number) => (await checklists.controlsFor(id, level)).controls.find((c) => c.id === 'MGT.POL.01')!.requirement.en;
    expect(await pol(3)).to.equal('A policy exists, reviewed every 3 years.');
    expect(await pol(4)).to.equal('A policy exists, reviewed yearly.');
    expect(await pol(5)).to.equal('A policy exists, reviewed yearly.');
  });
});

describe('checklists API', () => {
  let a: Actors;
  let tcvnId: string;
  before(async () => {
    a = await makeActors();
    tcvnId = (await checklists.findByFrameworkVersion('TCVN-11930', '2017.1'))!.id;
  });

  it('when an owner lists checklists, then TCVN-11930 2017.1 is there with its counts per level and without its controls', async () => {
    const res = await api().get('/api/v1/checklists').set(bearer(a.owner));
    expect(res.status).to.equal(200);
    const tcvn = res.body.items.find((c: { framework: string; version: string }) => c.framework === 'TCVN-11930' && c.version === '2017.1');
    expect(tcvn).to.include({ id: tcvnId, controlCount: 112, publishedAt: '2017-12-29' });
    expect(tcvn.countsByLevel).to.deep.equal({ 1: 33, 2: 58, 3: 88, 4: 101, 5: 112 });
    expect(tcvn.levels).to.deep.equal([1, 2, 3, 4, 5]);
    expect(tcvn).to.not.have.any.keys('controls', 'contentHash');
    expect(res.body.total).to.equal(res.body.items.length);
  });

  it('when a checklist is read for level 3, then only the 88 level-3 controls come back, each with its clause 7 ref and level-3 wording', async () => {
    const res = await api().get(`/api/v1/checklists/${tcvnId}`).query({ level: 3 }).set(bearer(a.inspector));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id: tcvnId, framework: 'TCVN-11930', version: '2017.1', level: 3 });
    expect(res.body.controls).to.have.length(88);
    for (const c of res.body.controls) {
      expect(c.ref, c.id).to.match(/^7\.[12]\.\d+\.\d+$/);
      expect(c).to.not.have.any.keys('refs', 'levels', 'levelText');
    }
    const pol4 = res.body.controls.find((c: { id: string }) => c.id === 'MGT.POL.04');
    expect(pol4.requirement.en).to.match(/at least every 2 years/);
  });

  it('when a checklist is read without a level, then every control comes back as authored', async () => {
    const res = await api().get(`/api/v1/checklists/${tcvnId}`).set(bearer(a.owner));
    expect(res.status).to.equal(200);
    expect(res.body.controls).to.have.length(112);
    expect(res.body.controls[0]).to.include.keys('refs', 'levels', 'requirement');
    expect(res.body).to.not.have.property('level');
  });

  it('when the level is out of range or the query has unknown keys, then 400 names the field', async () => {
    const res = await api().get(`/api/v1/checklists/${tcvnId}`).query({ level: 9 }).set(bearer(a.admin));
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0]).to.include({ field: 'level', in: 'query' });
    expect((await api().get(`/api/v1/checklists/${tcvnId}`).query({ level: 'x' }).set(bearer(a.admin))).status).to.equal(400);
    expect((await api().get('/api/v1/checklists').query({ framework: { $ne: 1 } }).set(bearer(a.admin))).status).to.equal(400);
  });

  it('when the id is unknown, malformed, or the caller anonymous, then 404, 400 and 401', async () => {
    expect((await api().get('/api/v1/checklists/0123456789abcdef01234567').set(bearer(a.admin))).status).to.equal(404);
    expect((await api().get('/api/v1/checklists/not-an-id').set(bearer(a.admin))).status).to.equal(400);
    expect((await api().get(`/api/v1/checklists/${tcvnId}`)).status).to.equal(401);
    expect((await api().get('/api/v1/checklists')).status).to.equal(401);
  });

  it('when a checklist does not cover the asked level, then 422', async () => {
    const fw = freshFramework();
    const only345 = YAML.parse(sample(fw));
    only345.levels = [3, 4, 5];
    only345.controls = only345.controls.filter((c: { levels: number[] }) => c.levels[0] === 3);
    await loadChecklistDir(dirWith({ 'x.yaml': YAML.stringify(only345) }), ctx);
    const { id } = (await checklists.findByFrameworkVersion(fw, '1.0'))!;
    const res = await api().get(`/api/v1/checklists/${id}`).query({ level: 1 }).set(bearer(a.admin));
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('unprocessable');
  });
});
