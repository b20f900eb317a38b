import fs from 'node:fs';
import { expect } from 'chai';
import { MAPPING_FILE, parseMapping } from '../../src/modules/scan-imports/mapping';

const shipped = fs.readFileSync(MAPPING_FILE, 'utf8');

describe('unit: the scanner-report mapping file (checklists/mappings/scan-imports.yaml)', () => {
  it('when the shipped file is read, then each tool maps its findings: the first matching rule wins, else the default', () => {
    const m = parseMapping(shipped);
    expect(m.version).to.be.at.least(1);
    expect(m.controlFor('nmap', { rule: 'port.tcp.3306', title: 'mysql' })).to.equal('TEC.NET.02');
    expect(m.controlFor('testssl', { rule: 'TLS1', title: 'TLS1: offered' })).to.equal('TEC.APP.04');
    expect(m.controlFor('testssl', { rule: 'cert_expirationStatus', title: 'expired' })).to.equal('TEC.APP.05');
    expect(m.controlFor('zap', { rule: '10038', title: 'Content Security Policy (CSP) Header Not Set', cwe: [693] })).to.equal('TEC.APP.07');
    expect(m.controlFor('zap', { rule: '40012', title: 'Cross Site Scripting (Reflected)', cwe: [79] })).to.equal('TEC.APP.10');
    expect(m.controlFor('nessus', { rule: '104743', title: 'TLS Version 1.0 Protocol Detection' })).to.equal('TEC.APP.04');
    expect(m.controlFor('nessus', { rule: '11111', title: 'Apache 2.4.x < 2.4.52 Multiple Vulnerabilities' })).to.equal('MGT.OPVUL.01');
    expect(m.controlFor('nuclei', { rule: 'CVE-2021-44228', title: 'Log4Shell' })).to.equal('MGT.OPVUL.01');
  });

  it('when the file is broken, then the error names the file and the place', () => {
    const bad = (text: string) => { try { parseMapping(text, 'm.yaml'); } catch (err) { return (err as Error).message; } return 'no error'; };
    expect(bad('version: [')).to.match(/^m\.yaml: not YAML: /);
    expect(bad(shipped.replace('default: TEC.NET.02', 'default: port-control'))).to.match(/^m\.yaml: tools\.nmap\.default: /);
    expect(bad(shipped.replace("rule: '^HSTS'", "rule: '(unclosed'"))).to.match(/^m\.yaml: tools\.testssl\.rules\.1\.rule: /);
    expect(bad(shipped.replace(/\n {2}nuclei:[\s\S]*?(?=\n {2}openvas:)/, ''))).to.match(/^m\.yaml: tools\.nuclei: .*required/);
    expect(bad(shipped.replace('version: 1', 'version: 0'))).to.match(/^m\.yaml: version: /);
  });
});
