import { expect } from 'chai';
import { judgeSuites } from '../../src/modules/scans/checks/tls-cipher-verdicts';
import { nameTheRest, probeCiphers, robustForwardSecrecy, weakSuite, type CipherProbe, type Exchange } from '../../src/modules/scans/checks/tls-ciphers';
import { parseServerReply, type HelloAnswer } from '../../src/modules/scans/checks/tls-hello';
import { SUITES, suitesFor, type Suite } from '../../src/modules/scans/checks/tls-suites';
import { answer } from '../helpers/tls-fake';

const VERSIONS = [0x0301, 0x0302, 0x0303];
const limits = { maxConnections: 64, deadline: Number.MAX_SAFE_INTEGER };
const byName = (name: string): Suite => SUITES.find((s) => s.name === name)!;
const sorted = (suites: Suite[]): string[] => suites.map((s) => s.name).sort();

/** A server with this preference list on these versions; counts hellos per version. */
function server(versions: number[], preference: Suite[]): Exchange & { hellos: Map<number, number> } {
  const fn = (async (hello: Buffer): Promise<HelloAnswer> => {
    const version = hello.readUInt16BE(9);
    fn.hellos.set(version, (fn.hellos.get(version) ?? 0) + 1);
    return parseServerReply(answer(hello, versions, preference.map((s) => s.id))) as HelloAnswer;
  }) as Exchange & { hellos: Map<number, number> };
  fn.hellos = new Map();
  return fn;
}

/** What tls.protocols does: the category probes, then the naming walk only when no forward secrecy was found. */
async function scan(exchange: Exchange, tls13: boolean): Promise<{ probes: CipherProbe[]; codes: string[] }> {
  let probes = await Promise.all(VERSIONS.map((v) => probeCiphers(v, exchange, limits)));
  if (judgeSuites(probes, tls13).some((f) => f.code === 'tls.cipher.no_forward_secrecy')) probes = await Promise.all(probes.map((p) => nameTheRest(p, exchange, limits)));
  return { probes, codes: judgeSuites(probes, tls13).map((f) => f.code) };
}

/** The verdicts over the server's whole inventory, by the rules alone: what the full walk used to give. */
function expected(accepted: Map<number, Suite[]>, tls13: boolean): string[] {
  const all = [...new Set([...accepted.values()].flat())];
  const codes: string[] = [];
  const rules: [string, (s: Suite) => boolean][] = [['null', (s) => s.null], ['anon', (s) => s.anon], ['export', (s) => s.export], ['rc4', (s) => s.rc4], ['3des', (s) => s.block64]];
  for (const [code, applies] of rules) if (all.some(applies)) codes.push(`tls.cipher.${code}`);
  if (!tls13 && all.length > 0 && !all.some(robustForwardSecrecy)) codes.push('tls.cipher.no_forward_secrecy');
  const tls12 = accepted.get(0x0303) ?? [];
  if (tls12.length > 0 && !tls12.some((s) => s.aead)) codes.push('tls.cipher.cbc_only_tls12');
  return codes;
}

/** mulberry32: the same servers on every run, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('unit: cipher verdicts from category probes', () => {
  it('when 400 random servers (suite sets, preference orders, versions, TLS 1.3) are probed, then every verdict equals the one over their full inventory, within 5 hellos per version plus one per weak suite', async () => {
    const rnd = random(16);
    let modern = 0;
    for (let n = 0; n < 400; n += 1) {
      const density = [0.02, 0.08, 0.3, 0.7][n % 4];
      // every third server is configured without weak suites, as most are
      const preference = SUITES.filter((s) => rnd() < density && (n % 3 !== 0 || !weakSuite(s))).sort(() => rnd() - 0.5);
      const versions = VERSIONS.filter(() => rnd() < 0.6);
      const tls13 = rnd() < 0.3;
      const exchange = server(versions, preference);
      const { probes, codes } = await scan(exchange, tls13);
      const accepted = new Map(versions.map((v) => [v, preference.filter((s) => suitesFor(v).includes(s))]));
      const label = JSON.stringify({ n, versions, tls13, preference: preference.map((s) => s.name) });
      expect(codes, label).to.deep.equal(expected(accepted, tls13));
      for (const p of probes) {
        const inventory = accepted.get(p.version) ?? [];
        expect(p.complete, label).to.equal(true);
        // every weak suite is named; with no forward secrecy, every suite is
        expect(sorted(p.seen.filter(weakSuite)), label).to.deep.equal(sorted(inventory.filter(weakSuite)));
        if (codes.includes('tls.cipher.no_forward_secrecy')) expect(sorted(p.seen), label).to.deep.equal(sorted(inventory));
        const weak = inventory.filter(weakSuite).length;
        if (!codes.includes('tls.cipher.no_forward_secrecy')) expect(exchange.hellos.get(p.version) ?? 0, label).to.be.at.most(5 + weak);
        if (weak === 0 && inventory.some((s) => robustForwardSecrecy(s) && s.aead)) {
          expect(exchange.hellos.get(p.version) ?? 0, label).to.be.at.most(3);
          modern += 1;
        }
      }
    }
    expect(modern, 'versions with a modern configuration among the random servers').to.be.at.least(50);
  });

  it('when any suite has robust forward secrecy, or TLS 1.3 is accepted, then no_forward_secrecy is not reported (testssl\'s verdict); ECDHE with 3DES or anonymous DH does not count', async () => {
    const codes = async (names: string[], tls13 = false) => (await scan(server([0x0303], names.map(byName)), tls13)).codes;
    expect(await codes(['AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'])).to.deep.equal([]);
    expect(await codes(['AES128-GCM-SHA256'], true)).to.deep.equal([]);
    expect(await codes(['ECDHE-RSA-DES-CBC3-SHA', 'AES128-GCM-SHA256'])).to.deep.equal(['tls.cipher.3des', 'tls.cipher.no_forward_secrecy']);
    expect(await codes(['ADH-AES128-GCM-SHA256'])).to.deep.equal(['tls.cipher.anon', 'tls.cipher.no_forward_secrecy']);
  });

  it('when export suites are accepted on TLS 1.0, then the failure is critical and names them', async () => {
    const { probes } = await scan(server([0x0301], ['EXP-DES-CBC-SHA', 'ECDHE-RSA-AES128-SHA'].map(byName)), false);
    const [exp] = judgeSuites(probes, false);
    expect(exp).to.deep.equal({ code: 'tls.cipher.export', severity: 'critical', message: 'The server accepts export-grade cipher suites, breakable in hours (FREAK, Logjam): EXP-DES-CBC-SHA.' });
  });

  it('when one version could not be probed to the end, then absence verdicts are withheld while suites seen still fail', () => {
    const rc4 = byName('RC4-SHA');
    const done: CipherProbe = { version: 0x0303, seen: [rc4], weak: 'accepted', forwardSecrecy: 'refused', aead: 'refused', inventory: true, complete: true, stop: '', handshakes: 6 };
    const cut: CipherProbe = { version: 0x0301, seen: [], weak: 'unknown', forwardSecrecy: 'unknown', aead: 'unknown', inventory: false, complete: false, stop: 'time budget spent', handshakes: 0 };
    expect(judgeSuites([done], false).map((f) => f.code)).to.deep.equal(['tls.cipher.rc4', 'tls.cipher.no_forward_secrecy', 'tls.cipher.cbc_only_tls12']);
    expect(judgeSuites([done, cut], false).map((f) => f.code)).to.deep.equal(['tls.cipher.rc4', 'tls.cipher.cbc_only_tls12']);
    expect(judgeSuites([{ ...done, complete: false, aead: 'unknown' }], false).map((f) => f.code)).to.deep.equal(['tls.cipher.rc4']);
  });
});
