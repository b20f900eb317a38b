import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { judgeSuites } from '../../src/modules/scans/checks/tls-cipher-verdicts';
import { nameTheRest, probeCiphers, type CipherProbe, type Exchange } from '../../src/modules/scans/checks/tls-ciphers';
import { buildHello, parseServerReply, type HelloAnswer } from '../../src/modules/scans/checks/tls-hello';
import { RENEGOTIATION_SCSV, SUITES, suiteById, suitesFor } from '../../src/modules/scans/checks/tls-suites';
import { answer, parseClientHello, serverHello } from '../helpers/tls-fake';

const TLS10 = 0x0301;
const TLS11 = 0x0302;
const TLS12 = 0x0303;
const id = (name: string): number => {
  const s = SUITES.find((x) => x.name === name);
  if (!s) throw new Error(`no suite ${name}`);
  return s.id;
};
const limits = { maxConnections: 64, deadline: Number.MAX_SAFE_INTEGER };

/** A responder that behaves like a server with this preference list, counting the hellos it saw. */
function responder(versions: number[], preference: string[]): Exchange & { hellos: number } {
  const fn = (async (hello: Buffer): Promise<HelloAnswer> => {
    fn.hellos += 1;
    return parseServerReply(answer(hello, versions, preference.map(id))) as HelloAnswer;
  }) as Exchange & { hellos: number };
  fn.hellos = 0;
  return fn;
}

describe('unit: TLS ClientHello builder', () => {
  it('when a TLS 1.2 hello is built for a host name, then it carries the suites, SNI, groups, point formats, signature algorithms and padding past 512 bytes', () => {
    const suites = suitesFor(TLS12).map((s) => s.id);
    const hello = buildHello({ version: TLS12, suites: [...suites, RENEGOTIATION_SCSV], serverName: 'portal.example.test', random: Buffer.alloc(32, 1) });
    const offer = parseClientHello(hello);
    expect(offer).to.include({ recordVersion: 0x0301, version: TLS12 });
    expect(offer.suites).to.deep.equal([...suites, 0x00ff]);
    expect(offer.extensions.slice(0, 4)).to.deep.equal([0x0000, 0x000a, 0x000b, 0x000d]);
    expect(offer.handshakeLength).to.equal(hello.length - 5);
    expect(offer.handshakeLength < 256 || offer.handshakeLength >= 512, String(offer.handshakeLength)).to.equal(true);
  });

  it('when a TLS 1.0 hello of 256–511 bytes is built for an IP literal, then there is no SNI, no signature algorithms, and padding lifts it to 512 bytes', () => {
    const offer = parseClientHello(buildHello({ version: TLS10, suites: Array.from({ length: 100 }, (_, i) => 0x0100 + i), serverName: '127.0.0.1' }));
    expect(offer.version).to.equal(TLS10);
    expect(offer.extensions).to.deep.equal([0x000a, 0x000b, 0x0015]);
    expect(offer.handshakeLength).to.equal(512);
  });

  it('when the version is outside SSLv3..TLS 1.2, then it refuses to build', () => {
    expect(() => buildHello({ version: 0x0304, suites: [0x1301] })).to.throw(RangeError);
    expect(() => buildHello({ version: 0x0200, suites: [0x002f] })).to.throw(RangeError);
  });
});

describe('unit: cipher suite table', () => {
  it('when ids are listed, then each is unique, and the whole offer stays under the 128-suite limit some servers have', () => {
    expect(new Set(SUITES.map((s) => s.id)).size).to.equal(SUITES.length);
    expect(SUITES.length + 1).to.be.below(128);
  });

  it('when well-known suites are looked up, then their properties are what testssl and the RFCs say', () => {
    const props = (name: string): Record<string, boolean> => {
      const { null: n, anon, export: exp, rc4, block64, forwardSecrecy, aead } = suiteById(id(name))!;
      return { n, anon, exp, rc4, block64, forwardSecrecy, aead };
    };
    const none = { n: false, anon: false, exp: false, rc4: false, block64: false, forwardSecrecy: false, aead: false };
    expect(props('NULL-SHA256')).to.deep.equal({ ...none, n: true });
    expect(props('AECDH-NULL-SHA')).to.deep.equal({ ...none, n: true, anon: true });
    expect(props('ADH-AES128-GCM-SHA256')).to.deep.equal({ ...none, anon: true, aead: true });
    expect(props('EXP-RC4-MD5')).to.deep.equal({ ...none, exp: true, rc4: true });
    expect(props('RC4-SHA')).to.deep.equal({ ...none, rc4: true });
    expect(props('DES-CBC3-SHA')).to.deep.equal({ ...none, block64: true });
    expect(props('ECDHE-RSA-DES-CBC3-SHA')).to.deep.equal({ ...none, block64: true, forwardSecrecy: true });
    expect(props('AES128-SHA')).to.deep.equal(none);
    expect(props('ECDHE-RSA-AES128-GCM-SHA256')).to.deep.equal({ ...none, forwardSecrecy: true, aead: true });
    expect(props('DHE-RSA-CHACHA20-POLY1305')).to.deep.equal({ ...none, forwardSecrecy: true, aead: true });
    expect(suiteById(0x0003)?.name).to.equal('EXP-RC4-MD5');
    expect(suiteById(0x000a)?.name).to.equal('DES-CBC3-SHA');
  });

  it('when a TLS 1.0 hello is planned, then the TLS 1.2-only suites (SHA-2 MAC, AEAD) are left out', () => {
    const tls10 = suitesFor(TLS10);
    expect(tls10.some((s) => s.aead || s.mac === 'SHA256' || s.mac === 'SHA384')).to.equal(false);
    expect(tls10.map((s) => s.name)).to.include.members(['AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'RC4-SHA', 'DES-CBC3-SHA']);
    expect(suitesFor(TLS12)).to.have.length(SUITES.length);
  });

  it('when the local openssl knows a suite of the table, then it gives it the same id', () => {
    const listing = execFileSync('/usr/bin/openssl', ['ciphers', '-V', 'ALL:COMPLEMENTOFALL@SECLEVEL=0'], { encoding: 'utf8' });
    let compared = 0;
    for (const line of listing.split('\n')) {
      const m = /0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)/.exec(line);
      const ours = m && SUITES.find((s) => s.name === m[3]);
      if (!m || !ours) continue;
      expect(ours.id, m[3]).to.equal(parseInt(m[1] + m[2], 16));
      compared += 1;
    }
    expect(compared).to.be.at.least(80);
  });
});

describe('unit: cipher category probes', () => {
  const names = (p: CipherProbe): string[] => p.seen.map((s) => s.name);
  const codes = (probes: CipherProbe[], tls13 = false): string[] => judgeSuites(probes, tls13).map((f) => f.code);

  it('when a modern server (ECDHE-GCM preferred, CBC and static RSA also enabled) is probed, then TLS 1.2 costs 2 hellos, a refused version 1, and nothing fails', async () => {
    const server = responder([TLS12], ['ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA', 'AES128-GCM-SHA256', 'AES128-SHA']);
    const tls12 = await probeCiphers(TLS12, server, limits);
    expect(server.hellos).to.equal(2);
    expect(tls12).to.deep.include({ weak: 'refused', forwardSecrecy: 'accepted', aead: 'accepted', complete: true, inventory: false, handshakes: 2 });
    expect(names(tls12)).to.deep.equal(['ECDHE-RSA-AES256-GCM-SHA384']);
    const tls10 = await probeCiphers(TLS10, server, limits);
    expect(server.hellos).to.equal(3);
    expect(tls10).to.deep.include({ seen: [], weak: 'refused', forwardSecrecy: 'refused', complete: true, inventory: true, stop: 'every suite refused: alert handshake_failure' });
    expect(codes([tls10, tls12])).to.deep.equal([]);
  });

  it('when a server prefers a CBC suite without forward secrecy but also has ECDHE-GCM, then each version costs at most 3 hellos', async () => {
    const server = responder([TLS10, TLS11, TLS12], ['AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES128-GCM-SHA256']);
    for (const version of [TLS10, TLS11, TLS12]) {
      server.hellos = 0;
      const probe = await probeCiphers(version, server, limits);
      expect(server.hellos, version.toString(16)).to.equal(3);
      expect(probe).to.include({ weak: 'refused', forwardSecrecy: 'accepted', complete: true });
      expect(names(probe)[0]).to.equal('AES128-SHA');
    }
  });

  it('when a server with forward secrecy also accepts RC4 and EXPORT suites, then the weak hello finds them and walks only the weak ones, naming each', async () => {
    const server = responder([TLS12], ['ECDHE-RSA-AES128-GCM-SHA256', 'RC4-SHA', 'AES128-SHA', 'EXP-RC4-MD5']);
    const probe = await probeCiphers(TLS12, server, limits);
    expect(names(probe)).to.deep.equal(['ECDHE-RSA-AES128-GCM-SHA256', 'RC4-SHA', 'EXP-RC4-MD5']);
    expect(server.hellos).to.equal(4);
    const failures = judgeSuites([probe], false);
    expect(failures.map((f) => [f.code, f.severity])).to.deep.equal([['tls.cipher.export', 'critical'], ['tls.cipher.rc4', 'high']]);
    expect(failures[1].message).to.equal('The server accepts RC4 cipher suites, prohibited by RFC 7465: RC4-SHA, EXP-RC4-MD5.');
  });

  it('when a legacy server has only RC4, 3DES and static RSA, then every class fails and the no-FS walk names the rest', async () => {
    const server = responder([TLS12], ['RC4-SHA', 'DES-CBC3-SHA', 'AES128-SHA']);
    const probe = await probeCiphers(TLS12, server, limits);
    expect(probe).to.deep.include({ weak: 'accepted', forwardSecrecy: 'refused', aead: 'refused', complete: true, inventory: false });
    // every suite, the weak walk (3DES, then refused), FS with AEAD, FS, AEAD
    expect(server.hellos).to.equal(6);
    expect(codes([probe])).to.deep.equal(['tls.cipher.rc4', 'tls.cipher.3des', 'tls.cipher.no_forward_secrecy', 'tls.cipher.cbc_only_tls12']);
    const named = await nameTheRest(probe, server, limits);
    expect(server.hellos).to.equal(8);
    expect(named).to.include({ inventory: true, handshakes: 8 });
    const failures = judgeSuites([named], false);
    expect(failures.map((f) => [f.code, f.severity])).to.deep.equal([
      ['tls.cipher.rc4', 'high'],
      ['tls.cipher.3des', 'medium'],
      ['tls.cipher.no_forward_secrecy', 'medium'],
      ['tls.cipher.cbc_only_tls12', 'low'],
    ]);
    expect(failures[2].message).to.match(/Accepted: RC4-SHA, DES-CBC3-SHA, AES128-SHA\.$/);
    expect(failures[3].message).to.equal('TLS 1.2 is offered without any AEAD suite (GCM, CCM, ChaCha20-Poly1305); only RC4-SHA, DES-CBC3-SHA, AES128-SHA.');
  });

  it('when a server has only static RSA suites, then no_forward_secrecy is reported unless TLS 1.3 is accepted; with GCM among them, not CBC-only', async () => {
    const server = responder([TLS12], ['AES128-GCM-SHA256', 'AES256-SHA']);
    const probe = await probeCiphers(TLS12, server, limits);
    expect(server.hellos).to.equal(3);
    expect(probe).to.deep.include({ weak: 'refused', forwardSecrecy: 'refused', aead: 'accepted', complete: true });
    expect(codes([probe])).to.deep.equal(['tls.cipher.no_forward_secrecy']);
    expect(codes([probe], true)).to.deep.equal([]);
  });

  it('when TLS 1.2 has only CBC suites (with ECDHE), then cbc_only_tls12 names what was accepted; CBC-only TLS 1.0 beside AEAD TLS 1.2 is not reported', async () => {
    const cbc = responder([TLS12], ['ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA']);
    const probe = await probeCiphers(TLS12, cbc, limits);
    expect(cbc.hellos).to.equal(3);
    const failures = judgeSuites([probe], false);
    expect(failures.map((f) => f.code)).to.deep.equal(['tls.cipher.cbc_only_tls12']);
    expect(failures[0].message).to.equal('TLS 1.2 is offered without any AEAD suite (GCM, CCM, ChaCha20-Poly1305): every AEAD suite offered was refused, and ECDHE-RSA-AES128-SHA256 accepted.');
    const mixed = responder([TLS10, TLS12], ['ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES128-GCM-SHA256']);
    expect(codes([await probeCiphers(TLS10, mixed, limits), await probeCiphers(TLS12, mixed, limits)])).to.deep.equal([]);
  });

  it('when the server names a suite that was not offered, then probing stops there, incomplete, instead of looping', async () => {
    let hellos = 0;
    const liar: Exchange = async () => {
      hellos += 1;
      return parseServerReply(serverHello(TLS12, 0x1301)) as HelloAnswer;
    };
    const probe = await probeCiphers(TLS12, liar, limits);
    expect(probe).to.deep.include({ complete: false, weak: 'unknown', stop: 'the server chose 0x1301, which was not offered (after 1 handshakes)' });
    expect(hellos).to.equal(1);
    // a server that always answers AES128-SHA, whatever the hello: the weak hello exposes it
    const stubborn: Exchange = async () => parseServerReply(serverHello(TLS12, id('AES128-SHA'))) as HelloAnswer;
    const second = await probeCiphers(TLS12, stubborn, limits);
    expect(second).to.include({ complete: false, weak: 'unknown', forwardSecrecy: 'unknown', stop: 'the server chose AES128-SHA, which was not offered (after 2 handshakes)' });
    expect(codes([second])).to.deep.equal([]);
  });

  it('when the handshake limit or the time budget runs out, then suites seen still fail but no absence is claimed', async () => {
    const permissive = SUITES.filter((s) => !s.forwardSecrecy || s.block64).map((s) => s.name);
    const capped = await probeCiphers(TLS12, responder([TLS12], permissive), { ...limits, maxConnections: 3 });
    expect(capped).to.include({ complete: false, weak: 'unknown', forwardSecrecy: 'unknown', stop: 'handshake limit reached (after 3 handshakes)' });
    expect(capped.seen).to.have.length(3);
    expect(codes([capped])).to.deep.equal(['tls.cipher.anon']);
    let clock = 0;
    const server = responder([TLS12], ['AES128-SHA', 'AES256-SHA']);
    const timed: Exchange = async (hello) => {
      clock += 100;
      return server(hello);
    };
    const late = await probeCiphers(TLS12, timed, { ...limits, deadline: 150, now: () => clock });
    expect(late).to.include({ complete: false, stop: 'time budget spent (after 2 handshakes)', forwardSecrecy: 'unknown' });
    expect(codes([late])).to.deep.equal([]);
  });

  it('when the no-FS naming walk is cut short, then the failure (proved by the refused hello) stays and names what was seen', async () => {
    const server = responder([TLS12], ['AES128-SHA', 'AES256-SHA', 'CAMELLIA128-SHA']);
    const probe = await probeCiphers(TLS12, server, limits);
    const named = await nameTheRest(probe, server, { ...limits, maxConnections: probe.handshakes + 1 });
    expect(named).to.include({ inventory: false, complete: true });
    expect(named.stop).to.match(/naming cut short: handshake limit reached$/);
    expect(named.seen).to.have.length(2);
    expect(codes([named])).to.deep.equal(['tls.cipher.no_forward_secrecy', 'tls.cipher.cbc_only_tls12']);
  });

  it('when the connection fails, then nothing is learnt; when the server hangs up on the hello, that is a refusal', async () => {
    const failed = await probeCiphers(TLS12, async () => ({ kind: 'failed', reason: 'no answer within 2000 ms' }), limits);
    expect(failed).to.include({ complete: false, weak: 'unknown', stop: 'no answer within 2000 ms (after 1 handshakes)' });
    const closed = await probeCiphers(TLS12, async () => ({ kind: 'closed', reason: 'connection closed' }), limits);
    expect(closed).to.include({ complete: true, inventory: true, forwardSecrecy: 'refused' });
  });
});
