import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import forge from 'node-forge';

/**
 * Local `openssl s_server` targets for comparing our TLS checks with testssl.sh: a test PKI
 * (root ← intermediate ← leaves, keys made by the openssl binary because forge's RSA key
 * generation is slow), one server per configuration on 127.0.0.1, and testssl's JSON findings.
 */

const DAY = 86_400_000;
export const OPENSSL = '/usr/bin/openssl';
export const TESTSSL = '/usr/bin/testssl';

export interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.PrivateKey;
  certFile: string;
  keyFile: string;
}

export class Pki {
  constructor(readonly dir: string) {}

  key(bits: number): { pem: string; key: forge.pki.rsa.PrivateKey } {
    const pem = execFileSync(OPENSSL, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { pem, key: forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey };
  }

  issue(name: string, o: { bits?: number; ca?: boolean; by?: Issued; from?: number; to?: number; sha1?: boolean }): Issued {
    const { pem, key } = this.key(o.bits ?? 2048);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
    cert.validity.notBefore = new Date(Date.now() + (o.from ?? -DAY));
    cert.validity.notAfter = new Date(Date.now() + (o.to ?? 365 * DAY));
    const subject = [{ name: 'commonName', value: o.ca ? `Attest Test ${name}` : 'localhost' }, { name: 'organizationName', value: 'Attest tests' }];
    cert.setSubject(subject);
    cert.setIssuer(o.by ? o.by.cert.subject.attributes : subject);
    cert.setExtensions(
      o.ca
        ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]
        : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true }, { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    );
    cert.sign((o.by?.key ?? key) as forge.pki.rsa.PrivateKey, o.sha1 ? forge.md.sha1.create() : forge.md.sha256.create());
    const certFile = path.join(this.dir, `${name}.crt`);
    const keyFile = path.join(this.dir, `${name}.key`);
    fs.writeFileSync(certFile, forge.pki.certificateToPem(cert));
    fs.writeFileSync(keyFile, pem);
    return { cert, key, certFile, keyFile };
  }
}

/** Whether the local openssl can serve every one of these OpenSSL cipher names. */
export function opensslServes(ciphers: string[]): boolean {
  return ciphers.every((c) => {
    try {
      execFileSync(OPENSSL, ['ciphers', `${c}@SECLEVEL=0`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `openssl s_server -www` and resolves once it accepts connections. */
export async function startSServer(port: number, leaf: Issued, args: string[], chain: Issued[] = []): Promise<ChildProcess> {
  const extra = chain.length > 0 ? ['-cert_chain', chain[0].certFile] : [];
  const child = spawn(OPENSSL, ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', leaf.certFile, '-key', leaf.keyFile, ...extra, '-www', '-quiet', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`s_server ${args.join(' ')} exited: ${stderr}`);
    if (await canConnect(port)) return child;
    if (Date.now() > deadline) throw new Error(`s_server on ${port} did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export interface TestsslFinding {
  id: string;
  severity: string;
  finding: string;
}

/** Runs testssl against one local server; the narrowest option set that yields every verdict we compare. */
export function runTestssl(port: number, caFile: string, jsonFile: string): Promise<TestsslFinding[]> {
  const args = [
    '--quiet', '--warnings', 'off', '--color', '0', '--nodns', 'min', '--add-ca', caFile, '--jsonfile', jsonFile,
    '-p', '-s', '-f', '-S', '-4', '-W', '--ip', '127.0.0.1', `localhost:${port}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(TESTSSL, args, { timeout: 230_000, maxBuffer: 16 * 1024 * 1024 }, (err) => {
      // testssl exits non-zero when it found problems; a run cut short or a missing / partial JSON file is a failure to run
      if ((err as { killed?: boolean } | null)?.killed) return reject(new Error(`testssl on port ${port} did not finish in 230 s (a busy machine?)`));
      if (!fs.existsSync(jsonFile)) return reject(err ?? new Error('testssl wrote no JSON'));
      try { resolve(JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as TestsslFinding[]); } catch (e) { reject(new Error(`testssl on port ${port} wrote unreadable JSON: ${(e as Error).message}`)); }
    });
  });
}

type Rule = { id: string; code: string; when: (f: TestsslFinding) => boolean };
const offered = (f: TestsslFinding): boolean => /^offered/.test(f.finding);
const flagged = (f: TestsslFinding): boolean => ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity);

/**
 * The one table from testssl 3.0 JSON ids to our failure codes. Severities differ by design
 * (testssl grades, we gate) and are compared in the test only where they mean the same.
 * Not mapped on purpose: cipherlist_LOW (RC4 and single DES, covered by RC4 and SWEET32),
 * cipherlist_AVERAGE (CBC suites next to AEAD ones are not a failure for us), cert_expirationStatus
 * MEDIUM (testssl's 60-day notice; our window is its 30-day HIGH one).
 */
export const TESTSSL_TO_OURS: readonly Rule[] = [
  { id: 'SSLv3', code: 'tls.protocol.sslv3', when: offered },
  { id: 'TLS1', code: 'tls.protocol.tls1_0', when: offered },
  { id: 'TLS1_1', code: 'tls.protocol.tls1_1', when: offered },
  { id: 'cipherlist_NULL', code: 'tls.cipher.null', when: offered },
  { id: 'cipherlist_aNULL', code: 'tls.cipher.anon', when: offered },
  { id: 'cipherlist_EXPORT', code: 'tls.cipher.export', when: offered },
  { id: 'RC4', code: 'tls.cipher.rc4', when: flagged },
  { id: 'cipherlist_3DES_IDEA', code: 'tls.cipher.3des', when: offered },
  { id: 'SWEET32', code: 'tls.cipher.3des', when: flagged },
  { id: 'PFS', code: 'tls.cipher.no_forward_secrecy', when: flagged },
  { id: 'cipherlist_STRONG', code: 'tls.cipher.cbc_only_tls12', when: (f) => f.finding === 'not offered' },
  { id: 'cert_keySize', code: 'cert.weak_key', when: (f) => ['MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity) },
  { id: 'cert_signatureAlgorithm', code: 'cert.sha1_signature', when: (f) => /SHA1|MD5|MD4|MD2/.test(f.finding) },
  { id: 'cert_chain_of_trust', code: 'cert.chain_incomplete', when: (f) => /chain incomplete/.test(f.finding) },
  { id: 'cert_chain_of_trust', code: 'cert.untrusted', when: (f) => /self signed|not trusted/.test(f.finding) },
  // openssl verify names one error; for an expired leaf under a trusted root it is the date
  { id: 'cert_chain_of_trust', code: 'cert.expired', when: (f) => /\(expired\)/.test(f.finding) },
  { id: 'cert_expirationStatus', code: 'cert.expired', when: (f) => f.finding === 'expired' },
  { id: 'cert_expirationStatus', code: 'cert.expiring', when: (f) => f.severity === 'HIGH' },
];

/** testssl's verdicts, in our codes, sorted and without duplicates. */
export function testsslVerdicts(findings: TestsslFinding[]): string[] {
  const codes = new Set<string>();
  for (const f of findings) for (const rule of TESTSSL_TO_OURS) if (rule.id === f.id && rule.when(f)) codes.add(rule.code);
  return [...codes].sort();
}

export function stop(children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
