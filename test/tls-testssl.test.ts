import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tlsCertificate } from '../src/modules/scans/checks/tls-certificate';
import { tlsProtocols } from '../src/modules/scans/checks/tls-protocols';
import type { CheckContext, TargetResult } from '../src/modules/scans/checks/types';
import { api, bearer, makeActors, makeSystem } from './helpers/factories';
import { Pki, TESTSSL, freePort, opensslServes, runTestssl, startSServer, stop, testsslVerdicts, type Issued, type TestsslFinding } from './helpers/tls-targets';

const DAY = 86_400_000;
type LeafName = 'good' | 'rsa1024' | 'sha1' | 'viaIntermediate' | 'expired' | 'expiring';

interface Config {
  name: string;
  leaf: LeafName;
  /** openssl s_server options beyond certificate, key and -www */
  args: string[];
  /** OpenSSL cipher names the local binary must serve; otherwise the configuration is skipped */
  needs?: string[];
  /** the verdicts both tools must reach (our failure codes) */
  agreed: string[];
  /** a difference we understand, asserted to exist so a fix on either side shows up */
  explained?: { oursOnly: string[]; why: string };
}

const MODERN = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384';
const NO_OLD = ['-no_tls1', '-no_tls1_1'];

const CONFIGS: Config[] = [
  { name: 'modern: TLS 1.2 + 1.3, ECDHE-GCM only', leaf: 'good', args: [...NO_OLD, '-cipher', MODERN], agreed: [] },
  {
    name: 'NULL-SHA256 + AES128-SHA only on TLS 1.2 (TLS 1.3 left on)',
    leaf: 'good',
    args: [...NO_OLD, '-cipher', 'NULL-SHA256:AES128-SHA@SECLEVEL=0'],
    agreed: ['tls.cipher.null'],
    explained: {
      oursOnly: ['tls.cipher.cbc_only_tls12'],
      // testssl's STRONG list spans all versions and TLS 1.3 is AEAD; we judge TLS 1.2 on its own.
      why: 'testssl counts the TLS 1.3 AEAD suites as "strong encryption offered"',
    },
  },
  { name: 'anonymous ADH + AECDH beside ECDHE', leaf: 'good', args: [...NO_OLD, '-cipher', `${MODERN}:ADH-AES128-GCM-SHA256:AECDH-AES128-SHA@SECLEVEL=0`], agreed: ['tls.cipher.anon'] },
  { name: 'static RSA key exchange only, no TLS 1.3', leaf: 'good', args: [...NO_OLD, '-no_tls1_3', '-cipher', 'AES128-GCM-SHA256:AES256-SHA'], agreed: ['tls.cipher.no_forward_secrecy'] },
  { name: 'CBC-only TLS 1.2, no TLS 1.3', leaf: 'good', args: [...NO_OLD, '-no_tls1_3', '-cipher', 'ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA'], agreed: ['tls.cipher.cbc_only_tls12'] },
  { name: 'RC4', leaf: 'good', args: [...NO_OLD, '-cipher', `${MODERN}:RC4-SHA@SECLEVEL=0`], needs: ['RC4-SHA'], agreed: ['tls.cipher.rc4'] },
  { name: '3DES', leaf: 'good', args: [...NO_OLD, '-cipher', `${MODERN}:DES-CBC3-SHA@SECLEVEL=0`], needs: ['DES-CBC3-SHA'], agreed: ['tls.cipher.3des'] },
  { name: 'EXPORT', leaf: 'good', args: ['-cipher', `${MODERN}:EXP-RC4-MD5@SECLEVEL=0`], needs: ['EXP-RC4-MD5'], agreed: ['tls.cipher.export', 'tls.cipher.rc4', 'tls.protocol.tls1_0', 'tls.protocol.tls1_1'] },
  { name: 'RSA 1024-bit key', leaf: 'rsa1024', args: [...NO_OLD, '-cipher', `${MODERN}@SECLEVEL=0`], agreed: ['cert.weak_key'] },
  { name: 'SHA-1 signed certificate', leaf: 'sha1', args: [...NO_OLD, '-cipher', `${MODERN}@SECLEVEL=0`], agreed: ['cert.sha1_signature'] },
  { name: 'leaf sent without its intermediate', leaf: 'viaIntermediate', args: [...NO_OLD, '-cipher', MODERN], agreed: ['cert.chain_incomplete'] },
  { name: 'expired certificate', leaf: 'expired', args: [...NO_OLD, '-cipher', MODERN], agreed: ['cert.expired'] },
  { name: 'certificate expiring in 10 days', leaf: 'expiring', args: [...NO_OLD, '-cipher', MODERN], agreed: ['cert.expiring'] },
  { name: 'TLS 1.0 and 1.1 enabled', leaf: 'good', args: ['-cipher', `${MODERN}:ECDHE-RSA-AES128-SHA@SECLEVEL=0`], agreed: ['tls.protocol.tls1_0', 'tls.protocol.tls1_1'] },
];

/**
 * Every configuration that needs only what OpenSSL 3 still ships (NULL, anonymous, static RSA,
 * CBC, weak certificates, old protocols). RC4, 3DES and EXPORT run only where the local openssl
 * was built with them (Debian 12's is not); their verdicts are unit-tested with a fake responder.
 */
const MIN_CONFIGS_RUN = 11;

interface Outcome {
  port: number;
  ours: string[];
  testssl: string[];
  results: TargetResult[];
  findings: TestsslFinding[];
}

describe('TLS checks agree with testssl.sh on local openssl s_server targets', function () {
  this.timeout(300_000);
  const runnable = CONFIGS.filter((c) => !c.needs || opensslServes(c.needs));
  const outcomes = new Map<string, Outcome>();
  const servers: ChildProcess[] = [];
  let dir: string;

  before(async function () {
    if (!fs.existsSync(TESTSSL)) throw new Error(`${TESTSSL} is not installed (Debian package testssl.sh)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-testssl-'));
    const pki = new Pki(dir);
    const root = pki.issue('root', { ca: true });
    const intermediate = pki.issue('intermediate', { ca: true, by: root });
    const leaves: Record<LeafName, Issued> = {
      good: pki.issue('good', { by: root }),
      rsa1024: pki.issue('rsa1024', { by: root, bits: 1024 }),
      sha1: pki.issue('sha1', { by: root, sha1: true }),
      viaIntermediate: pki.issue('via-intermediate', { by: intermediate }),
      expired: pki.issue('expired', { by: root, from: -90 * DAY, to: -DAY }),
      expiring: pki.issue('expiring', { by: root, to: 10 * DAY }),
    };
    const ctx: CheckContext = { timeoutMs: 5000, resolveAllowed: async () => '127.0.0.1', ca: [fs.readFileSync(root.certFile, 'utf8')] };

    const ports = new Map<string, number>();
    for (const config of runnable) {
      const port = await freePort();
      servers.push(await startSServer(port, leaves[config.leaf], config.args));
      ports.set(config.name, port);
    }
    // Ours first and alone: s_server serves one connection at a time, and testssl keeps it busy.
    const ours = await Promise.all(
      runnable.map(async (config) => {
        const target = { endpoint: `localhost:${ports.get(config.name)}`, host: 'localhost', address: '127.0.0.1', port: ports.get(config.name) as number };
        return [...(await tlsProtocols.run(target, ctx)), ...(await tlsCertificate.run(target, ctx))];
      }),
    );
    const findings = await Promise.all(
      runnable.map((config, i) => runTestssl(ports.get(config.name) as number, root.certFile, path.join(dir, `testssl-${i}.json`))),
    );
    runnable.forEach((config, i) => {
      const codes = [...new Set(ours[i].flatMap((r) => r.failures.map((f) => f.code)))].sort();
      outcomes.set(config.name, { port: ports.get(config.name) as number, ours: codes, testssl: testsslVerdicts(findings[i]), results: ours[i], findings: findings[i] });
    });
  });

  after(() => {
    stop(servers);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`when the local openssl is checked, then at least ${MIN_CONFIGS_RUN} configurations run`, () => {
    expect(runnable.length).to.be.at.least(MIN_CONFIGS_RUN);
    for (const c of CONFIGS.filter((x) => !runnable.includes(x))) expect(c.needs, c.name).to.be.an('array').that.is.not.empty;
  });

  for (const config of CONFIGS) {
    it(`when the server is "${config.name}", then our verdicts equal testssl's: ${config.agreed.join(', ') || 'none'}`, function () {
      const outcome = outcomes.get(config.name);
      if (!outcome) this.skip();
      for (const r of outcome.results) expect(r.status, `${r.target} ${r.error ?? ''}`).to.not.equal('error');
      const oursOnly = config.explained?.oursOnly ?? [];
      expect(outcome.testssl, 'testssl').to.deep.equal(config.agreed);
      expect(outcome.ours, 'ours').to.deep.equal([...config.agreed, ...oursOnly].sort());
    });
  }

  it('when a suite class is reported, then the message names the suites and the observations say per protocol what each category probe learnt', function () {
    const nullRun = outcomes.get(CONFIGS[1].name);
    const anonRun = outcomes.get(CONFIGS[2].name);
    if (!nullRun || !anonRun) this.skip();
    const protocols = nullRun.results.find((r) => r.observations.cipherCategories);
    const categories = protocols?.observations.cipherCategories as Record<string, { weak: unknown; forwardSecrecy: unknown; aead: unknown; seen: string[] }>;
    expect(categories).to.have.keys('TLSv1.2');
    expect(categories['TLSv1.2']).to.deep.include({ weak: { learnt: 'accepted', suites: ['NULL-SHA256'] }, forwardSecrecy: { learnt: 'refused' }, aead: { learnt: 'refused' } });
    expect(categories['TLSv1.2'].seen).to.have.members(['NULL-SHA256', 'AES128-SHA']);
    expect(protocols?.observations.withoutForwardSecrecy).to.have.members(['NULL-SHA256', 'AES128-SHA']);
    expect(protocols?.failures.find((f) => f.code === 'tls.cipher.null')).to.include({ severity: 'critical', message: 'The server accepts cipher suites that do not encrypt at all: NULL-SHA256.' });
    const anon = anonRun.results.flatMap((r) => r.failures).find((f) => f.code === 'tls.cipher.anon');
    expect(anon?.message).to.contain('ADH-AES128-GCM-SHA256').and.contain('AECDH-AES128-SHA');
    // testssl saw the same classes: NULL offered as CRITICAL, anonymous as CRITICAL
    expect(nullRun.findings.find((f) => f.id === 'cipherlist_NULL')).to.include({ severity: 'CRITICAL', finding: 'offered' });
    expect(anonRun.findings.find((f) => f.id === 'cipherlist_aNULL')).to.include({ severity: 'CRITICAL', finding: 'offered' });
  });

  it("when testssl's own JSON report of the TLS 1.0 / 1.1 server is imported, then the system serving it gets one finding per problem testssl flagged, with testssl's severity and the TLS control", async function () {
    const outcome = outcomes.get(CONFIGS[CONFIGS.length - 1].name);
    if (!outcome) this.skip();
    const a = await makeActors();
    const system = await makeSystem(a.org, { level: 3, endpoints: [`localhost:${outcome.port}`], scanPorts: [] });
    const res = await api().post('/api/v1/scan-imports').set(bearer(a.inspector)).attach('report', Buffer.from(JSON.stringify(outcome.findings)), 'testssl.json');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const found = (await api().get('/api/v1/findings').query({ system: system.id, source: 'import', limit: 100 }).set(bearer(a.inspector))).body.items as { severity: string; control: string; source: { rule: string } }[];
    const flagged = outcome.findings.filter((f) => ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity));
    expect(found.map((f) => f.source.rule).sort()).to.deep.equal([...new Set(flagged.map((f) => f.id))].sort());
    for (const id of ['TLS1', 'TLS1_1']) {
      const f = found.find((x) => x.source.rule === id);
      expect(f, id).to.include({ control: 'TEC.APP.04', severity: flagged.find((x) => x.id === id)!.severity.toLowerCase() });
    }
  });
});
