import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { tlsCertificate } from '../src/modules/scans/checks/tls-certificate';
import { tlsProtocols } from '../src/modules/scans/checks/tls-protocols';
import type { CheckContext, Target } from '../src/modules/scans/checks/types';
import { SUITES } from '../src/modules/scans/checks/tls-suites';
import { fakeTlsServer } from './helpers/tls-fake';
import { Pki } from './helpers/tls-targets';

const ctx: CheckContext = { timeoutMs: 2000, resolveAllowed: async () => '127.0.0.1' };
const target = (port: number): Target => ({ endpoint: `localhost:${port}`, host: 'localhost', address: '127.0.0.1', port });
const id = (name: string): number => SUITES.find((s) => s.name === name)!.id;

describe('scan checks: TLS cipher suites, against local servers', function () {
  this.timeout(20_000);
  const servers: net.Server[] = [];
  let dir: string;

  async function listen(server: net.Server): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-ciphers-'));
  });

  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a server offers only NULL-SHA256 and AES128-SHA on TLS 1.2, then tls.cipher.null (critical), no_forward_secrecy and cbc_only_tls12 are reported', async () => {
    const leaf = new Pki(dir).issue('leaf', {});
    const server = tls.createServer({ key: fs.readFileSync(leaf.keyFile), cert: fs.readFileSync(leaf.certFile), ciphers: 'NULL-SHA256:AES128-SHA@SECLEVEL=0', maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' }, (s) => s.end());
    const [r] = await tlsProtocols.run(target(await listen(server)), ctx);
    expect(r.status).to.equal('fail');
    expect(r.failures.map((f) => [f.code, f.severity])).to.deep.equal([['tls.cipher.null', 'critical'], ['tls.cipher.no_forward_secrecy', 'medium'], ['tls.cipher.cbc_only_tls12', 'low']]);
    const learnt = (r.observations.cipherCategories as Record<string, Record<string, unknown>>)['TLSv1.2'];
    expect(learnt).to.deep.include({ weak: { learnt: 'accepted', suites: ['NULL-SHA256'] }, forwardSecrecy: { learnt: 'refused' }, aead: { learnt: 'refused' }, allAcceptedNamed: true });
    expect(learnt.seen).to.have.members(['NULL-SHA256', 'AES128-SHA']);
    expect(r.observations.cipherEnumeration).to.have.keys('TLSv1.2');
    expect((r.observations.cipherEnumeration as Record<string, string>)['TLSv1.2']).to.match(/^complete: categories decided in \d+ handshakes; every accepted suite named in \d+ more handshakes$/);
  });

  it('when a legacy server picks RC4, 3DES and EXPORT suites on TLS 1.0 (which OpenSSL 3 cannot serve), then each class is reported and TLS 1.0 counts as accepted', async () => {
    const port = await listen(fakeTlsServer([0x0301], ['EXP-RC4-MD5', 'RC4-SHA', 'DES-CBC3-SHA', 'AES128-SHA'].map(id)));
    const [r] = await tlsProtocols.run(target(port), ctx);
    expect(r.failures.map((f) => f.code)).to.deep.equal(['tls.protocol.tls1_0', 'tls.cipher.export', 'tls.cipher.rc4', 'tls.cipher.3des', 'tls.cipher.no_forward_secrecy']);
    expect(r.failures.find((f) => f.code === 'tls.cipher.rc4')?.message).to.equal('The server accepts RC4 cipher suites, prohibited by RFC 7465: EXP-RC4-MD5, RC4-SHA.');
    expect(r.observations.accepted).to.deep.equal(['TLSv1.0']);
    expect(r.observations.cipherCategories).to.have.keys('TLSv1.0');
    expect((r.observations.cipherCategories as Record<string, { seen: string[] }>)['TLSv1.0'].seen).to.deep.equal(['EXP-RC4-MD5', 'RC4-SHA', 'DES-CBC3-SHA', 'AES128-SHA']);
  });

  it('when the server sends its leaf without the intermediate under a known root, then cert.chain_incomplete (not cert.untrusted); with it, the check passes', async () => {
    const pki = new Pki(dir);
    const root = pki.issue('root', { ca: true });
    const intermediate = pki.issue('intermediate', { ca: true, by: root });
    const leaf = pki.issue('via-intermediate', { by: intermediate });
    const withRoot = { ...ctx, ca: [fs.readFileSync(root.certFile, 'utf8')] };
    const serve = (chain: string[]): Promise<number> =>
      listen(tls.createServer({ key: fs.readFileSync(leaf.keyFile), cert: chain.map((f) => fs.readFileSync(f, 'utf8')).join('') }, (s) => s.end()));
    const [bare] = await tlsCertificate.run(target(await serve([leaf.certFile])), withRoot);
    expect(bare.failures.map((f) => f.code)).to.deep.equal(['cert.chain_incomplete']);
    expect(bare.failures[0].message).to.contain('Attest Test intermediate').and.contain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const [full] = await tlsCertificate.run(target(await serve([leaf.certFile, intermediate.certFile])), withRoot);
    expect(full.status).to.equal('pass');
  });
});
