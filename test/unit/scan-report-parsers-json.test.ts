import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { countBySeverity, detectFormat, parseReport, severityTables } from '../../src/modules/scan-imports/parsers';
import { DIR, hosts, parse, tally, text } from '../helpers/scan-reports';
import { IMPORT_TOOLS, type ImportSeverity, type ParsedReport } from '../../src/modules/scan-imports/types';

describe('unit: scan report parsers — testssl.sh JSON', () => {
  const MAP: Record<string, ImportSeverity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };
  const FILES: Record<string, string[]> = {
    'defectdojo_many_vuln.json': ['198.51.100.108', '198.51.100.109', '198.51.100.110', '198.51.100.111'].map((a) => `www.defectdojo.example.org/${a}`),
    'failed_target.json': [], // only a FATAL scanProblem: nothing was tested
    'many_cves.json': ['www.defectdojo.example.org/198.51.100.109'],
    'overall_critical.json': ['www.test.example.com/127.0.0.1'],
    'references-pretty.json': ['asdf.example.com'],
  };
  for (const [name, expectedHosts] of Object.entries(FILES)) {
    it(`when ${name} is read, then items are exactly its LOW-or-worse entries`, async () => {
      const r = await parse('testssl', name);
      const words = [...text('testssl', name).matchAll(/"severity":\s*"(\w+)"/g)].map((m) => MAP[m[1]]);
      expect(countBySeverity(r.items)).to.deep.equal(tally(words));
      expect(hosts(r)).to.deep.equal(expectedHosts);
    });
  }

  it('when an entry lists CVEs and a CWE, then they are parsed and the port is kept', async () => {
    const [item] = (await parse('testssl', 'many_cves.json')).items;
    expect(item).to.deep.include({ rule: 'DROWN', severity: 'high', toolSeverity: 'HIGH', port: 443, cve: ['CVE-2016-0800', 'CVE-2016-0703'], cwe: [310] });
  });
});

describe('unit: scan report parsers — sslyze JSON', () => {
  // expected items verified by reading each file's scan results (see README of the fixtures)
  const FILES: Record<string, { counts: Partial<Record<ImportSeverity, number>>; rules: string[]; hosts: string[] }> = {
    // TLS 1.0 and 1.1 accept 12 suites each; 3DES suites accepted
    'one_target_many_vuln_new.min.json': { counts: { medium: 3 }, rules: ['tls_1_0', 'tls_1_1', 'weak_cipher_suites'], hosts: ['example.com/1.1.1.1'] },
    // DefectDojo issue 9848: no heartbleed result at all; the parser must not trip over it
    'issue_9848.min.json': { counts: { medium: 3 }, rules: ['tls_1_0', 'tls_1_1', 'weak_cipher_suites'], hosts: ['example.com/1.1.1.1'] },
    'one_target_zero_vuln_new.min.json': { counts: {}, rules: [], hosts: ['example.com/40.76.4.15'] },
    // sslyze 3: every trust store fails with "certificate has expired"
    'one_target_one_vuln_old.min.json': { counts: { high: 1 }, rules: ['certificate_untrusted'], hosts: ['www.example.com/194.168.0.1'] },
    // sslyze 3: the second target accepts TLS_RSA_WITH_3DES_EDE_CBC_SHA
    'two_targets_two_vuln_old.min.json': { counts: { medium: 1 }, rules: ['weak_cipher_suites'], hosts: ['info.example.com/192.168.0.2', 'www.example.com/194.168.0.1'] },
  };
  for (const [name, want] of Object.entries(FILES)) {
    it(`when ${name} is read, then it yields ${JSON.stringify(want.counts)}`, async () => {
      const r = await parse('sslyze', name);
      expect(countBySeverity(r.items)).to.deep.equal(want.counts);
      expect(r.items.map((i) => i.rule).sort()).to.deep.equal(want.rules);
      expect(hosts(r)).to.deep.equal(want.hosts);
      for (const c of r.covered) expect(c.ports).to.deep.equal([443]);
    });
  }
});

describe('unit: scan report parsers — Nuclei JSONL and JSON', () => {
  const FILES: Record<string, string[]> = {
    'empty.jsonl': [],
    'no_findings.json': [],
    'invalid_cwe.json': ['nuclei.example.com/192.0.2.56'],
    'issue_9201.json': ['example.com/10.10.10.10.'],
    'many_findings.json': ['127.0.0.1', 'nuclei.example.com/192.0.2.56'],
    'many_findings_new.json': ['nuclei.example.com/127.0.0.1'],
    'many_findings_third.json': ['example.com/10.10.10.10.', 'example.com/127.0.0.1'],
    'multi_cwe_fabricated.json': ['example.com'],
    'multiple_matches.json': ['turquoise-estrellita-69.example.org/203.0.113.125'],
    'multiple_v3.json': ['www.asdf.example.org', 'www.asdf.example.org/192.0.2.8'],
  };
  const MAP: Record<string, ImportSeverity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info', unknown: 'info' };
  for (const [name, expectedHosts] of Object.entries(FILES)) {
    it(`when ${name} is read, then there is one item per result with its info.severity`, async () => {
      const r = await parse('nuclei', name);
      const words = [...text('nuclei', name).matchAll(/"severity"\s*:\s*"(\w+)"/g)].map((m) => MAP[m[1]]);
      expect(countBySeverity(r.items)).to.deep.equal(tally(words));
      expect(hosts(r)).to.deep.equal(expectedHosts);
    });
  }

  it('when a result has several CWEs or a junk CWE, then valid ones are kept and junk dropped', async () => {
    expect((await parse('nuclei', 'multi_cwe_fabricated.json')).items[0]).to.deep.include({ cwe: [79, 89], cve: ['CVE-2021-0001'], port: 443 });
    expect((await parse('nuclei', 'invalid_cwe.json')).items[0].cwe).to.equal(undefined);
  });

  it('when one template matches twice on a target, then the matcher name keeps the items apart', async () => {
    const rules = (await parse('nuclei', 'multiple_matches.json')).items.map((i) => i.rule);
    expect(new Set(rules).size).to.equal(rules.length);
    expect(rules[0]).to.match(/^tech-detect:/);
  });
});

describe('unit: scan report parsers — ZAP JSON', () => {
  for (const name of ['basic-traditional-json.json', 'basic-traditional-json-plus.json', 'juicy2.derived.json']) {
    it(`when ${name} is read, then counts equal its riskcodes and match the XML reading where derived`, async () => {
      const r = await parse('zap', name);
      const RISK: Record<string, ImportSeverity> = { '3': 'high', '2': 'medium', '1': 'low', '0': 'info' };
      const codes = [...text('zap', name).matchAll(/"riskcode"\s*:\s*"(\d)"/g)].map((m) => RISK[m[1]]);
      expect(r.statedCounts).to.deep.equal(tally(codes));
      expect(countBySeverity(r.items)).to.deep.equal(tally(codes));
    });
  }

  it('when the JSON was derived from juicy2.xml, then both readings give the same items', async () => {
    const strip = (r: ParsedReport) => r.items.map((i) => [i.rule, i.severity, i.host, i.port, i.cwe]);
    expect(strip(await parse('zap', 'juicy2.derived.json'))).to.deep.equal(strip(await parse('zap', 'juicy2.xml')));
  });
});

describe('unit: scan report format detection', () => {
  for (const tool of IMPORT_TOOLS) {
    for (const name of fs.readdirSync(path.join(DIR, tool))) {
      it(`when ${tool}/${name} is sniffed, then it is ${tool}`, () => {
        const head = fs.readFileSync(path.join(DIR, tool, name)).subarray(0, 8192);
        // two DefectDojo samples are empty files: only the .jsonl name tells; an empty .json is unknown
        const expected = head.length === 0 && !name.endsWith('.jsonl') ? undefined : tool;
        expect(detectFormat(head, name)).to.equal(expected);
      });
    }
  }

  it('when the content is something else, then no tool is claimed and the dispatcher says so', async () => {
    expect(detectFormat(Buffer.from('<html><body>hi</body></html>'))).to.equal(undefined);
    expect(detectFormat(Buffer.from('{"hello": 1}'))).to.equal(undefined);
    const { Readable } = await import('node:stream');
    const err = await parseReport(Readable.from([Buffer.from('<html/>')])).catch((e: Error) => e);
    expect((err as Error).message).to.match(/does not recognise/);
    const mismatch = await parseReport(fs.createReadStream(path.join(DIR, 'nmap', 'nmap_1port.xml')), { tool: 'nessus' }).catch((e: Error) => e);
    expect((mismatch as Error).message).to.equal('this looks like a nmap report, not nessus');
  });

  it('when severity tables are asked for, then every tool has one with only known severities', () => {
    const tables = severityTables();
    expect(Object.keys(tables).sort()).to.deep.equal([...IMPORT_TOOLS].sort());
    for (const rows of Object.values(tables)) {
      expect(rows.length).to.be.greaterThan(0);
      for (const row of rows) expect(['critical', 'high', 'medium', 'low', 'info', 'not imported']).to.include(row.severity);
    }
  });
});
