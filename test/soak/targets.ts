import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import forge from 'node-forge';

/**
 * Local scan targets on 127.0.0.1: a plain HTTP site and an HTTPS site with a self-signed
 * certificate. Every 45 s both switch between a hardened answer (the security headers the
 * Observatory grades) and a bare one, so that re-scans verify and reopen scan findings.
 */
export interface Targets { httpPort: number; httpsPort: number; close(): Promise<void> }

function selfSigned(): { key: string; cert: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${crypto.randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 20 * 86_400_000); // expires within 30 days: one more failure
  const attrs = [{ name: 'commonName', value: 'soak.attest.example' }, { name: 'organizationName', value: 'Attest soak test' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(cert) };
}

const HARDENED: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  const hardened = Math.floor(Date.now() / 45_000) % 2 === 0;
  const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8', ...(hardened ? HARDENED : { Server: 'Apache/2.4.1 (Unix)', 'X-Powered-By': 'PHP/5.6.0' }) };
  res.writeHead(200, headers);
  res.end('<!doctype html><title>soak target</title><p>Attest soak test target</p>');
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function startTargets(): Promise<Targets> {
  const plain = http.createServer(handler);
  const tls = https.createServer({ ...selfSigned(), minVersion: 'TLSv1.2' }, handler);
  const [httpPort, httpsPort] = [await listen(plain), await listen(tls)];
  const close = (s: http.Server) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  return { httpPort, httpsPort, close: async () => { await Promise.all([close(plain), close(tls)]); } };
}
