import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { enumerateSuites, judgeSuites, type Enumeration, type Exchange } from '../../src/modules/scans/checks/tls-ciphers';
import { buildHello, parseServerReply, type HelloAnswer } from '../../src/modules/scans/checks/tls-hello';
import { RENEGOTIATION_SCSV, SUITES, suiteById, suitesFor } from '../../src/modules/scans/checks/tls-suites';
import { answer, parseClientHello, serverHello } from '../helpers/tls-fake';

const TLS10 = 0x0301;
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

describe('unit: cipher suite enumeration', () => {
  it('when a legacy server prefers RC4 and 3DES, then every accepted suite is found with one hello per suite plus the refused one', async () => {
    const server = responder([TLS10, TLS12], ['RC4-SHA', 'DES-CBC3-SHA', 'AES128-SHA']);
    const walk = await enumerateSuites(TLS12, server, limits);
    expect(walk.offered.map((s) => s.name)).to.deep.equal(['RC4-SHA', 'DES-CBC3-SHA', 'AES128-SHA']);
    expect(walk).to.include({ complete: true, stop: 'alert handshake_failure' });
    expect(server.hellos).to.equal(4);
    const codes = judgeSuites([walk], false).map((f) => [f.code, f.severity]);
    expect(codes).to.deep.equal([
      ['tls.cipher.rc4', 'high'],
      ['tls.cipher.3des', 'medium'],
      ['tls.cipher.no_forward_secrecy', 'medium'],
      ['tls.cipher.cbc_only_tls12', 'low'],
    ]);
  });

  it('when the server does not speak the version, then nothing is offered and the walk is complete', async () => {
    const walk = await enumerateSuites(TLS10, responder([TLS12], ['AES128-SHA']), limits);
    expect(walk).to.deep.include({ offered: [], complete: true });
  });

  it('when the server names a suite that was not offered, then the walk stops instead of looping', async () => {
    let hellos = 0;
    const liar: Exchange = async () => {
      hellos += 1;
      return parseServerReply(serverHello(TLS12, 0x1301)) as HelloAnswer;
    };
    const walk = await enumerateSuites(TLS12, liar, limits);
    expect(walk).to.include({ complete: false, stop: 'the server chose 0x1301, which was not offered' });
    expect(hellos).to.equal(1);
  });

  it('when the connection or time budget runs out, then the walk stops there, incomplete', async () => {
    const permissive = SUITES.map((s) => s.name);
    const capped = await enumerateSuites(TLS12, responder([TLS12], permissive), { ...limits, maxConnections: 5 });
    expect(capped.offered).to.have.length(5);
    expect(capped).to.include({ complete: false, stop: 'stopped after 5 handshakes' });
    let clock = 0;
    const server = responder([TLS12], permissive);
    const timed: Exchange = async (hello) => {
      clock += 100;
      return server(hello);
    };
    const late = await enumerateSuites(TLS12, timed, { ...limits, deadline: 350, now: () => clock });
    expect(late.offered).to.have.length(4);
    expect(late.stop).to.equal('time budget spent');
  });

  it('when a walk is incomplete, then suites seen still fail but absence verdicts are withheld', () => {
    const walk: Enumeration = { version: TLS12, offered: [suiteById(id('RC4-SHA'))!], complete: false, stop: 'no answer within 2000 ms' };
    expect(judgeSuites([walk], false).map((f) => f.code)).to.deep.equal(['tls.cipher.rc4']);
  });
});

describe('unit: cipher verdicts', () => {
  const walk = (version: number, names: string[]): Enumeration => ({ version, offered: names.map((n) => suiteById(id(n))!), complete: true, stop: 'alert handshake_failure' });

  it('when any suite has robust forward secrecy, or TLS 1.3 is accepted, then no_forward_secrecy is not reported (testssl\'s verdict)', () => {
    expect(judgeSuites([walk(TLS12, ['AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'])], false)).to.deep.equal([]);
    expect(judgeSuites([walk(TLS12, ['AES128-GCM-SHA256'])], true)).to.deep.equal([]);
    // ECDHE with 3DES or anonymous DH does not count, as in testssl
    expect(judgeSuites([walk(TLS12, ['ECDHE-RSA-DES-CBC3-SHA', 'AES128-GCM-SHA256'])], false).map((f) => f.code)).to.deep.equal(['tls.cipher.3des', 'tls.cipher.no_forward_secrecy']);
    expect(judgeSuites([walk(TLS12, ['ADH-AES128-GCM-SHA256'])], false).map((f) => f.code)).to.deep.equal(['tls.cipher.anon', 'tls.cipher.no_forward_secrecy']);
  });

  it('when only TLS 1.0 is CBC-only while TLS 1.2 has AEAD, then cbc_only_tls12 is not reported; export suites are critical and named', () => {
    expect(judgeSuites([walk(TLS10, ['ECDHE-RSA-AES128-SHA']), walk(TLS12, ['ECDHE-RSA-AES128-GCM-SHA256'])], false)).to.deep.equal([]);
    const [exp] = judgeSuites([walk(TLS10, ['EXP-DES-CBC-SHA', 'ECDHE-RSA-AES128-SHA'])], false);
    expect(exp).to.deep.equal({ code: 'tls.cipher.export', severity: 'critical', message: 'The server accepts export-grade cipher suites, breakable in hours (FREAK, Logjam): EXP-DES-CBC-SHA.' });
  });
});
