import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';
import type { Check, CheckContext, Target, TargetResult } from '../src/modules/scans/checks/types';
import { tlsCertificate } from '../src/modules/scans/checks/tls-certificate';
import { tlsProtocols } from '../src/modules/scans/checks/tls-protocols';

const DAY = 86_400_000;
const ctx: CheckContext = { timeoutMs: 2000, resolveAllowed: async () => '127.0.0.1' };

interface Issued { certPem: string; keyPem: string; cert: forge.pki.Certificate; key: forge.pki.rsa.KeyPair }

function issue(o: { cn: string; key: forge.pki.rsa.KeyPair; from?: number; to?: number; sha1?: boolean; ca?: boolean; by?: Issued; sans?: object[] }): Issued {
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.key.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() + (o.from ?? -DAY));
  cert.validity.notAfter = new Date(Date.now() + (o.to ?? 365 * DAY));
  const subject = [{ name: 'commonName', value: o.cn }, { name: 'organizationName', value: 'Attest tests' }];
  cert.setSubject(subject);
  cert.setIssuer(o.by ? o.by.cert.subject.attributes : subject);
  cert.setExtensions(
    o.ca
      ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
      : [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: o.sans ?? [{ type: 2, value: o.cn }] }],
  );
  cert.sign((o.by?.key ?? o.key).privateKey, o.sha1 ? forge.md.sha1.create() : forge.md.sha256.create());
  return { cert, key: o.key, certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(o.key.privateKey) };
}

function target(port: number, host = 'localhost'): Target {
  const url = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}/`);
  return { endpoint: url.href, host, address: '127.0.0.1', port, url };
}

const servers: net.Server[] = [];
const openSockets = new Set<net.Socket>();

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: net.Socket) => {
    openSockets.add(s);
    s.on('close', () => openSockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A TLS server that completes handshakes and hangs up; weak settings so every test certificate loads. */
function tlsServer(leaf: Issued, extra: tls.TlsOptions = {}, chain: Issued[] = []): Promise<number> {
  const server = tls.createServer(
    { key: leaf.keyPem, cert: [leaf.certPem, ...chain.map((c) => c.certPem)].join(''), ciphers: 'DEFAULT@SECLEVEL=0', ...extra },
    (s) => s.end(),
  );
  return listen(server);
}

async function runOne(check: Check, t: Target, c: CheckContext = ctx): Promise<TargetResult> {
  const results = await check.run(t, c);
  expect(results).to.have.length(1);
  return results[0];
}
const runCert = (t: Target, c?: CheckContext): Promise<TargetResult> => runOne(tlsCertificate, t, c);
const runProtocols = (t: Target, c?: CheckContext): Promise<TargetResult> => runOne(tlsProtocols, t, c);

const codes = (r: TargetResult): string[] => r.failures.map((f) => f.code).sort();

describe('scan checks: TLS, against local servers', function () {
  this.timeout(20_000);
  let rsa: forge.pki.rsa.KeyPair;
  let caKey: forge.pki.rsa.KeyPair;
  let weak: forge.pki.rsa.KeyPair;

  before(() => {
    rsa = forge.pki.rsa.generateKeyPair({ bits: 2048 });
    caKey = forge.pki.rsa.generateKeyPair({ bits: 2048 });
    weak = forge.pki.rsa.generateKeyPair({ bits: 1024 });
  });

  afterEach(() => {
    for (const s of openSockets) s.destroy();
  });

  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  describe('tls.certificate', () => {
    const cases: Array<[string, () => Issued, string[]]> = [
      ['a self-signed RSA-2048 SHA-256 certificate for localhost', () => issue({ cn: 'localhost', key: rsa }), ['cert.untrusted']],
      ['an expired certificate', () => issue({ cn: 'localhost', key: rsa, from: -90 * DAY, to: -DAY }), ['cert.expired', 'cert.untrusted']],
      ['a certificate not valid before tomorrow', () => issue({ cn: 'localhost', key: rsa, from: DAY }), ['cert.not_yet_valid', 'cert.untrusted']],
      ['a certificate expiring in 10 days', () => issue({ cn: 'localhost', key: rsa, to: 10 * DAY }), ['cert.expiring', 'cert.untrusted']],
      ['a certificate with a 1024-bit RSA key', () => issue({ cn: 'localhost', key: weak }), ['cert.untrusted', 'cert.weak_key']],
      ['a certificate signed with SHA-1', () => issue({ cn: 'localhost', key: rsa, sha1: true }), ['cert.sha1_signature', 'cert.untrusted']],
      ['a certificate for another host name', () => issue({ cn: 'other.example', key: rsa }), ['cert.hostname_mismatch', 'cert.untrusted']],
    ];
    for (const [what, make, expected] of cases) {
      it(`when the server presents ${what}, then exactly ${expected.join(' + ')} are reported`, async () => {
        const port = await tlsServer(make());
        const r = await runCert(target(port));
        expect(r.status).to.equal('fail');
        expect(r.target).to.equal(`tls://localhost:${port}`);
        expect(codes(r)).to.deep.equal(expected);
        for (const f of r.failures) expect(f.message).to.be.a('string').and.not.equal('');
      });
    }

    it('when the chain ends at a CA passed in ctx.ca, then cert.untrusted disappears and the check passes', async () => {
      const ca = issue({ cn: 'Attest Test CA', key: caKey, ca: true });
      const port = await tlsServer(issue({ cn: 'localhost', key: rsa, by: ca }));
      // the CA is neither sent nor known: OpenSSL (and testssl) call the chain incomplete
      expect(codes(await runCert(target(port)))).to.deep.equal(['cert.chain_incomplete']);
      const r = await runCert(target(port), { ...ctx, ca: [ca.certPem] });
      expect(r.status).to.equal('pass');
      expect(r.failures).to.deep.equal([]);
      expect(r.observations).to.include({ authorized: true, trusted: true, chainLength: 2, subject: 'CN=localhost, O=Attest tests', signatureAlgorithm: 'sha256WithRSAEncryption' });
      expect(r.observations.key).to.deep.equal({ type: 'rsa', bits: 2048 });
      expect(r.observations.sans).to.deep.equal(['DNS:localhost']);
      expect(r.observations.daysLeft).to.be.within(363, 365);
      expect(r.observations.fingerprint256).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    });

    it('when a leaf under a trusted CA has expired, then cert.expired is reported without cert.untrusted', async () => {
      const ca = issue({ cn: 'Attest Test CA', key: caKey, ca: true });
      const port = await tlsServer(issue({ cn: 'localhost', key: rsa, by: ca, from: -90 * DAY, to: -DAY }));
      const r = await runCert(target(port), { ...ctx, ca: [ca.certPem] });
      expect(codes(r)).to.deep.equal(['cert.expired']);
      expect(r.failures[0].severity).to.equal('critical');
      expect(r.observations.authorizationError).to.equal('CERT_HAS_EXPIRED');
    });

    it('when the trusted CA itself has expired, then the chain is reported untrusted though the leaf is in date', async () => {
      const ca = issue({ cn: 'Attest Test CA', key: caKey, ca: true, from: -90 * DAY, to: -DAY });
      const port = await tlsServer(issue({ cn: 'localhost', key: rsa, by: ca }));
      const r = await runCert(target(port), { ...ctx, ca: [ca.certPem] });
      expect(codes(r)).to.deep.equal(['cert.untrusted']);
      expect(r.failures[0].message).to.contain('CERT_HAS_EXPIRED');
    });

    it('when an intermediate of the chain is signed with SHA-1, then cert.sha1_signature names it', async () => {
      const root = issue({ cn: 'Attest Test Root', key: caKey, ca: true });
      const intermediate = issue({ cn: 'Attest Test Intermediate', key: weak, ca: true, by: root, sha1: true });
      const port = await tlsServer(issue({ cn: 'localhost', key: rsa, by: intermediate }), {}, [intermediate]);
      const r = await runCert(target(port), { ...ctx, ca: [root.certPem] });
      expect(codes(r)).to.deep.equal(['cert.sha1_signature', 'cert.weak_key']);
      expect(r.failures.map((f) => f.message).join(' ')).to.contain('Attest Test Intermediate');
      expect(r.observations.chainLength).to.equal(3);
    });

    it('when the host is an IP literal, then no SNI is sent and the name check runs only against IP SANs', async () => {
      const sni: string[] = [];
      const SNICallback = (name: string, done: (err: Error | null) => void): void => {
        sni.push(name);
        done(null);
      };
      const port = await tlsServer(issue({ cn: 'portal.example.test', key: rsa }), { SNICallback });
      const byIp = await runCert(target(port, '127.0.0.1'));
      expect(codes(byIp)).to.deep.equal(['cert.untrusted']);
      expect(byIp.observations.hostnameChecked).to.equal(false);
      expect(sni).to.deep.equal([]);
      const ipPort = await tlsServer(issue({ cn: 'localhost', key: rsa, sans: [{ type: 7, ip: '127.0.0.2' }] }));
      expect(codes(await runCert(target(ipPort, '127.0.0.1')))).to.deep.equal(['cert.hostname_mismatch', 'cert.untrusted']);
      // an unresolvable name still reaches the allow-listed address: nothing looked the name up
      const byName = await runCert(target(port, 'portal.example.test'));
      expect(codes(byName)).to.deep.equal(['cert.untrusted']);
      expect(sni).to.deep.equal(['portal.example.test']);
    });
  });

  describe('tls.protocols', () => {
    it('when the server accepts TLS 1.0, then tls.protocol.tls1_0 is reported and TLS 1.2 and 1.3 are seen as accepted', async () => {
      const port = await tlsServer(issue({ cn: 'localhost', key: rsa }), { minVersion: 'TLSv1' });
      const r = await runProtocols(target(port));
      expect(r.status).to.equal('fail');
      expect(r.target).to.equal(`tls://localhost:${port}`);
      expect(codes(r)).to.deep.equal(['tls.protocol.tls1_0', 'tls.protocol.tls1_1']);
      expect(r.failures.map((f) => f.severity)).to.deep.equal(['high', 'high']);
      expect(r.observations.accepted).to.deep.equal(['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
      expect(r.observations.refused).to.deep.equal(['SSLv3']);
      expect(r.observations.negotiatedCipher).to.have.keys('TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3');
    });

    it('when the server requires TLS 1.2 or newer, then the check passes with the old versions refused', async () => {
      const port = await tlsServer(issue({ cn: 'localhost', key: rsa }), { minVersion: 'TLSv1.2' });
      const r = await runProtocols(target(port));
      expect(r.status).to.equal('pass');
      expect(r.failures).to.deep.equal([]);
      expect(r.observations.accepted).to.deep.equal(['TLSv1.2', 'TLSv1.3']);
      expect(r.observations.refused).to.deep.equal(['SSLv3', 'TLSv1.0', 'TLSv1.1']);
    });

    it('when a server answers an SSLv3 hello with an SSLv3 ServerHello, then tls.protocol.sslv3 is reported as critical', async () => {
      const port = await fakeSslServer('sslv3-server-hello.hex');
      const r = await runProtocols(target(port));
      expect(r.status).to.equal('fail');
      expect(r.failures).to.have.length(1);
      expect(r.failures[0]).to.include({ code: 'tls.protocol.sslv3', severity: 'critical' });
      expect(r.observations.accepted).to.deep.equal(['SSLv3']);
      expect(r.observations.negotiatedCipher).to.deep.equal({ SSLv3: 'DES-CBC3-SHA' });
    });

    it('when a server answers an SSLv3 hello with a TLS 1.2 ServerHello, then SSLv3 is not counted as accepted', async () => {
      const port = await fakeSslServer('tls12-server-hello.hex');
      const r = await runProtocols(target(port));
      expect(r.status).to.equal('error');
      expect((r.observations.reasons as Record<string, string>).SSLv3).to.equal('answered with TLSv1.2');
    });
  });

  describe('servers that do not speak TLS', () => {
    it('when the server accepts TCP and never answers, then both checks give up with error within about timeoutMs and close their sockets', async () => {
      // it reads (so it notices when the client hangs up) but never writes
      const port = await listen(net.createServer((s) => s.resume()));
      const quick = { ...ctx, timeoutMs: 500 };
      for (const check of [tlsProtocols, tlsCertificate]) {
        const started = Date.now();
        const r = await runOne(check, target(port), quick);
        const elapsed = Date.now() - started;
        expect(r.status, check.id).to.equal('error');
        expect(r.error).to.match(/timed out after 500 ms/);
        expect(elapsed, check.id).to.be.within(450, 1500);
        await until(() => openSockets.size === 0);
      }
    });

    it('when the port serves plain HTTP, then both checks report error, not pass', async () => {
      const port = await listen(http.createServer((_req, res) => res.end('hello')));
      for (const check of [tlsProtocols, tlsCertificate]) {
        const r = await runOne(check, target(port));
        expect(r.status, check.id).to.equal('error');
        expect(r.failures).to.deep.equal([]);
      }
    });

    it('when nothing listens on the port, then both checks report error', async () => {
      const probe = net.createServer();
      const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port)));
      await new Promise((resolve) => probe.close(resolve));
      const protocols = await runProtocols(target(port));
      expect(protocols.status).to.equal('error');
      expect(protocols.observations.undetermined).to.have.length(5);
      expect((await runCert(target(port))).error).to.match(/ECONNREFUSED/);
    });
  });

  describe('applicability', () => {
    const t = (endpoint: string, port: number, url?: string): Target => ({ endpoint, host: 'h.example', address: '127.0.0.1', port, ...(url ? { url: new URL(url) } : {}) });
    it('when the target is an https URL or host:port on a TLS port, then both checks apply; http URLs and other ports do not', () => {
      for (const check of [tlsProtocols, tlsCertificate]) {
        expect(check.appliesTo(t('https://h.example:8080/', 8080, 'https://h.example:8080/'))).to.equal(true);
        expect(check.appliesTo(t('http://h.example:443/', 443, 'http://h.example:443/'))).to.equal(false);
        for (const port of [443, 8443, 993, 995, 465, 636, 990, 5986, 9443]) expect(check.appliesTo(t(`h.example:${port}`, port)), String(port)).to.equal(true);
        for (const port of [80, 22, 25, 587, 3306, 8080]) expect(check.appliesTo(t(`h.example:${port}`, port)), String(port)).to.equal(false);
      }
    });
  });

  /** Answers any ClientHello with a recorded first record when it offers SSLv3, else a handshake_failure alert. */
  function fakeSslServer(fixtureName: string): Promise<number> {
    const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'scans', fixtureName), 'utf8');
    const reply = Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, ''), 'hex');
    return listen(
      net.createServer((s) => {
        s.on('error', () => undefined);
        s.once('data', (hello: Buffer) => {
          const offersSsl3 = hello[0] === 0x16 && hello.readUInt16BE(1) === 0x0300 && hello.readUInt16BE(9) === 0x0300;
          s.end(offersSsl3 ? reply : Buffer.from('15030100020228', 'hex'));
        });
      }),
    );
  }
});

async function until(condition: () => boolean, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
