/* Local targets for the scan benchmark: one HTTPS server per loopback address, some exposed ports. */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import forge from 'node-forge';

export interface LocalTargets { hosts: string[]; httpsPort: number; exposedPort: number; close(): Promise<void> }

function selfSigned(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: 'localhost' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

const handler: http.RequestListener = (_req, res) => {
  res.setHeader('Content-Security-Policy', "default-src 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Server', 'nginx/1.18.0');
  res.end('<!doctype html><title>bench</title><p>ok</p>');
};

/** `count` loopback addresses 127.0.1.1 …, each with an HTTPS server and, every third one, an exposed MySQL-like port. */
export async function startTargets(count: number, httpsPort = 8443, exposedPort = 3306): Promise<LocalTargets> {
  const tlsOpts = selfSigned();
  const servers: net.Server[] = [];
  const hosts = Array.from({ length: count }, (_, i) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);
  for (const [i, host] of hosts.entries()) {
    const s = https.createServer(tlsOpts, handler);
    s.on('clientError', (_err, socket) => socket.destroy());
    s.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(httpsPort, host, resolve); });
    servers.push(s);
    if (i % 3 === 0) {
      const l = net.createServer((c) => { c.on('error', () => undefined); c.end(); });
      await new Promise<void>((resolve, reject) => { l.once('error', reject); l.listen(exposedPort, host, resolve); });
      servers.push(l);
    }
  }
  return {
    hosts, httpsPort, exposedPort,
    close: async () => { await Promise.all(servers.map((s) => new Promise((r) => { (s as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.(); s.close(() => r(undefined)); }))); },
  };
}

// run as a program: `tsx test/bench/scan-targets.ts <count>` serves the targets until stdin closes
if (require.main === module) {
  void startTargets(Number(process.argv[2] ?? 124)).then((t) => {
    process.stdout.write(`${JSON.stringify({ hosts: t.hosts, httpsPort: t.httpsPort, exposedPort: t.exposedPort })}\n`);
    process.stdin.resume();
    process.stdin.on('end', () => { void t.close().then(() => process.exit(0)); });
  }, (err) => { process.stderr.write(`${err}\n`); process.exit(1); });
}
