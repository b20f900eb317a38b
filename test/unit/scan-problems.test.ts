import { expect } from 'chai';
import { MODIFIERS, INFORMATIONAL_TESTS } from '../../src/modules/scans/observatory/outcomes';
import { knownCode, problemsOf } from '../../src/modules/scans/problems';
import type { Failure } from '../../src/modules/scans/checks/types';

const fail = (code: string, severity: Failure['severity'] = 'medium'): Failure => ({ code, severity, message: `seen: ${code}` });

describe('unit: scan problems and their words', () => {
  it('when any graded Observatory outcome fails (negative modifier), then it has a title and a fix in both languages', () => {
    const informational = (o: string) => o.startsWith('coep-') || o.startsWith('coop-');
    const failing = Object.entries(MODIFIERS).filter(([o, m]) => m < 0 && !informational(o)).map(([o]) => o);
    expect(failing.length).to.be.at.least(35);
    expect(INFORMATIONAL_TESTS.length).to.equal(2);
    for (const code of failing) {
      expect(knownCode(code), code).to.equal(true);
      const [p] = problemsOf('http.headers', [fail(code)]);
      for (const text of [p.title.vi, p.title.en, p.fix.vi, p.fix.en]) {
        expect(text, code).to.be.a('string').and.have.length.above(10);
        expect(text, code).not.to.include(code);
      }
      expect(p.title.vi, code).not.to.equal(p.title.en);
    }
  });

  it('when TLS 1.0 and 1.1 are accepted, then that is one problem titled as the issue asks; SSLv3 joins it', () => {
    const ps = problemsOf('tls.protocols', [fail('tls.protocol.tls1_1', 'high'), fail('tls.protocol.tls1_0', 'high')]);
    expect(ps).to.have.length(1);
    expect(ps[0]).to.deep.include({ key: 'legacy-protocols', title: { vi: 'TLS 1.0 và 1.1 vẫn được chấp nhận', en: 'TLS 1.0 and 1.1 accepted' } });
    expect(problemsOf('tls.protocols', [fail('tls.protocol.sslv3'), fail('tls.protocol.tls1_0')])[0].title.en).to.equal('SSLv3 and TLS 1.0 accepted');
    expect(problemsOf('tls.protocols', [fail('tls.protocol.tls1_1')])[0].title.vi).to.equal('TLS 1.1 vẫn được chấp nhận');
  });

  it('when weak cipher classes and certificate problems are seen, then each is its own problem, worst first; expired and expiring are one', () => {
    const ps = problemsOf('tls.protocols', [fail('tls.cipher.3des', 'medium'), fail('tls.cipher.null', 'critical'), fail('tls.cipher.rc4', 'high')]);
    expect(ps.map((p) => p.key)).to.deep.equal(['tls.cipher.null', 'tls.cipher.rc4', 'tls.cipher.3des']);
    expect(ps[0].title.en).to.equal('The server accepts cipher suites without encryption (NULL)');
    const certs = problemsOf('tls.certificate', [fail('cert.expired', 'critical'), fail('cert.weak_key', 'high')]);
    expect(certs.map((p) => p.key)).to.deep.equal(['cert.validity', 'cert.weak_key']);
    expect(problemsOf('tls.certificate', [fail('cert.expiring')])[0]).to.deep.include({ key: 'cert.validity', title: { vi: 'Chứng thư số sắp hết hạn', en: 'The certificate expires soon' } });
  });

  it('when a port is open, then the problem is that port, named with its service; an unknown code is its own problem named by check and code', () => {
    expect(problemsOf('ports.exposed', [fail('port.open.3306')])[0]).to.deep.include({ key: 'port.open.3306', title: { vi: 'Cổng 3306 (MySQL / MariaDB) đang mở nhưng không nằm trong các cổng được phép', en: 'Port 3306 (MySQL / MariaDB) is open but not among the allowed ports' } });
    const [u] = problemsOf('tls.protocols', [fail('tls.something-new')]);
    expect(u.key).to.equal('tls.something-new');
    expect(u.title.en).to.equal('Automated check tls.protocols failed: tls.something-new');
    expect(knownCode('tls.something-new')).to.equal(false);
  });
});
