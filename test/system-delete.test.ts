import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeSystem, uniq, type Actors } from './helpers/factories';
import { listener, scan } from './helpers/scans';
import * as scans from '../src/modules/scans/scan.service';

const raw = (name: string) => mongoose.connection.db!.collection(name);

describe('deleting a system and changing its level by import', function () {
  this.timeout(60_000);
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when a scanned, never-assessed system has findings, then deletion is refused with the reason and nothing is removed', async () => {
    const open = await listener();
    try {
      const system = await makeSystem(a.org, { endpoints: ['127.0.0.1:1'], scanPorts: [open.port] });
      const run = await scan(a.inspector, system.id, ['ports.exposed']);
      expect(run.findings.opened).to.equal(1);
      await scans.settle();
      const res = await api().delete(`/api/v1/systems/${system.id}`).set(bearer(a.admin));
      expect(res.status).to.equal(409);
      expect(res.body.error.message).to.match(/findings/);
      expect((await api().get(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).status).to.equal(200);
      expect((await api().get('/api/v1/scans').query({ system: system.id }).set(bearer(a.admin))).body.total).to.equal(1);
    } finally {
      await open.close();
    }
  });

  it('when a scanned system without findings is deleted, then its runs, run lists, schedule and boards go with it and the audit says so', async () => {
    const system = await makeSystem(a.org, { endpoints: ['127.0.0.1:1'], scanPorts: [1] });
    const run = await scan(a.inspector, system.id, ['ports.exposed']);
    await scans.settle();
    expect((await api().put(`/api/v1/systems/${system.id}/scan-schedule`).set(bearer(a.inspector)).send({ cron: '0 3 * * *', enabled: false, version: 0 })).status).to.equal(200);
    expect((await api().delete(`/api/v1/systems/${system.id}`).set(bearer(a.admin))).status).to.equal(204);
    expect(await raw('scan_runs').findOne({ _id: new mongoose.Types.ObjectId(run.id) })).to.equal(null);
    expect(await raw('scan_index').findOne({ _id: system.id as never })).to.equal(null);
    expect(((await raw('scan_index').findOne({ _id: 'recent' as never }))?.runs ?? []).map((r: { id: string }) => r.id)).to.not.include(run.id);
    expect(await raw('scan_schedules').findOne({ _id: system.id as never })).to.equal(null);
    expect(await raw('finding_boards').findOne({ _id: system.id as never })).to.equal(null);
    const audit = await api().get('/api/v1/audit').query({ entity: 'system', entityId: system.id }).set(bearer(a.admin));
    expect(audit.body.items[0].action).to.equal('system.delete');
  });

  it('when an import changes a system\'s level, then the system needs re-assessment as after an edit', async () => {
    const code = uniq('LVL-');
    expect((await api().post('/api/v1/systems/import').set(bearer(a.admin)).send([{ code, name: 'Cấp độ', organization: a.org.code, level: 2 }])).body.created).to.equal(1);
    const res = await api().post('/api/v1/systems/import').set(bearer(a.admin)).send([{ code, name: 'Cấp độ', organization: a.org.code, level: 4 }]);
    expect(res.body.updated).to.equal(1);
    const s = (await api().get('/api/v1/systems').query({ q: code }).set(bearer(a.admin))).body.items[0];
    expect(s.level).to.equal(4);
    expect(s.compliance.needsReassessment).to.equal(true);
  });
});
