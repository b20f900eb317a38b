import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

/*
 * The corpus served for real: each configuration on its own loopback address (the Observatory
 * only fetches http://host/ and https://host/ on ports 80 and 443), with one test CA whose leaf
 * names every address by an IP SAN, except the addresses of configurations that want a
 * certificate that does not name them.
 */
export type Headers = Record<string, string | string[] | null>;
export interface Reply { status?: number; headers?: Headers; body?: string }

export interface SiteConfig {
  name: string;
  /** over the well-configured BASE_HEADERS; null drops a header */
  headers?: Headers;
  body?: string;
  /** what OPTIONS (the CORS preflight) answers, from the request's Origin; nothing when absent */
  cors?: (origin: string | undefined) => Headers;
  /** `${scheme} ${path}` → answer; headers and bodies may say {host} (this site) or {other} (the first site) */
  routes?: Record<string, Reply | 'page'>;
  /** nothing listens on port 80 */
  noHttp?: true;
  /** nothing listens on port 443: the page is served over http */
  noHttps?: true;
  /** the certificate does not name this address */
  badCert?: true;
  /** neither side can grade it: both must refuse, with the same reason */
  ungradable?: true;
}

export const BASE_HEADERS: Headers = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
export const BASE_BODY = '<!doctype html><html><head><title>t</title></head><body>ok</body></html>';

export const siteAddress = (index: number) => `127.0.77.${index + 1}`;

export interface Sites { caFile: string; caPem: string; close(): Promise<void> }

function makeCertificates(dir: string, addresses: string[]): { key: Buffer; cert: Buffer; caPem: string } {
  const f = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  execFileSync('openssl', ['req', '-x509', ...ec, '-days', '2', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Attest observatory-diff test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', ...ec, '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=observatory-diff'], { stdio: 'ignore' });
  fs.writeFileSync(f('leaf.ext'), `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${addresses.map((a) => `IP:${a}`).join(',')}\n`);
  execFileSync('openssl', ['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2',
    '-out', f('leaf.pem'), '-extfile', f('leaf.ext')], { stdio: 'ignore' });
  return { key: fs.readFileSync(f('leaf.key')), cert: fs.readFileSync(f('leaf.pem')), caPem: fs.readFileSync(f('ca.pem'), 'utf8') };
}

const fill = (text: string, vars: Record<string, string>) => text.replace(/\{(host|other)\}/g, (_m, v: string) => vars[v]);

function expand(headers: Headers, vars: Record<string, string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== null) out[name] = typeof value === 'string' ? fill(value, vars) : value;
  }
  return out;
}

function handler(config: SiteConfig, scheme: 'http' | 'https', vars: Record<string, string>): http.RequestListener {
  const page: Reply = { status: 200, headers: { ...BASE_HEADERS, ...config.headers }, body: config.body ?? BASE_BODY };
  const fallback: Reply | 'page' = scheme === 'https' || config.noHttps ? 'page' : { status: 301, headers: { Location: 'https://{host}/' } };
  return (req, res) => {
    req.resume();
    if (req.method === 'OPTIONS') {
      res.writeHead(204, expand(config.cors?.(req.headers.origin) ?? {}, vars)).end();
      return;
    }
    const urlPath = (req.url ?? '/').split('?')[0];
    const route = config.routes?.[`${scheme} ${urlPath}`] ?? config.routes?.[`${scheme} *`] ?? fallback;
    const reply = route === 'page' ? page : route;
    res.writeHead(reply.status ?? 200, expand(reply.headers ?? {}, vars)).end(fill(reply.body ?? '', vars));
  };
}

async function listen(server: http.Server, host: string, port: number): Promise<http.Server> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** Starts every configuration's servers on 127.0.77.(i+1):80 and :443. */
export async function startSites(corpus: SiteConfig[]): Promise<Sites> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-observatory-diff-'));
  const { key, cert, caPem } = makeCertificates(dir, corpus.map((c, i) => (c.badCert ? null : siteAddress(i))).filter((a): a is string => a !== null));
  const servers: http.Server[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, config] of corpus.entries()) {
      const vars = { host: siteAddress(i), other: siteAddress(0) };
      if (!config.noHttp) servers.push(await listen(http.createServer(handler(config, 'http', vars)), vars.host, 80));
      if (!config.noHttps) servers.push(await listen(https.createServer({ key, cert }, handler(config, 'https', vars)), vars.host, 443));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { caFile: path.join(dir, 'ca.pem'), caPem, close };
}
