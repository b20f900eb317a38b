import { expect } from 'chai';
import { parseAllowList, parseEndpoint, resolveAllowed } from '../../src/modules/scans/targets';
import { cronMatches } from '../../src/modules/scans/scan.schedule';
import { TargetRefusedError } from '../../src/modules/scans/checks/types';

describe('unit: scan targets and the allow-list', () => {
  const loopback = parseAllowList(['127.0.0.0/8', '::1/128', 'localhost']);

  it('when an endpoint is a URL or host:port, then host and port come out (default ports for http/https)', () => {
    expect(parseEndpoint('https://portal.example.org/login')).to.include({ host: 'portal.example.org', port: 443 });
    expect(parseEndpoint('http://127.0.0.1:8080')).to.include({ host: '127.0.0.1', port: 8080 });
    expect(parseEndpoint('db.example.org:5432')).to.deep.equal({ host: 'db.example.org', port: 5432 });
    expect(parseEndpoint('[::1]:443')).to.deep.equal({ host: '::1', port: 443 });
    expect(() => parseEndpoint('ftp://files.example.org')).to.throw(/only http and https/);
    expect(() => parseEndpoint('no-port.example.org')).to.throw(/URL or host:port/);
    expect(() => parseEndpoint('h.example.org:70000')).to.throw(/URL or host:port/);
  });

  it('when an address is inside an allowed CIDR, then it is admitted; outside, refused before any packet', async () => {
    expect(await resolveAllowed(loopback, '127.0.0.3')).to.equal('127.0.0.3');
    expect(await resolveAllowed(loopback, '::1')).to.equal('::1');
    const only1 = parseAllowList(['127.0.0.1/32']);
    expect(await resolveAllowed(only1, '127.0.0.1')).to.equal('127.0.0.1');
    const err = await resolveAllowed(only1, '127.0.0.3').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TargetRefusedError);
    expect((err as Error).message).to.match(/127\.0\.0\.3 is outside SCAN_ALLOWED_TARGETS/);
    expect(await resolveAllowed(only1, '10.1.2.3').catch((e: unknown) => e)).to.be.instanceOf(TargetRefusedError);
  });

  it('when a name matches a host pattern, then it is admitted whatever it resolves to; localhost resolves to loopback', async () => {
    expect(['127.0.0.1', '::1']).to.include(await resolveAllowed(loopback, 'localhost'));
    const patterns = parseAllowList(['*.example.test']);
    expect(patterns.patterns.some((p) => p.test('a.b.example.test'))).to.equal(true);
    expect(patterns.patterns.some((p) => p.test('example.test'))).to.equal(false);
    expect(patterns.patterns.some((p) => p.test('evil-example.test'))).to.equal(false);
  });

  it('when the allow-list has a bad entry, then parsing names it', () => {
    expect(() => parseAllowList(['10.0.0.0/33'])).to.throw(/longer than the address/);
    expect(() => parseAllowList(['not a host!'])).to.throw(/not a CIDR, an address or a host pattern/);
  });
});

describe('unit: cron matching for scheduled scans', () => {
  const at = (iso: string) => new Date(iso);
  it('when the expression names the minute and hour, then only that local minute matches', () => {
    const d = new Date(2026, 10, 29, 2, 0, 0); // local time
    expect(cronMatches('0 2 * * *', d)).to.equal(true);
    expect(cronMatches('0 2 * * *', new Date(2026, 10, 29, 2, 1))).to.equal(false);
    expect(cronMatches('*/15 * * * *', new Date(2026, 10, 29, 7, 45))).to.equal(true);
    expect(cronMatches('0 2,14 * * *', new Date(2026, 10, 29, 14, 0))).to.equal(true);
  });
  it('when a day of week is given, then Sunday is 0 (or 7) and other days do not match', () => {
    const sunday = new Date(2026, 10, 29, 2, 0); // 29 Nov 2026 is a Sunday
    expect(sunday.getDay()).to.equal(0);
    expect(cronMatches('0 2 * * 0', sunday)).to.equal(true);
    expect(cronMatches('0 2 * * 7', sunday)).to.equal(true);
    expect(cronMatches('0 2 * * 1', sunday)).to.equal(false);
  });
  it('when the expression is invalid, then nothing matches', () => {
    expect(cronMatches('61 * * * *', at('2026-11-29T00:00:00Z'))).to.equal(false);
  });
});
