import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { harness } from './helpers/harness';
import { listener } from './helpers/scans';
import { Finding } from '../src/modules/findings/finding.model';
import { ScanImport } from '../src/modules/scan-imports/import.model';
import { MAPPING_FILE, checkControls, parseMapping } from '../src/modules/scan-imports/mapping';

/** Runs Debian's nmap (connect scan, no ping, no DNS) against loopback ports and returns its XML report. */
function nmapXml(address: string, ports: number[]): Buffer {
  return execFileSync('nmap', ['-sT', '-Pn', '-n', '-p', ports.join(','), '-oX', '-', address], { timeout: 60_000 });
}

type Item = { action: string; system: string; title: string; titleVi: string; severity: string; target: string; control?: string };

describe('scan imports: reports of the scanners inspectors already run', function () {
  this.timeout(90_000);
  let a: Actors;
  before(async () => { a = await makeActors(); });

  const upload = (path: string, token: string, body: Buffer, filename: string, tool?: string) => {
    const r = api().post(`/api/v1/scan-imports${path}`).set(bearer(token)).attach('report', body, filename);
    return tool ? r.field('tool', tool) : r;
  };
  const written = async () => ({ findings: await Finding.countDocuments({ 'source.type': 'import' }), imports: await ScanImport.countDocuments({}) });

  it('when an nmap report made here lists a port the system does not allow, then the preview shows it and writes nothing; applied, it opens one finding; a later report without it verifies it', async () => {
    // 127.0.55.1: an address no other test's system uses
    const served = await listener('127.0.55.1');
    const extra = await listener('127.0.55.1');
    const system = await makeSystem(a.org, { level: 3, endpoints: [`127.0.55.1:${served.port}`], scanPorts: [], allowedPorts: [] });
    const report = nmapXml('127.0.55.1', [served.port, extra.port]);
    const before = await written();
    const preview = await upload('/preview', a.inspector, report, 'nmap.xml');
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body).to.include({ tool: 'nmap', toolName: 'Nmap' });
    expect(preview.body.planned).to.include({ opened: 1, refreshed: 0, verified: 0 });
    expect(preview.body.systems).to.deep.equal([{ id: system.id, code: system.code, name: system.name, opened: 1, refreshed: 0, reopened: 0, verified: 0 }]);
    const item = (preview.body.findings as Item[])[0];
    expect(item).to.include({ action: 'open', system: system.code, target: `127.0.55.1:${extra.port}`, control: 'TEC.NET.02' });
    expect(item.title).to.equal(`Port ${extra.port} is open but not among the allowed ports`);
    expect(item.titleVi).to.match(new RegExp(`^Cổng ${extra.port} đang mở`));
    expect(await written()).to.deep.equal(before);

    const applied = await upload('', a.inspector, report, 'nmap.xml');
    expect(applied.status, JSON.stringify(applied.body)).to.equal(201);
    expect(applied.body).to.include({ status: 'applied', tool: 'nmap' });
    expect(applied.body.counts).to.include({ opened: 1 });
    const [f] = (await api().get('/api/v1/findings').query({ system: system.id, source: 'import' }).set(bearer(a.owner))).body.items;
    expect(f).to.include({ status: 'open', severity: 'medium', control: 'TEC.NET.02', title: item.title });
    expect(f.source).to.include({ type: 'import', tool: 'nmap', rule: `port.tcp.${extra.port}`, target: `127.0.55.1:${extra.port}` });
    // the same report again changes nothing but the sighting
    expect((await upload('', a.inspector, report, 'nmap.xml')).body.counts).to.include({ opened: 0, refreshed: 1 });

    await extra.close();
    const later = nmapXml('127.0.55.1', [served.port, extra.port]);
    const verified = await upload('', a.inspector, later, 'nmap-later.xml');
    expect(verified.body.counts).to.include({ opened: 0, verified: 1 });
    const after = (await api().get(`/api/v1/findings/${f.id}`).set(bearer(a.owner))).body;
    expect(after.status).to.equal('verified');
    expect(after.history.at(-1).evidence[0].url).to.include(`/api/v1/scan-imports/${verified.body.id}`);
    // audited, and listed
    const audit = (await api().get('/api/v1/audit').query({ entity: 'scan_import', entityId: verified.body.id }).set(bearer(a.admin))).body.items;
    expect(audit.map((e: { action: string }) => e.action)).to.deep.equal(['scan_import.apply']);
    expect((await api().get('/api/v1/scan-imports').set(bearer(a.inspector))).body.items[0].id).to.equal(verified.body.id);
    await served.close();
  });

  it('when a report names a host that is in no system, then the preview lists it as an inventory gap', async () => {
    const open = await listener('127.0.55.9');
    try {
      const res = await upload('/preview', a.admin, nmapXml('127.0.55.9', [open.port]), 'gap.xml');
      expect(res.status).to.equal(200);
      expect(res.body.unmatchedHosts).to.deep.equal(['127.0.55.9']);
      expect(res.body.planned).to.include({ opened: 0 });
    } finally {
      await open.close();
    }
  });

  it('when the file is hostile or malformed, then the answer is a clear 4xx and nothing is written', async () => {
    const before = await written();
    const xxe = Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE nmaprun [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n<nmaprun scanner="nmap"><host><address addr="&x;"/></host></nmaprun>');
    const laughs = Buffer.from(`<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n')}\n]>\n<NessusClientData_v2>&lol9;</NessusClientData_v2>`);
    const broken = Buffer.from('<?xml version="1.0"?>\n<nmaprun scanner="nmap">\n<host>\n<address addr="127.0.0.1"\n</nmaprun>');
    for (const [name, body] of [['xxe.xml', xxe], ['laughs.nessus', laughs], ['broken.xml', broken]] as const) {
      const started = Date.now();
      const res = await upload('', a.inspector, body, name);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(422);
      expect(res.body.error.message).to.match(/^The report cannot be imported: /);
      expect(JSON.stringify(res.body)).not.to.include('root:');
      expect(Date.now() - started).to.be.below(5000);
    }
    const line = await upload('', a.inspector, broken, 'broken.xml');
    expect(line.body.error.details).to.include({ line: 5 });
    const unknown = await upload('', a.inspector, Buffer.from('just some text'), 'notes.txt');
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.message).to.match(/does not recognise this report/);
    const mismatch = await upload('', a.inspector, nmapXml('127.0.55.1', [1]), 'nmap.xml', 'nessus');
    expect(mismatch.status).to.equal(422);
    expect((await upload('', a.inspector, broken, 'x.xml', 'burp')).status).to.equal(400);
    expect((await api().post('/api/v1/scan-imports').set(bearer(a.inspector)).field('tool', 'nmap')).status).to.equal(400);
    expect((await upload('', a.owner, broken, 'x.xml')).status).to.equal(403);
    expect(await written()).to.deep.equal(before);
  });

  it('when a request declares a body of 1 GB, then it is refused with 413 before the body is read', async () => {
    const server = http.createServer(harness().app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/api/v1/scan-imports', headers: {
          Authorization: `Bearer ${a.inspector}`, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(1024 ** 3),
        } }, (r) => { let body = ''; r.on('data', (d) => { body += d; }); r.on('end', () => resolve({ status: r.statusCode!, body })); });
        req.on('error', reject);
        req.write('--x\r\nContent-Disposition: form-data; name="report"; filename="big.nessus"\r\n\r\n<NessusClientData_v2>');
      });
      expect(res.status).to.equal(413);
      expect(JSON.parse(res.body).error.message).to.match(/at most 64 MB/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('when the mapping names a control the checklist does not have, then checking it at start-up names the file and the control', async () => {
    const text = fs.readFileSync(MAPPING_FILE, 'utf8').replace('default: TEC.APP.04', 'default: TEC.APP.99');
    const err = await checkControls(parseMapping(text, 'm.yaml'), text, 'm.yaml').then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/^m\.yaml: control TEC\.APP\.99 is not in TCVN-11930 /);
    await checkControls(parseMapping(fs.readFileSync(MAPPING_FILE, 'utf8')), fs.readFileSync(MAPPING_FILE, 'utf8'));
  });
});
