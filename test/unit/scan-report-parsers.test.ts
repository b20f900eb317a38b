import { expect } from 'chai';
import { countBySeverity } from '../../src/modules/scan-imports/parsers';
import { hosts, parse, tally, text } from '../helpers/scan-reports';
import type { ImportSeverity } from '../../src/modules/scan-imports/types';

describe('unit: scan report parsers — nmap XML', () => {
  const FILES: Record<string, string[]> = {
    // hosts verified by reading each <host>: the type="user" hostname, else the first, plus its address
    'issue12411.xml': ['amazon.example.com/203.0.113.85', 'google.example.com/203.0.113.238'],
    'issue4406.xml': ['ip-10-250-195-71.eu-west-1.compute.internal/10.250.195.71'],
    'nmap_0port.xml': ['localhost.localdomain/127.0.0.1'],
    'nmap_1port.xml': ['localhost.localdomain/127.0.0.1'],
    'nmap_multiple_port.xml': ['joaquinlp.example.net/198.51.100.159'],
    'nmap_script_vulners.xml': ['192.168.0.1'],
  };
  for (const [name, expectedHosts] of Object.entries(FILES)) {
    it(`when ${name} is read, then every open port is one info item and the scanned hosts are covered`, async () => {
      const r = await parse('nmap', name);
      const open = text('nmap', name).match(/<state state="open"/g)?.length ?? 0;
      expect(countBySeverity(r.items)).to.deep.equal(open ? { info: open } : {});
      expect(hosts(r)).to.deep.equal(expectedHosts);
      for (const item of r.items) expect(item.rule).to.equal(`port.${item.protocol}.${item.port}`);
    });
  }

  it('when a host was scanned on the top 1000 ports, then those ports are covered; -p- covers the whole host', async () => {
    expect((await parse('nmap', 'nmap_0port.xml')).covered[0].ports).to.have.length(1000);
    expect((await parse('nmap', 'issue4406.xml')).covered[0].ports).to.deep.equal([]);
    expect((await parse('nmap', 'nmap_script_vulners.xml')).covered[0].ports).to.deep.equal([5022]);
  });

  it('when a port has service details and scripts, then they are kept in the evidence', async () => {
    const [item] = (await parse('nmap', 'nmap_script_vulners.xml')).items;
    expect(item).to.include({ rule: 'port.tcp.5022', host: '192.168.0.1', port: 5022, protocol: 'tcp', severity: 'info' });
    expect(item.evidence).to.contain('ssh OpenSSH 7.4').and.contain('CVE-2018-15919');
  });
});

describe('unit: scan report parsers — ZAP XML', () => {
  const FILES = ['0_zap_sample.xml', '5_zap_sample_one.xml', 'empty_2.9.0.xml', 'some_2.9.0.xml', 'zap-xml-plus-format.xml', 'juicy2.xml',
    'dvwa_baseline_dojo_fabricated_internal_duplicates_subset.xml', 'zap_2.16.1_with_req_resp.xml'];
  const RISK: Record<string, ImportSeverity> = { '3': 'high', '2': 'medium', '1': 'low', '0': 'info' };
  for (const name of FILES) {
    it(`when ${name} is read, then stated counts are its riskcodes and items are its distinct alerts`, async () => {
      const r = await parse('zap', name);
      // 0_zap_sample.xml comments one alert out: comments are not alerts
      const blocks = text('zap', name).replace(/<!--[\s\S]*?-->/g, '').split('<alertitem>').slice(1);
      const risk = (b: string) => RISK[/<riskcode>(\d)<\/riskcode>/.exec(b)?.[1] ?? ''];
      expect(r.statedCounts).to.deep.equal(tally(blocks.map(risk)));
      // the same alert listed twice for one site is one item (DefectDojo's duplicate samples)
      const distinct = new Map<string, ImportSeverity>();
      for (const b of blocks) distinct.set(/<alertRef>([^<]+)/.exec(b)?.[1] ?? /<pluginid>([^<]+)/.exec(b)![1], risk(b));
      expect(countBySeverity(r.items)).to.deep.equal(tally([...distinct.values()]));
      const site = /<site name="[^"]*"\s+host="([^"]+)"\s+port="(\d+)"/.exec(text('zap', name))!;
      expect(r.covered).to.deep.equal([{ host: site[1], ports: [Number(site[2])] }]);
    });
  }

  it('when an alert lists instances, then rule, CWE and URIs land on the item', async () => {
    const r = await parse('zap', 'zap-xml-plus-format.xml');
    expect(r.items).to.have.length(1);
    expect(r.items[0]).to.include({ host: 'localhost', port: 8080, severity: 'medium' });
    expect(r.items[0].cwe?.length).to.equal(1);
    expect(r.items[0].evidence).to.match(/http:\/\/localhost:8080/);
  });

  it('when the duplicate sample is read, then the duplicated alert is merged, not dropped', async () => {
    const r = await parse('zap', 'dvwa_baseline_dojo_fabricated_internal_duplicates_subset.xml');
    expect(r.items.filter((i) => i.rule === '10038')).to.have.length(1);
    expect(r.statedCounts?.medium).to.equal(4);
  });
});

describe('unit: scan report parsers — OpenVAS XML', () => {
  /** bands from the result's own <severity> score */
  const band = (s: number): ImportSeverity | undefined => (s < 0 ? undefined : s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : s > 0 ? 'low' : 'info');
  const FILES: Record<string, string[]> = {
    // hosts verified by reading the <host><ip> list and the results' <hostname>
    'one_vuln.xml': ['10.0.101.2'],
    'no_vuln.xml': [],
    'many_vuln.xml': ['b6b9f466d63/192.168.1.1001'],
    'report_detail_v2.xml': ['server99/10.99.99.99'],
  };
  for (const [name, expectedHosts] of Object.entries(FILES)) {
    it(`when ${name} is read, then items per severity follow the results' scores and the threat words agree`, async () => {
      const r = await parse('openvas', name);
      const results = text('openvas', name).match(/<result id=[\s\S]*?<\/result>/g) ?? [];
      const scores = results.map((b) => Number(/<\/nvt>[\s\S]*?<severity>([-\d.]+)<\/severity>/.exec(b)![1]));
      const threats = results.map((b) => /<\/nvt>[\s\S]*?<threat>(\w*)<\/threat>/.exec(b)![1]);
      const ours = countBySeverity(r.items);
      expect(ours).to.deep.equal(tally(scores.map(band)));
      // GVM's "High" spans 7.0–10; ours splits it into critical + high
      expect((ours.critical ?? 0) + (ours.high ?? 0)).to.equal(threats.filter((t) => t === 'High').length);
      expect(hosts(r)).to.deep.equal(expectedHosts);
    });
  }

  it('when the report states result_count, then statedCounts carries it (these exports state zeros)', async () => {
    expect((await parse('openvas', 'one_vuln.xml')).statedCounts).to.deep.equal({ high: 0, medium: 0, low: 0, info: 0 });
    expect((await parse('openvas', 'report_detail_v2.xml')).statedCounts).to.equal(undefined);
  });

  it('when a result is read, then the NVT OID is the rule and CVEs and port come along', async () => {
    const [item] = (await parse('openvas', 'report_detail_v2.xml')).items;
    expect(item).to.include({ rule: '1.3.6.1.4.1.25623.1.0.836484', host: 'server99', address: '10.99.99.99', port: 42, protocol: 'tcp', severity: 'critical' });
    expect(item.cve).to.include('CVE-2025-49659');
  });
});

describe('unit: scan report parsers — Nessus', () => {
  const SEV: Record<string, ImportSeverity> = { '4': 'critical', '3': 'high', '2': 'medium', '1': 'low', '0': 'info' };
  const FILES: Record<string, string[]> = {
    'nessus_many_vuln.xml': ['preprod.boardvantage.example.net/198.51.100.201'],
    'nessus_was_one_vuln.xml': ['google.example.com'],
    'nessus_was_many_vuln.xml': ['google.example.com'],
    'nessus_was_no_vuln.xml': ['google.example.com'],
  };
  for (const [name, expectedHosts] of Object.entries(FILES)) {
    it(`when ${name} is read, then items per severity equal its ReportItem severity attributes`, async () => {
      const r = await parse('nessus', name);
      const stated = [...text('nessus', name).matchAll(/<ReportItem\b[^>]*\bseverity="(\d)"/g)].map((m) => SEV[m[1]]);
      expect(countBySeverity(r.items)).to.deep.equal(tally(stated));
      expect(hosts(r)).to.deep.equal(expectedHosts);
    });
  }

  it('when a plugin fires, then pluginID is the rule and risk_factor the tool severity', async () => {
    const r = await parse('nessus', 'nessus_was_many_vuln.xml');
    const high = r.items.find((i) => i.severity === 'high')!;
    expect(high.rule).to.match(/^\d+$/);
    expect(high.toolSeverity).to.match(/^(high|3)$/i);
  });
});
