import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import * as settings from '../src/modules/settings/settings.service';
import * as checklists from '../src/modules/checklists/checklist.service';
import { loadChecklistDir } from '../src/modules/checklists/checklist.loader';
import { systemActor } from '../src/shared/actor';
import { api, bearer, makeActors, uniq, type Actors } from './helpers/factories';

const DEFAULTS = {
  reassessmentMonths: { 1: 36, 2: 36, 3: 24, 4: 12, 5: 6 },
  slaDays: { critical: 7, high: 30, medium: 90, low: 180 },
  slaDaysByLevel: {},
  scanCron: { 1: '0 2 * * 0', 2: '0 2 * * 0', 3: '0 2 * * *', 4: '0 2,14 * * *', 5: '0 */6 * * *' },
  activeChecklist: null,
};

describe('unit: level rules from settings', () => {
  const s: settings.Settings = { ...structuredClone(DEFAULTS), slaDaysByLevel: { 5: { critical: 2, high: 10 } }, version: 1 } as settings.Settings;

  it('when a level has an override for a severity, then it wins; otherwise the severity default applies', () => {
    expect(settings.slaDaysFor(s, 'critical', 5)).to.equal(2);
    expect(settings.slaDaysFor(s, 'high', 5)).to.equal(10);
    expect(settings.slaDaysFor(s, 'medium', 5)).to.equal(90);
    expect(settings.slaDaysFor(s, 'critical', 4)).to.equal(7);
    expect(settings.slaDaysFor(s, 'low', 1)).to.equal(180);
  });

  it('when the re-assessment period is asked per level, then 1–2 are 3 years, 3 two years, 4 one year, 5 six months', () => {
    expect([1, 2, 3, 4, 5].map((l) => settings.reassessmentMonthsFor(s, l))).to.deep.equal([36, 36, 24, 12, 6]);
    expect(() => settings.reassessmentMonthsFor(s, 7)).to.throw(/level 7/);
  });
});

describe('settings API', () => {
  let a: Actors;
  const tmp: string[] = [];
  const current = async () => (await api().get('/api/v1/settings').set(bearer(a.admin))).body;
  const put = (token: string, body: object) => api().put('/api/v1/settings').set(bearer(token)).send(body);

  before(async () => { a = await makeActors(); });
  // other modules read these settings: leave them as the defaults
  after(async () => {
    const s = await settings.getSettings();
    await settings.updateSettings({ actor: systemActor('settings-test') }, { ...DEFAULTS }, s.version);
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  it('when the settings are read, then the defaults of TCVN 11930 practice come back with a version', async () => {
    const res = await api().get('/api/v1/settings').set(bearer(a.inspector));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include(DEFAULTS);
    expect(res.body.version).to.be.a('number');
  });

  it('when an admin changes a rule, then it is merged, the version moves on, and the change is audited with before and after', async () => {
    const before = await current();
    const res = await put(a.admin, { version: before.version, slaDays: { critical: 3 }, reassessmentMonths: { 3: 18 }, slaDaysByLevel: { 5: { critical: 1 } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.slaDays).to.deep.equal({ critical: 3, high: 30, medium: 90, low: 180 });
    expect(res.body.reassessmentMonths).to.deep.equal({ 1: 36, 2: 36, 3: 18, 4: 12, 5: 6 });
    expect(res.body.slaDaysByLevel).to.deep.equal({ 5: { critical: 1 } });
    expect(res.body).to.include({ version: before.version + 1, updatedBy: a.users.admin.id });
    expect(await current()).to.deep.equal(res.body);
    const s = await settings.getSettings();
    expect(settings.slaDaysFor(s, 'critical', 5)).to.equal(1);
    expect(settings.slaDaysFor(s, 'critical', 4)).to.equal(3);

    const audit = await api().get('/api/v1/audit').query({ entity: 'settings' }).set(bearer(a.admin));
    const ev = audit.body.items[0];
    expect(ev).to.include({ action: 'settings.update', entityId: 'global' });
    expect(ev.actor.id).to.equal(a.users.admin.id);
    expect(ev.before.slaDays.critical).to.equal(before.slaDays.critical);
    expect(ev.after.slaDays.critical).to.equal(3);
  });

  it('when two admins edit from the same version, then the second gets 409 and its change is not applied', async () => {
    const base = await current();
    expect((await put(a.admin, { version: base.version, slaDays: { low: 170 } })).status).to.equal(200);
    const stale = await put(a.admin, { version: base.version, slaDays: { low: 160 } });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('conflict');
    const now = await current();
    expect(now.slaDays.low).to.equal(170);
    expect(now.version).to.equal(base.version + 1);
  });

  it('when concurrent edits race from the same version, then exactly one succeeds and its value is the one kept', async () => {
    // FerretDB lets several conditional findOneAndUpdates through at once; this guards the design
    for (let round = 0; round < 3; round++) {
      const base = await current();
      const results = await Promise.all([150, 151, 152, 153, 154, 155].map((low) => put(a.admin, { version: base.version, slaDays: { low } })));
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409, 409, 409, 409]);
      const winner = results.find((r) => r.status === 200)!.body;
      expect(await current()).to.deep.equal(winner);
      expect(winner.version).to.equal(base.version + 1);
    }
  });

  it('when values are out of range or keys unknown, then 400 names each field and nothing changes', async () => {
    const base = await current();
    const cases: [object, string][] = [
      [{ slaDays: { high: 0 } }, 'slaDays.high'],
      [{ slaDays: { severe: 5 } }, 'slaDays.severe'],
      [{ reassessmentMonths: { 3: 121 } }, 'reassessmentMonths.3'],
      [{ reassessmentMonths: { 6: 12 } }, 'reassessmentMonths.6'],
      [{ slaDaysByLevel: { 2: { medium: 2.5 } } }, 'slaDaysByLevel.2.medium'],
      [{ slaDays: { low: 10 }, color: 'red' }, 'color'],
      [{ activeChecklist: { framework: 'TCVN-11930' } }, 'activeChecklist.version'],
    ];
    for (const [patch, field] of cases) {
      const res = await put(a.admin, { version: base.version, ...patch });
      expect(res.status, field).to.equal(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field), field).to.include(field);
    }
    expect((await put(a.admin, { slaDays: { low: 10 } })).body.error.details[0].field).to.equal('version');
    expect((await put(a.admin, { version: base.version })).status).to.equal(400);
    expect(await current()).to.deep.equal(base);
  });

  it('when the active checklist is unknown or does not cover every level, then 422 names activeChecklist', async () => {
    const base = await current();
    const unknown = await put(a.admin, { version: base.version, activeChecklist: { framework: 'TCVN-11930', version: '1999.9' } });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.details[0]).to.include({ field: 'activeChecklist' });
    expect(unknown.body.error.details[0].reason).to.match(/no imported checklist TCVN-11930 1999\.9/);

    const fw = uniq('TEST-');
    const doc = YAML.parse(fs.readFileSync(path.resolve('test/fixtures/checklists/small.yaml'), 'utf8'));
    Object.assign(doc, { framework: fw, levels: [3, 4, 5], controls: doc.controls.filter((c: { levels: number[] }) => c.levels[0] === 3) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-settings-'));
    tmp.push(dir);
    fs.writeFileSync(path.join(dir, 'partial.yaml'), YAML.stringify(doc));
    await loadChecklistDir(dir, { actor: systemActor('settings-test') });
    const partial = await put(a.admin, { version: base.version, activeChecklist: { framework: fw, version: '1.0' } });
    expect(partial.status).to.equal(422);
    expect(partial.body.error.details[0]).to.include({ field: 'activeChecklist' });
    expect(partial.body.error.details[0].reason).to.match(/does not cover level 1, 2/);
    expect(await current()).to.deep.equal(base);
  });

  it('when an active checklist is chosen or reset to null, then new assessments resolve to that version or the latest TCVN-11930', async () => {
    const tcvn = (await checklists.findByFrameworkVersion('TCVN-11930', '2017.1'))!;
    const latest = (await checklists.latest('TCVN-11930'))!;
    let s = await current();
    const chosen = await put(a.admin, { version: s.version, activeChecklist: { framework: 'TCVN-11930', version: '2017.1' } });
    expect(chosen.status).to.equal(200);
    expect(chosen.body.activeChecklist).to.deep.equal({ framework: 'TCVN-11930', version: '2017.1' });
    expect(await settings.activeChecklistId()).to.equal(tcvn.id);
    s = await current();
    const reset = await put(a.admin, { version: s.version, activeChecklist: null });
    expect(reset.status).to.equal(200);
    expect(reset.body.activeChecklist).to.equal(null);
    expect(await settings.activeChecklistId()).to.equal(latest.id);
  });

  it('when an inspector writes, an owner reads, or nobody is logged in, then 403, 403 and 401', async () => {
    const base = await current();
    expect((await put(a.inspector, { version: base.version, slaDays: { low: 90 } })).status).to.equal(403);
    expect((await api().get('/api/v1/settings').set(bearer(a.owner))).status).to.equal(403);
    expect((await api().get('/api/v1/settings')).status).to.equal(401);
    expect((await api().put('/api/v1/settings').send({ version: base.version })).status).to.equal(401);
    expect(await current()).to.deep.equal(base);
  });
});
