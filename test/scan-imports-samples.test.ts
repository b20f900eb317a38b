import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { parseReport } from '../src/modules/scan-imports/parsers';
import type { ParsedReport } from '../src/modules/scan-imports/types';

/*
 * Every format on public sample reports nobody here wrote (DefectDojo's unittests/scans, BSD-3-Clause;
 * test/fixtures/scan-reports/README.md): the busiest host of each report is registered as a system,
 * then the report is previewed, applied and applied again through the API.
 */
const SAMPLES: [tool: string, file: string][] = [
  ['nmap', 'nmap/nmap_multiple_port.xml'],
  ['testssl', 'testssl/defectdojo_many_vuln.json'],
  ['sslyze', 'sslyze/one_target_many_vuln_new.min.json'],
  ['zap', 'zap/5_zap_sample_one.xml'],
  ['zap', 'zap/basic-traditional-json-plus.json'],
  ['nuclei', 'nuclei/many_findings.json'],
  ['openvas', 'openvas/many_vuln.xml'],
  ['nessus', 'nessus/nessus_was_many_vuln.xml'],
];
const dir = path.resolve('test/fixtures/scan-reports');

/** The host with the most findings (for nmap: the most open ports), as an endpoint of a system. */
function busiest(report: ParsedReport): { host: string; port: number } {
  const counted = new Map<string, number>();
  for (const i of report.items) if (report.tool === 'nmap' || i.severity !== 'info') counted.set(i.host, (counted.get(i.host) ?? 0) + 1);
  const [host] = [...counted].sort((x, y) => y[1] - x[1])[0];
  const port = report.items.find((i) => i.host === host && i.port && report.tool !== 'nmap')?.port ?? 1;
  return { host, port };
}

describe('scan imports: the public sample reports of each of the seven formats', function () {
  this.timeout(120_000);
  let a: Actors;
  before(async () => { a = await makeActors(); });

  for (const [tool, file] of SAMPLES) {
    it(`when ${file} is previewed, applied and applied again, then it reads as ${tool}, opens one finding per problem and target of the registered host, and the second time only refreshes them`, async () => {
      const body = fs.readFileSync(path.join(dir, file));
      const report = await parseReport(fs.createReadStream(path.join(dir, file)), { filename: path.basename(file) });
      expect(report.tool).to.equal(tool);
      const { host, port } = busiest(report);
      const system = await makeSystem(a.org, { level: 3, endpoints: [`${host.includes(':') ? `[${host}]` : host}:${port}`], scanPorts: [], allowedPorts: [] });
      const send = (p: string) => api().post(`/api/v1/scan-imports${p}`).set(bearer(a.inspector)).attach('report', body, path.basename(file));

      const preview = await send('/preview');
      expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
      const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<string, number>;
      for (const i of report.items) bySeverity[i.severity]++;
      expect(preview.body.items).to.deep.equal(bySeverity);
      // what the report states of itself, where it states it, is shown beside what was read (compared per fixture in test/unit/scan-report-parsers*)
      expect(preview.body.statedCounts).to.deep.equal(report.statedCounts);
      const mine = preview.body.systems.find((s: { id: string }) => s.id === system.id);
      expect(mine, 'the registered host is matched').to.not.equal(undefined);
      expect(mine.opened).to.be.above(0);
      expect(preview.body.unmatchedHosts).not.to.include(host);

      const applied = await send('');
      expect(applied.status, JSON.stringify(applied.body)).to.equal(201);
      expect(applied.body.counts.opened).to.be.at.least(mine.opened);
      const list = (await api().get('/api/v1/findings').query({ system: system.id, source: 'import', limit: 100 }).set(bearer(a.owner))).body;
      expect(list.total).to.equal(mine.opened);
      for (const f of list.items) {
        expect(f.source).to.include({ type: 'import', tool });
        expect(f.title).to.be.a('string').and.not.equal('');
        expect(f.titleVi).to.be.a('string').and.not.equal(f.title);
        expect(f.control, f.title).to.match(/^(TEC|MGT)\./);
        expect(['critical', 'high', 'medium', 'low']).to.include(f.severity);
      }
      const again = await send('');
      expect(again.body.counts).to.include({ opened: 0, verified: 0 });
      expect(again.body.counts.refreshed).to.be.at.least(mine.opened);
      expect((await api().get('/api/v1/findings').query({ system: system.id, source: 'import' }).set(bearer(a.owner))).body.total).to.equal(mine.opened);
    });
  }
});
