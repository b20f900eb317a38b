import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { SSL3_CIPHER_SUITES, buildClientHello, parseServerReply } from '../../src/modules/scans/checks/tls-sslv3';
import { DerError, decodeOid, readTlv, signatureAlgorithm } from '../../src/modules/scans/checks/x509';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'scans');

/** Fixture files are hex with `#` comment lines saying where the bytes come from. */
function fixture(name: string): Buffer {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  return Buffer.from(text.split('\n').filter((line) => !line.startsWith('#')).join('').replace(/\s+/g, ''), 'hex');
}

describe('unit: SSLv3 ClientHello', () => {
  it('when built, then the record, handshake and hello lengths agree and everything says 0x0300', () => {
    const hello = buildClientHello({ random: Buffer.alloc(32, 0xab) });
    expect(hello[0]).to.equal(0x16);
    expect(hello.readUInt16BE(1)).to.equal(0x0300);
    expect(hello.readUInt16BE(3)).to.equal(hello.length - 5);
    expect(hello[5]).to.equal(0x01);
    expect(hello.readUIntBE(6, 3)).to.equal(hello.length - 9);
    expect(hello.readUInt16BE(9)).to.equal(0x0300);
    expect(hello.subarray(11, 43).equals(Buffer.alloc(32, 0xab))).to.equal(true);
    expect(hello[43]).to.equal(0); // no session id
    const suitesLength = hello.readUInt16BE(44);
    const suites = Array.from({ length: suitesLength / 2 }, (_, i) => hello.readUInt16BE(46 + i * 2));
    expect(suites).to.deep.equal([...SSL3_CIPHER_SUITES]);
    expect(suites).to.include.members([0x000a, 0x0005, 0x002f]);
    // one compression method, null, and nothing after it: SSLv3 has no extensions
    expect(hello.subarray(46 + suitesLength)).to.deep.equal(Buffer.from([0x01, 0x00]));
  });

  it('when built twice without a given random, then the randoms differ', () => {
    expect(buildClientHello().subarray(11, 43).equals(buildClientHello().subarray(11, 43))).to.equal(false);
  });

  it('when the random is not 32 bytes or no suite is given, then it refuses to build', () => {
    expect(() => buildClientHello({ random: Buffer.alloc(31) })).to.throw(RangeError);
    expect(() => buildClientHello({ suites: [] })).to.throw(RangeError);
  });
});

describe('unit: server reply parser', () => {
  it('when the server answers with an SSLv3 ServerHello, then version 0x0300 and its cipher suite are read', () => {
    expect(parseServerReply(fixture('sslv3-server-hello.hex'))).to.deep.equal({ kind: 'server_hello', version: 0x0300, cipherSuite: 0x000a });
  });

  it('when the server answers with an alert, then its level and description are read', () => {
    expect(parseServerReply(fixture('tls-alert-handshake-failure.hex'))).to.deep.equal({ kind: 'alert', level: 2, description: 40 });
  });

  it('when the server answers with a TLS 1.2 ServerHello, then version 0x0303 is read, not 0x0300', () => {
    expect(parseServerReply(fixture('tls12-server-hello.hex'))).to.deep.equal({ kind: 'server_hello', version: 0x0303, cipherSuite: 0x0035 });
  });

  it('when only part of a reply has arrived, then the parser asks for more and never throws', () => {
    for (const name of ['sslv3-server-hello.hex', 'tls-alert-handshake-failure.hex', 'tls12-server-hello.hex']) {
      const whole = fixture(name);
      // the record header and the first 6 bytes of the handshake decide a ServerHello; 7 bytes an alert
      const decisiveAt = whole[0] === 0x15 ? 7 : 11;
      for (let n = 0; n < decisiveAt; n += 1) expect(parseServerReply(whole.subarray(0, n)).kind, `${name} at ${n}`).to.equal('incomplete');
      for (let n = decisiveAt; n <= whole.length; n += 1) expect(parseServerReply(whole.subarray(0, n)).kind, `${name} at ${n}`).to.not.equal('incomplete');
    }
  });

  it('when the answer is an HTTP or SSH banner, then it is not TLS', () => {
    expect(parseServerReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')).kind).to.equal('not_tls');
    expect(parseServerReply(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')).kind).to.equal('not_tls');
    expect(parseServerReply(Buffer.from('H')).kind).to.equal('not_tls');
  });

  it('when the record is a handshake message other than ServerHello, then it is reported as other', () => {
    expect(parseServerReply(Buffer.from('16030000040b000000', 'hex'))).to.deep.equal({ kind: 'other', contentType: 0x16 });
  });
});

describe('unit: DER reader', () => {
  it('when a length is in short form or in long form, then the contents are bounded by it', () => {
    expect(readTlv(Buffer.from('0403616263', 'hex'), 0, 5)).to.deep.equal({ tag: 0x04, start: 2, end: 5 });
    const long = Buffer.concat([Buffer.from('04820100', 'hex'), Buffer.alloc(256)]);
    expect(readTlv(long, 0, long.length)).to.deep.equal({ tag: 0x04, start: 4, end: 260 });
  });

  it('when a length is indefinite, too wide or runs past its container, then a DerError is thrown', () => {
    expect(() => readTlv(Buffer.from('3080000000', 'hex'), 0, 5)).to.throw(DerError, /indefinite/);
    expect(() => readTlv(Buffer.from('04850000000001ff', 'hex'), 0, 8)).to.throw(DerError);
    expect(() => readTlv(Buffer.from('040561', 'hex'), 0, 3)).to.throw(DerError, /past/);
    // the buffer holds the bytes but the container given does not
    expect(() => readTlv(Buffer.from('0403616263', 'hex'), 0, 4)).to.throw(DerError);
    expect(() => readTlv(Buffer.from('04', 'hex'), 0, 1)).to.throw(DerError, /truncated/);
  });

  it('when an OID is encoded, then its arcs are decoded, the first byte holding two', () => {
    expect(decodeOid(Buffer.from('2a864886f70d01010b', 'hex'))).to.equal('1.2.840.113549.1.1.11');
    expect(decodeOid(Buffer.from('608648016503040302', 'hex'))).to.equal('2.16.840.1.101.3.4.3.2');
    expect(decodeOid(Buffer.from('2b0e03021d', 'hex'))).to.equal('1.3.14.3.2.29');
    expect(() => decodeOid(Buffer.from('2a86', 'hex'))).to.throw(DerError);
    expect(() => decodeOid(Buffer.alloc(0))).to.throw(DerError);
  });
});

describe('unit: certificate signature algorithm', () => {
  let keys: forge.pki.rsa.KeyPair;
  before(() => {
    keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  });

  function forgeCert(md: forge.md.MessageDigest): Buffer {
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'der.test' }]);
    cert.setIssuer([{ name: 'commonName', value: 'der.test' }]);
    cert.sign(keys.privateKey, md);
    return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  }

  function opensslCert(args: string[]): Buffer {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-der-'));
    try {
      const out = path.join(dir, 'cert.pem');
      execFileSync('/usr/bin/openssl', ['req', '-x509', '-nodes', '-subj', '/CN=der.test', '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', out, ...args], { stdio: 'ignore' });
      return new X509Certificate(fs.readFileSync(out)).raw;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('when a certificate is signed with SHA-1 or SHA-256 over RSA, then that algorithm is read from the DER', () => {
    expect(signatureAlgorithm(forgeCert(forge.md.sha1.create()))).to.deep.equal({ oid: '1.2.840.113549.1.1.5', name: 'sha1WithRSAEncryption', hash: 'sha1' });
    expect(signatureAlgorithm(forgeCert(forge.md.sha256.create()))).to.deep.equal({ oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption', hash: 'sha256' });
    expect(signatureAlgorithm(forgeCert(forge.md.md5.create())).hash).to.equal('md5');
  });

  it('when a certificate is signed with ECDSA or RSA-PSS, then the digest comes out of the OID or the PSS parameters', () => {
    const ec = opensslCert(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha384']);
    expect(signatureAlgorithm(ec)).to.deep.equal({ oid: '1.2.840.10045.4.3.3', name: 'ecdsa-with-SHA384', hash: 'sha384' });
    const pss = opensslCert(['-newkey', 'rsa:2048', '-sha512', '-sigopt', 'rsa_padding_mode:pss']);
    expect(signatureAlgorithm(pss)).to.deep.equal({ oid: '1.2.840.113549.1.1.10', name: 'rsassaPss(sha512)', hash: 'sha512' });
  });

  it('when the DER is cut short anywhere or is not a certificate, then a DerError is thrown, never a read past the end', () => {
    const der = forgeCert(forge.md.sha256.create());
    for (let n = 0; n < der.length; n += 1) expect(() => signatureAlgorithm(der.subarray(0, n)), `at ${n}`).to.throw(DerError);
    expect(() => signatureAlgorithm(Buffer.from('020101', 'hex'))).to.throw(DerError, /Certificate/);
  });
});
